package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func TestEvidenceMasksCredentialsAndSecrets(t *testing.T) {
	body := maskBody([]byte(`{"credentials":{"username":"u","password":"p4ss","port":5432,"nested":{"key":"k"}},` +
		`"dashboard_url":"https://dash.example/1","api_token":"t0k","syslog_drain_url":"syslog://u:pw@logs.example","metadata":{"labels":{"team":"a"}}}`))
	var masked map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &masked))
	assert.Equal(t, map[string]any{"username": "****", "password": "****", "port": "****", "nested": map[string]any{"key": "****"}}, masked["credentials"],
		"every credential value is masked, the structure kept")
	assert.Equal(t, "****", masked["api_token"])
	assert.Equal(t, "https://dash.example/1", masked["dashboard_url"], "the dashboard URL is kept: it decides a check")
	assert.Equal(t, "syslog://****@logs.example", masked["syslog_drain_url"], "a password in a URL is masked")
	assert.Equal(t, map[string]any{"labels": map[string]any{"team": "a"}}, masked["metadata"])

	headers := maskedHeaders(http.Header{"Authorization": {"Basic dTpw"}, "X-Broker-Api-Version": {"2.17"}})
	assert.Equal(t, map[string]string{"Authorization": "****", "X-Broker-Api-Version": "2.17"}, headers)
}

func TestEvidenceKeepsNoBodyItCannotMask(t *testing.T) {
	secretText := `"dashboard_client":{"id":"c","secret":"s3cr3t-value"}`
	huge := []byte(`{"services":[{` + secretText + `,"padding":"` + strings.Repeat("a", maxEvidenceBody) + `"}]}`)
	assert.Equal(t, "(more than 16384 bytes, not kept)", maskBody(huge))

	notJSON := []byte(`{"credentials":{"password":"s3cr3t-value"` + " trailing")
	assert.Equal(t, fmt.Sprintf("(%d bytes, not JSON, not kept)", len(notJSON)), maskBody(notJSON))
	assert.NotContains(t, maskBody(notJSON), "s3cr3t")
}

func TestRetryAfterIsSecondsOrHTTPDate(t *testing.T) {
	for value, want := range map[string]bool{"5": true, "0": true, "Wed, 21 Oct 2026 07:28:00 GMT": true, "5s": false, "-1": false, "soon": false} {
		_, ok := retryAfter(value)
		assert.Equal(t, want, ok, value)
	}
	delay, ok := retryAfter("997200")
	assert.True(t, ok)
	assert.Equal(t, "277 h", roundDuration(delay), "long waits read in hours")
}

func TestParametersComeFromSchemaDefaultsAndExamples(t *testing.T) {
	schemas := &openservicebrokerv1.Schemas{
		ServiceInstance: &openservicebrokerv1.ServiceInstanceSchema{
			Create: &openservicebrokerv1.SchemaParameters{Parameters: json.RawMessage(`{"type":"object","properties":{"size":{"type":"string","default":"small"},"region":{"examples":["eu"]},"free":{}}}`)},
			Update: &openservicebrokerv1.SchemaParameters{Parameters: json.RawMessage(`{"type":"object","examples":[{"size":"large"}]}`)},
		},
		ServiceBinding: &openservicebrokerv1.ServiceBindingSchema{Create: &openservicebrokerv1.SchemaParameters{Parameters: json.RawMessage(`null`)}},
	}
	got := schemaParameters(schemas)
	assert.Equal(t, map[string]any{"size": "small", "region": "eu"}, got.Provision)
	assert.Equal(t, map[string]any{"size": "large"}, got.Update, "an example of the whole object wins")
	assert.Nil(t, got.Bind)
}

func TestParametersFileWinsOverSchemasByPlanIDNameOrStar(t *testing.T) {
	path := filepath.Join(t.TempDir(), "params.yaml")
	require.NoError(t, os.WriteFile(path, []byte("small:\n  provision: {size_gb: 3}\n\"*\":\n  bind: {role: reader}\n"), 0o600))
	file, err := LoadParameters(path)
	require.NoError(t, err)

	small := openservicebrokerv1.Plan{ID: strPtr("id-small"), Name: strPtr("small")}
	other := openservicebrokerv1.Plan{ID: strPtr("id-other"), Name: strPtr("other")}
	assert.Equal(t, map[string]any{"size_gb": 3}, file.forPlan(small).Provision)
	assert.Equal(t, map[string]any{"role": "reader"}, file.forPlan(other).Bind)
}

func strPtr(s string) *string { return &s }
