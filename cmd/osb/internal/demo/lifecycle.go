package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// cleanupTimeout bounds the clean-up after a failed step.
const cleanupTimeout = 2 * time.Minute

// lifecycle is one walk through the life of a service instance and its binding.
type lifecycle struct {
	client *openservicebrokerv1.OpenServiceBrokerV1
	target *Target
	out    io.Writer
	steps  *stepLog

	// plan is the chosen plan; service and servicePlan are its offering's id and its own.
	plan                 *openservicebrokerv1.CatalogPlan
	service, servicePlan string
	instanceID           string
	bindingID            string
	// organizationGUID and spaceGUID place the instance in the cloudfoundry profile's context.
	organizationGUID, spaceGUID string
	// operation is the instance's latest asynchronous operation (the provision's, then the
	// update's) and bindingOperation the bind's: a clean-up that finds one in progress waits for it.
	operation, bindingOperation string
	// stateSkipped says the broker lacks IBM Cloud's state endpoints, so the enable step is skipped too.
	stateSkipped string
	// credentials are the bind answer's, kept to compare with GET binding; never printed unmasked.
	credentials map[string]any
	// provisioned and bound say what exists on the broker, for the clean-up after a failure.
	provisioned, bound bool
}

func newLifecycle(target *Target, out io.Writer) *lifecycle {
	return &lifecycle{
		client:           target.Client,
		target:           target,
		out:              out,
		steps:            &stepLog{out: out},
		instanceID:       "demo-" + uuid.NewString(),
		bindingID:        "demo-binding-" + uuid.NewString(),
		organizationGUID: uuid.NewString(),
		spaceGUID:        uuid.NewString(),
	}
}

// run takes the steps in order and stops at the first failure.
func (l *lifecycle) run(ctx context.Context) error {
	steps := []struct {
		name string
		do   func(context.Context) error
	}{
		{"catalog", l.listCatalog},
		{"provision", l.provision},
		{"get instance", l.getInstance},
		{"update", l.update},
		{"disable (IBM state)", func(ctx context.Context) error {
			return l.changeState(ctx, false, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctSuspendConst)
		}},
		{"enable (IBM state)", func(ctx context.Context) error {
			return l.changeState(ctx, true, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctActivateConst)
		}},
		{"bind", l.bind},
		{"get binding", l.getBinding},
		{"unbind", l.unbind},
		{"deprovision", l.deprovision},
	}
	l.steps.total = len(steps)
	for _, step := range steps {
		if err := l.steps.run(ctx, step.name, step.do); err != nil {
			return err
		}
	}
	return nil
}

// listCatalog reads the catalog, chooses the plan and gives the catalog to the client, whose
// waiters then poll as long as the plan's maximum_polling_duration.
func (l *lifecycle) listCatalog(ctx context.Context) error {
	response, _, err := l.client.ListCatalogWithContext(ctx, l.client.NewListCatalogOptions())
	if err != nil {
		return err
	}
	l.steps.detail("%d service(s) in the catalog", len(response.Services))
	catalog, err := openservicebrokerv1.NewCatalog(response)
	if err != nil {
		return fmt.Errorf("the broker's catalog cannot be used: %w", err)
	}
	l.client.SetCatalog(catalog)
	if l.plan, err = choosePlan(catalog, l.target.ServiceID, l.target.PlanID); err != nil {
		return err
	}
	l.service, l.servicePlan = l.plan.Service().ID(), l.plan.ID()
	l.steps.detail("using service %s (%s), plan %s (%s)", l.service, l.plan.Service().Name(), l.servicePlan, l.plan.Name())
	return nil
}

// choosePlan finds the requested service and plan in the catalog. A plan id alone picks its
// service; without a request it takes the first bindable plan, else the first plan, whose
// binding steps are then skipped.
func choosePlan(catalog *openservicebrokerv1.Catalog, serviceID, planID string) (*openservicebrokerv1.CatalogPlan, error) {
	var first *openservicebrokerv1.CatalogPlan
	for _, service := range catalog.Services() {
		if serviceID != "" && service.ID() != serviceID {
			continue
		}
		for _, plan := range service.Plans() {
			if planID != "" && plan.ID() != planID {
				continue
			}
			if planID != "" || plan.Bindable() {
				return plan, nil
			}
			if first == nil {
				first = plan
			}
		}
	}
	if first == nil {
		return nil, fmt.Errorf("no plan matches service %q and plan %q in the broker's catalog; choose a service and a plan id from the catalog", serviceID, planID)
	}
	return first, nil
}

