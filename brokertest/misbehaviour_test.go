package brokertest

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const acceptsIncomplete = "?accepts_incomplete=true"

// misbehaviourShown sends requests to a broker with the misbehaviour and asserts that it shows.
var misbehaviourShown = map[Misbehaviour]func(t *testing.T, srv *Server, c *osbClient){
	MisbehaveCreateAnswers200: func(t *testing.T, _ *Server, c *osbClient) {
		assert.Equal(t, http.StatusOK, c.do(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, nil)).Status, "new instance")
		bind := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil))
		assert.Equal(t, http.StatusOK, bind.Status, "new binding")
		assert.NotEmpty(t, bind.JSON(t)["credentials"])
	},
	MisbehaveDeleteMissingAnswers200: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		assert.Equal(t, http.StatusOK, c.do(http.MethodDelete, instancePath("missing")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
		assert.Equal(t, http.StatusOK, c.do(http.MethodDelete, bindingPath("i1", "missing")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
	},
	MisbehaveDeleteMissingAnswers404: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		assert.Equal(t, http.StatusNotFound, c.do(http.MethodDelete, instancePath("missing")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
		assert.Equal(t, http.StatusNotFound, c.do(http.MethodDelete, bindingPath("i1", "missing")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
	},
	MisbehaveIgnoreAcceptsIncomplete: func(t *testing.T, _ *Server, c *osbClient) {
		a := c.do(http.MethodPut, instancePath("i1"), provisionBody(DefaultAsyncPlanID, nil))
		assert.Equal(t, http.StatusAccepted, a.Status, "body: %s", a.Body)
	},
	MisbehaveStateSpelling: func(t *testing.T, _ *Server, c *osbClient) {
		a := c.do(http.MethodPut, instancePath("i1")+acceptsIncomplete, provisionBody(DefaultAsyncPlanID, nil))
		require.Equal(t, http.StatusAccepted, a.Status)
		assert.Equal(t, "in_progress", c.pollState(instancePath("i1"), a.JSON(t)["operation"].(string)))
	},
	MisbehaveNoOperation: func(t *testing.T, _ *Server, c *osbClient) {
		a := c.do(http.MethodPut, instancePath("i1")+acceptsIncomplete, provisionBody(DefaultAsyncPlanID, nil))
		require.Equal(t, http.StatusAccepted, a.Status)
		assert.NotContains(t, a.JSON(t), "operation")
		assert.Equal(t, "in progress", c.pollState(instancePath("i1"), ""), "last_operation reports the latest operation")
	},
	MisbehaveNoConcurrencyError: func(t *testing.T, srv *Server, c *osbClient) {
		c.provisionSync("i1")
		update := map[string]any{"service_id": DefaultServiceID, "plan_id": DefaultAsyncPlanID}
		require.Equal(t, http.StatusAccepted, c.do(http.MethodPatch, instancePath("i1")+acceptsIncomplete, update).Status)
		deprovision := c.do(http.MethodDelete, instancePath("i1")+acceptsIncomplete+"&"+planQuery(DefaultSyncPlanID), nil)
		assert.Equal(t, http.StatusOK, deprovision.Status, "a deprovision during the update: body %s", deprovision.Body)
		assert.Empty(t, srv.Instances())
	},
	MisbehaveNoCredentialsOnSyncBind: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		bind := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil))
		assert.Equal(t, http.StatusCreated, bind.Status)
		assert.NotContains(t, bind.JSON(t), "credentials")
		assert.NotEmpty(t, c.do(http.MethodGet, bindingPath("i1", "b1"), nil).JSON(t)["credentials"], "GET still has them")
	},
	MisbehaveDuplicatePlanID: func(t *testing.T, _ *Server, c *osbClient) {
		plans := c.do(http.MethodGet, "/v2/catalog", nil).JSON(t)["services"].([]any)[0].(map[string]any)["plans"].([]any)
		ids, names := map[any]int{}, map[any]int{}
		for _, p := range plans {
			ids[p.(map[string]any)["id"]]++
			names[p.(map[string]any)["name"]]++
		}
		assert.Equal(t, 2, ids[DefaultSyncPlanID], "the first plan's id appears twice")
		assert.Len(t, names, len(plans), "plan names stay unique")
	},
	MisbehaveNoIdentityEcho: func(t *testing.T, srv *Server, c *osbClient) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/v2/catalog", nil)
		require.NoError(t, err)
		req.SetBasicAuth(srv.Username, srv.Password)
		req.Header.Set("X-Broker-API-Version", "2.17")
		req.Header.Set(requestIdentityHeader, "rid-1")
		resp, err := c.http.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Empty(t, resp.Header.Values(requestIdentityHeader))
	},
	MisbehaveEmptyDeleteBody: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		deleted := c.do(http.MethodDelete, instancePath("i1")+"?"+planQuery(DefaultSyncPlanID), nil)
		assert.Equal(t, http.StatusOK, deleted.Status)
		assert.Empty(t, deleted.Body)
	},
	MisbehaveGoneAsText: func(t *testing.T, _ *Server, c *osbClient) {
		gone := c.do(http.MethodDelete, instancePath("missing")+"?"+planQuery(DefaultSyncPlanID), nil)
		assert.Equal(t, http.StatusGone, gone.Status)
		assert.Equal(t, "text/plain; charset=utf-8", gone.Header.Get("Content-Type"))
		assert.JSONEq(t, `{}`, string(gone.Body))
	},
	MisbehaveEmptyErrorDescription: func(t *testing.T, _ *Server, c *osbClient) {
		missing := c.do(http.MethodGet, instancePath("missing"), nil)
		assert.Equal(t, http.StatusNotFound, missing.Status)
		assert.JSONEq(t, `{"description":""}`, string(missing.Body))
	},
	MisbehaveFetchMissingAnswers410: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		assert.Equal(t, http.StatusGone, c.do(http.MethodGet, instancePath("missing"), nil).Status)
		assert.Equal(t, http.StatusGone, c.do(http.MethodGet, bindingPath("i1", "missing"), nil).Status)
		assert.Equal(t, http.StatusOK, c.do(http.MethodGet, instancePath("i1"), nil).Status, "an instance that exists is served")
	},
	MisbehavePollMissingAnswers410: func(t *testing.T, _ *Server, c *osbClient) {
		assert.Equal(t, http.StatusGone, c.do(http.MethodGet, instancePath("missing")+"/last_operation", nil).Status)
	},
	MisbehaveMalformedAnswers422: func(t *testing.T, _ *Server, c *osbClient) {
		assert.Equal(t, http.StatusUnprocessableEntity, c.do(http.MethodPut, instancePath("i1"), map[string]any{}).Status)
		assert.Equal(t, http.StatusUnprocessableEntity, c.do(http.MethodDelete, instancePath("i1"), nil).Status)
	},
	MisbehaveDashboardURLLate: func(t *testing.T, _ *Server, c *osbClient) {
		first := c.do(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, nil))
		require.Equal(t, http.StatusCreated, first.Status)
		assert.NotContains(t, first.JSON(t), "dashboard_url")
		repeat := c.do(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, nil))
		assert.NotEmpty(t, repeat.JSON(t)["dashboard_url"], "a later answer carries it")
	},
	MisbehaveFetchDuringUpdateAnswers200: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		update := map[string]any{"service_id": DefaultServiceID, "plan_id": DefaultAsyncPlanID}
		require.Equal(t, http.StatusAccepted, c.do(http.MethodPatch, instancePath("i1")+acceptsIncomplete, update).Status)
		fetched := c.do(http.MethodGet, instancePath("i1"), nil)
		assert.Equal(t, http.StatusOK, fetched.Status, "GET during the update: body %s", fetched.Body)
	},
	MisbehaveUpdateWithoutPlanChangesPlan: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionSync("i1")
		update := map[string]any{"service_id": DefaultServiceID, "parameters": map[string]any{"size_gb": 20}}
		require.Equal(t, http.StatusOK, c.do(http.MethodPatch, instancePath("i1"), update).Status)
		assert.Equal(t, DefaultAsyncPlanID, c.do(http.MethodGet, instancePath("i1"), nil).JSON(t)["plan_id"])
	},
	MisbehaveBindIgnoresAcceptsIncomplete: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionAsync("i1")
		bind := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil))
		assert.Equal(t, http.StatusAccepted, bind.Status, "body: %s", bind.Body)
	},
	MisbehaveBusyUnbindAnswers410: func(t *testing.T, _ *Server, c *osbClient) {
		c.provisionAsync("i1")
		require.Equal(t, http.StatusAccepted, c.do(http.MethodPut, bindingPath("i1", "b1")+acceptsIncomplete, bindBody(nil)).Status)
		unbind := c.do(http.MethodDelete, bindingPath("i1", "b1")+acceptsIncomplete+"&"+planQuery(DefaultAsyncPlanID), nil)
		assert.Equal(t, http.StatusGone, unbind.Status, "an unbind while binding: body %s", unbind.Body)
	},
	MisbehaveUnprocessableBodyAnswers422: func(t *testing.T, srv *Server, c *osbClient) {
		req, err := http.NewRequest(http.MethodPut, srv.URL+instancePath("i1"), strings.NewReader(`{"service_id": `))
		require.NoError(t, err)
		req.SetBasicAuth(srv.Username, srv.Password)
		req.Header.Set("X-Broker-API-Version", "2.17")
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.http.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
		assert.Equal(t, http.StatusBadRequest, c.do(http.MethodPut, instancePath("i1"), map[string]any{}).Status, "a JSON body lacking fields still gets 400")
	},
	MisbehaveSnakeCaseMetadata: func(t *testing.T, _ *Server, c *osbClient) {
		metadata := c.do(http.MethodGet, "/v2/catalog", nil).JSON(t)["services"].([]any)[0].(map[string]any)["metadata"].(map[string]any)
		assert.Equal(t, "Brokertest DB", metadata["display_name"])
		assert.NotContains(t, metadata, "displayName")
	},
	MisbehaveUnbindAnswers204: func(t *testing.T, srv *Server, c *osbClient) {
		c.provisionSync("i1")
		require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)
		unbind := c.do(http.MethodDelete, bindingPath("i1", "b1")+"?"+planQuery(DefaultSyncPlanID), nil)
		assert.Equal(t, http.StatusNoContent, unbind.Status)
		assert.Empty(t, unbind.Body)
		assert.Empty(t, srv.Bindings(), "the binding is gone all the same")
		assert.Equal(t, http.StatusGone, c.do(http.MethodDelete, bindingPath("i1", "b1")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
		assert.Equal(t, http.StatusOK, c.do(http.MethodDelete, instancePath("i1")+"?"+planQuery(DefaultSyncPlanID), nil).Status, "a deprovision is answered as before")
	},
	MisbehaveInstanceUsableOnEveryPoll: func(t *testing.T, _ *Server, c *osbClient) {
		a := c.do(http.MethodPut, instancePath("i1")+acceptsIncomplete, provisionBody(DefaultAsyncPlanID, nil))
		require.Equal(t, http.StatusAccepted, a.Status)
		poll := c.do(http.MethodGet, instancePath("i1")+"/last_operation", nil)
		assert.Equal(t, true, poll.JSON(t)["instance_usable"], "a provision's poll carries it")
	},
}

