package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/conformance"
)

// clearBrokerEnvironment makes a test independent of the caller's OPEN_SERVICE_BROKER_* variables.
func clearBrokerEnvironment(t *testing.T) {
	for _, variable := range os.Environ() {
		name, _, _ := strings.Cut(variable, "=")
		if strings.HasPrefix(name, "OPEN_SERVICE_BROKER_") {
			t.Setenv(name, "")
			require.NoError(t, os.Unsetenv(name))
		}
	}
}

// runCheck runs `osb check` against srv with args and returns the exit code, stdout and stderr.
func runCheck(t *testing.T, srv *brokertest.Server, args ...string) (int, string, string) {
	t.Helper()
	clearBrokerEnvironment(t)
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(srv.Password + "\n"), stdout: &stdout, stderr: &stderr}
	command := append([]string{"check", "--url", srv.URL, "--user", srv.Username, "--password-stdin", "--poll-interval", "1ms"}, args...)
	code := a.execute(context.Background(), command)
	return code, stdout.String(), stderr.String()
}

func TestCheckExitsZeroWhenNoMustFails(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	code, stdout, stderr := runCheck(t, srv)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "PASS catalog.fetch")
	assert.Contains(t, stdout, "0 failed (MUST)")
	assert.NotContains(t, stdout, srv.Password, "the report never carries the broker's credentials")
	assert.NotContains(t, stdout, "\x1b[", "no colour when stdout is not a terminal")
}

func TestCheckStrictFailsOnWarnings(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveNoIdentityEcho))
	defer srv.Close()

	code, stdout, _ := runCheck(t, srv, "--strict", "--only", "headers")
	assert.Equal(t, exitNotConformant, code)
	assert.Contains(t, stdout, "WARN headers.request-identity-echoed")
}

func TestCheckReportsAMustFailureWithEvidence(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithMisbehaviour(brokertest.MisbehaveStateSpelling))
	defer srv.Close()
	dir := t.TempDir()
	junitPath, jsonPath, htmlPath := filepath.Join(dir, "check.xml"), filepath.Join(dir, "check.json"), filepath.Join(dir, "check.html")

	code, stdout, _ := runCheck(t, srv, "--report", "junit="+junitPath, "--report", "json="+jsonPath, "--report", "html="+htmlPath)
	assert.Equal(t, exitNotConformant, code)
	assert.Contains(t, stdout, "FAIL last_operation.state-values")
	page, err := os.ReadFile(htmlPath)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(page), "<!DOCTYPE html>"), "--report html writes the page")
	assert.NotContains(t, string(page), srv.Password)

	junit, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	var suites junitSuitesForTest
	require.NoError(t, xml.Unmarshal(junit, &suites))
	failure := findJUnitFailure(suites, string(conformance.LastOperationStateValues))
	require.NotNil(t, failure, "the failing check is a testcase with a failure")
	assert.Contains(t, failure.Message, "Polling Last Operation for Service Instances, Body", "the failure names the spec section")
	assert.Contains(t, failure.Text, `"in_progress"`, "the evidence is the deciding answer")
	assert.NotContains(t, string(junit), srv.Password)

	raw, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	var report conformance.Report
	require.NoError(t, json.Unmarshal(raw, &report))
	assert.Positive(t, report.Count(conformance.Fail))
}

func TestCheckWithWrongCredentialsExitsUnavailable(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	srv.Password = "not-the-password"

	code, _, stderr := runCheck(t, srv)
	assert.Equal(t, exitBrokerUnavailable, code)
	assert.Contains(t, stderr, "rejected the credentials")
	assert.NotContains(t, stderr, "not-the-password")
}

func TestCheckListsWhatItCouldNotRemove(t *testing.T) {
	srv := brokertest.NewServer(brokertest.WithFailingOperations(brokertest.OperationDeprovision))
	defer srv.Close()

	code, stdout, _ := runCheck(t, srv, "--only", string(conformance.ProvisionAsyncRequired422), "--max-wait", "5s")
	assert.Equal(t, exitLeftovers, code)
	for _, instance := range srv.Instances() {
		assert.Contains(t, stdout, instance.ID, "every leftover is listed with its id")
	}
	assert.NotEmpty(t, srv.Instances())
}

