package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// closedAddress is a loopback address where nothing listens.
func closedAddress(t *testing.T) string {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	address := listener.Addr().String()
	require.NoError(t, listener.Close())
	return address
}

func TestABrokerThatIsDownFailsFastInATerminal(t *testing.T) {
	withHome(t)
	t.Setenv("OPEN_SERVICE_BROKER_MAX_RETRIES", "10")
	address := closedAddress(t)
	got := invocation{interactive: true, password: "pw"}.run(t, nil, "--url", "http://"+address, "--user", "u", "catalog")
	assert.Equal(t, exitUnexpected, got.code)
	assert.Equal(t, maxRefusalsInteractive, strings.Count(got.stderr, "osb: connection to "+address+" refused"), got.stderr)
	assert.Contains(t, got.stderr, "(attempt 3); giving up")
	assert.Contains(t, got.stderr, "hint: nothing listens at the broker's address")
}

func TestCompletionAsksTheBrokerOnceAndPromptsForNothing(t *testing.T) {
	srv := newBroker(t)
	t.Setenv("OPEN_SERVICE_BROKER_MAX_RETRIES", "10")
	got := invocation{interactive: true}.run(t, nil, "__complete", "--url", srv.URL, "--user", srv.Username, "provision", "db", "--service", "")
	assert.Equal(t, exitOK, got.code, got.stderr)
	assert.Empty(t, srv.Requests(), "no password is asked for, so nothing is sent")

	setBrokerVariables(t, srv)
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodGet, PathPattern: "/v2/catalog", Status: http.StatusServiceUnavailable}))
	got = invocation{}.run(t, nil, "__complete", "provision", "db", "--service", "")
	assert.Equal(t, exitOK, got.code, got.stderr)
	assert.Len(t, srv.Requests(), 1, "a failed catalog read is not retried")

	srv.ClearFaults()
	got = invocation{}.run(t, nil, "__complete", "provision", "db", "--service", "")
	assert.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "brokertest-db")
}

func TestErrorsNameTheCommandAndItsHelp(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "provision", "db-1", "--service", "brokertest-db")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "hint: see osb provision --help")

	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodDelete, Status: http.StatusUnprocessableEntity, Body: `{"description":"still bound"}`}))
	got = osb(t, srv, "deprovision", "db-1", "--service", "brokertest-db", "--plan", "small")
	assert.Equal(t, exitRejected, got.code)
	assert.True(t, strings.HasPrefix(got.stderr, "osb deprovision: broker answered 422"), got.stderr)
	assert.NotContains(t, got.stderr, "DeleteServiceInstance")
}

func TestAnUnknownServiceListsWhatTheCatalogOffers(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "provision", "db-1", "--service", "postgres", "--plan", "small")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, `the catalog has no plan "small" of service "postgres"; it offers brokertest-db (plans small, large)`)
}

func TestStateSetRefusesUnknownReasonCodesAndLastActiveIsATime(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	got := osb(t, srv, "state", "set", "inst", "--enabled=false", "--reason-code", "BECAUSE")
	assert.Equal(t, exitUsage, got.code)
	assert.Contains(t, got.stderr, "IBMCLOUD_ACCT_SUSPEND")
	for _, request := range srv.Requests() {
		assert.NotEqual(t, http.MethodPut, request.Method+strings.TrimPrefix(request.Path, "/bluemix_v1"), "nothing is sent")
	}
	got = osb(t, srv, "state", "get", "inst")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Regexp(t, `last_active=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`, got.stdout)
}

func TestEveryCommandHasExamples(t *testing.T) {
	root := (&app{stdout: io.Discard}).commandTree()
	var walk func(*cobra.Command)
	walk = func(cmd *cobra.Command) {
		if cmd.Runnable() && !cmd.Hidden && cmd.Name() != "help" {
			assert.NotEmpty(t, cmd.Example, "%s has no examples in its help", cmd.CommandPath())
		}
		for _, child := range cmd.Commands() {
			walk(child)
		}
	}
	walk(root)

	bash := osb(t, nil, "completion", "bash", "--help")
	assert.Contains(t, bash.stdout, "Without the bash-completion package")
}

func TestInstanceAndBindingIDsAreCompletedFromTheRecord(t *testing.T) {
	srv := newBroker(t)
	for _, args := range [][]string{
		{"provision", "db-2", "--service", "brokertest-db", "--plan", "small"},
		{"provision", "db-1", "--service", "brokertest-db", "--plan", "small"},
		{"bind", "db-1", "app-1"},
	} {
		got := osb(t, srv, args...)
		require.Equal(t, exitOK, got.code, got.stderr)
	}
	srv.ResetRequests()
	got := invocation{}.run(t, nil, "__complete", "deprovision", "")
	assert.Equal(t, exitOK, got.code, got.stderr)
	assert.True(t, strings.HasPrefix(got.stdout, "db-1\ndb-2\n"), got.stdout)
	got = invocation{}.run(t, nil, "__complete", "unbind", "db-1", "")
	assert.True(t, strings.HasPrefix(got.stdout, "app-1\n"), got.stdout)
	assert.Empty(t, srv.Requests(), "the broker is not asked")
}
