package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

var stepHeaders = []string{
	"[1/10] catalog", "[2/10] provision", "[3/10] get instance", "[4/10] update",
	"[5/10] disable (IBM state)", "[6/10] enable (IBM state)", "[7/10] bind", "[8/10] get binding",
	"[9/10] unbind", "[10/10] deprovision", "summary: all 10 steps succeeded",
}

// assertInOrder checks that every part appears in text, each after the one before.
func assertInOrder(t *testing.T, text string, parts ...string) {
	t.Helper()
	rest := text
	for _, part := range parts {
		i := strings.Index(rest, part)
		if !assert.GreaterOrEqual(t, i, 0, "%q missing or out of order in:\n%s", part, text) {
			return
		}
		rest = rest[i+len(part):]
	}
}

func TestRunWalksTheLifecycleOnTheEmbeddedBroker(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, config{}))

	assertInOrder(t, out.String(), stepHeaders...)
	assertInOrder(t, out.String(), "using service 3b5c7e1a-9d24-4f6b-8c0e-5a7d2f1b9e30 (brokertest-db), plan d7e29b45-0c3f-4a18-b6d2-9e5f1a7c3b84",
		"[2/10] provision", "poll 1: in progress", "poll 3: succeeded", "202 Accepted",
		"[7/10] bind", "credentials: host, password, port, uri, username (values not shown)",
		"[10/10] deprovision", "poll 3: succeeded", "total")
}

// externalBroker is a brokertest server the quickstart reaches as the broker of the environment.
func externalBroker(t *testing.T, options ...brokertest.Option) (*brokertest.Server, config) {
	srv := brokertest.NewServer(options...)
	t.Cleanup(srv.Close)
	return srv, useExternalBroker(t, srv.URL, srv.Username, srv.Password)
}

func TestRunSkipsTheStateStepsOfABrokerWithoutThem(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv, cfg := externalBroker(t)
			require.NoError(t, srv.InjectFault(brokertest.Fault{PathPattern: "/bluemix_v1/service_instances/*", Status: status, Body: `{}`}))
			var out bytes.Buffer
			require.NoError(t, run(context.Background(), &out, cfg))
			skip := fmt.Sprintf("skipped: the broker does not serve IBM Cloud's state endpoints (%d %s)", status, http.StatusText(status))
			assertInOrder(t, out.String(), "[5/10] disable (IBM state)", skip, "[6/10] enable (IBM state)", skip, "[7/10] bind", "summary")
		})
	}
}

func TestRunSkipsWhatTheCatalogDoesNotOffer(t *testing.T) {
	catalog := brokertest.DefaultCatalog()
	catalog[0].Bindable, catalog[0].InstancesRetrievable = false, false
	for i := range catalog[0].Plans {
		catalog[0].Plans[i].Bindable = domain.BindableValue(false)
	}
	srv, cfg := externalBroker(t, brokertest.WithCatalog(catalog))
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, cfg))
	assertInOrder(t, out.String(), "plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09 (small)",
		"[3/10] get instance", "skipped: the service does not offer GET of instances",
		"[7/10] bind", "skipped: the plan is not bindable", "[8/10] get binding", "skipped: the plan is not bindable",
		"[9/10] unbind", "skipped: the plan is not bindable", "summary: all 10 steps succeeded")
	assert.Empty(t, srv.Bindings())
	assert.Empty(t, srv.Instances())
}

// Ctrl-C (a cancelled context) while the broker works on the provision, the update or the bind:
// the clean-up waits for that operation, then removes the binding and the instance.
func TestRunCleansUpAfterCtrlC(t *testing.T) {
	isBindingPut := func(r brokertest.RecordedRequest) bool {
		return r.Method == http.MethodPut && strings.Contains(r.Path, "/service_bindings/")
	}
	for name, sent := range map[string]func(brokertest.RecordedRequest) bool{
		"provision": func(r brokertest.RecordedRequest) bool { return r.Method == http.MethodPut && !isBindingPut(r) },
		"update":    func(r brokertest.RecordedRequest) bool { return r.Method == http.MethodPatch },
		"bind":      isBindingPut,
	} {
		t.Run(name, func(t *testing.T) {
			srv, cfg := externalBroker(t, brokertest.WithAsyncPolls(20), brokertest.WithLastOperationRetryAfter(0), brokertest.WithAsyncBindings(true))
			cfg.planID, cfg.minPollDelay = brokertest.DefaultAsyncPlanID, time.Millisecond
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			go func() {
				for !slices.ContainsFunc(srv.Requests(), sent) {
					time.Sleep(2 * time.Millisecond)
				}
				cancel()
			}()
			var out bytes.Buffer
			require.ErrorIs(t, run(ctx, &out, cfg), context.Canceled)
			assertInOrder(t, out.String(), "cleaning up instance", "is in progress; waiting for it to end", "succeeded")
			assert.NotContains(t, out.String(), "could not", "the clean-up removed everything")
			assert.Empty(t, srv.Bindings())
			assert.Empty(t, srv.Instances())
		})
	}
}

// recordingProxy forwards to a broker and keeps the body of every answer, so that a test knows
// every secret the broker handed out.
type recordingProxy struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (p *recordingProxy) start(t *testing.T, brokerURL string) string {
	target, err := url.Parse(brokerURL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(response *http.Response) error {
		body, err := io.ReadAll(response.Body)
		if err != nil {
			return err
		}
		response.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		defer p.mu.Unlock()
		p.bodies = append(p.bodies, body)
		return nil
	}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	return srv.URL
}

// credentialSecrets returns the passwords of every credentials object the broker answered with,
// and the user:password of their URIs.
func (p *recordingProxy) credentialSecrets(t *testing.T) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var secrets []string
	for _, body := range p.bodies {
		var answer struct {
			Credentials struct {
				Password string `json:"password"`
				URI      string `json:"uri"`
			} `json:"credentials"`
		}
		if json.Unmarshal(body, &answer) != nil || answer.Credentials.Password == "" {
			continue
		}
		uri, err := url.Parse(answer.Credentials.URI)
		require.NoError(t, err)
		secrets = append(secrets, answer.Credentials.Password, uri.User.String())
	}
	return secrets
}

