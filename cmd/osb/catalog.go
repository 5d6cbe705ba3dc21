package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func (a *app) newCatalogCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "List the broker's services and plans (Catalog Management)",
		Args:  cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) (*outcome, error) {
			catalog, response, err := a.listCatalog(cmd)
			if err != nil {
				return nil, err
			}
			o, err := a.catalogOutcome(response, catalog.Response())
			if err != nil {
				return nil, err
			}
			o.table = func(w io.Writer) { printCatalog(w, catalog) }
			return o, nil
		}),
	}
	cmd.AddCommand(a.newCatalogPlanCommand(), a.newCatalogDiffCommand())
	return cmd
}

// listCatalog builds the client, then reads and indexes the catalog, keeping the response for
// the outcome.
func (a *app) listCatalog(cmd *cobra.Command) (*openservicebrokerv1.Catalog, *core.DetailedResponse, error) {
	client, err := a.newClient()
	if err != nil {
		return nil, nil, err
	}
	answer, response, err := client.ListCatalogWithContext(cmd.Context(), client.NewListCatalogOptions())
	if err != nil {
		return nil, nil, err
	}
	catalog, err := usableCatalog(answer)
	if err != nil {
		return nil, nil, err
	}
	return catalog, response, nil
}

// usableCatalog indexes a catalog answer, refusing one the client cannot work with.
func usableCatalog(answer *openservicebrokerv1.BrokerCatalogResp) (*openservicebrokerv1.Catalog, error) {
	catalog, err := openservicebrokerv1.NewCatalog(answer)
	if err != nil {
		return nil, fmt.Errorf("the broker's catalog cannot be used: %w", err)
	}
	return catalog, nil
}

// catalogOutcome carries a catalog answer, the dashboard clients' secrets masked unless
// --show-secrets. Nothing else of a catalog is masked: its parameter schemas name secret
// fields without holding secrets.
func (a *app) catalogOutcome(response *core.DetailedResponse, answer any) (*outcome, error) {
	plain, err := answerOf(answer, true)
	if err != nil {
		return nil, err
	}
	if !a.flags.showSecrets {
		maskDashboardSecrets(plain)
	}
	return newOutcome(response, plain), nil
}

// maskDashboardSecrets masks services[].dashboard_client.secret in a plain catalog answer.
func maskDashboardSecrets(plain any) {
	root, _ := plain.(map[string]any)
	services, _ := root["services"].([]any)
	for _, service := range services {
		fields, _ := service.(map[string]any)
		if client, ok := fields["dashboard_client"].(map[string]any); ok && client["secret"] != nil {
			client["secret"] = secret.Masked
		}
	}
}

func printCatalog(w io.Writer, catalog *openservicebrokerv1.Catalog) {
	table := newTable(w)
	fmt.Fprintln(table, "SERVICE\tSERVICE ID\tPLAN\tPLAN ID\tBINDABLE\tUPDATEABLE\tRETRIEVABLE\tMAX POLLING")
	for _, service := range catalog.Services() {
		for _, plan := range service.Plans() {
			printf(table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", service.Name(), service.ID(), plan.Name(), plan.ID(),
				yesNo(plan.Bindable()), yesNo(plan.PlanUpdateable()), retrievability(plan), maxPolling(plan))
		}
	}
	table.Flush()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// retrievability says which GET endpoints a plan's offering serves: instances, bindings, both or none.
func retrievability(plan *openservicebrokerv1.CatalogPlan) string {
	instances, bindings := plan.InstancesRetrievable(), plan.BindingsRetrievable()
	switch {
	case instances && bindings:
		return "instances,bindings"
	case instances:
		return "instances"
	case bindings:
		return "bindings"
	}
	return "-"
}

func maxPolling(plan *openservicebrokerv1.CatalogPlan) string {
	limit, ok := plan.MaximumPollingDuration()
	if !ok {
		return "-"
	}
	return limit.String()
}

func (a *app) newCatalogPlanCommand() *cobra.Command {
	var service string
	cmd := &cobra.Command{
		Use:   "plan <plan> [--service <service>]",
		Short: "Show everything about one plan, its parameter schemas pretty-printed",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			catalog, response, err := a.listCatalog(cmd)
			if err != nil {
				return nil, err
			}
			o, err := findOffering(catalog, offeringFlags{service: service, plan: args[0]})
			if err != nil {
				return nil, err
			}
			view := planView{ServiceID: o.serviceID, ServiceName: o.service.Name(), Plan: o.plan.Plan()}
			out, err := a.catalogOutcome(response, view)
			if err != nil {
				return nil, err
			}
			out.table = func(w io.Writer) { printPlan(w, o.plan) }
			return out, nil
		}),
	}
	cmd.Flags().StringVar(&service, "service", "", "the plan's service, by id or name, when plan names repeat across services")
	return cmd
}

// planView is one plan with the service it belongs to.
type planView struct {
	ServiceID   string                    `json:"service_id"`
	ServiceName string                    `json:"service_name"`
	Plan        *openservicebrokerv1.Plan `json:"plan"`
}

func printPlan(w io.Writer, catalogPlan *openservicebrokerv1.CatalogPlan) {
	plan, service := catalogPlan.Plan(), catalogPlan.Service()
	table := newTable(w)
	rows := [][2]string{
		{"plan", catalogPlan.Name() + " (" + catalogPlan.ID() + ")"},
		{"service", service.Name() + " (" + service.ID() + ")"},
		{"description", core.StringNilMapper(plan.Description)},
		{"free", yesNo(plan.Free == nil || *plan.Free)},
		{"bindable", yesNo(catalogPlan.Bindable())},
		{"plan_updateable", yesNo(catalogPlan.PlanUpdateable())},
		{"binding_rotatable", yesNo(catalogPlan.BindingRotatable())},
		{"retrievable", retrievability(catalogPlan)},
		{"maximum_polling_duration", maxPolling(catalogPlan)},
	}
	if info := catalogPlan.MaintenanceInfo(); info != nil {
		rows = append(rows, [2]string{"maintenance_info", core.StringNilMapper(info.Version)})
	}
	for _, row := range rows {
		printf(table, "%s:\t%s\n", row[0], row[1])
	}
	table.Flush()
	if plan.Schemas == nil {
		fmt.Fprintln(w, "schemas: none")
		return
	}
	var schemas []namedSchema
	if instance := plan.Schemas.ServiceInstance; instance != nil {
		schemas = append(schemas, namedSchema{"service_instance.create", instance.Create}, namedSchema{"service_instance.update", instance.Update})
	}
	if binding := plan.Schemas.ServiceBinding; binding != nil {
		schemas = append(schemas, namedSchema{"service_binding.create", binding.Create})
	}
	for _, schema := range schemas {
		if schema.parameters == nil || len(schema.parameters.Parameters) == 0 || string(schema.parameters.Parameters) == "null" {
			continue
		}
		fmt.Fprintf(w, "schema %s:\n  %s\n", schema.name, prettySchema(schema.parameters.Parameters))
	}
}

// prettySchema indents a parameter schema for reading, its strings' control, format and bidi
// characters escaped; a schema that is not JSON is shown on one line through termtext.Clean.
func prettySchema(schema json.RawMessage) string {
	var pretty bytes.Buffer
	if json.Indent(&pretty, schema, "  ", "  ") != nil {
		return termtext.Clean(string(schema))
	}
	return string(termtext.EscapeJSON(pretty.Bytes()))
}

// namedSchema is one of a plan's parameter schemas with its place in the catalog.
type namedSchema struct {
	name       string
	parameters *openservicebrokerv1.SchemaParameters
}
