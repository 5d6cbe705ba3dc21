package cataloglint

import (
	"fmt"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/paramschema"
	"github.com/osbkit/osb-go-sdk/internal/termtext"
)

// schemaFindings checks one parameters schema as the Input Parameters Schema Object requires,
// by the rules the client and brokertest read schemas with (paramschema).
func schemaFindings(raw []byte, path string) []Finding {
	var findings []Finding
	add := func(id, message string) {
		findings = append(findings, Finding{ID: id, Section: sectionInputSchema, Level: LevelMust, Path: path, Message: message})
	}
	if len(raw) > MaxSchemaBytes {
		add(FindingSchemaSize, fmt.Sprintf("the schema has %d bytes; it must not be larger than 64 kB (%d bytes)", len(raw), MaxSchemaBytes))
	}
	doc, err := paramschema.Decode(raw)
	if err != nil {
		add(FindingSchemaInvalid, fmt.Sprintf("the schema is not JSON: %s", termtext.Clean(err.Error())))
		return findings
	}
	object, _ := doc.(map[string]any)
	if _, ok := object["$schema"].(string); !ok {
		add(FindingSchemaDollarSchema, "the schema has no $schema naming its JSON Schema version; the platform reads it as "+paramschema.DefaultDraftName)
	}
	if external := paramschema.ExternalRefs(doc); len(external) > 0 {
		add(FindingSchemaExternalRef, fmt.Sprintf("the schema refers outside itself (%s); it must not contain external references, and the platform never loads them",
			strings.Join(external, ", ")))
		return findings
	}
	if _, err := paramschema.CompileDocument(doc); err != nil {
		add(FindingSchemaInvalid, fmt.Sprintf("the schema does not compile: %s", termtext.Clean(err.Error())))
	}
	return findings
}
