package brokertest

import (
	"net/http"
	"testing"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParametersAreValidatedAgainstThePlanSchemas(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")
	update := func(params map[string]any) map[string]any {
		return map[string]any{"service_id": DefaultServiceID, "parameters": params}
	}
	tests := []struct {
		name    string
		method  string
		path    string
		body    any
		schema  string
		section string
		says    []string
	}{
		{"provision with a string size", http.MethodPut, instancePath("new"), provisionBody(DefaultSyncPlanID, map[string]any{"size_gb": "big"}),
			"schemas.service_instance.create.parameters", `"Provisioning", Body`, []string{"/size_gb", "want integer"}},
		{"provision below the minimum", http.MethodPut, instancePath("new"), provisionBody(DefaultAsyncPlanID, map[string]any{"size_gb": 0}),
			"schemas.service_instance.create.parameters", `"Provisioning", Body`, []string{"/size_gb", "minimum"}},
		{"update above the maximum", http.MethodPatch, instancePath("i1"), update(map[string]any{"size_gb": 2048}),
			"schemas.service_instance.update.parameters", `"Updating a Service Instance", Body`, []string{"/size_gb", "maximum"}},
		{"bind with an unknown role", http.MethodPut, bindingPath("i1", "b1"), bindBody(map[string]any{"role": "admin"}),
			"schemas.service_binding.create.parameters", `"Binding", Request (Creating a Service Binding), Body`, []string{"/role", "reader", "writer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.do(tt.method, tt.path, tt.body)
			require.Equal(t, http.StatusBadRequest, a.Status, "body: %s", a.Body)
			description := a.JSON(t)["description"].(string)
			assert.Contains(t, description, tt.schema)
			assert.Contains(t, description, "OSB v2.17 "+tt.section)
			for _, s := range tt.says {
				assert.Contains(t, description, s)
			}
		})
	}
	require.Len(t, srv.Instances(), 1, "nothing was created")
	assert.Empty(t, srv.Instances()[0].Parameters, "nothing was updated")
	assert.Empty(t, srv.Bindings(), "nothing was bound")

	valid := provisionBody(DefaultSyncPlanID, map[string]any{"size_gb": 20, "x-extra": true})
	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("valid"), valid).Status, "other properties are allowed")
}

func TestCatalogSchemasMustCompile(t *testing.T) {
	tests := map[string]map[string]any{
		"invalid schema":     {"$schema": "http://json-schema.org/draft-07/schema#", "type": "nonsense"},
		"external reference": {"$schema": "http://json-schema.org/draft-07/schema#", "$ref": "https://schemas.example.com/db.json"},
	}
	for name, schema := range tests {
		t.Run(name, func(t *testing.T) {
			catalog := DefaultCatalog()
			catalog[0].Plans[1].Schemas.Binding.Create.Parameters = schema
			_, err := Start(WithCatalog(catalog))
			require.Error(t, err)
			assert.Contains(t, err.Error(), `plan "`+DefaultAsyncPlanID+`": schemas.service_binding.create.parameters does not compile`)
		})
	}
}

func TestDefaultCatalogDeclaresTheRulesItApplies(t *testing.T) {
	_, c := newTestServer(t)
	plans := c.do(http.MethodGet, "/v2/catalog", nil).JSON(t)["services"].([]any)[0].(map[string]any)["plans"].([]any)
	require.Len(t, plans, 2)
	for _, p := range plans {
		plan := p.(map[string]any)
		schemas := plan["schemas"].(map[string]any)
		create := schemas["service_instance"].(map[string]any)["create"].(map[string]any)["parameters"].(map[string]any)
		assert.Equal(t, "http://json-schema.org/draft-07/schema#", create["$schema"])
		size := create["properties"].(map[string]any)["size_gb"].(map[string]any)
		assert.Equal(t, 10.0, size["default"])
		assert.NotEmpty(t, size["examples"])
		assert.NotNil(t, schemas["service_binding"].(map[string]any)["create"].(map[string]any)["parameters"])
		assert.Equal(t, "1.0.0", plan["maintenance_info"].(map[string]any)["version"])
		assert.Equal(t, plan["id"] == DefaultSyncPlanID, plan["binding_rotatable"] == true, "plan %s", plan["id"])
	}
}

