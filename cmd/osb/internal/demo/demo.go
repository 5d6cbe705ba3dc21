// Package demo walks the whole life of a service instance against a broker, step by step:
// catalog, provision, get, update, IBM Cloud state disable and enable, bind, get binding, unbind
// and deprovision, printing what each step did and how long it took: `osb demo`, with a report
// the command prints as text, JSON or YAML. examples/quickstart walks the same lifecycle in one
// file of public API, for reading.
//
// It works against any conformant broker given only its URL and credentials: it picks the
// service and plan from the catalog (a bindable plan when there is one), provisions with a
// cloudfoundry-profile context whose organization and space GUIDs it generates (Provisioning,
// Body requires organization_guid and space_guid), skips with a line saying why what the broker
// does not offer (IBM Cloud's state endpoints, GET of instances or bindings, binding a plan that
// is not bindable), and deletes what it created when a step fails or the walk is interrupted.
package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// embeddedPollDelay spaces the polls of the embedded broker's asynchronous operations: long
// enough to watch, short enough that the walk takes well under a second.
const embeddedPollDelay = 50 * time.Millisecond

// Target is a broker to walk the lifecycle against.
type Target struct {
	Client *openservicebrokerv1.OpenServiceBrokerV1
	// Description names the broker in the walk's first lines.
	Description string
	// ServiceID and PlanID choose the offering; empty means "pick from the catalog".
	ServiceID, PlanID string
	// Wait tunes the waiters; nil keeps the SDK's defaults, which suit real brokers.
	Wait *openservicebrokerv1.WaitOptions
	// ProvisionParameters and UpdateParameters are sent when set. They fit the embedded broker's
	// plans; a real broker's plans have schemas of their own, so none are sent to it.
	ProvisionParameters, UpdateParameters map[string]any
	// Close releases the broker when the walk is over (stops an embedded one).
	Close func()
}

// StartEmbedded starts a brokertest broker whose asynchronous plan answers "in progress" to two
// polls and asks for no delay between them (Retry-After: 0). Unless the caller chose an offering,
// the walk uses that asynchronous plan. hint ends the description line, saying how to use
// another broker.
func StartEmbedded(serviceID, planID, hint string) (*Target, error) {
	srv, err := brokertest.Start(brokertest.WithAsyncPolls(2), brokertest.WithLastOperationRetryAfter(0))
	if err != nil {
		return nil, fmt.Errorf("starting the embedded broker: %w", err)
	}
	if serviceID == "" && planID == "" {
		serviceID, planID = brokertest.DefaultServiceID, brokertest.DefaultAsyncPlanID
	}
	return &Target{
		Client:              srv.Client(),
		Description:         "embedded brokertest broker at " + srv.URL + " (" + hint + ")",
		ServiceID:           serviceID,
		PlanID:              planID,
		Wait:                openservicebrokerv1.NewWaitOptions().SetMinDelay(embeddedPollDelay),
		ProvisionParameters: map[string]any{"size_gb": 10},
		UpdateParameters:    map[string]any{"size_gb": 20},
		Close:               srv.Close,
	}, nil
}

// Run walks the lifecycle against target and tells the story on out under the title. On
// failure it deletes what the walk created and returns the failed step's error; the returned
// Report holds the steps taken either way.
func Run(ctx context.Context, out io.Writer, title string, target *Target) (*Report, error) {
	fmt.Fprintf(out, "%s: the life of a service instance, step by step\nbroker: %s\n", title, target.Description)
	walk := newLifecycle(target, out)
	err := walk.run(ctx)
	if err != nil {
		walk.cleanUp()
		return walk.steps.report(), err
	}
	walk.steps.printSummary()
	return walk.steps.report(), nil
}
