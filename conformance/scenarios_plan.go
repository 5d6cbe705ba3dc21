package conformance

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

var lifecycleChecks = []CheckID{
	ErrorsErrorCode,
	ProvisionAsyncRequired422, ProvisionSync201New, ProvisionAsync202ThenSucceeded, ProvisionAsyncOperation,
	ProvisionAsync202RepeatSameOperation, LastOperationStateValues, LastOperationRetryAfter,
	LastOperationWithinMaximumPollingDuration, ProvisionDashboardURL, ProvisionMetadataShape,
	ProvisionSync200IdenticalRepeat, Provision409ConflictingRepeat, InstanceGet, UpdatePreviousValues,
	UpdateMaintenanceInfoConflict422, UpdatePlanChange, Deprovision200Or202, DeprovisionMissing410,
	ConcurrencyBusyInstance,
}

// bindingChecks are the lifecycle's checks of a binding, skipped for plans that are not bindable.
var bindingChecks = []CheckID{
	BindRequiresApp422, Bind201New, BindAsync202ThenSucceeded, BindCredentials, BindShape,
	Bind200IdenticalRepeat, Bind409ConflictingRepeat, BindingGet, BindRotation, Unbind200Or202, UnbindMissing410,
}

var lifecycleRequests = []string{
	"PUT /v2/service_instances/{prefix-instance} (no accepts_incomplete), again with accepts_incomplete=true when refused",
	"PUT the same instance again while in progress; GET .../last_operation until it ends",
	"PUT the same instance again (identical), then with another plan or space (conflicting)",
	"GET /v2/service_instances/{prefix-instance} (when instances_retrievable)",
	"PATCH with previous_values; PATCH with a stale maintenance_info (when the plan has one)",
	"PUT .../service_bindings/{prefix-binding} without app_guid, with app_guid when refused; identical and conflicting repeats",
	"GET .../service_bindings/{prefix-binding} (when bindings_retrievable); PUT a successor with predecessor_binding_id (when binding_rotatable)",
	"DELETE the bindings; DELETE a binding that does not exist",
	"PATCH to another plan (when plan_updateable)",
	"DELETE /v2/service_instances/{prefix-instance}?accepts_incomplete=true; DELETE an instance that does not exist",
	"PUT /v2/service_instances/{prefix-instance}?accepts_incomplete=true, then DELETE it while the provision is in progress",
}

// instanceUnderTest is an instance a scenario created, tracked for the final sweep.
type instanceUnderTest struct {
	id     string
	plan   *planUnderTest
	planID string // the instance's current plan
}

func (r *run) trackInstance(p *planUnderTest, id string) *instanceUnderTest {
	r.created.add(Resource{InstanceID: id, ServiceID: p.serviceID(), PlanID: p.planID()})
	return &instanceUnderTest{id: id, plan: p, planID: p.planID()}
}

func (r *run) provisionOptions(p *planUnderTest, id string) *openservicebrokerv1.ReplaceServiceInstanceOptions {
	options := r.client.NewReplaceServiceInstanceOptions(id).SetServiceID(p.serviceID()).SetPlanID(p.planID()).
		SetContext(r.platform.context(id)).SetOrganizationGUID(r.platform.organizationID).SetSpaceGUID(r.platform.spaceID)
	if p.parameters.Provision != nil {
		options.SetParameters(p.parameters.Provision)
	}
	return options
}

// polling is what the checker saw while waiting for one operation.
type polling struct {
	states    []string
	exchanges []Exchange
	err       error
}

// waitForInstance polls the instance's operation until it ends, recording every state.
func (r *run) waitForInstance(ctx context.Context, instance *instanceUnderTest, operation string, deletion bool) polling {
	var seen polling
	first := r.recorder.count()
	options := r.client.NewWaitForLastOperationOptions(instance.id).SetServiceID(instance.plan.serviceID()).SetPlanID(instance.planID).SetDeletion(deletion)
	if operation != "" {
		options.SetOperation(operation)
	}
	options.WaitOptions = r.waitOptions(instance.plan, func(event openservicebrokerv1.PollEvent) { seen.states = append(seen.states, event.State) })
	_, _, seen.err = r.client.WaitForLastOperation(ctx, options)
	seen.exchanges = r.recorder.since(first)
	return seen
}

