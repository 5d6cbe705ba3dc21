package openservicebrokerv1

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// mockInstanceMetadataJSON and mockInstanceMetadata are instance metadata with labels and attributes.
const mockInstanceMetadataJSON = `{"labels": {"team": "payments", "tier": 1}, "attributes": {"region": "us-south", "ha": true}}`

var mockInstanceMetadata = &InstanceMetadata{
	Labels:     map[string]any{"team": "payments", "tier": float64(1)},
	Attributes: map[string]any{"region": "us-south", "ha": true},
}

func TestReplaceServiceInstance_SendsEveryField(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)
	options := client.NewReplaceServiceInstanceOptions(mockInstanceID).
		SetServiceID(mockServiceID).
		SetPlanID(mockPlanID).
		SetContext(mockFullContext()).
		SetOrganizationGuid(testkit.OrganizationGUID).
		SetSpaceGuid(testkit.SpaceGUID).
		SetParameters(map[string]any{"location": "us-south"}).
		SetMaintenanceInfo(&MaintenanceInfo{Version: core.StringPtr("2.1.1+abcdef"), Description: core.StringPtr("OS image update")}).
		SetAcceptsIncomplete(true)

	_, _, err := client.ReplaceServiceInstance(options)

	require.NoError(t, err)
	request := broker.only()
	assert.Equal(t, url.Values{"accepts_incomplete": {"true"}}, request.query(t))
	assert.JSONEq(t, `{
		"service_id": "`+mockServiceID+`",
		"plan_id": "`+mockPlanID+`",
		"context": `+mockFullContextJSON+`,
		"organization_guid": "f4663bbe-e8ea-478c-8956-e3afee1087ab",
		"space_guid": "54557f98-83f0-4eca-ae04-9ea35277a539",
		"parameters": {"location": "us-south"},
		"maintenance_info": {"version": "2.1.1+abcdef", "description": "OS image update"}
	}`, string(request.Body))
}

func TestReplaceServiceInstance_SendsOnlyTheFieldsSet(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)

	_, _, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID))

	require.NoError(t, err)
	assert.JSONEq(t, `{"service_id":"`+mockServiceID+`","plan_id":"`+mockPlanID+`",
		"organization_guid":"`+testkit.OrganizationGUID+`","space_guid":"`+testkit.SpaceGUID+`"}`, string(broker.only().Body))
}

func TestReplaceServiceInstance_SendsAcceptsIncompleteFalse(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)
	options := client.NewReplaceServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)

	_, _, err := client.ReplaceServiceInstance(options.SetAcceptsIncomplete(false))

	require.NoError(t, err)
	assert.Equal(t, url.Values{"accepts_incomplete": {"false"}}, broker.only().query(t))
}

func TestReplaceServiceInstance_DecodesEveryField(t *testing.T) {
	answer := `{
		"dashboard_url": "http://www.ibm.com/objectstorage/crn:v1:bluemix:public:cloud-object-storage:global:a%2F4329073d16d2f3663f74bfa955259139:8d7af921-b136-4078-9666-081bd8470d94::",
		"operation": "Provision_45",
		"description": "Your service is being created asynchronously.",
		"metadata": ` + mockInstanceMetadataJSON + `
	}`
	client, broker := newMockClient(t)
	broker.reply(http.StatusAccepted, answer)

	result, response, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID))

	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, response.StatusCode)
	assert.Same(t, result, response.Result)
	assert.Equal(t, &InstancePutResp{
		DashboardURL: core.StringPtr("http://www.ibm.com/objectstorage/crn:v1:bluemix:public:cloud-object-storage:global:a%2F4329073d16d2f3663f74bfa955259139:8d7af921-b136-4078-9666-081bd8470d94::"),
		Operation:    core.StringPtr("Provision_45"),
		Description:  core.StringPtr("Your service is being created asynchronously."),
		Metadata:     mockInstanceMetadata,
	}, result)
	mockAssertDecodedEverything(t, answer, result)
}

