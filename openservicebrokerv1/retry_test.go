package openservicebrokerv1

import (
	"context"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

func TestCheckRetryByStatus(t *testing.T) {
	tests := []struct {
		status int
		retry  bool
	}{
		{200, false}, {201, false}, {202, false}, {204, false}, {302, false},
		{400, false}, {401, false}, {403, false}, {404, false}, {408, false}, {409, false},
		{410, false}, {412, false}, {422, false},
		{429, true},
		{500, true}, {501, false}, {502, true}, {503, true}, {504, true}, {599, true},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			for _, method := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete} {
				resp := &http.Response{StatusCode: tt.status, Request: httptest.NewRequest(method, "/v2/catalog", nil)}

				retry, err := checkRetry(context.Background(), resp, nil)

				require.NoError(t, err)
				assert.Equalf(t, tt.retry, retry, "%s answered %d", method, tt.status)
			}
		})
	}
}

// "Updating a Service Instance, Response": a failed update the broker calls not repeatable is
// not sent again; other methods, and repeatable or unreadable answers, keep their retries. The
// body stays whole for the decoding that follows.
func TestCheckRetryHonoursUpdateRepeatableForPatch(t *testing.T) {
	tests := []struct {
		name   string
		method string
		status int
		body   string
		retry  bool
	}{
		{name: "PATCH 500 not repeatable", method: http.MethodPatch, status: 500, body: `{"update_repeatable":false}`, retry: false},
		{name: "PATCH 503 not repeatable", method: http.MethodPatch, status: 503, body: `{"description":"x","update_repeatable":false}`, retry: false},
		{name: "PATCH 500 repeatable", method: http.MethodPatch, status: 500, body: `{"update_repeatable":true}`, retry: true},
		{name: "PATCH 500 without the field", method: http.MethodPatch, status: 500, body: `{"description":"boom"}`, retry: true},
		{name: "PATCH 500 not JSON", method: http.MethodPatch, status: 500, body: `<html>oops</html>`, retry: true},
		{name: "PATCH 429 not repeatable", method: http.MethodPatch, status: 429, body: `{"update_repeatable":false}`, retry: true},
		{name: "PUT 500 with the field", method: http.MethodPut, status: 500, body: `{"update_repeatable":false}`, retry: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Body: io.NopCloser(strings.NewReader(tt.body)),
				Request: httptest.NewRequest(tt.method, "/v2/service_instances/i", nil)}

			retry, err := checkRetry(context.Background(), resp, nil)

			require.NoError(t, err)
			assert.Equal(t, tt.retry, retry)
			body, err := io.ReadAll(resp.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.body, string(body))
		})
	}
}

