package openservicebrokerv1_test

// Resilience over real HTTP: a brokertest broker on loopback injects the faults a platform
// meets (5xx, 429, connections dropped before or after the broker acted, a broker that never
// answers), and each test proves one promise of the client's defaults.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

const (
	instanceID = "instance-1"
	bindingID  = "binding-1"
	// fastRetryInterval keeps tests that retry fast: the first wait is at most this long.
	fastRetryInterval = 10 * time.Millisecond
	// guardTimeout ends a call that a broken cap would otherwise stall for an hour.
	guardTimeout = 5 * time.Second

	instancePath = "/v2/service_instances/" + instanceID
	bindingPath  = instancePath + "/service_bindings/" + bindingID
	catalogPath  = "/v2/catalog"
)

// brokerCall is one client operation whose outcome a test judges.
type brokerCall func(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error)

func provision(planID string) brokerCall {
	return func(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
		options := client.NewReplaceServiceInstanceOptions(instanceID).
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(planID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID).SetAcceptsIncomplete(true)
		_, response, err := client.ReplaceServiceInstanceWithContext(ctx, options)
		return response, err
	}
}

func update(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	options := client.NewUpdateServiceInstanceOptions(instanceID).
		SetServiceID(brokertest.DefaultServiceID).SetParameters(map[string]any{"size_gb": 2})
	_, response, err := client.UpdateServiceInstanceWithContext(ctx, options)
	return response, err
}

func deprovision(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	options := client.NewDeleteServiceInstanceOptions(brokertest.DefaultServiceID, brokertest.DefaultSyncPlanID, instanceID)
	_, response, err := client.DeleteServiceInstanceWithContext(ctx, options)
	return response, err
}

func getInstance(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	_, response, err := client.GetServiceInstanceWithContext(ctx, client.NewGetServiceInstanceOptions(instanceID))
	return response, err
}

func bind(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	_, response, err := client.ReplaceServiceBindingWithContext(ctx, bindOptions(client))
	return response, err
}

func bindOptions(client *osb.OpenServiceBrokerV1) *osb.ReplaceServiceBindingOptions {
	return client.NewReplaceServiceBindingOptions(bindingID, instanceID).
		SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID)
}

func unbind(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	options := client.NewDeleteServiceBindingOptions(bindingID, instanceID, brokertest.DefaultSyncPlanID, brokertest.DefaultServiceID)
	return client.DeleteServiceBindingWithContext(ctx, options)
}

func listCatalog(ctx context.Context, client *osb.OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	_, response, err := client.ListCatalogWithContext(ctx, client.NewListCatalogOptions())
	return response, err
}

// startBroker runs a broker for the length of the test.
func startBroker(t *testing.T, opts ...brokertest.Option) *brokertest.Server {
	t.Helper()
	server := brokertest.NewServer(opts...)
	t.Cleanup(server.Close)
	return server
}

// run performs the setup calls, which must succeed, before any fault is injected.
func run(t *testing.T, client *osb.OpenServiceBrokerV1, calls ...brokerCall) {
	t.Helper()
	for _, call := range calls {
		_, err := call(context.Background(), client)
		require.NoError(t, err)
	}
}

func inject(t *testing.T, server *brokertest.Server, fault brokertest.Fault) {
	t.Helper()
	require.NoError(t, server.InjectFault(fault))
}

// recorded returns the requests the broker received for one method and escaped path, once it
// has recorded the number expected. The broker records a request when its handler returns, which
// can be a moment after the client saw the answer or the dropped connection; that moment is
// given ten seconds, so that only a request that never comes fails the test, not a slow machine.
func recorded(t *testing.T, server *brokertest.Server, method, path string, want int) []brokertest.RecordedRequest {
	t.Helper()
	assert.Eventually(t, func() bool { return len(requestsTo(server, method, path)) >= want }, 10*time.Second, time.Millisecond)
	requests := requestsTo(server, method, path)
	assert.Len(t, requests, want)
	return requests
}

func requestsTo(server *brokertest.Server, method, path string) []brokertest.RecordedRequest {
	var matching []brokertest.RecordedRequest
	for _, request := range server.Requests() {
		if request.Method == method && request.Path == path {
			matching = append(matching, request)
		}
	}
	return matching
}

