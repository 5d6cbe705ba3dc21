package openservicebrokerv1

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// newLoopbackClient returns a client for a broker at brokerURL, without authentication and
// without retries, so that each call sends one request.
func newLoopbackClient(t *testing.T, brokerURL string) *OpenServiceBrokerV1 {
	t.Helper()
	return newClientWith(t, brokerURL, &core.NoAuthAuthenticator{})
}

func newClientWith(t *testing.T, brokerURL string, authenticator core.Authenticator) *OpenServiceBrokerV1 {
	t.Helper()
	client, err := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{URL: brokerURL, Authenticator: authenticator})
	require.NoError(t, err)
	client.DisableRetries()
	return client
}

// sendProvision sends a provision request (PUT with a JSON body, request identity rid-1)
// through client and returns the response and error.
func sendProvision(t *testing.T, ctx context.Context, client *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
	t.Helper()
	options := client.NewReplaceServiceInstanceOptions("instance-1").SetServiceID("service-1").SetPlanID("plan-1").
		SetOrganizationGUID("org-1").SetSpaceGUID("space-1").SetRequestIdentity("rid-1")
	_, response, err := client.ReplaceServiceInstanceWithContext(ctx, options)
	return response, err
}

// provisionAgainst serves handler on loopback and returns the outcome of one provision request to it.
func provisionAgainst(t *testing.T, handler http.HandlerFunc) (*core.DetailedResponse, error) {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return sendProvision(t, context.Background(), newLoopbackClient(t, server.URL))
}

// answer is a handler writing one fixed answer.
func answer(status int, contentType string, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}
}

// brokerErrorFor sends one provision request to a broker giving the answer and returns the BrokerError.
func brokerErrorFor(t *testing.T, status int, contentType string, body string) *BrokerError {
	t.Helper()
	response, err := provisionAgainst(t, answer(status, contentType, body))
	require.NotNil(t, response)
	var brokerErr *BrokerError
	require.ErrorAs(t, err, &brokerErr)
	return brokerErr
}

func boolPointer(value bool) *bool {
	return &value
}

const jsonType = "application/json"

