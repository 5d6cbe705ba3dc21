package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
)

// rotatableCatalog is brokertest's catalog with binding_rotatable on the small plan, served
// through a fault since brokertest's broker library has no such field.
func rotatableCatalog(t *testing.T, srv *brokertest.Server) {
	t.Helper()
	response, _, err := srv.Client().ListCatalog(srv.Client().NewListCatalogOptions())
	require.NoError(t, err)
	response.Services[0].Plans[0].BindingRotatable = core.BoolPtr(true)
	body, err := json.Marshal(response)
	require.NoError(t, err)
	require.NoError(t, srv.InjectFault(brokertest.Fault{Method: http.MethodGet, PathPattern: "/v2/catalog", Status: http.StatusOK, Body: string(body)}))
}

func TestRotateCreatesTheSuccessorAndKeepsThePredecessor(t *testing.T) {
	srv := newBroker(t)
	require.Equal(t, exitOK, osb(t, srv, "provision", "inst", "--service", service, "--plan", syncPlan).code)
	require.Equal(t, exitOK, osb(t, srv, "bind", "inst", "old", "--service", service, "--plan", syncPlan).code)
	rotatableCatalog(t, srv)

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
	got := osb(t, srv, "rotate", "inst", "old", "new", "--service", service, "--plan", syncPlan, "--wait")
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
	assert.Contains(t, got.stdout, "parameters match the service_instance.create schema of plan brokertest-db-small")

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