// gradePolling grades the last_operation checks from one wait; the first wait of a plan decides.
func (r *run) gradePolling(p *planUnderTest, seen polling) {
	r.gradeStates(seen)
	r.gradeRetryAfter(seen.exchanges)
	if errors.Is(seen.err, openservicebrokerv1.ErrWaitTimeout) {
		limit := "the checker's maximum wait"
		if duration, ok := p.MaximumPollingDuration(); ok {
			limit = fmt.Sprintf("the plan's maximum_polling_duration (%s)", duration)
		}
		r.violate(LastOperationWithinMaximumPollingDuration, "the operation did not end within %s: %v", limit, seen.err)
		return
	}
	r.pass(LastOperationWithinMaximumPollingDuration, "ended after %d poll(s)", len(seen.states))
}

var validStates = map[string]bool{"in progress": true, "succeeded": true, "failed": true}

func (r *run) gradeStates(seen polling) {
	for i, state := range seen.states {
		if state != "" && !validStates[state] {
			var evidence *Exchange
			if i < len(seen.exchanges) {
				evidence = &seen.exchanges[i]
			}
			r.grade(LastOperationStateValues, checkByID[LastOperationStateValues].violation(), evidence,
				`poll %d reported the state %q; the specification spells them "in progress", "succeeded" and "failed"`, i+1, state)
			return
		}
	}
	r.pass(LastOperationStateValues, "states seen: %v", seen.states)
}

func (r *run) gradeRetryAfter(exchanges []Exchange) {
	sent := 0
	for i := range exchanges {
		value := exchanges[i].rawResponseHeaders.Get("Retry-After")
		if value == "" {
			continue
		}
		sent++
		if !wellFormedRetryAfter(value) {
			r.grade(LastOperationRetryAfter, checkByID[LastOperationRetryAfter].violation(), &exchanges[i],
				"Retry-After %q is neither a number of seconds nor an HTTP date", value)
			return
		}
	}
	if sent == 0 {
		r.pass(LastOperationRetryAfter, "the broker sent no Retry-After (it MAY)")
		return
	}
	r.pass(LastOperationRetryAfter, "%d well-formed Retry-After header(s)", sent)
}

func wellFormedRetryAfter(value string) bool {
	if _, err := http.ParseTime(value); err == nil {
		return true
	}
	for _, c := range value {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// lifecycleScenario walks one instance of the plan through its whole life.
func lifecycleScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, p *planUnderTest) string {
	instance := r.trackInstance(p, r.newID("instance"))
	if reason := r.provisionPhase(ctx, instance); reason != "" {
		return reason
	}
	r.repeatProvision(ctx, instance)
	r.getInstance(ctx, instance)
	r.updateInstance(ctx, instance)
	if p.Bindable() {
		r.bindingPhase(ctx, instance)
	} else {
		for _, id := range bindingChecks {
			r.skip(id, "the plan is not bindable")
		}
	}
	r.changePlan(ctx, instance)
	r.deprovisionPhase(ctx, instance)
	if reason := r.concurrencyPhase(ctx, p); reason != "" {
		r.skip(ConcurrencyBusyInstance, "%s", reason)
	}
	return ""
}

// provisionPhase provisions without accepts_incomplete, then with it when the plan needs it,
// and waits for an asynchronous provision to end.
func (r *run) provisionPhase(ctx context.Context, instance *instanceUnderTest) string {
	p := instance.plan
	options := r.provisionOptions(p, instance.id)
	result, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, options)
	status, code := statusOf(response, err), ""
	_, code = errorCode(err)
	switch {
	case err == nil && status == http.StatusAccepted:
		r.violate(ProvisionAsyncRequired422, "202 Accepted to a provision without accepts_incomplete=true")
	case err == nil:
		r.pass(ProvisionAsyncRequired422, "the plan provisions synchronously (%d)", status)
	case status == http.StatusUnprocessableEntity:
		r.pass(ProvisionAsyncRequired422, "422 %s", code)
		r.expectErrorCode(err, "AsyncRequired")
		result, response, err = r.client.ReplaceServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
		status = statusOf(response, err)
	default:
		r.violate(ProvisionAsyncRequired422, "a provision without accepts_incomplete=true answered %s", describe(response, err))
		return "the provision failed"
	}
	provisionAnswer := r.recorder.last()
	switch {
	case err != nil:
		r.violate(ProvisionSync201New, "the provision failed: %v", err)
		r.violate(ProvisionAsync202ThenSucceeded, "the provision failed: %v", err)
		return "the provision failed"
	case status == http.StatusAccepted:
		r.skip(ProvisionSync201New, "the plan provisions asynchronously")
		if reason := r.awaitProvision(ctx, instance, options, deref(result.Operation)); reason != "" {
			return reason
		}
	default:
		r.expect(ProvisionSync201New, status == http.StatusCreated, "a new instance got %d", status)
		const reason = "the plan provisions synchronously: no operation to poll"
		for _, id := range []CheckID{ProvisionAsync202ThenSucceeded, ProvisionAsyncOperation, ProvisionAsync202RepeatSameOperation} {
			r.skip(id, reason)
		}
	}
	r.gradeProvisionBody(provisionAnswer, result)
	return ""
}