func TestRotatedBindingsStayValidTogether(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")
	first := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(map[string]any{"role": "writer"}))
	require.Equal(t, http.StatusCreated, first.Status)

	rotate := map[string]any{"service_id": DefaultServiceID, "plan_id": DefaultSyncPlanID, "predecessor_binding_id": "b1"}
	second := c.do(http.MethodPut, bindingPath("i1", "b2"), rotate)
	require.Equal(t, http.StatusCreated, second.Status, "body: %s", second.Body)
	assert.NotEqual(t, first.JSON(t)["credentials"], second.JSON(t)["credentials"], "the successor has fresh credentials")
	assert.Equal(t, second.JSON(t)["credentials"], c.do(http.MethodPut, bindingPath("i1", "b2"), rotate).JSON(t)["credentials"],
		"a repeated rotation is an idempotent replay")

	for id, answer := range map[string]answer{"b1": first, "b2": second} {
		got := c.do(http.MethodGet, bindingPath("i1", id), nil)
		require.Equal(t, http.StatusOK, got.Status, "binding %s stays valid", id)
		assert.Equal(t, answer.JSON(t)["credentials"], got.JSON(t)["credentials"])
		assert.Equal(t, map[string]any{"role": "writer"}, got.JSON(t)["parameters"], "the successor keeps the parameters")
	}
	bindings := srv.Bindings()
	require.Len(t, bindings, 2)
	assert.Equal(t, "b1", bindings[1].PredecessorBindingID)
	assert.Equal(t, "app", bindings[1].AppGUID, "the successor keeps the app")
}

func TestRotationNeedsARotatablePlanAndAKnownPredecessor(t *testing.T) {
	srv, c := newTestServer(t, WithAsyncPolls(0))
	c.provisionSync("i1")
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)
	a := c.do(http.MethodPut, instancePath("i2")+acceptsIncomplete, provisionBody(DefaultAsyncPlanID, nil))
	c.pollState(instancePath("i2"), a.JSON(t)["operation"].(string))
	bind := with(bindBody(nil), "plan_id", DefaultAsyncPlanID)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i2", "other"), bind).Status)

	tests := map[string]struct {
		path string
		body map[string]any
		says string
	}{
		"unknown predecessor":             {bindingPath("i1", "b2"), with(bindBody(nil), "predecessor_binding_id", "nope"), `"nope" is not a binding of instance "i1"`},
		"predecessor of another instance": {bindingPath("i1", "b2"), with(bindBody(nil), "predecessor_binding_id", "other"), `"other" is not a binding of instance "i1"`},
		"plan not rotatable":              {bindingPath("i2", "b2"), with(bind, "predecessor_binding_id", "other"), "binding_rotatable is false"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			a := c.do(http.MethodPut, tt.path, tt.body)
			require.Equal(t, http.StatusBadRequest, a.Status, "body: %s", a.Body)
			assert.Contains(t, a.JSON(t)["description"], tt.says)
			assert.Contains(t, a.JSON(t)["description"], `OSB v2.17 "Binding Rotation"`)
		})
	}
	assert.Len(t, srv.Bindings(), 2)
}

