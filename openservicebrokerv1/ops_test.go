package openservicebrokerv1

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/common"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// mockOperation describes one operation to the tests that every operation shares.
type mockOperation struct {
	name     string
	method   string
	path     string     // the escaped path on the wire
	segments []string   // the path segments the broker decodes from it
	query    url.Values // the query that the minimal options send
	hasBody  bool
	// takesOriginatingIdentity tells whether the operation sends X-Broker-API-Originating-Identity.
	takesOriginatingIdentity bool
	required                 []string // required parameters, as the API names them
	statuses                 []int    // the 2xx statuses the API defines for the operation
	// minimal is the smallest body of a valid success answer; empty means {}.
	minimal string
	result  any // the type of the decoded result, as a nil pointer
	// options returns options with every required parameter set and nothing else.
	options func(c *OpenServiceBrokerV1) any
	call    func(ctx context.Context, c *OpenServiceBrokerV1, options any) (result any, response *core.DetailedResponse, err error)
}

// mockCallOf adapts a ...WithContext method to mockOperation.call.
func mockCallOf[O, R any](method func(*OpenServiceBrokerV1, context.Context, *O) (R, *core.DetailedResponse, error)) func(context.Context, *OpenServiceBrokerV1, any) (any, *core.DetailedResponse, error) {
	return func(ctx context.Context, c *OpenServiceBrokerV1, options any) (any, *core.DetailedResponse, error) {
		typed, _ := options.(*O)
		return method(c, ctx, typed)
	}
}

// mockCallDeleteServiceBinding adapts DeleteServiceBindingWithContext, whose result is in the response.
func mockCallDeleteServiceBinding(ctx context.Context, c *OpenServiceBrokerV1, options any) (any, *core.DetailedResponse, error) {
	typed, _ := options.(*DeleteServiceBindingOptions)
	response, err := c.DeleteServiceBindingWithContext(ctx, typed)
	if response == nil {
		return nil, nil, err
	}
	return response.Result, response, err
}

var mockInstanceSegments = []string{"v2", "service_instances", mockInstanceID}

var mockBindingSegments = []string{"v2", "service_instances", mockInstanceID, "service_bindings", mockBindingID}

// minimalAnswer is the smallest body of a valid success answer to the operation.
func (op mockOperation) minimalAnswer() string {
	if op.minimal == "" {
		return `{}`
	}
	return op.minimal
}