// faultsAndStatuses lists the fault descriptions and statuses of requests; the order in which
// the broker recorded them may differ from the order in which they were sent.
func faultsAndStatuses(requests []brokertest.RecordedRequest) (faults []string, statuses []int) {
	for _, request := range requests {
		faults = append(faults, request.Fault)
		statuses = append(statuses, request.Status)
	}
	return faults, statuses
}

// faulted counts the requests the broker answered with an injected fault.
func faulted(requests []brokertest.RecordedRequest) int {
	count := 0
	for _, request := range requests {
		if request.Fault != "" {
			count++
		}
	}
	return count
}

// timed runs call and returns how long it took.
func timed(ctx context.Context, client *osb.OpenServiceBrokerV1, call brokerCall) (*core.DetailedResponse, time.Duration, error) {
	started := time.Now()
	response, err := call(ctx, client)
	return response, time.Since(started), err
}

func retryAfter(value string) http.Header {
	return http.Header{"Retry-After": {value}}
}

func TestDefaultClientRetriesAndBoundsEveryRequest(t *testing.T) {
	server := startBroker(t)
	client := server.Client()
	inject(t, server, brokertest.Fault{Method: http.MethodGet, PathPattern: catalogPath, Count: 1, Status: http.StatusServiceUnavailable})

	_, err := listCatalog(context.Background(), client)

	require.NoError(t, err)
	recorded(t, server, http.MethodGet, catalogPath, 2) // one failed attempt, one retry
	assert.Equal(t, osb.DefaultTimeout, client.GetHTTPClient().Timeout)
}

// A replayed request whose first attempt took effect although its answer was lost gets the
// answer for that effect (410 for a deletion, 200 for a creation), which is success.
func TestReplayAfterADroppedAnswerFindsItsOwnEffect(t *testing.T) {
	tests := []struct {
		name   string
		plan   string
		setup  []brokerCall
		method string
		path   string
		call   brokerCall
		status int
		check  func(t *testing.T, server *brokertest.Server)
	}{
		{
			name: "deprovision answered 410", setup: []brokerCall{provision(brokertest.DefaultSyncPlanID)},
			method: http.MethodDelete, path: instancePath, call: deprovision, status: http.StatusGone,
			check: func(t *testing.T, server *brokertest.Server) { assert.Empty(t, server.Instances()) },
		},
		{
			name: "unbind answered 410", setup: []brokerCall{provision(brokertest.DefaultSyncPlanID), bind},
			method: http.MethodDelete, path: bindingPath, call: unbind, status: http.StatusGone,
			check: func(t *testing.T, server *brokertest.Server) { assert.Empty(t, server.Bindings()) },
		},
		{
			name:   "provision answered 200",
			method: http.MethodPut, path: instancePath, call: provision(brokertest.DefaultSyncPlanID), status: http.StatusOK,
			check: func(t *testing.T, server *brokertest.Server) { assertOneInstance(t, server, true) },
		},
		{
			name:   "asynchronous provision answered 202 with the running operation",
			method: http.MethodPut, path: instancePath, call: provision(brokertest.DefaultAsyncPlanID), status: http.StatusAccepted,
			check: func(t *testing.T, server *brokertest.Server) { assertOneInstance(t, server, false) },
		},
		{
			name: "bind answered 200", setup: []brokerCall{provision(brokertest.DefaultSyncPlanID)},
			method: http.MethodPut, path: bindingPath, call: bind, status: http.StatusOK,
			check: func(t *testing.T, server *brokertest.Server) { assert.Len(t, server.Bindings(), 1) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startBroker(t)
			client := server.Client()
			run(t, client, tt.setup...)
			inject(t, server, brokertest.Fault{Method: tt.method, PathPattern: tt.path, Count: 1, Drop: brokertest.DropAfterBroker})

			response, err := tt.call(context.Background(), client)

			require.NoError(t, err)
			assert.Equal(t, tt.status, response.StatusCode)
			faults, statuses := faultsAndStatuses(recorded(t, server, tt.method, tt.path, 2))
			assert.ElementsMatch(t, []string{"drop-after", ""}, faults, "the answer was dropped once, then the request replayed")
			assert.ElementsMatch(t, []int{0, tt.status}, statuses)
			tt.check(t, server)
		})
	}
}