func TestNewBrokerErrorReadsEveryKindOfBody(t *testing.T) {
	tests := []struct {
		name             string
		status           int
		contentType      string
		body             string
		errorCode        string
		description      string
		instanceUsable   *bool
		updateRepeatable *bool
		bodyPrefix       string
		message          string
	}{
		{
			name: "empty body", status: 500,
			message: "ReplaceServiceInstance: broker answered 500 Internal Server Error (request identity rid-1)",
		},
		{
			name: "empty JSON object", status: 400, contentType: jsonType, body: "{}",
			message: "ReplaceServiceInstance: broker answered 400 Bad Request (request identity rid-1)",
		},
		{
			name: "JSON null", status: 500, contentType: jsonType, body: "null",
			message: "ReplaceServiceInstance: broker answered 500 Internal Server Error (request identity rid-1)",
		},
		{
			name: "OSB error with every field", status: 422, contentType: jsonType,
			body:      `{"error":"AsyncRequired","description":"This service plan requires client support for asynchronous service operations.","instance_usable":false,"update_repeatable":true}`,
			errorCode: "AsyncRequired", description: "This service plan requires client support for asynchronous service operations.",
			instanceUsable: boolPointer(false), updateRepeatable: boolPointer(true),
			message: "ReplaceServiceInstance: broker answered 422 Unprocessable Entity: AsyncRequired: This service plan requires client support for asynchronous service operations.; send the request again with accepts_incomplete=true (request identity rid-1)",
		},
		{
			name: "description only", status: 409, contentType: "application/json; charset=utf-8", body: `{"description":"instance exists with other attributes"}`,
			description: "instance exists with other attributes",
			message:     "ReplaceServiceInstance: broker answered 409 Conflict: instance exists with other attributes (request identity rid-1)",
		},
		{
			name: "plain text", status: 502, contentType: "text/plain", body: "upstream connect error\r\nor disconnect",
			bodyPrefix: "upstream connect error or disconnect",
			message:    "ReplaceServiceInstance: broker answered 502 Bad Gateway: upstream connect error or disconnect (request identity rid-1)",
		},
		{
			name: "HTML page", status: 503, contentType: "text/html",
			body:       "<html>\n<head><title>503 Service Temporarily Unavailable</title></head>\n<body>\n<center><h1>503</h1></center>\n</body>\n</html>\n",
			bodyPrefix: "<html> <head><title>503 Service Temporarily Unavailable</title></head> <body> <center><h1>503</h1></center> </body> </html>",
			message:    "ReplaceServiceInstance: broker answered 503 Service Unavailable: <html> <head><title>503 Service Temporarily Unavailable</title></head> <body> <center><h1>503</h1></center> </body> </html> (request identity rid-1)",
		},
		{
			name: "JSON fields of the wrong type", status: 422, contentType: jsonType,
			body:       `{"error":5,"description":["x"],"instance_usable":"yes","update_repeatable":1}`,
			bodyPrefix: `{"error":5,"description":["x"],"instance_usable":"yes","update_repeatable":1}`,
			message:    `ReplaceServiceInstance: broker answered 422 Unprocessable Entity: {"error":5,"description":["x"],"instance_usable":"yes","update_repeatable":1} (request identity rid-1)`,
		},
		{
			name: "truncated JSON", status: 500, contentType: jsonType, body: `{"error":"Async`,
			bodyPrefix: `{"error":"Async`,
			message:    `ReplaceServiceInstance: broker answered 500 Internal Server Error: {"error":"Async (request identity rid-1)`,
		},
		{
			name: "JSON array", status: 400, contentType: jsonType, body: `["bad"]`,
			bodyPrefix: `["bad"]`,
			message:    `ReplaceServiceInstance: broker answered 400 Bad Request: ["bad"] (request identity rid-1)`,
		},
		{
			name: "JSON sent as text", status: 422, contentType: "text/plain", body: ` {"error":"ConcurrencyError","description":"busy"}`,
			errorCode: "ConcurrencyError", description: "busy",
			message: "ReplaceServiceInstance: broker answered 422 Unprocessable Entity: ConcurrencyError: busy; another operation on this resource is in progress, retry later (request identity rid-1)",
		},
		{
			name: "control characters and invalid UTF-8", status: 400, contentType: jsonType, body: `{"description":"line one\nline\ttwo\u0007 \u00e9t\u00e9"}`,
			description: "line one\nline\ttwo\a été",
			message:     "ReplaceServiceInstance: broker answered 400 Bad Request: line one line two été (request identity rid-1)",
		},
		{
			name: "status without a name", status: 599, contentType: "text/plain", body: "\xff\xfeproxy\x00failure",
			bodyPrefix: "proxy failure",
			message:    "ReplaceServiceInstance: broker answered 599: proxy failure (request identity rid-1)",
		},
		{
			name: "unauthorized", status: 401, contentType: "text/plain", body: "Unauthorized",
			bodyPrefix: "Unauthorized",
			message:    "ReplaceServiceInstance: broker answered 401 Unauthorized: Unauthorized; check the broker credentials (request identity rid-1)",
		},
		{
			name: "API version refused", status: 412, contentType: jsonType, body: `{"description":"needs 2.17"}`,
			description: "needs 2.17",
			message:     "ReplaceServiceInstance: broker answered 412 Precondition Failed: needs 2.17; the broker does not accept the X-Broker-API-Version sent (request identity rid-1)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			brokerErr := brokerErrorFor(t, tt.status, tt.contentType, tt.body)

			assert.Equal(t, tt.status, brokerErr.StatusCode)
			assert.Equal(t, tt.errorCode, brokerErr.ErrorCode)
			assert.Equal(t, tt.description, brokerErr.Description)
			assert.Equal(t, tt.instanceUsable, brokerErr.InstanceUsable)
			assert.Equal(t, tt.updateRepeatable, brokerErr.UpdateRepeatable)
			assert.Equal(t, tt.bodyPrefix, brokerErr.Body)
			assert.Equal(t, "rid-1", brokerErr.RequestIdentity)
			assert.Equal(t, "ReplaceServiceInstance", brokerErr.Operation)
			assert.Equal(t, tt.message, brokerErr.Error())
		})
	}
}

func TestBrokerErrorMessageStaysBoundedForHugeBodies(t *testing.T) {
	tenMB := strings.Repeat("x", 10<<20)
	// JSON bodies are decoded whole by go-sdk-core, which is slow under the race detector: 1 MB shows the bound as well.
	oneMB := tenMB[:1<<20]
	tests := []struct {
		name        string
		contentType string
		body        string
	}{
		{name: "10 MB of text", contentType: "text/plain", body: tenMB},
		{name: "10 MB of HTML", contentType: "text/html", body: "<html><body>" + tenMB + "</body></html>"},
		{name: "1 MB description", contentType: jsonType, body: `{"error":"ConcurrencyError","description":"` + oneMB + `"}`},
		{name: "1 MB JSON without OSB fields", contentType: jsonType, body: `{"message":"` + oneMB + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			brokerErr := brokerErrorFor(t, http.StatusInternalServerError, tt.contentType, tt.body)

			message := brokerErr.Error()
			assert.Less(t, len(message), 1024)
			assert.Contains(t, message, "broker answered 500 Internal Server Error: ")
			assert.Contains(t, message, "xxx...")
			assert.LessOrEqual(t, len(brokerErr.Body), maxMessageText+len("..."))
		})
	}
}

