package openservicebrokerv1

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The JSON Schema versions the specification asks platforms to support (draft 4 and later), by
// the $schema that selects each and the keyword its version keeps definitions under.
var schemaDrafts = []struct{ name, uri, definitions string }{
	{"draft-04", "http://json-schema.org/draft-04/schema#", "definitions"},
	{"draft-06", "http://json-schema.org/draft-06/schema#", "definitions"},
	{"draft-07", "http://json-schema.org/draft-07/schema#", "definitions"},
	{"2019-09", "https://json-schema.org/draft/2019-09/schema", "$defs"},
	{"2020-12", "https://json-schema.org/draft/2020-12/schema", "$defs"},
}

// draftSchema uses nested objects, arrays, enums, oneOf, anyOf, a format, a pattern and a
// $ref inside the schema.
const draftSchema = `{"$schema": %q, "type": "object", "required": ["name", "tier"],
  "properties": {
    "name": {"type": "string", "pattern": "^[a-z]+$"},
    "tier": {"enum": ["free", "paid"]},
    "admin": {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}},
    "ports": {"type": "array", "items": {"type": "integer", "minimum": 1}},
    "backup": {"oneOf": [{"type": "boolean"}, {"$ref": "#/%s/schedule"}]},
    "region": {"anyOf": [{"type": "string", "maxLength": 5}, {"type": "integer"}]}
  },
  %q: {"schedule": {"type": "object", "required": ["cron"], "properties": {"cron": {"type": "string"}}}}}`

// catalogWithSchema is a one-plan catalog whose plan has schema as its provision schema.
func catalogWithSchema(t testing.TB, schema string) *Catalog {
	t.Helper()
	catalog, err := NewCatalog(decodeCatalog(t, fmt.Sprintf(`{"services": [{"id": "s", "name": "s", "description": "S", "bindable": true,
	  "plans": [{"id": "p", "name": "p", "description": "P", "schemas": {"service_instance": {"create": {"parameters": %s}}}}]}]}`, schema)))
	require.NoError(t, err)
	return catalog
}

func TestValidateParameters_EveryDraft(t *testing.T) {
	cases := []struct {
		name       string
		parameters string
		want       []string // "path: message fragment"
	}{
		{"valid", `{"name": "db", "tier": "free", "admin": {"email": "ops@example.com"}, "ports": [80, 443],
		  "backup": {"cron": "0 1 * * *"}, "region": "eu"}`, nil},
		{"valid through the other oneOf and anyOf branches", `{"name": "db", "tier": "paid", "backup": true, "region": 7}`, nil},
		{"required property missing and enum", `{"tier": "gold"}`, []string{"/: missing property 'name'", "/tier: value must be one of"}},
		{"format inside a nested object", `{"name": "db", "tier": "free", "admin": {"email": "not-an-address"}}`, []string{"/admin/email: is not a valid email"}},
		{"nested required", `{"name": "db", "tier": "free", "admin": {}}`, []string{"/admin: missing property 'email'"}},
		{"array item", `{"name": "db", "tier": "free", "ports": [80, 0]}`, []string{"/ports/1: minimum"}},
		{"oneOf through $ref", `{"name": "db", "tier": "free", "backup": {"at": 1}}`, []string{"/backup: missing property 'cron'", "/backup: got object, want boolean"}},
		{"anyOf", `{"name": "db", "tier": "free", "region": "europe-west"}`, []string{"/region: maxLength", "/region: got string, want integer"}},
		{"pattern", `{"name": "Secret-Value", "tier": "free"}`, []string{"/name: does not match the pattern"}},
	}
	for _, draft := range schemaDrafts {
		catalog := catalogWithSchema(t, fmt.Sprintf(draftSchema, draft.uri, draft.definitions, draft.definitions))
		for _, tc := range cases {
			t.Run(draft.name+"/"+tc.name, func(t *testing.T) {
				err := catalog.ValidateParameters("s", "p", InstanceCreateSchema, json.RawMessage(tc.parameters))
				if tc.want == nil {
					require.NoError(t, err)
					return
				}
				var invalid *ParametersInvalidError
				require.ErrorAs(t, err, &invalid)
				assert.ErrorIs(t, err, ErrParametersInvalid)
				var got []string
				for _, violation := range invalid.Violations {
					path := violation.Path
					if path == "" {
						path = "/"
					}
					got = append(got, path+": "+violation.Message)
				}
				for _, want := range tc.want {
					assert.True(t, containsPrefixed(got, want), "want %q among %q", want, got)
				}
				assert.NotContains(t, err.Error(), "Secret-Value", "a violation never repeats a string of the parameters")
				assert.Equal(t, "p", invalid.PlanID)
				assert.Equal(t, InstanceCreateSchema, invalid.Schema)
			})
		}
	}
}

