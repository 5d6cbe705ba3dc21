package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// bindingUnderTest is a binding a scenario asks the broker for, with what its creation answered.
type bindingUnderTest struct {
	id       string
	instance *instanceUnderTest
	appGUID  string
	// async says the bind answered 202: the plan binds asynchronously when allowed to.
	async bool
	// answer is the binding as the bind (or, for an asynchronous bind, the GET) returned it.
	answer   *openservicebrokerv1.BindingPutResp
	evidence *Exchange
}

func newBinding(instance *instanceUnderTest, id string) *bindingUnderTest {
	return &bindingUnderTest{id: id, instance: instance}
}

func (r *run) bindOptions(b *bindingUnderTest) *openservicebrokerv1.ReplaceServiceBindingOptions {
	p := b.instance.plan
	options := r.client.NewReplaceServiceBindingOptions(b.id, b.instance.id).SetServiceID(p.serviceID()).
		SetPlanID(b.instance.planID).SetContext(r.platform.context(b.instance.id)).SetAcceptsIncomplete(true)
	if b.appGUID != "" {
		options.SetBindResource(&openservicebrokerv1.BindResource{AppGuid: core.StringPtr(b.appGUID)})
	}
	if p.parameters.Bind != nil {
		options.SetParameters(p.parameters.Bind)
	}
	return options
}

// bindingPhase creates a binding and checks everything about it, then removes it.
func (r *run) bindingPhase(ctx context.Context, instance *instanceUnderTest) {
	binding := newBinding(instance, r.newID("binding"))
	if reason := r.createBinding(ctx, binding); reason != "" {
		r.skipAll(bindingChecks, reason)
		r.removeBindings(instance.id) // what the broker created all the same, so that the instance can go
		return
	}
	r.gradeBindingBody(binding)
	r.repeatBind(ctx, binding)
	r.getBinding(ctx, binding)
	r.bindWithoutAcceptsIncomplete(ctx, binding)
	r.unbindWhileBinding(ctx, binding)
	r.rotateBinding(ctx, binding)
	r.unbind(ctx, binding, Unbind200Or202)
	missing := r.client.NewDeleteServiceBindingOptions(r.newID("missing"), instance.id, instance.planID, instance.plan.serviceID()).SetAcceptsIncomplete(true)
	response, err := r.client.DeleteServiceBindingWithContext(ctx, missing)
	r.expect(UnbindMissing410, err == nil && response.StatusCode == http.StatusGone, "a binding that never existed answered %s", describe(response, err))
	_, response, err = r.client.GetServiceBindingLastOperationWithContext(ctx, r.client.NewGetServiceBindingLastOperationOptions(r.newID("missing"), instance.id).
		SetServiceID(instance.plan.serviceID()).SetPlanID(instance.planID))
	r.at(bindingPolls, func() {
		r.expect(LastOperationMissing404, statusOf(response, err) == http.StatusNotFound, "polling a binding that never existed answered %s", describe(response, err))
	})
}

// createBinding binds without app_guid first, as for a service key, and with one when the
// broker requires an application. It returns why the binding checks cannot go on, "" when the
// binding exists with an answer to read.
func (r *run) createBinding(ctx context.Context, b *bindingUnderTest) string {
	result, response, err := r.client.ReplaceServiceBindingWithContext(ctx, r.bindOptions(b))
	status := statusOf(response, err)
	switch {
	case isSuccess(status):
		r.pass(BindRequiresApp422, "served without app_guid (%d)", status)
	case status == http.StatusUnprocessableEntity:
		r.passRefusal(BindRequiresApp422, err, "RequiresApp", "")
		b.appGUID = uuid.NewString()
		result, response, err = r.client.ReplaceServiceBindingWithContext(ctx, r.bindOptions(b))
		status = statusOf(response, err)
	default:
		r.violate(BindRequiresApp422, "a bind without app_guid answered %s", describe(response, err))
		return failedBefore(BindRequiresApp422, "the bind answered "+describe(response, err))
	}
	b.evidence = r.recorder.last()
	switch {
	case status == http.StatusAccepted:
		r.skip(Bind201New, "the broker binds asynchronously")
		b.async = true
		r.repeatInProgress(func() (*core.DetailedResponse, error) {
			_, response, err := r.client.ReplaceServiceBindingWithContext(ctx, r.bindOptions(b))
			return response, err
		}, "PUT /v2/service_instances/:instance_id/service_bindings/:binding_id", operationOf(b.evidence))
		return r.awaitBinding(ctx, b, operationOf(b.evidence))
	case isSuccess(status):
		r.expect(Bind201New, status == http.StatusCreated, "a new binding got %d", status)
		r.skip(BindAsync202ThenSucceeded, "the broker bound synchronously")
		if err != nil {
			return bodyShapeReason
		}
		b.answer = result
		return ""
	default:
		r.violate(Bind201New, "the bind answered %s", describe(response, err))
		return failedBefore(Bind201New, "the bind answered "+describe(response, err))
	}
}