func (l *lifecycle) provision(ctx context.Context) error {
	l.steps.detail("instance %s", l.instanceID)
	l.steps.detail("context: platform cloudfoundry, organization %s, space %s (generated)", l.organizationGUID, l.spaceGUID)
	// The client fills organization_guid and space_guid, which Provisioning, Body requires,
	// from the cloudfoundry context.
	context := &openservicebrokerv1.Context{
		Platform:         core.StringPtr(openservicebrokerv1.PlatformCloudFoundry),
		OrganizationGuid: core.StringPtr(l.organizationGUID),
		SpaceGuid:        core.StringPtr(l.spaceGUID),
	}
	options := l.client.NewReplaceServiceInstanceOptions(l.instanceID).SetServiceID(l.service).SetPlanID(l.servicePlan).SetContext(context)
	if parameters := l.target.ProvisionParameters; parameters != nil {
		options.SetParameters(parameters)
	}
	result, response, err := l.client.ProvisionAndWait(ctx, options, l.waitOptions())
	l.provisioned = mayExist(err)
	if result != nil && result.Operation != nil {
		l.operation = *result.Operation
	}
	if err != nil {
		return err
	}
	l.steps.detail("%s", DescribeStatus(response.StatusCode, Creation))
	if result.DashboardURL != nil {
		l.steps.detail("dashboard: %s", *result.DashboardURL)
	}
	return nil
}

func (l *lifecycle) getInstance(ctx context.Context) error {
	if !l.plan.InstancesRetrievable() {
		l.steps.detail("skipped: the service does not offer GET of instances (instances_retrievable is false)")
		return nil
	}
	instance, _, err := l.client.GetServiceInstanceWithContext(ctx, l.client.NewGetServiceInstanceOptions(l.instanceID).
		SetServiceID(l.service).SetPlanID(l.servicePlan))
	if err != nil {
		return err
	}
	l.steps.detail("service %s, plan %s, parameters %s", core.StringNilMapper(instance.ServiceID),
		core.StringNilMapper(instance.PlanID), describeParameters(instance.Parameters))
	return nil
}

func (l *lifecycle) update(ctx context.Context) error {
	options := l.client.NewUpdateServiceInstanceOptions(l.instanceID).SetServiceID(l.service).SetPlanID(l.servicePlan)
	if parameters := l.target.UpdateParameters; parameters != nil {
		options.SetParameters(parameters)
	}
	l.steps.detail("parameters %s", describeParameters(l.target.UpdateParameters))
	result, response, err := l.client.UpdateAndWait(ctx, options, l.waitOptions())
	// Without an answer (an interrupted request) the update may run still: a clean-up then
	// polls the instance's latest operation rather than the provision's.
	l.operation = ""
	if result != nil {
		l.operation = core.StringNilMapper(result.Operation)
	}
	if err != nil {
		return err
	}
	l.steps.detail("%s", DescribeStatus(response.StatusCode, Update))
	return nil
}

// changeState switches the instance off or on through IBM Cloud's state endpoint and reads the
// state back. A broker without IBM Cloud's endpoints answers 404, 405 or 501: the step and the
// ones after it are then skipped.
func (l *lifecycle) changeState(ctx context.Context, enabled bool, reasonCode string) error {
	if l.stateSkipped != "" {
		l.steps.detail("%s", l.stateSkipped)
		return nil
	}
	_, _, err := l.client.ReplaceServiceInstanceStateWithContext(ctx, l.client.NewReplaceServiceInstanceStateOptions(l.instanceID).
		SetEnabled(enabled).SetReasonCode(reasonCode).SetInitiatorID("osb-go-sdk-demo"))
	var brokerErr *openservicebrokerv1.BrokerError
	if errors.As(err, &brokerErr) && slices.Contains(endpointMissingStatuses, brokerErr.StatusCode) {
		l.stateSkipped = fmt.Sprintf("skipped: the broker does not serve IBM Cloud's state endpoints (%d %s)", brokerErr.StatusCode, http.StatusText(brokerErr.StatusCode))
		l.steps.detail("%s", l.stateSkipped)
		return nil
	}
	if err != nil {
		return err
	}
	state, _, err := l.client.GetServiceInstanceStateWithContext(ctx, l.client.NewGetServiceInstanceStateOptions(l.instanceID))
	if err != nil {
		return err
	}
	l.steps.detail("reason %s -> enabled=%t active=%t", reasonCode, boolValue(state.Enabled), boolValue(state.Active))
	if boolValue(state.Enabled) != enabled {
		return fmt.Errorf("the broker reports enabled=%t after it was asked for enabled=%t", boolValue(state.Enabled), enabled)
	}
	return nil
}

