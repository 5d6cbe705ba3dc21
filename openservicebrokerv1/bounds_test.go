package openservicebrokerv1

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// serve starts a loopback server with handler until the test ends.
func serve(t *testing.T, handler http.HandlerFunc) *httptest.Server {
	t.Helper()
	server := httptest.NewServer(handler)
	t.Cleanup(server.Close)
	return server
}

func listCatalogOf(client *OpenServiceBrokerV1) (*BrokerCatalogResp, *core.DetailedResponse, error) {
	return client.ListCatalog(client.NewListCatalogOptions())
}

func TestBoundsEndlessCatalogStopsAtTheLimitWithBoundedHeap(t *testing.T) {
	const limit = 4 << 20
	var written atomic.Int64
	server := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"services":[`))
		chunk := bytes.Repeat([]byte(`{"name":"svc","id":"x","description":"d","bindable":true,"plans":[]},`), 1000)
		for {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return // the client went away
			}
		}
	})
	client := newLoopbackClient(t, server.URL)
	require.NoError(t, client.SetMaxResponseBytes(limit))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)

	result, response, err := listCatalogOf(client)

	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, ErrResponseTooLarge)
	var tooLarge *ResponseTooLargeError
	require.ErrorAs(t, err, &tooLarge)
	assert.Equal(t, int64(limit), tooLarge.Limit)
	assert.Nil(t, result)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	for _, text := range []string{"ListCatalog", "4194304 bytes", "SetMaxResponseBytes", "OPEN_SERVICE_BROKER_MAX_RESPONSE_BYTES"} {
		assert.Contains(t, err.Error(), text)
	}
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(16*limit), "bytes allocated while reading an endless body")
}

func TestBoundsDeclaredLengthOverTheLimitFailsAtOnce(t *testing.T) {
	var written atomic.Int64
	server := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(1<<30))
		w.WriteHeader(http.StatusOK)
		for range 1 << 10 {
			n, err := w.Write(make([]byte, 1<<20))
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	})
	client := newLoopbackClient(t, server.URL)
	require.NoError(t, client.SetMaxResponseBytes(1<<20))

	_, _, err := listCatalogOf(client)

	require.ErrorIs(t, err, ErrResponseTooLarge)
	assert.Less(t, written.Load(), int64(1<<30), "the client read the whole declared body")
}

func TestBoundsGzipBombIsCountedAfterDecompression(t *testing.T) {
	var compressed bytes.Buffer
	writer := gzip.NewWriter(&compressed)
	_, err := writer.Write([]byte(`{"services":[],"padding":"`))
	require.NoError(t, err)
	_, err = writer.Write(bytes.Repeat([]byte("0"), 64<<20))
	require.NoError(t, err)
	_, err = writer.Write([]byte(`"}`))
	require.NoError(t, err)
	require.NoError(t, writer.Close())
	const limit = 1 << 20
	require.Less(t, compressed.Len(), limit, "the bomb is small on the wire")
	server := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(compressed.Bytes())
	})
	client := newLoopbackClient(t, server.URL)
	require.NoError(t, client.SetMaxResponseBytes(limit))

	_, _, err = listCatalogOf(client)

	require.ErrorIs(t, err, ErrResponseTooLarge)
}