// mockOperations lists all twelve operations of the API.
var mockOperations = []mockOperation{
	{
		name: "ListCatalog", method: http.MethodGet, path: "/v2/catalog", segments: []string{"v2", "catalog"},
		statuses: []int{200}, result: (*BrokerCatalogResp)(nil),
		options: func(c *OpenServiceBrokerV1) any { return c.NewListCatalogOptions() },
		call:    mockCallOf((*OpenServiceBrokerV1).ListCatalogWithContext),
	},
	{
		name: "ReplaceServiceInstance", method: http.MethodPut, path: mockInstancePath, segments: mockInstanceSegments,
		hasBody: true, takesOriginatingIdentity: true, required: []string{"instance_id", "service_id", "plan_id"},
		statuses: []int{200, 201, 202}, result: (*InstancePutResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewReplaceServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
		},
		call: mockCallOf((*OpenServiceBrokerV1).ReplaceServiceInstanceWithContext),
	},
	{
		name: "UpdateServiceInstance", method: http.MethodPatch, path: mockInstancePath, segments: mockInstanceSegments,
		hasBody: true, takesOriginatingIdentity: true, required: []string{"instance_id", "service_id"},
		statuses: []int{200, 202}, result: (*InstancePatchResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewUpdateServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID)
		},
		call: mockCallOf((*OpenServiceBrokerV1).UpdateServiceInstanceWithContext),
	},
	{
		name: "DeleteServiceInstance", method: http.MethodDelete, path: mockInstancePath, segments: mockInstanceSegments,
		query:                    url.Values{"service_id": {mockServiceID}, "plan_id": {mockPlanID}},
		takesOriginatingIdentity: true, required: []string{"instance_id", "service_id", "plan_id"},
		statuses: []int{200, 202}, result: (*InstanceDeleteResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewDeleteServiceInstanceOptions(mockServiceID, mockPlanID, mockInstanceID)
		},
		call: mockCallOf((*OpenServiceBrokerV1).DeleteServiceInstanceWithContext),
	},
	{
		name: "GetServiceInstance", method: http.MethodGet, path: mockInstancePath, segments: mockInstanceSegments,
		takesOriginatingIdentity: true, required: []string{"instance_id"},
		statuses: []int{200}, result: (*InstanceGetResp)(nil),
		options: func(c *OpenServiceBrokerV1) any { return c.NewGetServiceInstanceOptions(mockInstanceID) },
		call:    mockCallOf((*OpenServiceBrokerV1).GetServiceInstanceWithContext),
	},
	{
		name: "GetLastOperation", minimal: `{"state":"succeeded"}`, method: http.MethodGet, path: mockInstancePath + "/last_operation",
		segments:                 append(mockInstanceSegments[:3:3], "last_operation"),
		takesOriginatingIdentity: true, required: []string{"instance_id"},
		statuses: []int{200}, result: (*InstanceLastOperationResp)(nil),
		options: func(c *OpenServiceBrokerV1) any { return c.NewGetLastOperationOptions(mockInstanceID) },
		call:    mockCallOf((*OpenServiceBrokerV1).GetLastOperationWithContext),
	},
	{
		name: "GetServiceInstanceState", method: http.MethodGet, path: mockStatePath,
		segments:                 []string{"bluemix_v1", "service_instances", mockInstanceID},
		takesOriginatingIdentity: true, required: []string{"instance_id"},
		statuses: []int{200}, result: (*InstanceStateResp)(nil),
		options: func(c *OpenServiceBrokerV1) any { return c.NewGetServiceInstanceStateOptions(mockInstanceID) },
		call:    mockCallOf((*OpenServiceBrokerV1).GetServiceInstanceStateWithContext),
	},
	{
		name: "ReplaceServiceInstanceState", method: http.MethodPut, path: mockStatePath,
		segments: []string{"bluemix_v1", "service_instances", mockInstanceID},
		hasBody:  true, takesOriginatingIdentity: true, required: []string{"instance_id", "enabled"},
		statuses: []int{200}, result: (*InstanceStateResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewReplaceServiceInstanceStateOptions(mockInstanceID).SetEnabled(true)
		},
		call: mockCallOf((*OpenServiceBrokerV1).ReplaceServiceInstanceStateWithContext),
	},
	{
		name: "ReplaceServiceBinding", method: http.MethodPut, path: mockBindingPath, segments: mockBindingSegments,
		hasBody: true, takesOriginatingIdentity: true, required: []string{"instance_id", "binding_id", "service_id", "plan_id"},
		statuses: []int{200, 201, 202}, result: (*BindingPutResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewReplaceServiceBindingOptions(mockBindingID, mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID)
		},
		call: mockCallOf((*OpenServiceBrokerV1).ReplaceServiceBindingWithContext),
	},
	{
		name: "DeleteServiceBinding", method: http.MethodDelete, path: mockBindingPath, segments: mockBindingSegments,
		query:                    url.Values{"service_id": {mockServiceID}, "plan_id": {mockPlanID}},
		takesOriginatingIdentity: true, required: []string{"instance_id", "binding_id", "service_id", "plan_id"},
		statuses: []int{200, 202}, result: (*BindingDeleteResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewDeleteServiceBindingOptions(mockBindingID, mockInstanceID, mockPlanID, mockServiceID)
		},
		call: mockCallDeleteServiceBinding,
	},
	{
		name: "GetServiceBinding", method: http.MethodGet, path: mockBindingPath, segments: mockBindingSegments,
		takesOriginatingIdentity: true, required: []string{"instance_id", "binding_id"},
		statuses: []int{200}, result: (*BindingGetResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewGetServiceBindingOptions(mockBindingID, mockInstanceID)
		},
		call: mockCallOf((*OpenServiceBrokerV1).GetServiceBindingWithContext),
	},
	{
		name: "GetServiceBindingLastOperation", minimal: `{"state":"succeeded"}`, method: http.MethodGet, path: mockBindingPath + "/last_operation",
		segments:                 append(mockBindingSegments[:5:5], "last_operation"),
		takesOriginatingIdentity: true, required: []string{"instance_id", "binding_id"},
		statuses: []int{200}, result: (*BindingLastOperationResp)(nil),
		options: func(c *OpenServiceBrokerV1) any {
			return c.NewGetServiceBindingLastOperationOptions(mockBindingID, mockInstanceID)
		},
		call: mockCallOf((*OpenServiceBrokerV1).GetServiceBindingLastOperationWithContext),
	},
}