func TestBrokerErrorMessageIsOnePrintableLine(t *testing.T) {
	brokerErr := brokerErrorFor(t, 500, "text/plain", "a\r\nb\x1b[31mc\u2028d\xc3")

	message := brokerErr.Error()
	for _, r := range message {
		assert.Truef(t, unicode.IsPrint(r), "message %q has the unprintable %U", message, r)
	}
	assert.Equal(t, "a b [31mc d", brokerErr.Body)
}

func TestBrokerErrorCutKeepsCharactersWhole(t *testing.T) {
	body := strings.Repeat("é", maxMessageText) // two bytes each: a cut at 256 bytes falls between characters only if misplaced

	brokerErr := brokerErrorFor(t, 500, "text/plain", "a"+body)

	assert.True(t, strings.HasSuffix(brokerErr.Body, "é..."))
	assert.Equal(t, brokerErr.Body, strings.ToValidUTF8(brokerErr.Body, "?"))
}

func TestBrokerErrorMatchesSentinels(t *testing.T) {
	allSentinels := []error{
		ErrAsyncRequired, ErrConcurrencyError, ErrRequiresApp, ErrMaintenanceInfoConflict,
		ErrBadRequest, ErrUnauthorized, ErrNotFound, ErrConflict, ErrGone, ErrPreconditionFailed, ErrUnprocessable,
	}
	tests := []struct {
		name   string
		status int
		body   string
		want   []error
	}{
		{name: "400", status: 400, want: []error{ErrBadRequest}},
		{name: "401", status: 401, want: []error{ErrUnauthorized}},
		{name: "404", status: 404, want: []error{ErrNotFound}},
		{name: "409", status: 409, want: []error{ErrConflict}},
		{name: "410", status: 410, want: []error{ErrGone}},
		{name: "412", status: 412, want: []error{ErrPreconditionFailed}},
		{name: "422 without code", status: 422, want: []error{ErrUnprocessable}},
		{name: "422 AsyncRequired", status: 422, body: `{"error":"AsyncRequired"}`, want: []error{ErrUnprocessable, ErrAsyncRequired}},
		{name: "422 ConcurrencyError", status: 422, body: `{"error":"ConcurrencyError"}`, want: []error{ErrUnprocessable, ErrConcurrencyError}},
		{name: "422 RequiresApp", status: 422, body: `{"error":"RequiresApp"}`, want: []error{ErrUnprocessable, ErrRequiresApp}},
		{name: "422 MaintenanceInfoConflict", status: 422, body: `{"error":"MaintenanceInfoConflict"}`, want: []error{ErrUnprocessable, ErrMaintenanceInfoConflict}},
		{name: "500 matches none", status: 500, want: nil},
		{name: "403 matches none", status: 403, want: nil},
		{name: "unknown code matches only the status", status: 400, body: `{"error":"SomethingElse"}`, want: []error{ErrBadRequest}},
		{name: "code spelled in other case matches only the status", status: 422, body: `{"error":"asyncrequired"}`, want: []error{ErrUnprocessable}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", brokerErrorFor(t, tt.status, jsonType, tt.body))

			for _, sentinel := range allSentinels {
				assert.Equalf(t, containsError(tt.want, sentinel), errors.Is(err, sentinel), "errors.Is(%v)", sentinel)
			}
		})
	}
}

func containsError(list []error, target error) bool {
	for _, candidate := range list {
		if candidate == target {
			return true
		}
	}
	return false
}

func TestIsRetryLaterOnlyForConcurrencyError(t *testing.T) {
	busy := brokerErrorFor(t, 422, jsonType, `{"error":"ConcurrencyError"}`)
	asyncRequired := brokerErrorFor(t, 422, jsonType, `{"error":"AsyncRequired"}`)

	assert.True(t, IsRetryLater(fmt.Errorf("bind: %w", busy)))
	assert.False(t, IsRetryLater(asyncRequired))
	assert.False(t, IsRetryLater(errors.New("other")))
	assert.False(t, IsRetryLater(nil))
}