func assertOneInstance(t *testing.T, server *brokertest.Server, ready bool) {
	t.Helper()
	instances := server.Instances()
	require.Len(t, instances, 1)
	assert.Equal(t, instanceID, instances[0].ID)
	assert.Equal(t, ready, instances[0].Ready)
	assert.Equal(t, brokertest.OperationProvision, instances[0].LastOperation.Kind)
}

func TestReplayedBindReturnsTheCredentialsOfTheBindingItMade(t *testing.T) {
	server := startBroker(t)
	client := server.Client()
	run(t, client, provision(brokertest.DefaultSyncPlanID))
	inject(t, server, brokertest.Fault{Method: http.MethodPut, PathPattern: bindingPath, Count: 1, Drop: brokertest.DropAfterBroker})

	result, response, err := client.ReplaceServiceBinding(bindOptions(client))

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	bindings := server.Bindings()
	require.Len(t, bindings, 1)
	assert.Equal(t, bindings[0].Credentials.Password, result.Credentials["password"])
	assert.Equal(t, bindings[0].Credentials.URI, result.Credentials["uri"])
}

// The wait after a 429 or 503 follows Retry-After, in seconds or as an HTTP date, up to the
// maximum retry interval. Each case judges the fastest of a few calls, so that a busy machine
// cannot make a short wait look long.
func TestRetryAfterSetsTheWaitUpToTheMaximumInterval(t *testing.T) {
	tests := []struct {
		name        string
		retryAfter  string
		maxInterval time.Duration
		calls       int
		atLeast     time.Duration
		below       time.Duration
	}{
		{name: "seconds below the maximum are waited", retryAfter: "1", maxInterval: osb.DefaultMaxRetryInterval, calls: 1, atLeast: time.Second, below: 2 * time.Second},
		{name: "an hour is cut to the maximum", retryAfter: "3600", maxInterval: 50 * time.Millisecond, calls: 3, atLeast: 50 * time.Millisecond, below: time.Second},
		// Without Retry-After the default backoff would wait at least half of DefaultMinRetryInterval.
		{name: "zero seconds retries at once", retryAfter: "0", maxInterval: osb.DefaultMaxRetryInterval, calls: 3, below: osb.DefaultMinRetryInterval / 2},
		{name: "a date an hour ahead is cut to the maximum", retryAfter: time.Now().Add(time.Hour).UTC().Format(http.TimeFormat), maxInterval: 300 * time.Millisecond, calls: 3, atLeast: 300 * time.Millisecond, below: time.Second},
		{name: "a date in the past retries at once", retryAfter: time.Now().Add(-time.Hour).UTC().Format(http.TimeFormat), maxInterval: osb.DefaultMaxRetryInterval, calls: 3, below: osb.DefaultMinRetryInterval / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server := startBroker(t)
			client := server.Client()
			client.EnableRetries(2, tt.maxInterval)
			ctx, cancel := context.WithTimeout(context.Background(), guardTimeout)
			defer cancel()
			fastest := time.Duration(math.MaxInt64)

			for range tt.calls {
				inject(t, server, brokertest.Fault{Method: http.MethodGet, PathPattern: catalogPath, Count: 1,
					Status: http.StatusTooManyRequests, Header: retryAfter(tt.retryAfter)})
				_, elapsed, err := timed(ctx, client, listCatalog)
				require.NoError(t, err)
				fastest = min(fastest, elapsed)
			}

			assert.GreaterOrEqual(t, fastest, tt.atLeast)
			assert.Less(t, fastest, tt.below)
			recorded(t, server, http.MethodGet, catalogPath, 2*tt.calls) // each call retried once
		})
	}
}

