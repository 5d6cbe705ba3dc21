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
	Package      string // Go package name of the output; the client name in lower case when empty
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
	extHooks       = "x-sdkgen-hooks"
	extBodyHook    = "x-sdkgen-body-hook"
	extOnePass     = "x-sdkgen-one-pass"
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
	if doc.Components == nil {
		doc.Components = &openapi3.Components{}
	}
	b := &builder{
		cfg:         cfg,
		doc:         doc,
		bodySchemas: map[string]bool{},
		shapes:      map[*openapi3.Schema]*objectShape{},
		inlineNames: map[*openapi3.Schema]string{},
		types:       map[string]string{},
	}
	return b.build()
}

type builder struct {
	cfg         Config
	doc         *openapi3.T
	bodySchemas map[string]bool // component schemas used as request bodies (flattened into Options)
	shapes      map[*openapi3.Schema]*objectShape
	inlineNames map[*openapi3.Schema]string // Go type of each inline object schema generated so far
	inline      []*Model                    // models of inline schemas and of multi-schema results
	types       map[string]string           // generated Go type name -> the spec element it is for
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
	if api.Client, err = b.optionalString(info.Extensions, extClient, defaultClientName(info.Title, info.Version), info.Origin, "#/info"); err != nil {
		return nil, err
	}
	if api.ServiceName, err = b.optionalString(info.Extensions, extServiceName, defaultServiceName(info.Title), info.Origin, "#/info"); err != nil {
		return nil, err
	}
	api.Hooks, _ = info.Extensions[extHooks].(bool)
	if api.Package == "" {
		api.Package = defaultPackage(api.Client)
	}
	api.Receiver = lowerFirst(strings.TrimRightFunc(api.Client, func(r rune) bool {
		return r >= '0' && r <= '9'
	}))
	api.Receiver = strings.TrimSuffix(api.Receiver, "V")
	if len(b.doc.Servers) > 0 {
		api.DefaultURL = b.doc.Servers[0].URL
	}
	if err = b.claimComponentTypes(api.Client); err != nil {
		return nil, err
	}
	// Component models first: the inline schemas inside them are named after them.
	components, err := b.componentModels()
	if err != nil {
		return nil, err
	}
	if api.Operations, err = b.operations(); err != nil {
		return nil, err
	}
	api.Models = b.models(components)
	linkRequiredWithin(api.Operations, api.Models)
	linkOnePass(api.Models)
	return api, nil
}