func TestCheckDryRunSendsNothing(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()

	code, stdout, stderr := runCheck(t, srv, "--dry-run", "--only", "bind.*")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "check    bind.rotation")
	assert.NotContains(t, stdout, string(conformance.ProvisionSync201New), "--only keeps the other checks out")
	assert.Empty(t, srv.Requests(), "a dry run sends no request")
}

// junitSuitesForTest reads the parts of a JUnit report the tests look at.
type junitSuitesForTest struct {
	Suites []struct {
		Cases []struct {
			Name    string            `xml:"name,attr"`
			Failure *junitFailureRead `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitFailureRead struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

func findJUnitFailure(suites junitSuitesForTest, name string) *junitFailureRead {
	for _, suite := range suites.Suites {
		for _, testcase := range suite.Cases {
			if testcase.Name == name && testcase.Failure != nil {
				return testcase.Failure
			}
		}
	}
	return nil
}

func TestAPasswordInTheBrokerURLIsNeverShown(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	srv.URL = strings.Replace(srv.URL, "http://", "http://someone:pw-in-url@", 1)
	dir := t.TempDir()
	junitPath, jsonPath := filepath.Join(dir, "check.xml"), filepath.Join(dir, "check.json")

	code, stdout, stderr := runCheck(t, srv, "--only", "catalog.*", "--report", "junit="+junitPath, "--report", "json="+jsonPath)
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "osb check http://someone:xxxxx@127.0.0.1:"), "the text report names the broker without its password")
	junit, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	jsonReport, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	assert.False(t, strings.Contains(stdout+stderr+string(junit)+string(jsonReport), "pw-in-url"), "a report shows the URL's password")

	dryRun := invocation{stdin: "the-password\n"}.run(t, nil, "--url", "https://someone:pw-in-url@broker.example.org",
		"--user", "u", "--password-stdin", "--dry-run",
		"deprovision", "inst", "--service", "s", "--plan", "p")
	require.Equal(t, exitOK, dryRun.code, dryRun.stderr)
	assert.True(t, strings.HasPrefix(dryRun.stdout, "curl -X DELETE 'https://someone:xxxxx@broker.example.org/v2/"), dryRun.stdout)
	assert.NotContains(t, dryRun.stdout+dryRun.stderr, "pw-in-url")

	demo := osb(t, srv, "demo")
	require.Equal(t, exitOK, demo.code, demo.stderr)
	assert.Contains(t, demo.stdout, "broker: http://someone:xxxxx@127.0.0.1:")
	assert.NotContains(t, demo.stdout+demo.stderr, "pw-in-url")
}

func TestCheckExitsNotConformantWhenTheCatalogCannotBeRead(t *testing.T) {
	clearBrokerEnvironment(t)
	t.Setenv("OPEN_SERVICE_BROKER_MAX_RETRIES", "0")
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"description":"down for maintenance"}`))
	}))
	defer unavailable.Close()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader("pw\n"), stdout: &stdout, stderr: &stderr}
	code := a.execute(context.Background(), []string{"check", "--url", unavailable.URL, "--user", "u", "--password-stdin"})
	assert.Equal(t, exitNotConformant, code, stderr.String())
	assert.Contains(t, stdout.String(), "FAIL catalog.fetch")
}

func TestCheckInterruptedExits130(t *testing.T) {
	srv := brokertest.NewServer()
	defer srv.Close()
	clearBrokerEnvironment(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	a := &app{stdin: strings.NewReader(srv.Password + "\n"), stdout: &stdout, stderr: &stderr}
	code := a.execute(ctx, []string{"check", "--url", srv.URL, "--user", srv.Username, "--password-stdin"})
	assert.Equal(t, exitInterrupted, code, stderr.String())
}
