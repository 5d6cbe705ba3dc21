package conformance

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func threePlanCatalog(t *testing.T) *openservicebrokerv1.Catalog {
	t.Helper()
	var resp openservicebrokerv1.BrokerCatalogResp
	require.NoError(t, json.Unmarshal([]byte(`{"services":[{"id":"svc","name":"db","description":"d","bindable":true,"plans":[
		{"id":"id-small","name":"small","description":"d"},{"id":"id-medium","name":"medium","description":"d"},{"id":"id-large","name":"large","description":"d"}]}]}`), &resp))
	catalog, err := openservicebrokerv1.NewCatalog(&resp)
	require.NoError(t, err)
	return catalog
}

func TestPlanSelectionKeepsOnlyTheNamedPlans(t *testing.T) {
	catalog := threePlanCatalog(t)
	names := func(plans []*planUnderTest) []string {
		var got []string
		for _, plan := range plans {
			got = append(got, plan.Name())
		}
		return got
	}

	plans, err := selectPlans(catalog, []string{"small"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"small"}, names(plans), "a plan after the last one named is not checked")

	plans, err = selectPlans(catalog, []string{"id-medium", "small"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"small", "medium"}, names(plans))

	plans, err = selectPlans(catalog, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"small", "medium", "large"}, names(plans), "no name: every plan")

	_, err = selectPlans(catalog, []string{"small", "huge", "tiny"}, nil)
	assert.EqualError(t, err, "plan(s) huge, tiny are not in the catalog")
}