func TestRetryWaitEndsAtTheContextDeadline(t *testing.T) {
	server := startBroker(t)
	client := server.Client()
	const retryWait = 5 * time.Second
	inject(t, server, brokertest.Fault{Status: http.StatusServiceUnavailable, Header: retryAfter("5")})
	const deadline = 150 * time.Millisecond
	// Timed from before the context is made, so that elapsed counts the whole deadline.
	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()

	_, err := provision(brokertest.DefaultSyncPlanID)(ctx, client)
	elapsed := time.Since(started)

	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.GreaterOrEqual(t, elapsed, deadline)
	assert.Less(t, elapsed, retryWait/2, "returns at the deadline, well before the Retry-After wait ends")
	recorded(t, server, http.MethodPut, instancePath, 1)
}

// The bound is half the Retry-After wait the cancellation cuts short: a client that slept it out
// would fail, and a machine however slow returns from a cancelled timer long before.
func TestCancellingDuringARetryWaitReturnsAtOnce(t *testing.T) {
	const retryWait = osb.DefaultMaxRetryInterval // the longest wait a Retry-After can ask for
	server := startBroker(t)
	client := server.Client()
	inject(t, server, brokertest.Fault{Status: http.StatusServiceUnavailable, Header: retryAfter(fmt.Sprint(retryWait.Seconds()))})
	ctx, sinceCancel := testkit.CancelAfter(t, 50*time.Millisecond)

	_, err := listCatalog(ctx, client)
	latency := sinceCancel()

	require.ErrorIs(t, err, context.Canceled)
	assert.Less(t, latency, retryWait/2, "returns at the cancellation, not when the Retry-After wait ends")
	recorded(t, server, http.MethodGet, catalogPath, 1)
	t.Logf("returned %v after a cancellation during a %v Retry-After wait", latency, retryWait)
}

// A broker that accepts the connection and never answers costs at most the client timeout per
// attempt; the caller gets a timeout error, and a provision that timed out calls for cleanup.
func TestABrokerThatNeverAnswersCannotHangTheCaller(t *testing.T) {
	const timeout = 100 * time.Millisecond
	tests := []struct {
		name      string
		newClient func(t *testing.T, server *brokertest.Server) *osb.OpenServiceBrokerV1
	}{
		{name: "timeout set on the HTTP client", newClient: func(t *testing.T, server *brokertest.Server) *osb.OpenServiceBrokerV1 {
			client := server.Client()
			client.GetHTTPClient().Timeout = timeout
			return client
		}},
		{name: "timeout from OPEN_SERVICE_BROKER_TIMEOUT", newClient: func(t *testing.T, server *brokertest.Server) *osb.OpenServiceBrokerV1 {
			testkit.SetBasicAuthConfig(t, server.URL, server.Username, server.Password)
			t.Setenv("OPEN_SERVICE_BROKER_TIMEOUT", timeout.String())
			client, err := osb.NewOpenServiceBrokerV1UsingExternalConfig(&osb.OpenServiceBrokerV1Options{})
			require.NoError(t, err)
			return client
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startBroker(t)
			client := tt.newClient(t, server)
			client.EnableRetries(1, fastRetryInterval)
			inject(t, server, brokertest.Fault{Delay: time.Hour})

			response, elapsed, err := timed(context.Background(), client, provision(brokertest.DefaultSyncPlanID))

			require.Error(t, err)
			var netErr net.Error
			require.ErrorAs(t, err, &netErr)
			assert.True(t, netErr.Timeout(), "got %v", err)
			assert.True(t, osb.NeedsOrphanMitigation(osb.OperationProvision, response, err))
			assert.GreaterOrEqual(t, elapsed, 2*timeout, "two attempts, each cut at the timeout")
			assert.Less(t, elapsed, osb.DefaultTimeout/2, "cut at the timeout set, not the default one or the broker's hour")
		})
	}
}