// useExternalBroker points the client's external configuration at a broker.
func useExternalBroker(t *testing.T, brokerURL, username, password string) config {
	t.Setenv(envBrokerURL, brokerURL)
	t.Setenv("OPEN_SERVICE_BROKER_AUTH_TYPE", "basic")
	t.Setenv("OPEN_SERVICE_BROKER_USERNAME", username)
	t.Setenv("OPEN_SERVICE_BROKER_PASSWORD", password)
	t.Setenv(envServiceID, "")
	t.Setenv(envPlanID, "")
	cfg, err := parseConfig(nil, os.Getenv, io.Discard)
	require.NoError(t, err)
	require.True(t, cfg.external)
	return cfg
}

func TestRunAgainstAnExternalBrokerPrintsNoSecret(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	var proxy recordingProxy
	cfg := useExternalBroker(t, proxy.start(t, srv.URL), srv.Username, srv.Password)

	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out, cfg))

	assertInOrder(t, out.String(), stepHeaders...)
	assert.Contains(t, out.String(), "plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09", "the first bindable service's first plan")
	secrets := proxy.credentialSecrets(t)
	require.Len(t, secrets, 4, "the bind and the get binding answers carried credentials")
	for i, secret := range append(secrets, srv.Password) {
		// Not assert.NotContains: its message would print the secret.
		assert.False(t, strings.Contains(out.String(), secret), "secret %d of the broker's answers appears in the output", i)
	}
	assert.Empty(t, srv.Instances(), "the quickstart leaves nothing behind")
}

func TestRunReportsAFailedStepAndCleansUp(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	require.NoError(t, srv.InjectFault(brokertest.Fault{
		Method: http.MethodPut, PathPattern: "/v2/service_instances/*/service_bindings/*",
		Status: http.StatusBadRequest, Body: `{"description": "bindings are switched off"}`,
	}))
	cfg := useExternalBroker(t, srv.URL, srv.Username, srv.Password)

	var out bytes.Buffer
	err := run(context.Background(), &out, cfg)
	require.ErrorIs(t, err, openservicebrokerv1.ErrBadRequest)
	assert.Contains(t, err.Error(), `step "bind"`)
	assert.Contains(t, err.Error(), "bindings are switched off")
	assert.Contains(t, out.String(), "cleaning up instance")
	assert.Empty(t, srv.Instances(), "the instance provisioned before the failure is deprovisioned")
}

func TestRunWithWrongCredentialsNeverPrintsThem(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	const wrongPassword = "wrong-password-0123456789"
	cfg := useExternalBroker(t, srv.URL, srv.Username, wrongPassword)

	var out bytes.Buffer
	err := run(context.Background(), &out, cfg)
	require.ErrorIs(t, err, openservicebrokerv1.ErrUnauthorized)
	assert.Contains(t, err.Error(), "check the broker credentials")
	assert.False(t, strings.Contains(err.Error()+out.String(), wrongPassword), "the password appears in the error or the output")
}

func TestRunWithAPlanNotInTheCatalogFailsBeforeProvisioning(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	cfg := useExternalBroker(t, srv.URL, srv.Username, srv.Password)
	cfg.planID = "no-such-plan"

	err := run(context.Background(), io.Discard, cfg)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `plan "no-such-plan"`)
	assert.Contains(t, err.Error(), "choose a service and a plan id from the catalog")
	assert.Empty(t, srv.Instances())
}

func TestParseConfig(t *testing.T) {
	env := map[string]string{envBrokerURL: "https://broker.example.com", envServiceID: "svc-env", envPlanID: "plan-env"}
	tests := map[string]struct {
		args []string
		env  map[string]string
		want config
	}{
		"embedded by default":    {want: config{}},
		"environment":            {env: env, want: config{external: true, serviceID: "svc-env", planID: "plan-env"}},
		"flags over environment": {args: []string{"-service-id", "svc", "-plan-id", "plan"}, env: env, want: config{external: true, serviceID: "svc", planID: "plan"}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, err := parseConfig(tc.args, func(key string) string { return tc.env[key] }, io.Discard)
			require.NoError(t, err)
			assert.Equal(t, tc.want, cfg)
		})
	}
	_, err := parseConfig([]string{"run"}, func(string) string { return "" }, io.Discard)
	assert.ErrorContains(t, err, "unexpected arguments")
}

func TestRunLeavesNothingAfterAFailedAsynchronousProvision(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithFailingOperations(brokertest.OperationProvision), brokertest.WithAsyncPolls(0))
	defer srv.Close()
	cfg := useExternalBroker(t, srv.URL, srv.Username, srv.Password)
	cfg.planID = brokertest.DefaultAsyncPlanID

	var out bytes.Buffer
	err := run(context.Background(), &out, cfg)
	var failed *openservicebrokerv1.OperationFailedError
	require.ErrorAs(t, err, &failed)
	assert.Contains(t, err.Error(), `step "provision"`)
	assert.Contains(t, out.String(), "(deprovision succeeded)", "ProvisionAndWait's orphan mitigation deprovisions the failed instance")
	assert.Empty(t, srv.Instances())
}
