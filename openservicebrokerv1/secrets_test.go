package openservicebrokerv1_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	stdlog "log"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// The tests below run whole lifecycles with go-sdk-core's debug log on and check that no
// credential reaches a log line, an error, or what a verbose program prints, while each still
// says enough to find out what went wrong. A failed check names the secret, never shows it.

// captureDebugLog sends go-sdk-core's log, at debug level and through the SDK's redacting
// logger, to a buffer until the test ends.
func captureDebugLog(t *testing.T) *testkit.SyncBuffer {
	t.Helper()
	previous := core.GetLogger()
	t.Cleanup(func() { core.SetLogger(previous) })
	buffer := &testkit.SyncBuffer{}
	core.SetLogger(osb.NewRedactingLogger(core.NewLogger(core.LevelDebug, stdlog.New(buffer, "", 0), stdlog.New(buffer, "", 0))))
	return buffer
}

// secretCheck collects the secrets of a test by name, and the texts they must stay out of.
type secretCheck struct {
	secrets map[string]string
	log     *testkit.SyncBuffer
	// output is what a verbose program prints about each call.
	output bytes.Buffer
	errors []error
}

func newSecretCheck(t *testing.T) *secretCheck {
	return &secretCheck{secrets: map[string]string{}, log: captureDebugLog(t)}
}

// addCredentials records the secrets of binding credentials: the password, and the password of
// the connection URI.
func (c *secretCheck) addCredentials(t *testing.T, credentials map[string]any) {
	t.Helper()
	password, _ := credentials["password"].(string)
	rawURI, _ := credentials["uri"].(string)
	uri, err := url.Parse(rawURI)
	require.NoError(t, err)
	uriPassword, _ := uri.User.Password()
	require.NotEmpty(t, password, "the credentials have a password")
	require.NotEmpty(t, uriPassword, "the credentials URI has a password")
	c.secrets["binding password"] = password
	c.secrets["binding URI password"] = uriPassword
}

// record prints what a verbose program prints about one call: the status and request identity,
// and for a failure the error and go-sdk-core's debug message about it, with all its details.
func (c *secretCheck) record(step string, response *core.DetailedResponse, err error) {
	if response != nil {
		fmt.Fprintf(&c.output, "%s: %d %s\n", step, response.StatusCode, response.Headers.Get(osb.HeaderRequestIdentity))
	}
	if err == nil {
		return
	}
	c.errors = append(c.errors, err)
	fmt.Fprintf(&c.output, "%s failed: %v\n%+v\n", step, err, err)
	var problem core.Problem
	if errors.As(err, &problem) {
		fmt.Fprintln(&c.output, problem.GetDebugMessage())
	}
	if response != nil {
		fmt.Fprintln(&c.output, response.String())
	}
}

// assertNoSecret checks every log line, error and printed line for every secret.
func (c *secretCheck) assertNoSecret(t *testing.T) {
	t.Helper()
	texts := map[string]string{"debug log": c.log.String(), "verbose output": c.output.String()}
	for i, err := range c.errors {
		texts[fmt.Sprintf("error %d", i)] = err.Error()
	}
	for name, secret := range c.secrets {
		require.NotEmpty(t, secret, name)
		for where, text := range texts {
			// Not assert.NotContains: its message would show the secret.
			assert.False(t, strings.Contains(text, secret), "the %s appears in the %s", name, where)
		}
	}
}

// redactedURI is how the log shows the connection URI of brokertest's credentials.
var redactedURI = regexp.MustCompile(`"uri":\s*"postgres://\*\*\*\*@localhost:5432/db[0-9]+"`)

// assertSaysEnough checks that the log shows each request and answer, with credentials redacted.
func (c *secretCheck) assertSaysEnough(t *testing.T) {
	t.Helper()
	log := c.log.String()
	for _, text := range []string{"Request:", "PUT /v2/service_instances/", "Response:", "HTTP/1.1 201 Created", "Authorization: ****"} {
		assert.Contains(t, log, text)
	}
	// Not assert.Regexp: its message would show the log, secrets and all.
	assert.True(t, redactedURI.MatchString(log), "the credentials URI is logged with its host, without its user information")
}

