package sdkgen

import (
	"slices"
	"strings"
)

// API is the intermediate model of a spec: everything the templates need,
// resolved and named, with nothing left to look up in the OpenAPI document.
type API struct {
	Package      string // Go package name of the generated client
	Client       string // client type name, e.g. OpenServiceBrokerV1
	Receiver     string // receiver name of client methods, e.g. openServiceBroker
	ServiceName  string // default external-configuration name, e.g. open_service_broker
	Title        string
	Description  string
	Version      string // info.version
	DefaultURL   string // first server URL
	CommonImport string // import path of the package providing GetSdkHeaders
	Hooks        bool   // x-sdkgen-hooks: hand-written code defines the client hooks
	Operations   []*Operation
	Models       []*Model
}

// Operation is one API call and its Options struct.
type Operation struct {
	ID               string // operationId
	Name             string // Go method name
	Summary          string
	Description      string
	Method           string // HTTP method in capitals
	Path             string
	Fields           []*Field // Options fields: parameters, then body properties
	Constructor      []*Field // New<Op>Options arguments, in order
	Result           string   // Go type of the decoded result without the leading *, "" when none
	ResultInResponse bool     // the method returns only (*core.DetailedResponse, error)
	HasBody          bool
	BodyHook         string // x-sdkgen-body-hook: hand-written func(*<op>Body) error run on the assembled body
	SuccessStatuses  []int
	Headers          []string // header parameters, wire spelling (skipped ones included)
}

// Model is one component schema rendered as a Go struct.
type Model struct {
	Name                 string
	Description          string
	Fields               []*Field
	AdditionalProperties bool
	OnePass              bool // x-sdkgen-one-pass: UnmarshalJSON decodes the whole document in one pass
	Decoded              bool // reached by a one-pass decoder, which reads it into <name>Decoded
	Pointed              bool // a decoded model holds it by pointer: its Decoded carries the value pointed to
}

// Field is a struct field of a model or an Options struct.
type Field struct {
	Name        string // Go name
	WireName    string // JSON property, query, path or header name
	In          string // "path", "query", "header", "body" for Options fields; "" for model fields
	Description string
	Required    bool
	Deprecated  bool
	Kind        Kind
	Type        string // Go type of the field
	Elem        string // element Go type for arrays
	Enum        []EnumValue
	Aliases     []string // other names of the setter, offered deprecated for code written against other SDKs
	Within      []*Field // body properties only: the required properties of the model it holds, checked when it is set
	Default     string   // the schema's default as a Go literal of ArgType, for scalars; "" when none
	Holds       *Model   // the model the field holds, itself or as array elements; nil for other types
}

// Kind says how a field is encoded and validated.
type Kind int

const (
	KindString Kind = iota
	KindBool
	KindInt
	KindNumber
	KindDateTime
	KindModel
	KindArray
	KindFreeForm
	KindAny // oneOf/anyOf: any JSON value, sent and decoded as it is
	KindMap // object whose additionalProperties has a schema: map[string]T
)

// EnumValue is one allowed value of a string field.
type EnumValue struct {
	Const string // Go constant name
	Value string
}

// IsString tells whether the field holds a *string.
func (f *Field) IsString() bool { return f.Kind == KindString }

// IsFreeForm tells whether the field holds an arbitrary JSON object.
func (f *Field) IsFreeForm() bool { return f.Kind == KindFreeForm }

// ArgType is the type a constructor or setter takes for the field: scalars by value.
func (f *Field) ArgType() string {
	switch f.Kind {
	case KindString, KindBool, KindInt, KindNumber:
		return f.Type[1:]
	}
	return f.Type
}

var pointerHelpers = map[Kind]string{
	KindString: "core.StringPtr",
	KindBool:   "core.BoolPtr",
	KindInt:    "core.Int64Ptr",
	KindNumber: "core.Float64Ptr",
}

// Wrap turns an ArgType expression into the field's type.
func (f *Field) Wrap(expr string) string {
	if helper, ok := pointerHelpers[f.Kind]; ok {
		return helper + "(" + expr + ")"
	}
	return expr
}

// QueryValue renders the Go expression that formats the (non-nil) field for a query string.
func (f *Field) QueryValue(expr string) string {
	switch f.Kind {
	case KindBool:
		return "strconv.FormatBool(*" + expr + ")"
	case KindInt:
		return "strconv.FormatInt(*" + expr + ", 10)"
	case KindNumber:
		return "strconv.FormatFloat(*" + expr + ", 'f', -1, 64)"
	case KindArray:
		return "strings.Join(" + expr + ", \",\")"
	case KindDateTime:
		return expr + ".String()"
	}
	return "*" + expr
}

// PathParams returns the Options fields that fill the path template.
func (op *Operation) PathParams() []*Field { return op.fieldsIn("path") }