func TestBoundsRedirects(t *testing.T) {
	var elsewhere atomic.Int32
	other := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		_, _ = w.Write([]byte(`{}`))
	})
	tests := []struct {
		name     string
		location func(server *httptest.Server) string
		call     func(client *OpenServiceBrokerV1) (*core.DetailedResponse, error)
	}{
		{name: "307 on PUT to another host", location: func(*httptest.Server) string { return other.URL + "/v2/service_instances/instance-1" },
			call: func(client *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
				return sendProvision(t, context.Background(), client)
			}},
		{name: "307 on PUT to the same host", location: func(server *httptest.Server) string { return server.URL + "/elsewhere" },
			call: func(client *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
				return sendProvision(t, context.Background(), client)
			}},
		{name: "302 on GET to another host", location: func(*httptest.Server) string { return other.URL + "/v2/catalog" },
			call: func(client *OpenServiceBrokerV1) (*core.DetailedResponse, error) {
				_, response, err := listCatalogOf(client)
				return response, err
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var server *httptest.Server
			var redirected atomic.Int32
			server = serve(t, func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/elsewhere" {
					redirected.Add(1)
				}
				status := http.StatusTemporaryRedirect
				if r.Method == http.MethodGet {
					status = http.StatusFound
				}
				http.Redirect(w, r, tt.location(server), status)
			})
			client := newLoopbackClient(t, server.URL)

			response, err := tt.call(client)

			require.ErrorIs(t, err, ErrRedirectNotFollowed)
			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, response.StatusCode, brokerErr.StatusCode)
			assert.Contains(t, err.Error(), "not followed")
			assert.Zero(t, elsewhere.Load(), "a request reached the other host")
			assert.Zero(t, redirected.Load(), "a redirect was followed")
		})
	}
}

func TestBoundsRedirectOfAGetOnTheSameHostIsFollowed(t *testing.T) {
	server := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/catalog" {
			http.Redirect(w, r, "/moved/v2/catalog", http.StatusMovedPermanently)
			return
		}
		assert.Equal(t, "2.17", r.Header.Get(HeaderAPIVersion), "the redirected request keeps its headers")
		_, _ = w.Write([]byte(`{"services":[{"name":"moved"}]}`))
	})
	client := newLoopbackClient(t, server.URL)

	catalog, _, err := listCatalogOf(client)

	require.NoError(t, err)
	assert.Equal(t, "moved", *catalog.Services[0].Name)
}

func TestBoundsEchoedCredentialsAreScrubbed(t *testing.T) {
	const (
		username = "platform"
		password = "s3cr3t-broker-pa55"
		token    = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.sig"
	)
	echo := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		authorization := r.Header.Get("Authorization")
		scheme, credentials, _ := strings.Cut(authorization, " ")
		description := fmt.Sprintf("rejected %s (%s)", authorization, credentials)
		if scheme == "Basic" {
			pair, _ := base64.StdEncoding.DecodeString(credentials)
			description += " for " + string(pair)
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"description": description})
	}
	for name, authenticator := range map[string]core.Authenticator{
		"basic":  &core.BasicAuthenticator{Username: username, Password: password},
		"bearer": &core.BearerTokenAuthenticator{BearerToken: token},
	} {
		t.Run(name, func(t *testing.T) {
			server := serve(t, echo)
			client := newClientWith(t, server.URL, authenticator)
			log := captureLog(t)

			response, err := sendProvision(t, context.Background(), client)

			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Contains(t, brokerErr.Description, "[redacted]")
			texts := map[string]string{"error": err.Error(), "raw result": string(response.RawResult), "debug log": log.String()}
			for _, secret := range []string{password, token, base64.StdEncoding.EncodeToString([]byte(username + ":" + password))} {
				for where, text := range texts {
					assert.False(t, strings.Contains(text, secret), "a credential appears in the %s", where)
				}
			}
		})
	}
}

// captureLog sends go-sdk-core's log, at debug level, to a buffer until the test ends.
func captureLog(t *testing.T) *testkit.SyncBuffer {
	t.Helper()
	previous := core.GetLogger()
	t.Cleanup(func() { core.SetLogger(previous) })
	buffer := &testkit.SyncBuffer{}
	core.SetLogger(core.NewLogger(core.LevelDebug, log.New(buffer, "", 0), log.New(buffer, "", 0)))
	return buffer
}

