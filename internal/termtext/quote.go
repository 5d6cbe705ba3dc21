package termtext

import (
	"strconv"
	"unicode/utf8"
)

// QuoteLimit is how many bytes of one piece of text Quote keeps.
const QuoteLimit = 256

// Quote returns s as a Go-quoted string for an error message or a finding: every character
// that is not printable spelled as an escape, so the result is one safe line, and s cut at
// QuoteLimit bytes, the cut marked with "...".
func Quote(s string) string {
	if len(s) > QuoteLimit {
		cut := QuoteLimit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}
