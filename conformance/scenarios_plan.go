package conformance

import (
	"context"
	"encoding/json"
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
	ProvisionAsync202RepeatSameOperation, LastOperationStateValues, LastOperationOperationFields, LastOperationRetryAfter,
	LastOperationWithinMaximumPollingDuration, ProvisionDashboardURL, ProvisionMetadataShape,
	ProvisionSync200IdenticalRepeat, Provision409ConflictingRepeat, ProvisionDashboardURLFirst, InstanceGet, InstanceGetMissing404, UpdatePreviousValues,
	UpdateMaintenanceInfoConflict422, UpdatePlanChange, Deprovision200Or202, DeprovisionMissing410, LastOperationMissing404,
	ConcurrencyBusyInstance, InstanceGetWhileUpdating422, UpdateKeepsPlan,
}

// bindingChecks are the lifecycle's checks of a binding, skipped for plans that are not bindable.
var bindingChecks = []CheckID{
	BindRequiresApp422, Bind201New, BindAsync202ThenSucceeded, BindCredentials, BindShape,
	Bind200IdenticalRepeat, Bind409ConflictingRepeat, BindingGet, BindingGetMissing404, BindRotation, Unbind200Or202, UnbindMissing410,
	BindAsyncRequired422, UnbindBusy422,
}

var lifecycleRequests = []string{
	"PUT /v2/service_instances/{prefix-instance} (no accepts_incomplete), again with accepts_incomplete=true when refused",
	"PUT the same instance again while in progress; GET .../last_operation until it ends",
	"PUT the same instance again (identical), then with another plan or space (conflicting)",
	"GET /v2/service_instances/{prefix-instance} (when instances_retrievable)",
	"PATCH without plan_id, GET while it is in progress and after it (when instances_retrievable)",
	"PATCH with previous_values; PATCH with a stale maintenance_info (when the plan has one)",
	"PUT .../service_bindings/{prefix-binding} without app_guid, with app_guid when refused; identical and conflicting repeats",
	"GET .../service_bindings/{prefix-binding} (when bindings_retrievable); PUT a successor with predecessor_binding_id (when binding_rotatable)",
	"when the plan binds asynchronously: PUT a binding (and a successor) without accepts_incomplete; DELETE a binding while its bind is in progress",
	"DELETE the bindings; DELETE a binding that does not exist",
	"PATCH to another plan (when plan_updateable)",
	"DELETE /v2/service_instances/{prefix-instance}?accepts_incomplete=true; DELETE an instance that does not exist",
	"PUT /v2/service_instances/{prefix-instance}?accepts_incomplete=true, then DELETE it while the provision is in progress",
}

// instanceUnderTest is an instance a scenario asks the broker for; the ledger, not the
// scenario, knows whether the broker created it.
type instanceUnderTest struct {
	id     string
	plan   *planUnderTest
	planID string // the instance's current plan
	// firstDashboard is the dashboard_url of the first answer to the provision; read says the
	// answer was read.
	firstDashboard string
	read           bool
}

func newInstance(p *planUnderTest, id string) *instanceUnderTest {
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

// lifecycleScenario walks one instance of the plan through its whole life.
func lifecycleScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, p *planUnderTest) string {
	defer r.gradePolls()
	instance := newInstance(p, r.newID("instance"))
	defer r.removeNow(instance.id)
	if reason := r.provisionPhase(ctx, instance); reason != "" {
		return reason
	}
	r.repeatProvision(ctx, instance)
	r.getInstance(ctx, instance)
	r.updateWithoutPlan(ctx, instance)
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
	r.concurrencyPhase(ctx, p)
	return ""
}

// isSuccess reports whether a status is one of the 2xx answers that complete or accept a request.
func isSuccess(status int) bool { return status >= 200 && status <= 299 }

// asyncProvisionChecks need an asynchronous provision.
var asyncProvisionChecks = []CheckID{ProvisionAsync202ThenSucceeded, ProvisionAsyncOperation, ProvisionAsync202RepeatSameOperation}