// hijackAndClose is a handler that reads the request and drops the connection without answering.
func hijackAndClose(w http.ResponseWriter, r *http.Request) {
	_, _ = io.ReadAll(r.Body)
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// waitForClientToLeave is a handler that never answers: it returns when the client gives up.
// It reads the body first, since only then does the server notice a closed connection.
func waitForClientToLeave(_ http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	<-r.Context().Done()
}

// transportErrorOf sends request with client and returns the error net/http gives.
func transportErrorOf(t *testing.T, client *http.Client, request *http.Request) error {
	t.Helper()
	response, err := client.Do(request)
	if response != nil {
		_ = response.Body.Close()
	}
	require.Error(t, err)
	return err
}

func newGet(t *testing.T, url string) *http.Request {
	t.Helper()
	request, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	return request
}

func TestCheckRetryByTransportError(t *testing.T) {
	closedAddress := func() string {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		address := listener.Addr().String()
		require.NoError(t, listener.Close())
		return address
	}
	serve := func(handler http.HandlerFunc) *httptest.Server {
		server := httptest.NewServer(handler)
		t.Cleanup(server.Close)
		return server
	}
	serveTLS := func() *httptest.Server {
		server := httptest.NewTLSServer(answer(200, jsonType, "{}"))
		t.Cleanup(server.Close)
		return server
	}

	tests := []struct {
		name  string
		err   func() error
		retry bool
	}{
		{"connection refused", func() error {
			return transportErrorOf(t, &http.Client{}, newGet(t, "http://"+closedAddress()+"/v2/catalog"))
		}, true},
		{"connection dropped before the answer", func() error {
			return transportErrorOf(t, &http.Client{}, newGet(t, serve(hijackAndClose).URL))
		}, true},
		{"attempt timed out", func() error {
			return transportErrorOf(t, &http.Client{Timeout: 20 * time.Millisecond}, newGet(t, serve(waitForClientToLeave).URL))
		}, true},
		{"certificate of an unknown authority", func() error {
			return transportErrorOf(t, &http.Client{}, newGet(t, serveTLS().URL))
		}, false},
		{"certificate for another host", func() error {
			server := serveTLS()
			return transportErrorOf(t, server.Client(), newGet(t, strings.Replace(server.URL, "127.0.0.1", "localhost", 1)))
		}, false},
		{"unsupported scheme", func() error {
			return transportErrorOf(t, &http.Client{}, newGet(t, "ftp://127.0.0.1/v2/catalog"))
		}, false},
		{"invalid header", func() error {
			request := newGet(t, serve(answer(200, jsonType, "{}")).URL)
			request.Header.Set("X-Broker-API-Originating-Identity", "cloudfoundry x\ny")
			return transportErrorOf(t, &http.Client{}, request)
		}, false},
		{"too many redirects", func() error {
			loop := func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, r.URL.Path, http.StatusFound) }
			return transportErrorOf(t, &http.Client{}, newGet(t, serve(loop).URL))
		}, false},
		{"no host", func() error {
			return transportErrorOf(t, &http.Client{}, newGet(t, "http:///v2/catalog"))
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()

			retry, checkErr := checkRetry(context.Background(), nil, err)

			require.NoError(t, checkErr)
			assert.Equalf(t, tt.retry, retry, "transport error %q", err)
		})
	}
}

// stubTransport gives every attempt the same outcome.
type stubTransport struct {
	status int
	header http.Header
	err    error
}

func (t stubTransport) RoundTrip(request *http.Request) (*http.Response, error) {
	if t.err != nil {
		return nil, t.err
	}
	return &http.Response{StatusCode: t.status, Header: t.header, Body: http.NoBody, Request: request}, nil
}

func TestRetryBudgetEarnsOnlyWhenTheBrokerAnswered(t *testing.T) {
	tests := []struct {
		name    string
		outcome stubTransport
		earned  int64
	}{
		{name: "200", outcome: stubTransport{status: http.StatusOK}, earned: budgetUnit},
		{name: "400", outcome: stubTransport{status: http.StatusBadRequest}, earned: budgetUnit},
		{name: "certificate of an unknown authority", outcome: stubTransport{err: x509.UnknownAuthorityError{}}},
		{name: "unsupported scheme", outcome: stubTransport{err: errors.New(`unsupported protocol scheme "ftp"`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			budget := &retryBudget{}
			stack := &transportStack{base: tt.outcome, policy: retryPolicy{maxRetries: 1}, budget: budget}

			resp, _, err := stack.retry(newGet(t, "http://127.0.0.1/v2/catalog"))
			discard(resp)

			assert.Equal(t, tt.outcome.err, err)
			assert.Equal(t, tt.earned, budget.units.Load())
		})
	}
}

func TestCheckRetryStopsOnceTheContextIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	for name, attempt := range map[string]struct {
		resp *http.Response
		err  error
	}{
		"503":             {resp: &http.Response{StatusCode: 503}},
		"transport error": {err: io.ErrUnexpectedEOF},
	} {
		retry, err := checkRetry(ctx, attempt.resp, attempt.err)

		assert.Falsef(t, retry, "%s after cancel", name)
		assert.NoErrorf(t, err, "%s: the attempt's own outcome must reach the caller", name)
	}
}

