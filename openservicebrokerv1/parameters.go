package openservicebrokerv1

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/osbkit/osb-go-sdk/internal/paramschema"
)

// SchemaKind names one of the parameters schemas a plan can give (Catalog Management, Schemas Object).
type SchemaKind int

// The parameters schemas of a plan.
const (
	// InstanceCreateSchema is schemas.service_instance.create.parameters, for provisioning.
	InstanceCreateSchema SchemaKind = iota
	// InstanceUpdateSchema is schemas.service_instance.update.parameters, for updates.
	InstanceUpdateSchema
	// BindingCreateSchema is schemas.service_binding.create.parameters, for binding.
	BindingCreateSchema

	schemaKinds // the number of kinds
)

// String is the kind as the catalog spells its place: "service_instance.create", ...
func (k SchemaKind) String() string {
	switch k {
	case InstanceCreateSchema:
		return "service_instance.create"
	case InstanceUpdateSchema:
		return "service_instance.update"
	case BindingCreateSchema:
		return "service_binding.create"
	}
	return fmt.Sprintf("SchemaKind(%d)", int(k))
}

// raw is the plan's schema of this kind as the broker encoded it; nil when the plan gives none.
func (k SchemaKind) raw(plan *Plan) json.RawMessage {
	schemas := plan.Schemas
	if schemas == nil {
		return nil
	}
	var parameters *SchemaParameters
	switch {
	case k == InstanceCreateSchema && schemas.ServiceInstance != nil:
		parameters = schemas.ServiceInstance.Create
	case k == InstanceUpdateSchema && schemas.ServiceInstance != nil:
		parameters = schemas.ServiceInstance.Update
	case k == BindingCreateSchema && schemas.ServiceBinding != nil:
		parameters = schemas.ServiceBinding.Create
	}
	if parameters == nil || len(bytes.TrimSpace(parameters.Parameters)) == 0 {
		return nil
	}
	return parameters.Parameters
}

// ErrParametersInvalid is matched by errors.Is for a *ParametersInvalidError.
var ErrParametersInvalid = errors.New("the parameters do not match the plan's schema")

// ParametersInvalidError reports parameters that the plan's schema rejects; nothing was sent.
// Find it with errors.As.
type ParametersInvalidError struct {
	ServiceID, PlanID, PlanName string
	// Schema is the schema that rejected the parameters.
	Schema SchemaKind
	// Violations lists every place where the parameters break the schema, in path order.
	Violations []SchemaViolation
}

// SchemaViolation is one place where parameters break a schema.
type SchemaViolation struct {
	// Path is a JSON pointer into the parameters, "" for the parameters object itself.
	Path string
	// Message says what the schema wants there. It never repeats a string value of the parameters.
	Message string
}

func (e *ParametersInvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the parameters do not match the %s parameters schema of plan %s (%s):", e.Schema, quoteText(e.PlanName), sectionInputSchema)
	for _, violation := range e.Violations {
		path := violation.Path
		if path == "" {
			path = "/"
		}
		fmt.Fprintf(&b, " at %s: %s;", path, violation.Message)
	}
	b.WriteString(" correct them and send the request again")
	return b.String()
}

// Is matches ErrParametersInvalid.
func (e *ParametersInvalidError) Is(target error) bool {
	return target == ErrParametersInvalid
}

// ErrSchemaUnusable is matched by errors.Is for a *SchemaError.
var ErrSchemaUnusable = errors.New("the catalog's parameters schema cannot be used")

// SchemaError reports a plan's parameters schema that the platform cannot use: it is not valid
// JSON Schema, names a version (draft) the platform does not know, or refers to other documents.
// This is the broker's fault. The client's own checks (CheckRequest, and the client's requests
// once it holds the catalog) then send the parameters unvalidated rather than refuse a request
// that the broker may accept; ValidateParameters returns the error, and cataloglint.Lint reports it
// as a finding.
type SchemaError struct {
	ServiceID, PlanID, PlanName string
	Schema                      SchemaKind
	Err                         error
}

func (e *SchemaError) Error() string {
	return fmt.Sprintf("the %s parameters schema of plan %s (id %s) cannot be used: %s; parameters are not validated against it; the broker must fix its catalog (%s)",
		e.Schema, quoteText(e.PlanName), quoteText(e.PlanID), boundedError{e.Err}, sectionInputSchema)
}

func (e *SchemaError) Unwrap() error {
	return e.Err
}

// Is matches ErrSchemaUnusable.
func (e *SchemaError) Is(target error) bool {
	return target == ErrSchemaUnusable
}

