package openservicebrokerv1

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/go-openapi/strfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mockBindingJSON holds the fields that a new binding and a fetched binding share.
const mockBindingJSON = `
	"credentials": {"uri": "mysql://mysqluser:pass@mysqlhost:3306/dbname", "username": "mysqluser", "password": "pass", "host": "mysqlhost", "port": 3306, "database": "dbname"},
	"syslog_drain_url": "syslog-tls://logs.example.com:6514",
	"route_service_url": "https://route.example.com/proxy",
	"volume_mounts": [{
		"driver": "nfsv3driver",
		"container_dir": "/data/images",
		"mode": "rw",
		"device_type": "shared",
		"device": {"volume_id": "bc2c1eab-05b9-482d-b0cf-750ee07de311", "mount_config": {"source": "nfs://nfs.example.com/export", "uid": "1000"}}
	}],
	"endpoints": [
		{"host": "mysqlhost", "ports": ["3306"], "protocol": "tcp"},
		{"host": "10.0.0.7", "ports": ["9000-9999", "443"], "protocol": "all"}
	],
	"metadata": {"expires_at": "2026-12-31T23:59:59.000Z", "renew_before": "2026-12-01T00:00:00.000Z"}`

// mockBinding returns the fields of mockBindingJSON as a fetched binding.
func mockBinding(t *testing.T) BindingGetResp {
	t.Helper()
	return BindingGetResp{
		Credentials: map[string]any{
			"uri": "mysql://mysqluser:pass@mysqlhost:3306/dbname", "username": "mysqluser", "password": "pass",
			"host": "mysqlhost", "port": float64(3306), "database": "dbname",
		},
		SyslogDrainURL:  core.StringPtr("syslog-tls://logs.example.com:6514"),
		RouteServiceURL: core.StringPtr("https://route.example.com/proxy"),
		VolumeMounts: []VolumeMount{{
			Driver:       core.StringPtr("nfsv3driver"),
			ContainerDir: core.StringPtr("/data/images"),
			Mode:         core.StringPtr(VolumeMountModeRwConst),
			DeviceType:   core.StringPtr(VolumeMountDeviceTypeSharedConst),
			Device: &VolumeMountDevice{
				VolumeID:    core.StringPtr("bc2c1eab-05b9-482d-b0cf-750ee07de311"),
				MountConfig: map[string]any{"source": "nfs://nfs.example.com/export", "uid": "1000"},
			},
		}},
		Endpoints: []Endpoint{
			{Host: core.StringPtr("mysqlhost"), Ports: []string{"3306"}, Protocol: core.StringPtr(EndpointProtocolTcpConst)},
			{Host: core.StringPtr("10.0.0.7"), Ports: []string{"9000-9999", "443"}, Protocol: core.StringPtr(EndpointProtocolAllConst)},
		},
		Metadata: &BindingMetadata{
			ExpiresAt:   mockDateTime(t, "2026-12-31T23:59:59.000Z"),
			RenewBefore: mockDateTime(t, "2026-12-01T00:00:00.000Z"),
		},
	}
}

func mockDateTime(t *testing.T, text string) *strfmt.DateTime {
	t.Helper()
	parsed, err := strfmt.ParseDateTime(text)
	require.NoError(t, err)
	return &parsed
}

func TestReplaceServiceBinding_SendsEveryField(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)
	options := client.NewReplaceServiceBindingOptions(mockBindingID, mockInstanceID).
		SetServiceID(mockServiceID).
		SetPlanID(mockPlanID).
		SetContext(mockFullContext()).
		SetAppGuid("1c0f2e7a-app").
		SetBindResource(&BindResource{
			AccountID:    core.StringPtr("499b176abb3e1c9727df87ae48b27c7b"),
			ServiceidCrn: core.StringPtr("crn:v1:bluemix:public:iam-identity::a/499b176abb3e1c9727df87ae48b27c7b::serviceid:ServiceId-1"),
			TargetCrn:    core.StringPtr("crn:v1:bluemix:public:containers-kubernetes:us-south:a/499b176abb3e1c9727df87ae48b27c7b:cluster-7::"),
			AppGuid:      core.StringPtr("1c0f2e7a-app"),
			Route:        core.StringPtr("https://app.example.com"),
		}).
		SetParameters(map[string]string{"example": "property"}).
		SetPredecessorBindingID("binding-3f1c/rotation 1").
		SetAcceptsIncomplete(true)

	_, _, err := client.ReplaceServiceBinding(options)

	require.NoError(t, err)
	request := broker.only()
	assert.Equal(t, url.Values{"accepts_incomplete": {"true"}}, request.query(t))
	assert.JSONEq(t, `{
		"context": `+mockFullContextJSON+`,
		"service_id": "`+mockServiceID+`",
		"plan_id": "`+mockPlanID+`",
		"app_guid": "1c0f2e7a-app",
		"bind_resource": {
			"account_id": "499b176abb3e1c9727df87ae48b27c7b",
			"serviceid_crn": "crn:v1:bluemix:public:iam-identity::a/499b176abb3e1c9727df87ae48b27c7b::serviceid:ServiceId-1",
			"target_crn": "crn:v1:bluemix:public:containers-kubernetes:us-south:a/499b176abb3e1c9727df87ae48b27c7b:cluster-7::",
			"app_guid": "1c0f2e7a-app",
			"route": "https://app.example.com"
		},
		"parameters": {"example": "property"},
		"predecessor_binding_id": "binding-3f1c/rotation 1"
	}`, string(request.Body))
}

