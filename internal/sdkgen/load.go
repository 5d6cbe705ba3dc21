package sdkgen

import (
	"context"
	"fmt"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Config says what to generate from which spec.
type Config struct {
	SpecPath     string // the OpenAPI 3.0 document
	Package      string // Go package name of the output
	CommonImport string // import path of the package that provides GetSdkHeaders
}

// Extensions understood in the spec; the README describes each.
const (
	extClient      = "x-sdkgen-client"
	extServiceName = "x-sdkgen-service-name"
	extGoName      = "x-go-name"
	extConstructor = "x-sdkgen-constructor"
	extSkip        = "x-sdkgen-skip"
	extResult      = "x-sdkgen-result"
	extSuccess     = "x-sdkgen-success"
	extAliases     = "x-sdkgen-aliases"
	extRaw         = "x-sdkgen-raw"
	extBodyHook    = "x-sdkgen-body-hook"
)

const schemaRefPrefix = "#/components/schemas/"

// Load parses and validates the spec with kin-openapi and builds the model.
// Errors name the spec file and, where known, the line of the offending element.
func Load(ctx context.Context, cfg Config) (*API, error) {
	loader := openapi3.NewLoader()
	loader.IncludeOrigin = true
	doc, err := loader.LoadFromFile(cfg.SpecPath)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot load the OpenAPI document: %w", cfg.SpecPath, err)
	}
	if err := doc.Validate(ctx); err != nil {
		return nil, fmt.Errorf("%s: invalid OpenAPI document: %w", cfg.SpecPath, err)
	}
	b := &builder{cfg: cfg, doc: doc, bodySchemas: map[string]bool{}}
	return b.build()
}

type builder struct {
	cfg         Config
	doc         *openapi3.T
	bodySchemas map[string]bool // component schemas used as request bodies (flattened into Options)
}

// locate renders an element's position for error messages.
func (b *builder) locate(origin *openapi3.Origin, pointer string) string {
	file := filepath.Base(b.cfg.SpecPath)
	if origin != nil && origin.Key != nil && origin.Key.Line > 0 {
		return fmt.Sprintf("%s:%d (%s)", file, origin.Key.Line, pointer)
	}
	return fmt.Sprintf("%s (%s)", file, pointer)
}

func (b *builder) build() (*API, error) {
	info := b.doc.Info
	api := &API{
		Package:      b.cfg.Package,
		CommonImport: b.cfg.CommonImport,
		Title:        info.Title,
		Description:  strings.TrimSpace(info.Description),
		Version:      info.Version,
	}
	var err error
	if api.Client, err = b.stringExtension(info.Extensions, extClient, info.Origin, "#/info"); err != nil {
		return nil, err
	}
	if api.ServiceName, err = b.stringExtension(info.Extensions, extServiceName, info.Origin, "#/info"); err != nil {
		return nil, err
	}
	api.Receiver = lowerFirst(strings.TrimRightFunc(api.Client, func(r rune) bool {
		return r >= '0' && r <= '9'
	}))
	api.Receiver = strings.TrimSuffix(api.Receiver, "V")
	if len(b.doc.Servers) > 0 {
		api.DefaultURL = b.doc.Servers[0].URL
	}
	if api.Operations, err = b.operations(); err != nil {
		return nil, err
	}
	if api.Models, err = b.models(); err != nil {
		return nil, err
	}
	return api, nil
}

func (b *builder) stringExtension(ext map[string]any, name string, origin *openapi3.Origin, pointer string) (string, error) {
	value, ok := ext[name].(string)
	if !ok || value == "" {
		return "", fmt.Errorf("%s: %s must be set to a string", b.locate(origin, pointer), name)
	}
	return value, nil
}

var methodOrder = []string{"GET", "PUT", "POST", "PATCH", "DELETE", "HEAD", "OPTIONS"}

