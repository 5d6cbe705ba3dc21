package openservicebrokerv1

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// canned is one answer of a scriptedBroker.
type canned struct {
	status int
	body   string
	// retryAfter is sent as the Retry-After header when not empty.
	retryAfter string
	// retryAfterIn, when positive, sends Retry-After as the HTTP date this long after the broker's clock.
	retryAfterIn time.Duration
	// drop closes the connection in the middle of the status line. (Closing it before any answer
	// would let net/http send a GET again by itself on a reused connection.)
	drop bool
	// hang answers only once the client has gone away.
	hang bool
}

func inProgress() canned { return canned{status: 200, body: `{"state":"in progress"}`} }
func succeeded() canned  { return canned{status: 200, body: `{"state":"succeeded"}`} }

// seenRequest is a request a scriptedBroker received.
type seenRequest struct {
	method, path string
	query        url.Values
	header       http.Header
	at           time.Time
}

// scriptedBroker answers each "METHOD path" with its script in order, repeating the last answer,
// and records every request. Unscripted requests get 404.
type scriptedBroker struct {
	mu       sync.Mutex
	scripts  map[string][]canned
	served   map[string]int
	requests []seenRequest
	now      func() time.Time
}

func newScriptedBroker(t *testing.T, scripts map[string][]canned) (*scriptedBroker, *httptest.Server) {
	return newScriptedBrokerWithClock(t, scripts, time.Now)
}

// newScriptedBrokerWithClock is newScriptedBroker telling the time (of requests, of Retry-After dates) with now.
func newScriptedBrokerWithClock(t *testing.T, scripts map[string][]canned, now func() time.Time) (*scriptedBroker, *httptest.Server) {
	broker := &scriptedBroker{scripts: scripts, served: map[string]int{}, now: now}
	server := httptest.NewServer(broker)
	t.Cleanup(server.Close)
	return broker, server
}

func (b *scriptedBroker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer, ok := b.next(r)
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	switch {
	case answer.drop:
		closeWithoutAnswer(w)
		return
	case answer.hang:
		// The server notices that the client left only once the request body has been read.
		_, _ = io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
		return
	case answer.retryAfter != "":
		w.Header().Set("Retry-After", answer.retryAfter)
	case answer.retryAfterIn > 0:
		w.Header().Set("Retry-After", b.now().Add(answer.retryAfterIn).UTC().Format(http.TimeFormat))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(answer.status)
	_, _ = w.Write([]byte(answer.body))
}

func (b *scriptedBroker) next(r *http.Request) (canned, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := r.Method + " " + r.URL.Path
	b.requests = append(b.requests, seenRequest{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), at: b.now()})
	script := b.scripts[key]
	if len(script) == 0 {
		return canned{}, false
	}
	index := min(b.served[key], len(script)-1)
	b.served[key]++
	return script[index], true
}

// seen returns the requests received for "METHOD path".
func (b *scriptedBroker) seen(method, path string) []seenRequest {
	b.mu.Lock()
	defer b.mu.Unlock()
	var matching []seenRequest
	for _, request := range b.requests {
		if request.method == method && request.path == path {
			matching = append(matching, request)
		}
	}
	return matching
}

func closeWithoutAnswer(w http.ResponseWriter) {
	connection, buffered, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	_, _ = buffered.WriteString("HTTP/1.1 2")
	_ = buffered.Flush()
	_ = connection.Close()
}

// newScriptedClient starts a scripted broker and returns it with a client of it (see
// newWaitTestClient).
func newScriptedClient(t *testing.T, scripts map[string][]canned) (*scriptedBroker, *OpenServiceBrokerV1) {
	t.Helper()
	broker, server := newScriptedBroker(t, scripts)
	return broker, newWaitTestClient(t, server.URL)
}

