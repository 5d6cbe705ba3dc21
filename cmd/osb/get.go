package main

import (
	"context"
	"io"
	"maps"
	"slices"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func (a *app) newGetCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "get instance|binding",
		Short: "Read a service instance or a service binding (Fetching)",
	}
	cmd.AddCommand(a.newGetInstanceCommand(), a.newGetBindingCommand())
	return cmd
}

func (a *app) newGetInstanceCommand() *cobra.Command {
	return a.newFetchCommand("instance <instance-id> [--service <service> --plan <plan>]",
		"Read a service instance; its parameters are printed masked unless --show-secrets", 1,
		func(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1, o *offering, ids []string) (any, *core.DetailedResponse, error) {
			options := client.NewGetServiceInstanceOptions(ids[0])
			setOffering(options.SetServiceID, options.SetPlanID, o)
			return client.GetServiceInstanceWithContext(ctx, options)
		})
}

func (a *app) newGetBindingCommand() *cobra.Command {
	return a.newFetchCommand("binding <instance-id> <binding-id> [--service <service> --plan <plan>]",
		"Read a service binding; its credentials are printed masked unless --show-secrets", 2,
		func(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1, o *offering, ids []string) (any, *core.DetailedResponse, error) {
			options := client.NewGetServiceBindingOptions(ids[1], ids[0])
			setOffering(options.SetServiceID, options.SetPlanID, o)
			return client.GetServiceBindingWithContext(ctx, options)
		})
}

// newFetchCommand is a get subcommand taking ids arguments: fetch reads the resource they
// name, whose answer is printed by fieldsOutcome.
func (a *app) newFetchCommand(use, short string, ids int,
	fetch func(context.Context, *openservicebrokerv1.OpenServiceBrokerV1, *offering, []string) (any, *core.DetailedResponse, error),
) *cobra.Command {
	var offer offeringFlags
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.ExactArgs(ids),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			client, o, err := a.connect(cmd, offer)
			if err != nil {
				return nil, err
			}
			result, response, err := fetch(cmd.Context(), client, o, args)
			if err != nil {
				return nil, err
			}
			return a.fieldsOutcome(response, result)
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	return cmd
}

// fieldsOutcome prints an answer as one top-level field a line, credentials one key a line.
func (a *app) fieldsOutcome(response *core.DetailedResponse, result any) (*outcome, error) {
	answer, err := answerOf(result, a.flags.showSecrets)
	if err != nil {
		return nil, err
	}
	o := newOutcome(response, answer)
	o.table = func(w io.Writer) {
		fields, _ := answer.(map[string]any)
		for _, key := range slices.Sorted(maps.Keys(fields)) {
			if key == "credentials" {
				continue
			}
			printf(w, "%s: %s\n", key, plainValue(fields[key]))
		}
		if credentials, ok := fields["credentials"]; ok {
			printCredentials(w, credentials, a.flags.showSecrets)
		}
	}
	return o, nil
}

func isTrue(b *bool) bool {
	return b != nil && *b
}
