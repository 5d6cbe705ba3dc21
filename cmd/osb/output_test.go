package main

import (
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
)

func TestOutputFormatIgnoresCaseAndTakesYml(t *testing.T) {
	srv := newBroker(t)
	json := osb(t, srv, "catalog", "-o", "json")
	require.Equal(t, exitOK, json.code, json.stderr)
	yaml := osb(t, srv, "catalog", "-o", "yaml")
	require.Equal(t, exitOK, yaml.code, yaml.stderr)
	for format, want := range map[string]string{"JSON": json.stdout, "Json": json.stdout, "yml": yaml.stdout, "YML": yaml.stdout, "YAML": yaml.stdout} {
		got := osb(t, srv, "catalog", "-o", format)
		require.Equal(t, exitOK, got.code, got.stderr)
		assert.Equal(t, normalize(want), normalize(got.stdout), format)
	}
}

func TestJQSelectsFromTheJSONOutput(t *testing.T) {
	srv := newBroker(t)
	got := osb(t, srv, "catalog", "--jq", ".answer.services[0].name, .status, [.answer.services[0].plans[].name]")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "brokertest-db\n200\n[\"small\",\"large\"]\n", got.stdout)

	for _, args := range [][]string{{"--jq", ".answer | ("}, {"--jq", ".x", "-o", "yaml"}} {
		got = osb(t, srv, append([]string{"catalog"}, args...)...)
		assert.Equal(t, exitUsage, got.code, "%v: %s", args, got.stderr)
	}
}

func TestBindWithoutCredentialsSaysNone(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodPut, Status: http.StatusCreated, Body: `{"credentials":null}`}))
	got := osb(t, srv, "bind", "inst", "b", "--service", service, "--plan", syncPlan)
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Equal(t, "binding b of instance inst: 201 Created: created synchronously\ncredentials: none\n", got.stdout)
}

func TestVerboseTracesRequestsAndAnswersSecretsMasked(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	got := osb(t, srv, "-v", "bind", "inst", "b", "--service", service, "--plan", syncPlan, "--param", "db_password=from-the-user")
	require.Equal(t, exitOK, got.code, got.stderr)

	assert.Contains(t, got.stderr, "> PUT "+srv.URL+"/v2/service_instances/inst/service_bindings/b?accepts_incomplete=true\n")
	assert.Contains(t, got.stderr, "> Authorization: ****\n")
	assert.Contains(t, got.stderr, "> X-Broker-Api-Version: 2.17\n")
	assert.Contains(t, got.stderr, `"db_password":"****"`, "the request body is traced, its secrets masked")
	assert.Regexp(t, `< 201 Created after [0-9]+m?s\n`, got.stderr)
	assert.Contains(t, got.stderr, `< {"credentials":{"host":"****","password":"****","port":"****","uri":"****","username":"****"}}`)
	binding := srv.Bindings()[0]
	for name, secretValue := range map[string]string{"broker password": srv.Password, "binding password": binding.Credentials.Password, "parameter": "from-the-user"} {
		assert.False(t, strings.Contains(got.stdout+got.stderr, secretValue), "the trace shows the %s", name)
	}
}

func TestGetInstanceShowsServiceAndPlanNames(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	got := osb(t, srv, "get", "instance", "inst")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "service_id: "+service+" (brokertest-db)\n")
	assert.Contains(t, got.stdout, "plan_id: "+syncPlan+" (small)\n")
}

func TestShellQuoteIsSafeToPrintAndMeansTheSame(t *testing.T) {
	for _, s := range []string{"plain", "it's", "op\x1b]0;title\x07", "a\u202eb\\c'd", "new\nline\ttab", "数据"} {
		quoted := shellQuote(s)
		assert.False(t, termtext.NeedsEscape(quoted), "%q", quoted)
		out, err := exec.Command("bash", "-c", "printf %s "+quoted).Output()
		require.NoError(t, err, quoted)
		assert.Equal(t, s, string(out), quoted)
	}
}
