package brokertest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// backend is the in-memory domain.ServiceBroker behind the brokerapi handler. One mutex guards
// all state: every call is short and never waits while holding it.
type backend struct {
	mu        sync.Mutex
	catalog   catalogIndex
	async     asyncBehavior
	now       func() time.Time
	instances map[string]*instance
	// deprovisioned holds the ids of instances removed by deprovision, so that their
	// last_operation answers 410 Gone as the OSB spec asks.
	deprovisioned map[string]bool
	sequence      int
}

var _ domain.ServiceBroker = (*backend)(nil)

func newBackend(catalog []domain.Service, async asyncBehavior) *backend {
	return &backend{
		catalog:       newCatalogIndex(catalog),
		async:         async,
		now:           time.Now,
		instances:     map[string]*instance{},
		deprovisioned: map[string]bool{},
	}
}

// Services returns the catalog.
func (b *backend) Services(context.Context) ([]domain.Service, error) {
	return b.catalog.services, nil
}

// next returns a number unique within this broker, for operation ids and database names.
func (b *backend) next() int {
	b.sequence++
	return b.sequence
}

// lookup returns the instance after finishing every operation on it that is due; nil when the
// instance does not exist (or just finished deprovisioning).
func (b *backend) lookup(id string) *instance {
	inst, ok := b.instances[id]
	if !ok {
		return nil
	}
	b.settle(inst)
	return b.instances[id]
}

func (b *backend) settle(inst *instance) {
	for _, bnd := range inst.bindings {
		if op := bnd.ops.inFlight(); op != nil && b.async.due(op, b.now()) {
			b.finishBindingOp(inst, bnd, op)
		}
	}
	if op := inst.ops.inFlight(); op != nil && b.async.due(op, b.now()) {
		b.finishInstanceOp(inst, op)
	}
}

// start records a new operation; a synchronous one is finished by the caller at once.
func (b *backend) start(log *operationLog, kind OperationKind, request attributes, async bool) *operation {
	op := &operation{
		id:        fmt.Sprintf("%s-%d", kind, b.next()),
		kind:      kind,
		state:     domain.InProgress,
		startedAt: b.now(),
		fail:      async && b.async.failing[kind],
		request:   request,
	}
	log.add(op)
	return op
}

func (op *operation) finish() {
	op.state = domain.Succeeded
	if op.fail {
		op.state = domain.Failed
	}
}

// finishInstanceOp ends an operation and applies its effect when it succeeded.
func (b *backend) finishInstanceOp(inst *instance, op *operation) {
	op.finish()
	if op.fail {
		return
	}
	switch op.kind {
	case OperationProvision:
		inst.ready = true
		inst.lastActive = b.now()
	case OperationUpdate:
		inst.attrs = op.request
	case OperationDeprovision:
		delete(b.instances, inst.id)
		b.deprovisioned[inst.id] = true
	}
}

func (b *backend) finishBindingOp(inst *instance, bnd *binding, op *operation) {
	op.finish()
	if op.fail {
		return
	}
	switch op.kind {
	case OperationBind:
		bnd.ready = true
	case OperationUnbind:
		delete(inst.bindings, bnd.id)
		inst.unbound[bnd.id] = true
	}
}

// poll answers last_operation for op: it finishes op when due and otherwise counts the poll.
func (b *backend) poll(inst *instance, op *operation) domain.LastOperation {
	b.settle(inst)
	if op.inProgress() {
		op.polls++
	}
	return op.lastOperation()
}

// instanceViews returns copies of all instances, sorted by id.
func (b *backend) instanceViews() []Instance {
	b.mu.Lock()
	defer b.mu.Unlock()
	views := []Instance{}
	for id := range b.instances {
		if inst := b.lookup(id); inst != nil {
			views = append(views, inst.view())
		}
	}
	slices.SortFunc(views, func(x, y Instance) int { return cmp.Compare(x.ID, y.ID) })
	return views
}

// bindingViews returns copies of all bindings, sorted by instance id and binding id.
func (b *backend) bindingViews() []Binding {
	b.mu.Lock()
	defer b.mu.Unlock()
	views := []Binding{}
	for id := range b.instances {
		inst := b.lookup(id)
		if inst == nil {
			continue
		}
		for _, bnd := range inst.bindings {
			views = append(views, bnd.view(inst.id))
		}
	}
	slices.SortFunc(views, func(x, y Binding) int {
		return cmp.Or(cmp.Compare(x.InstanceID, y.InstanceID), cmp.Compare(x.ID, y.ID))
	})
	return views
}
