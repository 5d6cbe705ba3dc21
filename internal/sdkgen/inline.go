package sdkgen

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// extModel names the Go type generated for an inline object schema, overriding the naming rule.
const extModel = "x-sdkgen-model"

// How to resolve a clash of generated type names, by the kind of element that clashes.
const (
	renameInline    = "set " + extModel + " on this inline schema to name it"
	renameComponent = "set " + extGoName + " on one of the schemas"
	renameOperation = "change its operationId, or set " + extGoName + " on the schema it clashes with"
)

// objectShape is an object schema as the generator sees it: its allOf parts merged in order,
// then its own properties, each in declaration order. The first declaration of a name wins.
type objectShape struct {
	names      []string
	props      map[string]*openapi3.SchemaRef
	required   map[string]bool
	additional bool // unknown properties are kept (additionalProperties: true or a schema)
}

func (b *builder) shape(s *openapi3.Schema) *objectShape {
	if cached, ok := b.shapes[s]; ok {
		return cached
	}
	out := &objectShape{props: map[string]*openapi3.SchemaRef{}, required: map[string]bool{}}
	b.shapes[s] = out // an allOf that refers back to itself ends here
	for _, part := range s.AllOf {
		if part.Value == nil {
			continue
		}
		inner := b.shape(part.Value)
		for _, name := range inner.names {
			out.add(name, inner.props[name], inner.required[name])
		}
		out.additional = out.additional || inner.additional
	}
	for _, name := range declarationOrder(s) {
		out.add(name, s.Properties[name], slices.Contains(s.Required, name))
	}
	for _, name := range s.Required {
		if _, ok := out.props[name]; ok {
			out.required[name] = true
		}
	}
	extra := s.AdditionalProperties
	out.additional = out.additional || extra.Has != nil && *extra.Has || extra.Schema != nil
	return out
}

func (o *objectShape) add(name string, prop *openapi3.SchemaRef, required bool) {
	if _, seen := o.props[name]; seen {
		o.required[name] = o.required[name] || required
		return
	}
	o.names = append(o.names, name)
	o.props[name] = prop
	o.required[name] = required
}

// declarationOrder sorts a schema's own properties by their line in the spec (name for ties).
func declarationOrder(s *openapi3.Schema) []string {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	// A $ref property's own position is on the reference; its value's is the target's.
	line := func(name string) int {
		prop := s.Properties[name]
		for _, o := range []*openapi3.Origin{prop.Origin, prop.Value.Origin} {
			if o != nil && o.Key != nil {
				return o.Key.Line
			}
		}
		return 0
	}
	sort.SliceStable(names, func(i, j int) bool {
		li, lj := line(names[i]), line(names[j])
		if li != lj {
			return li < lj
		}
		return names[i] < names[j]
	})
	return names
}

// hasProperties tells whether a schema becomes a struct (it declares properties, itself or through allOf).
func (b *builder) hasProperties(s *openapi3.Schema) bool {
	return s != nil && len(b.shape(s).names) > 0
}

// claimType reserves a Go type name for the element at pointer; two elements with one name would
// not compile. fix tells how to rename the element.
func (b *builder) claimType(name, pointer string, origin *openapi3.Origin, fix string) error {
	if owner, taken := b.types[name]; taken && owner != pointer {
		return fmt.Errorf("%s: the Go type %s is already generated for %s; %s", b.locate(origin, pointer), name, owner, fix)
	}
	b.types[name] = pointer
	return nil
}

// inlineModel generates the struct of an inline object schema, named by hint (its parent type
// and property) unless x-sdkgen-model names it. A schema reached twice keeps its first name.
func (b *builder) inlineModel(hint string, s *openapi3.Schema, pointer string, origin *openapi3.Origin) (string, error) {
	if name, ok := b.inlineNames[s]; ok {
		return name, nil
	}
	name := hint
	if named, ok := s.Extensions[extModel].(string); ok && named != "" {
		name = named
	}
	if err := b.claimType(name, pointer, origin, renameInline); err != nil {
		return "", err
	}
	b.inlineNames[s] = name
	model, err := b.model(name, s, pointer)
	if err != nil {
		return "", err
	}
	b.inline = append(b.inline, model)
	return name, nil
}

