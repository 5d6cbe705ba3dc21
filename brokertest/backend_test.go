package brokertest

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProvisionSyncIsIdempotent(t *testing.T) {
	srv, c := newTestServer(t)
	body := provisionBody(DefaultSyncPlanID, map[string]any{"size_gb": 1, "tier": "gold"})

	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("i1"), body).Status)
	// Key order differs, content does not: still the same request.
	replay := provisionBody(DefaultSyncPlanID, map[string]any{"tier": "gold", "size_gb": 1})
	assert.Equal(t, http.StatusOK, c.do(http.MethodPut, instancePath("i1"), replay).Status)

	conflict := c.do(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, map[string]any{"size_gb": 2}))
	assert.Equal(t, http.StatusConflict, conflict.Status)

	instances := srv.Instances()
	require.Len(t, instances, 1)
	assert.True(t, instances[0].Ready)
	assert.JSONEq(t, `{"size_gb": 1, "tier": "gold"}`, string(instances[0].Parameters))
	assert.JSONEq(t, `{"platform": "ibmcloud"}`, string(instances[0].Context))
	assert.Equal(t, OperationProvision, instances[0].LastOperation.Kind)
}

func TestAsyncProvisionTakesConfiguredPolls(t *testing.T) {
	srv, c := newTestServer(t, WithAsyncPolls(2), WithLastOperationRetryAfter(1))
	body := provisionBody(DefaultAsyncPlanID, nil)

	first := c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", body)
	require.Equal(t, http.StatusAccepted, first.Status)
	operation := first.JSON(t)["operation"].(string)
	require.NotEmpty(t, operation)

	replay := c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", body)
	assert.Equal(t, http.StatusAccepted, replay.Status, "a replay while provisioning runs")
	assert.Equal(t, operation, replay.JSON(t)["operation"])
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, instancePath("i1"), nil).Status, "GET while provisioning")

	poll := c.do(http.MethodGet, instancePath("i1")+"/last_operation?operation="+operation, nil)
	assert.Equal(t, "in progress", poll.JSON(t)["state"])
	assert.Equal(t, "1", poll.Header.Get("Retry-After"))
	assert.Equal(t, "in progress", c.pollState(instancePath("i1"), operation))
	assert.Equal(t, "succeeded", c.pollState(instancePath("i1"), operation))
	assert.True(t, srv.Instances()[0].Ready)

	assert.Equal(t, http.StatusOK, c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", body).Status)
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, instancePath("i1"), nil).Status)
}

func TestAsyncOperationWaitsForDuration(t *testing.T) {
	_, c := newTestServer(t, WithAsyncPolls(0), WithAsyncDuration(40*time.Millisecond))
	a := c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))
	operation := a.JSON(t)["operation"].(string)

	assert.Equal(t, "in progress", c.pollState(instancePath("i1"), operation))
	time.Sleep(50 * time.Millisecond)
	assert.Equal(t, "succeeded", c.pollState(instancePath("i1"), operation))
}

func TestAsyncRequiredWithoutAcceptsIncomplete(t *testing.T) {
	_, c := newTestServer(t, WithAsyncPolls(0), WithAsyncBindings(true))
	a := c.do(http.MethodPut, instancePath("ready")+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))
	require.Equal(t, http.StatusAccepted, a.Status)
	bind := bindBody(nil)
	bind["plan_id"] = DefaultAsyncPlanID

	tests := []struct {
		name   string
		method string
		path   string
		body   any
	}{
		{"provision", http.MethodPut, instancePath("new"), provisionBody(DefaultAsyncPlanID, nil)},
		{"update", http.MethodPatch, instancePath("ready"), map[string]any{"service_id": DefaultServiceID}},
		{"deprovision", http.MethodDelete, instancePath("ready") + "?" + planQuery(DefaultAsyncPlanID), nil},
		{"bind", http.MethodPut, bindingPath("ready", "b1"), bind},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.do(tt.method, tt.path, tt.body)
			assert.Equal(t, http.StatusUnprocessableEntity, a.Status)
			assert.Equal(t, "AsyncRequired", a.JSON(t)["error"])
		})
	}
}

func TestConcurrencyErrorWhileOperationInFlight(t *testing.T) {
	_, c := newTestServer(t, WithAsyncPolls(5))
	a := c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))
	require.Equal(t, http.StatusAccepted, a.Status)

	del := c.do(http.MethodDelete, instancePath("i1")+"?accepts_incomplete=true&"+planQuery(DefaultAsyncPlanID), nil)
	assert.Equal(t, http.StatusUnprocessableEntity, del.Status)
	assert.Equal(t, "ConcurrencyError", del.JSON(t)["error"])
	assert.Contains(t, del.JSON(t)["description"], "provision")
}

