package brokertest

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const customCatalog = `{"services": [{
	"id": "svc", "name": "svc", "description": "custom", "bindable": false,
	"plans": [{"id": "p1", "name": "p1", "description": "one"}]
}]}`

func TestParseCatalog(t *testing.T) {
	services, err := ParseCatalog([]byte(customCatalog))
	require.NoError(t, err)
	require.Len(t, services, 1)
	assert.Equal(t, "p1", services[0].Plans[0].ID)

	invalid := map[string]string{
		"not JSON":              `services`,
		"no services":           `{"services": []}`,
		"service without id":    `{"services": [{"name": "x", "plans": [{"id": "p"}]}]}`,
		"service without plans": `{"services": [{"id": "s", "plans": []}]}`,
		"plan without id":       `{"services": [{"id": "s", "plans": [{"name": "p"}]}]}`,
		"duplicate id":          `{"services": [{"id": "s", "plans": [{"id": "p"}, {"id": "p"}]}]}`,
	}
	for name, doc := range invalid {
		t.Run(name, func(t *testing.T) {
			_, err := ParseCatalog([]byte(doc))
			assert.Error(t, err)
		})
	}
}

func TestLoadCatalog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.json")
	require.NoError(t, os.WriteFile(path, []byte(customCatalog), 0o600))
	services, err := LoadCatalog(path)
	require.NoError(t, err)
	assert.Equal(t, "svc", services[0].ID)

	_, err = LoadCatalog(filepath.Join(t.TempDir(), "missing.json"))
	assert.True(t, errors.Is(err, os.ErrNotExist), "got %v", err)
}

func TestCustomCatalogIsServedAndEnforced(t *testing.T) {
	services, err := ParseCatalog([]byte(customCatalog))
	require.NoError(t, err)
	_, c := newTestServer(t, WithCatalog(services))

	a := c.do(http.MethodGet, "/v2/catalog", nil)
	assert.Equal(t, "svc", a.JSON(t)["services"].([]any)[0].(map[string]any)["id"])
	body := map[string]any{"service_id": "svc", "plan_id": "p1", "organization_guid": "org", "space_guid": "space"}
	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("i1"), body).Status)
	bind := map[string]any{"service_id": "svc", "plan_id": "p1"}
	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodPut, bindingPath("i1", "b1"), bind).Status, "plan is not bindable")
	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodGet, instancePath("i1"), nil).Status, "instances are not retrievable")
}
