package brokertest

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFaultAnswersStatusAndBodyForCountRequests(t *testing.T) {
	_, c := newTestServer(t)
	require.NoError(t, c.srv.InjectFault(Fault{Method: "GET", PathPattern: "/v2/catalog", Count: 2,
		Status: http.StatusBadGateway, Body: "<html>proxy error</html>"}))

	for range 2 {
		a := c.do(http.MethodGet, "/v2/catalog", nil)
		assert.Equal(t, http.StatusBadGateway, a.Status)
		assert.Equal(t, "<html>proxy error</html>", string(a.Body))
		assert.Equal(t, "text/plain; charset=utf-8", a.Header.Get("Content-Type"))
	}
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v2/catalog", nil).Status, "the fault is used up")
}

func TestFaultContentTypeDefaultsToJSONForJSONBodies(t *testing.T) {
	_, c := newTestServer(t)
	require.NoError(t, c.srv.InjectFault(Fault{Count: 1, Status: http.StatusTooManyRequests,
		Body: `{"description":"slow down"}`, Header: http.Header{"Retry-After": {"0"}}}))
	a := c.do(http.MethodGet, "/v2/catalog", nil)
	assert.Equal(t, http.StatusTooManyRequests, a.Status)
	assert.Equal(t, "application/json", a.Header.Get("Content-Type"))
	assert.Equal(t, "0", a.Header.Get("Retry-After"))
}

func TestFaultMatchesMethodAndGlobOnEscapedPath(t *testing.T) {
	_, c := newTestServer(t)
	c.provisionSync(crnInstanceID)
	// "*" spans the whole escaped CRN, which is one segment, but not a further segment.
	require.NoError(t, c.srv.InjectFault(Fault{Method: "get", PathPattern: "/v2/service_instances/crn:*", Status: http.StatusTeapot}))

	assert.Equal(t, http.StatusTeapot, c.do(http.MethodGet, instancePath(crnInstanceID), nil).Status)
	assert.Equal(t, http.StatusTeapot, c.do(http.MethodGet, instancePath(crnInstanceID), nil).Status, "Count 0 applies until cleared")
	assert.Equal(t, http.StatusNotFound, c.do(http.MethodGet, bindingPath(crnInstanceID, "b1"), nil).Status, "deeper path")
	assert.Equal(t, http.StatusOK, c.do(http.MethodPut, instancePath(crnInstanceID), provisionBody(DefaultSyncPlanID, nil)).Status, "other method")

	c.srv.ClearFaults()
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, instancePath(crnInstanceID), nil).Status)
}

func TestFaultDelaysThenServes(t *testing.T) {
	_, c := newTestServer(t)
	require.NoError(t, c.srv.InjectFault(Fault{Count: 1, Delay: 30 * time.Millisecond, Header: http.Header{"X-Injected": {"yes"}}}))
	start := time.Now()
	a := c.do(http.MethodGet, "/v2/catalog", nil)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
	assert.Equal(t, http.StatusOK, a.Status, "the broker answers after the delay")
	assert.Equal(t, "yes", a.Header.Get("X-Injected"))
	assert.Equal(t, "delay 30ms, headers", c.srv.Requests()[0].Fault)
}

func TestDropBeforeBrokerLeavesNoTrace(t *testing.T) {
	srv, c := newTestServer(t)
	require.NoError(t, srv.InjectFault(Fault{Method: "PUT", Count: 1, Drop: DropBeforeBroker}))

	_, err := c.send(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, nil))
	require.Error(t, err, "the connection closes without an answer")
	assert.Empty(t, srv.Instances(), "the broker never saw the request")
	recorded := srv.Requests()
	require.Len(t, recorded, 1)
	assert.Equal(t, 0, recorded[0].Status)
	assert.Equal(t, "drop-before", recorded[0].Fault)
}

func TestDropAfterBrokerActsThenReplaysAreSafe(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")
	require.NoError(t, srv.InjectFault(Fault{Method: "DELETE", Count: 1, Drop: DropAfterBroker}))

	_, err := c.send(http.MethodDelete, instancePath("i1")+"?"+planQuery(DefaultSyncPlanID), nil)
	require.Error(t, err, "the client never hears that the delete worked")
	assert.Empty(t, srv.Instances(), "but the broker did delete")
	replay := c.do(http.MethodDelete, instancePath("i1")+"?"+planQuery(DefaultSyncPlanID), nil)
	assert.Equal(t, http.StatusGone, replay.Status, "a replay finds its own earlier effect")
}

