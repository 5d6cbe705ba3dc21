// Package termtext makes text a broker sent safe to print to a terminal or a text report: a
// broker is untrusted input, and an escape sequence in a description could clear the screen,
// rewrite earlier lines, change the terminal's title or write to the clipboard, and a bidi
// control could make text read otherwise than it is.
//
// Every character that could do so is shown as an escape (\u001b, \u202e) rather than dropped,
// so that what the broker sent stays visible; the sequence that followed an ESC is then plain
// text. Clean and Fit are for one line of a table or a status line, Escape for text whose
// lines are kept, EscapeJSON and EscapeYAML for encoded documents.
package termtext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/width"
)

// Limit is how many characters of one piece of text Clean keeps: a description of megabytes
// is cut, with a marker saying how long it was.
const Limit = 1024

// Unsafe reports whether r must not reach a terminal as it is: control characters (C0, DEL,
// C1), format characters (bidi controls such as U+202E, zero-width characters, the byte-order
// mark) and the line and paragraph separators.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// Clean returns s fit for one line: every unsafe character, newlines and tabs too, shown as an
// escape, invalid UTF-8 as U+FFFD, and what goes beyond Limit characters replaced by a marker.
func Clean(s string) string {
	var b strings.Builder
	count := 0
	for _, r := range s {
		if count == Limit {
			fmt.Fprintf(&b, "… [cut: %d bytes in all]", len(s))
			return b.String()
		}
		count++
		if Unsafe(r) {
			writeEscape(&b, r, false)
			continue
		}
		b.WriteRune(r) // invalid UTF-8 comes as utf8.RuneError, written as U+FFFD
	}
	return b.String()
}

// Fit returns s cleaned and cut to columns terminal columns, the cut marked with "…". Wide
// characters count two columns, combining marks none.
func Fit(s string, columns int) string {
	s = Clean(s)
	if widthOf(s) <= columns {
		return s
	}
	used := 0
	for i, r := range s {
		if used+runeWidth(r) > columns-1 {
			return s[:i] + "…"
		}
		used += runeWidth(r)
	}
	return s
}

// widthOf is the number of columns s takes.
func widthOf(s string) int {
	total := 0
	for _, r := range s {
		total += runeWidth(r)
	}
	return total
}

func runeWidth(r rune) int {
	if unicode.In(r, unicode.Mn, unicode.Me) {
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Escape returns text whose lines are kept (the raw output of a query): every unsafe character
// but newline and tab shown as an escape.
func Escape(s string) string {
	return escapeExcept(s, "\n\t", false)
}

func escapeExcept(s, kept string, json bool) string {
	var b strings.Builder
	for _, r := range s {
		if Unsafe(r) && !strings.ContainsRune(kept, r) {
			writeEscape(&b, r, json)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// EscapeJSON returns a JSON document with every unsafe character inside its strings written
// as a \u escape: encoding/json writes DEL, C1 controls and bidi controls as they are. The
// document means the same; only its bytes are safe for a terminal.
func EscapeJSON(encoded []byte) []byte {
	return []byte(escapeExcept(string(encoded), "\n", true))
}

// EscapeYAML is EscapeJSON for a YAML document: its every scalar holding an unsafe character
// must be double-quoted (see NeedsEscape), the only YAML style with escapes.
func EscapeYAML(encoded []byte) []byte {
	return []byte(escapeExcept(string(encoded), "\n", false))
}

// NeedsEscape reports whether s holds an unsafe character.
func NeedsEscape(s string) bool {
	return strings.IndexFunc(s, Unsafe) >= 0
}

// writeEscape writes r as \uXXXX, or above the basic plane as \UXXXXXXXX, or for JSON as a
// surrogate pair.
func writeEscape(b *strings.Builder, r rune, json bool) {
	switch {
	case r <= 0xFFFF:
		fmt.Fprintf(b, `\u%04x`, r)
	case json:
		high, low := utf16.EncodeRune(r)
		fmt.Fprintf(b, `\u%04x\u%04x`, high, low)
	default:
		fmt.Fprintf(b, `\U%08x`, r)
	}
}
