// Command quickstart walks the whole life of an Open Service Broker service instance with the
// osb-go-sdk client, step by step: catalog, provision, get, update, IBM Cloud state disable and
// enable, bind, get binding, unbind and deprovision, then prints how long each step took. It uses
// the SDK's public API and brokertest only: read it top to bottom as a tour of the client.
//
//	go run ./examples/quickstart
//
// By default it starts an embedded brokertest broker, so it needs nothing else. To run it against
// a real broker, configure the client through the environment as NewOpenServiceBrokerV1UsingExternalConfig
// reads it:
//
//	OPEN_SERVICE_BROKER_URL=https://broker.example.com \
//	OPEN_SERVICE_BROKER_AUTH_TYPE=basic OPEN_SERVICE_BROKER_USERNAME=... OPEN_SERVICE_BROKER_PASSWORD=... \
//	go run ./examples/quickstart [-service-id ID] [-plan-id ID]
//
// The service and plan come from the flags, else OPEN_SERVICE_BROKER_SERVICE_ID and
// OPEN_SERVICE_BROKER_PLAN_ID, else the first bindable plan of the catalog. The instance is
// provisioned with a cloudfoundry-profile context whose organization and space GUIDs are
// generated; what the broker does not offer (IBM Cloud's state endpoints, GET of instances or
// bindings, binding a plan that is not bindable) is skipped with a line saying why. Binding
// credentials are never printed, only their keys. On failure or Ctrl-C it deletes what it created,
// says what went wrong and exits with status 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Environment variables the quickstart reads besides the client's external configuration.
const (
	envBrokerURL = "OPEN_SERVICE_BROKER_URL"
	envServiceID = "OPEN_SERVICE_BROKER_SERVICE_ID"
	envPlanID    = "OPEN_SERVICE_BROKER_PLAN_ID"
)

// config says which broker to walk the lifecycle against and with which service and plan.
type config struct {
	// external selects the broker of OPEN_SERVICE_BROKER_URL instead of an embedded one.
	external bool
	// serviceID and planID choose the offering; empty means "pick from the catalog".
	serviceID, planID string
	// minPollDelay, when set, replaces the SDK's shortest wait between polls of a real broker.
	minPollDelay time.Duration
}

func main() {
	cfg, err := parseConfig(os.Args[1:], os.Getenv, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(2)
	}
	// Ctrl-C cancels the context: the step in progress stops and the clean-up runs.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err = run(ctx, os.Stdout, cfg)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "\nquickstart failed:", err)
		os.Exit(1)
	}
}

// parseConfig reads the flags, with the environment as their defaults.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	cfg := config{external: getenv(envBrokerURL) != ""}
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.serviceID, "service-id", getenv(envServiceID), "service offering to provision (default: "+envServiceID+", else the first bindable service)")
	fs.StringVar(&cfg.planID, "plan-id", getenv(envPlanID), "plan to provision (default: "+envPlanID+", else the service's first plan)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q; the broker is configured through %s and the other OPEN_SERVICE_BROKER_ variables", fs.Args(), envBrokerURL)
	}
	return cfg, nil
}

// run walks the lifecycle against the broker cfg selects and writes the story to out.
func run(ctx context.Context, out io.Writer, cfg config) error {
	walk, err := connect(cfg, out)
	if err != nil {
		return err
	}
	defer walk.stopBroker()
	fmt.Fprintf(out, "osb-go-sdk quickstart: the life of a service instance, step by step\nbroker: %s\n", walk.brokerName)
	if err := walk.run(ctx); err != nil {
		walk.cleanUp()
		return err
	}
	walk.printSummary()
	return nil
}

// quickstart is one walk: the client, the instance and binding it creates, and what it printed.
type quickstart struct {
	client     *openservicebrokerv1.OpenServiceBrokerV1
	brokerName string
	stopBroker func()
	out        io.Writer

	// wait tunes the waiters of the *AndWait helpers; provisionParameters and updateParameters
	// fit the embedded broker's plans (a real broker's plans have schemas of their own).
	wait                                  *openservicebrokerv1.WaitOptions
	provisionParameters, updateParameters map[string]any

	serviceID, planID string
	plan              *openservicebrokerv1.CatalogPlan
	instanceID        string
	bindingID         string
	// provisioned and bound say what may exist on the broker, for the clean-up after a failure.
	provisioned, bound bool
	// stateSkipped says why the IBM Cloud state steps are skipped; empty while they are not.
	stateSkipped string

	steps []step
}