// newWaitTestClient returns a client of the broker at url with the client's own retries off, so
// that every failure reaches the waiter and polls can be counted.
func newWaitTestClient(t *testing.T, url string) *OpenServiceBrokerV1 {
	t.Helper()
	client, err := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{URL: url, Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(t, err)
	client.DisableRetries()
	return client
}

// fakeClock is the shared fake clock, seen through the waiter's clock interface.
type fakeClock struct{ *testkit.FakeClock }

func newFakeClock() fakeClock { return fakeClock{testkit.NewFakeClock()} }

func (c fakeClock) now() time.Time { return c.Now() }

func (c fakeClock) sleep(ctx context.Context, d time.Duration) error { return c.Sleep(ctx, d) }

// scaledClock runs factor times faster than the real one: it really sleeps, for d/factor, and its
// time moves factor times faster. A Retry-After of seconds thus costs milliseconds.
type scaledClock struct {
	origin time.Time
	factor time.Duration
}

func (c scaledClock) now() time.Time {
	return c.origin.Add(time.Since(c.origin) * c.factor)
}

func (c scaledClock) sleep(ctx context.Context, d time.Duration) error {
	return realClock{}.sleep(ctx, d/c.factor)
}

const (
	waitInstanceID = "instance-1"
	waitBindingID  = "binding-1"
	lastOpPath     = "/v2/service_instances/" + waitInstanceID + "/last_operation"
	bindingLastOp  = "/v2/service_instances/" + waitInstanceID + "/service_bindings/" + waitBindingID + "/last_operation"
)

// instanceWait returns options to wait for waitInstanceID's operation "op-1" on clock.
func instanceWait(client *OpenServiceBrokerV1, clock waitClock) *WaitForLastOperationOptions {
	options := client.NewWaitForLastOperationOptions(waitInstanceID).SetOperation("op-1").
		SetMinDelay(time.Second).SetMaxDelay(8 * time.Second)
	options.clock = clock
	return options
}

func TestWaitForLastOperationPollsUntilSucceeded(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{
		"GET " + lastOpPath: {inProgress(), inProgress(), {status: 200, body: `{"state":"succeeded","description":"ready"}`}},
	})
	identity, err := NewOriginatingIdentity(PlatformCloudFoundry, CloudFoundryIdentity{UserID: "user-1"})
	require.NoError(t, err)
	clock := newFakeClock()
	options := instanceWait(client, clock).SetServiceID("service-1").SetPlanID("plan-1").
		SetOriginatingIdentity(identity).SetHeaders(map[string]string{"X-Trace": "t-1"})

	result, response, err := client.WaitForLastOperation(context.Background(), options)

	require.NoError(t, err)
	assert.Equal(t, "succeeded", *result.State)
	assert.Equal(t, "ready", *result.Description)
	assert.Equal(t, 200, response.StatusCode)
	polls := broker.seen(http.MethodGet, lastOpPath)
	require.Len(t, polls, 3)
	for _, poll := range polls {
		assert.Equal(t, "op-1", poll.query.Get("operation"))
		assert.Equal(t, "service-1", poll.query.Get("service_id"))
		assert.Equal(t, "plan-1", poll.query.Get("plan_id"))
		assert.Equal(t, identity, poll.header.Get(HeaderOriginatingIdentity))
		assert.Equal(t, "t-1", poll.header.Get("X-Trace"))
	}
	assert.Equal(t, []time.Duration{time.Second, 2 * time.Second}, clock.Slept(), "stops the moment the terminal state arrives")
}