// provisionPhase provisions without accepts_incomplete, then with it when the plan needs it,
// and waits for an asynchronous provision to end. A broker that provisions synchronously
// without accepts_incomplete may still provision asynchronously with it: a second instance
// finds out.
func (r *run) provisionPhase(ctx context.Context, instance *instanceUnderTest) string {
	p := instance.plan
	options := r.provisionOptions(p, instance.id)
	result, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, options)
	status := statusOf(response, err)
	switch {
	case status == http.StatusAccepted:
		r.violate(ProvisionAsyncRequired422, "202 Accepted to a provision without accepts_incomplete=true")
	case isSuccess(status):
		r.pass(ProvisionAsyncRequired422, "the plan provisions synchronously without accepts_incomplete=true (%d)", status)
	case status == http.StatusUnprocessableEntity:
		r.passRefusal(ProvisionAsyncRequired422, err, "AsyncRequired", "")
		result, response, err = r.client.ReplaceServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
		status = statusOf(response, err)
	default:
		r.violate(ProvisionAsyncRequired422, "a provision without accepts_incomplete=true answered %s", describe(response, err))
		return failedBefore(ProvisionAsyncRequired422, "the provision answered "+describe(response, err))
	}
	provisionAnswer := r.recorder.last()
	switch {
	case status == http.StatusAccepted:
		r.skip(ProvisionSync201New, "the plan provisions asynchronously")
		if reason := r.awaitProvision(ctx, instance, options.SetAcceptsIncomplete(true), operationOf(provisionAnswer)); reason != "" {
			return reason
		}
	case isSuccess(status):
		r.expect(ProvisionSync201New, status == http.StatusCreated, "a new instance got %d", status)
		if options.AcceptsIncomplete == nil {
			r.probeAsyncProvision(ctx, p)
		} else {
			r.skipAll(asyncProvisionChecks, "the plan provisions synchronously with accepts_incomplete=true: there is no operation to poll")
		}
	default:
		r.violate(ProvisionSync201New, "the provision answered %s", describe(response, err))
		return failedBefore(ProvisionSync201New, "the provision answered "+describe(response, err))
	}
	r.gradeProvisionBody(provisionAnswer, result, err)
	if err == nil && result != nil {
		instance.firstDashboard, instance.read = deref(result.DashboardURL), true
	}
	return ""
}

// failedBefore is the reason of the checks a failure left unreached, naming the check that owns it.
func failedBefore(id CheckID, what string) string {
	return fmt.Sprintf("not reached: %s failed (%s)", id, what)
}

func (r *run) skipAll(ids []CheckID, reason string) {
	for _, id := range ids {
		r.skip(id, "%s", reason)
	}
}

// probeAsyncProvision provisions a second instance with accepts_incomplete=true, for the
// asynchronous checks, and removes it.
func (r *run) probeAsyncProvision(ctx context.Context, p *planUnderTest) {
	probe := newInstance(p, r.newID("instance"))
	defer r.removeNow(probe.id)
	options := r.provisionOptions(p, probe.id).SetAcceptsIncomplete(true)
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, options)
	switch status := statusOf(response, err); {
	case status == http.StatusAccepted:
		_ = r.awaitProvision(ctx, probe, options, operationOf(r.recorder.last()))
	case isSuccess(status):
		r.skipAll(asyncProvisionChecks, fmt.Sprintf("the plan provisions synchronously, with accepts_incomplete=true too (%d): there is no operation to poll", status))
	default:
		r.skipAll(asyncProvisionChecks, "a provision with accepts_incomplete=true, after one without it was served, answered "+describe(response, err))
	}
}

// operationOf reads the operation of a 202 answer from its body, whether or not the SDK could
// decode the rest of it.
func operationOf(answer *Exchange) string {
	var body struct {
		Operation string `json:"operation"`
	}
	if answer != nil {
		_ = json.Unmarshal([]byte(answer.ResponseBody), &body)
	}
	return body.Operation
}

// awaitProvision checks an asynchronous provision: its operation, a repeat while in progress,
// and the polling until it ends.
func (r *run) awaitProvision(ctx context.Context, instance *instanceUnderTest, options *openservicebrokerv1.ReplaceServiceInstanceOptions, operation string) string {
	if operation == "" {
		r.violate(ProvisionAsyncOperation, "the 202 answer carries no operation; polls go without one")
	} else {
		r.pass(ProvisionAsyncOperation, "operation %q", operation)
	}
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, options)
	switch status := statusOf(response, err); {
	case status == http.StatusAccepted:
		repeated := operationOf(r.recorder.last())
		r.expect(ProvisionAsync202RepeatSameOperation, repeated == operation, "202 with operation %q (first answer: %q)", repeated, operation)
	case status == http.StatusOK:
		r.note(ProvisionAsync202RepeatSameOperation, "200: the provisioning had already ended")
	default:
		r.violate(ProvisionAsync202RepeatSameOperation, "an identical provision while in progress answered %s", describe(response, err))
	}
	seen := r.waitForInstance(ctx, instance, operation, "provision", false)
	return r.gradeWait(ProvisionAsync202ThenSucceeded, seen)
}

