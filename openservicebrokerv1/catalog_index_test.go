package openservicebrokerv1

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// rulesCatalog is a catalog whose plans cover each flag a plan overrides or inherits.
const rulesCatalog = `{"services": [
  {"id": "db-id", "name": "db", "description": "A database", "bindable": true, "plan_updateable": true,
   "instances_retrievable": true, "requires": ["route_forwarding"],
   "plans": [
     {"id": "db-small-id", "name": "small", "description": "Small", "maximum_polling_duration": 600,
      "maintenance_info": {"version": "1.2.0", "description": "new OS"},
      "schemas": {"service_instance": {"create": {"parameters": {"$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object", "properties": {"size": {"type": "integer", "minimum": 1}}, "required": ["size"]}}},
        "service_binding": {"create": {"parameters": {"$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object", "additionalProperties": false, "properties": {"role": {"enum": ["reader", "writer"]}}}}}}},
     {"id": "db-fixed-id", "name": "fixed", "description": "Cannot change", "plan_updateable": false, "bindable": false,
      "binding_rotatable": true, "maximum_polling_duration": 0}
   ]},
  {"id": "queue-id", "name": "queue", "description": "A queue", "bindable": false, "binding_rotatable": true,
   "bindings_retrievable": true, "allow_context_updates": true,
   "plans": [
     {"id": "queue-basic-id", "name": "basic", "description": "Basic", "bindable": true},
     {"id": "queue-pinned-id", "name": "pinned", "description": "No rotation", "bindable": true, "binding_rotatable": false,
      "schemas": {"service_instance": {"update": {"parameters": {"type": "object", "properties": {"nodes": {"type": "integer"}}}}}}}
   ]}
]}`

func decodeCatalog(t testing.TB, text string) *BrokerCatalogResp {
	t.Helper()
	var resp BrokerCatalogResp
	require.NoError(t, json.Unmarshal([]byte(text), &resp))
	return &resp
}

func newRulesCatalog(t testing.TB) *Catalog {
	t.Helper()
	catalog, err := NewCatalog(decodeCatalog(t, rulesCatalog))
	require.NoError(t, err)
	return catalog
}

func TestNewCatalog_LooksUpServicesAndPlansByIDAndName(t *testing.T) {
	catalog := newRulesCatalog(t)

	service, ok := catalog.Service("queue-id")
	require.True(t, ok)
	assert.Equal(t, "queue", service.Name())
	byName, ok := catalog.ServiceByName("queue")
	require.True(t, ok)
	assert.Same(t, service, byName)
	_, ok = catalog.ServiceByName("Queue")
	assert.False(t, ok, "names are case-sensitive")

	plan, ok := catalog.Plan("db-id", "db-fixed-id")
	require.True(t, ok)
	assert.Equal(t, "fixed", plan.Name())
	_, ok = catalog.Plan("queue-id", "db-fixed-id")
	assert.False(t, ok, "a plan is found only under its own offering")

	for _, serviceRef := range []string{"db", "db-id"} {
		found, ok := catalog.PlanByName(serviceRef, "small")
		require.True(t, ok, serviceRef)
		assert.Equal(t, "db-small-id", found.ID())
	}
	_, ok = catalog.PlanByName("db", "basic")
	assert.False(t, ok)
	assert.Len(t, catalog.Services(), 2)
	assert.Equal(t, []string{"small", "fixed"}, []string{catalog.Services()[0].Plans()[0].Name(), catalog.Services()[0].Plans()[1].Name()})
}

