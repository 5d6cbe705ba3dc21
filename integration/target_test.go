//go:build integration

package integration

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Environment variables that name the broker under test and what to provision from it.
const (
	envBrokerURL   = "OPEN_SERVICE_BROKER_URL"
	envServiceID   = "OPEN_SERVICE_BROKER_SERVICE_ID"
	envPlanID      = "OPEN_SERVICE_BROKER_PLAN_ID"
	envAsyncPlanID = "OPEN_SERVICE_BROKER_ASYNC_PLAN_ID"
)

// brokerTarget is the broker every scenario runs against.
type brokerTarget struct {
	// description says which broker this is, for the test log.
	description string
	client      *openservicebrokerv1.OpenServiceBrokerV1
	// clientWith builds a client of the same broker that authenticates with authenticator.
	clientWith func(authenticator core.Authenticator) (*openservicebrokerv1.OpenServiceBrokerV1, error)
	serviceID  string
	// planID is a plan of serviceID whose operations may complete synchronously.
	planID string
	// embedded is the broker started by the suite; nil against an external broker.
	embedded *brokertest.Server
}

// target is set up by TestMain before any scenario runs and never changed afterwards.
var target brokerTarget

func TestMain(m *testing.M) {
	os.Exit(runSuite(m))
}

func runSuite(m *testing.M) int {
	selected, err := selectTarget()
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 2
	}
	target = selected
	if target.embedded != nil {
		defer target.embedded.Close()
	}
	fmt.Fprintln(os.Stderr, "integration: broker under test:", target.description)
	code := m.Run()
	if err := checkNothingLeftBehind(); err != nil && code == 0 {
		fmt.Fprintln(os.Stderr, "integration:", err)
		return 1
	}
	return code
}

// selectTarget starts an embedded broker unless OPEN_SERVICE_BROKER_URL names one.
func selectTarget() (brokerTarget, error) {
	if os.Getenv(envBrokerURL) == "" {
		return embeddedTarget()
	}
	return externalTarget()
}

func embeddedTarget() (brokerTarget, error) {
	srv, err := brokertest.Start(brokertest.WithAsyncPolls(2), brokertest.WithLastOperationRetryAfter(0))
	if err != nil {
		return brokerTarget{}, fmt.Errorf("starting the embedded broker: %w", err)
	}
	return brokerTarget{
		description: "embedded brokertest broker at " + srv.URL,
		client:      srv.Client(),
		clientWith: func(authenticator core.Authenticator) (*openservicebrokerv1.OpenServiceBrokerV1, error) {
			return openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
				URL: srv.URL, Authenticator: authenticator,
			})
		},
		serviceID: brokertest.DefaultServiceID,
		planID:    brokertest.DefaultSyncPlanID,
		embedded:  srv,
	}, nil
}

func externalTarget() (brokerTarget, error) {
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{})
	if err != nil {
		return brokerTarget{}, fmt.Errorf("configuring the client from %s and the other OPEN_SERVICE_BROKER_ variables: %w", envBrokerURL, err)
	}
	selected := brokerTarget{
		description: "external broker at " + client.GetServiceURL(),
		client:      client,
		clientWith: func(authenticator core.Authenticator) (*openservicebrokerv1.OpenServiceBrokerV1, error) {
			return openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{
				Authenticator: authenticator,
			})
		},
		serviceID: os.Getenv(envServiceID),
		planID:    os.Getenv(envPlanID),
	}
	if selected.serviceID == "" {
		if err := selected.discoverPlan(); err != nil {
			return brokerTarget{}, err
		}
	}
	return selected, nil
}

// discoverPlan takes, when no ids are given, the first bindable plan of the catalog (else its
// first plan) for the scenarios that need one; the conformance checks run on every plan anyway.
func (t *brokerTarget) discoverPlan() error {
	catalog, _, err := t.client.ListCatalog(t.client.NewListCatalogOptions())
	if err != nil {
		return fmt.Errorf("reading the catalog to choose a service and plan (or set %s and %s): %w", envServiceID, envPlanID, err)
	}
	for _, service := range catalog.Services {
		for _, plan := range service.Plans {
			bindable := service.Bindable != nil && *service.Bindable
			if plan.Bindable != nil {
				bindable = *plan.Bindable
			}
			if t.serviceID == "" || bindable {
				t.serviceID, t.planID = core.StringNilMapper(service.ID), core.StringNilMapper(plan.ID)
			}
			if bindable {
				return nil
			}
		}
	}
	return nil
}

// checkNothingLeftBehind proves, on the embedded broker, that the scenarios cleaned up after
// themselves: an SDK that leaks instances would leak them on a platform too.
func checkNothingLeftBehind() error {
	if target.embedded == nil {
		return nil
	}
	instances, bindings := target.embedded.Instances(), target.embedded.Bindings()
	if len(instances) == 0 && len(bindings) == 0 {
		return nil
	}
	return fmt.Errorf("the broker still holds %d instance(s) and %d binding(s) after the suite: a scenario did not clean up", len(instances), len(bindings))
}

// needSyncPlan skips a scenario that needs the service and a plan that may complete synchronously.
func needSyncPlan(t *testing.T) {
	t.Helper()
	if target.serviceID == "" || target.planID == "" {
		t.Skipf("set %s and %s to run this scenario", envServiceID, envPlanID)
	}
}

// maxWait bounds every wait for an asynchronous operation; real brokers may take minutes.
const maxWait = 10 * time.Minute
