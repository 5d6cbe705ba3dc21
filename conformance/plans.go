package conformance

import (
	"fmt"
	"strings"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// planUnderTest is one plan the per-plan scenarios run on, with what they need to know about it.
type planUnderTest struct {
	service    openservicebrokerv1.Service
	plan       openservicebrokerv1.Plan
	parameters Parameters
	// otherPlan is another plan of the same offering (for conflicts and plan changes); nil
	// when the offering has one plan.
	otherPlan *openservicebrokerv1.Plan
	subject   string
}

func (p *planUnderTest) serviceID() string { return deref(p.service.ID) }
func (p *planUnderTest) planID() string    { return deref(p.plan.ID) }

// bindable: the plan's own flag wins over the offering's.
func (p *planUnderTest) bindable() bool {
	if p.plan.Bindable != nil {
		return *p.plan.Bindable
	}
	return isTrue(p.service.Bindable)
}

func (p *planUnderTest) planUpdateable() bool {
	if p.plan.PlanUpdateable != nil {
		return *p.plan.PlanUpdateable
	}
	return isTrue(p.service.PlanUpdateable)
}

func (p *planUnderTest) bindingRotatable() bool {
	if p.plan.BindingRotatable != nil {
		return *p.plan.BindingRotatable
	}
	return isTrue(p.service.BindingRotatable)
}

// requires reports whether the offering declares the permission (syslog_drain, route_forwarding, volume_mount).
func (p *planUnderTest) requires(permission string) bool {
	for _, required := range p.service.Requires {
		if required == permission {
			return true
		}
	}
	return false
}

func isTrue(flag *bool) bool { return flag != nil && *flag }

// selectPlans returns the plans to check: every plan of the catalog, or those named (by id or
// name). A plan id that appears twice is checked once.
func selectPlans(catalog *openservicebrokerv1.BrokerCatalogResp, named []string, parameters ParametersFile) ([]*planUnderTest, error) {
	wanted := map[string]bool{}
	for _, name := range named {
		wanted[name] = true
	}
	seen := map[string]bool{}
	var plans []*planUnderTest
	for _, service := range catalog.Services {
		for i, plan := range service.Plans {
			id := deref(plan.ID)
			if seen[id] || (len(wanted) > 0 && !wanted[id] && !wanted[deref(plan.Name)]) {
				continue
			}
			seen[id] = true
			delete(wanted, id)
			delete(wanted, deref(plan.Name))
			p := &planUnderTest{service: service, plan: plan, parameters: parameters.forPlan(plan),
				subject: deref(service.Name) + "/" + deref(plan.Name)}
			for j := range service.Plans {
				if j != i && deref(service.Plans[j].ID) != id {
					p.otherPlan = &service.Plans[j]
					break
				}
			}
			plans = append(plans, p)
		}
	}
	if len(wanted) > 0 {
		var missing []string
		for name := range wanted {
			missing = append(missing, name)
		}
		return nil, fmt.Errorf("plan(s) %s are not in the catalog", strings.Join(missing, ", "))
	}
	return plans, nil
}