// gradeWait grades the check that an asynchronous operation ends succeeded and returns, when
// it did not, the reason the checks after it are not reached. A wait cut by a limit the
// specification does not set is inconclusive, not failed.
func (r *run) gradeWait(id CheckID, seen polling) string {
	if seen.err == nil {
		r.grade(id, Pass, lastExchange([]polling{seen}), "the %s succeeded after %d poll(s)", seen.what, len(seen.states))
		return ""
	}
	if why, ok := r.inconclusive(seen); ok {
		r.grade(id, Inconclusive, lastExchange([]polling{seen}), "%s", why)
		return fmt.Sprintf("not reached: the %s did not end (%s)", seen.what, why)
	}
	r.grade(id, checkByID[id].violation(), lastExchange([]polling{seen}), "the %s did not succeed: %v", seen.what, seen.err)
	return failedBefore(id, fmt.Sprintf("the %s did not succeed", seen.what))
}

// gradeProvisionBody checks dashboard_url and metadata of the provision's answer; an answer
// whose body did not decode is answers.body-shape's to report.
func (r *run) gradeProvisionBody(answer *Exchange, result *openservicebrokerv1.InstancePutResp, decodeErr error) {
	if decodeErr != nil || result == nil {
		r.skipAll([]CheckID{ProvisionDashboardURL, ProvisionMetadataShape}, bodyShapeReason)
		return
	}
	dashboard := deref(result.DashboardURL)
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

// bodyShapeReason is why a check that reads a body skips when the body did not decode.
var bodyShapeReason = fmt.Sprintf("the answer's body does not have the specification's shape: %s reports it", AnswersBodyShape)

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
	case status == http.StatusOK:
		r.pass(id, "200 OK")
	case status == http.StatusCreated:
		r.pass(id, "201 Created (the specification allows it besides 200)")
	default:
		r.violate(id, "an identical %s answered %s", what, describe(response, err))
	}
}

// conflictParameter is added to the parameters of the conflicting repeats, so that they differ
// in parameters as well as in the attribute they change.
const conflictParameter = "osb_check_conflict"

// repeatProvision sends the identical provision again, then a conflicting one: another plan (or
// space) and other parameters.
func (r *run) repeatProvision(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	repeat, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, r.provisionOptions(p, instance.id).SetAcceptsIncomplete(true))
	r.gradeIdenticalRepeat(ProvisionSync200IdenticalRepeat, "provision of an existing instance", response, err)
	r.gradeDashboardFirst(instance, repeat, err)

	conflicting := r.provisionOptions(p, instance.id).SetAcceptsIncomplete(true).SetParameters(withConflict(p.parameters.Provision))
	what := "another plan and other parameters"
	if p.otherPlan != nil {
		conflicting.SetPlanID(p.otherPlan.ID())
	} else {
		what = "another space and other parameters"
		conflicting.SetSpaceGUID(uuid.NewString())
		conflicting.Context.SpaceGuid = conflicting.SpaceGUID
	}
	_, response, err = r.client.ReplaceServiceInstanceWithContext(ctx, conflicting)
	r.gradeConflict(Provision409ConflictingRepeat, what, response, err)
}

// gradeDashboardFirst compares the dashboard_url of a later answer with the first answer's:
// a broker that returns one returns it with the first answer to the provision.
func (r *run) gradeDashboardFirst(instance *instanceUnderTest, later *openservicebrokerv1.InstancePutResp, err error) {
	switch {
	case !instance.read:
		r.skip(ProvisionDashboardURLFirst, "%s", bodyShapeReason)
	case err != nil || later == nil:
		r.skip(ProvisionDashboardURLFirst, "the repeated provision was not served: %s reports it", ProvisionSync200IdenticalRepeat)
	case instance.firstDashboard == "" && deref(later.DashboardURL) != "":
		r.violate(ProvisionDashboardURLFirst, "the first answer carried no dashboard_url, a later one %q", deref(later.DashboardURL))
	default:
		r.pass(ProvisionDashboardURLFirst, "dashboard_url %q in the first answer, %q in a later one", instance.firstDashboard, deref(later.DashboardURL))
	}
}