func containsPrefixed(lines []string, prefix string) bool {
	for _, line := range lines {
		if strings.HasPrefix(line, prefix) {
			return true
		}
	}
	return false
}

func TestValidateParameters_DraftFollowsDollarSchema(t *testing.T) {
	// exclusiveMinimum is a flag next to minimum in draft 4 and a number of its own later.
	draft4 := catalogWithSchema(t, `{"$schema": "http://json-schema.org/draft-04/schema#",
	  "properties": {"n": {"type": "number", "minimum": 5, "exclusiveMinimum": true}}}`)
	draft2020 := catalogWithSchema(t, `{"$schema": "https://json-schema.org/draft/2020-12/schema",
	  "properties": {"n": {"type": "number", "exclusiveMinimum": 5}}}`)
	withoutSchema := catalogWithSchema(t, `{"properties": {"n": {"type": "number", "minimum": 5, "exclusiveMinimum": true}}}`)

	for name, catalog := range map[string]*Catalog{"draft 4": draft4, "2020-12": draft2020, "no $schema reads as draft 4": withoutSchema} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorIs(t, catalog.ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{"n": 5}), ErrParametersInvalid)
			assert.NoError(t, catalog.ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{"n": 6}))
		})
	}
}

func TestValidateParameters_AcceptsEveryParametersForm(t *testing.T) {
	catalog := catalogWithSchema(t, `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
	  "properties": {"size": {"type": "integer"}}, "required": ["size"]}`)
	type sizeParameters struct {
		Size int `json:"size"`
	}
	for name, parameters := range map[string]any{
		"map": map[string]any{"size": 3}, "struct": sizeParameters{Size: 3}, "struct pointer": &sizeParameters{Size: 3},
		"encoded JSON": json.RawMessage(`{"size": 3}`),
	} {
		assert.NoError(t, catalog.ValidateParameters("s", "p", InstanceCreateSchema, parameters), name)
	}
	for name, parameters := range map[string]any{
		"nil": nil, "nil map": map[string]any(nil), "JSON null": json.RawMessage("null"), "nil struct pointer": (*sizeParameters)(nil),
	} {
		assert.NoError(t, catalog.ValidateParameters("s", "p", InstanceCreateSchema, parameters), "%s sends no parameters, so nothing is checked", name)
	}
	assert.ErrorIs(t, catalog.ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{}), ErrParametersInvalid, "an empty object is sent and checked")
	assert.NoError(t, catalog.ValidateParameters("s", "p", BindingCreateSchema, map[string]any{"anything": true}), "no binding schema: nothing to check")
}

func TestValidateParameters_ReadsMapsAsTheyAreEncoded(t *testing.T) {
	catalog := catalogWithSchema(t, `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
	  "properties": {"tags": {"type": "array", "items": {"type": "string"}}, "owner": {"type": "object"}, "count": {"type": "integer"}}}`)
	validate := func(parameters map[string]any) error {
		return catalog.ValidateParameters("s", "p", InstanceCreateSchema, parameters)
	}
	assert.NoError(t, validate(map[string]any{"tags": []any{"a"}, "owner": map[string]any{"id": 1}, "count": uint8(3)}))
	assert.NoError(t, validate(map[string]any{"tags": []string{"a", "b"}}), "a []string is an array once encoded")
	assert.ErrorIs(t, validate(map[string]any{"tags": []int{1}}), ErrParametersInvalid)
	assert.ErrorIs(t, validate(map[string]any{"owner": map[string]any(nil)}), ErrParametersInvalid, "a nil map is sent as null, not as an object")
	assert.ErrorIs(t, validate(map[string]any{"tags": []any(nil)}), ErrParametersInvalid, "a nil slice is sent as null, not as an array")
	assert.ErrorIs(t, validate(map[string]any{"count": 2.5}), ErrParametersInvalid)
}

