package conformance

import (
	"encoding/json"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Parameters are what the checker sends as parameters for one plan.
type Parameters struct {
	Provision map[string]any `json:"provision,omitempty" yaml:"provision"`
	Update    map[string]any `json:"update,omitempty" yaml:"update"`
	Bind      map[string]any `json:"bind,omitempty" yaml:"bind"`
}

// ParametersFile maps a plan id or name ("*" for every plan) to its parameters.
type ParametersFile map[string]Parameters

// LoadParameters reads a parameters file, JSON or YAML:
//
//	my-plan-id:
//	  provision: {size: small}
//	  bind: {role: reader}
//	"*":
//	  update: {size: medium}
func LoadParameters(path string) (ParametersFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the parameters file: %w", err)
	}
	var file ParametersFile
	if err := yaml.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("parameters file %s: %w; it maps plan ids or names to {provision, update, bind} objects", path, err)
	}
	return file, nil
}

// forPlan returns the file's parameters of a plan: its own entry, else the "*" entry, else
// what the plan's schemas suggest.
func (file ParametersFile) forPlan(plan openservicebrokerv1.Plan) Parameters {
	for _, key := range []string{deref(plan.ID), deref(plan.Name), "*"} {
		if given, ok := file[key]; ok {
			return given
		}
	}
	return schemaParameters(plan.Schemas)
}

// schemaParameters fills parameters from the defaults and examples of the plan's schemas.
func schemaParameters(schemas *openservicebrokerv1.Schemas) Parameters {
	var p Parameters
	if schemas == nil {
		return p
	}
	if instance := schemas.ServiceInstance; instance != nil {
		p.Provision = exampleObject(instance.Create)
		p.Update = exampleObject(instance.Update)
	}
	if binding := schemas.ServiceBinding; binding != nil {
		p.Bind = exampleObject(binding.Create)
	}
	return p
}

// exampleObject builds an object from a schema: its first example or default when it has one,
// else each property's default or first example.
func exampleObject(parameters *openservicebrokerv1.SchemaParameters) map[string]any {
	if parameters == nil || len(parameters.Parameters) == 0 {
		return nil
	}
	var schema struct {
		Default    any   `json:"default"`
		Examples   []any `json:"examples"`
		Properties map[string]struct {
			Default  any   `json:"default"`
			Examples []any `json:"examples"`
		} `json:"properties"`
	}
	if json.Unmarshal(parameters.Parameters, &schema) != nil {
		return nil
	}
	for _, whole := range append(schema.Examples, schema.Default) {
		if object, ok := whole.(map[string]any); ok {
			return object
		}
	}
	object := map[string]any{}
	for name, property := range schema.Properties {
		switch {
		case property.Default != nil:
			object[name] = property.Default
		case len(property.Examples) > 0:
			object[name] = property.Examples[0]
		}
	}
	if len(object) == 0 {
		return nil
	}
	return object
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