// mockUserAgent is the User-Agent every request carries.
var mockUserAgent = fmt.Sprintf("osb-go-sdk/%s (lang=go; arch=%s; os=%s; go.version=%s)",
	common.Version, runtime.GOARCH, runtime.GOOS, runtime.Version())

func TestOperations_TableCoversEveryOperation(t *testing.T) {
	names := map[string]bool{}
	for _, op := range mockOperations {
		names[op.name] = true
	}
	assert.Len(t, names, 12)
}

func TestOperations_SendMethodEscapedPathAndQuery(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			request := op.sendMinimal(t)

			assert.Equal(t, op.method, request.Method)
			assert.Equal(t, op.path, request.URL.EscapedPath())
			assert.Equal(t, op.segments, mockPathSegments(t, request.URL.EscapedPath()))
			assert.Equal(t, mockQueryOrEmpty(op.query), request.query(t), "query: only the parameters set")
		})
	}
}

// sendMinimal sends the operation with its minimal options to a broker that gives its minimal
// answer, and returns the one request the broker got.
func (op mockOperation) sendMinimal(t *testing.T) mockRequest {
	t.Helper()
	client, broker := newMockClient(t)
	broker.reply(op.statuses[0], op.minimalAnswer())
	_, _, err := op.call(context.Background(), client, op.options(client))
	require.NoError(t, err)
	return broker.only()
}

// mockQueryOrEmpty returns query, or an empty query for nil, as url.ParseQuery does.
func mockQueryOrEmpty(query url.Values) url.Values {
	if query == nil {
		return url.Values{}
	}
	return query
}

func TestOperations_EscapeTheCRNSlashOnce(t *testing.T) {
	for _, op := range mockOperations[1:] {
		t.Run(op.name, func(t *testing.T) {
			request := op.sendMinimal(t)

			assert.Contains(t, request.URL.RawPath, "a%2F499b176abb3e1c9727df87ae48b27c7b")
			assert.NotContains(t, request.URL.RawPath, "%252F", "escaped twice")
			assert.Contains(t, request.URL.Path, "/"+mockInstanceID, "the decoded path holds the CRN intact")
		})
	}
}

func TestOperations_SendTheOSBAndSDKHeaders(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			header := op.sendMinimal(t).Header

			assert.Equal(t, []string{"2.17"}, header.Values(HeaderAPIVersion))
			assert.Equal(t, []string{mockUserAgent}, header.Values("User-Agent"))
			assert.Equal(t, []string{"application/json"}, header.Values("Accept"))
			if op.hasBody {
				assert.Equal(t, []string{"application/json"}, header.Values("Content-Type"))
			} else {
				assert.Empty(t, header.Values("Content-Type"))
			}
			assert.Empty(t, header.Values(HeaderOriginatingIdentity), "no originating identity unless one is set")
			require.Len(t, header.Values(HeaderRequestIdentity), 1)
			identity, err := uuid.Parse(header.Get(HeaderRequestIdentity))
			require.NoError(t, err, "the request identity is a UUID")
			assert.Equal(t, uuid.Version(4), identity.Version())
		})
	}
}

func TestOperations_SendAFreshRequestIdentityEachTime(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(op.statuses[0], op.minimalAnswer())
			options := op.options(client)

			_, _, err := op.call(context.Background(), client, options)
			require.NoError(t, err)
			first := broker.last().Header.Get(HeaderRequestIdentity)
			_, _, err = op.call(context.Background(), client, options)
			require.NoError(t, err)
			second := broker.last().Header.Get(HeaderRequestIdentity)

			assert.NotEmpty(t, first)
			assert.NotEqual(t, first, second)
		})
	}
}

