package openservicebrokerv1

import (
	"net/http"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mockStateAnswer is seed 002's example answer of both state operations.
const mockStateAnswer = `{ "active": true, "enabled": true, "last_active": 1656523962 }`

var mockState = &InstanceStateResp{Active: core.BoolPtr(true), Enabled: core.BoolPtr(true), LastActive: core.Int64Ptr(1656523962)}

func TestGetServiceInstanceState_DecodesEveryField(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, mockStateAnswer)

	result, response, err := client.GetServiceInstanceState(client.NewGetServiceInstanceStateOptions(mockInstanceID))

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, mockState, result)
	mockAssertDecodedEverything(t, mockStateAnswer, result)
	request := broker.only()
	assert.Empty(t, request.Body)
	assert.Empty(t, request.URL.RawQuery)
}

func TestReplaceServiceInstanceState_SendsEveryField(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, mockStateAnswer)
	options := client.NewReplaceServiceInstanceStateOptions(mockInstanceID).
		SetEnabled(true).
		SetInitiatorID("IBMid-5500093BHN").
		SetReasonCode(ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudReclamationScheduleConst)

	result, _, err := client.ReplaceServiceInstanceState(options)

	require.NoError(t, err)
	assert.JSONEq(t, `{ "enabled": true, "initiator_id": "IBMid-5500093BHN", "reason_code": "IBMCLOUD_RECLAMATION_SCHEDULE" }`,
		string(broker.only().Body))
	assert.Equal(t, mockState, result)
}

func TestReplaceServiceInstanceState_SendsEnabledFalse(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusOK, `{"enabled": false}`)

	result, _, err := client.ReplaceServiceInstanceState(client.NewReplaceServiceInstanceStateOptions(mockInstanceID).SetEnabled(false))

	require.NoError(t, err)
	assert.JSONEq(t, `{"enabled": false}`, string(broker.only().Body), "false is a value, not an unset field")
	assert.Equal(t, &InstanceStateResp{Enabled: core.BoolPtr(false)}, result)
}