// awaitBinding polls an asynchronous bind and fetches the binding it created.
func (r *run) awaitBinding(ctx context.Context, b *bindingUnderTest, operation string) string {
	p := b.instance.plan
	seen := r.waitForBinding(ctx, b, operation, "bind", false)
	if seen.err != nil {
		return r.gradeWait(BindAsync202ThenSucceeded, seen)
	}
	fetched, response, err := r.client.GetServiceBindingWithContext(ctx, r.client.NewGetServiceBindingOptions(b.id, b.instance.id).
		SetServiceID(p.serviceID()).SetPlanID(b.instance.planID))
	if err != nil {
		r.violate(BindAsync202ThenSucceeded, "the binding succeeded but GET answered %s", describe(response, err))
		return failedBefore(BindAsync202ThenSucceeded, "GET answered "+describe(response, err))
	}
	r.pass(BindAsync202ThenSucceeded, "succeeded after %d poll(s); the binding was fetched", len(seen.states))
	b.evidence = r.recorder.last()
	b.answer = &openservicebrokerv1.BindingPutResp{Credentials: fetched.Credentials, SyslogDrainURL: fetched.SyslogDrainURL,
		RouteServiceURL: fetched.RouteServiceURL, VolumeMounts: fetched.VolumeMounts, Endpoints: fetched.Endpoints, Metadata: fetched.Metadata}
	return ""
}

// gradeBindingBody checks credentials and the shape of the binding's fields.
func (r *run) gradeBindingBody(b *bindingUnderTest) {
	p, answer := b.instance.plan, b.answer
	other := deref(answer.SyslogDrainURL) != "" || deref(answer.RouteServiceURL) != "" || len(answer.VolumeMounts) > 0
	r.grade(BindCredentials, outcomeOf(BindCredentials, len(answer.Credentials) > 0 || other), b.evidence,
		"%d credential field(s)%s", len(answer.Credentials), map[bool]string{true: ", plus a log drain, route service or volume mount", false: ""}[other])

	var problems []string
	for field, declared := range map[string]bool{"syslog_drain_url": p.Service().Requires(openservicebrokerv1.RequiresSyslogDrain), "route_service_url": p.Service().Requires(openservicebrokerv1.RequiresRouteForwarding), "volume_mounts": p.Service().Requires(openservicebrokerv1.RequiresVolumeMount)} {
		present := map[string]bool{"syslog_drain_url": deref(answer.SyslogDrainURL) != "", "route_service_url": deref(answer.RouteServiceURL) != "", "volume_mounts": len(answer.VolumeMounts) > 0}[field]
		if present && !declared {
			problems = append(problems, field+" sent but the offering does not declare the requires permission")
		}
	}
	if len(problems) == 0 {
		r.grade(BindShape, Pass, b.evidence, "log drain, route service and volume mounts only as the offering requires")
		return
	}
	r.grade(BindShape, checkByID[BindShape].violation(), b.evidence, "%v", problems)
}

// repeatBind sends the identical bind again, then one with other parameters, for another
// application.
func (r *run) repeatBind(ctx context.Context, b *bindingUnderTest) {
	_, response, err := r.client.ReplaceServiceBindingWithContext(ctx, r.bindOptions(b))
	r.gradeIdenticalRepeat(Bind200IdenticalRepeat, "bind of an existing binding", response, err)
	conflicting := *b
	conflicting.appGUID = uuid.NewString()
	options := r.bindOptions(&conflicting).SetParameters(withConflict(b.instance.plan.parameters.Bind))
	_, response, err = r.client.ReplaceServiceBindingWithContext(ctx, options)
	r.gradeConflict(Bind409ConflictingRepeat, "other parameters and another app_guid", response, err)
}

// getBinding fetches the binding, then one that does not exist. "Fetching a Service Binding"
// lets a broker return credentials once: a GET without them is served; a GET with them returns
// the bind's.
func (r *run) getBinding(ctx context.Context, b *bindingUnderTest) {
	p := b.instance.plan
	if !p.BindingsRetrievable() {
		r.skipAll([]CheckID{BindingGet, BindingGetMissing404}, "bindings_retrievable is not true")
		return
	}
	fetched, response, err := r.client.GetServiceBindingWithContext(ctx, r.client.NewGetServiceBindingOptions(b.id, b.instance.id).
		SetServiceID(p.serviceID()).SetPlanID(b.instance.planID))
	switch status := statusOf(response, err); {
	case err != nil && status == http.StatusOK:
		r.skip(BindingGet, "%s", bodyShapeReason)
	case err != nil:
		r.violate(BindingGet, "GET answered %s", describe(response, err))
	case len(fetched.Credentials) == 0 || len(b.answer.Credentials) == 0:
		r.pass(BindingGet, "GET served the binding with %d credential field(s) (a broker MAY return credentials once)", len(fetched.Credentials))
	default:
		r.expect(BindingGet, sameJSON(fetched.Credentials, b.answer.Credentials), "GET returned %d credential field(s), the bind %d", len(fetched.Credentials), len(b.answer.Credentials))
	}
	_, response, err = r.client.GetServiceBindingWithContext(ctx, r.client.NewGetServiceBindingOptions(r.newID("missing"), b.instance.id).
		SetServiceID(p.serviceID()).SetPlanID(b.instance.planID))
	r.expect(BindingGetMissing404, statusOf(response, err) == http.StatusNotFound, "a binding that never existed answered %s", describe(response, err))
}

