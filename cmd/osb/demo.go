package main

import (
	"errors"
	"net/url"
	"os"

	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/cmd/osb/internal/demo"
)

func (a *app) newDemoCommand() *cobra.Command {
	var offer offeringFlags
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Walk the whole life of a service instance against an embedded broker, step by step",
		Long: `Walk the whole life of a service instance, step by step: catalog, provision, get, update,
IBM Cloud state disable and enable, bind, get binding, unbind and deprovision.

Without --url (or OPEN_SERVICE_BROKER_URL) it starts an embedded brokertest broker: nothing to
configure. Against another broker it picks a bindable plan from the catalog (or --service and
--plan), provisions with a cloudfoundry context whose organization and space GUIDs it generates,
skips what the broker does not offer with a line saying why, and deletes what it created when a
step fails or Ctrl-C interrupts it.`,
		Args: cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) (*outcome, error) {
			if a.flags.dryRun {
				return nil, usageError{errors.New("--dry-run prints one request; the demo is a walk of many, each answer deciding the next")}
			}
			target, err := a.demoTarget(offer)
			if err != nil {
				return nil, err
			}
			defer target.Close()
			// The story is the table output; under -o json|yaml it goes to stderr as progress.
			story := a.stdout
			if a.flags.output != formatTable {
				story = a.stderr
			}
			report, err := demo.Run(cmd.Context(), story, "osb demo", target)
			return &outcome{Answer: report}, err
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	return cmd
}

// demoTarget is the configured broker when a URL is configured, else an embedded one. The
// offering flags are ids here: the walk reads the catalog itself.
func (a *app) demoTarget(offer offeringFlags) (*demo.Target, error) {
	if a.flags.url == "" && os.Getenv("OPEN_SERVICE_BROKER_URL") == "" {
		return demo.StartEmbedded(offer.service, offer.plan, "give --url to use your own")
	}
	client, err := a.newClient()
	if err != nil {
		return nil, err
	}
	// The walk names the broker without the password its URL may hold (and so does the
	// error: url.Parse's would quote the URL).
	brokerURL, err := url.Parse(client.GetServiceURL())
	if err != nil {
		return nil, errors.New("the broker URL does not parse: check --url or OPEN_SERVICE_BROKER_URL")
	}
	return &demo.Target{
		Client:      client,
		Description: brokerURL.Redacted(),
		ServiceID:   offer.service,
		PlanID:      offer.plan,
		Close:       func() {},
	}, nil
}