// step is one step's name and how long it took, for the summary.
type step struct {
	name     string
	duration time.Duration
}

// connect builds the client of the broker of the environment, or starts an embedded brokertest
// broker whose asynchronous plan answers "in progress" to two polls.
func connect(cfg config, out io.Writer) (*quickstart, error) {
	walk := &quickstart{
		out:        out,
		serviceID:  cfg.serviceID,
		planID:     cfg.planID,
		instanceID: "demo-" + uuid.NewString(),
		bindingID:  "demo-binding-" + uuid.NewString(),
		wait:       openservicebrokerv1.NewWaitOptions(),
		stopBroker: func() {},
	}
	if cfg.external {
		client, err := openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{})
		if err != nil {
			return nil, fmt.Errorf("configuring the client from %s and the other OPEN_SERVICE_BROKER_ variables: %w", envBrokerURL, err)
		}
		walk.client, walk.brokerName = client, client.GetServiceURL()
		if cfg.minPollDelay > 0 {
			walk.wait.SetMinDelay(cfg.minPollDelay)
		}
		return walk, nil
	}
	srv, err := brokertest.Start(brokertest.WithAsyncPolls(2), brokertest.WithLastOperationRetryAfter(0))
	if err != nil {
		return nil, fmt.Errorf("starting the embedded broker: %w", err)
	}
	walk.client, walk.stopBroker = srv.Client(), srv.Close
	walk.brokerName = "embedded brokertest broker at " + srv.URL + " (set " + envBrokerURL + " to use your own)"
	if walk.serviceID == "" && walk.planID == "" {
		walk.serviceID, walk.planID = brokertest.DefaultServiceID, brokertest.DefaultAsyncPlanID
	}
	walk.wait.SetMinDelay(50 * time.Millisecond) // polls worth watching, a walk well under a second
	walk.provisionParameters, walk.updateParameters = map[string]any{"size_gb": 10}, map[string]any{"size_gb": 20}
	return walk, nil
}

// run takes the steps in order and stops at the first failure.
func (q *quickstart) run(ctx context.Context) error {
	steps := []struct {
		name string
		do   func(context.Context) error
	}{
		{"catalog", q.readCatalog},
		{"provision", q.provision},
		{"get instance", q.getInstance},
		{"update", q.update},
		{"disable (IBM state)", q.disable},
		{"enable (IBM state)", q.enable},
		{"bind", q.bind},
		{"get binding", q.getBinding},
		{"unbind", q.unbind},
		{"deprovision", q.deprovision},
	}
	for i, s := range steps {
		fmt.Fprintf(q.out, "\n[%d/%d] %s\n", i+1, len(steps), s.name)
		start := time.Now()
		err := s.do(ctx)
		q.steps = append(q.steps, step{s.name, time.Since(start)})
		if err != nil {
			return fmt.Errorf("step %q: %w", s.name, err)
		}
	}
	return nil
}

// readCatalog fetches the catalog and hands it to the client, which then checks every request
// against it (parameters schemas, required fields) and polls as long as the plan allows.
func (q *quickstart) readCatalog(ctx context.Context) error {
	catalog, _, err := q.client.RefreshCatalog(ctx, nil)
	if err != nil {
		return err
	}
	q.client.SetCatalog(catalog)
	q.say("%d service(s) in the catalog", len(catalog.Services()))
	if q.plan, err = choosePlan(catalog, q.serviceID, q.planID); err != nil {
		return err
	}
	q.serviceID, q.planID = q.plan.Service().ID(), q.plan.ID()
	q.say("using service %s (%s), plan %s (%s)", q.serviceID, q.plan.Service().Name(), q.planID, q.plan.Name())
	return nil
}