func TestBrokerErrorUnwrapsToTheCoreProblem(t *testing.T) {
	response, err := provisionAgainst(t, answer(422, jsonType, `{"error":"AsyncRequired","description":"async only"}`))
	require.Error(t, err)

	wrapped := fmt.Errorf("provision: %w", err)

	var brokerErr *BrokerError
	require.ErrorAs(t, wrapped, &brokerErr)
	assert.Equal(t, "AsyncRequired", brokerErr.ErrorCode)
	var problem *core.SDKProblem
	require.ErrorAs(t, wrapped, &problem)
	assert.Same(t, brokerErr.Unwrap(), problem)
	var httpProblem *core.HTTPProblem
	require.ErrorAs(t, wrapped, &httpProblem, "the core problem carries the broker's answer, as go-sdk-core's own does")
	assert.Same(t, response, httpProblem.Response)
	assert.Equal(t, "replace_service_instance", httpProblem.OperationID)
	assert.ErrorIs(t, wrapped, ErrAsyncRequired)
}

func TestNoAnswerIsATransportError(t *testing.T) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	brokerURL := "http://" + listener.Addr().String()
	require.NoError(t, listener.Close())

	response, err := sendProvision(t, context.Background(), newLoopbackClient(t, brokerURL))

	assert.Nil(t, response)
	assert.ErrorContains(t, err, "ReplaceServiceInstance: no answer from the broker (request identity rid-1): ")
	var transportErr *url.Error
	assert.ErrorAs(t, err, &transportErr)
	var brokerErr *BrokerError
	assert.False(t, errors.As(err, &brokerErr), "no answer is no broker error")
}

func TestBrokerErrorIsFalseForNilTarget(t *testing.T) {
	brokerErr := &BrokerError{StatusCode: 499}

	assert.False(t, brokerErr.Is(nil))
	assert.Equal(t, "broker answered 499", brokerErr.Error())
}

func TestIsAuthenticationFailure(t *testing.T) {
	tokenServer := httptest.NewServer(answer(400, jsonType, `{"errorMessage":"API key not valid"}`))
	t.Cleanup(tokenServer.Close)
	broker := httptest.NewServer(answer(500, jsonType, `{"description":"broker is down"}`))
	t.Cleanup(broker.Close)
	client := newIAMClient(t, broker.URL, tokenServer.URL)

	_, authErr := sendProvision(t, context.Background(), client)
	_, brokerErr := provisionAgainst(t, answer(500, jsonType, `{"description":"broker is down"}`))

	require.Error(t, authErr)
	assert.True(t, isAuthenticationFailure(authErr))
	assert.True(t, isAuthenticationFailure(fmt.Errorf("wrapped: %w", authErr)))
	assert.False(t, isAuthenticationFailure(brokerErr))
	assert.False(t, isAuthenticationFailure(errors.New("An error occurred while performing the 'authenticate' step")))
	assert.False(t, isAuthenticationFailure(nil))
}

// newIAMClient returns a client for brokerURL that takes IAM tokens from tokenURL.
func newIAMClient(t *testing.T, brokerURL string, tokenURL string) *OpenServiceBrokerV1 {
	t.Helper()
	authenticator, err := core.NewIamAuthenticatorBuilder().SetApiKey("test-api-key").SetURL(tokenURL).Build()
	require.NoError(t, err)
	return newClientWith(t, brokerURL, authenticator)
}

func ExampleBrokerError() {
	// err as a client method returns it for a broker answering 422 with an OSB error body.
	err := fmt.Errorf("provision: %w", &BrokerError{
		StatusCode:      http.StatusUnprocessableEntity,
		ErrorCode:       "AsyncRequired",
		Description:     "This plan provisions asynchronously.",
		RequestIdentity: "3f2a9c1e-8d4b-4c6a-9e0f-1b2c3d4e5f60",
		Operation:       "ProvisionServiceInstance",
	})

	var brokerErr *BrokerError
	if errors.As(err, &brokerErr) {
		fmt.Println(brokerErr.StatusCode, brokerErr.ErrorCode)
	}
	fmt.Println(errors.Is(err, ErrAsyncRequired), errors.Is(err, ErrUnprocessable), errors.Is(err, ErrNotFound))
	fmt.Println(err)
	// Output:
	// 422 AsyncRequired
	// true true false
	// provision: ProvisionServiceInstance: broker answered 422 Unprocessable Entity: AsyncRequired: This plan provisions asynchronously.; send the request again with accepts_incomplete=true (request identity 3f2a9c1e-8d4b-4c6a-9e0f-1b2c3d4e5f60)
}

func ExampleIsRetryLater() {
	err := &BrokerError{StatusCode: http.StatusUnprocessableEntity, ErrorCode: "ConcurrencyError"}

	fmt.Println(IsRetryLater(err))
	// Output: true
}
