package common

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// serviceFromEnvironment builds a go-sdk-core service from external configuration only, as a
// client's UsingExternalConfig constructor does.
func serviceFromEnvironment(t *testing.T) *core.BaseService {
	t.Helper()
	authenticator, err := GetAuthenticatorFromEnvironment(testService)
	require.NoError(t, err)
	service, err := core.NewBaseService(&core.ServiceOptions{Authenticator: authenticator})
	require.NoError(t, err)
	require.NoError(t, service.ConfigureService(testService))
	config, err := LoadConfig(testService)
	require.NoError(t, err)
	require.NoError(t, config.ApplyTransport(service.GetHTTPClient()))
	return service
}

// getCatalog sends GET /v2/catalog to the service's URL and returns the status.
func getCatalog(t *testing.T, service *core.BaseService) int {
	t.Helper()
	builder, err := core.NewRequestBuilder(core.GET).ResolveRequestURL(service.GetServiceURL(), "/v2/catalog", nil)
	require.NoError(t, err)
	request, err := builder.Build()
	require.NoError(t, err)
	response, err := service.Request(request, nil)
	require.NoError(t, err)
	return response.StatusCode
}

func TestDeployment_CloudFoundryStyleBasic(t *testing.T) {
	server, seen := newHeaderServer(t)
	setConfig(t, map[string]string{"URL": server.URL, PropertyAuthType: "basic", "USERNAME": "platform", "PASSWORD": "password"})

	assert.Equal(t, http.StatusOK, getCatalog(t, serviceFromEnvironment(t)))
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("platform:password")), seen.last())
}

func TestDeployment_IBMCloudIAM(t *testing.T) {
	server, seen := newHeaderServer(t)
	tokenServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/identity/token" || r.FormValue("apikey") != "platform-apikey" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": "iam-access-token", "refresh_token": "iam-refresh-token", "token_type": "Bearer",
			"expires_in": 3600, "expiration": time.Now().Add(time.Hour).Unix(),
		})
	}))
	t.Cleanup(tokenServer.Close)
	setConfig(t, map[string]string{"URL": server.URL, PropertyAuthType: "iam", "APIKEY": "platform-apikey", "AUTH_URL": tokenServer.URL})

	assert.Equal(t, http.StatusOK, getCatalog(t, serviceFromEnvironment(t)))
	assert.Equal(t, "Bearer iam-access-token", seen.last())
}

func TestDeployment_KubernetesTokenFile(t *testing.T) {
	server, seen := newHeaderServer(t)
	tokenFile := writeFile(t, t.TempDir(), "token", []byte("service-account-token\n"))
	setConfig(t, map[string]string{"URL": server.URL, PropertyAuthType: AuthTypeBearerTokenFile, PropertyBearerTokenFile: tokenFile})

	assert.Equal(t, http.StatusOK, getCatalog(t, serviceFromEnvironment(t)))
	assert.Equal(t, "Bearer service-account-token", seen.last())
}

func TestDeployment_MutualTLS(t *testing.T) {
	pki := testkit.NewPKI(t)
	server, seen := newMutualTLSServer(t, pki)
	certFile, keyFile, caFile := clientFiles(t, pki, t.TempDir(), "platform")
	setConfig(t, map[string]string{
		"URL": server.URL, PropertyAuthType: "noAuth",
		PropertyClientCertFile: certFile, PropertyClientKeyFile: keyFile, PropertyCACertFile: caFile,
	})

	assert.Equal(t, http.StatusOK, getCatalog(t, serviceFromEnvironment(t)))
	assert.Equal(t, "platform", seen.last())
}
