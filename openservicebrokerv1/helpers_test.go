package openservicebrokerv1

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The IDs the operation tests send. The instance ID is an IBM Cloud CRN: its "/" must travel
// as %2F so that the broker sees one path segment. The binding ID has a "/" and a space as well.
const (
	mockBrokerURL        = "http://127.0.0.1:9"
	mockInstanceID       = "crn:v1:bluemix:public:svc:us-south:a/499b176abb3e1c9727df87ae48b27c7b:7f0d2b93-fd4a-4ce9-8675-978d20b1e0b7::"
	mockInstanceEscaped  = "crn:v1:bluemix:public:svc:us-south:a%2F499b176abb3e1c9727df87ae48b27c7b:7f0d2b93-fd4a-4ce9-8675-978d20b1e0b7::"
	mockBindingID        = "binding-3f1c/rotation 2"
	mockBindingEscaped   = "binding-3f1c%2Frotation%202"
	mockServiceID        = "cb55391b-3416-4943-a6a6-a541778c1924"
	mockPlanID           = "e1031579-4b42-4169-b7cf-f7793c616fdc"
	mockInstancePath     = "/v2/service_instances/" + mockInstanceEscaped
	mockBindingPath      = mockInstancePath + "/service_bindings/" + mockBindingEscaped
	mockStatePath        = "/bluemix_v1/service_instances/" + mockInstanceEscaped
	mockIBMCloudIdentity = "ibmcloud eyJpYW1faWQiOiJJQk1pZC01NTAwMDkzQkhOIn0=" // {"iam_id":"IBMid-5500093BHN"}
)

