package conformance

import (
	"context"
	"net/http"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The rules of this file need an operation in progress, or a broker that can only work
// asynchronously; each check says so when the broker shows neither.

// updateWithoutPlan sends an update without plan_id, fetches the instance while the update
// runs, and reads its plan back once the update has ended.
func (r *run) updateWithoutPlan(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	both := []CheckID{InstanceGetWhileUpdating422, UpdateKeepsPlan}
	if !p.InstancesRetrievable() {
		r.skipAll(both, "instances_retrievable is not true: the instance cannot be read back")
		return
	}
	options := r.updateOptions(instance).SetAcceptsIncomplete(true)
	options.PlanID = nil
	if p.parameters.Update != nil {
		options.SetParameters(p.parameters.Update)
	}
	_, response, err := r.client.UpdateServiceInstanceWithContext(ctx, options)
	switch status := statusOf(response, err); {
	case status == http.StatusAccepted:
		operation := operationOf(r.recorder.last())
		r.getWhileUpdating(ctx, instance, operation)
		seen := r.waitForInstance(ctx, instance, operation, "update without plan_id", false)
		if seen.err != nil {
			r.skip(UpdateKeepsPlan, "the update without plan_id did not succeed (%v): %s and %s report it", seen.err, LastOperationStateValues, LastOperationWithinMaximumPollingDuration)
			return
		}
	case isSuccess(status):
		r.skip(InstanceGetWhileUpdating422, "the update was served synchronously (%d): no update stayed in progress", status)
	default:
		if refusal, ok := unsupportedUpdate(err); ok {
			r.skipAll(both, "the broker does not support an update without plan_id (422), which it MAY: "+refusal)
			return
		}
		r.grade(UpdateKeepsPlan, Inconclusive, r.recorder.last(), "an update without plan_id answered %s: no update to read back", describe(response, err))
		r.skip(InstanceGetWhileUpdating422, "the update without plan_id was refused: no update stayed in progress")
		return
	}
	got, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(instance.id).
		SetServiceID(p.serviceID()).SetPlanID(instance.planID))
	switch {
	case err != nil:
		r.skip(UpdateKeepsPlan, "GET after the update answered %s: %s and %s report it", describe(response, err), InstanceGet, AnswersBodyShape)
	case got.PlanID == nil:
		r.skip(UpdateKeepsPlan, "GET after the update carried no plan_id")
	default:
		r.expect(UpdateKeepsPlan, *got.PlanID == instance.planID, "after an update without plan_id GET answered plan %q; the instance's plan was %q", *got.PlanID, instance.planID)
	}
}

// getWhileUpdating fetches an instance whose update is in progress: 422 ConcurrencyError. A
// 200 is wrong only when the update was still in progress after it, which a poll right after
// the GET tells; otherwise the update may have ended in between.
func (r *run) getWhileUpdating(ctx context.Context, instance *instanceUnderTest, operation string) {
	p := instance.plan
	_, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(instance.id).
		SetServiceID(p.serviceID()).SetPlanID(instance.planID))
	status := statusOf(response, err)
	if status == http.StatusUnprocessableEntity {
		r.passRefusal(InstanceGetWhileUpdating422, err, "ConcurrencyError", "the update was in progress")
		return
	}
	evidence := r.recorder.last()
	poll := r.client.NewGetLastOperationOptions(instance.id).SetServiceID(p.serviceID()).SetPlanID(instance.planID)
	if operation != "" {
		poll.SetOperation(operation)
	}
	state, pollResponse, pollErr := r.client.GetLastOperationWithContext(ctx, poll)
	switch {
	case pollErr != nil:
		r.grade(InstanceGetWhileUpdating422, Inconclusive, evidence, "GET during the update answered %s, and the poll after it %s", describe(response, err), describe(pollResponse, pollErr))
	case deref(state.State) == "in progress":
		r.grade(InstanceGetWhileUpdating422, checkByID[InstanceGetWhileUpdating422].violation(), evidence,
			"GET answered %s while the update was in progress (a poll right after it said \"in progress\")", describe(response, err))
	default:
		r.grade(InstanceGetWhileUpdating422, Inconclusive, evidence, "GET answered %s and the update had ended (%q) by the poll after it: it may have ended before the GET", describe(response, err), deref(state.State))
	}
}