func TestMaintenanceInfoVersionsAreEnforcedAndUpgraded(t *testing.T) {
	srv, c := newTestServer(t)
	provision := func(version string) map[string]any {
		return with(provisionBody(DefaultSyncPlanID, nil), "maintenance_info", map[string]any{"version": version})
	}
	stale := c.do(http.MethodPut, instancePath("i1"), provision("0.9.0"))
	require.Equal(t, http.StatusUnprocessableEntity, stale.Status)
	assert.Equal(t, "MaintenanceInfoConflict", stale.JSON(t)["error"])
	assert.Contains(t, stale.JSON(t)["description"], `offers version "1.0.0"`)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("i1"), provision("1.0.0")).Status)
	maintenance := func() any { return c.do(http.MethodGet, instancePath("i1"), nil).JSON(t)["maintenance_info"] }
	assert.Equal(t, map[string]any{"version": "1.0.0", "description": "initial release"}, maintenance())

	require.NoError(t, srv.SetPlanMaintenanceInfo(DefaultSyncPlanID, domain.MaintenanceInfo{Version: "1.1.0", Description: "patched"}))
	assert.Equal(t, "1.0.0", srv.Instances()[0].MaintenanceVersion, "instances keep their version")
	upgrade := func(version string) map[string]any {
		return map[string]any{"service_id": DefaultServiceID, "maintenance_info": map[string]any{"version": version}}
	}
	conflict := c.do(http.MethodPatch, instancePath("i1"), upgrade("1.0.0"))
	require.Equal(t, http.StatusUnprocessableEntity, conflict.Status)
	assert.Equal(t, "MaintenanceInfoConflict", conflict.JSON(t)["error"])
	assert.Contains(t, conflict.JSON(t)["description"], `OSB v2.17 "Updating a Service Instance", Response`)

	require.Equal(t, http.StatusOK, c.do(http.MethodPatch, instancePath("i1"), upgrade("1.1.0")).Status)
	assert.Equal(t, map[string]any{"version": "1.1.0", "description": "patched"}, maintenance())
	assert.Equal(t, "1.1.0", srv.Instances()[0].MaintenanceVersion)

	assert.Error(t, srv.SetPlanMaintenanceInfo("no-such-plan", domain.MaintenanceInfo{Version: "1.0.0"}))
	assert.Error(t, srv.SetPlanMaintenanceInfo(DefaultSyncPlanID, domain.MaintenanceInfo{}))
}

func TestPlanChangeBringsTheNewPlansMaintenanceInfo(t *testing.T) {
	srv, c := newTestServer(t, WithAsyncPolls(0))
	require.NoError(t, srv.SetPlanMaintenanceInfo(DefaultAsyncPlanID, domain.MaintenanceInfo{Version: "2.0.0"}))
	c.provisionSync("i1")
	a := c.do(http.MethodPatch, instancePath("i1")+acceptsIncomplete, map[string]any{"service_id": DefaultServiceID, "plan_id": DefaultAsyncPlanID})
	require.Equal(t, http.StatusAccepted, a.Status)
	c.pollState(instancePath("i1"), a.JSON(t)["operation"].(string))
	assert.Equal(t, "2.0.0", srv.Instances()[0].MaintenanceVersion)
}

func TestCatalogAnswersConditionalRequests(t *testing.T) {
	srv, c := newTestServer(t)
	get := func(header, value string) answer {
		req, err := http.NewRequest(http.MethodGet, srv.URL+"/v2/catalog", nil)
		require.NoError(t, err)
		req.SetBasicAuth(srv.Username, srv.Password)
		req.Header.Set("X-Broker-API-Version", "2.17")
		if header != "" {
			req.Header.Set(header, value)
		}
		resp, err := c.http.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		a := answer{Status: resp.StatusCode, Header: resp.Header}
		a.Body = make([]byte, 1)
		n, _ := resp.Body.Read(a.Body)
		a.Body = a.Body[:n]
		return a
	}
	first := get("", "")
	require.Equal(t, http.StatusOK, first.Status)
	etag, modified := first.Header.Get("ETag"), first.Header.Get("Last-Modified")
	require.NotEmpty(t, etag)
	require.NotEmpty(t, modified)
	assert.Equal(t, "application/json", first.Header.Get("Content-Type"))

	assert.Equal(t, http.StatusNotModified, get("If-None-Match", etag).Status)
	assert.Empty(t, get("If-None-Match", etag).Body)
	assert.Equal(t, http.StatusNotModified, get("If-Modified-Since", modified).Status)
	assert.Equal(t, http.StatusOK, get("If-None-Match", `"other"`).Status)

	require.NoError(t, srv.SetPlanMaintenanceInfo(DefaultSyncPlanID, domain.MaintenanceInfo{Version: "1.0.1"}))
	changed := get("If-None-Match", etag)
	assert.Equal(t, http.StatusOK, changed.Status, "the catalog changed")
	assert.NotEqual(t, etag, changed.Header.Get("ETag"))
	assert.Equal(t, http.StatusOK, get("If-Modified-Since", modified).Status, "Last-Modified moved on")
}