func responseWithRetryAfter(value string) *http.Response {
	resp := &http.Response{StatusCode: 503, Header: http.Header{}, Request: httptest.NewRequest(http.MethodPut, "/", nil)}
	if value != "" {
		resp.Header.Set("Retry-After", value)
	}
	return resp
}

func TestRetryBackoffHonoursRetryAfterUpToTheMaximum(t *testing.T) {
	inFive := time.Now().Add(5 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name       string
		retryAfter string
		maxWait    time.Duration
		atLeast    time.Duration
		atMost     time.Duration
	}{
		{name: "seconds", retryAfter: "3", maxWait: 10 * time.Second, atLeast: 3 * time.Second, atMost: 3 * time.Second},
		{name: "zero seconds", retryAfter: "0", maxWait: 10 * time.Second, atLeast: 0, atMost: 0},
		{name: "seconds above the maximum", retryAfter: "3600", maxWait: 10 * time.Second, atLeast: 10 * time.Second, atMost: 10 * time.Second},
		{name: "HTTP date", retryAfter: inFive, maxWait: 10 * time.Second, atLeast: 3 * time.Second, atMost: 5 * time.Second},
		{name: "HTTP date above the maximum", retryAfter: inFive, maxWait: time.Second, atLeast: time.Second, atMost: time.Second},
		{name: "HTTP date in the past", retryAfter: "Mon, 02 Jan 2006 15:04:05 GMT", maxWait: time.Second, atLeast: 0, atMost: 0},
		{name: "unreadable value falls back to the first step", retryAfter: "soon", maxWait: 10 * time.Second, atLeast: 50 * time.Millisecond, atMost: 100 * time.Millisecond},
		{name: "no header gives the first step", retryAfter: "", maxWait: 10 * time.Second, atLeast: 50 * time.Millisecond, atMost: 100 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait := retryBackoff(context.Background(), 100*time.Millisecond, tt.maxWait, 0, responseWithRetryAfter(tt.retryAfter))

			assert.GreaterOrEqual(t, wait, tt.atLeast)
			assert.LessOrEqual(t, wait, tt.atMost)
		})
	}
}

func TestRetryBackoffGrowsExponentiallyWithinJitterBounds(t *testing.T) {
	minWait, maxWait := 100*time.Millisecond, 2*time.Second
	for attempt, step := range []time.Duration{
		100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
		1600 * time.Millisecond, 2 * time.Second, 2 * time.Second, 2 * time.Second,
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			wait := retryBackoff(context.Background(), minWait, maxWait, attempt, nil)

			require.GreaterOrEqualf(t, wait, step/2, "attempt %d", attempt)
			require.LessOrEqualf(t, wait, step, "attempt %d", attempt)
			seen[wait] = true
		}
		assert.Greaterf(t, len(seen), 1, "attempt %d: waits are not jittered", attempt)
	}
}

func TestExponentialStepEdges(t *testing.T) {
	assert.Equal(t, time.Duration(0), exponentialStep(0, time.Second, 5))
	assert.Equal(t, time.Second, exponentialStep(time.Second, time.Second, 0))
	assert.Equal(t, 10*time.Second, exponentialStep(time.Second, 10*time.Second, 1000), "a large attempt number saturates")
	assert.Equal(t, 500*time.Millisecond, exponentialStep(time.Second, 500*time.Millisecond, 0), "the maximum wins over the minimum")
}

func TestRetryBackoffNeverWaitsPastTheDeadline(t *testing.T) {
	withDeadline := func(left time.Duration) context.Context {
		ctx, cancel := context.WithTimeout(context.Background(), left)
		t.Cleanup(cancel)
		return ctx
	}
	busy := responseWithRetryAfter("5")

	wait := retryBackoff(withDeadline(50*time.Millisecond), time.Second, 10*time.Second, 3, busy)
	assert.Greater(t, wait, time.Duration(0))
	assert.LessOrEqual(t, wait, 50*time.Millisecond)

	assert.Equal(t, time.Duration(0), retryBackoff(withDeadline(-time.Second), time.Second, 10*time.Second, 3, busy))

	wait = retryBackoff(withDeadline(time.Hour), time.Second, 10*time.Second, 3, busy)
	assert.Equal(t, 5*time.Second, wait, "a distant deadline does not shorten the wait")
}