// bindWithoutAcceptsIncomplete binds, and rotates when the plan allows it, without
// accepts_incomplete=true on a plan that binds asynchronously when allowed to: served
// synchronously, or refused with 422 AsyncRequired, never 202.
func (r *run) bindWithoutAcceptsIncomplete(ctx context.Context, b *bindingUnderTest) {
	const endpoint = "PUT /v2/service_instances/:instance_id/service_bindings/:binding_id"
	if !b.async {
		r.skip(BindAsyncRequired422, "the plan binds synchronously when asked with accepts_incomplete=true: it does not bind only asynchronously")
		return
	}
	probe := newBinding(b.instance, r.newID("binding"))
	probe.appGUID = b.appGUID
	r.at(endpoint, func() { r.gradeBindWithoutAcceptsIncomplete(ctx, probe, r.bindOptions(probe), "a bind") })
	if b.instance.plan.BindingRotatable() {
		successor := newBinding(b.instance, r.newID("binding"))
		successor.appGUID = b.appGUID
		r.at(endpoint+" (rotation)", func() {
			r.gradeBindWithoutAcceptsIncomplete(ctx, successor, r.bindOptions(successor).SetPredecessorBindingID(b.id), "a rotation")
		})
	}
}

func (r *run) gradeBindWithoutAcceptsIncomplete(ctx context.Context, b *bindingUnderTest, options *openservicebrokerv1.ReplaceServiceBindingOptions, what string) {
	options.AcceptsIncomplete = nil
	_, response, err := r.client.ReplaceServiceBindingWithContext(ctx, options)
	switch status := statusOf(response, err); {
	case status == http.StatusUnprocessableEntity:
		r.passRefusal(BindAsyncRequired422, err, "AsyncRequired", "")
	case status == http.StatusAccepted:
		r.violate(BindAsyncRequired422, "202 Accepted to %s without accepts_incomplete=true", what)
		r.waitForBinding(ctx, b, operationOf(r.recorder.last()), "bind sent without accepts_incomplete", false)
		r.unbind(ctx, b, "")
	case isSuccess(status):
		r.pass(BindAsyncRequired422, "%s without accepts_incomplete=true was served synchronously (%d)", what, status)
		r.unbind(ctx, b, "")
	default:
		r.violate(BindAsyncRequired422, "%s without accepts_incomplete=true answered %s", what, describe(response, err))
	}
}

// unbindWhileBinding unbinds a binding whose bind is in progress: 422 ConcurrencyError, or
// accepted by a broker that supports it (which it MAY).
func (r *run) unbindWhileBinding(ctx context.Context, b *bindingUnderTest) {
	if !b.async {
		r.skip(UnbindBusy422, "the plan binds synchronously: no bind stays in progress")
		return
	}
	busy := newBinding(b.instance, r.newID("binding"))
	busy.appGUID = b.appGUID
	_, response, err := r.client.ReplaceServiceBindingWithContext(ctx, r.bindOptions(busy))
	if status := statusOf(response, err); status != http.StatusAccepted {
		r.skip(UnbindBusy422, "a second bind answered %s: no bind stayed in progress", describe(response, err))
		if isSuccess(status) {
			r.unbind(ctx, busy, "")
		}
		return
	}
	operation := operationOf(r.recorder.last())
	options := r.client.NewDeleteServiceBindingOptions(busy.id, busy.instance.id, busy.instance.planID, busy.instance.plan.serviceID()).SetAcceptsIncomplete(true)
	response, err = r.client.DeleteServiceBindingWithContext(ctx, options)
	switch status := statusOf(response, err); {
	case status == http.StatusUnprocessableEntity:
		r.passRefusal(UnbindBusy422, err, "ConcurrencyError", "the bind was in progress")
	case status == http.StatusOK:
		r.note(UnbindBusy422, "the broker accepted the unbind while binding (200): it supports concurrent operations, which it MAY")
		return
	case status == http.StatusAccepted:
		r.note(UnbindBusy422, "the broker accepted the unbind while binding (202): it supports concurrent operations, which it MAY")
		r.waitForBinding(ctx, busy, operationOf(r.recorder.last()), "unbind accepted during the bind", true)
		return
	default:
		r.violate(UnbindBusy422, "an unbind while the bind was in progress answered %s; a broker that cannot process it MUST answer 422 ConcurrencyError", describe(response, err))
	}
	r.waitForBinding(ctx, busy, operation, "bind", false)
	r.unbind(ctx, busy, "")
}
