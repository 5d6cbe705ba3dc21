package openservicebrokerv1_test

import (
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// tlsBroker is a broker on loopback with a self-signed certificate, counting the connections
// opened to it and the requests it answered.
type tlsBroker struct {
	*httptest.Server
	connections, requests atomic.Int64
}

func newTLSBroker(t *testing.T) *tlsBroker {
	t.Helper()
	broker := &tlsBroker{}
	broker.Server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		broker.requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"services": [{"id": "db", "name": "db", "plans": []}]}`)
	}))
	broker.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			broker.connections.Add(1)
		}
	}
	broker.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshakes are expected
	broker.StartTLS()
	t.Cleanup(broker.Close)
	return broker
}

func TestTLSCertificateIsVerifiedByDefault(t *testing.T) {
	broker := newTLSBroker(t)
	client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: broker.URL, Authenticator: &core.NoAuthAuthenticator{}})
	require.NoError(t, err)

	_, _, err = client.ListCatalog(client.NewListCatalogOptions())
	require.Error(t, err)
	for _, text := range []string{"ListCatalog", "certificate", "x509", "DisableSSLVerification"} {
		assert.Contains(t, err.Error(), text)
	}
	assert.Zero(t, broker.requests.Load(), "a request reached the broker over an unverified connection")
	assert.Equal(t, int64(1), broker.connections.Load(), "a certificate failure is not retried")

	client.DisableSSLVerification()
	catalog, response, err := client.ListCatalog(client.NewListCatalogOptions())
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, "db", *catalog.Services[0].ID)
}

func TestTLSDisablingVerificationConcernsOneClient(t *testing.T) {
	broker := newTLSBroker(t)
	options := &osb.OpenServiceBrokerV1Options{URL: broker.URL, Authenticator: &core.NoAuthAuthenticator{}}
	trusting, err := osb.NewOpenServiceBrokerV1(options)
	require.NoError(t, err)
	trusting.DisableSSLVerification()
	verifying, err := osb.NewOpenServiceBrokerV1(options)
	require.NoError(t, err)

	_, _, err = trusting.ListCatalog(trusting.NewListCatalogOptions())
	require.NoError(t, err)
	_, _, err = verifying.ListCatalog(verifying.NewListCatalogOptions())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "certificate")
}

func TestTLSVerificationIsDisabledByTheEnvironment(t *testing.T) {
	broker := newTLSBroker(t)
	t.Setenv("OPEN_SERVICE_BROKER_URL", broker.URL)
	t.Setenv("OPEN_SERVICE_BROKER_AUTH_TYPE", "noauth")
	for _, disable := range []string{"false", "true"} {
		t.Run("DISABLE_SSL="+disable, func(t *testing.T) {
			t.Setenv("OPEN_SERVICE_BROKER_DISABLE_SSL", disable)
			client, err := osb.NewOpenServiceBrokerV1UsingExternalConfig(&osb.OpenServiceBrokerV1Options{})
			require.NoError(t, err)
			_, _, err = client.ListCatalog(client.NewListCatalogOptions())
			if disable == "true" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), "certificate")
		})
	}
}
