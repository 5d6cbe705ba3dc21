package sdkruntime

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkLikePointer decodes `{"v": literal}` both ways and checks that the Optional holds what
// the pointer holds, and fails where the pointer's decoding fails.
func checkLikePointer[T string | bool | int64 | float64](t *testing.T, literal string) {
	t.Helper()
	document := []byte(`{"v": ` + literal + `}`)
	var pointer struct {
		V *T `json:"v"`
	}
	pointerErr := json.Unmarshal(document, &pointer)
	var optional struct {
		V Optional[T] `json:"v"`
	}
	optionalErr := json.Unmarshal(document, &optional)
	if pointerErr != nil {
		var typeErr *json.UnmarshalTypeError
		require.ErrorAs(t, optionalErr, &typeErr, "%s into %T", literal, optional.V.Value)
		assert.Equal(t, Optional[T]{}, optional.V, "a failed literal leaves nothing set")
		return
	}
	require.NoError(t, optionalErr, literal)
	assert.Equal(t, pointer.V != nil, optional.V.Set, "presence of %s", literal)
	if pointer.V != nil {
		assert.Equal(t, *pointer.V, optional.V.Value, literal)
	}
}

func TestOptionalDecodesStringsAsAPointerDoes(t *testing.T) {
	for _, literal := range []string{`"plain"`, `""`, `"caf\u00e9 \"quoted\" \\ \/"`, `"café ☕"`, "\"\xff invalid\"",
		`"\ud83d\ude00"`, `"\ud800 lone surrogate"`, `null`, `5`, `true`, `{}`, `[]`} {
		checkLikePointer[string](t, literal)
	}
}

func TestOptionalDecodesBooleansAsAPointerDoes(t *testing.T) {
	for _, literal := range []string{`true`, `false`, `null`, `"true"`, `0`, `{}`} {
		checkLikePointer[bool](t, literal)
	}
}

func TestOptionalDecodesNumbersAsAPointerDoes(t *testing.T) {
	for _, literal := range []string{`0`, `-0`, `3600`, `-42`, `9223372036854775807`, `9223372036854775808`,
		`1.5`, `1e3`, `1E-2`, `1e400`, `null`, `"5"`, `true`, `[1]`} {
		checkLikePointer[int64](t, literal)
		checkLikePointer[float64](t, literal)
	}
}

func TestOptionalInAnAbsentFieldIsNotSet(t *testing.T) {
	var optional struct {
		V Optional[string] `json:"v"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"other": "x"}`), &optional))
	assert.False(t, optional.V.Set)
}

func TestRetainedJSONHoldsWhatARawMessageHoldsWithoutCopying(t *testing.T) {
	document := []byte(`{"a": {"x": [1, 2]}, "b": null, "c": "text"}`)
	var retained struct{ A, B, C RetainedJSON }
	require.NoError(t, json.Unmarshal(document, &retained))
	var raw struct{ A, B, C json.RawMessage }
	require.NoError(t, json.Unmarshal(document, &raw))
	assert.Equal(t, []string{string(raw.A), string(raw.B), string(raw.C)}, []string{string(retained.A), string(retained.B), string(retained.C)})

	retained.A[0] = '['
	assert.Equal(t, byte('['), document[6], "a retained value is the document's own bytes")
	_ = append(retained.A, '!')
	assert.Equal(t, `{"a": [`, string(document[:7]))
	assert.Equal(t, `, "b"`, string(document[len(`{"a": {"x": [1, 2]}`):][:5]), "appending to a value leaves the document after it")
}