func TestWithRotatableBindingsChoosesThePlans(t *testing.T) {
	_, c := newTestServer(t, WithRotatableBindings(DefaultAsyncPlanID))
	rotatable := map[any]any{}
	for _, p := range c.do(http.MethodGet, "/v2/catalog", nil).JSON(t)["services"].([]any)[0].(map[string]any)["plans"].([]any) {
		rotatable[p.(map[string]any)["id"]] = p.(map[string]any)["binding_rotatable"]
	}
	assert.Equal(t, map[any]any{DefaultSyncPlanID: nil, DefaultAsyncPlanID: true}, rotatable)
	c.provisionSync("i1")
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)
	a := c.do(http.MethodPut, bindingPath("i1", "b2"), with(bindBody(nil), "predecessor_binding_id", "b1"))
	assert.Equal(t, http.StatusBadRequest, a.Status, "the synchronous plan is no longer rotatable")
}

func TestCatalogLeavesOutSchemasThePlanDoesNotDeclare(t *testing.T) {
	catalog := DefaultCatalog()
	catalog[0].Plans[0].Schemas.Binding.Create.Parameters = nil
	catalog[0].Plans[1].Schemas = &domain.ServiceSchemas{}
	_, c := newTestServer(t, WithCatalog(catalog))
	plans := c.do(http.MethodGet, "/v2/catalog", nil).JSON(t)["services"].([]any)[0].(map[string]any)["plans"].([]any)
	schemas := plans[0].(map[string]any)["schemas"].(map[string]any)
	assert.NotContains(t, schemas, "service_binding")
	assert.Contains(t, schemas["service_instance"], "create")
	assert.NotContains(t, plans[1], "schemas", "a plan without any schema has no schemas object")
}

func TestBindingLifetimeGivesMetadataAndEndsRotation(t *testing.T) {
	srv, c := newTestServer(t, WithBindingLifetime(time.Hour))
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	srv.backend.now = func() time.Time { return now }
	c.provisionSync("i1")

	bind := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil))
	require.Equal(t, http.StatusCreated, bind.Status)
	want := map[string]any{"expires_at": "2026-12-01T13:00:00.0Z", "renew_before": "2026-12-01T12:45:00.0Z"}
	assert.Equal(t, want, bind.JSON(t)["metadata"])
	assert.Equal(t, want, c.do(http.MethodGet, bindingPath("i1", "b1"), nil).JSON(t)["metadata"])
	assert.Equal(t, now.Add(time.Hour), srv.Bindings()[0].ExpiresAt)

	now = now.Add(time.Hour)
	rotate := with(bindBody(nil), "predecessor_binding_id", "b1")
	expired := c.do(http.MethodPut, bindingPath("i1", "b2"), rotate)
	assert.Equal(t, http.StatusBadRequest, expired.Status)
	assert.Contains(t, expired.JSON(t)["description"], "expired at 2026-12-01T13:00:00.0Z")
}

func TestBindingsHaveNoMetadataWithoutALifetime(t *testing.T) {
	_, c := newTestServer(t)
	c.provisionSync("i1")
	assert.NotContains(t, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).JSON(t), "metadata")
}
