package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
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
	_ = cmd.RegisterFlagCompletionFunc("service", a.completeFromCatalog(func(_ *cobra.Command, services []openservicebrokerv1.Service) []string {
		var names []string
		for _, service := range services {
			names = append(names, core.StringNilMapper(service.Name))
		}
		return names
	}))
	_ = cmd.RegisterFlagCompletionFunc("plan", a.completeFromCatalog(func(_ *cobra.Command, services []openservicebrokerv1.Service) []string {
		var names []string
		for _, service := range services {
			if o.service != "" && core.StringNilMapper(service.ID) != o.service && core.StringNilMapper(service.Name) != o.service {
				continue
			}
			for _, plan := range service.Plans {
				names = append(names, core.StringNilMapper(plan.Name))
			}
		}
		return names
	}))
}

// completeFromCatalog completes a flag with names read from the broker's catalog.
func (a *app) completeFromCatalog(names func(*cobra.Command, []openservicebrokerv1.Service) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		client, err := a.newClient()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		catalog, _, err := client.ListCatalogWithContext(cmd.Context(), client.NewListCatalogOptions())
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return names(cmd, catalog.Services), cobra.ShellCompDirectiveNoFileComp
	}
}

// offering is a service and plan as the catalog describes them. Under --dry-run nothing is
// read from the broker: the flags are taken as ids and service and plan stay nil.
type offering struct {
	serviceID, planID string
	service           *openservicebrokerv1.Service
	plan              *openservicebrokerv1.Plan
}

// resolve finds the offering the flags name in the broker's catalog.
func (a *app) resolve(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1, flags offeringFlags) (*offering, error) {
	if a.flags.dryRun || (flags.service == "" && flags.plan == "") {
		return &offering{serviceID: flags.service, planID: flags.plan}, nil
	}
	catalog, _, err := client.ListCatalogWithContext(ctx, client.NewListCatalogOptions())
	if err != nil {
		return nil, fmt.Errorf("reading the catalog to find --service %q: %w", flags.service, err)
	}
	return findOffering(catalog.Services, flags)
}

// findOffering looks a service and plan up by id, else by name. Without --service, the plan
// alone must name one plan of the whole catalog.
func findOffering(services []openservicebrokerv1.Service, flags offeringFlags) (*offering, error) {
	var candidates []*openservicebrokerv1.Service
	for i := range services {
		candidates = append(candidates, &services[i])
	}
	if flags.service != "" {
		candidates = pick(candidates, flags.service, func(s *openservicebrokerv1.Service) (*string, *string) { return s.ID, s.Name })
	}
	var found []offering
	for _, service := range candidates {
		if flags.plan == "" {
			found = append(found, offering{serviceID: core.StringNilMapper(service.ID), service: service})
		}
	}
	if flags.plan != "" {
		var plans []*openservicebrokerv1.Plan
		owner := map[*openservicebrokerv1.Plan]*openservicebrokerv1.Service{}
		for _, service := range candidates {
			for j := range service.Plans {
				plans = append(plans, &service.Plans[j])
				owner[&service.Plans[j]] = service
			}
		}
		for _, plan := range pick(plans, flags.plan, func(p *openservicebrokerv1.Plan) (*string, *string) { return p.ID, p.Name }) {
			service := owner[plan]
			found = append(found, offering{serviceID: core.StringNilMapper(service.ID), planID: core.StringNilMapper(plan.ID), service: service, plan: plan})
		}
	}
	switch {
	case len(found) == 1:
		return &found[0], nil
	case len(found) == 0:
		return nil, usageError{fmt.Errorf("the catalog has no %s; `osb catalog` lists what it has", describeOffering(flags))}
	}
	var ids []string
	for _, o := range found {
		ids = append(ids, strings.TrimSuffix(o.serviceID+"/"+o.planID, "/"))
	}
	return nil, usageError{fmt.Errorf("%s is ambiguous in the catalog (%s); give ids, or --service as well", describeOffering(flags), strings.Join(ids, ", "))}
}

// pick returns the items whose id is given, else those whose name is: an id always wins, so
// a name that equals another entry's id cannot shadow it.
func pick[T any](items []*T, given string, idAndName func(*T) (*string, *string)) []*T {
	var byID, byName []*T
	for _, item := range items {
		id, name := idAndName(item)
		if core.StringNilMapper(id) == given {
			byID = append(byID, item)
		} else if core.StringNilMapper(name) == given {
			byName = append(byName, item)
		}
	}
	if len(byID) > 0 {
		return byID
	}
	return byName
}

func describeOffering(flags offeringFlags) string {
	switch {
	case flags.plan == "":
		return fmt.Sprintf("service %q", flags.service)
	case flags.service == "":
		return fmt.Sprintf("plan %q", flags.plan)
	}
	return fmt.Sprintf("plan %q of service %q", flags.plan, flags.service)
}

// maximumPollingDuration is the plan's maximum_polling_duration, nil when unknown.
func (o *offering) maximumPollingDuration() *int64 {
	if o.plan == nil {
		return nil
	}
	return o.plan.MaximumPollingDuration
}
