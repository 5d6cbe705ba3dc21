package sdkruntime

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"unicode/utf8"
)

// Optional is a JSON scalar held by value, with whether the document gave it (null counts as
// not given). The one-pass decoders of generated models read scalars into Optionals that live
// inside one decoded element, so that the model's *string, *bool, *int64 and *float64 fields
// point into that element rather than into one allocation each.
type Optional[T string | bool | int64 | float64] struct {
	Value T
	Set   bool
}

// UnmarshalJSON decodes one scalar as encoding/json decodes it into a *T. data is the
// literal as the decoder's scanner has already validated it.
func (o *Optional[T]) UnmarshalJSON(data []byte) error {
	*o = Optional[T]{}
	if string(data) == "null" {
		return nil
	}
	ok := false
	switch value := any(&o.Value).(type) {
	case *string:
		ok = decodeString(data, value)
	case *bool:
		*value, ok = string(data) == "true", string(data) == "true" || string(data) == "false"
	case *int64:
		var err error
		*value, err = strconv.ParseInt(string(data), 10, 64)
		ok = err == nil
	case *float64:
		var err error
		*value, err = strconv.ParseFloat(string(data), 64)
		ok = err == nil
	}
	if !ok {
		o.Value = *new(T)
		return &json.UnmarshalTypeError{Value: literalKind(data), Type: reflect.TypeFor[T]()}
	}
	o.Set = true
	return nil
}

// decodeString unquotes a JSON string literal into value. A literal without escapes and in
// valid UTF-8 is its own content; any other goes through encoding/json, which replaces invalid
// UTF-8 as it always does.
func decodeString(data []byte, value *string) bool {
	if data[0] != '"' {
		return false
	}
	if bytes.IndexByte(data, '\\') < 0 && utf8.Valid(data) {
		*value = string(data[1 : len(data)-1])
		return true
	}
	return json.Unmarshal(data, value) == nil
}

// literalKind names the kind of a JSON value as encoding/json's type errors do.
func literalKind(data []byte) string {
	switch data[0] {
	case '"':
		return "string"
	case 't', 'f':
		return "bool"
	case '{':
		return "object"
	case '[':
		return "array"
	}
	return "number " + string(data)
}

// RetainedJSON is a json.RawMessage that keeps the decoder's bytes instead of copying them.
// Only a decoding that owns its document, and never reuses it, may use it: the one-pass decoders
// decode a copy of the document they are given, so that all its raw values share one allocation.
type RetainedJSON []byte

// UnmarshalJSON keeps data itself (null included, as json.RawMessage does), its capacity
// limited to it so that appending to one value never overwrites the next.
func (r *RetainedJSON) UnmarshalJSON(data []byte) error {
	*r = data[:len(data):len(data)]
	return nil
}
