package brokertest

import (
	"maps"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// without returns a copy of body without the given fields.
func without(body map[string]any, fields ...string) map[string]any {
	out := maps.Clone(body)
	for _, f := range fields {
		delete(out, f)
	}
	return out
}

// with returns a copy of body with field set to value.
func with(body map[string]any, field string, value any) map[string]any {
	out := maps.Clone(body)
	out[field] = value
	return out
}

// rejection is a request a strict broker answers with an error citing a section of the spec.
type rejection struct {
	name    string
	method  string
	path    string
	body    any
	status  int
	section string
	says    string
}

func strictRejections() []rejection {
	provision := provisionBody(DefaultSyncPlanID, nil)
	update := map[string]any{"service_id": DefaultServiceID, "parameters": map[string]any{"size_gb": 2}}
	bind := bindBody(nil)
	const (
		provisioning = `"Provisioning", Body`
		updating     = `"Updating a Service Instance", Body`
		binding      = `"Binding", Request (Creating a Service Binding), Body`
		contextObj   = `profile, "Context Object"`
	)
	put, patch, del := http.MethodPut, http.MethodPatch, http.MethodDelete
	instance, bindingOf := instancePath("i1"), bindingPath("i1", "b1")
	return []rejection{
		{"provision without service_id", put, instancePath("new"), without(provision, "service_id"), 400, provisioning, "service_id"},
		{"provision without plan_id", put, instancePath("new"), without(provision, "plan_id"), 400, provisioning, "plan_id"},
		{"provision without organization_guid", put, instancePath("new"), without(provision, "organization_guid"), 400, provisioning, "organization_guid"},
		{"provision without space_guid", put, instancePath("new"), without(provision, "space_guid"), 400, provisioning, "space_guid"},
		{"provision with an empty organization_guid", put, instancePath("new"), with(provision, "organization_guid", ""), 400, provisioning, "organization_guid"},
		{"provision without org and space", put, instancePath("new"), without(provision, "organization_guid", "space_guid"), 400, provisioning, "organization_guid, space_guid"},
		{"provision with parameters that are an array", put, instancePath("new"), with(provision, "parameters", []int{1}), 400, provisioning, "parameters"},
		{"provision with parameters that are a string", put, instancePath("new"), with(provision, "parameters", "size=1"), 400, provisioning, "parameters"},
		{"provision with a context that is a string", put, instancePath("new"), with(provision, "context", "cloudfoundry"), 400, contextObj, "context"},
		{"provision with a context without platform", put, instancePath("new"), with(provision, "context", map[string]any{"space": "s"}), 400, contextObj, "platform"},
		{"provision with a context whose platform is a number", put, instancePath("new"), with(provision, "context", map[string]any{"platform": 3}), 400, contextObj, "platform"},
		{"provision with a service_id that is a number", put, instancePath("new"), with(provision, "service_id", 7), 400, provisioning, "not a JSON object"},
		{"provision with malformed JSON", put, instancePath("new"), `{"service_id":`, 400, provisioning, "not a JSON object"},
		{"provision with a body that is an array", put, instancePath("new"), `[]`, 400, provisioning, "not a JSON object"},
		{"update without service_id", patch, instance, without(update, "service_id"), 400, updating, "service_id"},
		{"update with parameters that are an array", patch, instance, with(update, "parameters", []int{1}), 400, updating, "parameters"},
		{"update with a context without platform", patch, instance, with(update, "context", map[string]any{}), 400, contextObj, "platform"},
		{"update with malformed JSON", patch, instance, `{"service_id"`, 400, updating, "not a JSON object"},
		{"bind without service_id", put, bindingOf, without(bind, "service_id"), 400, binding, "service_id"},
		{"bind without plan_id", put, bindingOf, without(bind, "plan_id"), 400, binding, "plan_id"},
		{"bind with an empty app_guid", put, bindingOf, with(bind, "app_guid", ""), 400, binding, "app_guid"},
		{"bind with parameters that are a number", put, bindingOf, with(bind, "parameters", 5), 400, binding, "parameters"},
		{"bind with a context that is an array", put, bindingOf, with(bind, "context", []string{"cloudfoundry"}), 400, contextObj, "context"},
		{"bind with malformed JSON", put, bindingOf, `{`, 400, binding, "not a JSON object"},
		{"deprovision without service_id", del, instance + "?plan_id=" + DefaultSyncPlanID, nil, 400, `"Deprovisioning", Parameters`, "service_id"},
		{"deprovision without plan_id", del, instance + "?service_id=" + DefaultServiceID, nil, 400, `"Deprovisioning", Parameters`, "plan_id"},
		{"deprovision without a query", del, instance, nil, 400, `"Deprovisioning", Parameters`, "service_id and plan_id"},
		{"unbind without service_id", del, bindingOf + "?plan_id=" + DefaultSyncPlanID, nil, 400, `"Unbinding", Parameters`, "service_id"},
		{"unbind without plan_id", del, bindingOf + "?service_id=" + DefaultServiceID, nil, 400, `"Unbinding", Parameters`, "plan_id"},
	}
}

func TestStrictBrokerRejectsMalformedRequestsCitingTheSpec(t *testing.T) {
	srv, c := newTestServer(t)
	c.provisionSync("i1")
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)
	before, bindings := srv.Instances(), srv.Bindings()

	for _, tt := range strictRejections() {
		t.Run(tt.name, func(t *testing.T) {
			a := c.do(tt.method, tt.path, tt.body)
			require.Equal(t, tt.status, a.Status, "body: %s", a.Body)
			description, _ := a.JSON(t)["description"].(string)
			assert.Contains(t, description, "OSB v2.17 "+tt.section)
			assert.Contains(t, description, tt.says)
		})
	}
	assert.Equal(t, before, srv.Instances(), "rejected requests change nothing")
	assert.Equal(t, bindings, srv.Bindings(), "rejected requests change nothing")
}

