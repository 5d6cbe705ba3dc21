package sdkruntime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// ParameterError reports an Options value that cannot be sent; it is returned before any network call.
type ParameterError struct {
	Operation string // Go method name
	Parameter string // parameter name as the API spells it
	Problem   string
	Err       error // the underlying cause, if any
}

func (e *ParameterError) Error() string {
	return fmt.Sprintf("%s: parameter %s %s", e.Operation, e.Parameter, e.Problem)
}

func (e *ParameterError) Unwrap() error {
	return e.Err
}

// NilOptions is the error for an operation called with nil Options.
func NilOptions(op, constructor string) error {
	return &ParameterError{Operation: op, Parameter: "options", Problem: "must not be nil; build them with " + constructor}
}

// CheckString rejects a required string that is unset or blank.
func CheckString(op, name string, value *string) error {
	if value == nil || strings.TrimSpace(*value) == "" {
		return &ParameterError{Operation: op, Parameter: name, Problem: "is required and must not be blank"}
	}
	return nil
}

// CheckPresent rejects a required value that is unset.
func CheckPresent(op, name string, unset bool) error {
	if unset {
		return &ParameterError{Operation: op, Parameter: name, Problem: "is required"}
	}
	return nil
}

// CheckObject accepts a free-form value that the API expects to be a JSON object: a map, a
// struct or a pointer to one is sent as it is; encoded JSON and values with their own MarshalJSON
// are checked by what they encode to. A nil or empty value, or one that encodes to null, is not sent.
func CheckObject(op, name string, value any) (any, error) {
	switch v := value.(type) {
	case nil:
		return nil, nil
	case json.RawMessage:
		return checkEncodedObject(op, name, v, value)
	case json.Marshaler:
		encoded, err := json.Marshal(v)
		if err != nil {
			return nil, &ParameterError{Operation: op, Parameter: name, Problem: "cannot be encoded as JSON", Err: err}
		}
		return checkEncodedObject(op, name, encoded, value)
	}
	rv := reflect.ValueOf(value)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return nil, nil
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Map:
		if rv.IsNil() {
			return nil, nil
		}
		return value, nil
	case reflect.Struct:
		return value, nil
	}
	return nil, notAnObject(op, name, value)
}

func checkEncodedObject(op, name string, encoded []byte, value any) (any, error) {
	trimmed := bytes.TrimSpace(encoded)
	switch {
	case len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")):
		return nil, nil
	case trimmed[0] == '{' && json.Valid(trimmed):
		return json.RawMessage(trimmed), nil
	}
	return nil, notAnObject(op, name, value)
}

func notAnObject(op, name string, value any) error {
	return &ParameterError{Operation: op, Parameter: name, Problem: fmt.Sprintf("must be a JSON object (a map, a struct or encoded JSON object), not %T", value)}
}