// awaitProvision checks an asynchronous provision: its operation, a repeat while in progress,
// and the polling until it ends.
func (r *run) awaitProvision(ctx context.Context, instance *instanceUnderTest, options *openservicebrokerv1.ReplaceServiceInstanceOptions, operation string) string {
	if operation == "" {
		r.violate(ProvisionAsyncOperation, "the 202 answer carries no operation; polls go without one")
	} else {
		r.pass(ProvisionAsyncOperation, "operation %q", operation)
	}
	repeat, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, options)
	switch {
	case err == nil && response.StatusCode == http.StatusAccepted:
		r.expect(ProvisionAsync202RepeatSameOperation, deref(repeat.Operation) == operation,
			"202 with operation %q (first answer: %q)", deref(repeat.Operation), operation)
	case err == nil && response.StatusCode == http.StatusOK:
		r.note(ProvisionAsync202RepeatSameOperation, "200: the provisioning had already ended")
	default:
		r.violate(ProvisionAsync202RepeatSameOperation, "an identical provision while in progress answered %s", describe(response, err))
	}
	seen := r.waitForInstance(ctx, instance, operation, false)
	r.gradePolling(instance.plan, seen)
	if seen.err != nil {
		r.violate(ProvisionAsync202ThenSucceeded, "the provisioning did not succeed: %v", seen.err)
		return "the provisioning did not succeed"
	}
	r.pass(ProvisionAsync202ThenSucceeded, "succeeded after %d poll(s)", len(seen.states))
	return ""
}

// gradeProvisionBody checks dashboard_url and metadata of the provision's answer.
func (r *run) gradeProvisionBody(answer *Exchange, result *openservicebrokerv1.InstancePutResp) {
	dashboard := ""
	if result != nil {
		dashboard = deref(result.DashboardURL)
	}
	if dashboard == "" {
		r.grade(ProvisionDashboardURL, Pass, answer, "no dashboard_url (it is optional)")
	} else {
		parsed, err := url.Parse(dashboard)
		ok := err == nil && parsed.IsAbs() && (parsed.Scheme == "https" || parsed.Scheme == "http") && parsed.Host != ""
		r.grade(ProvisionDashboardURL, outcomeOf(ProvisionDashboardURL, ok), answer, "dashboard_url %q", dashboard)
	}
	problem := metadataProblem(answer)
	r.grade(ProvisionMetadataShape, outcomeOf(ProvisionMetadataShape, problem == ""), answer, "%s", orText(problem, "metadata absent or well-formed"))
}

func outcomeOf(id CheckID, ok bool) Outcome {
	if ok {
		return Pass
	}
	return checkByID[id].violation()
}

func orText(problem, fallback string) string {
	if problem == "" {
		return fallback
	}
	return problem
}

// gradeIdenticalRepeat grades the answer to a repeated identical PUT: 200 SHOULD be the
// answer, and 201 is accepted too (Synchronous Operations allows it).
func (r *run) gradeIdenticalRepeat(id CheckID, what string, response *core.DetailedResponse, err error) {
	switch status := statusOf(response, err); {
	case err == nil && status == http.StatusOK:
		r.pass(id, "200 OK")
	case err == nil && status == http.StatusCreated:
		r.pass(id, "201 Created (the specification allows it besides 200)")
	default:
		r.violate(id, "an identical %s answered %s", what, describe(response, err))
	}
}