func TestWaitHonoursRetryAfter(t *testing.T) {
	inProgressFor := func(answer canned) canned {
		answer.status, answer.body = 200, `{"state":"in progress"}`
		return answer
	}
	backoff := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}
	tests := []struct {
		name   string
		answer canned
		want   []time.Duration
	}{
		{name: "seconds above the maximum delay", answer: inProgressFor(canned{retryAfter: "20"}),
			want: []time.Duration{20 * time.Second, 20 * time.Second, 20 * time.Second}},
		{name: "HTTP date", answer: inProgressFor(canned{retryAfterIn: 7 * time.Second}),
			want: []time.Duration{7 * time.Second, 7 * time.Second, 7 * time.Second}},
		{name: "zero: the minimum delay still applies", answer: inProgressFor(canned{retryAfter: "0"}),
			want: []time.Duration{time.Second, time.Second, time.Second}},
		{name: "unreadable: backoff", answer: inProgressFor(canned{retryAfter: "soon"}), want: backoff},
		{name: "absent: backoff", answer: inProgress(), want: backoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			broker, server := newScriptedBrokerWithClock(t, map[string][]canned{
				"GET " + lastOpPath: {tt.answer, tt.answer, tt.answer, succeeded()},
			}, clock.now)
			client := newWaitTestClient(t, server.URL)

			_, _, err := client.WaitForLastOperation(context.Background(), instanceWait(client, clock))

			require.NoError(t, err)
			polls := broker.seen(http.MethodGet, lastOpPath)
			require.Len(t, polls, 4)
			assert.Equal(t, tt.want, clock.Slept())
			for i := 1; i < len(polls); i++ {
				assert.Equal(t, tt.want[i-1], polls[i].at.Sub(polls[i-1].at), "spacing between polls %d and %d as the broker saw it", i, i+1)
			}
		})
	}
}

// TestWaitRetryAfterMeasuredOverHTTP measures real spacing between polls with a clock that runs
// 1000 times faster: "Retry-After: 2" must keep polls at least 2 ms (2 s scaled) apart.
func TestWaitRetryAfterMeasuredOverHTTP(t *testing.T) {
	const factor = 1000
	answer := canned{status: 200, body: `{"state":"in progress"}`, retryAfter: "2"}
	broker, client := newScriptedClient(t, map[string][]canned{
		"GET " + lastOpPath: {answer, answer, answer, answer, succeeded()},
	})
	options := instanceWait(client, scaledClock{origin: time.Now(), factor: factor}).SetMinDelay(100 * time.Millisecond).SetMaxDelay(time.Second)

	_, _, err := client.WaitForLastOperation(context.Background(), options)

	require.NoError(t, err)
	polls := broker.seen(http.MethodGet, lastOpPath)
	require.Len(t, polls, 5, "four 'in progress' answers and the final one")
	for i := 1; i < len(polls); i++ {
		spacing := polls[i].at.Sub(polls[i-1].at)
		assert.GreaterOrEqual(t, spacing, 2*time.Second/factor, "poll %d came earlier than Retry-After allows", i+1)
		t.Logf("poll %d -> %d: %v real (%v scaled)", i, i+1, spacing, spacing*factor)
	}
}

func TestWaitBacksOffExponentiallyWithinBounds(t *testing.T) {
	tests := []struct {
		name     string
		min, max time.Duration
		want     []time.Duration
	}{
		{name: "doubles up to the maximum", min: time.Second, max: 8 * time.Second,
			want: []time.Duration{1, 2, 4, 8, 8, 8}},
		{name: "equal bounds keep a fixed delay", min: 3 * time.Second, max: 3 * time.Second,
			want: []time.Duration{3, 3, 3, 3, 3, 3}},
		{name: "maximum not a power of two of the minimum", min: 2 * time.Second, max: 5 * time.Second,
			want: []time.Duration{2, 4, 5, 5, 5, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := []canned{inProgress(), inProgress(), inProgress(), inProgress(), inProgress(), inProgress(), succeeded()}
			_, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: script})
			clock := newFakeClock()
			options := instanceWait(client, clock).SetMinDelay(tt.min).SetMaxDelay(tt.max)

			_, _, err := client.WaitForLastOperation(context.Background(), options)

			require.NoError(t, err)
			want := make([]time.Duration, len(tt.want))
			for i, seconds := range tt.want {
				want[i] = seconds * time.Second
			}
			assert.Equal(t, want, clock.Slept())
		})
	}
}