func TestOperations_SendTheCallersIdentities(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(op.statuses[0], op.minimalAnswer())
			options := op.options(client)
			mockSetOption(t, options, HeaderRequestIdentity, core.StringPtr("trace-7f0d2b93"))
			if op.takesOriginatingIdentity {
				mockSetOption(t, options, HeaderOriginatingIdentity, core.StringPtr(mockIBMCloudIdentity))
			}

			_, response, err := op.call(context.Background(), client, options)

			require.NoError(t, err)
			header := broker.only().Header
			assert.Equal(t, []string{"trace-7f0d2b93"}, header.Values(HeaderRequestIdentity))
			assert.Equal(t, "trace-7f0d2b93", response.Headers.Get(HeaderRequestIdentity))
			if op.takesOriginatingIdentity {
				assert.Equal(t, []string{mockIBMCloudIdentity}, header.Values(HeaderOriginatingIdentity))
			}
		})
	}
}

func TestOperations_SendTheClientsDefaultOriginatingIdentity(t *testing.T) {
	const perCall = "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgifQ=="
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(op.statuses[0], op.minimalAnswer())
			require.NoError(t, client.SetDefaultOriginatingIdentity(mockIBMCloudIdentity))

			_, _, err := op.call(context.Background(), client, op.options(client))
			require.NoError(t, err)
			withDefault := broker.last().Header.Values(HeaderOriginatingIdentity)

			if !op.takesOriginatingIdentity {
				assert.Empty(t, withDefault, "the operation takes no originating identity")
				return
			}
			assert.Equal(t, []string{mockIBMCloudIdentity}, withDefault)
			options := op.options(client)
			mockSetOption(t, options, HeaderOriginatingIdentity, core.StringPtr(perCall))
			_, _, err = op.call(context.Background(), client, options)
			require.NoError(t, err)
			assert.Equal(t, []string{perCall}, broker.last().Header.Values(HeaderOriginatingIdentity), "the call's own identity wins")
		})
	}
}

func TestOperations_RejectMissingRequiredParametersBeforeSending(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name+"/nil options", func(t *testing.T) {
			client, broker := newMockClient(t)

			result, response, err := op.call(context.Background(), client, nil)

			mockAssertParameterError(t, err, op.name, "options")
			assert.Nil(t, result)
			assert.Nil(t, response)
			assert.Zero(t, broker.calls())
		})
		for _, name := range op.required {
			for _, value := range []*string{nil, core.StringPtr(""), core.StringPtr(" \t")} {
				client, broker := newMockClient(t)
				options := op.options(client)
				if !mockSetOption(t, options, name, value) {
					continue
				}
				t.Run(fmt.Sprintf("%s/%s=%s", op.name, name, mockDescribeValue(value)), func(t *testing.T) {
					result, response, err := op.call(context.Background(), client, options)

					mockAssertParameterError(t, err, op.name, name)
					assert.Nil(t, result)
					assert.Nil(t, response)
					assert.Zero(t, broker.calls())
				})
			}
		}
	}
}

// mockDescribeValue names a parameter value in a subtest name.
func mockDescribeValue(value *string) string {
	if value == nil {
		return "unset"
	}
	return fmt.Sprintf("%q", *value)
}

// mockAssertParameterError checks that err is a ParameterError of operation naming parameter.
func mockAssertParameterError(t *testing.T, err error, operation, parameter string) {
	t.Helper()
	var parameterErr *ParameterError
	require.ErrorAs(t, err, &parameterErr)
	assert.Equal(t, operation, parameterErr.Operation)
	assert.Equal(t, parameter, parameterErr.Parameter)
	assert.Contains(t, err.Error(), parameter)
}

func TestOperations_StopWhenTheContextIsCancelledInFlight(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			broker.respond(mockCancelInFlight(cancel))

			result, response, err := op.call(ctx, client, op.options(client))

			require.Error(t, err)
			assert.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, response)
			assert.Nil(t, result)
			assert.Equal(t, 1, broker.calls(), "a cancelled request is not retried")
		})
	}
}