// assertError checks that err says which operation failed and how.
func assertError(t *testing.T, err error, operation string, how ...string) {
	t.Helper()
	require.Error(t, err)
	for _, text := range append([]string{operation}, how...) {
		assert.Contains(t, err.Error(), text)
	}
}

// secretLifecycle catalogs, provisions, binds, reads the binding back, unbinds and
// deprovisions, and records the binding's credentials as secrets.
func (c *secretCheck) secretLifecycle(t *testing.T, client *osb.OpenServiceBrokerV1) {
	t.Helper()
	_, response, err := client.ListCatalog(client.NewListCatalogOptions())
	c.record("catalog", response, err)
	require.NoError(t, err)

	_, response, err = client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions("db-1").
		SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID))
	c.record("provision", response, err)
	require.NoError(t, err)

	binding, response, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions("app-1", "db-1").
		SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID))
	c.record("bind", response, err)
	require.NoError(t, err)
	c.addCredentials(t, binding.Credentials)

	fetched, response, err := client.GetServiceBinding(client.NewGetServiceBindingOptions("app-1", "db-1"))
	c.record("get binding", response, err)
	require.NoError(t, err)
	assert.Equal(t, binding.Credentials, fetched.Credentials)

	response, err = client.DeleteServiceBinding(client.NewDeleteServiceBindingOptions("app-1", "db-1",
		brokertest.DefaultSyncPlanID, brokertest.DefaultServiceID))
	c.record("unbind", response, err)
	require.NoError(t, err)

	_, response, err = client.DeleteServiceInstance(client.NewDeleteServiceInstanceOptions(
		brokertest.DefaultServiceID, brokertest.DefaultSyncPlanID, "db-1"))
	c.record("deprovision", response, err)
	require.NoError(t, err)
}

func TestSecretsStayOutOfLogsAndErrorsWithBasicAuth(t *testing.T) {
	check := newSecretCheck(t)
	const basicPassword = "basic-pa55word-d41d8cd98f"
	check.secrets["basic-auth password"] = basicPassword
	srv := startBroker(t, brokertest.WithCredentials("broker-admin", basicPassword))
	client := srv.Client()
	client.EnableRetries(1, 5*time.Millisecond)
	check.secretLifecycle(t, client)

	t.Run("wrong password", func(t *testing.T) {
		const wrongPassword = "wrong-pa55word-9e107d9d37"
		check.secrets["wrong basic-auth password"] = wrongPassword
		wrong, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{
			URL: srv.URL, Authenticator: &core.BasicAuthenticator{Username: "broker-admin", Password: wrongPassword},
		})
		require.NoError(t, err)
		_, response, err := wrong.ListCatalog(wrong.NewListCatalogOptions())
		check.record("catalog with a wrong password", response, err)
		assertError(t, err, "ListCatalog", "401 Unauthorized", "check the broker credentials")
	})
	t.Run("broker error", func(t *testing.T) {
		require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodPut, Status: http.StatusInternalServerError,
			Body: `{"description": "database unavailable"}`, Count: 2}))
		_, response, err := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions("db-2").
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID))
		check.record("provision answered 500", response, err)
		assertError(t, err, "ReplaceServiceInstance", "500 Internal Server Error", "database unavailable")
	})
	t.Run("dropped connection", func(t *testing.T) {
		once := client.Clone()
		once.DisableRetries()
		require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodPut, Drop: brokertest.DropAfterBroker, Count: 1}))
		_, response, err := once.ReplaceServiceInstance(once.NewReplaceServiceInstanceOptions("db-3").
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID))
		check.record("provision dropped", response, err)
		assertError(t, err, "ReplaceServiceInstance", "no answer from the broker", "EOF")
	})
	t.Run("bind answer that does not decode", func(t *testing.T) {
		const answerPassword = "answer-pa55word-5d41402abc"
		check.secrets["password of an undecodable bind answer"] = answerPassword
		body := `{"credentials": {"password": "` + answerPassword + `", "uri": "postgres://u:` + answerPassword + `@h:5432/db"},` +
			` "volume_mounts": "not a list"}`
		require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodPut, Status: http.StatusCreated, Body: body, Count: 1}))
		_, response, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions("app-2", "db-1").
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID))
		check.record("bind answered with a body that does not decode", response, err)
		assertError(t, err, "ReplaceServiceBinding", "201", "not the expected JSON")
	})
	check.assertNoSecret(t)
	check.assertSaysEnough(t)
}

