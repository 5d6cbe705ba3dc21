package brokertest

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
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
	misbehave map[Misbehaviour]bool
	// bindingLifetime is how long a binding is valid; 0 is for ever.
	bindingLifetime time.Duration
	now             func() time.Time
	instances       map[string]*instance
	// deprovisioned holds the ids of instances removed by deprovision, so that their
	// last_operation answers 410 Gone as the OSB spec asks.
	deprovisioned map[string]bool
	// creations lists every instance and binding created, for Server.Creations.
	creations []Creation
	sequence  int
}

var _ domain.ServiceBroker = (*backend)(nil)

func newBackend(cfg config) (*backend, error) {
	catalog, err := newCatalogIndex(cfg.catalog, cfg.rotatablePlans, cfg.misbehaviours, time.Now())
	if err != nil {
		return nil, err
	}
	return &backend{
		catalog:         catalog,
		async:           cfg.async,
		misbehave:       cfg.misbehaviours,
		bindingLifetime: cfg.bindingLifetime,
		now:             time.Now,
		instances:       map[string]*instance{},
		deprovisioned:   map[string]bool{},
	}, nil
}

// Services returns the catalog, which brokerapi checks service and plan ids against. GET
// /v2/catalog itself is answered by serveCatalog.
func (b *backend) Services(context.Context) ([]domain.Service, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.catalog.services, nil
}

// routes serves, in front of brokerapi, the endpoints whose answers carry what brokerapi's
// types lack: the catalog (ETag, binding_rotatable) and GET of an instance (maintenance_info).
func (b *backend) routes(next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", next)
	mux.HandleFunc("GET /v2/catalog", b.serveCatalog)
	mux.HandleFunc("GET /v2/service_instances/{instance_id}", b.serveInstance)
	return mux
}

// setMaintenanceInfo changes a plan's maintenance_info in the catalog: instances keep their
// version until an update asks for the new one.
func (b *backend) setMaintenanceInfo(planID string, info domain.MaintenanceInfo) error {
	if info.Version == "" {
		return fmt.Errorf("SetPlanMaintenanceInfo: plan %q: maintenance_info needs a version", planID)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	services := slices.Clone(b.catalog.services)
	for i := range services {
		for j := range services[i].Plans {
			if services[i].Plans[j].ID != planID {
				continue
			}
			services[i].Plans = slices.Clone(services[i].Plans)
			services[i].Plans[j].MaintenanceInfo = &info
			// Last-Modified counts whole seconds: each change moves it on by at least one, so
			// that If-Modified-Since never hides a change.
			modified := b.now().Truncate(time.Second)
			if previous := b.catalog.document.modified; !modified.After(previous) {
				modified = previous.Truncate(time.Second).Add(time.Second)
			}
			catalog, err := newCatalogIndex(services, b.catalog.rotatable, b.misbehave, modified)
			if err != nil {
				return err
			}
			b.catalog = catalog
			return nil
		}
	}
	return fmt.Errorf("SetPlanMaintenanceInfo: plan %q is not in the catalog", planID)
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
	answer := op.lastOperation()
	if answer.State == domain.InProgress && b.misbehave[MisbehaveStateSpelling] {
		answer.State = "in_progress"
	}
	return answer
}

// asyncRequired reports whether an asynchronous-only operation must be refused with 422
// AsyncRequired because the request lacks accepts_incomplete=true.
func (b *backend) asyncRequired(async, asyncAllowed bool) bool {
	return async && !asyncAllowed && !b.misbehave[MisbehaveIgnoreAcceptsIncomplete]
}

// operationID is the operation field of a 202 answer.
func (b *backend) operationID(op *operation) string {
	if b.misbehave[MisbehaveNoOperation] {
		return ""
	}
	return op.id
}

// concurrent answers a request that finds op in progress: 422 ConcurrencyError, or, with
// MisbehaveNoConcurrencyError, nil once op has been finished as if it had completed.
func (b *backend) concurrent(op *operation, finish func(*operation)) error {
	if !b.misbehave[MisbehaveNoConcurrencyError] {
		return concurrencyError(op)
	}
	finish(op)
	return nil
}

// deleteMissing answers the deletion of what does not exist: gone (410), or what a
// misbehaving broker answers instead (nil for 200, or 404).
func (b *backend) deleteMissing(gone error) error {
	switch {
	case b.misbehave[MisbehaveDeleteMissingAnswers200]:
		return nil
	case b.misbehave[MisbehaveDeleteMissingAnswers404]:
		return notFound("it does not exist")
	}
	return gone
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
