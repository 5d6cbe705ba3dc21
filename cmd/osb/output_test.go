package main

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
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