// claimComponentTypes reserves the client's types and the component models' names before any
// inline schema is named, so that a clash is reported on the inline schema.
func (b *builder) claimComponentTypes(client string) error {
	for _, name := range []string{client, client + "Options"} {
		if err := b.claimType(name, "#/info", b.doc.Info.Origin, "set "+extClient+" to another name"); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(b.doc.Components.Schemas) {
		ref := b.doc.Components.Schemas[name]
		if goType, ok := b.modelName(&openapi3.SchemaRef{Ref: schemaRefPrefix + name, Value: ref.Value}); ok {
			if err := b.claimType(goType, schemaRefPrefix+name, ref.Value.Origin, renameComponent); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
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
			if err := b.claimType(built.Name+"Options", pointer, op.Origin, renameOperation); err != nil {
				return nil, err
			}
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
	for i, ref := range operationParameters(item, op) {
		p := ref.Value
		ppointer := fmt.Sprintf("%s/parameters/%d", pointer, i)
		if p.In == openapi3.ParameterInCookie {
			return nil, fmt.Errorf("%s: cookie parameter %s: only path, query and header parameters are supported", b.locate(p.Origin, ppointer), p.Name)
		}
		if p.In == openapi3.ParameterInHeader {
			out.Headers = append(out.Headers, p.Name)
		}
		if skip, _ := p.Extensions[extSkip].(bool); skip {
			continue
		}
		field, err := b.field(p.Name, p.Schema, p.Required || p.In == openapi3.ParameterInPath, true, out.Name+"Options", out.Name+"Options", ppointer, p.Origin)
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
	if dup := duplicateName(op.Fields, "Headers"); dup != "" {
		return fmt.Errorf("%s: two parameters of %s map to the Go field %s; set %s on one", b.locate(origin, pointer), op.ID, dup, extGoName)
	}
	return nil
}

func (b *builder) bodyFields(owner string, body *openapi3.RequestBodyRef, pointer string) ([]*Field, error) {
	media := body.Value.Content.Get("application/json")
	if media == nil || media.Schema == nil {
		return nil, fmt.Errorf("%s: only application/json request bodies are supported", b.locate(body.Value.Origin, pointer))
	}
	ref := media.Schema
	if !b.hasProperties(ref.Value) {
		return nil, fmt.Errorf("%s: the request body must be an object schema with properties", b.locate(body.Value.Origin, pointer))
	}
	// Inline objects in the body are named after the body's schema, or <Method>Request when inline.
	prefix := strings.TrimSuffix(owner, "Options") + "Request"
	if name, ok := b.modelName(ref); ok {
		b.bodySchemas[strings.TrimPrefix(ref.Ref, schemaRefPrefix)] = true
		prefix = name
	}
	return b.properties(owner, prefix, ref.Value, pointer+"/content/application~1json/schema", true)
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
	var bodies []*openapi3.SchemaRef
	for _, code := range codes {
		resp := responses[code].Value
		status, err := strconv.Atoi(code)
		if err != nil {
			continue // "default"
		}
		if success, _ := resp.Extensions[extSuccess].(bool); success && (status < 200 || status > 299) {
			op.SuccessStatuses = append(op.SuccessStatuses, status)
		}
		if status < 200 || status > 299 {
			continue
		}
		if media := resp.Content.Get("application/json"); media != nil && media.Schema != nil {
			bodies = append(bodies, media.Schema)
		}
	}
	var err error
	if op.Result, err = b.resultType(op, bodies, pointer+"/responses", raw.Origin); err != nil {
		return err
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
	if !strings.HasPrefix(ref.Ref, schemaRefPrefix) || !b.hasProperties(ref.Value) {
		return "", false
	}
	if name, ok := ref.Value.Extensions[extGoName].(string); ok {
		return name, true
	}
	name := strings.TrimPrefix(ref.Ref, schemaRefPrefix)
	if !token.IsIdentifier(name) || !token.IsExported(name) {
		name = goName(name) // "service-plan" -> ServicePlan; exported names stay as the spec spells them
	}
	return name, true
}

// componentModels builds the model of every component schema with properties, by schema name.
func (b *builder) componentModels() (map[string]*Model, error) {
	models := map[string]*Model{}
	for _, name := range sortedKeys(b.doc.Components.Schemas) {
		ref := b.doc.Components.Schemas[name]
		goType, ok := b.modelName(&openapi3.SchemaRef{Ref: schemaRefPrefix + name, Value: ref.Value})
		if !ok {
			continue
		}
		model, err := b.model(goType, ref.Value, schemaRefPrefix+name)
		if err != nil {
			return nil, err
		}
		models[name] = model
	}
	return models, nil
}

// models returns the component models, except the request bodies (flattened into Options), and
// the models of the inline schemas met on the way, sorted by name.
func (b *builder) models(components map[string]*Model) []*Model {
	models := slices.Clone(b.inline)
	for name, model := range components {
		if !b.bodySchemas[name] {
			models = append(models, model)
		}
	}
	sort.Slice(models, func(i, j int) bool { return models[i].Name < models[j].Name })
	return models
}

// properties builds the fields of an object schema in the order the spec declares them. Enum
// constants are named after owner; inline object properties become types named prefix+field.
func (b *builder) properties(owner, prefix string, schema *openapi3.Schema, pointer string, forOptions bool) ([]*Field, error) {
	shape := b.shape(schema)
	fields := make([]*Field, 0, len(shape.names))
	for _, name := range shape.names {
		prop := shape.props[name]
		field, err := b.field(name, prop, shape.required[name], forOptions, owner, prefix, pointer+"/properties/"+escapePointer(name), prop.Value.Origin)
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

// linkRequiredWithin gives each body property that holds a model the model's required fields,
// which a request checks when the property is set.
func linkRequiredWithin(ops []*Operation, models []*Model) {
	byType := make(map[string]*Model, len(models))
	for _, model := range models {
		byType["*"+model.Name] = model
	}
	for _, op := range ops {
		for _, field := range op.BodyFields() {
			if model, ok := byType[field.Type]; ok && field.Kind == KindModel {
				field.Within = slices.DeleteFunc(slices.Clone(model.Fields), func(f *Field) bool { return !f.Required })
			}
		}
	}
}

// field maps one property or parameter schema to a Go field.
func (b *builder) field(wire string, ref *openapi3.SchemaRef, required, forOptions bool, owner, prefix, pointer string, origin *openapi3.Origin) (*Field, error) {
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
	kind, goType, err := b.typeOf(ref, forOptions, prefix+f.Name, pointer, origin)
	if err != nil {
		return nil, err
	}
	f.Kind, f.Type = kind, goType
	if kind == KindArray {
		f.Elem = strings.TrimPrefix(goType, "[]")
	}
	if f.Enum, err = b.enumValues(owner+f.Name, kind, s, pointer, origin); err != nil {
		return nil, err
	}
	f.Default = defaultLiteral(kind, s.Default)
	return f, nil
}

// typeOf maps a schema to its Go type. An inline object with properties becomes a model named
// hint; array items are named hint+"Item" and map values hint+"Value".
func (b *builder) typeOf(ref *openapi3.SchemaRef, forOptions bool, hint, pointer string, origin *openapi3.Origin) (Kind, string, error) {
	if name, ok := b.modelName(ref); ok {
		return KindModel, "*" + name, nil
	}
	s := ref.Value
	switch {
	case len(s.AllOf) == 1 && len(s.Properties) == 0 && s.Type.IsEmpty():
		// allOf with one part only annotates it (a description beside a $ref).
		return b.typeOf(s.AllOf[0], forOptions, hint, pointer+"/allOf/0", origin)
	case b.hasProperties(s):
		name, err := b.inlineModel(hint, s, pointer, origin)
		return KindModel, "*" + name, err
	case len(s.OneOf) > 0 || len(s.AnyOf) > 0:
		// Alternatives are not modelled: the value is decoded as whatever JSON it is.
		return KindAny, "any", nil
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
		_, elem, err := b.typeOf(s.Items, false, hint+"Item", pointer+"/items", origin)
		if err != nil {
			return 0, "", err
		}
		// Arrays hold their elements, models included, by value.
		return KindArray, "[]" + strings.TrimPrefix(elem, "*"), nil
	case (s.Type.Is("object") || s.Type.IsEmpty()) && s.AdditionalProperties.Schema != nil && !unconstrained(s.AdditionalProperties.Schema):
		_, elem, err := b.typeOf(s.AdditionalProperties.Schema, false, hint+"Value", pointer+"/additionalProperties", origin)
		if err != nil {
			return 0, "", err
		}
		return KindMap, "map[string]" + strings.TrimPrefix(elem, "*"), nil
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
	case KindModel, KindFreeForm, KindAny, KindMap:
		return false
	case KindArray:
		return f.Elem == "string"
	}
	return true
}

// enumValues names the constants of a string enum <Owner><Field><Value>Const. Other enums get
// no constants: their values are not strings.
func (b *builder) enumValues(prefix string, kind Kind, s *openapi3.Schema, pointer string, origin *openapi3.Origin) ([]EnumValue, error) {
	if kind != KindString {
		return nil, nil
	}
	var out []EnumValue
	seen := map[string]string{}
	for _, v := range s.Enum {
		value := fmt.Sprint(v)
		name := prefix + goName(value) + "Const"
		if other, dup := seen[name]; dup {
			return nil, fmt.Errorf("%s: enum values %q and %q both map to the Go constant %s", b.locate(origin, pointer), other, value, name)
		}
		seen[name] = value
		out = append(out, EnumValue{Const: name, Value: value})
	}
	return out, nil
}
