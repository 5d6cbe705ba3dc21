package openservicebrokerv1

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNeedsOrphanMitigationForBrokerAnswers(t *testing.T) {
	const good = `{"dashboard_url":"http://dashboard","operation":"op-1"}`
	const malformed = `{"dashboard_url":"http://dash`
	tests := []struct {
		name     string
		status   int
		body     string
		mitigate bool
	}{
		{name: "200 with a good body", status: 200, body: good, mitigate: false},
		{name: "200 with a malformed body", status: 200, body: malformed, mitigate: false},
		{name: "201 with a good body", status: 201, body: good, mitigate: false},
		{name: "201 with an empty body", status: 201, body: "", mitigate: false},
		{name: "201 with a malformed body", status: 201, body: malformed, mitigate: true},
		{name: "202 with a good body", status: 202, body: good, mitigate: false},
		{name: "202 with a malformed body", status: 202, body: malformed, mitigate: true},
		{name: "other 2xx: 203", status: 203, body: good, mitigate: true},
		{name: "other 2xx: 204", status: 204, body: "", mitigate: true},
		{name: "other 2xx: 206", status: 206, body: good, mitigate: true},
		{name: "408", status: 408, body: "", mitigate: false},
		{name: "400", status: 400, body: `{"description":"bad"}`, mitigate: false},
		{name: "401", status: 401, body: "", mitigate: false},
		{name: "409", status: 409, body: `{}`, mitigate: false},
		{name: "422 ConcurrencyError", status: 422, body: `{"error":"ConcurrencyError"}`, mitigate: false},
		{name: "429", status: 429, body: "", mitigate: false},
		{name: "500", status: 500, body: `{"description":"boom"}`, mitigate: true},
		{name: "501", status: 501, body: "", mitigate: true},
		{name: "503 with HTML", status: 503, body: "<html>down</html>", mitigate: true},
		{name: "504", status: 504, body: "", mitigate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			response, err := provisionAgainst(t, answer(tt.status, jsonType, tt.body))
			require.NotNil(t, response)
			require.Equal(t, tt.status, response.StatusCode)

			assert.Equal(t, tt.mitigate, NeedsOrphanMitigation(OperationProvision, response, err))
		})
	}
}

func TestNeedsOrphanMitigationForAnswersOutsideTheTable(t *testing.T) {
	for _, status := range []int{100, 304, 399, 600} {
		assert.Falsef(t, NeedsOrphanMitigation(OperationProvision, &core.DetailedResponse{StatusCode: status}, errors.New("failed")), "status %d", status)
	}
}