func withConflict(parameters map[string]any) map[string]any {
	changed := map[string]any{conflictParameter: uuid.NewString()}
	for key, value := range parameters {
		changed[key] = value
	}
	return changed
}

// gradeConflict grades a conflicting repeat: 409 passes; a 400 refuses the parameters before
// comparing them, which leaves the rule untested.
func (r *run) gradeConflict(id CheckID, what string, response *core.DetailedResponse, err error) {
	switch status := statusOf(response, err); status {
	case http.StatusConflict:
		r.pass(id, "the same id with %s answered 409 Conflict", what)
	case http.StatusBadRequest:
		r.grade(id, Inconclusive, r.recorder.last(), "the same id with %s answered 400: the broker refused the parameters %q before comparing the request with the existing one", what, conflictParameter)
	default:
		r.violate(id, "the same id with %s answered %s", what, describe(response, err))
	}
}

func (r *run) getInstance(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	if !p.InstancesRetrievable() {
		r.skipAll([]CheckID{InstanceGet, InstanceGetMissing404}, "instances_retrievable is not true")
		return
	}
	_, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(r.newID("missing")).
		SetServiceID(p.serviceID()).SetPlanID(p.planID()))
	r.expect(InstanceGetMissing404, statusOf(response, err) == http.StatusNotFound, "an instance that never existed answered %s", describe(response, err))

	got, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(instance.id).
		SetServiceID(p.serviceID()).SetPlanID(instance.planID))
	switch status := statusOf(response, err); {
	case err != nil && status == http.StatusOK:
		r.skip(InstanceGet, "%s", bodyShapeReason)
		return
	case err != nil:
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
	r.gradeUpdate(ctx, instance, UpdatePreviousValues, update, "the update with previous_values", nil)

	info := p.MaintenanceInfo()
	if info == nil || deref(info.Version) == "" {
		r.skip(UpdateMaintenanceInfoConflict422, "the plan has no maintenance_info")
		return
	}
	staleInfo := &openservicebrokerv1.MaintenanceInfo{Version: core.StringPtr("0.0.0-osb-check-stale")}
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, r.provisionOptions(p, r.newID("instance")).SetMaintenanceInfo(staleInfo).SetAcceptsIncomplete(true))
	r.at("PUT /v2/service_instances/:instance_id", func() {
		r.expect(UpdateMaintenanceInfoConflict422, statusOf(response, err) == http.StatusUnprocessableEntity,
			"a provision with maintenance_info.version 0.0.0-osb-check-stale (the plan's is %s) answered %s", deref(info.Version), describe(response, err))
		r.expectErrorCode(err, "MaintenanceInfoConflict")
	})
	stale := r.updateOptions(instance).SetMaintenanceInfo(staleInfo)
	result, response, err := r.client.UpdateServiceInstanceWithContext(ctx, stale.SetAcceptsIncomplete(true))
	status := statusOf(response, err)
	r.expect(UpdateMaintenanceInfoConflict422, status == http.StatusUnprocessableEntity,
		"maintenance_info.version 0.0.0-osb-check-stale (the plan's is %s) answered %s", deref(info.Version), describe(response, err))
	r.expectErrorCode(err, "MaintenanceInfoConflict")
	if status == http.StatusAccepted && result != nil {
		r.waitForInstance(ctx, instance, deref(result.Operation), "update", false) // the broker took the update: let it end before going on
	}
}