func TestWaitEndsWithOperationFailedError(t *testing.T) {
	_, client := newScriptedClient(t, map[string][]canned{
		"GET " + lastOpPath: {inProgress(), {status: 200, body: `{"state":"failed","description":"disk quota exceeded","instance_usable":false,"update_repeatable":true}`}},
	})

	result, response, err := client.WaitForLastOperation(context.Background(), instanceWait(client, newFakeClock()))

	var failed *OperationFailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, "op-1", failed.Operation)
	assert.Equal(t, waitInstanceID, failed.InstanceID)
	assert.Equal(t, "disk quota exceeded", failed.Description)
	assert.Equal(t, core.BoolPtr(false), failed.InstanceUsable)
	assert.Equal(t, core.BoolPtr(true), failed.UpdateRepeatable)
	assert.Same(t, response, failed.Response)
	assert.Equal(t, "failed", *result.State, "the final answer is returned with the error")
	assert.Equal(t, `WaitForLastOperation: asynchronous operation "op-1" on service instance "instance-1" failed: disk quota exceeded; the instance is no longer usable`, err.Error())
}

func TestWaitTreats410AsSuccessOnlyForDeletions(t *testing.T) {
	gone := canned{status: 410, body: `{}`}
	t.Run("deletion", func(t *testing.T) {
		broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {inProgress(), gone}})

		result, response, err := client.WaitForLastOperation(context.Background(), instanceWait(client, newFakeClock()).SetDeletion(true))

		require.NoError(t, err)
		assert.Nil(t, result)
		assert.Equal(t, 410, response.StatusCode)
		assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 2)
	})
	t.Run("no deletion: an invalid answer, polling goes on", func(t *testing.T) {
		broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {gone, gone, succeeded()}})

		result, _, err := client.WaitForLastOperation(context.Background(), instanceWait(client, newFakeClock()))

		require.NoError(t, err)
		assert.Equal(t, "succeeded", *result.State)
		assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 3)
	})
}

func TestWaitReturnsPromptlyWhenTheContextIsCancelled(t *testing.T) {
	t.Run("while sleeping between polls", func(t *testing.T) {
		_, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {inProgress()}})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		polled := make(chan struct{}, 1)
		options := client.NewWaitForLastOperationOptions(waitInstanceID).SetMinDelay(time.Minute).
			SetOnPoll(func(PollEvent) { polled <- struct{}{} })
		var cancelledAt time.Time
		go func() {
			<-polled
			time.Sleep(20 * time.Millisecond) // let the waiter fall asleep
			cancelledAt = time.Now()
			cancel()
		}()

		_, _, err := client.WaitForLastOperation(ctx, options)
		latency := time.Since(cancelledAt)

		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, latency, time.Minute/2, "returns at the cancellation, not when the one-minute sleep ends")
		t.Logf("returned %v after the cancellation", latency)
	})
	t.Run("while a poll is in flight", func(t *testing.T) {
		_, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {{hang: true}}})
		ctx, sinceCancel := testkit.CancelAfter(t, 30*time.Millisecond)

		_, _, err := client.WaitForLastOperation(ctx, client.NewWaitForLastOperationOptions(waitInstanceID))
		latency := sinceCancel()

		require.ErrorIs(t, err, context.Canceled)
		assert.Less(t, latency, DefaultTimeout/2, "returns at the cancellation, not at the client's timeout")
		t.Logf("returned %v after the cancellation", latency)
	})
}