func TestUpdateAppliesWhenItSucceeds(t *testing.T) {
	_, c := newTestServer(t, WithAsyncPolls(1))
	c.provisionSync("sync")
	patch := map[string]any{"service_id": DefaultServiceID, "parameters": map[string]any{"size_gb": 3}}
	assert.Equal(t, http.StatusOK, c.do(http.MethodPatch, instancePath("sync"), patch).Status)
	got := c.do(http.MethodGet, instancePath("sync"), nil).JSON(t)
	assert.Equal(t, map[string]any{"size_gb": 3.0}, got["parameters"])

	// Moving to the asynchronous plan makes the update asynchronous.
	patch = map[string]any{"service_id": DefaultServiceID, "plan_id": DefaultAsyncPlanID}
	a := c.do(http.MethodPatch, instancePath("sync")+"?accepts_incomplete=true", patch)
	require.Equal(t, http.StatusAccepted, a.Status)
	operation := a.JSON(t)["operation"].(string)
	assert.Equal(t, operation, c.do(http.MethodPatch, instancePath("sync")+"?accepts_incomplete=true", patch).JSON(t)["operation"],
		"an identical update while it runs gets the same operation")
	busy := c.do(http.MethodGet, instancePath("sync"), nil)
	assert.Equal(t, http.StatusUnprocessableEntity, busy.Status, "GET during an update")
	assert.Equal(t, "ConcurrencyError", busy.JSON(t)["error"])
	other := map[string]any{"service_id": DefaultServiceID, "parameters": map[string]any{"size_gb": 9}}
	assert.Equal(t, "ConcurrencyError", c.do(http.MethodPatch, instancePath("sync")+"?accepts_incomplete=true", other).JSON(t)["error"])

	assert.Equal(t, "in progress", c.pollState(instancePath("sync"), operation))
	assert.Equal(t, "succeeded", c.pollState(instancePath("sync"), operation))
	assert.Equal(t, DefaultAsyncPlanID, c.do(http.MethodGet, instancePath("sync"), nil).JSON(t)["plan_id"])
}

func TestDeleteOfMissingResourceIsGone(t *testing.T) {
	_, c := newTestServer(t)
	c.provisionSync("i1")
	tests := map[string]string{
		"instance":                    instancePath("missing") + "?" + planQuery(DefaultSyncPlanID),
		"binding":                     bindingPath("i1", "missing") + "?" + planQuery(DefaultSyncPlanID),
		"binding of missing instance": bindingPath("missing", "b1") + "?" + planQuery(DefaultSyncPlanID),
	}
	for name, path := range tests {
		t.Run(name, func(t *testing.T) {
			a := c.do(http.MethodDelete, path, nil)
			assert.Equal(t, http.StatusGone, a.Status)
			assert.JSONEq(t, `{}`, string(a.Body))
		})
	}
}

func TestAsyncDeprovisionEndsGone(t *testing.T) {
	srv, c := newTestServer(t, WithAsyncPolls(0))
	c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))

	del := c.do(http.MethodDelete, instancePath("i1")+"?accepts_incomplete=true&"+planQuery(DefaultAsyncPlanID), nil)
	require.Equal(t, http.StatusAccepted, del.Status)
	operation := del.JSON(t)["operation"].(string)

	assert.Equal(t, "succeeded", c.pollState(instancePath("i1"), operation))
	assert.Empty(t, srv.Instances())
	gone := c.do(http.MethodGet, instancePath("i1")+"/last_operation?operation="+operation, nil)
	assert.Equal(t, http.StatusGone, gone.Status, "polling a finished deprovision")
	assert.Empty(t, gone.Header.Get("Retry-After"))
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, instancePath("never")+"/last_operation", nil).Status)
}

func TestDeprovisionWithBindingsIsRefused(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)

	a := c.do(http.MethodDelete, instancePath("i1")+"?"+planQuery(DefaultSyncPlanID), nil)
	assert.Equal(t, http.StatusUnprocessableEntity, a.Status)
	assert.Contains(t, a.JSON(t)["description"], "unbind")
	assert.Len(t, srv.Instances(), 1)
}

func TestBindReturnsCredentialsIdempotently(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")

	created := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(map[string]any{"role": "reader"}))
	require.Equal(t, http.StatusCreated, created.Status)
	creds := created.JSON(t)["credentials"].(map[string]any)
	username, password := creds["username"].(string), creds["password"].(string)
	assert.NotEmpty(t, username)
	assert.GreaterOrEqual(t, len(password), 20)
	assert.Contains(t, creds["uri"], username+":"+password+"@")

	replay := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(map[string]any{"role": "reader"}))
	assert.Equal(t, http.StatusOK, replay.Status)
	assert.Equal(t, creds, replay.JSON(t)["credentials"])
	assert.Equal(t, http.StatusConflict, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)

	got := c.do(http.MethodGet, bindingPath("i1", "b1"), nil)
	assert.Equal(t, http.StatusOK, got.Status)
	assert.Equal(t, creds, got.JSON(t)["credentials"])
	assert.Equal(t, map[string]any{"role": "reader"}, got.JSON(t)["parameters"])

	bindings := srv.Bindings()
	require.Len(t, bindings, 1)
	assert.Equal(t, password, bindings[0].Credentials.Password)
	assert.Equal(t, "app", bindings[0].AppGUID)

	assert.Equal(t, http.StatusOK, c.do(http.MethodDelete, bindingPath("i1", "b1")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
	assert.Empty(t, srv.Bindings())
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, bindingPath("i1", "b1"), nil).Status)
}