func (b *builder) operations() ([]*Operation, error) {
	paths := b.doc.Paths.Map()
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var ops []*Operation
	seen := map[string]string{}
	for _, path := range keys {
		item := paths[path]
		for _, method := range methodOrder {
			op := item.GetOperation(method)
			if op == nil {
				continue
			}
			pointer := "#/paths/" + escapePointer(path) + "/" + strings.ToLower(method)
			built, err := b.operation(path, method, item, op, pointer)
			if err != nil {
				return nil, err
			}
			if other, dup := seen[built.Name]; dup {
				return nil, fmt.Errorf("%s: operation %s has the same Go name as %s", b.locate(op.Origin, pointer), built.ID, other)
			}
			seen[built.Name] = built.ID
			ops = append(ops, built)
		}
	}
	return ops, nil
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func (b *builder) operation(path, method string, item *openapi3.PathItem, op *openapi3.Operation, pointer string) (*Operation, error) {
	if op.OperationID == "" {
		return nil, fmt.Errorf("%s: operationId is missing", b.locate(op.Origin, pointer))
	}
	out := &Operation{
		ID:          op.OperationID,
		Name:        goName(op.OperationID),
		Summary:     strings.TrimSpace(op.Summary),
		Description: strings.TrimSpace(op.Description),
		Method:      method,
		Path:        path,
	}
	params := append(slices.Clone(item.Parameters), op.Parameters...)
	for i, ref := range params {
		p := ref.Value
		ppointer := fmt.Sprintf("%s/parameters/%d", pointer, i)
		if p.In == openapi3.ParameterInHeader {
			out.Headers = append(out.Headers, p.Name)
		}
		if skip, _ := p.Extensions[extSkip].(bool); skip {
			continue
		}
		field, err := b.field(p.Name, p.Schema, p.Required || p.In == openapi3.ParameterInPath, true, out.Name+"Options", ppointer, p.Origin)
		if err != nil {
			return nil, err
		}
		field.In = p.In
		if p.In != openapi3.ParameterInPath && !sendableAsText(field) {
			return nil, fmt.Errorf("%s: %s parameter %s must be a scalar or an array of strings", b.locate(p.Origin, ppointer), p.In, p.Name)
		}
		field.Description = firstNonEmpty(p.Description, field.Description)
		field.Deprecated = field.Deprecated || p.Deprecated
		if name, ok := p.Extensions[extGoName].(string); ok {
			field.Name = name
		}
		out.Fields = append(out.Fields, field)
	}
	if op.RequestBody != nil {
		fields, err := b.bodyFields(out.Name+"Options", op.RequestBody, pointer+"/requestBody")
		if err != nil {
			return nil, err
		}
		out.Fields = append(out.Fields, fields...)
		out.HasBody = true
	}
	if hook, ok := op.Extensions[extBodyHook].(string); ok {
		if !out.HasBody || !token.IsIdentifier(hook) {
			return nil, fmt.Errorf("%s: %s must name a Go function, on an operation with a request body", b.locate(op.Origin, pointer), extBodyHook)
		}
		out.BodyHook = hook
	}
	if err := b.checkUniqueNames(out, pointer, op.Origin); err != nil {
		return nil, err
	}
	var err error
	if out.Constructor, err = b.constructor(out, op, pointer); err != nil {
		return nil, err
	}
	if err := b.responses(out, op, pointer); err != nil {
		return nil, err
	}
	return out, nil
}

func (b *builder) checkUniqueNames(op *Operation, pointer string, origin *openapi3.Origin) error {
	names := map[string]bool{"Headers": true}
	for _, f := range op.Fields {
		if names[f.Name] {
			return fmt.Errorf("%s: two parameters of %s map to the Go field %s; set %s on one", b.locate(origin, pointer), op.ID, f.Name, extGoName)
		}
		names[f.Name] = true
	}
	return nil
}

func (b *builder) bodyFields(owner string, body *openapi3.RequestBodyRef, pointer string) ([]*Field, error) {
	media := body.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil, fmt.Errorf("%s: only application/json request bodies are supported", b.locate(body.Value.Origin, pointer))
	}
	ref := media.Schema
	if !strings.HasPrefix(ref.Ref, schemaRefPrefix) || len(ref.Value.Properties) == 0 {
		return nil, fmt.Errorf("%s: the request body must be a $ref to an object schema with properties", b.locate(body.Value.Origin, pointer))
	}
	b.bodySchemas[strings.TrimPrefix(ref.Ref, schemaRefPrefix)] = true
	return b.properties(owner, ref.Value, pointer+"/content/application~1json/schema", true)
}

