package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/conformance"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// These tests put brokers in front of brokertest that behave as brokers nobody here wrote do,
// in ways the specification allows or that break one rule only: the checker gives each the
// verdict the specification gives, and nothing else.

// interceptor answers a request itself (true) or lets brokertest answer it (false).
type interceptor func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool

// behind returns a client of a broker that is srv behind intercept.
func behind(t *testing.T, srv *brokertest.Server, intercept interceptor) *openservicebrokerv1.OpenServiceBrokerV1 {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	forward := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(openservicebrokerv1.HeaderRequestIdentity, r.Header.Get(openservicebrokerv1.HeaderRequestIdentity))
		if !intercept(w, r, forward) {
			forward.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(front.Close)
	client := srv.Client().Clone()
	require.NoError(t, client.SetServiceURL(front.URL))
	return client
}

// runToEnd polls brokertest until the operation r started on an instance ends.
func runToEnd(forward http.Handler, r *http.Request) {
	poll := httptest.NewRequest(http.MethodGet, strings.TrimSuffix(r.URL.EscapedPath(), "/")+"/last_operation", nil)
	poll.Header = r.Header.Clone()
	for done := false; !done; {
		state := httptest.NewRecorder()
		forward.ServeHTTP(state, poll)
		done = !strings.Contains(state.Body.String(), "in progress")
	}
}

func writeAnswer(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

func outcomes(report *conformance.Report) map[conformance.CheckID][]conformance.Result {
	byID := map[conformance.CheckID][]conformance.Result{}
	for _, result := range report.Results {
		byID[result.Check.ID] = append(byID[result.Check.ID], result)
	}
	return byID
}

// A broker may accept a DELETE while it provisions and answer the polls of the deletion with
// 410 Gone: the deletion is done ("Polling Last Operation": the platform MUST consider it a
// success), the run neither waits for the sweep's limit nor leaves anything behind.
func TestGoneOnTheDeletionsPollEndsIt(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveNoConcurrencyError), brokertest.WithAsyncPolls(3))
	defer srv.Close()
	var mu sync.Mutex
	deleted := map[string]bool{}
	client := behind(t, srv, func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool {
		mu.Lock()
		defer mu.Unlock()
		path := strings.TrimSuffix(r.URL.Path, "/last_operation")
		switch {
		case r.Method == http.MethodDelete && !strings.Contains(r.URL.Path, "service_bindings") && r.URL.Query().Get("accepts_incomplete") == "true":
			answer := httptest.NewRecorder()
			forward.ServeHTTP(answer, r)
			if answer.Code != http.StatusOK && answer.Code != http.StatusAccepted {
				writeAnswer(w, answer.Code, answer.Body.String())
				return true
			}
			runToEnd(forward, r)
			deleted[path] = true
			writeAnswer(w, http.StatusAccepted, `{"operation":"deleting"}`)
			return true
		case r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/last_operation") && deleted[path]:
			writeAnswer(w, http.StatusGone, `{}`)
			return true
		}
		return false
	})
	options := fastPolling(conformance.Options{Client: client, Plans: []string{brokertest.DefaultAsyncPlanID}})
	options.MaxWait = 20 * time.Second

	start := time.Now()
	report, err := conformance.Run(context.Background(), options)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), options.MaxWait, "no wait ran to its limit")
	assert.Empty(t, flagged(t, report, conformance.Info))
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Instances())
}

// A PUT the broker refused created nothing ("Orphan Mitigation": other 4xx, no mitigation):
// it is neither deleted nor left behind.
func TestARefusedCreateIsNoLeftover(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	var mu sync.Mutex
	var deletesOfRefused int
	client := behind(t, srv, func(w http.ResponseWriter, r *http.Request, _ http.Handler) bool {
		segments := strings.Split(r.URL.EscapedPath(), "/")
		if len(segments) < 4 || len(segments[3]) <= 100 {
			return false
		}
		mu.Lock()
		defer mu.Unlock()
		if r.Method == http.MethodDelete {
			deletesOfRefused++
		}
		writeAnswer(w, http.StatusBadRequest, `{"description":"instance ids have at most 100 characters"}`)
		return true
	})

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: client}))
	require.NoError(t, err)
	found := flagged(t, report)
	assert.Equal(t, map[conformance.CheckID]conformance.Outcome{conformance.IDsLongCRN: conformance.Info}, found, "a MAY the broker does not offer")
	assert.Empty(t, report.Leftovers)
	assert.Zero(t, deletesOfRefused, "nothing was created, so nothing is deleted")
}

// A broker that provisions synchronously without accepts_incomplete and asynchronously with it
// gets its asynchronous checks run.
func TestAsynchronousChecksRunWhenOnlyAcceptsIncompleteMakesItAsynchronous(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithAsyncPolls(1))
	defer srv.Close()
	client := behind(t, srv, func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool {
		if r.Method != http.MethodPut || strings.Contains(r.URL.Path, "service_bindings") || r.URL.Query().Get("accepts_incomplete") == "true" {
			return false
		}
		// Without accepts_incomplete, provision and wait before answering, as a broker with a
		// fast path does.
		query := r.URL.Query()
		query.Set("accepts_incomplete", "true")
		r.URL.RawQuery = query.Encode()
		accepted := httptest.NewRecorder()
		forward.ServeHTTP(accepted, r)
		if accepted.Code != http.StatusAccepted {
			writeAnswer(w, accepted.Code, accepted.Body.String())
			return true
		}
		runToEnd(forward, r)
		var body map[string]any
		if json.Unmarshal(accepted.Body.Bytes(), &body) != nil {
			return false
		}
		delete(body, "operation") // the dashboard_url stays: it belongs to the first answer
		created, _ := json.Marshal(body)
		writeAnswer(w, http.StatusCreated, string(created))
		return true
	})

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: client, Plans: []string{brokertest.DefaultAsyncPlanID}}))
	require.NoError(t, err)
	assert.Empty(t, flagged(t, report))
	results := outcomes(report)
	require.NotEmpty(t, results[conformance.ProvisionAsync202ThenSucceeded])
	assert.Equal(t, conformance.Pass, results[conformance.ProvisionAsync202ThenSucceeded][0].Outcome)
	assert.Equal(t, conformance.Pass, results[conformance.ProvisionSync201New][0].Outcome)
	assert.Empty(t, srv.Instances())
}

