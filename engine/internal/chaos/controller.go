package chaos

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/engine"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// outcome is how a lifecycle ended.
type outcome int

const (
	pending   outcome = iota
	completed         // provision, bind, unbind and deprovision succeeded
	removed           // it failed, and nothing of it is left at the broker
)

// deleteAttempts is how many times an unbind or deprovision that failed is submitted again.
const deleteAttempts = 5

// controller drives the lifecycles. It keeps nothing that a restart would lose: each pass reads
// the operations from the engine and submits the next one a lifecycle needs (ids are
// deterministic, so a submission repeated after a crash is refused as ErrExists).
type controller struct {
	engine   *engine.Engine
	settings PlatformSettings
	ended    map[int]outcome
}

func newController(e *engine.Engine, s PlatformSettings) *controller {
	return &controller{engine: e, settings: s, ended: map[int]outcome{}}
}

func (c *controller) reconcile(ctx context.Context) (bool, error) {
	for n := range c.settings.Lifecycles {
		if c.ended[n] != pending {
			continue
		}
		o, err := c.advance(ctx, n)
		if err != nil {
			return false, err
		}
		if o != pending {
			c.ended[n] = o
		}
	}
	return len(c.ended) == c.settings.Lifecycles, nil
}

// advance submits what lifecycle n needs next, or reports how it ended.
func (c *controller) advance(ctx context.Context, n int) (outcome, error) {
	provision, err := c.operation(ctx, fmt.Sprintf("%d/provision", n), engine.Provision(provisionOptions(n, planOf(n))), n)
	if err != nil || provision == nil {
		return pending, err
	}
	switch {
	case provision.Phase == osb.PhaseSucceeded:
	case provision.Leftover:
		return c.remove(ctx, n, false)
	default: // removed by orphan mitigation, or refused: nothing was created
		return removed, nil
	}
	bind, err := c.operation(ctx, fmt.Sprintf("%d/bind", n), engine.Bind(bindOptions(n)), n)
	if err != nil || bind == nil {
		return pending, err
	}
	bound := bind.Phase == osb.PhaseSucceeded
	if bound || bind.Leftover {
		unbound, err := c.retried(ctx, n, "unbind", engine.Unbind(unbindOptions(n)))
		if err != nil || unbound == pending {
			return pending, err
		}
	}
	return c.remove(ctx, n, bound)
}

// remove deprovisions lifecycle n; it completed when it was bound (and unbound) before.
func (c *controller) remove(ctx context.Context, n int, bound bool) (outcome, error) {
	o, err := c.retried(ctx, n, "deprovision", engine.Deprovision(deprovisionOptions(n)))
	if o == completed && !bound {
		o = removed
	}
	return o, err
}

// retried runs a deletion until it succeeds, submitting it again after a failure.
func (c *controller) retried(ctx context.Context, n int, name string, req engine.Request) (outcome, error) {
	for attempt := 1; attempt <= deleteAttempts; attempt++ {
		r, err := c.operation(ctx, fmt.Sprintf("%d/%s/%d", n, name, attempt), req, n)
		if err != nil || r == nil {
			return pending, err
		}
		if r.Phase == osb.PhaseSucceeded {
			return completed, nil
		}
	}
	return pending, nil // never ends: the soak counts the lifecycle as lost
}

// operation returns the record of the operation id once it ended; it submits the operation when
// the engine does not hold it, and returns nil while it runs.
func (c *controller) operation(ctx context.Context, id string, req engine.Request, n int) (*osb.OperationRecord, error) {
	op, err := c.engine.Get(ctx, id)
	if errors.Is(err, engine.ErrNotFound) {
		err = c.engine.Submit(ctx, id, c.brokerOf(n), req)
		if errors.Is(err, engine.ErrExists) {
			err = nil
		}
		return nil, err
	}
	if err != nil || !op.Record.Done() {
		return nil, err
	}
	return &op.Record, nil
}

func (c *controller) brokerOf(n int) string {
	return c.settings.BrokerNames[n%len(c.settings.BrokerNames)]
}

func (c *controller) summary(ctx context.Context) (Summary, error) {
	var s Summary
	for n, o := range c.ended {
		switch o {
		case completed:
			s.Completed++
			s.Bound = append(s.Bound, bindingID(n))
		case removed:
			s.Removed++
		}
	}
	s.Unended = c.settings.Lifecycles - len(c.ended)
	stats, err := c.engine.Stats(ctx)
	if err != nil {
		return s, err
	}
	s.Mitigations = int64(stats.Phases[osb.PhaseRemoved])
	return s, nil
}

// planOf is lifecycle n's plan: every fourth is on the synchronous plan, whose bind answers
// carry the credentials themselves; the others bind asynchronously and fetch them.
func planOf(n int) string {
	if n%4 == 3 {
		return brokertest.DefaultSyncPlanID
	}
	return brokertest.DefaultAsyncPlanID
}

func provisionOptions(n int, plan string) *osb.ReplaceServiceInstanceOptions {
	return &osb.ReplaceServiceInstanceOptions{InstanceID: core.StringPtr(instanceID(n)),
		ServiceID: core.StringPtr(brokertest.DefaultServiceID), PlanID: core.StringPtr(plan),
		OrganizationGUID: core.StringPtr("org"), SpaceGUID: core.StringPtr("space"), AcceptsIncomplete: core.BoolPtr(true),
		Parameters: map[string]any{"size_gb": 1}}
}

func bindOptions(n int) *osb.ReplaceServiceBindingOptions {
	return &osb.ReplaceServiceBindingOptions{InstanceID: core.StringPtr(instanceID(n)), BindingID: core.StringPtr(bindingID(n)),
		ServiceID: core.StringPtr(brokertest.DefaultServiceID), PlanID: core.StringPtr(planOf(n)),
		AcceptsIncomplete: core.BoolPtr(true), Parameters: map[string]any{"role": "writer"}}
}

func unbindOptions(n int) *osb.DeleteServiceBindingOptions {
	return &osb.DeleteServiceBindingOptions{InstanceID: core.StringPtr(instanceID(n)), BindingID: core.StringPtr(bindingID(n)),
		ServiceID: core.StringPtr(brokertest.DefaultServiceID), PlanID: core.StringPtr(planOf(n)),
		AcceptsIncomplete: core.BoolPtr(true)}
}

func deprovisionOptions(n int) *osb.DeleteServiceInstanceOptions {
	return &osb.DeleteServiceInstanceOptions{InstanceID: core.StringPtr(instanceID(n)),
		ServiceID: core.StringPtr(brokertest.DefaultServiceID), PlanID: core.StringPtr(planOf(n)),
		AcceptsIncomplete: core.BoolPtr(true)}
}