func TestOperations_DoNotSendWithAContextAlreadyCancelled(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(op.statuses[0], op.minimalAnswer())
			ctx, cancel := context.WithCancel(context.Background())
			cancel()

			result, response, err := op.call(ctx, client, op.options(client))

			assert.ErrorIs(t, err, context.Canceled)
			assert.Nil(t, response)
			assert.Nil(t, result)
			assert.Zero(t, broker.calls())
		})
	}
}

func TestOperations_ReturnTheStatusAndTypedResult(t *testing.T) {
	for _, op := range mockOperations {
		for _, status := range op.statuses {
			t.Run(fmt.Sprintf("%s/%d", op.name, status), func(t *testing.T) {
				client, broker := newMockClient(t)
				broker.reply(status, op.minimalAnswer())

				result, response, err := op.call(context.Background(), client, op.options(client))

				require.NoError(t, err)
				assert.Equal(t, status, response.StatusCode)
				assert.IsType(t, op.result, response.Result)
				assert.NotNil(t, response.Result)
				assert.Equal(t, response.Result, result, "the method returns the result it puts in the response")
			})
		}
	}
}

func TestOperations_ReturnABrokerErrorForAFailure(t *testing.T) {
	const answer = `{"error":"ConcurrencyError","description":"Another operation for this Service Instance is in progress."}`
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(http.StatusUnprocessableEntity, answer)

			result, response, err := op.call(context.Background(), client, op.options(client))

			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, http.StatusUnprocessableEntity, brokerErr.StatusCode)
			assert.Equal(t, "ConcurrencyError", brokerErr.ErrorCode)
			assert.Equal(t, "Another operation for this Service Instance is in progress.", brokerErr.Description)
			assert.Equal(t, op.name, brokerErr.Operation)
			assert.Equal(t, broker.only().Header.Get(HeaderRequestIdentity), brokerErr.RequestIdentity)
			assert.True(t, errors.Is(err, ErrConcurrencyError))
			require.NotNil(t, response)
			assert.Equal(t, http.StatusUnprocessableEntity, response.StatusCode)
			if op.name != "DeleteServiceBinding" {
				assert.Nil(t, result)
			}
		})
	}
}

func TestDeletions_TreatGoneAsSuccess(t *testing.T) {
	for _, op := range mockOperations {
		if op.method != http.MethodDelete {
			continue
		}
		for answer, decoded := range map[string]bool{`{}`: true, ``: false, `Gone`: false} {
			t.Run(fmt.Sprintf("%s/%q", op.name, answer), func(t *testing.T) {
				client, broker := newMockClient(t)
				broker.reply(http.StatusGone, answer)

				result, response, err := op.call(context.Background(), client, op.options(client))

				require.NoError(t, err)
				assert.Equal(t, http.StatusGone, response.StatusCode)
				if decoded {
					assert.IsType(t, op.result, result)
					assert.NotNil(t, result)
				}
			})
		}
	}
}

// mockParametersOperations are the operations whose body carries free-form parameters.
var mockParametersOperations = map[string]func(c *OpenServiceBrokerV1, parameters any) (*core.DetailedResponse, error){
	"ReplaceServiceInstance": func(c *OpenServiceBrokerV1, parameters any) (*core.DetailedResponse, error) {
		options := c.NewReplaceServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
		_, response, err := c.ReplaceServiceInstance(options.SetParameters(parameters))
		return response, err
	},
	"UpdateServiceInstance": func(c *OpenServiceBrokerV1, parameters any) (*core.DetailedResponse, error) {
		options := c.NewUpdateServiceInstanceOptions(mockInstanceID).SetServiceID(mockServiceID)
		_, response, err := c.UpdateServiceInstance(options.SetParameters(parameters))
		return response, err
	},
	"ReplaceServiceBinding": func(c *OpenServiceBrokerV1, parameters any) (*core.DetailedResponse, error) {
		options := c.NewReplaceServiceBindingOptions(mockBindingID, mockInstanceID).SetServiceID(mockServiceID).SetPlanID(mockPlanID)
		_, response, err := c.ReplaceServiceBinding(options.SetParameters(parameters))
		return response, err
	},
}