// gradeUpdate sends an update and grades how it ends. verify, when set, looks at the instance
// once the update is applied and returns what is wrong with it.
func (r *run) gradeUpdate(ctx context.Context, instance *instanceUnderTest, id CheckID, options *openservicebrokerv1.UpdateServiceInstanceOptions, what string, verify func() string) {
	_, response, err := r.client.UpdateServiceInstanceWithContext(ctx, options)
	r.at("PATCH /v2/service_instances/:instance_id", func() { r.gradeWithoutAcceptsIncomplete(response, err) })
	if errors.Is(err, openservicebrokerv1.ErrAsyncRequired) {
		_, response, err = r.client.UpdateServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
	}
	status := statusOf(response, err)
	if refusal, ok := unsupportedUpdate(err); ok {
		r.note(id, "the broker does not support %s (422), which it MAY: %s", what, refusal)
		return
	}
	switch {
	case status == http.StatusAccepted:
		operation := operationOf(r.recorder.last())
		r.repeatInProgress(func() (*core.DetailedResponse, error) {
			_, response, err := r.client.UpdateServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
			return response, err
		}, "PATCH /v2/service_instances/:instance_id", operation)
		seen := r.waitForInstance(ctx, instance, operation, "update", false)
		if seen.err != nil {
			r.gradeWait(id, seen)
			return
		}
	case !isSuccess(status):
		r.violate(id, "%s answered %s", what, describe(response, err))
		return
	}
	if verify != nil {
		if problem := verify(); problem != "" {
			r.violate(id, "%s", problem)
			return
		}
	}
	r.pass(id, "%s was applied (%d)", what, status)
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
	r.gradeUpdate(ctx, instance, UpdatePlanChange, update, fmt.Sprintf("changing to plan %q", target), func() string {
		instance.planID = target
		if !p.InstancesRetrievable() {
			return ""
		}
		got, response, err := r.client.GetServiceInstanceWithContext(ctx, r.client.NewGetServiceInstanceOptions(instance.id).
			SetServiceID(p.serviceID()).SetPlanID(target))
		if err == nil && got.PlanID != nil && *got.PlanID != target {
			return fmt.Sprintf("after the change GET answered %s with plan %q", describe(response, err), deref(got.PlanID))
		}
		return ""
	})
}

// deprovisionPhase deletes the instance, then one that does not exist.
func (r *run) deprovisionPhase(ctx context.Context, instance *instanceUnderTest) {
	p := instance.plan
	options := r.client.NewDeleteServiceInstanceOptions(p.serviceID(), instance.planID, instance.id)
	_, response, err := r.client.DeleteServiceInstanceWithContext(ctx, options)
	r.at("DELETE /v2/service_instances/:instance_id", func() { r.gradeWithoutAcceptsIncomplete(response, err) })
	if statusOf(response, err) == http.StatusUnprocessableEntity {
		_, response, err = r.client.DeleteServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
	}
	switch status := statusOf(response, err); {
	case status == http.StatusOK:
		r.pass(Deprovision200Or202, "200 OK")
	case status == http.StatusAccepted:
		operation := operationOf(r.recorder.last())
		r.repeatInProgress(func() (*core.DetailedResponse, error) {
			_, response, err := r.client.DeleteServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
			return response, err
		}, "DELETE /v2/service_instances/:instance_id", operation)
		seen := r.waitForInstance(ctx, instance, operation, "deprovision", true)
		r.gradeWait(Deprovision200Or202, seen)
	default:
		r.violate(Deprovision200Or202, "deprovisioning an existing instance answered %s", describe(response, err))
	}
	missing := r.client.NewDeleteServiceInstanceOptions(p.serviceID(), p.planID(), r.newID("missing")).SetAcceptsIncomplete(true)
	_, response, err = r.client.DeleteServiceInstanceWithContext(ctx, missing)
	r.expect(DeprovisionMissing410, statusOf(response, err) == http.StatusGone, "an instance that never existed answered %s", describe(response, err))
	_, response, err = r.client.GetLastOperationWithContext(ctx, r.client.NewGetLastOperationOptions(r.newID("missing")).
		SetServiceID(p.serviceID()).SetPlanID(p.planID()))
	r.expect(LastOperationMissing404, statusOf(response, err) == http.StatusNotFound, "polling an instance that never existed answered %s", describe(response, err))
}

// repeatInProgress sends a request again while the operation it started is in progress: the
// answer is 202 with the same operation, or what says the operation has just ended.
func (r *run) repeatInProgress(send func() (*core.DetailedResponse, error), endpoint, operation string) {
	response, err := send()
	r.at(endpoint, func() {
		switch status := statusOf(response, err); {
		case status == http.StatusAccepted:
			repeated := operationOf(r.recorder.last())
			r.expect(ProvisionAsync202RepeatSameOperation, repeated == operation, "202 with operation %q (first answer: %q)", repeated, operation)
		case status == http.StatusOK || status == http.StatusGone:
			r.note(ProvisionAsync202RepeatSameOperation, "%d: the operation had already ended", status)
		default:
			r.violate(ProvisionAsync202RepeatSameOperation, "the same request while in progress answered %s", describe(response, err))
		}
	})
}

