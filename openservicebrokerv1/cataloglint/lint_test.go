package cataloglint

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A catalog that follows every rule Lint checks.
const cleanCatalog = `{"services": [{"id": "2b4c7a4e-27a4-4b1e-9f65-2e5d0c7c7d11", "name": "postgres", "description": "PostgreSQL",
  "bindable": true, "requires": ["syslog_drain"],
  "plans": [{"id": "7d3c1f0e-5a4b-4c3d-9e8f-1a2b3c4d5e6f", "name": "small-1.0", "description": "Small",
    "maximum_polling_duration": 60, "maintenance_info": {"version": "2.1.1+abcdef"},
    "schemas": {"service_instance": {"create": {"parameters": {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
      "definitions": {"size": {"type": "integer"}}, "properties": {"size": {"$ref": "#/definitions/size"}}}}},
      "service_binding": {"create": {"parameters": {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://broker.example.com/bind.json",
        "$defs": {"role": {"$id": "role.json", "enum": ["r", "w"]}}, "properties": {"role": {"$ref": "role.json"}}}}}}}]}]}`

func TestLint_CleanCatalogHasNoFinding(t *testing.T) {
	assert.Empty(t, Lint([]byte(cleanCatalog)))
}

// lintPlan lints a one-plan catalog whose service and plan have the given extra fields.
func lintPlan(t *testing.T, serviceFields, planFields string) []Finding {
	t.Helper()
	return Lint([]byte(fmt.Sprintf(`{"services": [{"id": "2b4c7a4e-27a4-4b1e-9f65-2e5d0c7c7d11", "description": "S", "bindable": true %s,
	  "plans": [{"id": "7d3c1f0e-5a4b-4c3d-9e8f-1a2b3c4d5e6f", "description": "P" %s}]}]}`, serviceFields, planFields)))
}

func schemaField(schema string) string {
	return fmt.Sprintf(`, "name": "plan", "schemas": {"service_instance": {"update": {"parameters": %s}}}`, schema)
}

func TestLint_Findings(t *testing.T) {
	const draft7 = `"$schema": "http://json-schema.org/draft-07/schema#"`
	tests := []struct {
		name                      string
		serviceFields, planFields string
		id                        string
		level                     Level
		path                      string
	}{
		{"schema without $schema", `, "name": "s"`, schemaField(`{"type": "object"}`), FindingSchemaDollarSchema, LevelMust,
			"/services/0/plans/0/schemas/service_instance/update/parameters"},
		{"external reference", `, "name": "s"`, schemaField(`{` + draft7 + `, "$ref": "https://schemas.example.com/db.json"}`), FindingSchemaExternalRef, LevelMust,
			"/services/0/plans/0/schemas/service_instance/update/parameters"},
		{"relative reference to another document", `, "name": "s"`, schemaField(`{` + draft7 + `, "properties": {"a": {"$ref": "common.json#/a"}}}`),
			FindingSchemaExternalRef, LevelMust, "/services/0/plans/0/schemas/service_instance/update/parameters"},
		{"schema over 64 kB", `, "name": "s"`, schemaField(fmt.Sprintf(`{`+draft7+`, "description": %q}`, strings.Repeat("x", MaxSchemaBytes))),
			FindingSchemaSize, LevelMust, "/services/0/plans/0/schemas/service_instance/update/parameters"},
		{"schema that does not compile", `, "name": "s"`, schemaField(`{` + draft7 + `, "type": "objekt"}`), FindingSchemaInvalid, LevelMust,
			"/services/0/plans/0/schemas/service_instance/update/parameters"},
		{"service name with a space", `, "name": "my db"`, `, "name": "plan"`, FindingServiceNameCLIFriendly, LevelShould, "/services/0/name"},
		{"plan name starting with a hyphen", `, "name": "s"`, `, "name": "-small"`, FindingPlanNameCLIFriendly, LevelShould, "/services/0/plans/0/name"},
		{"plan name made of punctuation", `, "name": "s"`, `, "name": ".-."`, FindingPlanNameCLIFriendly, LevelShould, "/services/0/plans/0/name"},
		{"long description", `, "name": "s"`, fmt.Sprintf(`, "name": "plan", "description": %q`, strings.Repeat("é", 256)), FindingStringLength, LevelShould,
			"/services/0/plans/0/description"},
		{"maintenance_info without version", `, "name": "s"`, `, "name": "plan", "maintenance_info": {"description": "d"}`, FindingMaintenanceVersionMissing, LevelMust,
			"/services/0/plans/0/maintenance_info/version"},
		{"maintenance_info version that is not semver", `, "name": "s"`, `, "name": "plan", "maintenance_info": {"version": "v2.1"}`, FindingMaintenanceVersionSemver, LevelMust,
			"/services/0/plans/0/maintenance_info/version"},
		{"negative maximum_polling_duration", `, "name": "s"`, `, "name": "plan", "maximum_polling_duration": -5`, FindingMaximumPollingDuration, LevelShould,
			"/services/0/plans/0/maximum_polling_duration"},
		{"unsupported requires", `, "name": "s", "requires": ["network"]`, `, "name": "plan"`, FindingServiceRequiresUnsupported, LevelShould, "/services/0/requires/0"},
		{"offering metadata name spelt another way", `, "name": "s", "metadata": {"display_name": "S", "vendorField": 1}`, `, "name": "plan"`,
			FindingMetadataNameVariant, LevelShould, "/services/0/metadata/display_name"},
		{"plan metadata name spelt another way", `, "name": "s"`, `, "name": "plan", "metadata": {"Bullets": ["fast"], "displayName": "Plan"}`,
			FindingMetadataNameVariant, LevelShould, "/services/0/plans/0/metadata/Bullets"},
		{"binding schema on a plan that cannot be bound", `, "name": "s"`,
			`, "name": "plan", "bindable": false, "schemas": {"service_binding": {"create": {"parameters": {` + draft7 + `}}}}`,
			FindingBindingSchemaNotBindable, LevelMay, "/services/0/plans/0/schemas/service_binding/create/parameters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			findings := lintPlan(t, tt.serviceFields, tt.planFields)
			require.Len(t, findings, 1, "%v", findings)
			finding := findings[0]
			assert.Equal(t, tt.id, finding.ID)
			assert.Equal(t, tt.level, finding.Level)
			assert.Equal(t, tt.path, finding.Path)
			assert.NotEmpty(t, finding.Section)
			assert.NotEmpty(t, finding.Message)
		})
	}
}