// choosePlan finds the requested service and plan. A plan id alone picks its service; without
// one it takes the first bindable plan, else the first plan (whose binding steps are skipped).
func choosePlan(catalog *openservicebrokerv1.Catalog, serviceID, planID string) (*openservicebrokerv1.CatalogPlan, error) {
	var first *openservicebrokerv1.CatalogPlan
	for _, service := range catalog.Services() {
		if serviceID != "" && service.ID() != serviceID {
			continue
		}
		for _, plan := range service.Plans() {
			switch {
			case planID != "" && plan.ID() != planID:
				continue
			case planID != "" || plan.Bindable():
				return plan, nil
			case first == nil:
				first = plan
			}
		}
	}
	if first == nil {
		return nil, fmt.Errorf("no plan matches service %q and plan %q in the broker's catalog; choose a service and a plan id from the catalog", serviceID, planID)
	}
	return first, nil
}

// provision creates the instance and waits while the broker works on it asynchronously. The
// client fills organization_guid and space_guid, which the specification requires, from the
// cloudfoundry context.
func (q *quickstart) provision(ctx context.Context) error {
	organization, space := uuid.NewString(), uuid.NewString()
	q.say("instance %s", q.instanceID)
	q.say("context: platform cloudfoundry, organization %s, space %s (generated)", organization, space)
	options := q.client.NewReplaceServiceInstanceOptions(q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID).
		SetContext(&openservicebrokerv1.Context{
			Platform:         core.StringPtr(openservicebrokerv1.PlatformCloudFoundry),
			OrganizationGuid: core.StringPtr(organization),
			SpaceGuid:        core.StringPtr(space),
		})
	if q.provisionParameters != nil {
		options.SetParameters(q.provisionParameters)
	}
	instance, response, err := q.client.ProvisionAndWait(ctx, options, q.waitOptions())
	q.provisioned = mayExist(err)
	if err != nil {
		return err
	}
	q.say("%s", describeStatus(response.StatusCode, "created synchronously"))
	if instance.DashboardURL != nil {
		q.say("dashboard: %s", *instance.DashboardURL)
	}
	return nil
}

func (q *quickstart) getInstance(ctx context.Context) error {
	if !q.plan.InstancesRetrievable() {
		q.say("skipped: the service does not offer GET of instances (instances_retrievable is false)")
		return nil
	}
	instance, _, err := q.client.GetServiceInstanceWithContext(ctx,
		q.client.NewGetServiceInstanceOptions(q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID))
	if err != nil {
		return err
	}
	q.say("service %s, plan %s, parameters %s", core.StringNilMapper(instance.ServiceID), core.StringNilMapper(instance.PlanID),
		describeParameters(instance.Parameters))
	return nil
}

func (q *quickstart) update(ctx context.Context) error {
	options := q.client.NewUpdateServiceInstanceOptions(q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID)
	if q.updateParameters != nil {
		options.SetParameters(q.updateParameters)
	}
	q.say("parameters %s", describeParameters(q.updateParameters))
	_, response, err := q.client.UpdateAndWait(ctx, options, q.waitOptions())
	if err != nil {
		return err
	}
	q.say("%s", describeStatus(response.StatusCode, "updated synchronously"))
	return nil
}

func (q *quickstart) disable(ctx context.Context) error {
	return q.changeState(ctx, false, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctSuspendConst)
}

func (q *quickstart) enable(ctx context.Context) error {
	return q.changeState(ctx, true, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctActivateConst)
}