// slowAuthenticator takes its time before it lets a request go, as one fetching a token does.
type slowAuthenticator struct{ delay time.Duration }

func (a slowAuthenticator) AuthenticationType() string { return core.AUTHTYPE_NOAUTH }
func (a slowAuthenticator) Validate() error            { return nil }
func (a slowAuthenticator) Authenticate(*http.Request) error {
	time.Sleep(a.delay)
	return nil
}

// The client's timeout bounds each attempt from its sending: an authenticator slower than the
// timeout delays the call, it does not make it fail unsent.
func TestTheTimeoutStartsAfterAuthentication(t *testing.T) {
	const timeout = 100 * time.Millisecond
	var requests atomic.Int32
	server := serve(t, func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		answer(http.StatusOK, jsonType, `{"state":"succeeded"}`)(w, r)
	})
	client := newClientWith(t, server.URL, slowAuthenticator{delay: 2 * timeout})
	client.GetHTTPClient().Timeout = timeout

	result, _, err := client.GetLastOperation(client.NewGetLastOperationOptions("instance-1"))

	require.NoError(t, err)
	assert.Equal(t, "succeeded", *result.State)
	assert.Equal(t, int32(1), requests.Load())
}

// TestRetryWaitIsNotCutAtTheAttemptDeadline: the client's timeout bounds each attempt, not the
// wait between attempts, which only the call's context ends.
func TestRetryWaitIsNotCutAtTheAttemptDeadline(t *testing.T) {
	var attempts []time.Time
	busy := stubTransport{status: http.StatusServiceUnavailable, header: http.Header{"Retry-After": {"1"}}}
	recording := testkit.RoundTripperFunc(func(request *http.Request) (*http.Response, error) {
		attempts = append(attempts, time.Now())
		return busy.RoundTrip(request)
	})
	stack := &transportStack{base: recording, timeout: 20 * time.Millisecond, maxBytes: 1 << 10,
		policy: retryPolicy{maxRetries: 1, minWait: time.Millisecond, maxWait: 10 * time.Second}}

	resp, _, err := stack.retry(newGet(t, "http://127.0.0.1/v2/catalog"))
	discard(resp)

	require.NoError(t, err)
	require.Len(t, attempts, 2)
	assert.GreaterOrEqual(t, attempts[1].Sub(attempts[0]), time.Second, "the broker's Retry-After was honoured")
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{value: "", ok: false},
		{value: "soon", ok: false},
		{value: "1.5", ok: false},
		{value: "0", want: 0, ok: true},
		{value: "7", want: 7 * time.Second, ok: true},
		{value: " 12 ", want: 12 * time.Second, ok: true},
		{value: "-3", want: 0, ok: true},
		{value: "99999999999999999", want: time.Duration(1<<63 - 1), ok: true},
		{value: "Fri, 02 Jan 2026 15:04:35 GMT", want: 30 * time.Second, ok: true},
		{value: "Friday, 02-Jan-26 15:05:05 GMT", want: time.Minute, ok: true},
		{value: "Fri Jan  2 15:04:15 2026", want: 10 * time.Second, ok: true},
		{value: "Fri, 02 Jan 2026 15:00:00 GMT", want: 0, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			header := http.Header{}
			if tt.value != "" {
				header.Set("Retry-After", tt.value)
			}

			got, ok := parseRetryAfter(header, now)

			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// brokerScript answers attempts in turn with the given handlers (the last one repeats) and counts them.
type brokerScript struct {
	mu       sync.Mutex
	handlers []http.HandlerFunc
	bodies   []string
	attempts atomic.Int32
}

func (s *brokerScript) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	attempt := int(s.attempts.Add(1))
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(strings.NewReader(string(body)))
	s.mu.Lock()
	s.bodies = append(s.bodies, string(body))
	s.mu.Unlock()
	s.handlers[min(attempt, len(s.handlers))-1](w, r)
}

// provisionWithRetries sends one provision request through a client with the default number of
// retries, waiting at most maxWait between attempts.
func provisionWithRetries(t *testing.T, ctx context.Context, script *brokerScript, maxWait time.Duration) (int, error) {
	t.Helper()
	server := httptest.NewServer(script)
	t.Cleanup(server.Close)
	client := newLoopbackClient(t, server.URL)
	client.EnableRetries(DefaultMaxRetries, maxWait)

	response, err := sendProvision(t, ctx, client)
	if response == nil {
		return 0, err
	}
	return response.StatusCode, err
}

func TestRetriesOverHTTP(t *testing.T) {
	unavailable := answer(503, jsonType, `{"description":"try again"}`)
	created := answer(201, jsonType, `{"dashboard_url":"http://dashboard"}`)
	tests := []struct {
		name     string
		handlers []http.HandlerFunc
		status   int
		attempts int32
	}{
		{name: "5xx then success", handlers: []http.HandlerFunc{unavailable, answer(502, "text/html", "<html/>"), created}, status: 201, attempts: 3},
		{name: "429 then success", handlers: []http.HandlerFunc{answer(429, "", ""), created}, status: 201, attempts: 2},
		{name: "dropped connection after the broker read the request, then success", handlers: []http.HandlerFunc{hijackAndClose, created}, status: 201, attempts: 2},
		{name: "400 is not retried", handlers: []http.HandlerFunc{answer(400, jsonType, `{}`), created}, status: 400, attempts: 1},
		{name: "501 is not retried", handlers: []http.HandlerFunc{answer(501, "", ""), created}, status: 501, attempts: 1},
		{name: "422 ConcurrencyError is left to the caller", handlers: []http.HandlerFunc{answer(422, jsonType, `{"error":"ConcurrencyError"}`), created}, status: 422, attempts: 1},
		{name: "the last answer reaches the caller when retries run out", handlers: []http.HandlerFunc{unavailable}, status: 503, attempts: 1 + DefaultMaxRetries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := &brokerScript{handlers: tt.handlers}

			status, _ := provisionWithRetries(t, context.Background(), script, 20*time.Millisecond)

			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.attempts, script.attempts.Load())
			for _, body := range script.bodies {
				assert.JSONEq(t, `{"service_id":"service-1","plan_id":"plan-1","organization_guid":"org-1","space_guid":"space-1"}`, body, "every attempt carries the whole body")
			}
		})
	}
}

func TestRetriesCapAnHourLongRetryAfter(t *testing.T) {
	hourLong := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	script := &brokerScript{handlers: []http.HandlerFunc{hourLong}}
	// Without the cap the first wait would last until this deadline, and the call would end there.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	status, err := provisionWithRetries(t, ctx, script, 20*time.Millisecond)

	assert.NoError(t, ctx.Err(), "every wait was capped, so the retries ended before the deadline")
	assert.Equal(t, int32(1+DefaultMaxRetries), script.attempts.Load())
	assert.Equal(t, 503, status)
	assert.Error(t, err)
}

func TestRetryWaitEndsWhenTheContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	const retryWait = 5 * time.Second
	slowDown := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		time.AfterFunc(30*time.Millisecond, cancel) // during the wait before the retry
	}
	script := &brokerScript{handlers: []http.HandlerFunc{slowDown}}
	started := time.Now()

	_, err := provisionWithRetries(t, ctx, script, 10*time.Second)

	assert.Less(t, time.Since(started), retryWait/2, "returns at the cancellation, not when the Retry-After wait ends")
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
	assert.Equal(t, int32(1), script.attempts.Load())
}