func TestWaitTimesOut(t *testing.T) {
	t.Run("after the maximum wait", func(t *testing.T) {
		broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {inProgress()}})
		clock := newFakeClock()

		_, _, err := client.WaitForLastOperation(context.Background(), instanceWait(client, clock).SetMaxDelay(4*time.Second).SetMaxWait(10*time.Second))

		require.ErrorIs(t, err, ErrWaitTimeout)
		assert.Equal(t, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}, clock.Slept(), "a fourth wait of 4 s would end after 10 s")
		assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 4)
		assert.Contains(t, err.Error(), `service instance "instance-1" after 4 polls (last state: in progress, maximum wait 10s)`)
	})
	t.Run("at once when Retry-After points past the maximum wait", func(t *testing.T) {
		broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {{status: 200, body: `{"state":"in progress"}`, retryAfter: "120"}}})
		clock := newFakeClock()

		_, _, err := client.WaitForLastOperation(context.Background(), instanceWait(client, clock).SetMaxWait(time.Minute))

		require.ErrorIs(t, err, ErrWaitTimeout)
		assert.Empty(t, clock.Slept(), "no poll could come within the maximum wait, so none is waited for")
		assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 1)
	})
	t.Run("at the plan's maximum_polling_duration", func(t *testing.T) {
		_, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {inProgress()}})
		clock := newFakeClock()

		_, _, err := client.WaitForLastOperation(context.Background(), instanceWait(client, clock).SetMaximumPollingDuration(5))

		require.ErrorIs(t, err, ErrWaitTimeout)
		assert.Equal(t, []time.Duration{time.Second, 2 * time.Second}, clock.Slept())
	})
	t.Run("names the last state and wraps the last transient failure", func(t *testing.T) {
		_, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {inProgress(), {status: 503, body: `{"description":"maintenance"}`}}})

		_, _, err := client.WaitForLastOperation(context.Background(), instanceWait(client, newFakeClock()).SetMaxWait(time.Minute))

		require.ErrorIs(t, err, ErrWaitTimeout)
		var brokerErr *BrokerError
		require.ErrorAs(t, err, &brokerErr)
		assert.Equal(t, 503, brokerErr.StatusCode)
		assert.Contains(t, err.Error(), "(last state: in progress, maximum wait 1m0s)")
		assert.Contains(t, err.Error(), "the last poll failed: GetLastOperation: broker answered 503 Service Unavailable: maintenance")
	})
	t.Run("in real time, cutting short a poll the broker holds open", func(t *testing.T) {
		broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {inProgress(), {hang: true}}})
		const maxWait = 300 * time.Millisecond
		options := client.NewWaitForLastOperationOptions(waitInstanceID).SetMinDelay(2 * time.Millisecond).
			SetMaxDelay(5 * time.Millisecond).SetMaxWait(maxWait)
		start := time.Now()

		_, _, err := client.WaitForLastOperation(context.Background(), options)
		elapsed := time.Since(start)

		require.ErrorIs(t, err, ErrWaitTimeout)
		assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 2, "polls again after a real sleep")
		assert.GreaterOrEqual(t, elapsed, maxWait, "waits the whole maximum wait")
		assert.Less(t, elapsed, DefaultTimeout/2, "ends at the maximum wait, not when the held poll times out")
		t.Logf("a %v wait ended after %v", maxWait, elapsed)
	})
}

func TestWaitPollsThroughTransientFailures(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{
		"GET " + lastOpPath: {
			{status: 503, body: `<html>unavailable</html>`},
			{status: 429, body: `{}`, retryAfter: "3"},
			{drop: true},
			{status: 200, body: `{"state":`},
			{status: 500, body: `{"description":"boom"}`},
			succeeded(),
		},
	})
	clock := newFakeClock()
	var events []PollEvent
	options := instanceWait(client, clock).SetOnPoll(func(event PollEvent) { events = append(events, event) })

	result, _, err := client.WaitForLastOperation(context.Background(), options)

	require.NoError(t, err)
	assert.Equal(t, "succeeded", *result.State)
	assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 6)
	require.Len(t, events, 6)
	for _, event := range events[:5] {
		assert.Error(t, event.Err, "poll %d", event.Attempt)
		assert.Empty(t, event.State)
	}
	assert.NoError(t, events[5].Err)
	assert.Equal(t, 3*time.Second, clock.Slept()[1], "Retry-After of the 429 is honoured")
}

func TestWaitSendsEachPollOnce(t *testing.T) {
	unavailable := canned{status: 503, body: `{}`}
	broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {unavailable, unavailable, succeeded()}})
	client.EnableRetries(2, time.Millisecond)
	var attempts []int
	options := instanceWait(client, newFakeClock()).SetOnPoll(func(event PollEvent) { attempts = append(attempts, event.Attempt) })

	_, _, err := client.WaitForLastOperation(context.Background(), options)

	require.NoError(t, err)
	assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 3, "requests on the wire")
	assert.Equal(t, []int{1, 2, 3}, attempts, "a failed poll is followed by the next poll, not by the client's retries")
}