// With retries off, the first failure reaches the caller at once.
func TestRetriesOffReturnsTheFirstFailure(t *testing.T) {
	tests := []struct {
		name     string
		fault    brokertest.Fault
		status   int  // 0: no answer
		mitigate bool // whether the platform must clean up, by the OSB table
	}{
		{name: "503", fault: brokertest.Fault{Status: http.StatusServiceUnavailable}, status: http.StatusServiceUnavailable, mitigate: true},
		{name: "429", fault: brokertest.Fault{Status: http.StatusTooManyRequests, Header: retryAfter("0")}, status: http.StatusTooManyRequests},
		{name: "dropped before the broker", fault: brokertest.Fault{Drop: brokertest.DropBeforeBroker}, mitigate: true},
		{name: "dropped after the broker", fault: brokertest.Fault{Drop: brokertest.DropAfterBroker}, mitigate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := startBroker(t)
			client := server.Client()
			client.DisableRetries()
			tt.fault.Count = 1
			inject(t, server, tt.fault)

			response, err := provision(brokertest.DefaultSyncPlanID)(context.Background(), client)

			require.Error(t, err)
			recorded(t, server, http.MethodPut, instancePath, 1) // sent once, not retried
			assert.Equal(t, tt.mitigate, osb.NeedsOrphanMitigation(osb.OperationProvision, response, err))
			var brokerErr *osb.BrokerError
			if tt.status == 0 {
				assert.False(t, errors.As(err, &brokerErr), "no answer is not a broker error: %v", err)
				return
			}
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, tt.status, brokerErr.StatusCode)
		})
	}
}

func TestRetriesSwitchedOffByExternalConfiguration(t *testing.T) {
	server := startBroker(t)
	testkit.SetBasicAuthConfig(t, server.URL, server.Username, server.Password)
	t.Setenv("OPEN_SERVICE_BROKER_MAX_RETRIES", "0")
	client, err := osb.NewOpenServiceBrokerV1UsingExternalConfig(nil)
	require.NoError(t, err)
	inject(t, server, brokertest.Fault{Count: 1, Status: http.StatusServiceUnavailable})

	_, err = listCatalog(context.Background(), client)

	var brokerErr *osb.BrokerError
	require.ErrorAs(t, err, &brokerErr)
	assert.Equal(t, http.StatusServiceUnavailable, brokerErr.StatusCode)
	recorded(t, server, http.MethodGet, catalogPath, 1)
}

// Answers that say the request itself is wrong, or that the broker does not implement it,
// cannot change when sent again.
func TestAnswersThatCannotChangeAreNotRetried(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusNotImplemented} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			server := startBroker(t)
			client := server.Client()
			inject(t, server, brokertest.Fault{Count: 1, Status: status})

			_, err := provision(brokertest.DefaultSyncPlanID)(context.Background(), client)

			var brokerErr *osb.BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, status, brokerErr.StatusCode)
			recorded(t, server, http.MethodPut, instancePath, 1)
		})
	}
}

// Transport failures, 429 and 5xx are retried for every method: OSB makes PUT, PATCH and
// DELETE safe to send again (a PATCH whose 5xx says update_repeatable false excepted, see
// TestUpdateIsNotRetriedWhenTheBrokerSaysItIsNotRepeatable).
func TestTransientFailuresAreRetriedForEveryMethod(t *testing.T) {
	operations := []struct {
		name   string
		method string
		path   string
		setup  []brokerCall
		call   brokerCall
	}{
		{name: "provision", method: http.MethodPut, path: instancePath, call: provision(brokertest.DefaultSyncPlanID)},
		{name: "update", method: http.MethodPatch, path: instancePath, setup: []brokerCall{provision(brokertest.DefaultSyncPlanID)}, call: update},
		{name: "deprovision", method: http.MethodDelete, path: instancePath, setup: []brokerCall{provision(brokertest.DefaultSyncPlanID)}, call: deprovision},
		{name: "get instance", method: http.MethodGet, path: instancePath, setup: []brokerCall{provision(brokertest.DefaultSyncPlanID)}, call: getInstance},
		{name: "bind", method: http.MethodPut, path: bindingPath, setup: []brokerCall{provision(brokertest.DefaultSyncPlanID)}, call: bind},
		{name: "unbind", method: http.MethodDelete, path: bindingPath, setup: []brokerCall{provision(brokertest.DefaultSyncPlanID), bind}, call: unbind},
	}
	faults := map[string]brokertest.Fault{
		"503":                       {Status: http.StatusServiceUnavailable},
		"502":                       {Status: http.StatusBadGateway, Body: "<html>bad gateway</html>"},
		"429":                       {Status: http.StatusTooManyRequests, Header: retryAfter("0")},
		"dropped before the broker": {Drop: brokertest.DropBeforeBroker},
		"dropped after the broker":  {Drop: brokertest.DropAfterBroker},
	}
	for _, op := range operations {
		for faultName, fault := range faults {
			t.Run(op.name+"/"+faultName, func(t *testing.T) {
				server := startBroker(t)
				client := server.Client()
				client.EnableRetries(osb.DefaultMaxRetries, fastRetryInterval)
				run(t, client, op.setup...)
				fault.Method, fault.PathPattern, fault.Count = op.method, op.path, 2
				inject(t, server, fault)

				_, err := op.call(context.Background(), client)

				require.NoError(t, err)
				requests := recorded(t, server, op.method, op.path, 3)
				assert.Equal(t, 2, faulted(requests), "two faulted attempts, then the broker's answer")
			})
		}
	}
}

