package brokertest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/pivotal-cf/brokerapi/v12/domain/apiresponses"
)

// Provision creates an instance, or answers a repeated request as the OSB spec asks: 200 when
// it is identical to the existing instance, 202 with the same operation while that provisioning
// is in progress, 409 when it differs.
func (b *backend) Provision(_ context.Context, id string, details domain.ProvisionDetails, asyncAllowed bool) (domain.ProvisionedServiceSpec, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	plan, err := b.plan(details.ServiceID, details.PlanID)
	if err != nil {
		return domain.ProvisionedServiceSpec{}, err
	}
	if err := plan.schemas.validate(instanceCreateSchema, details.RawParameters, `"Provisioning", Body`); err != nil {
		return domain.ProvisionedServiceSpec{}, err
	}
	if err := checkMaintenanceInfo(plan, details.MaintenanceInfo, `"Provisioning", Response`); err != nil {
		return domain.ProvisionedServiceSpec{}, err
	}
	async := b.async.instanceOpsAsync(details.PlanID)
	if b.asyncRequired(async, asyncAllowed) {
		return domain.ProvisionedServiceSpec{}, apiresponses.ErrAsyncRequired
	}
	request := provisionAttributes(details, plan.maintenanceInfo())

	inst := b.lookup(id)
	if inst == nil {
		inst = &instance{id: id, attrs: request, context: details.RawContext, enabled: true,
			bindings: map[string]*binding{}, unbound: map[string]bool{}}
		b.instances[id] = inst
		b.creations = append(b.creations, Creation{InstanceID: id})
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
	if b.misbehave[MisbehaveDashboardURLLate] {
		spec.DashboardURL = "" // the repeats and GET still carry it
	}
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
	if inst != nil && !inst.ready {
		// The provision still runs: the update cannot be processed due to it (Blocking Operations).
		if op := inst.ops.inFlight(); op != nil {
			if err := b.concurrent(op, b.instanceFinisher(inst)); err != nil {
				return domain.UpdateServiceSpec{}, err
			}
		}
	}
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

// updatedAttributes returns the attributes the instance will have after the update: a new plan
// brings its maintenance_info, and so does a request for the version the catalog offers.
func (b *backend) updatedAttributes(current attributes, details domain.UpdateDetails) (attributes, error) {
	if details.ServiceID != current.ServiceID {
		return attributes{}, badRequest(fmt.Sprintf("service_id %q does not match the instance's service", details.ServiceID))
	}
	updated := current
	switch {
	case details.PlanID != "":
		updated.PlanID = details.PlanID
	case b.misbehave[MisbehaveUpdateWithoutPlanChangesPlan]:
		updated.PlanID = b.catalog.otherPlan(current.ServiceID, current.PlanID)
	}
	plan, err := b.plan(current.ServiceID, updated.PlanID)
	if err != nil {
		return attributes{}, err
	}
	if err := plan.schemas.validate(instanceUpdateSchema, details.RawParameters, `"Updating a Service Instance", Body`); err != nil {
		return attributes{}, err
	}
	if err := checkMaintenanceInfo(plan, details.MaintenanceInfo, `"Updating a Service Instance", Response`); err != nil {
		return attributes{}, err
	}
	if updated.PlanID != current.PlanID || details.MaintenanceInfo != nil {
		updated.Maintenance = plan.maintenanceInfo()
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

// instanceAnswer is the body of GET /v2/service_instances/{instance_id}.
type instanceAnswer struct {
	ServiceID       string                  `json:"service_id"`
	PlanID          string                  `json:"plan_id"`
	DashboardURL    string                  `json:"dashboard_url,omitempty"`
	Parameters      any                     `json:"parameters,omitempty"`
	MaintenanceInfo *domain.MaintenanceInfo `json:"maintenance_info,omitempty"`
}

// fetchInstance answers 404 while provisioning runs or after it failed, and 422 during an update.
func (b *backend) fetchInstance(id string) (instanceAnswer, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(id)
	if inst == nil || !inst.ready {
		return instanceAnswer{}, notFound("instance does not exist or its provisioning has not succeeded")
	}
	if !b.catalog.plans[inst.attrs.PlanID].service.InstancesRetrievable {
		return instanceAnswer{}, badRequest("instances of this service are not retrievable (instances_retrievable is false)")
	}
	if op := inst.ops.inFlight(); op != nil && op.kind == OperationUpdate && !b.misbehave[MisbehaveFetchDuringUpdateAnswers200] {
		return instanceAnswer{}, apiresponses.ErrConcurrentInstanceAccess
	}
	return instanceAnswer{
		ServiceID:       inst.attrs.ServiceID,
		PlanID:          inst.attrs.PlanID,
		DashboardURL:    dashboardURL(id),
		Parameters:      decodedParameters(inst.attrs.Parameters),
		MaintenanceInfo: inst.attrs.Maintenance,
	}, nil
}

// serveInstance answers GET of an instance with its maintenance_info, which brokerapi's answer
// type lacks.
func (b *backend) serveInstance(w http.ResponseWriter, r *http.Request) {
	answer, err := b.fetchInstance(r.PathValue("instance_id"))
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, answer)
}

// GetInstance completes domain.ServiceBroker; the Server answers the route with serveInstance.
func (b *backend) GetInstance(_ context.Context, id string, _ domain.FetchInstanceDetails) (domain.GetInstanceDetailsSpec, error) {
	answer, err := b.fetchInstance(id)
	return domain.GetInstanceDetailsSpec{
		ServiceID: answer.ServiceID, PlanID: answer.PlanID, DashboardURL: answer.DashboardURL, Parameters: answer.Parameters,
	}, err
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

// plan returns the catalog's plan, or a 400 when it is not one of the service's plans.
func (b *backend) plan(serviceID, planID string) (catalogPlan, error) {
	plan, ok := b.catalog.plans[planID]
	if !ok || plan.service.ID != serviceID {
		return catalogPlan{}, badRequest(fmt.Sprintf("plan_id %q is not a plan of service %q in the catalog", planID, serviceID))
	}
	return plan, nil
}

func dashboardURL(instanceID string) string {
	return "https://dashboard.brokertest.invalid/instances/" + url.PathEscape(instanceID)
}