// mockEncodedParameters is a value that encodes itself as the JSON it holds.
type mockEncodedParameters string

func (p mockEncodedParameters) MarshalJSON() ([]byte, error) {
	return []byte(p), nil
}

// mockClusterParameters is a struct a caller may pass as parameters.
type mockClusterParameters struct {
	Location string            `json:"location"`
	Nodes    int               `json:"nodes"`
	Tags     map[string]string `json:"tags,omitempty"`
	Ignored  string            `json:"-"`
}

func TestSetParameters_SendsEveryJSONObject(t *testing.T) {
	cases := []struct {
		name       string
		parameters any
		want       string
	}{
		{"map of strings as in seed 002", map[string]string{"example": "property"}, `{"example":"property"}`},
		{"nested map", map[string]any{"location": "us-south", "plan": map[string]any{"nodes": 3, "disks": []int{1, 2}}},
			`{"location":"us-south","plan":{"nodes":3,"disks":[1,2]}}`},
		{"struct", mockClusterParameters{Location: "eu-de", Nodes: 2, Tags: map[string]string{"env": "prod"}, Ignored: "x"},
			`{"location":"eu-de","nodes":2,"tags":{"env":"prod"}}`},
		{"pointer to struct", &mockClusterParameters{Location: "eu-de", Nodes: 1}, `{"location":"eu-de","nodes":1}`},
		{"raw JSON", json.RawMessage(`{"location": "jp-tok", "ha": true}`), `{"location":"jp-tok","ha":true}`},
		{"empty object", map[string]any{}, `{}`},
		{"value with its own MarshalJSON", mockEncodedParameters(`{"tier": "gold"}`), `{"tier":"gold"}`},
	}
	for name, send := range mockParametersOperations {
		for _, tc := range cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				client, broker := newMockClient(t)
				broker.reply(http.StatusOK, `{}`)

				_, err := send(client, tc.parameters)

				require.NoError(t, err)
				var body struct {
					Parameters json.RawMessage `json:"parameters"`
				}
				require.NoError(t, json.Unmarshal(broker.only().Body, &body))
				assert.JSONEq(t, tc.want, string(body.Parameters))
			})
		}
	}
}

func TestSetParameters_LeavesOutNilParameters(t *testing.T) {
	for name, send := range mockParametersOperations {
		for _, parameters := range []any{nil, map[string]any(nil), (*mockClusterParameters)(nil), json.RawMessage(`null`)} {
			t.Run(fmt.Sprintf("%s/%T", name, parameters), func(t *testing.T) {
				client, broker := newMockClient(t)
				broker.reply(http.StatusOK, `{}`)

				_, err := send(client, parameters)

				require.NoError(t, err)
				assert.NotContains(t, string(broker.only().Body), "parameters")
			})
		}
	}
}

func TestSetParameters_RejectsWhatIsNotAJSONObjectBeforeSending(t *testing.T) {
	cases := []struct {
		name       string
		parameters any
	}{
		{"slice", []string{"example", "property"}},
		{"string", "example=property"},
		{"number", 42},
		{"raw JSON array", json.RawMessage(`[1]`)},
		{"raw JSON string", json.RawMessage(`"text"`)},
		{"invalid raw JSON", json.RawMessage(`{"open":`)},
		{"MarshalJSON to an array", mockEncodedParameters(`[1]`)},
		{"MarshalJSON to a string", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)},
		{"MarshalJSON failing", mockEncodedParameters(`{"open":`)},
	}
	for name, send := range mockParametersOperations {
		for _, tc := range cases {
			t.Run(name+"/"+tc.name, func(t *testing.T) {
				client, broker := newMockClient(t)

				response, err := send(client, tc.parameters)

				mockAssertParameterError(t, err, name, "parameters")
				assert.Nil(t, response)
				assert.Zero(t, broker.calls())
			})
		}
	}
}

