package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// withHome points the targets file and the local record at a fresh directory of the test.
func withHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	return dir
}

// credentialsFile writes go-sdk-core's credentials file naming srv and points IBM_CREDENTIALS_FILE at it.
func credentialsFile(t *testing.T, srv *brokertest.Server) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ibm-credentials.env")
	content := "OPEN_SERVICE_BROKER_URL=" + srv.URL + "\nOPEN_SERVICE_BROKER_AUTH_TYPE=basic\n" +
		"OPEN_SERVICE_BROKER_USERNAME=" + srv.Username + "\nOPEN_SERVICE_BROKER_PASSWORD=" + srv.Password + "\n"
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	t.Setenv("IBM_CREDENTIALS_FILE", path)
	return path
}

func setBrokerVariables(t *testing.T, srv *brokertest.Server) {
	t.Helper()
	testkit.SetBasicAuthConfig(t, srv.URL, srv.Username, srv.Password)
}

func TestVariablesWinOverACredentialsFile(t *testing.T) {
	withHome(t)
	fromFile, fromVariables := newBroker(t), newBroker(t)
	credentialsFile(t, fromFile)
	setBrokerVariables(t, fromVariables)

	got := invocation{}.run(t, nil, "provision", "inst", "--service", "brokertest-db", "--plan", "small")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Len(t, fromVariables.Instances(), 1, "the exported variables name the broker")
	assert.Empty(t, fromFile.Requests(), "the credentials file is not used when variables name a broker")
	assert.NotContains(t, got.stderr, "ibm-credentials.env")
}

func TestACredentialsFileInUseIsNamedOnStderrOnce(t *testing.T) {
	withHome(t)
	srv := newBroker(t)
	path := credentialsFile(t, srv)

	got := invocation{}.run(t, nil, "provision", "inst", "--service", "brokertest-db", "--plan", "small")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, 1, strings.Count(got.stderr, "from credentials file "+path), got.stderr)

	got = invocation{}.run(t, nil, "get", "instance", "inst", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.NotContains(t, got.stderr, path, "machine output says nothing more on stderr")
}

func TestTargetsAddUseListAndShow(t *testing.T) {
	dev, prod := newBroker(t), newBroker(t)
	home := withHome(t)
	got := invocation{stdin: dev.Password + "\n"}.run(t, nil, "target", "add", "dev", "--url", dev.URL, "--user", dev.Username, "--password-stdin")
	require.Equal(t, exitOK, got.code, got.stderr)
	t.Setenv("PROD_PASSWORD", prod.Password)
	got = invocation{}.run(t, nil, "target", "add", "prod", "--url", prod.URL, "--user", prod.Username, "--password-env", "PROD_PASSWORD")
	require.Equal(t, exitOK, got.code, got.stderr)

	path := filepath.Join(home, "config", "osb", "targets.yaml")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the targets file may hold passwords")
	stored, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.NotContains(t, string(stored), prod.Password, "a password referenced from a variable is not stored")

	got = invocation{}.run(t, nil, "target", "list")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Regexp(t, `(?m)^\*\s+dev\s`, got.stdout, "the first target added is the current one")
	assert.Contains(t, got.stdout, "password in $PROD_PASSWORD")

	got = invocation{}.run(t, nil, "catalog")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.NotEmpty(t, dev.Requests())
	assert.Contains(t, got.stderr, `from target "dev"`)

	got = invocation{}.run(t, nil, "target", "use", "prod")
	require.Equal(t, exitOK, got.code, got.stderr)
	prod.ResetRequests()
	got = invocation{}.run(t, nil, "catalog")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.NotEmpty(t, prod.Requests(), "target use switches the broker")

	got = invocation{}.run(t, nil, "target", "-o", "json")
	require.Equal(t, exitOK, got.code, got.stderr)
	var printed struct{ Answer effectiveTarget }
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &printed))
	view := printed.Answer
	assert.Equal(t, "prod", view.Target)
	assert.Equal(t, prod.URL, view.URL)
	assert.Equal(t, "basic", view.AuthType)
	assert.Contains(t, view.Settings, setting{Variable: "OPEN_SERVICE_BROKER_USERNAME", Value: prod.Username, Source: `target "prod"`})
	assert.Contains(t, view.Settings, setting{Variable: "OPEN_SERVICE_BROKER_AUTH_TYPE", Value: "basic", Source: `target "prod"`})
	for _, output := range []string{got.stdout, got.stderr, invocation{}.run(t, nil, "target").stdout} {
		assert.NotContains(t, output, prod.Password)
		assert.NotContains(t, output, dev.Password)
	}
}