// QueryParams returns the Options fields sent in the query string.
func (op *Operation) QueryParams() []*Field { return op.fieldsIn("query") }

// HeaderParams returns the Options fields sent as headers.
func (op *Operation) HeaderParams() []*Field { return op.fieldsIn("header") }

// BodyFields returns the Options fields sent in the JSON body.
func (op *Operation) BodyFields() []*Field { return op.fieldsIn("body") }

// Checks is the data of the template that checks required fields: the fields of Value
// (an Options or a body variable) to check, and what the enclosing function returns on failure.
type Checks struct {
	Op     *Operation
	Value  string
	Return string
	Fields []*Field
	Nested []*Field // body properties whose own required properties are checked when they are set
}

// OptionsChecks returns the required parameters, checked on the Options. Required body
// properties are checked on the assembled body instead, after the body hook has completed it.
func (op *Operation) OptionsChecks() Checks {
	return Checks{Op: op, Value: "_options", Return: "nil, err", Fields: op.required(false)}
}

// BodyChecks returns the required body properties, checked on the assembled body.
func (op *Operation) BodyChecks() Checks {
	nested := op.fieldsWhere(func(f *Field) bool { return f.In == "body" && len(f.Within) > 0 })
	return Checks{Op: op, Value: "body", Return: "nil, err", Fields: op.required(true), Nested: nested}
}

func (op *Operation) required(body bool) []*Field {
	return op.fieldsWhere(func(f *Field) bool { return f.Required && (f.In == "body") == body })
}

func (op *Operation) fieldsIn(in string) []*Field {
	return op.fieldsWhere(func(f *Field) bool { return f.In == in })
}

func (op *Operation) fieldsWhere(keep func(*Field) bool) []*Field {
	var out []*Field
	for _, f := range op.Fields {
		if keep(f) {
			out = append(out, f)
		}
	}
	return out
}

// Preset returns the required fields that New<Op>Options sets to their schema's default rather
// than taking as arguments (upstream OSB's X-Broker-API-Version: 2.17, for instance).
func (op *Operation) Preset() []*Field {
	var out []*Field
	for _, f := range op.Fields {
		if f.Required && f.Default != "" && !slices.Contains(op.Constructor, f) {
			out = append(out, f)
		}
	}
	return out
}

// ReturnsResult tells whether the method returns a decoded result besides the response.
func (op *Operation) ReturnsResult() bool { return op.Result != "" && !op.ResultInResponse }

// linkOnePass marks the models a one-pass decoder reaches from each model with
// x-sdkgen-one-pass. A model with additional properties keeps its own UnmarshalJSON, and so
// does everything below it.
func linkOnePass(models []*Model) {
	byName := make(map[string]*Model, len(models))
	for _, model := range models {
		byName[model.Name] = model
	}
	var reach func(*Model)
	reach = func(model *Model) {
		if model.Decoded || model.AdditionalProperties {
			return
		}
		model.Decoded = true
		for _, f := range model.Fields {
			switch f.Kind {
			case KindModel:
				f.Holds = byName[strings.TrimPrefix(f.Type, "*")]
			case KindArray:
				f.Holds = byName[f.Elem]
			}
			if f.Holds == nil {
				continue
			}
			reach(f.Holds)
			f.Holds.Pointed = f.Holds.Pointed || f.Kind == KindModel
		}
	}
	for _, model := range models {
		if model.OnePass {
			reach(model)
		}
	}
}

// DecodedName is the type a one-pass decoder reads the model into.
func (m *Model) DecodedName() string { return lowerFirst(m.Name) + "Decoded" }

// DecodedType is the field's type in its model's Decoded: scalars by value, decoded models as
// their Decoded, everything else as in the model.
func (f *Field) DecodedType() string {
	switch {
	case f.IsScalar():
		return "sdkruntime.Optional[" + f.ArgType() + "]"
	case f.DecodedModel():
		return "*" + f.Holds.DecodedName()
	case f.DecodedList():
		return "[]" + f.Holds.DecodedName()
	case f.Type == "json.RawMessage":
		return "sdkruntime.RetainedJSON"
	}
	return f.Type
}

// DecodedModel tells whether the field holds a model by pointer that a one-pass decoder reads.
func (f *Field) DecodedModel() bool { return f.Kind == KindModel && f.Holds != nil && f.Holds.Decoded }

// DecodedList tells whether the field holds an array of models that a one-pass decoder reads.
func (f *Field) DecodedList() bool { return f.Kind == KindArray && f.Holds != nil && f.Holds.Decoded }

// IsScalar tells whether the field holds a pointer to a string, bool or number.
func (f *Field) IsScalar() bool {
	return f.Kind == KindString || f.Kind == KindBool || f.Kind == KindInt || f.Kind == KindNumber
}