// "Updating a Service Instance, Response": an update whose failure the broker calls not
// repeatable is not sent again; the caller gets the broker's answer.
func TestUpdateIsNotRetriedWhenTheBrokerSaysItIsNotRepeatable(t *testing.T) {
	for _, repeatable := range []bool{false, true} {
		t.Run(fmt.Sprintf("update_repeatable %t", repeatable), func(t *testing.T) {
			server := startBroker(t)
			client := server.Client()
			client.EnableRetries(osb.DefaultMaxRetries, fastRetryInterval)
			run(t, client, provision(brokertest.DefaultSyncPlanID))
			inject(t, server, brokertest.Fault{Method: http.MethodPatch, PathPattern: instancePath, Count: 1, Status: http.StatusInternalServerError,
				Body: fmt.Sprintf(`{"description":"quota exceeded","update_repeatable":%t}`, repeatable)})

			_, err := update(context.Background(), client)

			if repeatable {
				require.NoError(t, err)
				recorded(t, server, http.MethodPatch, instancePath, 2)
				return
			}
			var brokerErr *osb.BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, http.StatusInternalServerError, brokerErr.StatusCode)
			assert.Equal(t, "quota exceeded", brokerErr.Description, "the answer reaches the caller whole")
			require.NotNil(t, brokerErr.UpdateRepeatable)
			assert.False(t, *brokerErr.UpdateRepeatable)
			recorded(t, server, http.MethodPatch, instancePath, 1)
		})
	}
}

// TestOrphanMitigationWaitsOutTheProvisionStillRunning: every answer to an asynchronous
// provision is lost after the broker started it, so the platform cannot know the outcome and
// deprovisions; the broker refuses with ConcurrencyError while its provision runs, and the
// mitigation waits for that operation to end instead of giving up.
func TestOrphanMitigationWaitsOutTheProvisionStillRunning(t *testing.T) {
	srv := startBroker(t, brokertest.WithAsyncPolls(3))
	client := srv.Client()
	client.EnableRetries(1, fastRetryInterval)
	require.NoError(t, srv.InjectFault(brokertest.Fault{
		Method: http.MethodPut, PathPattern: instancePath, Count: 2, Drop: brokertest.DropAfterBroker,
	}))
	options := client.NewReplaceServiceInstanceOptions(instanceID).
		SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
	wait := osb.NewWaitOptions().SetMinDelay(time.Millisecond).SetMaxDelay(5 * time.Millisecond)

	_, _, err := client.ProvisionAndWait(context.Background(), options, wait)

	var mitigation *osb.OrphanMitigationError
	require.ErrorAs(t, err, &mitigation)
	assert.True(t, mitigation.Completed, "mitigation error: %v", mitigation.MitigationErr)
	assert.Empty(t, srv.Instances(), "the instance the broker created was deprovisioned")
	var refusals int
	for _, request := range srv.Requests() {
		if request.Method == http.MethodDelete && request.Status == http.StatusUnprocessableEntity {
			refusals++
		}
	}
	assert.Equal(t, 1, refusals, "one ConcurrencyError, then the mitigation waited for the provision to end")
}
