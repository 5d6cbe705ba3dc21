// Package termtext makes text a broker sent safe to print to a terminal or a text report: a
// broker is untrusted input, and an escape sequence in a description could move the cursor,
// rewrite earlier lines or change the terminal's title.
package termtext

import (
	"regexp"
	"strings"
	"unicode"
)

// escapeSequence matches ANSI sequences: CSI (ESC [ ... final byte), OSC (ESC ] ... BEL or
// ESC \) and the two-byte ESC sequences.
var escapeSequence = regexp.MustCompile(`\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-_])`)

// Clean returns s without ANSI escape sequences and without control characters (C0, DEL, C1;
// newlines and carriage returns too: a caller that keeps lines splits them first). A tab
// becomes a space.
func Clean(s string) string {
	s = escapeSequence.ReplaceAllString(s, "")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
}