func TestReplaceServiceBinding_SendsOnlyTheFieldsSet(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)

	_, _, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions(mockBindingID, mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID))

	require.NoError(t, err)
	request := broker.only()
	assert.JSONEq(t, `{"service_id":"`+mockServiceID+`","plan_id":"`+mockPlanID+`"}`, string(request.Body))
	assert.Empty(t, request.URL.RawQuery)
}

func TestReplaceServiceBinding_DecodesEveryField(t *testing.T) {
	answer := `{` + mockBindingJSON + `, "operation": "bind-42"}`
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, answer)

	result, response, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions(mockBindingID, mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID))

	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, response.StatusCode)
	assert.Same(t, result, response.Result)
	binding := mockBinding(t)
	assert.Equal(t, &BindingPutResp{
		Credentials:     binding.Credentials,
		SyslogDrainURL:  binding.SyslogDrainURL,
		RouteServiceURL: binding.RouteServiceURL,
		VolumeMounts:    binding.VolumeMounts,
		Endpoints:       binding.Endpoints,
		Metadata:        binding.Metadata,
		Operation:       core.StringPtr("bind-42"),
	}, result)
	mockAssertDecodedEverything(t, answer, result)
}

func TestDeleteServiceBinding_SendsEveryQueryParameter(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{}`)
	options := client.NewDeleteServiceBindingOptions(mockBindingID, mockInstanceID, mockPlanID, mockServiceID).SetAcceptsIncomplete(true)

	_, err := client.DeleteServiceBinding(options)

	require.NoError(t, err)
	request := broker.only()
	assert.Equal(t, url.Values{"service_id": {mockServiceID}, "plan_id": {mockPlanID}, "accepts_incomplete": {"true"}},
		request.query(t))
	assert.Empty(t, request.Body)
}

func TestDeleteServiceBinding_PutsTheOperationToPollInTheResponse(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusAccepted, `{"operation":"unbind-42"}`)

	response, err := client.DeleteServiceBinding(client.NewDeleteServiceBindingOptions(mockBindingID, mockInstanceID, mockPlanID, mockServiceID))

	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, response.StatusCode)
	assert.Equal(t, &BindingDeleteResp{Operation: core.StringPtr("unbind-42")}, response.Result)
}

func TestGetServiceBinding_SendsQueryAndDecodesEveryField(t *testing.T) {
	answer := `{` + mockBindingJSON + `, "parameters": {"role": "reader"}}`
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, answer)
	options := client.NewGetServiceBindingOptions(mockBindingID, mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID)

	result, response, err := client.GetServiceBinding(options)

	require.NoError(t, err)
	assert.Equal(t, url.Values{"service_id": {mockServiceID}, "plan_id": {mockPlanID}}, broker.only().query(t))
	assert.Equal(t, http.StatusOK, response.StatusCode)
	want := mockBinding(t)
	want.Parameters = map[string]any{"role": "reader"}
	assert.Equal(t, &want, result)
	mockAssertDecodedEverything(t, answer, result)
}

func TestGetServiceBindingLastOperation_SendsQueryAndDecodesEveryField(t *testing.T) {
	answer := `{"state": "in progress", "description": "Creating credentials."}`
	client, broker := newMockClient(t)
	broker.respond(mockJSONAnswer(http.StatusOK, answer, http.Header{"Retry-After": {"15"}}))
	options := client.NewGetServiceBindingLastOperationOptions(mockBindingID, mockInstanceID).
		SetOperation("bind-42").
		SetServiceID(mockServiceID).
		SetPlanID(mockPlanID)

	result, response, err := client.GetServiceBindingLastOperation(options)

	require.NoError(t, err)
	assert.Equal(t, url.Values{"operation": {"bind-42"}, "service_id": {mockServiceID}, "plan_id": {mockPlanID}},
		broker.only().query(t))
	assert.Equal(t, "15", response.Headers.Get("Retry-After"))
	assert.Equal(t, &BindingLastOperationResp{
		State:       core.StringPtr(BindingLastOperationRespStateInProgressConst),
		Description: core.StringPtr("Creating credentials."),
	}, result)
	mockAssertDecodedEverything(t, answer, result)
}
