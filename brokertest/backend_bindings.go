package brokertest

import (
	"context"
	"fmt"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/pivotal-cf/brokerapi/v12/domain/apiresponses"
)

// Bind creates a binding with fresh credentials, or answers a repeated request as the OSB spec
// asks: 200 with the same credentials when identical, 202 with the same operation while that
// binding is in progress, 409 when it differs.
func (b *backend) Bind(ctx context.Context, instanceID, bindingID string, details domain.BindDetails, asyncAllowed bool) (domain.Binding, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst, err := b.bindableInstance(instanceID)
	if err != nil {
		return domain.Binding{}, err
	}
	schemas := b.catalog.plans[inst.attrs.PlanID].schemas
	if err := schemas.validate(bindingCreateSchema, details.RawParameters, bindRule.section); err != nil {
		return domain.Binding{}, err
	}
	request := bindAttributes(details, requestBodyFrom(ctx).PredecessorBindingID)
	if request.PredecessorBindingID != "" {
		if request, err = b.successorAttributes(inst, request); err != nil {
			return domain.Binding{}, err
		}
	}
	async := b.async.bindingOpsAsync(inst.attrs.PlanID)
	if b.asyncRequired(async, asyncAllowed) && !b.misbehave[MisbehaveBindIgnoresAcceptsIncomplete] {
		return domain.Binding{}, apiresponses.ErrAsyncRequired
	}
	bnd, exists := inst.bindings[bindingID]
	if !exists {
		bnd = b.newBinding(bindingID, request)
		inst.bindings[bindingID] = bnd
		b.creations = append(b.creations, Creation{InstanceID: instanceID, BindingID: bindingID, Username: bnd.credentials.Username})
		delete(inst.unbound, bindingID)
		return b.bind(inst, bnd, async), nil
	}
	if !bnd.attrs.equal(request) {
		return domain.Binding{}, apiresponses.ErrBindingAlreadyExists
	}
	if op := bnd.ops.inFlight(); op != nil {
		if op.kind == OperationBind {
			return domain.Binding{IsAsync: true, OperationData: b.operationID(op)}, nil
		}
		if err := b.concurrent(op, b.bindingFinisher(inst, bnd)); err != nil {
			return domain.Binding{}, err
		}
	}
	if !bnd.ready {
		// An earlier bind failed: an identical request tries again.
		return b.bind(inst, bnd, async), nil
	}
	return domain.Binding{AlreadyExists: true, Credentials: b.bindCredentials(bnd), Metadata: bnd.metadata()}, nil
}

// newBinding is a binding with fresh credentials and, with a binding lifetime, its expiry.
func (b *backend) newBinding(id string, request attributes) *binding {
	bnd := &binding{id: id, attrs: request, credentials: newCredentials(fmt.Sprintf("db%d", b.next()))}
	if b.bindingLifetime > 0 {
		created := b.now()
		bnd.expiresAt = created.Add(b.bindingLifetime)
		bnd.renewBefore = created.Add(b.bindingLifetime * 3 / 4)
	}
	return bnd
}

// bindCredentials are the credentials of a synchronous bind answer.
func (b *backend) bindCredentials(bnd *binding) any {
	if b.misbehave[MisbehaveNoCredentialsOnSyncBind] {
		return nil
	}
	return bnd.credentials
}

// bindingFinisher finishes an operation of bnd, for concurrent.
func (b *backend) bindingFinisher(inst *instance, bnd *binding) func(*operation) {
	return func(op *operation) { b.finishBindingOp(inst, bnd, op) }
}

// successorAttributes completes a rotation request from its predecessor ("Binding Rotation"):
// the successor keeps the predecessor's parameters and app unless the request gives others.
// Both bindings stay valid until each is deleted.
func (b *backend) successorAttributes(inst *instance, request attributes) (attributes, error) {
	const section = `(OSB v2.17 "Binding Rotation")`
	if !b.catalog.rotatable[inst.attrs.PlanID] {
		return attributes{}, badRequest(fmt.Sprintf("plan %q does not allow binding rotation (binding_rotatable is false); "+
			"create a new binding without predecessor_binding_id instead %s", inst.attrs.PlanID, section))
	}
	predecessor := inst.bindings[request.PredecessorBindingID]
	if predecessor == nil || !predecessor.ready {
		return attributes{}, badRequest(fmt.Sprintf("predecessor_binding_id %s is not a binding of instance %s; "+
			"name an existing binding of the same instance %s", abbreviate(request.PredecessorBindingID), abbreviate(inst.id), section))
	}
	if !predecessor.expiresAt.IsZero() && !b.now().Before(predecessor.expiresAt) {
		return attributes{}, badRequest(fmt.Sprintf("predecessor_binding_id %s expired at %s; rotate a binding that has not expired %s",
			abbreviate(request.PredecessorBindingID), predecessor.metadata().ExpiresAt, section))
	}
	if isAbsent(request.Parameters) {
		request.Parameters = predecessor.attrs.Parameters
	}
	if request.AppGUID == "" {
		request.AppGUID = predecessor.attrs.AppGUID
	}
	if request.BindResource == (domain.BindResource{}) {
		request.BindResource = predecessor.attrs.BindResource
	}
	return request, nil
}