func TestCatalogPlan_EffectiveFlags(t *testing.T) {
	catalog := newRulesCatalog(t)
	plan := func(serviceID, planID string) *CatalogPlan {
		found, ok := catalog.Plan(serviceID, planID)
		require.True(t, ok)
		return found
	}
	tests := []struct {
		name                                                  string
		plan                                                  *CatalogPlan
		bindable, updateable, rotatable                       bool
		instancesRetrievable, bindingsRetrievable, contextUpd bool
	}{
		{"inherits every flag", plan("db-id", "db-small-id"), true, true, false, true, false, false},
		{"overrides bindable and plan_updateable; binding_rotatable of the plan", plan("db-id", "db-fixed-id"), false, false, true, true, false, false},
		{"plan bindable over offering's false; rotatable inherited", plan("queue-id", "queue-basic-id"), true, false, true, false, true, true},
		{"plan's binding_rotatable false over offering's true", plan("queue-id", "queue-pinned-id"), true, false, false, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.bindable, tt.plan.Bindable(), "bindable")
			assert.Equal(t, tt.updateable, tt.plan.PlanUpdateable(), "plan_updateable")
			assert.Equal(t, tt.rotatable, tt.plan.BindingRotatable(), "binding_rotatable")
			assert.Equal(t, tt.instancesRetrievable, tt.plan.InstancesRetrievable(), "instances_retrievable")
			assert.Equal(t, tt.bindingsRetrievable, tt.plan.BindingsRetrievable(), "bindings_retrievable")
			assert.Equal(t, tt.contextUpd, tt.plan.AllowContextUpdates(), "allow_context_updates")
		})
	}
}

func TestCatalogPlan_MaximumPollingDurationAndMaintenanceInfo(t *testing.T) {
	catalog := newRulesCatalog(t)
	small, _ := catalog.Plan("db-id", "db-small-id")
	limit, ok := small.MaximumPollingDuration()
	assert.True(t, ok)
	assert.Equal(t, 10*time.Minute, limit)
	assert.Equal(t, "1.2.0", *small.MaintenanceInfo().Version)

	fixed, _ := catalog.Plan("db-id", "db-fixed-id")
	_, ok = fixed.MaximumPollingDuration()
	assert.False(t, ok, "a duration of 0 seconds is no limit")
	assert.Nil(t, fixed.MaintenanceInfo())
}

func TestNewCatalog_ListsEveryProblemInOneError(t *testing.T) {
	broken := decodeCatalog(t, `{"services": [
	  {"id": "a", "name": "same", "description": "A", "bindable": true, "plans": [
	    {"id": "p1", "name": "plan", "description": "P1"},
	    {"id": "p1", "name": "plan", "description": ""}]},
	  {"id": "a", "name": "same", "plans": []},
	  {"name": "no-id", "description": "B", "bindable": false, "plans": [{"id": "p1", "description": "P3"}]}
	]}`)

	catalog, err := NewCatalog(broken)

	assert.Nil(t, catalog)
	var catalogErr *CatalogError
	require.True(t, errors.As(err, &catalogErr))
	var got []string
	for _, finding := range catalogErr.Findings {
		assert.Equal(t, LevelMust, finding.Level)
		assert.NotEmpty(t, finding.Section)
		got = append(got, finding.ID+" "+finding.Path)
	}
	assert.Equal(t, []string{
		FindingPlanDescriptionMissing + " /services/0/plans/1/description",
		FindingPlanIDDuplicate + " /services/0/plans/1/id",
		FindingPlanNameDuplicate + " /services/0/plans/1/name",
		FindingServiceDescriptionMissing + " /services/1/description",
		FindingServiceBindableMissing + " /services/1/bindable",
		FindingServicePlansMissing + " /services/1/plans",
		FindingServiceIDDuplicate + " /services/1/id",
		FindingServiceNameDuplicate + " /services/1/name",
		FindingServiceIDMissing + " /services/2/id",
		FindingPlanNameMissing + " /services/2/plans/0/name",
		FindingPlanIDDuplicate + " /services/2/plans/0/id",
	}, got)
	assert.Contains(t, err.Error(), "11 problems")
	assert.Contains(t, err.Error(), `plan id "p1" is also used at /services/0/plans/0/id`)
}

func TestNewCatalog_RefusesNil(t *testing.T) {
	_, err := NewCatalog(nil)
	var catalogErr *CatalogError
	require.ErrorAs(t, err, &catalogErr)
	assert.Equal(t, FindingCatalogMissing, catalogErr.Findings[0].ID)
}

func TestNewCatalog_AcceptsAnEmptyCatalog(t *testing.T) {
	catalog, err := NewCatalog(&BrokerCatalogResp{})
	require.NoError(t, err)
	assert.Empty(t, catalog.Services())
}
