// Command quickstart walks the whole life of an Open Service Broker service instance with the
// osb-go-sdk client, step by step: catalog, provision, get, update, IBM Cloud state disable and
// enable, bind, get binding, unbind and deprovision, then prints how long each step took.
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
// OPEN_SERVICE_BROKER_PLAN_ID, else the first bindable service of the catalog and its first plan.
// Binding credentials are printed masked. On failure it cleans up what it created, says what
// went wrong and exits with status 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Environment variables the quickstart reads besides the client's external configuration.
const (
	envBrokerURL = "OPEN_SERVICE_BROKER_URL"
	envServiceID = "OPEN_SERVICE_BROKER_SERVICE_ID"
	envPlanID    = "OPEN_SERVICE_BROKER_PLAN_ID"
)

// embeddedPollDelay spaces the polls of the embedded broker's asynchronous operations: long
// enough to watch, short enough that the walk takes well under a second.
const embeddedPollDelay = 50 * time.Millisecond

// config says which broker to walk the lifecycle against and with which service and plan.
type config struct {
	// external selects the broker of OPEN_SERVICE_BROKER_URL instead of an embedded one.
	external bool
	// serviceID and planID choose the offering; empty means "pick from the catalog".
	serviceID, planID string
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
	target, err := connect(cfg)
	if err != nil {
		return err
	}
	defer target.close()
	fmt.Fprintf(out, "osb-go-sdk quickstart: the life of a service instance, step by step\nbroker: %s\n", target.description)

	walk := newLifecycle(target, out)
	err = walk.run(ctx)
	if err != nil {
		walk.cleanUp()
		return err
	}
	walk.steps.printSummary()
	return nil
}

// brokerTarget is a configured client and what the quickstart knows about its broker.
type brokerTarget struct {
	client      *openservicebrokerv1.OpenServiceBrokerV1
	description string
	serviceID   string
	planID      string
	// external says the broker is not the embedded one, so it may lack IBM Cloud's endpoints.
	external bool
	// wait tunes the waiters; nil keeps the SDK's defaults, which suit real brokers.
	wait *openservicebrokerv1.WaitOptions
	// provisionParameters and updateParameters fit the embedded broker's plans; a real broker's
	// plans have schemas of their own, so none are sent to it.
	provisionParameters, updateParameters map[string]any
	close                                 func()
}

// connect builds the client of an external broker, or starts an embedded one.
func connect(cfg config) (*brokerTarget, error) {
	if cfg.external {
		return connectExternal(cfg)
	}
	return startEmbedded(cfg)
}

func connectExternal(cfg config) (*brokerTarget, error) {
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{})
	if err != nil {
		return nil, fmt.Errorf("configuring the client from %s and the other OPEN_SERVICE_BROKER_ variables: %w", envBrokerURL, err)
	}
	return &brokerTarget{
		client:      client,
		description: client.GetServiceURL(),
		serviceID:   cfg.serviceID,
		planID:      cfg.planID,
		external:    true,
		close:       func() {},
	}, nil
}

// startEmbedded starts a brokertest broker whose asynchronous plan answers "in progress" to two
// polls and asks for no delay between them (Retry-After: 0).
func startEmbedded(cfg config) (*brokerTarget, error) {
	srv, err := brokertest.Start(brokertest.WithAsyncPolls(2), brokertest.WithLastOperationRetryAfter(0))
	if err != nil {
		return nil, fmt.Errorf("starting the embedded broker: %w", err)
	}
	target := &brokerTarget{
		client:              srv.Client(),
		description:         "embedded brokertest broker at " + srv.URL + " (set " + envBrokerURL + " to use your own)",
		serviceID:           cfg.serviceID,
		planID:              cfg.planID,
		wait:                openservicebrokerv1.NewWaitOptions().SetMinDelay(embeddedPollDelay),
		provisionParameters: map[string]any{"size_gb": 10},
		updateParameters:    map[string]any{"size_gb": 20},
		close:               srv.Close,
	}
	if target.serviceID == "" && target.planID == "" {
		target.serviceID, target.planID = brokertest.DefaultServiceID, brokertest.DefaultAsyncPlanID
	}
	return target, nil
}