// changeState switches the instance off or on through IBM Cloud's state extension and reads the
// state back. A broker without it answers 404, 405 or 501: both state steps are then skipped.
func (q *quickstart) changeState(ctx context.Context, enabled bool, reasonCode string) error {
	if q.stateSkipped != "" {
		q.say("%s", q.stateSkipped)
		return nil
	}
	_, _, err := q.client.ReplaceServiceInstanceStateWithContext(ctx, q.client.NewReplaceServiceInstanceStateOptions(q.instanceID).
		SetEnabled(enabled).SetReasonCode(reasonCode).SetInitiatorID("osb-go-sdk-quickstart"))
	var brokerErr *openservicebrokerv1.BrokerError
	if errors.As(err, &brokerErr) && slices.Contains([]int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented}, brokerErr.StatusCode) {
		q.stateSkipped = fmt.Sprintf("skipped: the broker does not serve IBM Cloud's state endpoints (%d %s)", brokerErr.StatusCode, http.StatusText(brokerErr.StatusCode))
		q.say("%s", q.stateSkipped)
		return nil
	}
	if err != nil {
		return err
	}
	state, _, err := q.client.GetServiceInstanceStateWithContext(ctx, q.client.NewGetServiceInstanceStateOptions(q.instanceID))
	if err != nil {
		return err
	}
	isEnabled, isActive := state.Enabled != nil && *state.Enabled, state.Active != nil && *state.Active
	q.say("reason %s -> enabled=%t active=%t", reasonCode, isEnabled, isActive)
	if isEnabled != enabled {
		return fmt.Errorf("the broker reports enabled=%t after it was asked for enabled=%t", isEnabled, enabled)
	}
	return nil
}

// bind creates the binding. Its credentials are secrets: the quickstart shows their keys only.
func (q *quickstart) bind(ctx context.Context) error {
	if !q.plan.Bindable() {
		q.say("skipped: the plan is not bindable (bindable is false in the catalog)")
		return nil
	}
	q.say("binding %s", q.bindingID)
	options := q.client.NewReplaceServiceBindingOptions(q.bindingID, q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID)
	binding, response, err := q.client.BindAndWait(ctx, options, q.waitOptions())
	q.bound = mayExist(err)
	if err != nil {
		return err
	}
	q.say("%s", describeStatus(response.StatusCode, "created synchronously"))
	if len(binding.Credentials) == 0 {
		q.say("credentials: none")
		return nil
	}
	q.say("credentials: %s (values not shown)", strings.Join(slices.Sorted(maps.Keys(binding.Credentials)), ", "))
	return nil
}

func (q *quickstart) getBinding(ctx context.Context) error {
	switch {
	case !q.plan.Bindable():
		q.say("skipped: the plan is not bindable (bindable is false in the catalog)")
		return nil
	case !q.plan.BindingsRetrievable():
		q.say("skipped: the service does not offer GET of bindings (bindings_retrievable is false)")
		return nil
	}
	binding, _, err := q.client.GetServiceBindingWithContext(ctx,
		q.client.NewGetServiceBindingOptions(q.bindingID, q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID))
	if err != nil {
		return err
	}
	q.say("credentials: %d field(s)", len(binding.Credentials))
	return nil
}

func (q *quickstart) unbind(ctx context.Context) error {
	if !q.plan.Bindable() {
		q.say("skipped: the plan is not bindable (bindable is false in the catalog)")
		return nil
	}
	response, err := q.client.UnbindAndWait(ctx, q.client.NewDeleteServiceBindingOptions(q.bindingID, q.instanceID, q.planID, q.serviceID), q.waitOptions())
	if err != nil {
		return err
	}
	q.bound = false
	q.say("%s", describeStatus(response.StatusCode, "removed synchronously"))
	return nil
}

func (q *quickstart) deprovision(ctx context.Context) error {
	_, response, err := q.client.DeprovisionAndWait(ctx, q.client.NewDeleteServiceInstanceOptions(q.serviceID, q.planID, q.instanceID), q.waitOptions())
	if err != nil {
		return err
	}
	q.provisioned = false
	q.say("%s", describeStatus(response.StatusCode, "removed synchronously"))
	return nil
}

// mayExist reports whether a provision or bind that returned err may have left its instance or
// binding on the broker: yes after success or an unknown outcome (a timeout, Ctrl-C); no when
// the broker refused the request (4xx) or the SDK's orphan mitigation deleted what it left.
func mayExist(err error) bool {
	var mitigation *openservicebrokerv1.OrphanMitigationError
	if errors.As(err, &mitigation) {
		return !mitigation.Completed
	}
	var brokerErr *openservicebrokerv1.BrokerError
	return !errors.As(err, &brokerErr) || brokerErr.StatusCode < 400 || brokerErr.StatusCode > 499
}