func TestWaitStopsOnA4xx(t *testing.T) {
	for _, status := range []int{400, 401, 403, 404, 412, 422, 501} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{"GET " + lastOpPath: {{status: status, body: `{"description":"no"}`}, succeeded()}})

			_, response, err := client.WaitForLastOperation(context.Background(), instanceWait(client, newFakeClock()))

			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, status, brokerErr.StatusCode)
			assert.Equal(t, status, response.StatusCode)
			assert.NotErrorIs(t, err, ErrWaitTimeout)
			assert.Len(t, broker.seen(http.MethodGet, lastOpPath), 1)
		})
	}
}

func TestWaitReportsEveryPoll(t *testing.T) {
	_, client := newScriptedClient(t, map[string][]canned{
		"GET " + lastOpPath: {
			{status: 200, body: `{"state":"in progress","description":"10%"}`},
			{status: 200, body: `{"state":"in progress","description":"60%"}`},
			{status: 200, body: `{"state":"succeeded","description":"done"}`},
		},
	})
	var events []PollEvent
	options := instanceWait(client, newFakeClock()).SetOnPoll(func(event PollEvent) { events = append(events, event) })

	_, _, err := client.WaitForLastOperation(context.Background(), options)

	require.NoError(t, err)
	assert.Equal(t, []PollEvent{
		{State: "in progress", Description: "10%", Attempt: 1, Elapsed: 0},
		{State: "in progress", Description: "60%", Attempt: 2, Elapsed: time.Second},
		{State: "succeeded", Description: "done", Attempt: 3, Elapsed: 3 * time.Second},
	}, events)
}

func TestWaitForBindingLastOperation(t *testing.T) {
	tests := []struct {
		name     string
		answers  []canned
		deletion bool
		check    func(t *testing.T, result *BindingLastOperationResp, response *core.DetailedResponse, err error)
	}{
		{name: "succeeded", answers: []canned{inProgress(), succeeded()},
			check: func(t *testing.T, result *BindingLastOperationResp, _ *core.DetailedResponse, err error) {
				require.NoError(t, err)
				assert.Equal(t, "succeeded", *result.State)
			}},
		{name: "failed", answers: []canned{{status: 200, body: `{"state":"failed","description":"no capacity"}`}},
			check: func(t *testing.T, _ *BindingLastOperationResp, _ *core.DetailedResponse, err error) {
				var failed *OperationFailedError
				require.ErrorAs(t, err, &failed)
				assert.Equal(t, waitBindingID, failed.BindingID)
				assert.Equal(t, "no capacity", failed.Description)
				assert.Equal(t, `WaitForBindingLastOperation: asynchronous operation "op-1" on service binding "binding-1" of service instance "instance-1" failed: no capacity`, err.Error())
			}},
		{name: "410 while unbinding", answers: []canned{inProgress(), {status: 410, body: `{}`}}, deletion: true,
			check: func(t *testing.T, result *BindingLastOperationResp, response *core.DetailedResponse, err error) {
				require.NoError(t, err)
				assert.Nil(t, result)
				assert.Equal(t, 410, response.StatusCode)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{"GET " + bindingLastOp: tt.answers})
			options := client.NewWaitForBindingLastOperationOptions(waitBindingID, waitInstanceID).SetOperation("op-1").
				SetServiceID("service-1").SetPlanID("plan-1").SetDeletion(tt.deletion)
			options.clock = newFakeClock()

			result, response, err := client.WaitForBindingLastOperation(context.Background(), options)

			tt.check(t, result, response, err)
			polls := broker.seen(http.MethodGet, bindingLastOp)
			require.Len(t, polls, len(tt.answers))
			assert.Equal(t, "op-1", polls[0].query.Get("operation"))
			assert.Equal(t, "plan-1", polls[0].query.Get("plan_id"))
		})
	}
}