// bindableInstance returns the instance a new binding may be created for.
func (b *backend) bindableInstance(id string) (*instance, error) {
	inst := b.lookup(id)
	if inst == nil || !inst.ready {
		// brokerapi answers this error with 404 for bind requests.
		return nil, apiresponses.ErrInstanceDoesNotExist
	}
	if !b.catalog.plans[inst.attrs.PlanID].bindable() {
		return nil, badRequest("the instance's plan is not bindable")
	}
	if !inst.enabled {
		return nil, unprocessable("the instance is disabled; enable it before binding")
	}
	if op := inst.ops.inFlight(); op != nil {
		if err := b.concurrent(op, b.instanceFinisher(inst)); err != nil {
			return nil, err
		}
	}
	return inst, nil
}

func (b *backend) bind(inst *instance, bnd *binding, async bool) domain.Binding {
	op := b.start(&bnd.ops, OperationBind, bnd.attrs, async)
	if async {
		return domain.Binding{IsAsync: true, OperationData: b.operationID(op)}
	}
	b.finishBindingOp(inst, bnd, op)
	// brokerapi answers 200 instead of 201 for AlreadyExists.
	return domain.Binding{Credentials: b.bindCredentials(bnd), Metadata: bnd.metadata(), AlreadyExists: b.misbehave[MisbehaveCreateAnswers200]}
}

// Unbind removes a binding: 410 Gone when it does not exist, 202 with the same operation while
// its unbinding is in progress.
func (b *backend) Unbind(_ context.Context, instanceID, bindingID string, _ domain.UnbindDetails, asyncAllowed bool) (domain.UnbindSpec, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(instanceID)
	if inst == nil || inst.bindings[bindingID] == nil {
		return domain.UnbindSpec{}, b.deleteMissing(apiresponses.ErrBindingDoesNotExist)
	}
	bnd := inst.bindings[bindingID]
	async := b.async.bindingOpsAsync(inst.attrs.PlanID)
	if b.asyncRequired(async, asyncAllowed) {
		return domain.UnbindSpec{}, apiresponses.ErrAsyncRequired
	}
	if op := bnd.ops.inFlight(); op != nil {
		if op.kind == OperationUnbind {
			return domain.UnbindSpec{IsAsync: true, OperationData: b.operationID(op)}, nil
		}
		if op.kind == OperationBind && b.misbehave[MisbehaveBusyUnbindAnswers410] {
			return domain.UnbindSpec{}, apiresponses.ErrBindingDoesNotExist
		}
		if err := b.concurrent(op, b.bindingFinisher(inst, bnd)); err != nil {
			return domain.UnbindSpec{}, err
		}
	}
	op := b.start(&bnd.ops, OperationUnbind, bnd.attrs, async)
	if !async {
		b.finishBindingOp(inst, bnd, op)
		return domain.UnbindSpec{}, nil
	}
	return domain.UnbindSpec{IsAsync: true, OperationData: b.operationID(op)}, nil
}

// GetBinding answers 404 while binding runs or after it failed.
func (b *backend) GetBinding(_ context.Context, instanceID, bindingID string, _ domain.FetchBindingDetails) (domain.GetBindingSpec, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst := b.lookup(instanceID)
	if inst == nil || inst.bindings[bindingID] == nil || !inst.bindings[bindingID].ready {
		return domain.GetBindingSpec{}, apiresponses.ErrBindingNotFound
	}
	if !b.catalog.plans[inst.attrs.PlanID].service.BindingsRetrievable {
		return domain.GetBindingSpec{}, badRequest("bindings of this service are not retrievable (bindings_retrievable is false)")
	}
	bnd := inst.bindings[bindingID]
	return domain.GetBindingSpec{Credentials: bnd.credentials, Parameters: decodedParameters(bnd.attrs.Parameters), Metadata: bnd.metadata()}, nil
}

// LastBindingOperation reports the binding operation named by details.OperationData, or the
// latest one. After an unbind has removed the binding it answers 410 Gone.
func (b *backend) LastBindingOperation(_ context.Context, instanceID, bindingID string, details domain.PollDetails) (domain.LastOperation, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	inst, ok := b.instances[instanceID]
	if !ok {
		if b.deprovisioned[instanceID] {
			return domain.LastOperation{}, apiresponses.ErrBindingDoesNotExist
		}
		return domain.LastOperation{}, notFound("instance does not exist")
	}
	bnd, ok := inst.bindings[bindingID]
	if !ok {
		if inst.unbound[bindingID] {
			return domain.LastOperation{}, apiresponses.ErrBindingDoesNotExist
		}
		return domain.LastOperation{}, notFound("binding does not exist")
	}
	op, err := bnd.ops.find(details.OperationData)
	if err != nil {
		return domain.LastOperation{}, err
	}
	return b.poll(inst, op), nil
}