// cleanUp removes what a failed or interrupted walk left on the broker. It has a deadline of its
// own: the walk's context may be cancelled already.
func (q *quickstart) cleanUp() {
	if !q.provisioned {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	fmt.Fprintf(q.out, "\ncleaning up instance %s\n", q.instanceID)
	if q.bound {
		if err := q.removeOnceIdle(ctx, "binding", q.unbind); err != nil {
			q.say("could not unbind: %v", err)
		}
	}
	if err := q.removeOnceIdle(ctx, "instance", q.deprovision); err != nil {
		q.say("could not deprovision: %v; delete the instance yourself", err)
	}
}

// removeOnceIdle unbinds or deprovisions. A broker still working on the interrupted operation
// answers 422 ConcurrencyError: then it waits for that operation to end, however it ends, and
// removes again.
func (q *quickstart) removeOnceIdle(ctx context.Context, what string, remove func(context.Context) error) error {
	err := remove(ctx)
	if !errors.Is(err, openservicebrokerv1.ErrConcurrencyError) {
		return err
	}
	q.say("an operation on the %s is in progress; waiting for it to end", what)
	if what == "binding" {
		options := q.client.NewGetServiceBindingLastOperationOptions(q.bindingID, q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID)
		_, _, err = q.client.AwaitServiceBindingLastOperation(ctx, options, q.waitOptions())
	} else {
		options := q.client.NewGetLastOperationOptions(q.instanceID).SetServiceID(q.serviceID).SetPlanID(q.planID)
		_, _, err = q.client.AwaitLastOperation(ctx, options, q.waitOptions())
	}
	if err == nil || errors.As(err, new(*openservicebrokerv1.OperationFailedError)) {
		err = remove(ctx)
	}
	return err
}

// waitOptions are the walk's polling settings with a line per poll.
func (q *quickstart) waitOptions() *openservicebrokerv1.WaitOptions {
	options := *q.wait
	return options.SetOnPoll(func(event openservicebrokerv1.PollEvent) {
		if event.Err != nil {
			q.say("poll %d: no valid answer after %s, polling on: %v", event.Attempt, round(event.Elapsed), event.Err)
			return
		}
		line := fmt.Sprintf("poll %d: %s after %s", event.Attempt, event.State, round(event.Elapsed))
		if event.Description != "" {
			line += " (" + event.Description + ")"
		}
		q.say("%s", line)
	})
}

// say prints one line of the current step.
func (q *quickstart) say(format string, args ...any) {
	fmt.Fprintf(q.out, "      "+format+"\n", args...)
}

func (q *quickstart) printSummary() {
	fmt.Fprintf(q.out, "\nsummary: all %d steps succeeded\n", len(q.steps))
	var total time.Duration
	for _, s := range q.steps {
		fmt.Fprintf(q.out, "  %-22s %9s\n", s.name, round(s.duration))
		total += s.duration
	}
	fmt.Fprintf(q.out, "  %-22s %9s\n", "total", round(total))
}

// describeStatus says what a success status means: 202 that the broker worked asynchronously,
// 200 and 201 what syncMeaning says (200 to a creation: it existed already), 410 to a removal
// that it was gone.
func describeStatus(status int, syncMeaning string) string {
	meaning := syncMeaning
	switch {
	case status == http.StatusAccepted:
		meaning = "asynchronous, polled until it ended"
	case status == http.StatusGone:
		meaning = "it was already gone"
	case status == http.StatusOK && syncMeaning == "created synchronously":
		meaning = "an identical one already existed"
	}
	return fmt.Sprintf("%d %s: %s", status, http.StatusText(status), meaning)
}

func describeParameters(parameters map[string]any) string {
	if len(parameters) == 0 {
		return "(none)"
	}
	encoded, err := json.Marshal(parameters)
	if err != nil {
		return fmt.Sprint(parameters)
	}
	return string(encoded)
}

// round rounds a duration to a tenth of a millisecond, enough to compare steps.
func round(d time.Duration) string {
	return d.Round(100 * time.Microsecond).String()
}