func TestValidateParameters_UnknownPlan(t *testing.T) {
	catalog := catalogWithSchema(t, `{"type": "object"}`)
	assert.ErrorIs(t, catalog.ValidateParameters("s", "other", InstanceCreateSchema, map[string]any{}), ErrUnknownPlan)
	assert.ErrorIs(t, catalog.ValidateParameters("other", "p", InstanceCreateSchema, map[string]any{}), ErrUnknownService)
}

func TestValidateParameters_UnusableSchemaIsTheBrokersFault(t *testing.T) {
	var fetched atomic.Int32
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetched.Add(1)
		_, _ = w.Write([]byte(`{"type": "object"}`))
	}))
	defer server.Close()
	for name, schema := range map[string]string{
		"not JSON Schema":         `{"$schema": "http://json-schema.org/draft-07/schema#", "type": 12}`,
		"unknown version":         `{"$schema": "https://example.com/my-own-draft"}`,
		"reference over HTTP":     fmt.Sprintf(`{"$ref": %q}`, server.URL+"/schema.json"),
		"reference to a file":     `{"$ref": "file:///etc/passwd"}`,
		"relative reference":      `{"$ref": "other.json#/definitions/x"}`,
		"larger than 64 kB":       fmt.Sprintf(`{"description": %q}`, strings.Repeat("x", MaxSchemaBytes)),
		"reference with a secret": `{"$ref": "https://user:hunter2@example.com/s.json"}`,
	} {
		t.Run(name, func(t *testing.T) {
			catalog := catalogWithSchema(t, schema)
			err := catalog.ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{"a": 1})
			var schemaErr *SchemaError
			require.ErrorAs(t, err, &schemaErr)
			assert.ErrorIs(t, err, ErrSchemaUnusable)
			assert.Equal(t, "p", schemaErr.PlanID)
			assert.Contains(t, err.Error(), `plan "p"`)
			assert.Contains(t, err.Error(), "the broker must fix its catalog")
			assert.NotContains(t, err.Error(), "hunter2")

			options := &ReplaceServiceInstanceOptions{ServiceID: ptr("s"), PlanID: ptr("p"), Parameters: map[string]any{"a": 1}}
			assert.NoError(t, catalog.CheckRequest(options), "the request goes out unvalidated")
		})
	}
	assert.Zero(t, fetched.Load(), "no schema is ever fetched")

	err := catalogWithSchema(t, `{"$schema": "https://example.com/my-own-draft"}`).ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{})
	assert.ErrorContains(t, err, `$schema "https://example.com/my-own-draft" is not a JSON Schema version the platform knows`)
	err = catalogWithSchema(t, `{"$schema": "http://json-schema.org/draft-07/schema#", "type": 12}`).ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{})
	assert.ErrorContains(t, err, "the schema is not valid against metaschema")
	assert.NotContains(t, err.Error(), "catalog.invalid", "the message does not name the URL the schema is compiled at")
}

func TestValidateParameters_CompilesOncePerPlanAndKind(t *testing.T) {
	catalog := catalogWithSchema(t, `{"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
	  "properties": {"size": {"type": "integer"}}}`)
	plan, _ := catalog.Plan("s", "p")
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := catalog.ValidateParameters("s", "p", InstanceCreateSchema, map[string]any{"size": i})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	first := plan.validator(InstanceCreateSchema).schema
	require.NotNil(t, first)
	assert.Same(t, first, plan.validator(InstanceCreateSchema).schema)
}

func TestValidateParameters_RejectsAnUnknownKind(t *testing.T) {
	catalog := catalogWithSchema(t, `{"type": "object"}`)
	var parameterErr *ParameterError
	require.ErrorAs(t, catalog.ValidateParameters("s", "p", SchemaKind(7), map[string]any{}), &parameterErr)
	assert.Equal(t, "kind", parameterErr.Parameter)
}

func TestSchemaKind_String(t *testing.T) {
	assert.Equal(t, "service_instance.create", InstanceCreateSchema.String())
	assert.Equal(t, "service_instance.update", InstanceUpdateSchema.String())
	assert.Equal(t, "service_binding.create", BindingCreateSchema.String())
	assert.Equal(t, "SchemaKind(9)", SchemaKind(9).String())
}

func ptr[T any](value T) *T {
	return &value
}