// misbehaviourNeeds are the options without which a misbehaviour cannot show: the update
// without plan_id is synchronous on a broker without asynchronous plans, and only asynchronous
// bindings have a bind in progress or need accepts_incomplete.
var misbehaviourNeeds = map[Misbehaviour][]Option{
	MisbehaveUpdateWithoutPlanChangesPlan: {WithAsyncPlans()},
	MisbehaveBindIgnoresAcceptsIncomplete: {WithAsyncBindings(true)},
	MisbehaveBusyUnbindAnswers410:         {WithAsyncBindings(true)},
}

func TestEachMisbehaviourShows(t *testing.T) {
	require.Len(t, misbehaviourShown, len(Misbehaviours()), "a test per misbehaviour")
	for _, m := range Misbehaviours() {
		t.Run(string(m), func(t *testing.T) {
			srv, c := newTestServer(t, append([]Option{WithMisbehaviour(m), WithAsyncPolls(5)}, misbehaviourNeeds[m]...)...)
			misbehaviourShown[m](t, srv, c)
		})
	}
}

func TestMisbehavioursAreDistinct(t *testing.T) {
	seen := map[Misbehaviour]bool{}
	for _, m := range Misbehaviours() {
		assert.False(t, seen[m], "%s listed twice", m)
		seen[m] = true
	}
	assert.Len(t, seen, 25)
}

func TestWithMisbehaviourRejectsUnknownAndContradictoryOnes(t *testing.T) {
	_, err := Start(WithMisbehaviour("be-rude"))
	assert.ErrorContains(t, err, `unknown misbehaviour "be-rude"`)
	_, err = Start(WithMisbehaviour(MisbehaveDeleteMissingAnswers200, MisbehaveDeleteMissingAnswers404))
	assert.ErrorContains(t, err, "contradict")
}
