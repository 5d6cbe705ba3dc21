package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/internal/secret"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func (a *app) newCatalogCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "catalog",
		Short: "List the broker's services and plans (Catalog Management)",
		Args:  cobra.NoArgs,
		RunE: a.run(func(cmd *cobra.Command, _ []string) (*outcome, error) {
			client, err := a.newClient()
			if err != nil {
				return nil, err
			}
			catalog, response, err := client.ListCatalogWithContext(cmd.Context(), client.NewListCatalogOptions())
			if err != nil {
				return nil, err
			}
			a.maskDashboardSecrets(catalog.Services)
			answer, err := answerOf(catalog, true)
			if err != nil {
				return nil, err
			}
			o := newOutcome(response, answer)
			o.table = func(w io.Writer) { printCatalog(w, catalog.Services) }
			return o, nil
		}),
	}
	cmd.AddCommand(a.newCatalogPlanCommand())
	return cmd
}

// maskDashboardSecrets hides the dashboard clients' secrets unless --show-secrets. Nothing else
// of a catalog is masked: its parameter schemas name secret fields without holding secrets.
func (a *app) maskDashboardSecrets(services []openservicebrokerv1.Service) {
	if a.flags.showSecrets {
		return
	}
	for i := range services {
		if client := services[i].DashboardClient; client != nil && client.Secret != nil {
			masked := *client
			masked.Secret = core.StringPtr(secret.Masked)
			services[i].DashboardClient = &masked
		}
	}
}

func printCatalog(w io.Writer, services []openservicebrokerv1.Service) {
	table := newTable(w)
	fmt.Fprintln(table, "SERVICE\tSERVICE ID\tPLAN\tPLAN ID\tBINDABLE\tUPDATEABLE\tRETRIEVABLE\tMAX POLLING")
	for i := range services {
		service := &services[i]
		retrievable := retrievability(service)
		for j := range service.Plans {
			plan := &service.Plans[j]
			fmt.Fprintf(table, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
				core.StringNilMapper(service.Name), core.StringNilMapper(service.ID),
				core.StringNilMapper(plan.Name), core.StringNilMapper(plan.ID),
				yesNo(effective(plan.Bindable, service.Bindable)), yesNo(effective(plan.PlanUpdateable, service.PlanUpdateable)),
				retrievable, maxPolling(plan))
		}
	}
	table.Flush()
}

// effective is a plan's setting when it has one, else its service's.
func effective(plan, service *bool) bool {
	if plan != nil {
		return *plan
	}
	return isTrue(service)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// retrievability says which GET endpoints a service offers: instances, bindings, both or none.
func retrievability(service *openservicebrokerv1.Service) string {
	instances, bindings := isTrue(service.InstancesRetrievable), isTrue(service.BindingsRetrievable)
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

func maxPolling(plan *openservicebrokerv1.Plan) string {
	if plan.MaximumPollingDuration == nil {
		return "-"
	}
	return strconv.FormatInt(*plan.MaximumPollingDuration, 10) + "s"
}

func (a *app) newCatalogPlanCommand() *cobra.Command {
	var service string
	cmd := &cobra.Command{
		Use:   "plan <plan> [--service <service>]",
		Short: "Show everything about one plan, its parameter schemas pretty-printed",
		Args:  cobra.ExactArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) (*outcome, error) {
			client, err := a.newClient()
			if err != nil {
				return nil, err
			}
			catalog, response, err := client.ListCatalogWithContext(cmd.Context(), client.NewListCatalogOptions())
			if err != nil {
				return nil, err
			}
			o, err := findOffering(catalog.Services, offeringFlags{service: service, plan: args[0]})
			if err != nil {
				return nil, err
			}
			answer, err := answerOf(planView{ServiceID: o.serviceID, ServiceName: core.StringNilMapper(o.service.Name), Plan: o.plan}, true)
			if err != nil {
				return nil, err
			}
			out := newOutcome(response, answer)
			out.table = func(w io.Writer) { printPlan(w, o) }
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

func printPlan(w io.Writer, o *offering) {
	plan, service := o.plan, o.service
	table := newTable(w)
	rows := [][2]string{
		{"plan", core.StringNilMapper(plan.Name) + " (" + o.planID + ")"},
		{"service", core.StringNilMapper(service.Name) + " (" + o.serviceID + ")"},
		{"description", core.StringNilMapper(plan.Description)},
		{"free", yesNo(plan.Free == nil || *plan.Free)},
		{"bindable", yesNo(effective(plan.Bindable, service.Bindable))},
		{"plan_updateable", yesNo(effective(plan.PlanUpdateable, service.PlanUpdateable))},
		{"binding_rotatable", yesNo(effective(plan.BindingRotatable, service.BindingRotatable))},
		{"retrievable", retrievability(service)},
		{"maximum_polling_duration", maxPolling(plan)},
	}
	if plan.MaintenanceInfo != nil {
		rows = append(rows, [2]string{"maintenance_info", core.StringNilMapper(plan.MaintenanceInfo.Version)})
	}
	for _, row := range rows {
		fmt.Fprintf(table, "%s:\t%s\n", row[0], row[1])
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
		if schema.parameters == nil || len(schema.parameters.Parameters) == 0 {
			continue
		}
		var pretty bytes.Buffer
		if json.Indent(&pretty, schema.parameters.Parameters, "  ", "  ") != nil {
			pretty.Reset()
			pretty.Write(schema.parameters.Parameters)
		}
		fmt.Fprintf(w, "schema %s:\n  %s\n", schema.name, pretty.String())
	}
}

// namedSchema is one of a plan's parameter schemas with its place in the catalog.
type namedSchema struct {
	name       string
	parameters *openservicebrokerv1.SchemaParameters
}