func TestBoundsDeeplyNestedJSONIsAnError(t *testing.T) {
	deep := strings.Repeat("[", 1<<20) + strings.Repeat("]", 1<<20)
	for name, answer := range map[string]http.HandlerFunc{
		"success body": answer(http.StatusOK, jsonType, `{"services":`+deep+`}`),
		"error body":   answer(http.StatusBadRequest, jsonType, `{"description":`+deep+`}`),
	} {
		t.Run(name, func(t *testing.T) {
			client := newLoopbackClient(t, serve(t, answer).URL)

			var result *BrokerCatalogResp
			var err error
			assert.NotPanics(t, func() { result, _, err = listCatalogOf(client) })

			require.Error(t, err)
			assert.Nil(t, result)
			assert.Less(t, len(err.Error()), 1024)
		})
	}
}

func TestDecodeGivesNoPartialResult(t *testing.T) {
	client := newLoopbackClient(t, serve(t, answer(http.StatusOK, jsonType, `{"state":"in progress","description":5}`)).URL)

	result, response, err := client.GetLastOperation(client.NewGetLastOperationOptions("instance-1"))

	require.Error(t, err)
	assert.Contains(t, err.Error(), "not the expected JSON")
	assert.Nil(t, result, "a 2xx body that does not decode gives no result, as in IBM's SDK")
	assert.Nil(t, response.Result)
	assert.Equal(t, `{"state":"in progress","description":5}`, string(response.RawResult))
}

func TestReadBodyReadsWhateverTheDeclaredLength(t *testing.T) {
	body := strings.Repeat("0123456789", 300)
	tests := []struct {
		name     string
		declared int64
		maxCap   int
	}{
		{"declared exactly", int64(len(body)), len(body) + 1},
		{"undeclared", -1, 2 * len(body)},
		{"declared shorter than sent", 10, 2 * len(body)},
		{"declared longer than sent", int64(len(body)) + 100, len(body) + 101},
		{"empty", 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent := body
			if tt.declared == 0 {
				sent = ""
			}
			// OneByteReader makes every read short, as a slow connection does.
			got, err := readBody(iotest.OneByteReader(strings.NewReader(sent)), tt.declared)

			require.NoError(t, err)
			assert.Equal(t, sent, string(got))
			assert.LessOrEqual(t, cap(got), tt.maxCap, "the buffer fits the declared length")
		})
	}
}

func TestReadBodyKeepsWhatArrivedBeforeAnError(t *testing.T) {
	broken := io.MultiReader(strings.NewReader(`{"state":`), iotest.ErrReader(io.ErrUnexpectedEOF))

	got, err := readBody(broken, 100)

	require.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Equal(t, `{"state":`, string(got))
}

func TestBrokerCorrelation(t *testing.T) {
	tests := []struct {
		name       string
		header     http.Header
		wantHeader string
		wantID     string
		inText     string
	}{
		{name: "echoed request identity", header: http.Header{HeaderRequestIdentity: {"rid-1"}}, wantHeader: "X-Broker-Api-Request-Identity", wantID: "rid-1"},
		{name: "X-Request-Id", header: http.Header{"x-request-id": {"req-42"}}, wantHeader: "X-Request-Id", wantID: "req-42", inText: "broker's X-Request-Id req-42"},
		{name: "X-Correlation-ID", header: http.Header{"X-Correlation-ID": {"corr-7"}}, wantHeader: "X-Correlation-Id", wantID: "corr-7", inText: "broker's X-Correlation-Id corr-7"},
		{name: "X-Vcap-Request-Id", header: http.Header{"X-Vcap-Request-Id": {"vcap-9"}}, wantHeader: "X-Vcap-Request-Id", wantID: "vcap-9", inText: "broker's X-Vcap-Request-Id vcap-9"},
		{name: "echo first", header: http.Header{HeaderRequestIdentity: {"rid-1"}, "X-Request-Id": {"req-42"}}, wantHeader: "X-Broker-Api-Request-Identity", wantID: "rid-1"},
		{name: "none", header: http.Header{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			server := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				for name, values := range tt.header {
					w.Header()[name] = values
				}
				w.WriteHeader(http.StatusConflict)
			})

			response, err := sendProvision(t, context.Background(), newLoopbackClient(t, server.URL))

			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr)
			assert.Equal(t, tt.wantHeader, brokerErr.BrokerCorrelationHeader)
			assert.Equal(t, tt.wantID, brokerErr.BrokerCorrelationID)
			if tt.inText != "" {
				assert.Contains(t, err.Error(), "(request identity rid-1; "+tt.inText+")")
			} else {
				assert.Contains(t, err.Error(), "(request identity rid-1)")
			}
			header, id := BrokerCorrelationID(response)
			if len(tt.header) == 0 || (len(tt.header) == 1 && tt.wantHeader == "X-Broker-Api-Request-Identity") {
				assert.Equal(t, "X-Broker-Api-Request-Identity", header)
				assert.Equal(t, "rid-1", id, "without a correlation header of its own, the broker is known by the request identity")
			} else {
				assert.NotEqual(t, "X-Broker-Api-Request-Identity", header, "the broker's own id comes first")
				assert.NotEmpty(t, id)
			}
		})
	}
}