// repeatProvision sends the identical provision again, then a conflicting one.
func (r *run) repeatProvision(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, r.provisionOptions(p, instance.id).SetAcceptsIncomplete(true))
	r.gradeIdenticalRepeat(ProvisionSync200IdenticalRepeat, "provision of an existing instance", response, err)

	conflicting := r.provisionOptions(p, instance.id).SetAcceptsIncomplete(true)
	what := "another plan"
	if p.otherPlan != nil {
		conflicting.SetPlanID(p.otherPlan.ID())
	} else {
		what = "another space"
		conflicting.SetSpaceGUID(uuid.NewString())
		conflicting.Context.SpaceGuid = conflicting.SpaceGUID
	}
	_, response, err = r.client.ReplaceServiceInstanceWithContext(ctx, conflicting)
	r.expect(Provision409ConflictingRepeat, statusOf(response, err) == http.StatusConflict, "the same id with %s answered %s", what, describe(response, err))
}

func (r *run) getInstance(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	if !p.InstancesRetrievable() {
		r.skip(InstanceGet, "instances_retrievable is not true")
		return
	}
	got, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(instance.id).
		SetServiceID(p.serviceID()).SetPlanID(instance.planID))
	if err != nil {
		r.violate(InstanceGet, "GET answered %s", describe(response, err))
		return
	}
	var problems []string
	problems = appendMismatch(problems, "service_id", p.serviceID(), got.ServiceID)
	problems = appendMismatch(problems, "plan_id", instance.planID, got.PlanID)
	if got.Parameters != nil && p.parameters.Provision != nil && !sameJSON(got.Parameters, p.parameters.Provision) {
		problems = append(problems, fmt.Sprintf("parameters %v, provisioned with %v", got.Parameters, p.parameters.Provision))
	}
	r.expectNone(InstanceGet, problems, "GET returned what was provisioned")
}

func appendMismatch(problems []string, field, want string, got *string) []string {
	if got != nil && *got != want {
		return append(problems, fmt.Sprintf("%s %q, provisioned with %q", field, *got, want))
	}
	return problems
}

// sameJSON compares two values as JSON documents (numbers decoded the same way).
func sameJSON(a, b any) bool {
	return reflect.DeepEqual(normalizeJSON(a), normalizeJSON(b))
}

// updateInstance sends an update with previous_values, then one with a stale maintenance_info.
func (r *run) updateInstance(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	// previous_values carries the fields v2.17 has not deprecated: the plan and maintenance_info.
	update := r.updateOptions(instance).SetPreviousValues(&openservicebrokerv1.PreviousValues{
		PlanID: core.StringPtr(instance.planID), MaintenanceInfo: p.MaintenanceInfo()})
	if p.parameters.Update != nil {
		update.SetParameters(p.parameters.Update)
	}
	err := r.updateAndWait(ctx, instance, update)
	if refusal, ok := unsupportedUpdate(err); ok {
		r.note(UpdatePreviousValues, "the broker does not support this update (422), which it MAY: %s", refusal)
	} else if err != nil {
		r.violate(UpdatePreviousValues, "the update failed: %v", err)
	} else {
		r.pass(UpdatePreviousValues, "applied")
	}

	info := p.MaintenanceInfo()
	if info == nil || deref(info.Version) == "" {
		r.skip(UpdateMaintenanceInfoConflict422, "the plan has no maintenance_info")
		return
	}
	stale := r.updateOptions(instance).SetMaintenanceInfo(&openservicebrokerv1.MaintenanceInfo{Version: core.StringPtr("0.0.0-osb-check-stale")})
	_, response, err := r.client.UpdateServiceInstanceWithContext(ctx, stale.SetAcceptsIncomplete(true))
	status, _ := errorCode(err)
	r.expect(UpdateMaintenanceInfoConflict422, status == http.StatusUnprocessableEntity,
		"maintenance_info.version 0.0.0-osb-check-stale (the plan's is %s) answered %s", deref(info.Version), describe(response, err))
	r.expectErrorCode(err, "MaintenanceInfoConflict")
	if err == nil && response.StatusCode == http.StatusAccepted {
		r.waitForInstance(ctx, instance, "", false) // the broker took the update: let it end before going on
	}
}

