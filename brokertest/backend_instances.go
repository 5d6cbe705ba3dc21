package brokertest

import (
	"context"
	"fmt"
	"net/url"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/pivotal-cf/brokerapi/v12/domain/apiresponses"
)

// Provision creates an instance, or answers a repeated request as the OSB spec asks: 200 when
// it is identical to the existing instance, 202 with the same operation while that provisioning
// is in progress, 409 when it differs.
func (b *backend) Provision(_ context.Context, id string, details domain.ProvisionDetails, asyncAllowed bool) (domain.ProvisionedServiceSpec, error) {
	if err := b.checkPlan(details.ServiceID, details.PlanID); err != nil {
		return domain.ProvisionedServiceSpec{}, err
	}
	async := b.async.instanceOpsAsync(details.PlanID)
	if b.asyncRequired(async, asyncAllowed) {
		return domain.ProvisionedServiceSpec{}, apiresponses.ErrAsyncRequired
	}
	request := provisionAttributes(details)

	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(id)
	if inst == nil {
		inst = &instance{id: id, attrs: request, context: details.RawContext, enabled: true,
			bindings: map[string]*binding{}, unbound: map[string]bool{}}
		b.instances[id] = inst
		delete(b.deprovisioned, id)
		return b.provision(inst, async), nil
	}
	if !inst.attrs.equal(request) {
		return domain.ProvisionedServiceSpec{}, apiresponses.ErrInstanceAlreadyExists
	}
	if op := inst.ops.inFlight(); op != nil {
		if op.kind != OperationProvision {
			return domain.ProvisionedServiceSpec{}, concurrencyError(op)
		}
		return domain.ProvisionedServiceSpec{IsAsync: true, OperationData: b.operationID(op), DashboardURL: dashboardURL(id)}, nil
	}
	if !inst.ready {
		// An earlier provisioning failed: an identical request tries again.
		return b.provision(inst, async), nil
	}
	return domain.ProvisionedServiceSpec{AlreadyExists: true, DashboardURL: dashboardURL(id)}, nil
}

func (b *backend) provision(inst *instance, async bool) domain.ProvisionedServiceSpec {
	op := b.start(&inst.ops, OperationProvision, inst.attrs, async)
	spec := domain.ProvisionedServiceSpec{IsAsync: async, DashboardURL: dashboardURL(inst.id)}
	if async {
		spec.OperationData = b.operationID(op)
	} else {
		b.finishInstanceOp(inst, op)
		spec.AlreadyExists = b.misbehave[MisbehaveCreateAnswers200] // brokerapi answers 200 then
	}
	return spec
}

// Update changes an instance's plan and parameters. A repeated identical update while it is in
// progress gets the same operation; any other concurrent change gets 422 ConcurrencyError.
func (b *backend) Update(_ context.Context, id string, details domain.UpdateDetails, asyncAllowed bool) (domain.UpdateServiceSpec, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(id)
	if inst == nil || !inst.ready {
		return domain.UpdateServiceSpec{}, notFound("instance does not exist or its provisioning has not succeeded")
	}
	request, err := b.updatedAttributes(inst.attrs, details)
	if err != nil {
		return domain.UpdateServiceSpec{}, err
	}
	async := b.async.instanceOpsAsync(inst.attrs.PlanID) || b.async.instanceOpsAsync(request.PlanID)
	if b.asyncRequired(async, asyncAllowed) {
		return domain.UpdateServiceSpec{}, apiresponses.ErrAsyncRequired
	}
	if op := inst.ops.inFlight(); op != nil {
		if op.kind == OperationUpdate && op.request.equal(request) {
			return domain.UpdateServiceSpec{IsAsync: true, OperationData: b.operationID(op)}, nil
		}
		if err := b.concurrent(op, b.instanceFinisher(inst)); err != nil {
			return domain.UpdateServiceSpec{}, err
		}
	}
	op := b.start(&inst.ops, OperationUpdate, request, async)
	if !async {
		b.finishInstanceOp(inst, op)
		return domain.UpdateServiceSpec{DashboardURL: dashboardURL(id)}, nil
	}
	return domain.UpdateServiceSpec{IsAsync: true, OperationData: b.operationID(op)}, nil
}