func TestSetParameters_RejectsWhatCannotBeEncodedBeforeSending(t *testing.T) {
	for name, send := range mockParametersOperations {
		t.Run(name, func(t *testing.T) {
			client, broker := newMockClient(t)

			response, err := send(client, map[string]any{"callback": func() {}})

			var parameterErr *ParameterError
			require.ErrorAs(t, err, &parameterErr)
			assert.Equal(t, name, parameterErr.Operation)
			assert.Contains(t, err.Error(), "cannot be encoded as JSON")
			assert.ErrorContains(t, errors.Unwrap(err), "unsupported type", "the encoding error is kept")
			assert.Nil(t, response)
			assert.Zero(t, broker.calls())
		})
	}
}

func TestOperations_ReportAnAnswerThatIsNotJSON(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(op.statuses[0], `<html>maintenance</html>`)

			_, response, err := op.call(context.Background(), client, op.options(client))

			require.Error(t, err)
			assert.Contains(t, err.Error(), "not the expected JSON")
			require.NotNil(t, response)
			assert.Equal(t, op.statuses[0], response.StatusCode)
			assert.Equal(t, []byte(`<html>maintenance</html>`), response.RawResult)
		})
	}
}

// An empty 2xx body reads as "{}": the caller gets a result with nothing set, never a nil pointer.
func TestOperations_AcceptAnEmptyAnswer(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(op.statuses[0], ``)

			result, response, err := op.call(context.Background(), client, op.options(client))

			if op.minimal == "" {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrMalformedAnswer, "a poll without state")
			}
			assert.Equal(t, op.statuses[0], response.StatusCode)
			require.NotNil(t, result)
			assert.True(t, reflect.ValueOf(result).Elem().IsZero(), "no field is set: %+v", result)
		})
	}
}

func TestOperations_RequireAServiceURL(t *testing.T) {
	for _, op := range mockOperations {
		t.Run(op.name, func(t *testing.T) {
			client, broker := newMockClient(t)
			require.NoError(t, client.SetServiceURL(""))

			_, response, err := op.call(context.Background(), client, op.options(client))

			require.Error(t, err)
			assert.Contains(t, err.Error(), "service URL")
			assert.Nil(t, response)
			assert.Zero(t, broker.calls())
		})
	}
}

func TestOptions_SettersSetTheirFieldAndChain(t *testing.T) {
	client, _ := newMockClient(t)
	for _, op := range mockOperations {
		options := reflect.ValueOf(op.options(client))
		for i := range options.NumMethod() {
			method := options.Type().Method(i)
			if !strings.HasPrefix(method.Name, "Set") {
				continue
			}
			t.Run(op.name+"/"+method.Name, func(t *testing.T) {
				argument := mockSampleArgument(method.Type.In(1))

				returned := options.Method(i).Call([]reflect.Value{argument})[0]

				assert.Equal(t, options.Pointer(), returned.Pointer(), "the setter returns its options")
				field := options.Elem().FieldByNameFunc(func(name string) bool {
					return strings.EqualFold(name, strings.TrimPrefix(method.Name, "Set"))
				})
				require.True(t, field.IsValid(), "a field for %s", method.Name)
				if field.Kind() == reflect.Pointer && argument.Kind() != reflect.Pointer {
					field = field.Elem()
				}
				assert.Equal(t, argument.Interface(), field.Interface())
			})
		}
	}
}

// mockSampleArgument returns a value of kind, different from its zero value, for a setter.
func mockSampleArgument(kind reflect.Type) reflect.Value {
	switch kind.Kind() {
	case reflect.String:
		return reflect.ValueOf("sample").Convert(kind)
	case reflect.Bool:
		return reflect.ValueOf(true)
	case reflect.Int64:
		return reflect.ValueOf(int64(42))
	case reflect.Map:
		sample := reflect.MakeMap(kind)
		sample.SetMapIndex(reflect.ValueOf("X-Sample").Convert(kind.Key()), reflect.Zero(kind.Elem()))
		return sample
	case reflect.Interface:
		return reflect.ValueOf(map[string]any{"sample": true})
	default:
		return reflect.New(kind.Elem())
	}
}
