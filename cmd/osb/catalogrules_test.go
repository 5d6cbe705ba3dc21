package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

func TestRotateCreatesTheSuccessorAndKeepsThePredecessor(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	require.Equal(t, exitOK, osb(t, srv, "bind", "inst", "old", "--service", service, "--plan", syncPlan).code)

	got := osb(t, srv, "rotate", "inst", "old", "new", "--service", service, "--plan", "small", "--wait")
	require.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "binding new of instance inst: 201 Created")
	var rotation brokertest.RecordedRequest
	for _, request := range srv.Requests() {
		if request.Method == http.MethodPut && strings.HasSuffix(request.Path, "/service_bindings/new") {
			rotation = request
		}
	}
	assert.Contains(t, string(rotation.Body), `"predecessor_binding_id":"old"`)
	assert.Len(t, srv.Bindings(), 2, "the predecessor stays until it is unbound")
}

func TestRotateRefusesAPlanThatIsNotRotatable(t *testing.T) {
	srv := newBroker(t)
	srv.ResetRequests()
	got := osb(t, srv, "rotate", "inst", "old", "new", "--service", service, "--plan", asyncPlan, "--wait")
	assert.Equal(t, exitUsage, got.code, got.stderr)
	assert.Contains(t, got.stderr, "binding_rotatable")
	for _, request := range srv.Requests() {
		assert.Equal(t, http.MethodGet, request.Method, "only the catalog is read")
	}
}

func TestParamsValidate(t *testing.T) {
	srv := newBroker(t)
	path := filepath.Join(t.TempDir(), "params.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"size_gb": "ten"}`), 0o600))

	got := osb(t, srv, "params", "validate", "--service", service, "--plan", syncPlan, "--param", "size_gb=10")
	assert.Equal(t, exitOK, got.code, got.stderr)
	assert.Contains(t, got.stdout, "parameters match the service_instance.create schema of plan a1f04c2e-6b8d-4e3a-9f57-2c1d8e6b4a09")

	got = osb(t, srv, "params", "validate", "--service", service, "--plan", syncPlan, "--params", path, "-o", "json")
	assert.Equal(t, exitUsage, got.code, got.stderr)
	var report struct {
		Answer validation `json:"answer"`
	}
	require.NoError(t, json.Unmarshal([]byte(got.stdout), &report))
	assert.False(t, report.Answer.Valid)
	require.NotEmpty(t, report.Answer.Violations)
	assert.Equal(t, "/size_gb", report.Answer.Violations[0].Path)
}

func TestProvisionRefusesParametersTheSchemaRejectsBeforeSending(t *testing.T) {
	srv := newBroker(t)
	srv.ResetRequests()
	got := osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan, "--param", `size_gb="ten"`)
	assert.Equal(t, exitUsage, got.code, got.stderr)
	for _, request := range srv.Requests() {
		assert.Equal(t, http.MethodGet, request.Method, "only the catalog is read")
	}
	assert.Empty(t, srv.Instances())
}
