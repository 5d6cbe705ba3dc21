package termtext

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestCleanShowsEscapesAndControlCharacters(t *testing.T) {
	for input, want := range map[string]string{
		"creating":                         "creating",
		"\x1b[31mred\x1b[0m text":          `\u001b[31mred\u001b[0m text`,
		"\x1b]0;owned title\x07after":      `\u001b]0;owned title\u0007after`,
		"\x1b]52;c;aGk=\x07":               `\u001b]52;c;aGk=\u0007`,
		"over\rwritten":                    `over\u000dwritten`,
		"line\nbreak\ttab":                 `line\u000abreak\u0009tab`,
		"nul\x00 del\x7f c1\u009b31m":      `nul\u0000 del\u007f c1\u009b31m`,
		"\u202eevil\u202c \u2066iso\u2069": `\u202eevil\u202c \u2066iso\u2069`,
		"zero\u200bwidth\ufeff \u2028":     `zero\u200bwidth\ufeff \u2028`,
		"tag \U000e0041":                   `tag \U000e0041`,
		"invalid \xff byte":                "invalid \ufffd byte",
		"unicode stays: données, 数据, ✓":    "unicode stays: données, 数据, ✓",
	} {
		got := Clean(input)
		assert.Equal(t, want, got, "%q", input)
		assert.False(t, NeedsEscape(got), "%q", got)
	}
}

func TestCleanCutsLongTextWithAMarker(t *testing.T) {
	huge := strings.Repeat("é", 10<<20)
	got := Clean(huge)
	assert.Equal(t, strings.Repeat("é", Limit)+"… [cut: 20971520 bytes in all]", got)
	assert.Equal(t, "short", Clean("short"))
}

func TestFitCutsToTheColumns(t *testing.T) {
	assert.Equal(t, "0123456789", Fit("0123456789", 10))
	assert.Equal(t, "01234567…", Fit("0123456789", 9))
	assert.Equal(t, "数据数…", Fit("数据数据数据", 8), "wide characters take two columns")
	assert.Equal(t, "e\u0301e\u0301e\u0301", Fit("e\u0301e\u0301e\u0301", 3), "combining marks take none")
	assert.Equal(t, `\u001b[…`, Fit("\x1b[2J", 8), "escapes count as they are shown")
}

func TestEscapeKeepsLines(t *testing.T) {
	assert.Equal(t, "line 1\n\tline 2 \\u001b[2J \\u202e", Escape("line 1\n\tline 2 \x1b[2J \u202e"))
}

func TestEscapedDocumentsMeanTheSame(t *testing.T) {
	value := map[string]any{"name": "a\u202eb\x7f\u009b\x1b[2J\U000e0041", "plain": "données"}
	encoded, err := json.Marshal(value)
	require.NoError(t, err)
	escaped := EscapeJSON(encoded)
	assert.False(t, NeedsEscape(string(escaped)), "%s", escaped)
	var decoded map[string]any
	require.NoError(t, json.Unmarshal(escaped, &decoded))
	assert.Equal(t, value, decoded)

	node := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: value["name"].(string), Style: yaml.DoubleQuotedStyle}
	encoded, err = yaml.Marshal(node)
	require.NoError(t, err)
	escaped = EscapeYAML(encoded)
	assert.False(t, NeedsEscape(strings.TrimSuffix(string(escaped), "\n")), "%s", escaped)
	var decodedYAML string
	require.NoError(t, yaml.Unmarshal(escaped, &decodedYAML))
	assert.Equal(t, value["name"], decodedYAML)
}