func TestUpdateServiceInstance_SendsEveryField(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusAccepted, `{}`)
	options := client.NewUpdateServiceInstanceOptions(mockInstanceID).
		SetServiceID(mockServiceID).
		SetPlanID(mockPlanID).
		SetContext(mockFullContext()).
		SetParameters(map[string]string{"optional-param": "parameter required by your service"}).
		SetPreviousValues(&PreviousValues{
			ServiceID:       core.StringPtr(mockServiceID),
			PlanID:          core.StringPtr("e62e2c19-0c3b-41e3-b8b3-c71762ecd489"),
			OrganizationID:  core.StringPtr("f4663bbe-e8ea-478c-8956-e3afee1087ab"),
			SpaceID:         core.StringPtr("54557f98-83f0-4eca-ae04-9ea35277a539"),
			MaintenanceInfo: &MaintenanceInfo{Version: core.StringPtr("2.1.0"), Description: core.StringPtr("previous image")},
		}).
		SetMaintenanceInfo(&MaintenanceInfo{Version: core.StringPtr("2.1.1")}).
		SetAcceptsIncomplete(true)

	_, _, err := client.UpdateServiceInstance(options)

	require.NoError(t, err)
	request := broker.only()
	assert.Equal(t, url.Values{"accepts_incomplete": {"true"}}, request.query(t))
	assert.JSONEq(t, `{
		"service_id": "`+mockServiceID+`",
		"plan_id": "`+mockPlanID+`",
		"context": `+mockFullContextJSON+`,
		"parameters": {"optional-param": "parameter required by your service"},
		"previous_values": {
			"service_id": "`+mockServiceID+`",
			"plan_id": "e62e2c19-0c3b-41e3-b8b3-c71762ecd489",
			"organization_id": "f4663bbe-e8ea-478c-8956-e3afee1087ab",
			"space_id": "54557f98-83f0-4eca-ae04-9ea35277a539",
			"maintenance_info": {"version": "2.1.0", "description": "previous image"}
		},
		"maintenance_info": {"version": "2.1.1"}
	}`, string(request.Body))
}

func TestUpdateServiceInstance_SendsOnlyTheFieldsSet(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)

	_, _, err := client.UpdateServiceInstance(client.NewUpdateServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID))

	require.NoError(t, err)
	request := broker.only()
	assert.JSONEq(t, `{"service_id":"`+mockServiceID+`"}`, string(request.Body))
	assert.Empty(t, request.URL.RawQuery)
}

func TestUpdateServiceInstance_DecodesEveryField(t *testing.T) {
	answer := `{
		"dashboard_url": "https://dashboard.example.com/instances/7f0d2b93",
		"operation": "task_10",
		"description": "Updating the plan.",
		"metadata": ` + mockInstanceMetadataJSON + `
	}`
	client, broker := newMockClient(t)
	broker.reply(http.StatusAccepted, answer)

	result, response, err := client.UpdateServiceInstance(client.NewUpdateServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID))

	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, response.StatusCode)
	assert.Equal(t, &InstancePatchResp{
		DashboardURL: core.StringPtr("https://dashboard.example.com/instances/7f0d2b93"),
		Operation:    core.StringPtr("task_10"),
		Description:  core.StringPtr("Updating the plan."),
		Metadata:     mockInstanceMetadata,
	}, result)
	mockAssertDecodedEverything(t, answer, result)
}

func TestDeleteServiceInstance_SendsEveryQueryParameter(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)
	options := client.NewDeleteServiceInstanceOptions(mockServiceID, mockPlanID, mockInstanceID).
		SetAcceptsIncomplete(true).
		SetInstanceName("My instance name")

	_, _, err := client.DeleteServiceInstance(options)

	require.NoError(t, err)
	request := broker.only()
	assert.Equal(t, url.Values{
		"service_id":         {mockServiceID},
		"plan_id":            {mockPlanID},
		"accepts_incomplete": {"true"},
		"instance_name":      {"My instance name"},
	}, request.query(t))
	assert.Empty(t, request.Body)
}

func TestDeleteServiceInstance_ReturnsTheOperationToPoll(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusAccepted, `{"operation":"task_10"}`)

	result, response, err := client.DeleteServiceInstance(client.NewDeleteServiceInstanceOptions(mockServiceID, mockPlanID, mockInstanceID))

	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, response.StatusCode)
	assert.Equal(t, &InstanceDeleteResp{Operation: core.StringPtr("task_10")}, result)
	assert.Same(t, result, response.Result)
}

