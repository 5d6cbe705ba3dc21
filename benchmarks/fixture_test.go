package benchmarks

import (
	"encoding/json"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// smallCatalog keeps the fixture tests fast; the generator does not depend on the shape.
var smallCatalog = catalogShape{Services: 12, PlansPerService: 4}

func TestGenerateCatalogJSONIsDeterministic(t *testing.T) {
	first, err := generateCatalogJSON(smallCatalog, fixtureSeed)
	require.NoError(t, err)
	second, err := generateCatalogJSON(smallCatalog, fixtureSeed)
	require.NoError(t, err)
	other, err := generateCatalogJSON(smallCatalog, fixtureSeed+1)
	require.NoError(t, err)

	assert.Equal(t, first, second, "same seed, same bytes")
	assert.NotEqual(t, first, other, "another seed, other content")
}

func TestGenerateCatalogHasTheRequestedShape(t *testing.T) {
	catalog := generateCatalog(smallCatalog, fixtureSeed)

	require.Len(t, catalog.Services, smallCatalog.Services)
	ids := make(map[string]bool)
	for _, service := range catalog.Services {
		require.Len(t, service.Plans, smallCatalog.PlansPerService)
		ids[service.ID] = true
		for _, plan := range service.Plans {
			ids[plan.ID] = true
		}
	}
	assert.Len(t, ids, smallCatalog.Services*(1+smallCatalog.PlansPerService), "service and plan ids are unique")
}

func TestGeneratedCatalogCarriesEveryOSBField(t *testing.T) {
	body, err := generateCatalogJSON(smallCatalog, fixtureSeed)
	require.NoError(t, err)
	var catalog struct {
		Services []map[string]any `json:"services"`
	}
	require.NoError(t, json.Unmarshal(body, &catalog))
	service := catalog.Services[0]
	plan := service["plans"].([]any)[1].(map[string]any)

	for _, field := range []string{"name", "id", "description", "tags", "requires", "bindable",
		"instances_retrievable", "bindings_retrievable", "allow_context_updates", "metadata",
		"dashboard_client", "plan_updateable", "binding_rotatable", "plans"} {
		assert.Contains(t, service, field, "service field")
	}
	for _, field := range []string{"id", "name", "description", "metadata", "free", "bindable",
		"binding_rotatable", "plan_updateable", "schemas", "maximum_polling_duration", "maintenance_info"} {
		assert.Contains(t, plan, field, "plan field")
	}
	assert.Subset(t, keys(service["metadata"]), []string{"displayName", "longDescription", "imageUrl", "documentationUrl"})
	assert.Subset(t, keys(plan["metadata"]), []string{"displayName", "bullets", "costs"})
	assert.Subset(t, keys(service["dashboard_client"]), []string{"id", "secret", "redirect_uri"})
	assert.Subset(t, keys(plan["maintenance_info"]), []string{"version", "description"})
	schemas := plan["schemas"].(map[string]any)
	assert.Subset(t, keys(schemas["service_instance"]), []string{"create", "update"})
	assert.Subset(t, keys(schemas["service_binding"]), []string{"create"})
}

func TestGeneratedIDsAreVersion4UUIDs(t *testing.T) {
	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	catalog := generateCatalog(smallCatalog, fixtureSeed)

	for _, service := range catalog.Services {
		assert.Regexp(t, uuidV4, service.ID)
		for _, plan := range service.Plans {
			assert.Regexp(t, uuidV4, plan.ID)
		}
	}
}

func TestBenchmarkCatalogIsLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the full 1,000 x 20 catalog")
	}
	body := catalogBody(t)

	services, err := decodePlainCatalog(body)
	require.NoError(t, err)
	assert.Equal(t, benchmarkCatalog.Services, services)
	assert.Greater(t, len(body), 10<<20, "catalog bytes")
	t.Logf("benchmark catalog: %d services x %d plans, %.1f MiB", benchmarkCatalog.Services,
		benchmarkCatalog.PlansPerService, float64(len(body))/(1<<20))
}

// keys returns the keys of a decoded JSON object, or nothing when object is not one.
func keys(object any) []string {
	m, _ := object.(map[string]any)
	names := make([]string, 0, len(m))
	for name := range m {
		names = append(names, name)
	}
	return names
}