// parametersValidator is a compiled schema, or why the schema cannot be used.
type parametersValidator struct {
	schema *paramschema.Schema
	err    *SchemaError
}

// validator compiles the plan's schema of kind on first use and keeps the result; nil schema
// and nil err mean the plan gives no schema of this kind.
func (p *CatalogPlan) validator(kind SchemaKind) parametersValidator {
	entry := &p.schemas[kind]
	entry.once.Do(func() {
		raw := kind.raw(p.plan)
		if raw == nil {
			return
		}
		schema, err := paramschema.Compile(raw)
		if err != nil {
			entry.validator.err = &SchemaError{ServiceID: p.service.ID(), PlanID: p.ID(), PlanName: p.Name(), Schema: kind, Err: err}
			core.GetLogger().Warn("%s", entry.validator.err.Error())
			return
		}
		entry.validator.schema = schema
	})
	return entry.validator
}

// ValidateParameters checks parameters against the plan's schema of kind, as the request would
// send them (a map, a struct or encoded JSON; nil, a nil map or JSON null send none and are not
// checked). It returns nil when they match or the plan gives no such schema;
// *ParametersInvalidError when they do not match; *SchemaError when the schema cannot be used
// (the broker's fault); a *GuardError matching ErrUnknownService or ErrUnknownPlan when the
// catalog has no such plan. Compiled schemas are kept, so only the first call per plan and kind
// compiles.
func (c *Catalog) ValidateParameters(serviceID, planID string, kind SchemaKind, parameters any) error {
	const op = "ValidateParameters"
	plan, err := c.lookupPlan(op, serviceID, planID)
	if err != nil {
		return err
	}
	return plan.validateParameters(op, kind, parameters)
}

func (p *CatalogPlan) validateParameters(op string, kind SchemaKind, parameters any) error {
	if kind < 0 || kind >= schemaKinds {
		return &ParameterError{Operation: op, Parameter: "kind", Problem: fmt.Sprintf("%s is not a schema kind; use InstanceCreateSchema, InstanceUpdateSchema or BindingCreateSchema", kind)}
	}
	validator := p.validator(kind)
	if validator.err != nil {
		return validator.err
	}
	if validator.schema == nil {
		return nil
	}
	instance, present, err := parametersInstance(op, parameters)
	if err != nil || !present {
		return err
	}
	found, err := validator.schema.Validate(instance)
	if err != nil || len(found) == 0 {
		return err
	}
	invalid := &ParametersInvalidError{ServiceID: p.service.ID(), PlanID: p.ID(), PlanName: p.Name(), Schema: kind}
	for _, violation := range found {
		invalid.Violations = append(invalid.Violations, SchemaViolation(violation))
	}
	return invalid
}

// parametersInstance is parameters as the JSON value the request sends; present is false when
// the request sends none. A map made of JSON values only (maps, []any, strings, numbers,
// booleans, nil) is used as it is; anything else goes through its JSON encoding.
func parametersInstance(op string, parameters any) (instance any, present bool, err error) {
	if object, ok := parameters.(map[string]any); ok && object != nil && isJSONValue(object) {
		return object, true, nil
	}
	if parameters == nil {
		return nil, false, nil
	}
	encoded, ok := parameters.(json.RawMessage)
	if !ok {
		if encoded, err = json.Marshal(parameters); err != nil {
			return nil, false, &ParameterError{Operation: op, Parameter: "parameters", Problem: "cannot be encoded as JSON", Err: err}
		}
	}
	encoded = bytes.TrimSpace(encoded)
	if len(encoded) == 0 || bytes.Equal(encoded, []byte("null")) {
		return nil, false, nil
	}
	instance, err = paramschema.Decode(encoded)
	if err != nil {
		return nil, false, &ParameterError{Operation: op, Parameter: "parameters", Problem: "is not valid JSON", Err: err}
	}
	return instance, true, nil
}

// isJSONValue reports whether value is made of the types a decoded JSON value has, as the
// validator reads them, so that it encodes to what the validator sees.
func isJSONValue(value any) bool {
	switch v := value.(type) {
	case map[string]any:
		return v != nil && allJSONValues(maps.Values(v)) // nil encodes to null
	case []any:
		return v != nil && allJSONValues(slices.Values(v)) // nil encodes to null
	case float64:
		return !math.IsNaN(v) && !math.IsInf(v, 0)
	case nil, bool, string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	}
	return false
}

// allJSONValues reports whether each of values is a JSON value (see isJSONValue).
func allJSONValues(values iter.Seq[any]) bool {
	for value := range values {
		if !isJSONValue(value) {
			return false
		}
	}
	return true
}