// unsupportedUpdate returns the broker's description when err is the 422 with which
// "Updating a Service Instance, Response" lets a broker refuse a change it does not support;
// a 422 with MaintenanceInfoConflict or ConcurrencyError says something else.
func unsupportedUpdate(err error) (description string, ok bool) {
	var brokerErr *openservicebrokerv1.BrokerError
	if !errors.As(err, &brokerErr) || brokerErr.StatusCode != http.StatusUnprocessableEntity ||
		errors.Is(err, openservicebrokerv1.ErrMaintenanceInfoConflict) || errors.Is(err, openservicebrokerv1.ErrConcurrencyError) {
		return "", false
	}
	return fmt.Sprintf("%q", brokerErr.Description), true
}

func (r *run) updateOptions(instance *instanceUnderTest) *openservicebrokerv1.UpdateServiceInstanceOptions {
	return r.client.NewUpdateServiceInstanceOptions(instance.id).SetServiceID(instance.plan.serviceID()).
		SetPlanID(instance.planID).SetContext(r.platform.context(instance.id))
}

// updateAndWait updates and, when the broker answers 202, grades the polling of the first
// asynchronous operation of the plan.
func (r *run) updateAndWait(ctx context.Context, instance *instanceUnderTest, options *openservicebrokerv1.UpdateServiceInstanceOptions) error {
	result, response, err := r.client.UpdateServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
	if err != nil || response.StatusCode != http.StatusAccepted {
		return err
	}
	seen := r.waitForInstance(ctx, instance, deref(result.Operation), false)
	r.gradePolling(instance.plan, seen)
	return seen.err
}

// changePlan moves the instance to another plan of its offering when the plan is updateable.
func (r *run) changePlan(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	switch {
	case !p.PlanUpdateable():
		r.skip(UpdatePlanChange, "plan_updateable is not true")
		return
	case p.otherPlan == nil:
		r.skip(UpdatePlanChange, "the offering has no other plan to change to")
		return
	}
	target := p.otherPlan.ID()
	update := r.updateOptions(instance).SetPlanID(target).
		SetPreviousValues(&openservicebrokerv1.PreviousValues{PlanID: core.StringPtr(instance.planID)})
	err := r.updateAndWait(ctx, instance, update)
	if refusal, ok := unsupportedUpdate(err); ok {
		r.note(UpdatePlanChange, "the broker does not support changing to plan %q (422), which it MAY: %s", target, refusal)
		return
	}
	if err != nil {
		r.violate(UpdatePlanChange, "changing to plan %q failed: %v", target, err)
		return
	}
	instance.planID = target
	r.created.setPlan(instance.id, target)
	if p.InstancesRetrievable() {
		got, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(instance.id).
			SetServiceID(p.serviceID()).SetPlanID(target))
		if err != nil || (got.PlanID != nil && *got.PlanID != target) {
			r.violate(UpdatePlanChange, "after the change GET answered %s with plan %q", describe(response, err), deref(gotPlan(got)))
			return
		}
	}
	r.pass(UpdatePlanChange, "changed to plan %q", target)
}

func gotPlan(got *openservicebrokerv1.InstanceGetResp) *string {
	if got == nil {
		return nil
	}
	return got.PlanID
}

// deprovisionPhase deletes the instance, then one that does not exist.
func (r *run) deprovisionPhase(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	options := r.client.NewDeleteServiceInstanceOptions(p.serviceID(), instance.planID, instance.id).SetAcceptsIncomplete(true)
	result, response, err := r.client.DeleteServiceInstanceWithContext(ctx, options)
	switch status := statusOf(response, err); {
	case err == nil && status == http.StatusOK:
		r.pass(Deprovision200Or202, "200 OK")
		r.created.remove(Resource{InstanceID: instance.id})
	case err == nil && status == http.StatusAccepted:
		seen := r.waitForInstance(ctx, instance, deref(result.Operation), true)
		r.gradePolling(p, seen)
		if seen.err == nil {
			r.pass(Deprovision200Or202, "202 Accepted, then gone after %d poll(s)", len(seen.states))
			r.created.remove(Resource{InstanceID: instance.id})
		} else {
			r.violate(Deprovision200Or202, "the deprovisioning did not end: %v", seen.err)
		}
	default:
		r.violate(Deprovision200Or202, "deprovisioning an existing instance answered %s", describe(response, err))
	}
	missing := r.client.NewDeleteServiceInstanceOptions(p.serviceID(), p.planID(), r.newID("missing")).SetAcceptsIncomplete(true)
	_, response, err = r.client.DeleteServiceInstanceWithContext(ctx, missing)
	r.expect(DeprovisionMissing410, err == nil && response.StatusCode == http.StatusGone, "an instance that never existed answered %s", describe(response, err))
	r.skipUnpolled("the plan's operations all completed synchronously: nothing was polled")
}