func (b *builder) constructor(op *Operation, raw *openapi3.Operation, pointer string) ([]*Field, error) {
	listed, ok := raw.Extensions[extConstructor]
	if !ok {
		var out []*Field
		for _, f := range op.Fields {
			if f.Required && (f.In == openapi3.ParameterInPath || f.In == openapi3.ParameterInQuery) {
				out = append(out, f)
			}
		}
		return out, nil
	}
	names, ok := listed.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: %s must be a list of parameter names", b.locate(raw.Origin, pointer), extConstructor)
	}
	out := make([]*Field, 0, len(names))
	for _, n := range names {
		name, _ := n.(string)
		idx := slices.IndexFunc(op.Fields, func(f *Field) bool { return f.WireName == name })
		if idx < 0 {
			return nil, fmt.Errorf("%s: %s names %q, which is not a parameter or body property of %s", b.locate(raw.Origin, pointer), extConstructor, name, op.ID)
		}
		out = append(out, op.Fields[idx])
	}
	return out, nil
}

func (b *builder) responses(op *Operation, raw *openapi3.Operation, pointer string) error {
	responses := raw.Responses.Map()
	codes := make([]string, 0, len(responses))
	for code := range responses {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		resp := responses[code].Value
		status, err := strconv.Atoi(code)
		if err != nil {
			continue // "default"
		}
		if success, _ := resp.Extensions[extSuccess].(bool); success && (status < 200 || status > 299) {
			op.SuccessStatuses = append(op.SuccessStatuses, status)
		}
		if op.Result != "" || status < 200 || status > 299 {
			continue
		}
		media := resp.Content.Get("application/json")
		if media == nil || media.Schema == nil {
			continue
		}
		name, ok := b.modelName(media.Schema)
		if !ok {
			return fmt.Errorf("%s: the %s response must be a $ref to an object schema with properties", b.locate(resp.Origin, pointer+"/responses/"+code), code)
		}
		op.Result = name
	}
	if mode, ok := raw.Extensions[extResult].(string); ok {
		if mode != "response" {
			return fmt.Errorf("%s: %s supports only the value \"response\"", b.locate(raw.Origin, pointer), extResult)
		}
		op.ResultInResponse = true
	}
	return nil
}

// modelName returns the Go type of a $ref to an object schema with properties.
func (b *builder) modelName(ref *openapi3.SchemaRef) (string, bool) {
	if !strings.HasPrefix(ref.Ref, schemaRefPrefix) || ref.Value == nil || len(ref.Value.Properties) == 0 {
		return "", false
	}
	if name, ok := ref.Value.Extensions[extGoName].(string); ok {
		return name, true
	}
	return strings.TrimPrefix(ref.Ref, schemaRefPrefix), true
}

func (b *builder) models() ([]*Model, error) {
	names := make([]string, 0, len(b.doc.Components.Schemas))
	for name := range b.doc.Components.Schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	var models []*Model
	for _, name := range names {
		ref := b.doc.Components.Schemas[name]
		if b.bodySchemas[name] || len(ref.Value.Properties) == 0 {
			continue
		}
		goType, _ := b.modelName(&openapi3.SchemaRef{Ref: schemaRefPrefix + name, Value: ref.Value})
		pointer := "#/components/schemas/" + name
		fields, err := b.properties(goType, ref.Value, pointer, false)
		if err != nil {
			return nil, err
		}
		extra := ref.Value.AdditionalProperties
		models = append(models, &Model{
			Name:                 goType,
			Description:          strings.TrimSpace(ref.Value.Description),
			Fields:               fields,
			AdditionalProperties: extra.Has != nil && *extra.Has || extra.Schema != nil,
		})
	}
	return models, nil
}

