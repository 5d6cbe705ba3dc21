package sdkruntime

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bindingOperation = Operation{
	Name: "GetServiceBinding", Method: http.MethodGet,
	Path:    "/v2/service_instances/{instance_id}/service_bindings/{binding_id}",
	Headers: []string{"X-Broker-Api-Request-Identity"},
}

func TestRequestURLEscapesEachPathValueOnceInTemplateOrder(t *testing.T) {
	request := NewRequest(&bindingOperation, nil, nil)
	request.PathValues = []string{"crn:v1:a/b", "binding 1"}
	request.AddQuery("service_id", "s&1")
	request.AddQuery("plan_id", "p 1")

	got, err := request.URL("https://broker.example.com/base/")

	require.NoError(t, err)
	assert.Equal(t, "https://broker.example.com/base/v2/service_instances/crn:v1:a%2Fb/service_bindings/binding%201?service_id=s%261&plan_id=p+1", got)
}

func TestRequestURLRefusesDotSegments(t *testing.T) {
	for _, value := range []string{".", ".."} {
		request := NewRequest(&bindingOperation, nil, nil)
		request.PathValues = []string{"instance-1", value}

		_, err := request.URL("https://broker.example.com")

		var parameterErr *ParameterError
		require.ErrorAs(t, err, &parameterErr)
		assert.Equal(t, "binding_id", parameterErr.Parameter)
	}
}

func TestRequestURLNeedsAValueForEachPathParameter(t *testing.T) {
	request := NewRequest(&bindingOperation, nil, nil)
	request.PathValues = []string{"instance-1"}

	_, err := request.URL("https://broker.example.com")

	assert.ErrorContains(t, err, "does not match its 1 values")
}

func TestNewRequestCanonicalisesTheCallersHeaders(t *testing.T) {
	request := NewRequest(&bindingOperation, nil, map[string]string{"x-correlation-id": "c-1"})

	assert.Equal(t, []string{"c-1"}, request.Header["X-Correlation-Id"])
}

func TestSDKHeadersAreCanonicalSortedAndOnePerName(t *testing.T) {
	headers := SDKHeaders(map[string]string{"x-sdk-analytics": "a", "user-agent": "sdk/2", "User-Agent": "sdk/1"})

	assert.Equal(t, []HeaderValues{
		{Name: "User-Agent", Values: []string{"sdk/1"}},
		{Name: "X-Sdk-Analytics", Values: []string{"a"}},
	}, headers)
}

func TestOperationSuccessAndDeclaredHeaders(t *testing.T) {
	op := Operation{Headers: []string{"X-Broker-Api-Version"}, SuccessStatuses: []int{http.StatusGone}}

	assert.True(t, op.IsSuccess(http.StatusNoContent))
	assert.True(t, op.IsSuccess(http.StatusGone))
	assert.False(t, op.IsSuccess(http.StatusNotFound))
	assert.True(t, op.Declares("X-Broker-Api-Version"))
	assert.False(t, op.Declares("X-Broker-API-Version"), "names are compared canonically spelled, never searched")
}

func TestCheckObject(t *testing.T) {
	type params struct{ Size int }
	var nilMap map[string]any
	for name, tc := range map[string]struct {
		value  any
		sent   bool
		reject bool
	}{
		"nil":             {value: nil},
		"nil map":         {value: nilMap},
		"map":             {value: map[string]any{"a": 1}, sent: true},
		"struct pointer":  {value: &params{Size: 1}, sent: true},
		"encoded object":  {value: []byte(`{}`), reject: true},
		"raw JSON object": {value: rawJSON(`{"a":1}`), sent: true},
		"raw JSON null":   {value: rawJSON(`null`)},
		"raw JSON array":  {value: rawJSON(`[1]`), reject: true},
		"string":          {value: "size=1", reject: true},
		"number":          {value: 3, reject: true},
	} {
		t.Run(name, func(t *testing.T) {
			sent, err := CheckObject("Op", "parameters", tc.value)

			if tc.reject {
				var parameterErr *ParameterError
				require.ErrorAs(t, err, &parameterErr)
				assert.Equal(t, "parameters", parameterErr.Parameter)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.sent, sent != nil)
		})
	}
}

func rawJSON(text string) any {
	return json.RawMessage(text)
}

func TestSetIdentityWritesTheIdentityOnceIntoTheRequest(t *testing.T) {
	request := NewRequest(&bindingOperation, nil, nil)
	writes := 0
	write := func(text *[IdentityLength]byte) {
		writes++
		copy(text[:], "6ba7b810-9dad-41d1-80b4-00c04fd430c8")
	}

	first := request.SetIdentity("X-Broker-Api-Request-Identity", write)
	second := request.SetIdentity("X-Broker-Api-Request-Identity", write)

	assert.Equal(t, "6ba7b810-9dad-41d1-80b4-00c04fd430c8", first)
	assert.Equal(t, first, second)
	assert.Equal(t, 1, writes, "a written identity is never written again")
	assert.Equal(t, []string{first}, request.Header["X-Broker-Api-Request-Identity"])
}