// rotateBinding creates a successor binding and checks that both are valid, then removes it.
func (r *run) rotateBinding(ctx context.Context, b *bindingUnderTest) {
	p := b.instance.plan
	if !p.BindingRotatable() {
		r.skip(BindRotation, "binding_rotatable is not true")
		return
	}
	successor := newBinding(b.instance, r.newID("binding"))
	successor.appGUID = b.appGUID
	wait := r.waitOptions(p, nil)
	_, response, err := r.client.BindAndWait(ctx, r.bindOptions(successor).SetPredecessorBindingID(b.id), &wait)
	if err != nil {
		r.violate(BindRotation, "the successor binding failed: %s", describe(response, err))
		return
	}
	if p.BindingsRetrievable() {
		for _, id := range []string{b.id, successor.id} {
			if _, response, err := r.client.GetServiceBindingWithContext(ctx, r.client.NewGetServiceBindingOptions(id, b.instance.id).
				SetServiceID(p.serviceID()).SetPlanID(b.instance.planID)); err != nil {
				r.violate(BindRotation, "after the rotation binding %q answered %s", id, describe(response, err))
				return
			}
		}
	}
	r.pass(BindRotation, "successor %q created; both bindings valid", successor.id)
	r.unbind(ctx, successor, "")
}

// unbind removes a binding; with a check id it grades the answer.
func (r *run) unbind(ctx context.Context, b *bindingUnderTest, checkID CheckID) {
	p := b.instance.plan
	const endpoint = "DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id"
	options := r.client.NewDeleteServiceBindingOptions(b.id, b.instance.id, b.instance.planID, p.serviceID())
	if checkID == "" {
		options.SetAcceptsIncomplete(true)
	}
	response, err := r.client.DeleteServiceBindingWithContext(ctx, options)
	if checkID != "" {
		r.at(endpoint, func() { r.gradeWithoutAcceptsIncomplete(response, err) })
		if errors.Is(err, openservicebrokerv1.ErrAsyncRequired) {
			response, err = r.client.DeleteServiceBindingWithContext(ctx, options.SetAcceptsIncomplete(true))
		}
	}
	status := statusOf(response, err)
	if status == http.StatusAccepted {
		operation := operationOf(r.recorder.last())
		if checkID != "" {
			r.repeatInProgress(func() (*core.DetailedResponse, error) {
				return r.client.DeleteServiceBindingWithContext(ctx, options.SetAcceptsIncomplete(true))
			}, endpoint, operation)
		}
		seen := r.waitForBinding(ctx, b, operation, "unbind", true)
		if checkID != "" {
			r.gradeWait(checkID, seen)
		}
		return
	}
	if checkID != "" {
		r.expect(checkID, status == http.StatusOK, "unbinding an existing binding answered %s", describe(response, err))
	}
}

// metadataProblem inspects the raw metadata of an answer: an object whose labels and
// attributes, when present, are objects.
func metadataProblem(answer *Exchange) string {
	if answer == nil {
		return ""
	}
	var body map[string]json.RawMessage
	if json.Unmarshal([]byte(answer.ResponseBody), &body) != nil || body["metadata"] == nil {
		return ""
	}
	var metadata map[string]json.RawMessage
	if err := json.Unmarshal(body["metadata"], &metadata); err != nil {
		return "metadata is not an object"
	}
	for _, field := range []string{"labels", "attributes"} {
		if raw, ok := metadata[field]; ok {
			var object map[string]any
			if json.Unmarshal(raw, &object) != nil {
				return "metadata." + field + " is not an object"
			}
		}
	}
	return ""
}

// normalizeJSON turns a value into its JSON document form, so that values decoded in different
// ways compare equal.
func normalizeJSON(value any) any {
	encoded, err := json.Marshal(value)
	if err != nil {
		return value
	}
	var normalized any
	if json.Unmarshal(encoded, &normalized) != nil {
		return value
	}
	return normalized
}
