package brokertest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func statePath(id string) string { return "/bluemix_v1/service_instances/" + pathEscapeAll(id) }

func TestInstanceStateCanBeReadAndChanged(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync(crnInstanceID)

	got := c.do(http.MethodGet, statePath(crnInstanceID), nil)
	require.Equal(t, http.StatusOK, got.Status)
	state := got.JSON(t)
	assert.Equal(t, true, state["enabled"])
	assert.Equal(t, true, state["active"])
	assert.Greater(t, state["last_active"], 1e12, "milliseconds since the epoch")

	disable := map[string]any{"enabled": false, "initiator_id": "IBMid-1", "reason_code": "IBMCLOUD_ACCT_SUSPEND"}
	put := c.do(http.MethodPut, statePath(crnInstanceID), disable)
	require.Equal(t, http.StatusOK, put.Status)
	assert.Equal(t, false, put.JSON(t)["enabled"])
	assert.False(t, srv.Instances()[0].Enabled)

	bind := c.do(http.MethodPut, bindingPath(crnInstanceID, "b1"), bindBody(nil))
	assert.Equal(t, http.StatusUnprocessableEntity, bind.Status, "binding a disabled instance")
	assert.Contains(t, bind.JSON(t)["description"], "disabled")

	enable := map[string]any{"enabled": true} // reason_code and initiator_id are optional
	assert.Equal(t, true, c.do(http.MethodPut, statePath(crnInstanceID), enable).JSON(t)["enabled"])
	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath(crnInstanceID, "b1"), bindBody(nil)).Status)
}

func TestInstanceStateRejectsBadRequests(t *testing.T) {
	_, c := newTestServer(t)
	c.provisionSync("i1")
	tests := []struct {
		name string
		id   string
		body any
		want int
	}{
		{"unknown reason code", "i1", map[string]any{"enabled": false, "reason_code": "BMX_ACCT_SUSPEND"}, http.StatusBadRequest},
		{"missing enabled", "i1", map[string]any{"reason_code": "IBMCLOUD_ADMIN_REQUEST"}, http.StatusBadRequest},
		{"not JSON", "i1", "enabled", http.StatusBadRequest},
		{"unknown instance", "missing", map[string]any{"enabled": true}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.do(http.MethodPut, statePath(tt.id), tt.body)
			assert.Equal(t, tt.want, a.Status)
			assert.NotEmpty(t, a.JSON(t)["description"], "an OSB error body")
		})
	}
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, statePath("missing"), nil).Status)
}

func TestInstanceStateNeedsCredentials(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")
	resp, err := c.http.Get(srv.URL + statePath("i1"))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}