// properties builds the fields of an object schema in the order the spec declares them.
func (b *builder) properties(owner string, schema *openapi3.Schema, pointer string, forOptions bool) ([]*Field, error) {
	names := make([]string, 0, len(schema.Properties))
	for name := range schema.Properties {
		names = append(names, name)
	}
	// A $ref property's own position is on the reference; its value's is the target's.
	line := func(name string) int {
		prop := schema.Properties[name]
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
	fields := make([]*Field, 0, len(names))
	for _, name := range names {
		prop := schema.Properties[name]
		field, err := b.field(name, prop, slices.Contains(schema.Required, name), forOptions, owner, pointer+"/properties/"+escapePointer(name), prop.Value.Origin)
		if err != nil {
			return nil, err
		}
		if forOptions {
			field.In = "body"
		}
		fields = append(fields, field)
	}
	return fields, nil
}

// field maps one property or parameter schema to a Go field.
func (b *builder) field(wire string, ref *openapi3.SchemaRef, required, forOptions bool, owner, pointer string, origin *openapi3.Origin) (*Field, error) {
	if ref == nil || ref.Value == nil {
		return nil, fmt.Errorf("%s: %s has no schema", b.locate(origin, pointer), wire)
	}
	s := ref.Value
	f := &Field{
		Name:        goName(wire),
		WireName:    wire,
		Description: strings.TrimSpace(s.Description),
		Required:    required,
		Deprecated:  s.Deprecated,
	}
	if name, ok := s.Extensions[extGoName].(string); ok && ref.Ref == "" {
		f.Name = name
	}
	if aliases, ok := s.Extensions[extAliases].([]any); ok && ref.Ref == "" {
		for _, alias := range aliases {
			name, ok := alias.(string)
			if !ok || name == "" {
				return nil, fmt.Errorf("%s: %s must be a list of Go names", b.locate(origin, pointer), extAliases)
			}
			f.Aliases = append(f.Aliases, name)
		}
	}
	kind, goType, err := b.typeOf(ref, forOptions, pointer, origin)
	if err != nil {
		return nil, err
	}
	f.Kind, f.Type = kind, goType
	if kind == KindArray {
		f.Elem = strings.TrimPrefix(goType, "[]")
	}
	for _, v := range s.Enum {
		value := fmt.Sprint(v)
		f.Enum = append(f.Enum, EnumValue{Const: owner + f.Name + goName(value) + "Const", Value: value})
	}
	return f, nil
}

func (b *builder) typeOf(ref *openapi3.SchemaRef, forOptions bool, pointer string, origin *openapi3.Origin) (Kind, string, error) {
	if name, ok := b.modelName(ref); ok {
		return KindModel, "*" + name, nil
	}
	s := ref.Value
	switch {
	case s.Type.Is("string") && s.Format == "date-time":
		return KindDateTime, "*strfmt.DateTime", nil
	case s.Type.Is("string"):
		return KindString, "*string", nil
	case s.Type.Is("boolean"):
		return KindBool, "*bool", nil
	case s.Type.Is("integer"):
		return KindInt, "*int64", nil
	case s.Type.Is("number"):
		return KindNumber, "*float64", nil
	case s.Type.Is("array"):
		if s.Items == nil {
			return 0, "", fmt.Errorf("%s: array without items", b.locate(origin, pointer))
		}
		_, elem, err := b.typeOf(s.Items, false, pointer+"/items", origin)
		if err != nil {
			return 0, "", err
		}
		// Arrays hold their elements, models included, by value.
		return KindArray, "[]" + strings.TrimPrefix(elem, "*"), nil
	case len(s.Properties) > 0:
		return 0, "", fmt.Errorf("%s: inline object with properties; move it to components/schemas and use $ref", b.locate(origin, pointer))
	case s.Type.Is("object") || s.Type.IsEmpty():
		if forOptions {
			return KindFreeForm, "any", nil
		}
		if raw, _ := s.Extensions[extRaw].(bool); raw {
			return KindFreeForm, "json.RawMessage", nil
		}
		return KindFreeForm, "map[string]any", nil
	}
	return 0, "", fmt.Errorf("%s: unsupported schema type %v", b.locate(origin, pointer), s.Type.Slice())
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// sendableAsText tells whether a query or header parameter has a text form the generator can render.
func sendableAsText(f *Field) bool {
	switch f.Kind {
	case KindModel, KindFreeForm:
		return false
	case KindArray:
		return f.Elem == "string"
	}
	return true
}
