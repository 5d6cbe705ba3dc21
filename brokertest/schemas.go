package brokertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaKind names one of the three parameters schemas a plan may declare.
type schemaKind string

const (
	instanceCreateSchema schemaKind = "schemas.service_instance.create.parameters"
	instanceUpdateSchema schemaKind = "schemas.service_instance.update.parameters"
	bindingCreateSchema  schemaKind = "schemas.service_binding.create.parameters"
)

// planSchemas are the compiled parameters schemas of a plan; a kind the plan does not declare
// is absent and accepts any parameters.
type planSchemas map[schemaKind]*jsonschema.Schema

// compilePlanSchemas compiles the plan's schemas; a schema that does not compile, or that
// refers to anything outside itself ("Input Parameters Schema Object": no external
// references), makes the catalog unusable.
func compilePlanSchemas(plan domain.ServicePlan) (planSchemas, error) {
	compiled := planSchemas{}
	if plan.Schemas == nil {
		return compiled, nil
	}
	declared := map[schemaKind]map[string]any{
		instanceCreateSchema: plan.Schemas.Instance.Create.Parameters,
		instanceUpdateSchema: plan.Schemas.Instance.Update.Parameters,
		bindingCreateSchema:  plan.Schemas.Binding.Create.Parameters,
	}
	for kind, schema := range declared {
		if schema == nil {
			continue
		}
		compiledSchema, err := compileSchema(schema)
		if err != nil {
			return nil, fmt.Errorf("%w: plan %q: %s does not compile: %w", errInvalidCatalog, plan.ID, kind, err)
		}
		compiled[kind] = compiledSchema
	}
	return compiled, nil
}

func compileSchema(schema map[string]any) (*jsonschema.Schema, error) {
	// Round-trip through JSON so that numbers are what the validator expects.
	data, err := json.Marshal(schema)
	if err != nil {
		return nil, err
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	const location = "brokertest:///parameters.json"
	compiler := jsonschema.NewCompiler()
	compiler.UseLoader(noExternalReferences{})
	if err := compiler.AddResource(location, doc); err != nil {
		return nil, err
	}
	return compiler.Compile(location)
}

// noExternalReferences refuses every schema outside the one compiled.
type noExternalReferences struct{}

func (noExternalReferences) Load(url string) (any, error) {
	return nil, fmt.Errorf("external reference %s: schemas must not contain external references (OSB v2.17 \"Input Parameters Schema Object\")", url)
}

// validate checks raw parameters against the plan's schema of the given kind; the error is a
// 400 that lists every violation with its JSON pointer.
func (s planSchemas) validate(kind schemaKind, raw json.RawMessage, section string) error {
	schema := s[kind]
	if schema == nil || isAbsent(raw) {
		return nil
	}
	value, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return badRequest(fmt.Sprintf("parameters are not JSON: %v (OSB v2.17 %s)", err, section))
	}
	err = schema.Validate(value)
	var invalid *jsonschema.ValidationError
	if !errors.As(err, &invalid) {
		return err
	}
	return badRequest(fmt.Sprintf("parameters do not match the plan's %s: %s (OSB v2.17 %s; \"Input Parameters Schema Object\")",
		kind, strings.Join(violations(invalid), "; "), section))
}

// violations lists each failed keyword as "pointer: message", innermost first.
func violations(err *jsonschema.ValidationError) []string {
	var list []string
	for _, unit := range err.BasicOutput().Errors {
		if unit.Error != nil {
			location := unit.InstanceLocation
			if location == "" {
				location = "/"
			}
			list = append(list, fmt.Sprintf("%s: %s", location, unit.Error))
		}
	}
	return list
}
