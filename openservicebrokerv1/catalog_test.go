package openservicebrokerv1

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Free-form parts of mockFullCatalog, which the client keeps as the broker encoded them.
const (
	mockServiceMetadata   = `{"displayName":"Test Node Resource Service Broker Display Name","longDescription":"Long description","providerDisplayName":"Some Company"}`
	mockPlanMetadata      = `{"bullets":["Test bullet 1","Test bullet 2"],"displayName":"Lite"}`
	mockCreateSchema      = `{"$schema":"http://json-schema.org/draft-04/schema#","type":"object","properties":{"location":{"type":"string"}}}`
	mockUpdateSchema      = `{"type":"object","properties":{"nodes":{"type":"integer"}}}`
	mockBindingSchema     = `{"type":"object","properties":{"role":{"type":"string"}}}`
	mockFullCatalogFormat = `{
  "services": [{
    "name": "testnoderesourceservicebrokername",
    "id": "service-guid-here",
    "description": "Test Node Resource Service Broker Description",
    "tags": ["lite", "tag1a", "tag1b"],
    "requires": ["syslog_drain", "route_forwarding", "volume_mount"],
    "bindable": true,
    "instances_retrievable": true,
    "bindings_retrievable": true,
    "allow_context_updates": true,
    "metadata": %s,
    "dashboard_client": {"id": "dashboard-client", "secret": "dashboard-secret", "redirect_uri": "https://dashboard.example.com/sso"},
    "plan_updateable": true,
    "binding_rotatable": true,
    "plans": [{
      "id": "plan-guid-here",
      "name": "lite",
      "description": "Test Node Resource Service Broker Plan Description",
      "metadata": %s,
      "free": true,
      "bindable": false,
      "binding_rotatable": false,
      "plan_updateable": false,
      "schemas": {
        "service_instance": {"create": {"parameters": %s}, "update": {"parameters": %s}},
        "service_binding": {"create": {"parameters": %s}}
      },
      "maximum_polling_duration": 3600,
      "maintenance_info": {"version": "2.1.1+abcdef", "description": "OS image update"}
    }]
  }]
}`
)

// mockFullCatalog is a catalog that uses every field OSB 2.17 defines for services and plans.
var mockFullCatalog = fmt.Sprintf(mockFullCatalogFormat,
	mockServiceMetadata, mockPlanMetadata, mockCreateSchema, mockUpdateSchema, mockBindingSchema)

func TestListCatalog_DecodesEveryField(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, mockFullCatalog)

	result, response, err := client.ListCatalog(client.NewListCatalogOptions())

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Same(t, result, response.Result)
	assert.Empty(t, broker.only().Body)
	want := &BrokerCatalogResp{Services: []Service{{
		Name:                 core.StringPtr("testnoderesourceservicebrokername"),
		ID:                   core.StringPtr("service-guid-here"),
		Description:          core.StringPtr("Test Node Resource Service Broker Description"),
		Tags:                 []string{"lite", "tag1a", "tag1b"},
		Requires:             []string{"syslog_drain", "route_forwarding", "volume_mount"},
		Bindable:             core.BoolPtr(true),
		InstancesRetrievable: core.BoolPtr(true),
		BindingsRetrievable:  core.BoolPtr(true),
		AllowContextUpdates:  core.BoolPtr(true),
		Metadata:             json.RawMessage(mockServiceMetadata),
		DashboardClient: &DashboardClient{
			ID:          core.StringPtr("dashboard-client"),
			Secret:      core.StringPtr("dashboard-secret"),
			RedirectURI: core.StringPtr("https://dashboard.example.com/sso"),
		},
		PlanUpdateable:   core.BoolPtr(true),
		BindingRotatable: core.BoolPtr(true),
		Plans: []Plan{{
			ID:               core.StringPtr("plan-guid-here"),
			Name:             core.StringPtr("lite"),
			Description:      core.StringPtr("Test Node Resource Service Broker Plan Description"),
			Metadata:         json.RawMessage(mockPlanMetadata),
			Free:             core.BoolPtr(true),
			Bindable:         core.BoolPtr(false),
			BindingRotatable: core.BoolPtr(false),
			PlanUpdateable:   core.BoolPtr(false),
			Schemas: &Schemas{
				ServiceInstance: &ServiceInstanceSchema{
					Create: &SchemaParameters{Parameters: json.RawMessage(mockCreateSchema)},
					Update: &SchemaParameters{Parameters: json.RawMessage(mockUpdateSchema)},
				},
				ServiceBinding: &ServiceBindingSchema{Create: &SchemaParameters{Parameters: json.RawMessage(mockBindingSchema)}},
			},
			MaximumPollingDuration: core.Int64Ptr(3600),
			MaintenanceInfo:        &MaintenanceInfo{Version: core.StringPtr("2.1.1+abcdef"), Description: core.StringPtr("OS image update")},
		}},
	}}}
	assert.Equal(t, want, result)
	mockAssertDecodedEverything(t, mockFullCatalog, result)
}
