package sdkruntime

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSendUsesGoSDKCoresPlainPath(t *testing.T) {
	var seen *http.Request
	var body []byte
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r
		body, _ = io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"rex"}`))
	}))
	t.Cleanup(server.Close)
	service, err := core.NewBaseService(&core.ServiceOptions{URL: server.URL, Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(t, err)
	op := &Operation{ID: "replace_pet", Name: "ReplacePet", Method: http.MethodPut, Path: "/pets/{pet_id}", Accept: true,
		SDKHeaders: SDKHeaders(map[string]string{"user-agent": "sdk/1"})}
	request := NewRequest(op, nil, map[string]string{"X-Trace": "t-1"})
	request.PathValues = []string{"a/b"}
	request.AddQuery("dry_run", "true")
	request.Body = map[string]string{"name": "rex"}
	var result *struct{ Name string }

	response, err := Send(context.Background(), service, request, &result)

	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, "rex", result.Name)
	assert.Equal(t, "/pets/a%2Fb", seen.URL.EscapedPath())
	assert.Equal(t, "dry_run=true", seen.URL.RawQuery)
	assert.Equal(t, "t-1", seen.Header.Get("X-Trace"))
	assert.Equal(t, "sdk/1", seen.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", seen.Header.Get("Accept"))
	assert.JSONEq(t, `{"name":"rex"}`, string(body))
}