// newTokenGate serves srv behind a bearer token, like a broker behind an API gateway: a request
// with the token reaches the broker with its basic-auth credentials instead, others get 401.
func newTokenGate(t *testing.T, srv *brokertest.Server, token string) string {
	t.Helper()
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = io.WriteString(w, `{"description": "the bearer token is not valid"}`)
			return
		}
		r.SetBasicAuth(srv.Username, srv.Password)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	return gate.URL
}

func TestSecretsStayOutOfLogsAndErrorsWithBearerToken(t *testing.T) {
	check := newSecretCheck(t)
	const token = "bearer-token-2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
	check.secrets["bearer token"] = token
	srv := startBroker(t)
	check.secrets["basic-auth password behind the gate"] = srv.Password
	gateURL := newTokenGate(t, srv, token)
	client, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: gateURL, Authenticator: &core.BearerTokenAuthenticator{BearerToken: token}})
	require.NoError(t, err)
	check.secretLifecycle(t, client)

	const wrongToken = "wrong-token-de9f2c7fd25e1b3afad3e85a0bd17d9b"
	check.secrets["wrong bearer token"] = wrongToken
	wrong, err := osb.NewOpenServiceBrokerV1(&osb.OpenServiceBrokerV1Options{URL: gateURL, Authenticator: &core.BearerTokenAuthenticator{BearerToken: wrongToken}})
	require.NoError(t, err)
	_, response, err := wrong.GetServiceInstance(wrong.NewGetServiceInstanceOptions("db-1"))
	check.record("get instance with a wrong token", response, err)
	assertError(t, err, "GetServiceInstance", "401 Unauthorized", "the bearer token is not valid")

	check.assertNoSecret(t)
	check.assertSaysEnough(t)
}

