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
// OPEN_SERVICE_BROKER_PLAN_ID, else the first bindable plan of the catalog. The instance is
// provisioned with a cloudfoundry-profile context whose organization and space GUIDs are
// generated; what the broker does not offer (IBM Cloud's state endpoints, GET of instances or
// bindings) is skipped with a line saying why. Binding credentials are printed masked. On
// failure or Ctrl-C it deletes what it created, says what went wrong and exits with status 1.
// `osb demo` walks the same lifecycle (package internal/demo).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/osbkit/osb-go-sdk/internal/demo"
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
	defer target.Close()
	_, err = demo.Run(ctx, out, "osb-go-sdk quickstart", target)
	return err
}

// connect builds the client of an external broker, or starts an embedded one.
func connect(cfg config) (*demo.Target, error) {
	if !cfg.external {
		return demo.StartEmbedded(cfg.serviceID, cfg.planID, "set "+envBrokerURL+" to use your own")
	}
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1UsingExternalConfig(&openservicebrokerv1.OpenServiceBrokerV1Options{})
	if err != nil {
		return nil, fmt.Errorf("configuring the client from %s and the other OPEN_SERVICE_BROKER_ variables: %w", envBrokerURL, err)
	}
	return &demo.Target{
		Client:      client,
		Description: client.GetServiceURL(),
		ServiceID:   cfg.serviceID,
		PlanID:      cfg.planID,
		Close:       func() {},
	}, nil
}
