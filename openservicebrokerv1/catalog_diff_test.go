package openservicebrokerv1_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func catalogFrom(t *testing.T, document string) *osb.Catalog {
	t.Helper()
	var resp osb.BrokerCatalogResp
	require.NoError(t, json.Unmarshal([]byte(document), &resp))
	catalog, err := osb.NewCatalog(&resp)
	require.NoError(t, err)
	return catalog
}

const oldCatalog = `{"services": [
 {"id": "s-db", "name": "db", "description": "A database", "bindable": true, "tags": ["sql"],
  "dashboard_client": {"id": "dash", "secret": "old-secret"},
  "plans": [
   {"id": "p-small", "name": "small", "description": "Small", "maintenance_info": {"version": "1.0.0", "description": "first"},
    "metadata": {"bullets": ["1 GB"]}},
   {"id": "p-gone", "name": "gone", "description": "Removed in the next catalog"}]},
 {"id": "s-queue", "name": "queue", "description": "A queue", "bindable": false,
  "plans": [{"id": "p-queue", "name": "basic", "description": "Basic"}]}]}`

const newCatalog = `{"services": [
 {"id": "s-db", "name": "db", "description": "A database", "bindable": false, "tags": ["sql", "managed"],
  "dashboard_client": {"id": "dash", "secret": "new-secret"},
  "plans": [
   {"id": "p-small", "name": "small", "description": "Small, now bigger", "bindable": false, "plan_updateable": true,
    "maximum_polling_duration": 600, "maintenance_info": {"version": "1.1.0", "description": "patched"},
    "metadata": {"bullets": ["1 GB"]},
    "schemas": {"service_instance": {"create": {"parameters": {"type": "object"}}}}},
   {"id": "p-large", "name": "large", "description": "Large"}]},
 {"id": "s-cache", "name": "cache", "description": "A cache", "bindable": true,
  "plans": [{"id": "p-cache", "name": "tiny", "description": "Tiny"}]}]}`

func pointers(changes []osb.FieldChange) []string {
	var out []string
	for _, change := range changes {
		out = append(out, change.Pointer)
	}
	return out
}

func TestDiffCatalogs_ListsAddedRemovedAndChangedByID(t *testing.T) {
	diff := osb.DiffCatalogs(catalogFrom(t, oldCatalog), catalogFrom(t, newCatalog))

	assert.Equal(t, []osb.ServiceRef{{ID: "s-cache", Name: "cache"}}, diff.AddedServices)
	assert.Equal(t, []osb.ServiceRef{{ID: "s-queue", Name: "queue"}}, diff.RemovedServices)
	assert.Equal(t, []osb.PlanRef{{ServiceID: "s-db", ID: "p-large", Name: "large"}, {ServiceID: "s-cache", ID: "p-cache", Name: "tiny"}},
		diff.AddedPlans, "the plans of an added offering are added plans")
	assert.Equal(t, []osb.PlanRef{{ServiceID: "s-db", ID: "p-gone", Name: "gone"}, {ServiceID: "s-queue", ID: "p-queue", Name: "basic"}},
		diff.RemovedPlans, "the plans of a removed offering are removed plans")
	require.Len(t, diff.ChangedServices, 1)
	assert.Equal(t, []string{"/bindable", "/dashboard_client/secret", "/tags"}, pointers(diff.ChangedServices[0].Changes))
	require.Len(t, diff.ChangedPlans, 1)
	assert.Equal(t, osb.PlanRef{ServiceID: "s-db", ID: "p-small", Name: "small"}, diff.ChangedPlans[0].PlanRef)
	assert.Equal(t, []string{"/bindable", "/plan_updateable", "/schemas", "/maintenance_info/version", "/maximum_polling_duration",
		"/description", "/maintenance_info/description"}, pointers(diff.ChangedPlans[0].Changes),
		"the fields a platform acts on first, in their order")
	assert.False(t, diff.Empty())
}

func TestDiffCatalogs_ChangeValuesAndMarks(t *testing.T) {
	diff := osb.DiffCatalogs(catalogFrom(t, oldCatalog), catalogFrom(t, newCatalog))

	byPointer := map[string]osb.FieldChange{}
	for _, change := range diff.ChangedPlans[0].Changes {
		byPointer[change.Pointer] = change
	}
	version := byPointer["/maintenance_info/version"]
	assert.JSONEq(t, `"1.0.0"`, string(version.Old))
	assert.JSONEq(t, `"1.1.0"`, string(version.New))
	assert.True(t, version.PlatformActs)
	polling := byPointer["/maximum_polling_duration"]
	assert.Nil(t, polling.Old, "absent before")
	assert.JSONEq(t, `600`, string(polling.New))
	assert.False(t, byPointer["/description"].PlatformActs)

	secret := diff.ChangedServices[0].Changes[1]
	assert.Equal(t, "/dashboard_client/secret", secret.Pointer)
	assert.NotContains(t, string(secret.Old)+string(secret.New), "secret", "the dashboard client's secret is masked")
}

func TestDiffCatalogs_PlanFlagsInEffect(t *testing.T) {
	before := catalogFrom(t, `{"services": [{"id": "s", "name": "s", "description": "d", "bindable": true,
		"plans": [{"id": "p", "name": "p", "description": "d"}]}]}`)
	after := catalogFrom(t, `{"services": [{"id": "s", "name": "s", "description": "d", "bindable": false,
		"plans": [{"id": "p", "name": "p", "description": "d"}]}]}`)

	diff := osb.DiffCatalogs(before, after)

	require.Len(t, diff.ChangedPlans, 1, "the plan inherits bindable from its offering")
	assert.Equal(t, []string{"/bindable"}, pointers(diff.ChangedPlans[0].Changes))
	assert.JSONEq(t, `true`, string(diff.ChangedPlans[0].Changes[0].Old))
}

func TestDiffCatalogs_NilAndEqual(t *testing.T) {
	catalog := catalogFrom(t, oldCatalog)

	assert.True(t, osb.DiffCatalogs(catalog, catalogFrom(t, oldCatalog)).Empty())
	fromNothing := osb.DiffCatalogs(nil, catalog)
	assert.Len(t, fromNothing.AddedServices, 2)
	assert.Len(t, fromNothing.AddedPlans, 3)
	toNothing := osb.DiffCatalogs(catalog, nil)
	assert.Len(t, toNothing.RemovedPlans, 3)
}

func TestRefreshCatalogDiff_ReturnsWhatTheBrokerChanged(t *testing.T) {
	srv := startBroker(t)
	client := srv.Client()
	ctx := context.Background()
	first, diff, err := client.RefreshCatalogDiff(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, diff.AddedPlans, 2, "everything is new the first time")

	_, diff, err = client.RefreshCatalogDiff(ctx, first)
	require.NoError(t, err)
	assert.True(t, diff.Empty(), "304 Not Modified")

	require.NoError(t, srv.SetPlanMaintenanceInfo(brokertest.DefaultSyncPlanID, domain.MaintenanceInfo{Version: "1.1.0"}))
	_, diff, err = client.RefreshCatalogDiff(ctx, first)
	require.NoError(t, err)
	require.Len(t, diff.ChangedPlans, 1)
	assert.Equal(t, brokertest.DefaultSyncPlanID, diff.ChangedPlans[0].ID)
	assert.Equal(t, "/maintenance_info/version", diff.ChangedPlans[0].Changes[0].Pointer)
}