func TestStrictBrokerChecksTheAPIVersionHeader(t *testing.T) {
	tests := []struct {
		version string
		want    int
	}{
		{"", http.StatusBadRequest},
		{"3.0", http.StatusPreconditionFailed},
		{"1.13", http.StatusPreconditionFailed},
		{"two", http.StatusPreconditionFailed},
		{"2.17.0", http.StatusPreconditionFailed},
		{"2.17", http.StatusOK},
		{"2.12", http.StatusOK},
	}
	_, c := newTestServer(t)
	for _, tt := range tests {
		t.Run("version "+tt.version, func(t *testing.T) {
			c.version = tt.version
			a := c.do(http.MethodGet, "/v2/catalog", nil)
			assert.Equal(t, tt.want, a.Status)
			if tt.want != http.StatusOK {
				assert.Contains(t, a.JSON(t)["description"], `OSB v2.17 "API Version Header"`)
			}
		})
	}
}

func TestStrictBrokerAcceptsWhatTheSpecAllows(t *testing.T) {
	_, c := newTestServer(t)
	provision := provisionBody(DefaultSyncPlanID, nil)
	tests := map[string]map[string]any{
		"no context":              without(provision, "context"),
		"null parameters":         with(provision, "parameters", nil),
		"vendor extension fields": with(with(provision, "x-vendor-field", 1), "context", map[string]any{"platform": "kubernetes", "x-other": true}),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			a := c.do(http.MethodPut, instancePath(name), body)
			assert.Equal(t, http.StatusCreated, a.Status, "body: %s", a.Body)
		})
	}
}

func TestLenientBrokerLeavesTheChecksToTheBrokerLibrary(t *testing.T) {
	srv, c := newTestServer(t, WithLenient())
	provision := provisionBody(DefaultSyncPlanID, nil)

	bare := without(provision, "organization_guid", "space_guid", "context")
	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("bare"), bare).Status, "no organization_guid or space_guid")
	assert.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("odd"), with(provision, "context", "cloudfoundry")).Status, "context not an object")
	notObject := c.do(http.MethodPut, instancePath("x"), with(provision, "parameters", []int{1}))
	assert.Equal(t, http.StatusBadRequest, notObject.Status, "the plan's parameters schema still applies")
	assert.Contains(t, notObject.JSON(t)["description"], "schemas.service_instance.create.parameters")
	assert.Equal(t, http.StatusUnprocessableEntity, c.do(http.MethodPut, instancePath("x"), `{"service_id":`).Status, "malformed JSON")
	assert.Equal(t, http.StatusBadRequest, c.do(http.MethodPut, instancePath("x"), without(provision, "plan_id")).Status, "the library's own check")
	c.version = ""
	assert.Equal(t, http.StatusPreconditionFailed, c.do(http.MethodGet, "/v2/catalog", nil).Status, "missing version")
	assert.Len(t, srv.Instances(), 2)
}

func TestRequestIdentityIsEchoed(t *testing.T) {
	srv, c := newTestServer(t)
	require.NoError(t, srv.InjectFault(Fault{PathPattern: "/v2/service_instances/faulty", Status: http.StatusServiceUnavailable}))
	requests := map[string]struct{ method, path string }{
		"injected fault":     {http.MethodGet, instancePath("faulty")},
		"catalog":            {http.MethodGet, "/v2/catalog"},
		"broker library 404": {http.MethodGet, instancePath("missing")},
		"request rules 400":  {http.MethodDelete, instancePath("missing")},
		"IBM state endpoint": {http.MethodGet, statePath("missing")},
		"authentication 401": {http.MethodGet, "/v2/catalog?unauthenticated"},
		"version header 412": {http.MethodGet, "/v2/catalog?version"},
	}
	for name, r := range requests {
		t.Run(name, func(t *testing.T) {
			req, err := http.NewRequest(r.method, srv.URL+r.path, nil)
			require.NoError(t, err)
			if name != "authentication 401" {
				req.SetBasicAuth(srv.Username, srv.Password)
			}
			req.Header.Set("X-Broker-API-Version", "2.17")
			if name == "version header 412" {
				req.Header.Set("X-Broker-API-Version", "9.0")
			}
			req.Header.Set(requestIdentityHeader, "rid-"+name)
			resp, err := c.http.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, "rid-"+name, resp.Header.Get(requestIdentityHeader), "status %d", resp.StatusCode)
		})
	}
}
