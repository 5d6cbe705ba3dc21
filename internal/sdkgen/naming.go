package sdkgen

import (
	"strings"
	"unicode"
)

// initialisms are written in capitals inside Go names, as Go's style asks.
// Words such as "guid" and "crn" are deliberately absent: the IBM API spells
// them OrganizationGuid and Crn, and the snippets users copy must compile.
var initialisms = map[string]bool{
	"id": true, "url": true, "uri": true, "api": true, "http": true, "https": true,
	"json": true, "uuid": true, "ip": true, "tls": true, "ttl": true,
}

// splitWords breaks a wire name into words at '_', '-', '.', spaces and
// lower-to-upper case changes ("dashboard_url" -> dashboard, url).
func splitWords(name string) []string {
	var words []string
	var current []rune
	flush := func() {
		if len(current) > 0 {
			words = append(words, string(current))
			current = current[:0]
		}
	}
	runes := []rune(name)
	for i, r := range runes {
		switch {
		case r == '_' || r == '-' || r == '.' || r == ' ' || r == '/':
			flush()
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && i > 0 && unicode.IsLower(runes[i-1]):
			flush()
			current = append(current, r)
		default:
			current = append(current, r)
		}
	}
	flush()
	return words
}

// goName turns a wire name into an exported Go identifier.
func goName(name string) string {
	var b strings.Builder
	for _, word := range splitWords(name) {
		lower := strings.ToLower(word)
		if initialisms[lower] {
			b.WriteString(strings.ToUpper(lower))
			continue
		}
		r := []rune(lower)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	out := b.String()
	if out == "" || unicode.IsDigit([]rune(out)[0]) {
		out = "X" + out
	}
	return out
}

// lowerFirst makes an unexported or parameter name from a Go name, keeping
// a leading initialism readable ("InstanceID" -> "instanceID", "URL" -> "url").
func lowerFirst(name string) string {
	runes := []rune(name)
	i := 0
	for i < len(runes) && unicode.IsUpper(runes[i]) {
		i++
	}
	switch {
	case i == 0:
		return name
	case i == 1 || i == len(runes):
		i = max(i, 1)
		return strings.ToLower(string(runes[:i])) + string(runes[i:])
	default:
		// "URLPath": keep the last capital as the start of the next word.
		return strings.ToLower(string(runes[:i-1])) + string(runes[i-1:])
	}
}

// fileName makes a lower snake_case file name part from a schema or operation name.
func fileName(name string) string {
	words := splitWords(name)
	for i, w := range words {
		words[i] = strings.ToLower(w)
	}
	return strings.Join(words, "_")
}
