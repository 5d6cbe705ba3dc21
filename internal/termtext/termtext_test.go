package termtext

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCleanRemovesEscapesAndControlCharacters(t *testing.T) {
	for input, want := range map[string]string{
		"creating":                             "creating",
		"\x1b[31mred\x1b[0m text":              "red text",
		"\x1b]0;owned title\x07after":          "after",
		"over\rwritten":                        "overwritten",
		"line\nbreak\ttab":                     "linebreak tab",
		"bell\x07 nul\x00 del\x7f c1\u009b31m": "bell nul del c131m",
		"\x1b[2J\x1b[Hcleared screen":          "cleared screen",
		"unicode stays: données, 数据, ✓":        "unicode stays: données, 数据, ✓",
		"lone escape \x1b":                     "lone escape ",
	} {
		assert.Equal(t, want, Clean(input), "%q", input)
	}
}