// gradeWithoutAcceptsIncomplete grades the answer to a request sent without
// accepts_incomplete=true: served, or refused with 422 AsyncRequired, but never 202.
func (r *run) gradeWithoutAcceptsIncomplete(response *core.DetailedResponse, err error) {
	switch status := statusOf(response, err); status {
	case http.StatusAccepted:
		r.violate(ProvisionAsyncRequired422, "202 Accepted to a request without accepts_incomplete=true")
	case http.StatusUnprocessableEntity:
		r.passRefusal(ProvisionAsyncRequired422, err, "AsyncRequired", "")
	default:
		r.pass(ProvisionAsyncRequired422, "served without accepts_incomplete=true (%s)", describe(response, err))
	}
}

// at grades, within grade, on the subject's endpoint: a check that runs on several endpoints
// of one plan reports each.
func (r *run) at(endpoint string, grade func()) {
	subject := r.subject
	r.subject = subject + " " + endpoint
	defer func() { r.subject = subject }()
	grade()
}

// concurrencyPhase deprovisions a second instance while its provisioning is in progress.
func (r *run) concurrencyPhase(ctx context.Context, p *planUnderTest) {
	instance := newInstance(p, r.newID("instance"))
	defer r.removeNow(instance.id)
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, r.provisionOptions(p, instance.id).SetAcceptsIncomplete(true))
	if status := statusOf(response, err); status != http.StatusAccepted {
		reason := "the plan provisions synchronously: no operation stays in progress"
		if !isSuccess(status) {
			reason = "the provision answered " + describe(response, err)
		}
		r.skip(ConcurrencyBusyInstance, "%s", reason)
		return
	}
	_, response, err = r.client.DeleteServiceInstanceWithContext(ctx, r.client.NewDeleteServiceInstanceOptions(p.serviceID(), p.planID(), instance.id).SetAcceptsIncomplete(true))
	switch status := statusOf(response, err); {
	case status == http.StatusUnprocessableEntity:
		r.passRefusal(ConcurrencyBusyInstance, err, "ConcurrencyError", "")
	case isSuccess(status):
		r.note(ConcurrencyBusyInstance, "the broker accepted the deprovision while provisioning (%d): it supports concurrent operations, which it MAY", status)
		if status == http.StatusAccepted {
			r.waitForInstance(ctx, instance, operationOf(r.recorder.last()), "deprovision accepted during the provision", true)
		}
	default:
		r.violate(ConcurrencyBusyInstance, "a deprovision while provisioning answered %s; a broker that cannot process it MUST answer 422 ConcurrencyError", describe(response, err))
	}
}

// identifiersScenario provisions with a vendor extension field, then under an IBM CRN.
func identifiersScenario(ctx context.Context, r *run, _ *openservicebrokerv1.BrokerCatalogResp, p *planUnderTest) string {
	extended := newInstance(p, r.newID("instance"))
	options := r.provisionOptions(p, extended.id)
	options.Context.SetProperty("osb_check_vendor_extension", map[string]any{"ignored": true})
	r.gradeServed(ctx, RequestsVendorExtensionsIgnored, extended, options, "a provision whose context carries osb_check_vendor_extension")
	r.removeNow(extended.id)

	crn := longCRN(r.options.Prefix)
	long := newInstance(p, crn)
	r.gradeServed(ctx, IDsLongCRN, long, r.provisionOptions(p, crn), fmt.Sprintf("instance id %q (%d characters)", crn, len(crn)))
	r.removeNow(long.id)
	return ""
}

// gradeServed provisions, waits when the broker answers 202, and grades the check by how the
// provisioning ends: served, refused, failed, or cut short by a limit the specification does
// not set (inconclusive).
func (r *run) gradeServed(ctx context.Context, id CheckID, instance *instanceUnderTest, options *openservicebrokerv1.ReplaceServiceInstanceOptions, what string) {
	_, response, err := r.client.ReplaceServiceInstanceWithContext(ctx, options.SetAcceptsIncomplete(true))
	switch status := statusOf(response, err); {
	case status == http.StatusAccepted:
		seen := r.waitForInstance(ctx, instance, operationOf(r.recorder.last()), "provision", false)
		if why, ok := r.inconclusive(seen); ok {
			r.grade(id, Inconclusive, lastExchange([]polling{seen}), "%s: %s", what, why)
			return
		}
		r.expect(id, seen.err == nil, "%s: %s", what, orText(errText(seen.err), "served"))
	default:
		r.expect(id, isSuccess(status), "%s: answered %s", what, describe(response, err))
	}
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