// newMockIAM serves an IAM token endpoint that gives accessToken for apikey and refuses other keys.
func newMockIAM(t *testing.T, apikey, accessToken, refreshToken string) string {
	t.Helper()
	iam := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.ParseForm() != nil || r.Form.Get("apikey") != apikey {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"errorCode": "BXNIM0415E", "errorMessage": "Provided API key could not be found."}`)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"access_token": accessToken, "refresh_token": refreshToken, "token_type": "Bearer",
			"expires_in": 3600, "expiration": time.Now().Add(time.Hour).Unix(),
		})
	}))
	t.Cleanup(iam.Close)
	return iam.URL
}

// iamClient builds a client from the environment, authenticated by the IAM at iamURL with apikey.
func iamClient(t *testing.T, brokerURL, iamURL, apikey string) *osb.OpenServiceBrokerV1 {
	t.Helper()
	t.Setenv("OPEN_SERVICE_BROKER_URL", brokerURL)
	t.Setenv("OPEN_SERVICE_BROKER_AUTH_TYPE", "iam")
	t.Setenv("OPEN_SERVICE_BROKER_APIKEY", apikey)
	t.Setenv("OPEN_SERVICE_BROKER_AUTH_URL", iamURL)
	client, err := osb.NewOpenServiceBrokerV1UsingExternalConfig(&osb.OpenServiceBrokerV1Options{})
	require.NoError(t, err)
	return client
}

func TestSecretsStayOutOfLogsAndErrorsWithIAMAPIKey(t *testing.T) {
	check := newSecretCheck(t)
	const (
		apikey       = "iam-apikey-0cc175b9c0f1b6a831c399e269772661"
		accessToken  = "iam-access-token-92eb5ffee6ae2fec3ad71c777531578f"
		refreshToken = "iam-refresh-token-4a8a08f09d37b73795649038408b5f33"
	)
	check.secrets["IAM apikey"] = apikey
	check.secrets["IAM access token"] = accessToken
	check.secrets["IAM refresh token"] = refreshToken
	srv := startBroker(t)
	iamURL := newMockIAM(t, apikey, accessToken, refreshToken)
	gateURL := newTokenGate(t, srv, accessToken)
	check.secretLifecycle(t, iamClient(t, gateURL, iamURL, apikey))
	assert.Contains(t, check.log.String(), "POST /identity/token", "the token request is logged")

	const wrongAPIKey = "wrong-apikey-8277e0910d750195b448797616e091ad"
	check.secrets["wrong IAM apikey"] = wrongAPIKey
	wrong := iamClient(t, gateURL, iamURL, wrongAPIKey)
	_, response, err := wrong.ListCatalog(wrong.NewListCatalogOptions())
	check.record("catalog with a wrong apikey", response, err)
	assertError(t, err, "ListCatalog", "cannot authenticate the request", "Provided API key could not be found")

	check.assertNoSecret(t)
	check.assertSaysEnough(t)
}

func TestSecretsRedactingLoggerHidesURLPasswords(t *testing.T) {
	tests := []struct{ message, logged string }{
		{`"uri": "postgres://user-1:s3cret@db:5432/app"`, `"uri": "postgres://****@db:5432/app"`},
		{`"uri":"mysql:\/\/admin:p%40ss:word@db\/app"`, `"uri":"mysql:\/\/****@db\/app"`},
		{"dial redis://:only-password@cache:6379 failed", "dial redis://****@cache:6379 failed"},
		{"two: amqps://a:1@q and https://b:2@h/x", "two: amqps://****@q and https://****@h/x"},
		{"an @ inside: postgres://u:p@ss@db", "an @ inside: postgres://****@db"},
		{"a / inside: postgres://u:pa/ss@db", "a / inside: postgres://****@db"},
		{"a token as user: https://token-as-user@host/path", "a token as user: https://****@host/path"},
		{"a JDBC URL: jdbc:postgresql://db/app?user=u&password=pw", "a JDBC URL: jdbc:postgresql://db/app?user=u&password=****"},
		{"no user info: https://broker.example.com/v2/catalog?a=b", "no user info: https://broker.example.com/v2/catalog?a=b"},
	}
	buffer := &testkit.SyncBuffer{}
	logger := osb.NewRedactingLogger(core.NewLogger(core.LevelDebug, stdlog.New(buffer, "", 0), stdlog.New(buffer, "", 0)))
	for _, test := range tests {
		logger.Debug("%s", test.message)
		logger.Log(core.LevelInfo, "%s", test.message)
	}
	var want strings.Builder
	for _, test := range tests {
		want.WriteString("[Debug] " + test.logged + "\n" + test.logged + "\n")
	}
	assert.Equal(t, want.String(), buffer.String())
}

func TestSecretsRedactingLoggerKeepsTheLevel(t *testing.T) {
	buffer := &testkit.SyncBuffer{}
	logger := osb.NewRedactingLogger(core.NewLogger(core.LevelWarn, stdlog.New(buffer, "", 0), stdlog.New(buffer, "", 0)))
	logger.Debug("debug https://u:p@h")
	logger.Info("info")
	logger.Warn("warn https://u:p@h")
	logger.Error("error %d", 42)
	assert.Equal(t, "[Warn] warn https://****@h\n[Error] error 42\n", buffer.String())
	assert.True(t, logger.IsLogLevelEnabled(core.LevelWarn))
	logger.SetLogLevel(core.LevelDebug)
	assert.Equal(t, core.LevelDebug, logger.GetLogLevel())
	assert.Equal(t, logger, osb.NewRedactingLogger(logger), "a redacting logger is not wrapped twice")
}

func TestSecretsImportLeavesCoresLoggerAlone(t *testing.T) {
	logger := core.GetLogger()
	assert.NotEqual(t, logger, osb.NewRedactingLogger(logger), "importing the package must not replace go-sdk-core's logger")
}