func TestRetryBudgetUnderASustainedOutage(t *testing.T) {
	var requests atomic.Int32
	var down atomic.Bool
	down.Store(true)
	server := serve(t, func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		if down.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(`{"services":[]}`))
	})
	client := newLoopbackClient(t, server.URL)
	client.EnableRetries(DefaultMaxRetries, time.Millisecond)
	const calls = 200
	withheld := 0

	for range calls {
		_, _, err := listCatalogOf(client)
		require.Error(t, err)
		if errors.Is(err, ErrBrokerUnavailable) {
			withheld++
			var brokerErr *BrokerError
			require.ErrorAs(t, err, &brokerErr, "a withheld retry keeps the broker's answer")
			assert.Equal(t, http.StatusServiceUnavailable, brokerErr.StatusCode)
			assert.Contains(t, err.Error(), "withheld")
		}
	}

	perCall := float64(requests.Load()) / calls
	assert.LessOrEqual(t, perCall, 1+float64(retryBudgetReserve+1)/calls, "requests per call during the outage: the first attempts and the reserve")
	assert.Greater(t, withheld, calls/2, "calls that failed fast")
	down.Store(false)
	before := requests.Load()
	catalog, _, err := listCatalogOf(client)
	require.NoError(t, err, "the first call after the outage succeeds")
	assert.NotNil(t, catalog)
	assert.Equal(t, before+1, requests.Load(), "the first attempt is never withheld")
	t.Logf("%d calls during the outage: %.2f requests per call, %d failed fast", calls, perCall, withheld)
}

func TestBoundsCredentialsEscapedOrInASuccessBodyAreScrubbed(t *testing.T) {
	const password = `s3cr<et>&"pw` // encoding/json escapes <, >, & and "
	basic := &core.BasicAuthenticator{Username: "platform", Password: password}
	tests := map[string]http.HandlerFunc{
		"JSON-escaped in an error description": func(w http.ResponseWriter, r *http.Request) {
			pair, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.Header.Get("Authorization"), "Basic "))
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]string{"description": "bad pair " + string(pair)})
		},
		"in a 2xx body that is not JSON": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = fmt.Fprintf(w, "<html>created for %s</html>", r.Header.Get("Authorization"))
		},
	}
	for name, handler := range tests {
		t.Run(name, func(t *testing.T) {
			client := newClientWith(t, serve(t, handler).URL, basic)
			client.DisableRetries()
			log := captureLog(t)

			response, err := sendProvision(t, context.Background(), client)

			require.Error(t, err)
			require.NotNil(t, response)
			texts := map[string]string{"error": err.Error(), "raw result": string(response.RawResult), "debug log": log.String()}
			encoded := base64.StdEncoding.EncodeToString([]byte("platform:" + password))
			for where, text := range texts {
				assert.NotContains(t, text, password, "the password appears in the %s", where)
				assert.NotContains(t, text, encoded, "the encoded pair appears in the %s", where)
			}
		})
	}
}
