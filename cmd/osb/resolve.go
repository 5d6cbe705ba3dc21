package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// offeringFlags are --service and --plan, each an id or a name from the catalog.
type offeringFlags struct {
	service, plan string
}

func (a *app) addOfferingFlags(cmd *cobra.Command, o *offeringFlags, required bool) {
	cmd.Flags().StringVar(&o.service, "service", "", "service offering, by id or name")
	cmd.Flags().StringVar(&o.plan, "plan", "", "plan, by id or name")
	if required {
		_ = cmd.MarkFlagRequired("service")
		_ = cmd.MarkFlagRequired("plan")
	}
	_ = cmd.RegisterFlagCompletionFunc("service", a.completeFromCatalog(func(catalog *openservicebrokerv1.Catalog) []string {
		var names []string
		for _, service := range catalog.Services() {
			names = append(names, service.Name())
		}
		return names
	}))
	_ = cmd.RegisterFlagCompletionFunc("plan", a.completeFromCatalog(func(catalog *openservicebrokerv1.Catalog) []string {
		var names []string
		for _, service := range catalog.Services() {
			if o.service == "" || o.service == service.ID() || o.service == service.Name() {
				for _, plan := range service.Plans() {
					names = append(names, plan.Name())
				}
			}
		}
		return names
	}))
}

// completeFromCatalog completes a flag with names read from the broker's catalog, in one
// attempt of at most completionTimeout: the shell waits for it.
func (a *app) completeFromCatalog(names func(*openservicebrokerv1.Catalog) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		a.completing = true
		client, err := a.newClient()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ctx, cancel := boundForCompletion(cmd.Context(), client)
		defer cancel()
		catalog, err := a.readCatalog(ctx, client)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return names(catalog), cobra.ShellCompDirectiveNoFileComp
	}
}

// offering is a service and plan as the catalog describes them.
type offering struct {
	serviceID, planID string
	service           *openservicebrokerv1.CatalogService
	plan              *openservicebrokerv1.CatalogPlan
}

// resolve finds the offering the flags name in the broker's catalog, and gives the catalog to
// the client, whose guards then refuse before sending what the catalog does not allow
// (parameters its schemas reject, a rotation it does not offer, ...) and whose waiters poll as
// long as the plan's maximum_polling_duration.
func (a *app) resolve(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1, flags offeringFlags) (*offering, error) {
	if flags.service == "" && flags.plan == "" {
		return &offering{serviceID: flags.service, planID: flags.plan}, nil
	}
	catalog, err := a.readCatalog(ctx, client)
	if err != nil && a.flags.dryRun {
		a.hint("osb: %v; --service and --plan are printed as given", err)
		return &offering{serviceID: flags.service, planID: flags.plan}, nil
	}
	if err != nil {
		return nil, err
	}
	client.SetCatalog(catalog)
	return findOffering(catalog, flags)
}

// connect builds the client and finds the offering the flags name.
func (a *app) connect(cmd *cobra.Command, flags offeringFlags) (*openservicebrokerv1.OpenServiceBrokerV1, *offering, error) {
	client, err := a.newClient()
	if err != nil {
		return nil, nil, err
	}
	o, err := a.resolve(cmd.Context(), client, flags)
	if err != nil {
		return nil, nil, err
	}
	return client, o, nil
}

// setOffering sets the optional service_id and plan_id of a request to the offering's.
func setOffering[T any](setService, setPlan func(string) T, o *offering) {
	if o.serviceID != "" {
		setService(o.serviceID)
	}
	if o.planID != "" {
		setPlan(o.planID)
	}
}

// readCatalog reads and indexes the broker's catalog.
func (a *app) readCatalog(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1) (*openservicebrokerv1.Catalog, error) {
	response, _, err := client.ListCatalogWithContext(ctx, client.NewListCatalogOptions())
	if err != nil {
		return nil, fmt.Errorf("reading the catalog: %w", err)
	}
	return usableCatalog(response)
}

// findOffering looks a service and plan up by id, else by name. Without --service, the plan
// alone must name one plan of the whole catalog.
func findOffering(catalog *openservicebrokerv1.Catalog, flags offeringFlags) (*offering, error) {
	services := catalog.Services()
	if flags.service != "" {
		service, ok := catalog.Service(flags.service)
		if !ok {
			service, ok = catalog.ServiceByName(flags.service)
		}
		if !ok {
			return nil, notInCatalog(catalog, flags)
		}
		services = []*openservicebrokerv1.CatalogService{service}
	}
	if flags.plan == "" {
		return &offering{serviceID: services[0].ID(), service: services[0]}, nil
	}
	var byID, byName []*openservicebrokerv1.CatalogPlan
	for _, service := range services {
		if plan, ok := service.Plan(flags.plan); ok {
			byID = append(byID, plan)
		} else if plan, ok := service.PlanByName(flags.plan); ok {
			byName = append(byName, plan)
		}
	}
	// An id always wins, so a name that equals another plan's id cannot shadow it.
	found := byID
	if len(found) == 0 {
		found = byName
	}
	switch len(found) {
	case 0:
		return nil, notInCatalog(catalog, flags)
	case 1:
		plan := found[0]
		return &offering{serviceID: plan.Service().ID(), planID: plan.ID(), service: plan.Service(), plan: plan}, nil
	}
	var ids []string
	for _, plan := range found {
		ids = append(ids, plan.Service().ID()+"/"+plan.ID())
	}
	return nil, usageError{fmt.Errorf("%s is ambiguous in the catalog (%s); give --service as well", describeOffering(flags), strings.Join(ids, ", "))}
}

// describe names the offering's service and plan, by name when the catalog gave them.
func (o *offering) describe() string {
	service, plan := o.serviceID, o.planID
	if o.service != nil {
		service = o.service.Name()
	}
	if o.plan != nil {
		plan = o.plan.Name()
	}
	return fmt.Sprintf("service %s, plan %s", service, plan)
}

// notInCatalog says what the catalog lacks and what it has instead.
func notInCatalog(catalog *openservicebrokerv1.Catalog, flags offeringFlags) error {
	var offered []string
	services := catalog.Services()
	if len(services) > maxListedServices {
		services = services[:maxListedServices]
	}
	for _, service := range services {
		var plans []string
		for _, plan := range service.Plans() {
			plans = append(plans, plan.Name())
		}
		offered = append(offered, fmt.Sprintf("%s (plans %s)", service.Name(), strings.Join(plans, ", ")))
	}
	if more := len(catalog.Services()) - len(services); more > 0 {
		offered = append(offered, fmt.Sprintf("%d more (osb catalog lists them)", more))
	}
	return usageError{fmt.Errorf("the catalog has no %s; it offers %s", describeOffering(flags), strings.Join(offered, "; "))}
}

// maxListedServices bounds the services an error lists.
const maxListedServices = 10

func describeOffering(flags offeringFlags) string {
	switch {
	case flags.plan == "":
		return fmt.Sprintf("service %q", flags.service)
	case flags.service == "":
		return fmt.Sprintf("plan %q", flags.plan)
	}
	return fmt.Sprintf("plan %q of service %q", flags.plan, flags.service)
}