// model builds the struct of an object schema with properties.
func (b *builder) model(name string, s *openapi3.Schema, pointer string) (*Model, error) {
	fields, err := b.properties(name, name, s, pointer, false)
	if err != nil {
		return nil, err
	}
	if dup := duplicateName(fields); dup != "" {
		return nil, fmt.Errorf("%s: two properties of %s map to the Go field %s; set %s on one", b.locate(s.Origin, pointer), name, dup, extGoName)
	}
	onePass, _ := s.Extensions[extOnePass].(bool)
	if onePass && b.shape(s).additional {
		return nil, fmt.Errorf("%s: %s is not possible on a model that keeps additional properties", b.locate(s.Origin, pointer), extOnePass)
	}
	return &Model{
		Name:                 name,
		Description:          strings.TrimSpace(s.Description),
		Fields:               fields,
		AdditionalProperties: b.shape(s).additional,
		OnePass:              onePass,
	}, nil
}

// duplicateName returns a Go field name that two fields share, or "".
func duplicateName(fields []*Field, reserved ...string) string {
	names := map[string]bool{}
	for _, name := range reserved {
		names[name] = true
	}
	for _, f := range fields {
		if names[f.Name] {
			return f.Name
		}
		names[f.Name] = true
	}
	return ""
}

// resultType returns the Go type (without the leading *) that an operation decodes a successful
// body into, from the distinct schemas of its 2xx JSON responses in status order. One schema gives
// its own type, an inline object being named <Method>Response. Several object schemas give
// <Method>Result, a struct with the properties of all of them (the first declaration of a name
// wins); several schemas of which one is not an object give any.
func (b *builder) resultType(op *Operation, bodies []*openapi3.SchemaRef, pointer string, origin *openapi3.Origin) (string, error) {
	var distinct []*openapi3.SchemaRef
	for _, ref := range bodies {
		if !slices.ContainsFunc(distinct, func(d *openapi3.SchemaRef) bool { return sameSchema(d, ref) }) {
			distinct = append(distinct, ref)
		}
	}
	switch len(distinct) {
	case 0:
		return "", nil
	case 1:
		_, goType, err := b.typeOf(distinct[0], false, op.Name+"Response", pointer, origin)
		return strings.TrimPrefix(goType, "*"), err
	}
	union := &openapi3.Schema{Type: &openapi3.Types{openapi3.TypeObject}, AllOf: distinct}
	for _, ref := range distinct {
		if !b.objectLike(ref.Value) {
			return "any", nil
		}
		// A body without declared properties may carry any: keep what the others do not declare.
		if !b.hasProperties(ref.Value) {
			union.AdditionalProperties.Has = openapi3.Ptr(true)
		}
	}
	name := op.Name + "Result"
	if err := b.claimType(name, pointer, origin, renameOperation); err != nil {
		return "", err
	}
	model, err := b.model(name, union, pointer)
	if err != nil {
		return "", err
	}
	model.Description = "the body of any successful response of " + op.Name + ", with the properties of each."
	b.inline = append(b.inline, model)
	return name, nil
}

func sameSchema(a, b *openapi3.SchemaRef) bool {
	return a.Value == b.Value || a.Ref != "" && a.Ref == b.Ref
}

// objectLike tells whether a schema describes a JSON object (declared, or untyped without array
// or alternative keywords).
func (b *builder) objectLike(s *openapi3.Schema) bool {
	switch {
	case b.hasProperties(s) || s.Type.Is(openapi3.TypeObject):
		return true
	case !s.Type.IsEmpty():
		return false
	}
	return s.Items == nil && len(s.OneOf) == 0 && len(s.AnyOf) == 0
}

// unconstrained tells whether a schema allows any value ({} or a schema with only annotations).
func unconstrained(ref *openapi3.SchemaRef) bool {
	s := ref.Value
	return ref.Ref == "" && s.Type.IsEmpty() && len(s.Properties) == 0 && len(s.AllOf) == 0 &&
		len(s.OneOf) == 0 && len(s.AnyOf) == 0 && s.Items == nil && s.AdditionalProperties.Schema == nil
}

// operationParameters lists the path item's parameters, each replaced by the operation's own of
// the same name and location (as OpenAPI defines), followed by the operation's other parameters.
func operationParameters(item *openapi3.PathItem, op *openapi3.Operation) openapi3.Parameters {
	params := slices.Clone(item.Parameters)
	for _, own := range op.Parameters {
		i := slices.IndexFunc(params, func(p *openapi3.ParameterRef) bool {
			return p.Value.Name == own.Value.Name && p.Value.In == own.Value.In
		})
		if i >= 0 && i < len(item.Parameters) {
			params[i] = own
			continue
		}
		params = append(params, own)
	}
	return params
}
