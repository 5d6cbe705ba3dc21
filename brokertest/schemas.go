package brokertest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/paramschema"
	"github.com/pivotal-cf/brokerapi/v12/domain"
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
type planSchemas map[schemaKind]*paramschema.Schema

// compilePlanSchemas compiles the plan's schemas the way the platform reads them (paramschema:
// draft 4 without $schema, formats asserted); a schema that does not compile, is over 64 kB, or
// refers to anything outside itself ("Input Parameters Schema Object": no external references)
// makes the catalog unusable.
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
		encoded, err := json.Marshal(schema)
		if err == nil {
			compiled[kind], err = paramschema.Compile(encoded)
		}
		if err != nil {
			return nil, fmt.Errorf("%w: plan %q: %s does not compile: %w", errInvalidCatalog, plan.ID, kind, err)
		}
	}
	return compiled, nil
}

// validate checks raw parameters against the plan's schema of the given kind; the error is a
// 400 that lists every violation with its JSON pointer.
func (s planSchemas) validate(kind schemaKind, raw json.RawMessage, section string) error {
	schema := s[kind]
	if schema == nil || isAbsent(raw) {
		return nil
	}
	found, err := schema.ValidateJSON(raw)
	if err != nil {
		return badRequest(fmt.Sprintf("parameters are not JSON: %v (OSB v2.17 %s)", err, section))
	}
	if len(found) == 0 {
		return nil
	}
	list := make([]string, len(found))
	for i, violation := range found {
		list[i] = violation.String()
	}
	return badRequest(fmt.Sprintf("parameters do not match the plan's %s: %s (OSB v2.17 %s; \"Input Parameters Schema Object\")",
		kind, strings.Join(list, "; "), section))
}