// updatedAttributes returns the attributes the instance will have after the update.
func (b *backend) updatedAttributes(current attributes, details domain.UpdateDetails) (attributes, error) {
	if details.ServiceID != current.ServiceID {
		return attributes{}, badRequest(fmt.Sprintf("service_id %q does not match the instance's service", details.ServiceID))
	}
	updated := current
	if details.PlanID != "" {
		if err := b.checkPlan(current.ServiceID, details.PlanID); err != nil {
			return attributes{}, err
		}
		updated.PlanID = details.PlanID
	}
	if len(details.RawParameters) > 0 {
		updated.Parameters = details.RawParameters
	}
	return updated, nil
}

// Deprovision removes an instance: 410 Gone when it does not exist, 202 with the same operation
// while its deprovisioning is in progress, 422 while it still has bindings.
func (b *backend) Deprovision(_ context.Context, id string, _ domain.DeprovisionDetails, asyncAllowed bool) (domain.DeprovisionServiceSpec, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(id)
	if inst == nil {
		return domain.DeprovisionServiceSpec{}, b.deleteMissing(apiresponses.ErrInstanceDoesNotExist)
	}
	async := b.async.instanceOpsAsync(inst.attrs.PlanID)
	if b.asyncRequired(async, asyncAllowed) {
		return domain.DeprovisionServiceSpec{}, apiresponses.ErrAsyncRequired
	}
	if op := inst.ops.inFlight(); op != nil {
		if op.kind == OperationDeprovision {
			return domain.DeprovisionServiceSpec{IsAsync: true, OperationData: b.operationID(op)}, nil
		}
		if err := b.concurrent(op, b.instanceFinisher(inst)); err != nil {
			return domain.DeprovisionServiceSpec{}, err
		}
	}
	if n := len(inst.bindings); n > 0 {
		return domain.DeprovisionServiceSpec{}, unprocessable(fmt.Sprintf("instance still has %d binding(s); unbind them first", n))
	}
	op := b.start(&inst.ops, OperationDeprovision, inst.attrs, async)
	if !async {
		b.finishInstanceOp(inst, op)
		return domain.DeprovisionServiceSpec{}, nil
	}
	return domain.DeprovisionServiceSpec{IsAsync: true, OperationData: b.operationID(op)}, nil
}

// instanceFinisher finishes an operation of inst, for concurrent.
func (b *backend) instanceFinisher(inst *instance) func(*operation) {
	return func(op *operation) { b.finishInstanceOp(inst, op) }
}

// GetInstance answers 404 while provisioning runs or after it failed, and 422 during an update.
func (b *backend) GetInstance(_ context.Context, id string, _ domain.FetchInstanceDetails) (domain.GetInstanceDetailsSpec, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(id)
	if inst == nil || !inst.ready {
		return domain.GetInstanceDetailsSpec{}, notFound("instance does not exist or its provisioning has not succeeded")
	}
	if !b.catalog.plans[inst.attrs.PlanID].service.InstancesRetrievable {
		return domain.GetInstanceDetailsSpec{}, badRequest("instances of this service are not retrievable (instances_retrievable is false)")
	}
	if op := inst.ops.inFlight(); op != nil && op.kind == OperationUpdate {
		return domain.GetInstanceDetailsSpec{}, apiresponses.ErrConcurrentInstanceAccess
	}
	return domain.GetInstanceDetailsSpec{
		ServiceID:    inst.attrs.ServiceID,
		PlanID:       inst.attrs.PlanID,
		DashboardURL: dashboardURL(id),
		Parameters:   decodedParameters(inst.attrs.Parameters),
	}, nil
}

// LastOperation reports the operation named by details.OperationData, or the latest one.
// After a deprovision has removed the instance it answers 410 Gone.
func (b *backend) LastOperation(_ context.Context, id string, details domain.PollDetails) (domain.LastOperation, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst, ok := b.instances[id]
	if !ok {
		if b.deprovisioned[id] {
			return domain.LastOperation{}, apiresponses.ErrInstanceDoesNotExist
		}
		return domain.LastOperation{}, notFound("instance does not exist")
	}
	op, err := inst.ops.find(details.OperationData)
	if err != nil {
		return domain.LastOperation{}, err
	}
	return b.poll(inst, op), nil
}

// checkPlan rejects a plan that is not one of the service's plans.
func (b *backend) checkPlan(serviceID, planID string) error {
	if plan, ok := b.catalog.plans[planID]; !ok || plan.service.ID != serviceID {
		return badRequest(fmt.Sprintf("plan_id %q is not a plan of service %q in the catalog", planID, serviceID))
	}
	return nil
}

func dashboardURL(instanceID string) string {
	return "https://dashboard.brokertest.invalid/instances/" + url.PathEscape(instanceID)
}
