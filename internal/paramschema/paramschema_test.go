package paramschema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func compile(t *testing.T, schema string) *Schema {
	t.Helper()
	compiled, err := Compile([]byte(schema))
	require.NoError(t, err)
	return compiled
}

func validate(t *testing.T, schema *Schema, parameters string) []Violation {
	t.Helper()
	found, err := schema.ValidateJSON([]byte(parameters))
	require.NoError(t, err)
	return found
}

func TestCompile_WithoutDollarSchemaReadsDraft4(t *testing.T) {
	// Draft 4 spells an exclusive bound as a boolean beside minimum; later drafts as a number.
	schema := compile(t, `{"properties": {"n": {"minimum": 5, "exclusiveMinimum": true}}}`)
	assert.Equal(t, []Violation{{Path: "/n", Message: "exclusiveMinimum: got 5, want 5"}}, validate(t, schema, `{"n": 5}`))
	assert.Empty(t, validate(t, schema, `{"n": 6}`))

	_, err := Compile([]byte(`{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"n": {"exclusiveMinimum": true}}}`))
	assert.Error(t, err, "$schema chooses the version: draft 7 wants a number")
}

func TestValidate_AssertsFormatsWithoutRepeatingTheValue(t *testing.T) {
	schema := compile(t, `{"properties": {"e": {"type": "string", "format": "email"}, "p": {"type": "string", "pattern": "^[a-z]+$"}}}`)
	found := validate(t, schema, `{"e": "not-an-email", "p": "Secret-1"}`)
	assert.Equal(t, []Violation{
		{Path: "/e", Message: "is not a valid email"},
		{Path: "/p", Message: `does not match the pattern "^[a-z]+$"`},
	}, found)
	for _, violation := range found {
		assert.NotContains(t, violation.String(), "not-an-email")
		assert.NotContains(t, violation.String(), "Secret-1")
	}
	assert.Empty(t, validate(t, schema, `{"e": "ops@example.com", "p": "abc"}`))
}

func TestValidate_ListsEveryViolationInPathOrder(t *testing.T) {
	schema := compile(t, `{"type": "object", "required": ["a"], "properties": {"b/c": {"type": "integer"}, "d": {"enum": ["x"]}}}`)
	found := validate(t, schema, `{"d": "y", "b/c": "1"}`)
	assert.Equal(t, []string{"/: missing property 'a'", "/b~1c: got string, want integer", "/d: value must be 'x'"},
		[]string{found[0].String(), found[1].String(), found[2].String()})
	_, err := schema.ValidateJSON([]byte(`{"d":`))
	assert.Error(t, err, "parameters that are not JSON")
}

func TestCompile_RefusesWhatTheSpecificationForbids(t *testing.T) {
	cases := map[string]struct{ schema, says string }{
		"larger than 64 kB":     {fmt.Sprintf(`{"description": %q}`, strings.Repeat("x", MaxBytes)), "larger than the 64 kB"},
		"reference over HTTP":   {`{"$ref": "https://user:hunter2@schemas.example.com/db.json"}`, "outside the schema"},
		"reference to a file":   {`{"$ref": "file:///etc/passwd"}`, "outside the schema"},
		"unknown version":       {`{"$schema": "https://example.com/my-own-draft"}`, "is not a JSON Schema version the platform knows"},
		"not valid JSON Schema": {`{"type": 12}`, "the schema is not valid against metaschema"},
		"not JSON":              {`{"type":`, "unexpected EOF"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Compile([]byte(tc.schema))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.says)
			assert.NotContains(t, err.Error(), "hunter2")
			assert.NotContains(t, err.Error(), "catalog.invalid", "the URL the schema is compiled at is not shown")
		})
	}
	_, err := Compile([]byte(cases["larger than 64 kB"].schema))
	assert.ErrorIs(t, err, ErrTooLarge)
}

func TestExternalRefs(t *testing.T) {
	cases := map[string]struct {
		schema string
		want   []string
	}{
		"fragment of the document": {`{"definitions": {"a": {}}, "properties": {"x": {"$ref": "#/definitions/a"}}}`, nil},
		"subschema with its own id": {`{"$id": "https://example.com/root.json", "properties": {"x": {"$ref": "item.json"}},
		  "definitions": {"item": {"$id": "item.json"}}}`, nil},
		"other document":           {`{"properties": {"x": {"$ref": "https://example.com/other.json#/a"}}}`, []string{`"https://example.com/other.json#/a"`}},
		"relative to the document": {`{"items": [{"$ref": "other.json"}]}`, []string{`"other.json"`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			doc, err := Decode([]byte(tc.schema))
			require.NoError(t, err)
			assert.Equal(t, tc.want, ExternalRefs(doc))
		})
	}
}
