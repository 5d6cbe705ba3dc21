package brokertest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRequestsAreRecorded(t *testing.T) {
	srv, c := newTestServer(t)
	c.do(http.MethodPut, instancePath(crnInstanceID)+"?accepts_incomplete=true", `{"service_id":"`+DefaultServiceID+`","plan_id":"`+DefaultSyncPlanID+`","organization_guid":"o","space_guid":"s"}`)
	c.do(http.MethodGet, "/v2/catalog", nil)

	recorded := srv.Requests()
	require.Len(t, recorded, 2)
	put := recorded[0]
	assert.Equal(t, http.MethodPut, put.Method)
	assert.Equal(t, "/v2/service_instances/crn:v1:bluemix:public:brokertest:us-south:a%2F0123abcd:5f0b5a0e-8f1c-4f5e-9d8e-0c1d2e3f4a5b::", put.Path)
	assert.Equal(t, "accepts_incomplete=true", put.RawQuery)
	assert.Equal(t, "true", put.Query().Get("accepts_incomplete"))
	assert.Equal(t, "2.17", put.Header.Get("X-Broker-API-Version"))
	assert.JSONEq(t, `{"service_id":"`+DefaultServiceID+`","plan_id":"`+DefaultSyncPlanID+`","organization_guid":"o","space_guid":"s"}`, string(put.Body))
	assert.Equal(t, http.StatusCreated, put.Status)
	assert.Empty(t, put.Fault)
	assert.Equal(t, "/v2/catalog", recorded[1].Path)
	assert.Equal(t, http.StatusOK, recorded[1].Status)
}

func TestRequestsReturnsCopies(t *testing.T) {
	srv, c := newTestServer(t)
	c.do(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, nil))
	first := srv.Requests()
	first[0].Header.Set("X-Broker-API-Version", "changed")
	first[0].Body[0] = 'X'

	again := srv.Requests()
	assert.Equal(t, "2.17", again[0].Header.Get("X-Broker-API-Version"))
	assert.Equal(t, byte('{'), again[0].Body[0])
}

func TestResetRequestsForgetsThem(t *testing.T) {
	srv, c := newTestServer(t)
	c.do(http.MethodGet, "/v2/catalog", nil)
	srv.ResetRequests()
	assert.Empty(t, srv.Requests())
	c.do(http.MethodGet, "/v2/catalog", nil)
	assert.Len(t, srv.Requests(), 1)
}