func TestNeedsOrphanMitigationWithoutAnswer(t *testing.T) {
	timedOut := func() (*core.DetailedResponse, error) {
		server := httptest.NewServer(http.HandlerFunc(waitForClientToLeave))
		t.Cleanup(server.Close)
		service := newLoopbackClient(t, server.URL)
		service.GetHTTPClient().Timeout = 30 * time.Millisecond
		return sendProvision(t, context.Background(), service)
	}
	deadlineWhileBrokerWorks := func() (*core.DetailedResponse, error) {
		server := httptest.NewServer(http.HandlerFunc(waitForClientToLeave))
		t.Cleanup(server.Close)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		return sendProvision(t, ctx, newLoopbackClient(t, server.URL))
	}
	dropped := func() (*core.DetailedResponse, error) {
		return provisionAgainst(t, hijackAndClose)
	}
	refused := func() (*core.DetailedResponse, error) {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		brokerURL := "http://" + listener.Addr().String()
		require.NoError(t, listener.Close())
		return sendProvision(t, context.Background(), newLoopbackClient(t, brokerURL))
	}
	cancelledBeforeSending := func() (*core.DetailedResponse, error) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return nil, requestNotSent(fmt.Errorf("ProvisionServiceInstance: %w", ctx.Err()))
	}
	invalidOptions := func() (*core.DetailedResponse, error) {
		return nil, core.ValidateNotNil(nil, "provisionServiceInstanceOptions cannot be nil")
	}
	authenticationRejected := func() (*core.DetailedResponse, error) {
		tokenServer := httptest.NewServer(answer(400, jsonType, `{"errorMessage":"API key not valid"}`))
		t.Cleanup(tokenServer.Close)
		broker := httptest.NewServer(answer(201, jsonType, `{}`))
		t.Cleanup(broker.Close)
		return sendProvision(t, context.Background(), newIAMClient(t, broker.URL, tokenServer.URL))
	}
	authenticationServerUnreachable := func() (*core.DetailedResponse, error) {
		listener, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		tokenURL := "http://" + listener.Addr().String()
		require.NoError(t, listener.Close())
		broker := httptest.NewServer(answer(201, jsonType, `{}`))
		t.Cleanup(broker.Close)
		return sendProvision(t, context.Background(), newIAMClient(t, broker.URL, tokenURL))
	}

	tests := []struct {
		name     string
		outcome  func() (*core.DetailedResponse, error)
		mitigate bool
	}{
		{name: "attempt timed out", outcome: timedOut, mitigate: true},
		{name: "context deadline while the broker works", outcome: deadlineWhileBrokerWorks, mitigate: true},
		{name: "connection dropped after the request", outcome: dropped, mitigate: true},
		{name: "connection refused", outcome: refused, mitigate: true},
		{name: "context cancelled before sending", outcome: cancelledBeforeSending, mitigate: false},
		{name: "invalid options", outcome: invalidOptions, mitigate: false},
		{name: "authentication rejected", outcome: authenticationRejected, mitigate: false},
		{name: "authentication server unreachable", outcome: authenticationServerUnreachable, mitigate: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			response, err := tt.outcome()
			require.Error(t, err)

			assert.Equal(t, tt.mitigate, NeedsOrphanMitigation(OperationProvision, response, err))
			assert.Equal(t, tt.mitigate, NeedsOrphanMitigation(OperationProvision, response, fmt.Errorf("ProvisionServiceInstance: %w", err)), "through a wrapping error")
			assert.Equal(t, tt.mitigate, NeedsOrphanMitigation(OperationBind, response, err), "a bind as a provision (Timeout rows)")
			for _, kind := range []OperationKind{OperationUpdate, OperationDeprovision, OperationUnbind, ""} {
				assert.False(t, NeedsOrphanMitigation(kind, response, err), "%q: the Timeout row of every other operation", kind)
			}
		})
	}
}

func TestNeedsOrphanMitigationForNothing(t *testing.T) {
	assert.False(t, NeedsOrphanMitigation(OperationProvision, nil, nil))
}

func TestRequestNotSentKeepsTheMessageAndTheCause(t *testing.T) {
	err := requestNotSent(context.Canceled)

	assert.Equal(t, "context canceled", err.Error())
	assert.ErrorIs(t, err, context.Canceled)
	assert.NoError(t, requestNotSent(nil))
}

func ExampleNeedsOrphanMitigation() {
	failed := errors.New("the request failed")
	noAnswer := &url.Error{Op: "Put", URL: "http://broker/v2/service_instances/1", Err: io.EOF}
	outcomes := []struct {
		kind     OperationKind
		what     string
		response *core.DetailedResponse
		err      error
	}{
		{OperationProvision, "created", &core.DetailedResponse{StatusCode: 201}, nil},
		{OperationProvision, "accepted, poll the last operation", &core.DetailedResponse{StatusCode: 202}, nil},
		{OperationProvision, "created, body malformed", &core.DetailedResponse{StatusCode: 201}, failed},
		{OperationProvision, "rejected with 422", &core.DetailedResponse{StatusCode: 422}, failed},
		{OperationProvision, "broker error 500", &core.DetailedResponse{StatusCode: 500}, failed},
		{OperationProvision, "no answer", nil, noAnswer},
		{OperationUpdate, "broker error 500", &core.DetailedResponse{StatusCode: 500}, failed},
		{OperationDeprovision, "204, undefined", &core.DetailedResponse{StatusCode: 204}, failed},
		{OperationDeprovision, "no answer", nil, noAnswer},
	}
	for _, outcome := range outcomes {
		fmt.Printf("%s, %s: %t\n", outcome.kind, outcome.what, NeedsOrphanMitigation(outcome.kind, outcome.response, outcome.err))
	}
	// Output:
	// provision, created: false
	// provision, accepted, poll the last operation: false
	// provision, created, body malformed: true
	// provision, rejected with 422: false
	// provision, broker error 500: true
	// provision, no answer: true
	// update, broker error 500: false
	// deprovision, 204, undefined: true
	// deprovision, no answer: false
}
