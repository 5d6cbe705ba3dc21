// Package paramschema holds the specification's rules for a plan's parameters schemas (Catalog
// Management, Input Parameters Schema Object) in one place: how a schema is read (JSON Schema
// draft 4 unless $schema names another version, formats asserted, nothing outside the schema
// ever loaded, at most 64 kB) and how parameters are checked against it. The client, the catalog
// lint and brokertest all use it, so that they accept and refuse the same parameters.
package paramschema

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/osbkit/osb-go-sdk/internal/termtext"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// MaxBytes is the size a parameters schema must not exceed: 64 kB, read as 64 KiB so that no
// schema the specification allows is refused.
const MaxBytes = 64 << 10

// DefaultDraftName names the version a schema without $schema is read as: draft 4, the version
// the specification requires every platform to support and uses in its examples.
const DefaultDraftName = "JSON Schema draft 4"

// ErrTooLarge is matched by errors.Is for a schema over MaxBytes.
var ErrTooLarge = errors.New("the schema is larger than the 64 kB the specification allows")

// base is the URL a schema is compiled at; it is never fetched, and errors never show it.
const base = "https://catalog.invalid/parameters.json"

// Schema is a compiled parameters schema, safe for concurrent use.
type Schema struct {
	compiled *jsonschema.Schema
}

// Violation is one place where parameters break a schema.
type Violation struct {
	// Path is a JSON pointer into the parameters, "" for the parameters object itself.
	Path string
	// Message says what the schema wants there. It never repeats a string value of the parameters.
	Message string
}

// String is "pointer: message", with "/" for the parameters object itself.
func (v Violation) String() string {
	path := v.Path
	if path == "" {
		path = "/"
	}
	return path + ": " + v.Message
}

// Decode reads a JSON document (a schema or parameters) the way the validator reads values:
// numbers keep their exact value.
func Decode(raw []byte) (any, error) {
	return jsonschema.UnmarshalJSON(bytes.NewReader(raw))
}

// Compile reads and compiles a schema as a catalog encodes it; see CompileDocument.
func Compile(raw []byte) (*Schema, error) {
	if len(raw) > MaxBytes {
		return nil, fmt.Errorf("%w (it has %d bytes)", ErrTooLarge, len(raw))
	}
	doc, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	return CompileDocument(doc)
}

// CompileDocument compiles a decoded schema document. The version comes from $schema (drafts 4,
// 6, 7, 2019-09 and 2020-12), else draft 4; formats are asserted; no other document is ever
// loaded, from the network or from files.
func CompileDocument(doc any) (*Schema, error) {
	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft4)
	compiler.AssertFormat()
	loader := noLoading{}
	if object, ok := doc.(map[string]any); ok {
		loader.version, _ = object["$schema"].(string)
	}
	compiler.UseLoader(loader)
	if err := compiler.AddResource(base, doc); err != nil {
		return nil, err
	}
	compiled, err := compiler.Compile(base)
	var loadErr *jsonschema.LoadURLError
	switch {
	case errors.As(err, &loadErr):
		// The library's message quotes the URL whole, with any password in it.
		return nil, loadErr.Err
	case err != nil:
		return nil, errors.New(strings.ReplaceAll(err.Error(), strconv.Quote(base+"#"), "the schema"))
	}
	return &Schema{compiled: compiled}, nil
}

// noLoading refuses to load any document a schema refers to: a catalog's schemas must not
// contain external references, and a broker must not make the platform fetch URLs or read files.
// The library asks it for the metaschema of a version it does not know, too.
type noLoading struct {
	version string // the schema's $schema
}

func (l noLoading) Load(location string) (any, error) {
	if l.version != "" && strings.TrimSuffix(location, "#") == strings.TrimSuffix(l.version, "#") {
		return nil, fmt.Errorf("$schema %s is not a JSON Schema version the platform knows; use draft 4, 6, 7, 2019-09 or 2020-12", redacted(location))
	}
	return nil, fmt.Errorf("%s is outside the schema; the platform does not load external references", redacted(location))
}

// Validate checks a JSON value (as Decode returns it, or made of maps, slices, strings, numbers,
// booleans and nil) against the schema and returns every violation, sorted by path and message;
// none when the value matches.
func (s *Schema) Validate(instance any) ([]Violation, error) {
	err := s.compiled.Validate(instance)
	var invalid *jsonschema.ValidationError
	if !errors.As(err, &invalid) {
		return nil, err
	}
	return violations(invalid), nil
}

// ValidateJSON is Validate for encoded parameters; the error says they are not JSON.
func (s *Schema) ValidateJSON(raw []byte) ([]Violation, error) {
	instance, err := Decode(raw)
	if err != nil {
		return nil, err
	}
	return s.Validate(instance)
}

var printer = message.NewPrinter(language.English)

// violations flattens a validation error into its leaves, sorted by path and message.
func violations(root *jsonschema.ValidationError) []Violation {
	var found []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			found = append(found, Violation{Path: jsonPointer(e.InstanceLocation), Message: violationMessage(e.ErrorKind)})
			return
		}
		for _, cause := range e.Causes {
			walk(cause)
		}
	}
	walk(root)
	slices.SortFunc(found, func(a, b Violation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	return slices.Compact(found)
}

// violationMessage is the library's message, except for the kinds whose message quotes the
// value: parameters can hold secrets.
func violationMessage(errorKind jsonschema.ErrorKind) string {
	switch k := errorKind.(type) {
	case *kind.Pattern:
		return fmt.Sprintf("does not match the pattern %s", termtext.Quote(k.Want))
	case *kind.Format:
		return fmt.Sprintf("is not a valid %s", k.Want)
	}
	return errorKind.LocalizedString(printer)
}

// jsonPointer spells a location as an RFC 6901 JSON pointer.
func jsonPointer(tokens []string) string {
	var b strings.Builder
	for _, token := range tokens {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(token))
	}
	return b.String()
}

// redacted quotes a URL a schema refers to without any password it holds.
func redacted(location string) string {
	if parsed, err := url.Parse(location); err == nil {
		location = parsed.Redacted()
	}
	return termtext.Quote(location)
}
