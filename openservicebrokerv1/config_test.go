package openservicebrokerv1

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/common"
)

// mockLoopbackBroker is a broker on loopback that answers {} and records each request.
type mockLoopbackBroker struct {
	*httptest.Server
	mu       sync.Mutex
	requests []mockRequest
}

func newMockLoopbackBroker(t *testing.T, tls bool) *mockLoopbackBroker {
	t.Helper()
	broker := &mockLoopbackBroker{}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		broker.mu.Lock()
		broker.requests = append(broker.requests, mockRequest{Method: r.Method, URL: r.URL, Header: r.Header, Body: body})
		broker.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	})
	if tls {
		broker.Server = httptest.NewTLSServer(handler)
	} else {
		broker.Server = httptest.NewServer(handler)
	}
	t.Cleanup(broker.Close)
	return broker
}

func (b *mockLoopbackBroker) only(t *testing.T) mockRequest {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Len(t, b.requests, 1, "requests the broker saw")
	return b.requests[0]
}

func (b *mockLoopbackBroker) count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.requests)
}

// mockIAMToken is the access token the IAM token service mock issues.
const mockIAMToken = "iam-access-token-7f0d2b93"

// newMockIAM starts an IAM token service on loopback. It issues mockIAMToken for a request
// with apikey, and answers 400 for any other key; it counts the token requests.
func newMockIAM(t *testing.T, apikey string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	requests := &atomic.Int32{}
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path != "/identity/token" || r.PostFormValue("grant_type") != "urn:ibm:params:oauth:grant-type:apikey" ||
			r.PostFormValue("apikey") != apikey {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"errorCode":"BXNIM0415E","errorMessage":"Provided API key could not be found."}`))
			return
		}
		now := time.Now().Unix()
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": mockIAMToken, "refresh_token": "refresh", "token_type": "Bearer",
			"expires_in": 3600, "expiration": now + 3600,
		})
	}))
	t.Cleanup(server.Close)
	return server, requests
}

// mockEnvironment sets the OPEN_SERVICE_BROKER_ variables given as property, value pairs, in
// the environment TestMain has cleared.
func mockEnvironment(t *testing.T, properties map[string]string) {
	t.Helper()
	for property, value := range properties {
		t.Setenv("OPEN_SERVICE_BROKER_"+property, value)
	}
}

// mockExternalClient builds a client from the environment.
func mockExternalClient(t *testing.T) *OpenServiceBrokerV1 {
	t.Helper()
	client, err := NewOpenServiceBrokerV1UsingExternalConfig(&OpenServiceBrokerV1Options{})
	require.NoError(t, err)
	return client
}

// mockListCatalog sends one request that needs no parameters.
func mockListCatalog(t *testing.T, client *OpenServiceBrokerV1) error {
	t.Helper()
	_, _, err := client.ListCatalog(client.NewListCatalogOptions())
	return err
}

func TestExternalConfig_AuthenticatesAsConfigured(t *testing.T) {
	cases := []struct {
		name string
		// setup returns the environment and the Authorization header the broker must see.
		setup func(t *testing.T) (map[string]string, string)
	}{
		{"basic", func(*testing.T) (map[string]string, string) {
			return map[string]string{"AUTH_TYPE": "basic", "USERNAME": "broker-user", "PASSWORD": "broker-password-1"},
				"Basic " + base64.StdEncoding.EncodeToString([]byte("broker-user:broker-password-1"))
		}},
		{"basic spelled AUTHTYPE", func(*testing.T) (map[string]string, string) {
			return map[string]string{"AUTHTYPE": "basic", "USERNAME": "broker-user", "PASSWORD": "broker-password-1"},
				"Basic " + base64.StdEncoding.EncodeToString([]byte("broker-user:broker-password-1"))
		}},
		{"bearerToken", func(*testing.T) (map[string]string, string) {
			return map[string]string{"AUTH_TYPE": "bearerToken", "BEARER_TOKEN": "bearer-token-1"}, "Bearer bearer-token-1"
		}},
		{"bearerTokenFile", func(t *testing.T) (map[string]string, string) {
			path := filepath.Join(t.TempDir(), "token")
			require.NoError(t, os.WriteFile(path, []byte("token-from-file-1\n"), 0o600))
			return map[string]string{"AUTH_TYPE": "bearerTokenFile", "BEARER_TOKEN_FILE": path}, "Bearer token-from-file-1"
		}},
		{"iam", func(t *testing.T) (map[string]string, string) {
			iam, _ := newMockIAM(t, "iam-apikey-1")
			return map[string]string{"AUTH_TYPE": "iam", "APIKEY": "iam-apikey-1", "AUTH_URL": iam.URL}, "Bearer " + mockIAMToken
		}},
		{"noauth", func(*testing.T) (map[string]string, string) {
			return map[string]string{"AUTH_TYPE": "noauth"}, ""
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			broker := newMockLoopbackBroker(t, false)
			env, wantAuthorization := tc.setup(t)
			env["URL"] = broker.URL
			mockEnvironment(t, env)

			client := mockExternalClient(t)
			err := mockListCatalog(t, client)

			require.NoError(t, err)
			assert.Equal(t, broker.URL, client.GetServiceURL())
			request := broker.only(t)
			assert.Equal(t, wantAuthorization, request.Header.Get("Authorization"))
			assert.Equal(t, DefaultBrokerAPIVersion, request.Header.Get(HeaderAPIVersion))
		})
	}
}

func TestExternalConfig_ReadsACredentialsFile(t *testing.T) {
	broker := newMockLoopbackBroker(t, false)
	path := filepath.Join(t.TempDir(), "ibm-credentials.env")
	content := fmt.Sprintf("OPEN_SERVICE_BROKER_URL=%s\nOPEN_SERVICE_BROKER_AUTH_TYPE=basic\n"+
		"OPEN_SERVICE_BROKER_USERNAME=file-user\nOPEN_SERVICE_BROKER_PASSWORD=file-password-1\n"+
		"OPEN_SERVICE_BROKER_API_VERSION=2.16\n", broker.URL)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	mockEnvironment(t, nil)
	t.Setenv("IBM_CREDENTIALS_FILE", path)

	client := mockExternalClient(t)
	err := mockListCatalog(t, client)

	require.NoError(t, err)
	request := broker.only(t)
	assert.Equal(t, "Basic "+base64.StdEncoding.EncodeToString([]byte("file-user:file-password-1")), request.Header.Get("Authorization"))
	assert.Equal(t, "2.16", request.Header.Get(HeaderAPIVersion))
}

func TestExternalConfig_SetsTheBrokerAPIVersion(t *testing.T) {
	broker := newMockLoopbackBroker(t, false)
	mockEnvironment(t, map[string]string{"URL": broker.URL, "AUTH_TYPE": "noauth", "API_VERSION": "2.14"})

	client := mockExternalClient(t)
	err := mockListCatalog(t, client)

	require.NoError(t, err)
	assert.Equal(t, "2.14", client.GetBrokerAPIVersion())
	assert.Equal(t, []string{"2.14"}, broker.only(t).Header.Values(HeaderAPIVersion))
}

func TestExternalConfig_RejectsAMalformedAPIVersion(t *testing.T) {
	mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "noauth", "API_VERSION": "2.x"})

	client, err := NewOpenServiceBrokerV1UsingExternalConfig(&OpenServiceBrokerV1Options{})

	require.Error(t, err)
	assert.Nil(t, client)
	assert.ErrorIs(t, err, common.ErrInvalidConfiguration)
	assert.Contains(t, err.Error(), "OPEN_SERVICE_BROKER_API_VERSION")
}

func TestExternalConfig_SetsTheDefaultOriginatingIdentity(t *testing.T) {
	broker := newMockLoopbackBroker(t, false)
	mockEnvironment(t, map[string]string{"URL": broker.URL, "AUTH_TYPE": "noauth", "ORIGINATING_IDENTITY": mockIBMCloudIdentity})

	client := mockExternalClient(t)
	_, _, err := client.GetServiceInstanceState(client.NewGetServiceInstanceStateOptions(mockInstanceID))

	require.NoError(t, err)
	assert.Equal(t, mockIBMCloudIdentity, client.GetDefaultOriginatingIdentity())
	assert.Equal(t, []string{mockIBMCloudIdentity}, broker.only(t).Header.Values(HeaderOriginatingIdentity))
}

func TestExternalConfig_SetsTheTimeout(t *testing.T) {
	for value, want := range map[string]time.Duration{"7s": 7 * time.Second, "90": 90 * time.Second, "1m30s": 90 * time.Second} {
		t.Run(value, func(t *testing.T) {
			mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "noauth", "TIMEOUT": value})

			client := mockExternalClient(t)

			assert.Equal(t, want, client.GetHTTPClient().Timeout)
		})
	}
}

func TestExternalConfig_SetsTheMaximumResponseSize(t *testing.T) {
	mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "noauth", "MAX_RESPONSE_BYTES": "2KiB"})

	client := mockExternalClient(t)

	assert.Equal(t, int64(2048), client.GetMaxResponseBytes())
}

func TestExternalConfig_SetsTheRetries(t *testing.T) {
	t.Run("MAX_RETRIES=0 switches them off", func(t *testing.T) {
		mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "noauth", "MAX_RETRIES": "0"})

		client := mockExternalClient(t)

		assert.Zero(t, client.transport.policy.maxRetries)
	})
	t.Run("MAX_RETRIES=2", func(t *testing.T) {
		mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "noauth", "MAX_RETRIES": "2"})

		client := mockExternalClient(t)

		assert.Equal(t, 2, client.transport.policy.maxRetries)
	})
	t.Run("ENABLE_RETRIES=true leaves core's retrying client out", func(t *testing.T) {
		mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "noauth", "ENABLE_RETRIES": "true"})

		client := mockExternalClient(t)

		assert.Equal(t, DefaultMaxRetries, client.transport.policy.maxRetries)
		_, wrapped := client.GetHTTPClient().Transport.(*retryablehttp.RoundTripper)
		assert.False(t, wrapped, "retries are the transport stack's, never nested in core's")
	})
}

func TestExternalConfig_DisableSSLTrustsAnyCertificate(t *testing.T) {
	broker := newMockLoopbackBroker(t, true)
	mockEnvironment(t, map[string]string{"URL": broker.URL, "AUTH_TYPE": "noauth"})
	verifying := mockExternalClient(t)
	t.Setenv("OPEN_SERVICE_BROKER_DISABLE_SSL", "true")
	trusting := mockExternalClient(t)

	verifyErr := mockListCatalog(t, verifying)
	trustErr := mockListCatalog(t, trusting)

	require.Error(t, verifyErr, "the test server's certificate is not trusted")
	assert.Contains(t, verifyErr.Error(), "certificate")
	require.NoError(t, trustErr)
	assert.Equal(t, 1, broker.count())
}

func TestExternalConfig_EnableGzipCompressesRequestBodies(t *testing.T) {
	broker := newMockLoopbackBroker(t, false)
	mockEnvironment(t, map[string]string{"URL": broker.URL, "AUTH_TYPE": "noauth", "ENABLE_GZIP": "true"})

	client := mockExternalClient(t)
	_, _, err := client.ReplaceServiceInstanceState(client.NewReplaceServiceInstanceStateOptions(mockInstanceID).SetEnabled(false))

	require.NoError(t, err)
	assert.True(t, client.GetEnableGzipCompression())
	request := broker.only(t)
	assert.Equal(t, "gzip", request.Header.Get("Content-Encoding"))
	reader, err := gzip.NewReader(strings.NewReader(string(request.Body)))
	require.NoError(t, err)
	body, err := io.ReadAll(reader)
	require.NoError(t, err)
	assert.JSONEq(t, `{"enabled":false}`, string(body))
}

func TestExternalConfig_OptionsTakePrecedence(t *testing.T) {
	broker := newMockLoopbackBroker(t, false)
	mockEnvironment(t, map[string]string{"URL": "http://127.0.0.1:9", "AUTH_TYPE": "basic", "USERNAME": "env-user", "PASSWORD": "env-password"})
	authenticator, err := core.NewBearerTokenAuthenticator("option-token")
	require.NoError(t, err)

	client, err := NewOpenServiceBrokerV1UsingExternalConfig(&OpenServiceBrokerV1Options{URL: broker.URL, Authenticator: authenticator})
	require.NoError(t, err)
	require.NoError(t, mockListCatalog(t, client))

	assert.Equal(t, broker.URL, client.GetServiceURL())
	assert.Equal(t, "Bearer option-token", broker.only(t).Header.Get("Authorization"))
}

func TestExternalConfig_ErrorsNeverContainSecrets(t *testing.T) {
	cases := []struct {
		name   string
		env    map[string]string
		secret string
	}{
		{"basic password with a brace", map[string]string{"AUTH_TYPE": "basic", "USERNAME": "user", "PASSWORD": "{password-secret-1}"}, "password-secret-1"},
		{"basic without username", map[string]string{"AUTH_TYPE": "basic", "PASSWORD": "password-secret-2"}, "password-secret-2"},
		{"iam apikey with a quote", map[string]string{"AUTH_TYPE": "iam", "APIKEY": `"apikey-secret-3"`}, "apikey-secret-3"},
		{"unknown auth type", map[string]string{"AUTH_TYPE": "magic", "APIKEY": "apikey-secret-4"}, "apikey-secret-4"},
		{"malformed API version", map[string]string{"AUTH_TYPE": "basic", "USERNAME": "user", "PASSWORD": "password-secret-5", "API_VERSION": "two"}, "password-secret-5"},
		{"malformed timeout", map[string]string{"AUTH_TYPE": "bearerToken", "BEARER_TOKEN": "token-secret-6", "TIMEOUT": "soon"}, "token-secret-6"},
		{"malformed retries", map[string]string{"AUTH_TYPE": "iam", "APIKEY": "apikey-secret-7", "MAX_RETRIES": "-1"}, "apikey-secret-7"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.env["URL"] = "http://127.0.0.1:9"
			mockEnvironment(t, tc.env)

			client, err := NewOpenServiceBrokerV1UsingExternalConfig(&OpenServiceBrokerV1Options{})

			require.Error(t, err)
			assert.Nil(t, client)
			assert.NotContains(t, err.Error(), tc.secret)
		})
	}
}

func TestExternalConfig_IAMRejectionNeverShowsTheAPIKey(t *testing.T) {
	broker := newMockLoopbackBroker(t, false)
	iam, tokenRequests := newMockIAM(t, "the-right-apikey")
	mockEnvironment(t, map[string]string{"URL": broker.URL, "AUTH_TYPE": "iam", "APIKEY": "wrong-apikey-secret", "AUTH_URL": iam.URL})

	client := mockExternalClient(t)
	err := mockListCatalog(t, client)

	require.Error(t, err)
	assert.Contains(t, err.Error(), "cannot authenticate")
	assert.NotContains(t, err.Error(), "wrong-apikey-secret")
	assert.Positive(t, tokenRequests.Load())
	assert.Zero(t, broker.count(), "nothing reaches the broker without a token")
}