func TestTargetFlagAndVariablesOverrideTheCurrentTarget(t *testing.T) {
	withHome(t)
	current, other := newBroker(t), newBroker(t)
	got := invocation{stdin: current.Password + "\n"}.run(t, nil, "target", "add", "current", "--url", current.URL, "--user", current.Username, "--password-stdin")
	require.Equal(t, exitOK, got.code, got.stderr)
	got = invocation{stdin: other.Password + "\n"}.run(t, nil, "target", "add", "other", "--url", other.URL, "--user", other.Username, "--password-stdin")
	require.Equal(t, exitOK, got.code, got.stderr)

	current.ResetRequests()
	got = invocation{}.run(t, nil, "--target", "other", "catalog")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.NotEmpty(t, other.Requests())
	assert.Empty(t, current.Requests())

	variables := newBroker(t)
	setBrokerVariables(t, variables)
	got = invocation{}.run(t, nil, "target")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "url:       "+variables.URL)
	assert.Regexp(t, `OPEN_SERVICE_BROKER_PASSWORD\s+\*\*\*\*\s+environment`, got.stdout)
}

func TestATargetFileOthersCanReadKeepsItsPasswordUnused(t *testing.T) {
	srv := newBroker(t)
	home := withHome(t)
	got := invocation{stdin: srv.Password + "\n"}.run(t, nil, "target", "add", "dev", "--url", srv.URL, "--user", srv.Username, "--password-stdin")
	require.Equal(t, exitOK, got.code, got.stderr)
	require.NoError(t, os.Chmod(filepath.Join(home, "config", "osb", "targets.yaml"), 0o644))

	got = invocation{}.run(t, nil, "catalog")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "others may read the file (mode -rw-r--r--): chmod 600")
}

func TestConfigurationErrorsSpeakOfFlagsAndVariables(t *testing.T) {
	withHome(t)
	t.Setenv("OPEN_SERVICE_BROKER_URL", "http://127.0.0.1:1")
	got := invocation{}.run(t, nil, "catalog")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "no credentials for the broker at http://127.0.0.1:1 (environment): give --user")
	assert.NotContains(t, got.stderr, "IAMProfile")

	got = invocation{stdin: "pw\n"}.run(t, nil, "--url", "http://127.0.0.1:1", "--user", "u", "--password-stdin", "--api-version", "two", "catalog")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "--api-version")
}

func TestAPasswordIsAskedForWithEchoOffInATerminal(t *testing.T) {
	srv := newBroker(t)
	got := invocation{interactive: true, password: srv.Password}.run(t, nil, "--url", srv.URL, "--user", srv.Username, "catalog")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stderr, "Password for "+srv.Username+": ")
	assert.NotContains(t, got.stderr, srv.Password)

	got = invocation{interactive: true, password: srv.Password}.run(t, nil, "--url", srv.URL, "--user", srv.Username, "--password-stdin", "catalog")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stderr, "Password for ", "--password-stdin on a terminal asks with echo off")
}

func TestOnlySecretSettingsAreMasked(t *testing.T) {
	for property, secret := range map[string]bool{
		"PASSWORD": true, "BEARER_TOKEN": true, "APIKEY": true, "CLIENT_SECRET": true,
		"AUTH_TYPE": false, "USERNAME": false, "BEARER_TOKEN_FILE": false, "URL": false,
	} {
		assert.Equal(t, secret, isSecretProperty(property), property)
	}
}
