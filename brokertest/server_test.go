package brokertest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCatalogIsServed(t *testing.T) {
	_, c := newTestServer(t)
	a := c.do(http.MethodGet, "/v2/catalog", nil)
	require.Equal(t, http.StatusOK, a.Status)
	services := a.JSON(t)["services"].([]any)
	require.Len(t, services, 1)
	service := services[0].(map[string]any)
	assert.Equal(t, DefaultServiceID, service["id"])
	assert.Equal(t, true, service["bindable"])
	assert.Len(t, service["plans"], 2)
}

func TestRequestsNeedCredentialsAndAPIVersion(t *testing.T) {
	srv, c := newTestServer(t)
	tests := []struct {
		name     string
		username string
		version  string
		want     int
	}{
		{"valid", srv.Username, "2.17", http.StatusOK},
		{"older 2.x version", srv.Username, "2.12", http.StatusOK},
		{"wrong credentials", "intruder", "2.17", http.StatusUnauthorized},
		{"missing version", srv.Username, "", http.StatusBadRequest},
		{"unsupported major version", srv.Username, "3.0", http.StatusPreconditionFailed},
		{"malformed version", srv.Username, "two", http.StatusPreconditionFailed},
		{"version with a patch number", srv.Username, "2.17.1", http.StatusPreconditionFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+"/v2/catalog", nil)
			require.NoError(t, err)
			req.SetBasicAuth(tt.username, srv.Password)
			if tt.version != "" {
				req.Header.Set("X-Broker-API-Version", tt.version)
			}
			resp, err := c.http.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.want, resp.StatusCode)
		})
	}
}

func TestCredentialsAreRandomUnlessConfigured(t *testing.T) {
	a, b := NewServer(), NewServer()
	defer a.Close()
	defer b.Close()
	assert.NotEqual(t, a.Password, b.Password)
	assert.NotEmpty(t, a.Username)

	srv, c := newTestServer(t, WithCredentials("u", "p"))
	assert.Equal(t, "u", srv.Username)
	assert.Equal(t, "p", srv.Password)
	assert.Equal(t, http.StatusOK, c.do(http.MethodGet, "/v2/catalog", nil).Status)
}

func TestStartRejectsInvalidOptions(t *testing.T) {
	tests := map[string]Option{
		"negative polls":       WithAsyncPolls(-1),
		"negative duration":    WithAsyncDuration(-1),
		"empty password":       WithCredentials("u", ""),
		"empty catalog":        WithCatalog(nil),
		"unknown failing kind": WithFailingOperations("explode"),
		"fault rate above 1":   WithRandomFaults(1.5, 1),
		"unknown fault kind":   WithRandomFaults(0.1, 1, "meteor"),
		"negative retry-after": WithRandomFaultRetryAfter(-1),
		"nil logger":           WithLogger(nil),
		"negative lifetime":    WithBindingLifetime(-1),
		"unknown misbehaviour": WithMisbehaviour("be-rude"),
		"unusable address":     WithAddr("256.0.0.1:0"),
	}
	for name, opt := range tests {
		t.Run(name, func(t *testing.T) {
			srv, err := Start(opt)
			assert.Error(t, err)
			assert.Nil(t, srv)
			assert.Panics(t, func() { NewServer(opt) })
		})
	}
}

func TestCloseIsIdempotentAndStopsServing(t *testing.T) {
	srv, c := newTestServer(t)
	srv.Close()
	srv.Close()
	_, err := c.send(http.MethodGet, "/v2/catalog", nil)
	assert.Error(t, err)
}