// endpointMissingStatuses are the answers of a broker that does not serve an endpoint at all.
var endpointMissingStatuses = []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented}

// notBindable says why the binding steps are skipped, or is empty when the plan is bindable.
func (l *lifecycle) notBindable() string {
	if l.plan.Bindable() {
		return ""
	}
	return "skipped: the plan is not bindable (bindable is false in the catalog)"
}

func (l *lifecycle) bind(ctx context.Context) error {
	if reason := l.notBindable(); reason != "" {
		l.steps.detail("%s", reason)
		return nil
	}
	l.steps.detail("binding %s", l.bindingID)
	options := l.client.NewReplaceServiceBindingOptions(l.bindingID, l.instanceID).SetServiceID(l.service).SetPlanID(l.servicePlan)
	binding, response, err := l.client.BindAndWait(ctx, options, l.waitOptions())
	l.bound = mayExist(err)
	if binding != nil {
		l.bindingOperation = core.StringNilMapper(binding.Operation)
	}
	if err != nil {
		return err
	}
	l.credentials = binding.Credentials
	l.steps.detail("%s", DescribeStatus(response.StatusCode, Creation))
	l.printCredentials(secret.MaskCredentials(binding.Credentials))
	return nil
}

// printCredentials lists masked credentials one key a line, or says there are none.
func (l *lifecycle) printCredentials(credentials map[string]any) {
	if len(credentials) == 0 {
		l.steps.detail("credentials: none")
		return
	}
	l.steps.detail("credentials (masked):")
	for _, key := range slices.Sorted(maps.Keys(credentials)) {
		value := credentials[key]
		if s, ok := value.(string); ok {
			l.steps.detail("  %s: %s", key, s)
			continue
		}
		l.steps.detail("  %s: %s", key, compactJSON(value))
	}
}

func (l *lifecycle) getBinding(ctx context.Context) error {
	if reason := l.notBindable(); reason != "" {
		l.steps.detail("%s", reason)
		return nil
	}
	if !l.plan.BindingsRetrievable() {
		l.steps.detail("skipped: the service does not offer GET of bindings (bindings_retrievable is false)")
		return nil
	}
	binding, _, err := l.client.GetServiceBindingWithContext(ctx, l.client.NewGetServiceBindingOptions(l.bindingID, l.instanceID).
		SetServiceID(l.service).SetPlanID(l.servicePlan))
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(binding.Credentials, l.credentials) {
		return errors.New("GET binding returned other credentials than the bind answer")
	}
	l.steps.detail("credentials: the same %d field(s) as the bind answer", len(binding.Credentials))
	return nil
}

func (l *lifecycle) unbind(ctx context.Context) error {
	if reason := l.notBindable(); reason != "" {
		l.steps.detail("%s", reason)
		return nil
	}
	response, err := l.client.UnbindAndWait(ctx, l.client.NewDeleteServiceBindingOptions(l.bindingID, l.instanceID, l.servicePlan, l.service), l.waitOptions())
	if err != nil {
		return err
	}
	l.bound = false
	l.steps.detail("%s", DescribeStatus(response.StatusCode, Deletion))
	return nil
}