func TestLint_IDsThatAreNotGUIDs(t *testing.T) {
	findings := Lint([]byte(`{"services": [{"id": "db", "name": "db", "description": "D", "bindable": true,
	  "plans": [{"id": "db-small", "name": "small", "description": "S"}]}]}`))
	require.Len(t, findings, 2)
	assert.Equal(t, FindingServiceIDGUID, findings[0].ID)
	assert.Equal(t, FindingPlanIDGUID, findings[1].ID)
	assert.Equal(t, LevelShould, findings[1].Level)
}

func TestLint_IncludesWhatIsUnusable(t *testing.T) {
	findings := Lint([]byte(`{"services": [{"id": "2b4c7a4e-27a4-4b1e-9f65-2e5d0c7c7d11", "name": "db", "description": "D", "plans": []}]}`))
	var ids []string
	for _, finding := range findings {
		ids = append(ids, finding.ID)
	}
	assert.Equal(t, []string{FindingServiceBindableMissing, FindingServicePlansMissing}, ids)
	assert.Equal(t, FindingCatalogMissing, Lint(nil)[0].ID)
}

func TestFinding_String(t *testing.T) {
	finding := Finding{ID: FindingSchemaSize, Section: sectionInputSchema, Level: LevelMust, Message: "too big", Path: "/services/0"}
	assert.Equal(t, "MUST catalog.schema.size at /services/0: too big (Catalog Management, Input Parameters Schema Object)", finding.String())
}

func TestUnusable_OnlyWhatStopsLookups(t *testing.T) {
	catalog := []byte(`{"services": [{"id": "db", "name": "db", "description": "D", "bindable": true,
	  "plans": [{"id": "db-small", "name": "my small", "description": "S"}, {"id": "db-small", "name": "large", "description": "L"}]}]}`)
	unusable := Unusable(catalog)
	require.Len(t, unusable, 1)
	assert.Equal(t, FindingPlanIDDuplicate, unusable[0].ID)
	assert.Equal(t, "/services/0/plans/1/id", unusable[0].Path)
	assert.Contains(t, unusable[0].Message, "/services/0/plans/0/id")
	assert.Greater(t, len(Lint(catalog)), 1, "Lint adds the rest: ids that are not GUIDs, a name that is not CLI-friendly")
}

func TestLint_ReadsTheCatalogInEveryForm(t *testing.T) {
	var decoded any
	require.NoError(t, json.Unmarshal([]byte(cleanCatalog), &decoded))
	assert.Empty(t, Lint(json.RawMessage(cleanCatalog)))
	assert.Empty(t, Lint(decoded), "a value that encodes to the catalog")

	notJSON := Lint([]byte(`{"services": [{"id": 7}]}`))
	require.Len(t, notJSON, 1)
	assert.Equal(t, FindingCatalogNotJSON, notJSON[0].ID)
	assert.Equal(t, LevelMust, notJSON[0].Level)
	assert.Equal(t, FindingCatalogMissing, Lint([]byte("null"))[0].ID)
}

// TestLint_MetadataNamesOfTheBrokersOwnAreNoFinding: a variant beside the recommended name, and
// names the profile does not recommend, are the broker's own properties.
func TestLint_MetadataNamesOfTheBrokersOwnAreNoFinding(t *testing.T) {
	findings := lintPlan(t, `, "name": "s", "metadata": {"displayName": "S", "display_name": "S", "tier": "gold"}`,
		`, "name": "plan", "metadata": {"bullets": ["fast"], "costs_note": "none"}`)
	assert.Empty(t, findings)
}
