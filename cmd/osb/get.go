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
			client, o, err := a.connectFor(cmd, offer, args[0], bindingOf(args), false)
			if err != nil {
				return nil, err
			}
			result, response, err := fetch(cmd.Context(), client, o, args)
			if err != nil {
				return nil, err
			}
			return a.fieldsOutcome(response, result, a.catalogForNames(cmd.Context(), client))
		}),
	}
	a.addOfferingFlags(cmd, &offer, false)
	return cmd
}

// bindingOf is the binding id of a get binding's arguments, "" for an instance.
func bindingOf(ids []string) string {
	if len(ids) > 1 {
		return ids[1]
	}
	return ""
}

// catalogForNames is the catalog that names the services and plans of an answer: the one the
// offering was resolved in, else read now. Without one (a broker whose catalog cannot be read)
// ids are shown alone.
func (a *app) catalogForNames(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1) *openservicebrokerv1.Catalog {
	if catalog := client.Catalog(); catalog != nil || a.flags.output != formatTable {
		return catalog
	}
	catalog, _ := a.readCatalog(ctx, client)
	return catalog
}

// nameOf adds to a service_id or plan_id the name the catalog gives it.
func nameOf(catalog *openservicebrokerv1.Catalog, fields map[string]any, key string) string {
	value := plainValue(fields[key])
	if catalog == nil {
		return value
	}
	serviceID, _ := fields["service_id"].(string)
	service, ok := catalog.Service(serviceID)
	if !ok {
		return value
	}
	switch key {
	case "service_id":
		return value + " (" + service.Name() + ")"
	case "plan_id":
		if plan, ok := service.Plan(value); ok {
			return value + " (" + plan.Name() + ")"
		}
	}
	return value
}

// fieldsOutcome prints an answer as one top-level field a line, credentials one key a line,
// service and plan ids with their names in the catalog.
func (a *app) fieldsOutcome(response *core.DetailedResponse, result any, catalog *openservicebrokerv1.Catalog) (*outcome, error) {
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
			printf(w, "%s: %s\n", key, nameOf(catalog, fields, key))
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