func TestBindToMissingInstanceIsNotFound(t *testing.T) {
	_, c := newTestServer(t)
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodPut, bindingPath("missing", "b1"), bindBody(nil)).Status)
}

func TestAsyncBindingLifecycle(t *testing.T) {
	srv, c := newTestServer(t, WithAsyncPolls(1), WithAsyncBindings(true))
	c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))
	c.pollState(instancePath("i1"), "")
	c.pollState(instancePath("i1"), "")
	body := bindBody(nil)
	body["plan_id"] = DefaultAsyncPlanID

	bind := c.do(http.MethodPut, bindingPath("i1", "b1")+"?accepts_incomplete=true", body)
	require.Equal(t, http.StatusAccepted, bind.Status)
	operation := bind.JSON(t)["operation"].(string)
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, bindingPath("i1", "b1"), nil).Status, "GET while binding")
	assert.Equal(t, "in progress", c.pollState(bindingPath("i1", "b1"), operation))
	assert.Equal(t, "succeeded", c.pollState(bindingPath("i1", "b1"), operation))
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, bindingPath("i1", "b1"), nil).Status)

	unbind := c.do(http.MethodDelete, bindingPath("i1", "b1")+"?accepts_incomplete=true&"+planQuery(DefaultAsyncPlanID), nil)
	require.Equal(t, http.StatusAccepted, unbind.Status)
	operation = unbind.JSON(t)["operation"].(string)
	assert.Equal(t, "in progress", c.pollState(bindingPath("i1", "b1"), operation))
	assert.Equal(t, "succeeded", c.pollState(bindingPath("i1", "b1"), operation))
	assert.Empty(t, srv.Bindings())
	assert.Equal(t, http.StatusGone, c.do(http.MethodGet, bindingPath("i1", "b1")+"/last_operation", nil).Status)
}

func TestFailingOperationsLeaveResourcesToCleanUp(t *testing.T) {
	srv, c := newTestServer(t, WithAsyncPolls(0), WithFailingOperations(OperationProvision))
	a := c.do(http.MethodPut, instancePath("i1")+"?accepts_incomplete=true", provisionBody(DefaultAsyncPlanID, nil))
	operation := a.JSON(t)["operation"].(string)

	assert.Equal(t, "failed", c.pollState(instancePath("i1"), operation))
	instances := srv.Instances()
	require.Len(t, instances, 1, "a failed provision leaves the instance for the platform to delete")
	assert.False(t, instances[0].Ready)
	assert.Equal(t, domain.Failed, instances[0].LastOperation.State)
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, instancePath("i1"), nil).Status)

	del := c.do(http.MethodDelete, instancePath("i1")+"?accepts_incomplete=true&"+planQuery(DefaultAsyncPlanID), nil)
	require.Equal(t, http.StatusAccepted, del.Status)
	assert.Equal(t, "succeeded", c.pollState(instancePath("i1"), del.JSON(t)["operation"].(string)))
	assert.Empty(t, srv.Instances())
}

func TestUnknownOperationIsBadRequest(t *testing.T) {
	_, c := newTestServer(t)
	c.provisionSync("i1")
	assert.Equal(t, "succeeded", c.pollState(instancePath("i1"), ""), "a synchronous provision is a finished operation")
	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodGet, instancePath("i1")+"/last_operation?operation=nope", nil).Status)
}

func TestPlansOutsideTheCatalogAreRejected(t *testing.T) {
	_, c := newTestServer(t)
	otherService := provisionBody(DefaultSyncPlanID, nil)
	otherService["service_id"] = "other"
	tests := []struct {
		name string
		body any
		want int
	}{
		{"plan of no service", provisionBody("no-such-plan", nil), http.StatusBadRequest},
		{"service not in catalog", otherService, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, c.do(http.MethodPut, instancePath("i1"), tt.body).Status)
		})
	}
}

func TestCRNInstanceIDsRoundTrip(t *testing.T) {
	srv, c := newTestServer(t)
	path := instancePath(crnInstanceID)
	require.True(t, strings.Contains(path, "%2F"), "the slash travels escaped: %s", path)

	c.provisionSync(crnInstanceID)
	assert.Equal(t, crnInstanceID, srv.Instances()[0].ID)
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, path, nil).Status)
	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath(crnInstanceID, "b/1"), bindBody(nil)).Status)
	assert.Equal(t, "b/1", srv.Bindings()[0].ID)
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/bluemix_v1/service_instances/"+pathEscapeAll(crnInstanceID), nil).Status)
	assert.Equal(t, http.StatusOK, c.do(http.MethodDelete, bindingPath(crnInstanceID, "b/1")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
	assert.Equal(t, http.StatusOK, c.do(http.MethodDelete, path+"?"+planQuery(DefaultSyncPlanID), nil).Status)
	assert.Empty(t, srv.Instances())
}

// pathEscapeAll escapes the colons too, as IBM's own examples do.
func pathEscapeAll(s string) string {
	return strings.NewReplacer(":", "%3A", "/", "%2F").Replace(s)
}