func TestWaitRejectsInvalidOptionsBeforeSending(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{})
	tests := []struct {
		name      string
		wait      func() error
		parameter string
	}{
		{name: "nil options", parameter: "options", wait: func() error {
			_, _, err := client.WaitForLastOperation(context.Background(), nil)
			return err
		}},
		{name: "nil binding options", parameter: "options", wait: func() error {
			_, _, err := client.WaitForBindingLastOperation(context.Background(), nil)
			return err
		}},
		{name: "blank instance ID", parameter: "instance_id", wait: func() error {
			_, _, err := client.WaitForLastOperation(context.Background(), client.NewWaitForLastOperationOptions(" "))
			return err
		}},
		{name: "missing binding ID", parameter: "binding_id", wait: func() error {
			_, _, err := client.WaitForBindingLastOperation(context.Background(), &WaitForBindingLastOperationOptions{InstanceID: core.StringPtr("i")})
			return err
		}},
		{name: "negative minimum delay", parameter: "MinDelay", wait: func() error {
			_, _, err := client.WaitForLastOperation(context.Background(), client.NewWaitForLastOperationOptions("i").SetMinDelay(-time.Second))
			return err
		}},
		{name: "negative maximum wait", parameter: "MaxWait", wait: func() error {
			_, _, err := client.WaitForLastOperation(context.Background(), client.NewWaitForLastOperationOptions("i").SetMaxWait(-time.Second))
			return err
		}},
		{name: "minimum above maximum delay", parameter: "MinDelay", wait: func() error {
			options := client.NewWaitForLastOperationOptions("i").SetMinDelay(time.Minute).SetMaxDelay(time.Second)
			_, _, err := client.WaitForLastOperation(context.Background(), options)
			return err
		}},
		{name: "zero maximum polling duration", parameter: "MaximumPollingDuration", wait: func() error {
			_, _, err := client.WaitForBindingLastOperation(context.Background(), client.NewWaitForBindingLastOperationOptions("b", "i").SetMaximumPollingDuration(0))
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.wait()

			var parameterErr *ParameterError
			require.ErrorAs(t, err, &parameterErr)
			assert.Equal(t, tt.parameter, parameterErr.Parameter)
		})
	}
	assert.Empty(t, broker.requests)
}

func TestWaitSettingsDefaults(t *testing.T) {
	tests := []struct {
		name    string
		options *WaitOptions
		want    waitSettings
	}{
		{name: "nil", options: nil, want: waitSettings{minDelay: time.Second, maxDelay: 30 * time.Second, maxWait: time.Hour}},
		{name: "only a small maximum delay", options: NewWaitOptions().SetMaxDelay(100 * time.Millisecond),
			want: waitSettings{minDelay: 100 * time.Millisecond, maxDelay: 100 * time.Millisecond, maxWait: time.Hour}},
		{name: "only a large minimum delay", options: NewWaitOptions().SetMinDelay(time.Minute),
			want: waitSettings{minDelay: time.Minute, maxDelay: time.Minute, maxWait: time.Hour}},
		{name: "plan's maximum polling duration", options: NewWaitOptions().SetMaximumPollingDuration(600),
			want: waitSettings{minDelay: time.Second, maxDelay: 30 * time.Second, maxWait: 10 * time.Minute}},
		{name: "the smaller of both maximums", options: NewWaitOptions().SetMaximumPollingDuration(600).SetMaxWait(time.Minute),
			want: waitSettings{minDelay: time.Second, maxDelay: 30 * time.Second, maxWait: time.Minute}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			settings, err := tt.options.settings("Test")
			require.NoError(t, err)
			assert.Equal(t, realClock{}, settings.clock)
			settings.clock = nil
			assert.Equal(t, tt.want, settings)
		})
	}
}

func TestRealClockSleepEndsWithTheContext(t *testing.T) {
	assert.NoError(t, realClock{}.sleep(context.Background(), time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, realClock{}.sleep(ctx, time.Hour), context.Canceled)
}