// skipUnpolled skips the last_operation checks when no wait graded them.
func (r *run) skipUnpolled(reason string) {
	for _, id := range []CheckID{LastOperationStateValues, LastOperationRetryAfter, LastOperationWithinMaximumPollingDuration} {
		r.skip(id, "%s", reason)
	}
}

// concurrencyPhase deprovisions a second instance while its provisioning is in progress; it
// returns why it could not.
func (r *run) concurrencyPhase(ctx context.Context, p *planUnderTest) string {
	instance := r.trackInstance(p, r.newID("instance"))
	defer r.removeNow(instance)
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, r.provisionOptions(p, instance.id).SetAcceptsIncomplete(true))
	if err != nil {
		return fmt.Sprintf("the provision failed: %v", err)
	}
	if response.StatusCode != http.StatusAccepted {
		return "the plan provisions synchronously: no operation stays in progress"
	}
	_, response, err = r.client.DeleteServiceInstanceWithContext(ctx, r.client.NewDeleteServiceInstanceOptions(p.serviceID(), p.planID(), instance.id).SetAcceptsIncomplete(true))
	switch status, code := errorCode(err); {
	case status == http.StatusUnprocessableEntity:
		r.pass(ConcurrencyBusyInstance, "422 %s", code)
		r.expectErrorCode(err, "ConcurrencyError")
	case err == nil:
		r.note(ConcurrencyBusyInstance, "the broker accepted the deprovision while provisioning (%d): it supports concurrent operations, which it MAY", response.StatusCode)
	default:
		r.violate(ConcurrencyBusyInstance, "a deprovision while provisioning answered %s; a broker that cannot process it MUST answer 422 ConcurrencyError", describe(response, err))
	}
	return ""
}

// removeNow deletes an instance at the end of its scenario, so that scenarios do not pile up
// instances on the broker; the final sweep retries what this could not remove.
func (r *run) removeNow(instance *instanceUnderTest) {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	_ = r.remove(ctx, Resource{InstanceID: instance.id, ServiceID: instance.plan.serviceID(), PlanID: instance.planID})
}

// identifiersScenario provisions with a vendor extension field, then under an IBM CRN.
func identifiersScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, p *planUnderTest) string {
	extended := r.trackInstance(p, r.newID("instance"))
	options := r.provisionOptions(p, extended.id)
	options.Context.SetProperty("osb_check_vendor_extension", map[string]any{"ignored": true})
	err := r.provisionAndWait(ctx, extended, options)
	r.expect(RequestsVendorExtensionsIgnored, err == nil, "a provision whose context carries osb_check_vendor_extension: %s", orText(errText(err), "served"))
	r.removeNow(extended)

	crn := longCRN(r.options.Prefix)
	long := r.trackInstance(p, crn)
	err = r.provisionAndWait(ctx, long, r.provisionOptions(p, crn))
	r.expect(IDsLongCRN, err == nil, "instance id %q (%d characters): %s", crn, len(crn), orText(errText(err), "served"))
	r.removeNow(long)
	return ""
}

func (r *run) provisionAndWait(ctx context.Context, instance *instanceUnderTest, options *openservicebrokerv1.ReplaceServiceInstanceOptions) error {
	wait := r.waitOptions(instance.plan, nil)
	_, _, err := r.client.ProvisionAndWait(ctx, options, &wait)
	return err
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// longCRN returns an IBM Cloud CRN of 118 characters (longer when the prefix is long) whose
// instance part starts with the run prefix.
func longCRN(prefix string) string {
	const crnLength, frame = 118, len("crn:v1:bluemix:public:osb-check:us-south:a/") + 32 + len(":") + len("::")
	account := strings.ReplaceAll(uuid.NewString(), "-", "")
	instance := prefix + "-" + strings.ReplaceAll(uuid.NewString()+uuid.NewString(), "-", "")
	return ibmCRN(account, instance[:max(crnLength-frame, len(prefix)+9)])
}
