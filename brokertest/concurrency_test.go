package brokertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
)

// retrying sends a request until it gets one of the wanted statuses, retrying dropped
// connections, 429 and 503 as a resilient client would.
func (c *osbClient) retrying(method, path string, body any, want ...int) (answer, bool) {
	for range 100 {
		a, err := c.send(method, path, body)
		if err != nil || a.Status == http.StatusServiceUnavailable || a.Status == http.StatusTooManyRequests {
			continue
		}
		if slices.Contains(want, a.Status) {
			return a, true
		}
		c.t.Errorf("%s %s: status %d, want %v: %s", method, path, a.Status, want, a.Body)
		return a, false
	}
	c.t.Errorf("%s %s: no answer after 100 attempts", method, path)
	return answer{}, false
}

// waitFor polls an asynchronous operation until it ends (or its resource is gone).
func (c *osbClient) waitFor(path string, a answer) bool {
	if a.Status != http.StatusAccepted {
		return true // finished already: 200 on a replay, or 410 for a replayed delete
	}
	var op struct{ Operation string }
	if err := json.Unmarshal(a.Body, &op); err != nil {
		c.t.Errorf("202 answer %s: %v", a.Body, err)
		return false
	}
	for range 100 {
		poll, ok := c.retrying(http.MethodGet, path+"/last_operation?operation="+op.Operation, nil, http.StatusOK, http.StatusGone)
		if !ok {
			return false
		}
		if poll.Status == http.StatusGone || !bytes.Contains(poll.Body, []byte("in progress")) {
			return true
		}
	}
	c.t.Errorf("%s: operation %s never finished", path, op.Operation)
	return false
}

func (c *osbClient) lifecycle(id, planID string) {
	async := "?accepts_incomplete=true"
	created, ok := c.retrying(http.MethodPut, instancePath(id)+async, provisionBody(planID, nil), http.StatusCreated, http.StatusOK, http.StatusAccepted)
	if !ok || !c.waitFor(instancePath(id), created) {
		return
	}
	if _, ok := c.retrying(http.MethodPut, bindingPath(id, "b"), bindBody(nil), http.StatusCreated, http.StatusOK); !ok {
		return
	}
	if _, ok := c.retrying(http.MethodDelete, bindingPath(id, "b")+"?"+planQuery(planID), nil, http.StatusOK, http.StatusGone); !ok {
		return
	}
	deleted, ok := c.retrying(http.MethodDelete, instancePath(id)+async+"&"+planQuery(planID), nil, http.StatusOK, http.StatusGone, http.StatusAccepted)
	if ok {
		c.waitFor(instancePath(id), deleted)
	}
}

func TestConcurrentLifecyclesUnderRandomFaultsLeaveNothingBehind(t *testing.T) {
	srv, c := newTestServer(t, WithRandomFaults(0.2, 1), WithRandomFaultRetryAfter(0), WithAsyncPolls(1))
	var wg sync.WaitGroup
	for worker := range 8 {
		wg.Go(func() {
			for i := range 10 {
				plan := []string{DefaultSyncPlanID, DefaultAsyncPlanID}[i%2]
				c.lifecycle(fmt.Sprintf("instance-%d-%d", worker, i), plan)
			}
		})
	}
	wg.Wait()

	assert.Empty(t, srv.Instances())
	assert.Empty(t, srv.Bindings())
	faulted := 0
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			faulted++
		}
	}
	assert.Positive(t, faulted, "faults were injected")
}
