package conformance

import (
	"fmt"
	"strings"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// planUnderTest is one plan the per-plan scenarios run on, with what they need to know about it.
type planUnderTest struct {
	*openservicebrokerv1.CatalogPlan
	parameters Parameters
	// otherPlan is another plan of the same offering (for conflicts and plan changes); nil
	// when the offering has one plan.
	otherPlan *openservicebrokerv1.CatalogPlan
	subject   string
}

func (p *planUnderTest) serviceID() string { return p.Service().ID() }
func (p *planUnderTest) planID() string    { return p.ID() }

// selectPlans returns the plans to check: every plan of the catalog, or those named (by id or name).
func selectPlans(catalog *openservicebrokerv1.Catalog, named []string, parameters ParametersFile) ([]*planUnderTest, error) {
	wanted := map[string]bool{}
	for _, name := range named {
		wanted[name] = true
	}
	found := map[string]bool{}
	var plans []*planUnderTest
	for _, service := range catalog.Services() {
		for _, plan := range service.Plans() {
			if len(wanted) > 0 && !wanted[plan.ID()] && !wanted[plan.Name()] {
				continue
			}
			found[plan.ID()], found[plan.Name()] = true, true
			p := &planUnderTest{CatalogPlan: plan, parameters: parameters.forPlan(*plan.Plan()), subject: service.Name() + "/" + plan.Name()}
			for _, other := range service.Plans() {
				if other.ID() != plan.ID() {
					p.otherPlan = other
					break
				}
			}
			plans = append(plans, p)
		}
	}
	var missing []string
	for _, name := range named {
		if !found[name] {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("plan(s) %s are not in the catalog", strings.Join(missing, ", "))
	}
	return plans, nil
}