func (l *lifecycle) deprovision(ctx context.Context) error {
	_, response, err := l.client.DeprovisionAndWait(ctx, l.client.NewDeleteServiceInstanceOptions(l.service, l.servicePlan, l.instanceID), l.waitOptions())
	if err != nil {
		return err
	}
	l.provisioned = false
	l.steps.detail("%s", DescribeStatus(response.StatusCode, Deletion))
	return nil
}

// mayExist reports whether a provision or bind that returned err may have left its instance or
// binding on the broker: yes after success or an unknown outcome; no when the broker rejected
// the request (4xx) or the SDK's orphan mitigation (which also follows a failed asynchronous
// provision or bind) deleted it.
func mayExist(err error) bool {
	var mitigation *openservicebrokerv1.OrphanMitigationError
	if errors.As(err, &mitigation) {
		return !mitigation.Completed
	}
	var brokerErr *openservicebrokerv1.BrokerError
	rejected := errors.As(err, &brokerErr) && brokerErr.StatusCode >= 400 && brokerErr.StatusCode < 500
	return !rejected
}

// cleanUp removes what a failed walk left on the broker, so that trying the walk never
// leaves instances behind. It runs on its own deadline: the walk's context may be cancelled.
func (l *lifecycle) cleanUp() {
	if !l.provisioned {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	fmt.Fprintf(l.out, "\ncleaning up instance %s\n", l.instanceID)
	if l.bound {
		if err := l.removeOnceIdle(ctx, "binding", l.unbind, l.waitForBinding); err != nil {
			fmt.Fprintf(l.out, "      could not unbind: %s\n", termtext.Clean(err.Error()))
		}
	}
	if err := l.removeOnceIdle(ctx, "instance", l.deprovision, l.waitForInstance); err != nil {
		fmt.Fprintf(l.out, "      could not deprovision: %s; delete the instance yourself\n", termtext.Clean(err.Error()))
	}
}

// removeOnceIdle removes the binding or instance (what). When the walk was stopped while the
// broker still works on it (ConcurrencyError), it waits for that operation to end, however it
// ends, and removes it then.
func (l *lifecycle) removeOnceIdle(ctx context.Context, what string, remove, wait func(context.Context) error) error {
	err := remove(ctx)
	if !errors.Is(err, openservicebrokerv1.ErrConcurrencyError) {
		return err
	}
	fmt.Fprintf(l.out, "      an operation on the %s is in progress; waiting for it to end\n", what)
	if err = wait(ctx); err == nil || errors.As(err, new(*openservicebrokerv1.OperationFailedError)) {
		err = remove(ctx)
	}
	return err
}

// waitForBinding waits for the binding's operation in progress.
func (l *lifecycle) waitForBinding(ctx context.Context) error {
	options := l.client.NewGetServiceBindingLastOperationOptions(l.bindingID, l.instanceID).SetServiceID(l.service).SetPlanID(l.servicePlan)
	if l.bindingOperation != "" {
		options.SetOperation(l.bindingOperation)
	}
	_, _, err := l.client.AwaitServiceBindingLastOperation(ctx, options, l.waitOptions())
	return err
}

// waitForInstance waits for the instance's operation in progress.
func (l *lifecycle) waitForInstance(ctx context.Context) error {
	options := l.client.NewGetLastOperationOptions(l.instanceID).SetServiceID(l.service).SetPlanID(l.servicePlan)
	if l.operation != "" {
		options.SetOperation(l.operation)
	}
	_, _, err := l.client.AwaitLastOperation(ctx, options, l.waitOptions())
	return err
}

// waitOptions are the target's polling settings plus a progress line per poll; the client,
// holding the catalog, adds the plan's maximum_polling_duration.
func (l *lifecycle) waitOptions() *openservicebrokerv1.WaitOptions {
	options := openservicebrokerv1.NewWaitOptions()
	if l.target.Wait != nil {
		*options = *l.target.Wait
	}
	return options.SetOnPoll(l.reportPoll)
}

func (l *lifecycle) reportPoll(event openservicebrokerv1.PollEvent) {
	if event.Err != nil {
		l.steps.detail("poll %d: no valid answer after %s, polling on: %v", event.Attempt, formatDuration(event.Elapsed), event.Err)
		return
	}
	state := event.State
	if state == "" {
		// The only valid answer without a state: 410 Gone, which ends a deletion.
		state = "gone (410)"
	}
	line := fmt.Sprintf("poll %d: %s after %s", event.Attempt, state, formatDuration(event.Elapsed))
	if event.Description != "" {
		line += " (" + event.Description + ")"
	}
	l.steps.detail("%s", line)
}

// RequestKind says what a request asked for, which gives its success statuses their meaning.
type RequestKind int

// The kinds of request whose success statuses DescribeStatus explains.
const (
	Creation RequestKind = iota
	Update
	Deletion
)

// statusMeanings say what the success statuses of each kind of request mean (202 means the same for all).
var statusMeanings = map[RequestKind]map[int]string{
	Creation: {http.StatusOK: "an identical one already existed", http.StatusCreated: "created synchronously"},
	Update:   {http.StatusOK: "updated synchronously"},
	Deletion: {http.StatusOK: "removed synchronously", http.StatusGone: "it was already gone"},
}

// DescribeStatus says what a success status means for a request of the given kind, such as
// "201 Created: created synchronously".
func DescribeStatus(status int, kind RequestKind) string {
	meaning, ok := statusMeanings[kind][status]
	if status == http.StatusAccepted {
		meaning, ok = "asynchronous, polled until it ended", true
	}
	if !ok {
		meaning = "success"
	}
	return fmt.Sprintf("%d %s: %s", status, http.StatusText(status), meaning)
}

func describeParameters(parameters map[string]any) string {
	if len(parameters) == 0 {
		return "(none)"
	}
	return compactJSON(parameters)
}

func compactJSON(value any) string {
	encoded, err := json.Marshal(value)
	if err != nil {
		return fmt.Sprintf("%v", value)
	}
	return string(encoded)
}

func boolValue(b *bool) bool {
	return b != nil && *b
}

// stepLog prints each step as it starts and keeps what it said and its duration for the summary
// and the report.
type stepLog struct {
	out   io.Writer
	total int
	steps []Step
}

// Report is what a walk did, step by step.
type Report struct {
	Steps []Step `json:"steps" yaml:"steps"`
}

// Step is one step of a walk: its name, the lines it printed and how long it took.
type Step struct {
	Name     string        `json:"name" yaml:"name"`
	Details  []string      `json:"details" yaml:"details"`
	Duration time.Duration `json:"duration_ns" yaml:"duration_ns"`
	Error    string        `json:"error,omitempty" yaml:"error,omitempty"`
}

// run takes one step and wraps its error with the step's name.
func (s *stepLog) run(ctx context.Context, name string, do func(context.Context) error) error {
	fmt.Fprintf(s.out, "\n[%d/%d] %s\n", len(s.steps)+1, s.total, name)
	s.steps = append(s.steps, Step{Name: name})
	current := &s.steps[len(s.steps)-1]
	start := time.Now()
	err := do(ctx)
	current.Duration = time.Since(start)
	if err != nil {
		current.Error = err.Error()
		return fmt.Errorf("step %q: %w", name, err)
	}
	return nil
}

// detail prints one line of the current step and keeps it for the report. The line may hold
// the broker's text: it is shown through termtext.Clean.
func (s *stepLog) detail(format string, args ...any) {
	line := termtext.Clean(fmt.Sprintf(format, args...))
	fmt.Fprintf(s.out, "      %s\n", line)
	if len(s.steps) > 0 {
		current := &s.steps[len(s.steps)-1]
		current.Details = append(current.Details, line)
	}
}

func (s *stepLog) report() *Report {
	return &Report{Steps: slices.Clone(s.steps)}
}

func (s *stepLog) printSummary() {
	fmt.Fprintf(s.out, "\nsummary: all %d steps succeeded\n", len(s.steps))
	var total time.Duration
	for _, step := range s.steps {
		fmt.Fprintf(s.out, "  %-22s %9s\n", step.Name, formatDuration(step.Duration))
		total += step.Duration
	}
	fmt.Fprintf(s.out, "  %-22s %9s\n", "total", formatDuration(total))
}

// formatDuration rounds to a tenth of a millisecond, enough to compare steps.
func formatDuration(d time.Duration) string {
	return d.Round(100 * time.Microsecond).String()
}