func TestGetServiceInstance_SendsQueryAndDecodesEveryField(t *testing.T) {
	answer := `{
		"service_id": "` + mockServiceID + `",
		"plan_id": "` + mockPlanID + `",
		"dashboard_url": "https://dashboard.example.com/instances/7f0d2b93",
		"parameters": {"location": "us-south", "nodes": 3},
		"maintenance_info": {"version": "2.1.1+abcdef", "description": "OS image update"},
		"metadata": ` + mockInstanceMetadataJSON + `
	}`
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, answer)
	options := client.NewGetServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID)

	result, response, err := client.GetServiceInstance(options)

	require.NoError(t, err)
	assert.Equal(t, url.Values{"service_id": {mockServiceID}, "plan_id": {mockPlanID}}, broker.only().query(t))
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, &InstanceGetResp{
		ServiceID:       core.StringPtr(mockServiceID),
		PlanID:          core.StringPtr(mockPlanID),
		DashboardURL:    core.StringPtr("https://dashboard.example.com/instances/7f0d2b93"),
		Parameters:      map[string]any{"location": "us-south", "nodes": float64(3)},
		MaintenanceInfo: &MaintenanceInfo{Version: core.StringPtr("2.1.1+abcdef"), Description: core.StringPtr("OS image update")},
		Metadata:        mockInstanceMetadata,
	}, result)
	mockAssertDecodedEverything(t, answer, result)
}

func TestGetLastOperation_SendsQueryAndDecodesEveryField(t *testing.T) {
	answer := `{
		"state": "failed",
		"description": "The update failed: quota exceeded.",
		"instance_usable": true,
		"update_repeatable": false
	}`
	client, broker := newMockClient(t)
	broker.respond(mockJSONAnswer(http.StatusOK, answer, http.Header{"Retry-After": {"30"}}))
	options := client.NewGetLastOperationOptions(mockInstanceID).
		SetOperation("Provision_45").
		SetServiceID(mockServiceID).
		SetPlanID(mockPlanID)

	result, response, err := client.GetLastOperation(options)

	require.NoError(t, err)
	assert.Equal(t, url.Values{"operation": {"Provision_45"}, "service_id": {mockServiceID}, "plan_id": {mockPlanID}},
		broker.only().query(t))
	assert.Equal(t, "30", response.Headers.Get("Retry-After"))
	assert.Equal(t, &InstanceLastOperationResp{
		State:            core.StringPtr(InstanceLastOperationRespStateFailedConst),
		Description:      core.StringPtr("The update failed: quota exceeded."),
		InstanceUsable:   core.BoolPtr(true),
		UpdateRepeatable: core.BoolPtr(false),
	}, result)
	mockAssertDecodedEverything(t, answer, result)
}

func TestContext_SendsPropertiesTheSchemaDoesNotDeclare(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)
	platformContext := &Context{Platform: core.StringPtr("acme-cloud")}
	platformContext.SetProperties(map[string]any{"replaced": true})
	platformContext.SetProperties(map[string]any{"tenant": "t-42"})
	platformContext.SetProperty("labels", map[string]string{"env": "prod"})
	options := client.NewReplaceServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)

	_, _, err := client.ReplaceServiceInstance(options.SetContext(platformContext))

	require.NoError(t, err)
	var body struct {
		Context json.RawMessage `json:"context"`
	}
	require.NoError(t, json.Unmarshal(broker.only().Body, &body))
	assert.JSONEq(t, `{"platform":"acme-cloud","tenant":"t-42","labels":{"env":"prod"}}`, string(body.Context))
}

func TestContext_KeepsPropertiesTheSchemaDoesNotDeclare(t *testing.T) {
	var decoded Context

	require.NoError(t, json.Unmarshal([]byte(mockFullContextJSON), &decoded))

	region := map[string]any{"name": "us-south", "zones": []any{"1", "2"}}
	want := mockFullContext()
	want.SetProperty("region", region)
	assert.Equal(t, want, &decoded)
	assert.Equal(t, region, decoded.GetProperty("region"))
	assert.Equal(t, map[string]any{"region": region}, decoded.GetProperties())
	assert.Nil(t, decoded.GetProperty("platform"), "declared properties live in their fields")
	mockAssertDecodedEverything(t, mockFullContextJSON, decoded)
}

func TestContext_RejectsMalformedJSON(t *testing.T) {
	for _, malformed := range []string{`{"platform": 1}`, `[]`, `{"platform": "ibmcloud",}`} {
		var decoded Context

		assert.Error(t, json.Unmarshal([]byte(malformed), &decoded), malformed)
	}
}