// "Fetching a Service Binding": a broker MAY return credentials only once.
func TestABindingFetchedWithoutCredentialsPasses(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := behind(t, srv, func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool {
		if r.Method != http.MethodGet || !strings.Contains(r.URL.Path, "service_bindings") || strings.HasSuffix(r.URL.Path, "/last_operation") {
			return false
		}
		fetched := httptest.NewRecorder()
		forward.ServeHTTP(fetched, r)
		if fetched.Code != http.StatusOK {
			writeAnswer(w, fetched.Code, fetched.Body.String())
			return true
		}
		writeAnswer(w, http.StatusOK, `{"parameters":{}}`)
		return true
	})

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: client, Plans: []string{brokertest.DefaultSyncPlanID}}))
	require.NoError(t, err)
	assert.Empty(t, flagged(t, report))
	assert.Equal(t, conformance.Pass, outcomes(report)[conformance.BindingGet][0].Outcome)
}

// The specification sets no limit on Retry-After: a broker asking for more than the checker's
// maximum wait gets inconclusive results, never a failure or a warning.
func TestRetryAfterBeyondTheMaximumWaitIsInconclusive(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithLastOperationRetryAfter(997200))
	defer srv.Close()
	options := fastPolling(conformance.Options{Client: srv.Client(), Plans: []string{brokertest.DefaultAsyncPlanID}})
	options.MaxWait = 30 * time.Minute

	report, err := conformance.Run(context.Background(), options)
	require.NoError(t, err)
	assert.Empty(t, flagged(t, report, conformance.Inconclusive))
	durations := outcomes(report)[conformance.LastOperationWithinMaximumPollingDuration]
	require.NotEmpty(t, durations)
	assert.Equal(t, conformance.Inconclusive, durations[0].Outcome)
	assert.Contains(t, durations[0].Message, "the broker asked to retry after 277 h, beyond the maximum wait of 30m0s")
	assert.Positive(t, report.Count(conformance.Inconclusive))
	var text strings.Builder
	require.NoError(t, conformance.WriteText(&text, report, false))
	assert.Contains(t, text.String(), "inconclusive", "the outcome is shown and counted")
}

// One answer that does not decode fails the check that owns its shape, once; the checks after
// it skip naming that check, and the binding it created is still removed.
func TestAnAnswerThatDoesNotDecodeFailsOneCheck(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	client := behind(t, srv, func(w http.ResponseWriter, r *http.Request, forward http.Handler) bool {
		if r.Method != http.MethodPut || !strings.Contains(r.URL.Path, "service_bindings") {
			return false
		}
		created := httptest.NewRecorder()
		forward.ServeHTTP(created, r)
		if created.Code != http.StatusCreated {
			writeAnswer(w, created.Code, created.Body.String())
			return true
		}
		writeAnswer(w, http.StatusCreated, `{"credentials":"user:password"}`)
		return true
	})

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: client, Plans: []string{brokertest.DefaultSyncPlanID}}))
	require.NoError(t, err)
	assert.Equal(t, map[conformance.CheckID]conformance.Outcome{conformance.AnswersBodyShape: conformance.Fail}, flagged(t, report))
	results := outcomes(report)
	assert.Equal(t, conformance.Pass, results[conformance.BindRequiresApp422][0].Outcome)
	assert.Equal(t, conformance.Pass, results[conformance.Bind201New][0].Outcome)
	assert.Equal(t, conformance.Skip, results[conformance.BindCredentials][0].Outcome)
	assert.Contains(t, results[conformance.BindCredentials][0].Message, string(conformance.AnswersBodyShape))
	assert.Empty(t, report.Leftovers)
	assert.Empty(t, srv.Bindings())
}

// The conflicting bind differs from the binding in its parameters, which is what "Binding,
// Response" names for 409.
func TestTheConflictingBindDiffersInParameters(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	_, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client(),
		Plans: []string{brokertest.DefaultSyncPlanID}, Only: []string{string(conformance.Bind409ConflictingRepeat)}}))
	require.NoError(t, err)
	conflicting := 0
	for _, request := range srv.Requests() {
		if request.Method == http.MethodPut && strings.Contains(request.Path, "service_bindings") && strings.Contains(string(request.Body), "osb_check_conflict") {
			conflicting++
		}
	}
	assert.Equal(t, 1, conflicting)
}

// Authentication is checked on every endpoint, each reported on its own.
func TestAuthenticationIsCheckedOnEveryEndpoint(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	report, err := conformance.Run(context.Background(), fastPolling(conformance.Options{Client: srv.Client(), Only: []string{"auth"}}))
	require.NoError(t, err)
	endpoints := map[string]bool{}
	for _, result := range outcomes(report)[conformance.AuthMissingCredentials401] {
		assert.Equal(t, conformance.Pass, result.Outcome, result.Subject)
		endpoints[result.Subject] = true
	}
	assert.Len(t, endpoints, 10)
	assert.Contains(t, endpoints, "DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id")
}
