//go:build integration

package integration

import (
	"sync"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

var catalog struct {
	once    sync.Once
	service *openservicebrokerv1.Service
	err     error
}

// serviceUnderTest returns the catalog entry of the service the scenarios provision, fetched once.
func serviceUnderTest(t *testing.T) *openservicebrokerv1.Service {
	t.Helper()
	catalog.once.Do(func() {
		result, _, err := target.client.ListCatalog(target.client.NewListCatalogOptions())
		if err != nil {
			catalog.err = err
			return
		}
		for i := range result.Services {
			if core.StringNilMapper(result.Services[i].ID) == target.serviceID {
				catalog.service = &result.Services[i]
			}
		}
	})
	require.NoError(t, catalog.err, "listing the catalog")
	require.NotNil(t, catalog.service, "service %q is not in the broker's catalog", target.serviceID)
	return catalog.service
}

// needRetrievableInstances skips a scenario that reads instances back when the service does not
// offer that (instances_retrievable is false).
func needRetrievableInstances(t *testing.T) {
	t.Helper()
	if !isTrue(serviceUnderTest(t).InstancesRetrievable) {
		t.Skipf("service %q does not offer GET of instances (instances_retrievable is false)", target.serviceID)
	}
}

// needRetrievableBindings skips a scenario that reads bindings back when the service does not
// offer that (bindings_retrievable is false).
func needRetrievableBindings(t *testing.T) {
	t.Helper()
	if !isTrue(serviceUnderTest(t).BindingsRetrievable) {
		t.Skipf("service %q does not offer GET of bindings (bindings_retrievable is false)", target.serviceID)
	}
}

func TestCatalogListsTheServiceAndPlansUnderTest(t *testing.T) {
	if target.serviceID == "" {
		t.Skipf("set %s to run this scenario", envServiceID)
	}
	service := serviceUnderTest(t)
	var planIDs []string
	for _, plan := range service.Plans {
		planIDs = append(planIDs, core.StringNilMapper(plan.ID))
	}
	for _, want := range []string{target.planID, target.asyncPlanID} {
		if want != "" {
			require.Contains(t, planIDs, want, "plans of service %q", target.serviceID)
		}
	}
	require.NotEmpty(t, core.StringNilMapper(service.Name), "the service has a name")
}

// isTrue reads an optional catalog flag, absent meaning false as in the specification.
func isTrue(flag *bool) bool {
	return flag != nil && *flag
}