// mockRequest is what a broker would see of one request: the headers are canonicalised as
// a server parses them, so a header sent twice under different spellings shows two values.
type mockRequest struct {
	Method string
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// mockBroker answers a client's requests through an httpmock transport and records them.
type mockBroker struct {
	t         *testing.T
	transport *httpmock.MockTransport
	mu        sync.Mutex
	requests  []mockRequest
}

// newMockClient returns a client without authentication whose requests reach a new mockBroker.
// The client keeps its default settings, retries included.
func newMockClient(t *testing.T) (*OpenServiceBrokerV1, *mockBroker) {
	t.Helper()
	client, err := NewOpenServiceBrokerV1(&OpenServiceBrokerV1Options{URL: mockBrokerURL, Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(t, err)
	broker := &mockBroker{t: t, transport: httpmock.NewMockTransport()}
	client.GetHTTPClient().Transport = broker.transport
	return client, broker
}

// respond makes the broker record every request and answer it with responder.
func (b *mockBroker) respond(responder httpmock.Responder) {
	b.transport.RegisterNoResponder(func(request *http.Request) (*http.Response, error) {
		b.record(request)
		return responder(request)
	})
}

// reply makes the broker answer every request with status and a JSON body.
func (b *mockBroker) reply(status int, body string) {
	b.respond(mockJSONAnswer(status, body, nil))
}

func (b *mockBroker) record(request *http.Request) {
	var body []byte
	if request.Body != nil {
		var err error
		body, err = io.ReadAll(request.Body)
		assert.NoError(b.t, err)
	}
	header := http.Header{}
	for name, values := range request.Header {
		for _, value := range values {
			header.Add(name, value)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests = append(b.requests, mockRequest{Method: request.Method, URL: request.URL, Header: header, Body: body})
}

// calls returns how many requests reached the transport.
func (b *mockBroker) calls() int {
	return b.transport.GetTotalCallCount()
}

// only returns the one request the broker saw, failing the test when it saw another number.
func (b *mockBroker) only() mockRequest {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Len(b.t, b.requests, 1, "requests the broker saw")
	return b.requests[0]
}

// last returns the latest request the broker saw.
func (b *mockBroker) last() mockRequest {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.NotEmpty(b.t, b.requests, "requests the broker saw")
	return b.requests[len(b.requests)-1]
}

// mockJSONAnswer answers with status, a JSON body and the given extra headers.
func mockJSONAnswer(status int, body string, header http.Header) httpmock.Responder {
	return func(*http.Request) (*http.Response, error) {
		response := httpmock.NewStringResponse(status, body)
		for name, values := range header {
			for _, value := range values {
				response.Header.Add(name, value)
			}
		}
		response.Header.Set("Content-Type", "application/json")
		return response, nil
	}
}

// mockAnswers answers the n-th request with the n-th responder, and every later one with the last.
func mockAnswers(responders ...httpmock.Responder) httpmock.Responder {
	var mu sync.Mutex
	next := 0
	return func(request *http.Request) (*http.Response, error) {
		mu.Lock()
		responder := responders[min(next, len(responders)-1)]
		next++
		mu.Unlock()
		return responder(request)
	}
}

// mockCancelInFlight cancels the request's context while the broker holds the request, as a
// caller giving up on a slow broker does, and answers only when the cancellation arrived.
func mockCancelInFlight(cancel context.CancelFunc) httpmock.Responder {
	return func(request *http.Request) (*http.Response, error) {
		cancel()
		<-request.Context().Done()
		return nil, request.Context().Err()
	}
}

// query decodes the query the broker saw.
func (r mockRequest) query(t *testing.T) url.Values {
	t.Helper()
	query, err := url.ParseQuery(r.URL.RawQuery)
	require.NoError(t, err)
	return query
}

// mockPathSegments splits the escaped path the broker saw into segments and decodes each, as a
// router matching /v2/service_instances/{instance_id} does.
func mockPathSegments(t *testing.T, escapedPath string) []string {
	t.Helper()
	segments := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	for i, segment := range segments {
		decoded, err := url.PathUnescape(segment)
		require.NoError(t, err)
		segments[i] = decoded
	}
	return segments
}

// mockSetOption sets the Options field that holds the parameter the API calls name (its JSON
// name) to value, or clears it when value is nil. It returns false when the field is not a
// string and so cannot take value.
func mockSetOption(t *testing.T, options any, name string, value *string) bool {
	t.Helper()
	fields := reflect.ValueOf(options).Elem()
	for i := range fields.NumField() {
		jsonName, _, _ := strings.Cut(fields.Type().Field(i).Tag.Get("json"), ",")
		if jsonName != name {
			continue
		}
		field := fields.Field(i)
		if value == nil {
			field.SetZero()
			return true
		}
		if field.Type() != reflect.TypeFor[*string]() {
			return false
		}
		field.Set(reflect.ValueOf(value))
		return true
	}
	t.Fatalf("%T has no field for parameter %s", options, name)
	return false
}

// mockAssertDecodedEverything checks that result, encoded again, is the JSON it was decoded
// from: no field of the answer was lost on the way into the model.
func mockAssertDecodedEverything(t *testing.T, answer string, result any) {
	t.Helper()
	encoded, err := json.Marshal(result)
	require.NoError(t, err)
	assert.JSONEq(t, answer, string(encoded))
}

// mockFullContext returns a context with every typed field and one property that the schema
// does not declare; mockFullContextJSON is how it travels.
func mockFullContext() *Context {
	platformContext := &Context{
		Platform:                core.StringPtr(PlatformIBMCloud),
		AccountID:               core.StringPtr("499b176abb3e1c9727df87ae48b27c7b"),
		Crn:                     core.StringPtr(mockInstanceID),
		Name:                    core.StringPtr("My instance name"),
		ResourceGroupCrn:        core.StringPtr("crn:v1:bluemix:public:resource-controller::a/499b176abb3e1c9727df87ae48b27c7b::resource-group:2a5f74056b254efb"),
		TargetCrn:               core.StringPtr("crn:v1:bluemix:public:resource-catalog::a/e97a8c01ac694e308ef3ad7795c7cdb3::deployment:e62e2c19"),
		OrganizationGuid:        core.StringPtr("f4663bbe-e8ea-478c-8956-e3afee1087ab"),
		OrganizationName:        core.StringPtr("my-org"),
		SpaceGuid:               core.StringPtr("54557f98-83f0-4eca-ae04-9ea35277a539"),
		SpaceName:               core.StringPtr("dev"),
		InstanceName:            core.StringPtr("my-db"),
		OrganizationAnnotations: map[string]any{"company.example/cost-center": "42"},
		SpaceAnnotations:        map[string]any{"company.example/stage": "dev"},
		InstanceAnnotations:     map[string]any{"company.example/owner": "team-a"},
		Namespace:               core.StringPtr("payments"),
		ClusterID:               core.StringPtr("cluster-7"),
		NamespaceAnnotations:    map[string]any{"company.example/tier": "gold"},
	}
	platformContext.SetProperty("region", map[string]any{"name": "us-south", "zones": []string{"1", "2"}})
	return platformContext
}

const mockFullContextJSON = `{
  "platform": "ibmcloud",
  "account_id": "499b176abb3e1c9727df87ae48b27c7b",
  "crn": "crn:v1:bluemix:public:svc:us-south:a/499b176abb3e1c9727df87ae48b27c7b:7f0d2b93-fd4a-4ce9-8675-978d20b1e0b7::",
  "name": "My instance name",
  "resource_group_crn": "crn:v1:bluemix:public:resource-controller::a/499b176abb3e1c9727df87ae48b27c7b::resource-group:2a5f74056b254efb",
  "target_crn": "crn:v1:bluemix:public:resource-catalog::a/e97a8c01ac694e308ef3ad7795c7cdb3::deployment:e62e2c19",
  "organization_guid": "f4663bbe-e8ea-478c-8956-e3afee1087ab",
  "organization_name": "my-org",
  "space_guid": "54557f98-83f0-4eca-ae04-9ea35277a539",
  "space_name": "dev",
  "instance_name": "my-db",
  "organization_annotations": {"company.example/cost-center": "42"},
  "space_annotations": {"company.example/stage": "dev"},
  "instance_annotations": {"company.example/owner": "team-a"},
  "namespace": "payments",
  "clusterid": "cluster-7",
  "namespace_annotations": {"company.example/tier": "gold"},
  "region": {"name": "us-south", "zones": ["1", "2"]}
}`
