package termtext

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestQuote(t *testing.T) {
	assert.Equal(t, `"plan \u202egnp.exe \x1b[2J"`, Quote("plan \u202egnp.exe \x1b[2J"), "one safe line")
	long := Quote(strings.Repeat("é", QuoteLimit))
	assert.True(t, strings.HasSuffix(long, `..."`))
	assert.LessOrEqual(t, len(long), QuoteLimit+len(`"..."`), "cut at the limit")
	assert.True(t, utf8.ValidString(long), "not inside a character")
}