func TestCloseEndsInjectedDelays(t *testing.T) {
	srv, c := newTestServer(t)
	const delay = time.Minute
	require.NoError(t, srv.InjectFault(Fault{Delay: delay}))
	done := make(chan error, 1)
	go func() {
		_, err := c.send(http.MethodGet, "/v2/catalog", nil)
		done <- err
	}()
	time.Sleep(30 * time.Millisecond) // let the request reach the delay

	start := time.Now()
	srv.Close()
	assert.Less(t, time.Since(start), delay/2, "Close does not wait for the delay to end")
	select {
	case <-done:
	case <-time.After(delay / 2):
		t.Fatal("the delayed request did not end when the server closed")
	}
}

func TestInjectFaultRejectsInvalidFaults(t *testing.T) {
	srv, _ := newTestServer(t)
	tests := map[string]Fault{
		"bad glob":            {PathPattern: "/v2/["},
		"negative count":      {Count: -1},
		"negative delay":      {Delay: -time.Second},
		"status out of range": {Status: 99},
		"status and drop":     {Status: 503, Drop: DropAfterBroker},
		"unknown drop mode":   {Drop: DropMode(7)},
		"body without status": {Body: "oops"},
	}
	for name, f := range tests {
		t.Run(name, func(t *testing.T) {
			err := srv.InjectFault(f)
			assert.True(t, errors.Is(err, ErrInvalidFault), "got %v", err)
		})
	}
}

// faultSequence sends n catalog requests one after another and returns the faults recorded.
func faultSequence(t *testing.T, n int, opts ...Option) []string {
	srv, c := newTestServer(t, opts...)
	for range n {
		_, _ = c.send(http.MethodGet, "/v2/catalog", nil) // dropped connections are expected
	}
	var faults []string
	for _, r := range srv.Requests() {
		faults = append(faults, r.Fault)
	}
	require.Len(t, faults, n)
	return faults
}

func TestRandomFaultsAreReproducibleForASeed(t *testing.T) {
	opts := []Option{WithRandomFaults(0.3, 42, FaultUnavailable, FaultTooManyRequests)}
	first, second := faultSequence(t, 200, opts...), faultSequence(t, 200, opts...)
	assert.Equal(t, first, second)
	other := faultSequence(t, 200, WithRandomFaults(0.3, 43, FaultUnavailable, FaultTooManyRequests))
	assert.NotEqual(t, first, other)

	faulted := 0
	for _, f := range first {
		if f != "" {
			faulted++
			assert.Contains(t, []string{"status 503", "status 429"}, f)
		}
	}
	assert.InDelta(t, 60, faulted, 25, "about 30%% of 200 requests")
}

func TestRandomFaultKinds(t *testing.T) {
	tests := []struct {
		kind       FaultKind
		wantStatus int
	}{
		{FaultUnavailable, http.StatusServiceUnavailable},
		{FaultTooManyRequests, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			_, c := newTestServer(t, WithRandomFaults(1, 1, tt.kind), WithRandomFaultRetryAfter(0))
			a := c.do(http.MethodGet, "/v2/catalog", nil)
			assert.Equal(t, tt.wantStatus, a.Status)
			assert.NotEmpty(t, a.JSON(t)["description"])
			if tt.kind == FaultTooManyRequests {
				assert.Equal(t, "0", a.Header.Get("Retry-After"))
			}
		})
	}
	for _, kind := range []FaultKind{FaultDropBeforeBroker, FaultDropAfterBroker} {
		t.Run(string(kind), func(t *testing.T) {
			srv, c := newTestServer(t, WithRandomFaults(1, 1, kind))
			_, err := c.send(http.MethodPut, instancePath("i1"), provisionBody(DefaultSyncPlanID, nil))
			assert.Error(t, err)
			assert.Equal(t, kind == FaultDropAfterBroker, len(srv.Instances()) == 1, "did the broker act")
		})
	}
}

func TestSetRandomFaultsSwitchesThemOff(t *testing.T) {
	srv, c := newTestServer(t, WithRandomFaults(1, 7, FaultUnavailable))
	assert.Equal(t, http.StatusServiceUnavailable, c.do(http.MethodGet, "/v2/catalog", nil).Status)
	require.NoError(t, srv.SetRandomFaults(0, 0))
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v2/catalog", nil).Status)
	assert.ErrorIs(t, srv.SetRandomFaults(-0.1, 0), ErrInvalidFault)
}

func TestInjectedFaultsTakePrecedenceOverRandomOnes(t *testing.T) {
	srv, c := newTestServer(t, WithRandomFaults(1, 7, FaultUnavailable))
	require.NoError(t, srv.InjectFault(Fault{Count: 1, Status: http.StatusTeapot}))
	assert.Equal(t, http.StatusTeapot, c.do(http.MethodGet, "/v2/catalog", nil).Status)
	assert.Equal(t, http.StatusServiceUnavailable, c.do(http.MethodGet, "/v2/catalog", nil).Status)
}
