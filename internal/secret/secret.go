// Package secret masks the secrets in what a broker hands out and in what a program says about
// it: binding credentials, secrets in answers and parameters, passwords inside URLs and
// connection strings, HTTP headers. The logger, the CLI and the checker all mask through it, so
// that they agree on what is a secret.
package secret

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode"
)

// Masked replaces every secret that would otherwise be printed.
const Masked = "****"

// MaskCredentials returns a copy of binding credentials that is safe to print: every value is
// masked, at any depth, and only the structure and the key names are kept. A broker decides
// what its credentials hold, so no value in them is taken for harmless. null stays null.
func MaskCredentials(credentials map[string]any) map[string]any {
	if credentials == nil {
		return nil
	}
	return maskAll(credentials).(map[string]any)
}

// maskAll masks every scalar of a decoded JSON value but null, keeping maps and lists.
func maskAll(value any) any {
	return walk("", value, func(_ string, value any) (any, bool) {
		switch value.(type) {
		case map[string]any, []any:
			return nil, false
		case nil:
			return nil, true
		}
		return Masked, true
	})
}

// Mask returns a copy of a decoded JSON value (maps, lists, strings, numbers: an answer, the
// parameters of a request) with every secret masked: everything under a "credentials" key as
// MaskCredentials masks it, the value of every key that names a secret, and the secrets inside
// strings that MaskText finds, also in JSON held in a string.
func Mask(value any) any {
	return walk("", value, func(key string, value any) (any, bool) {
		if strings.EqualFold(key, "credentials") {
			return maskAll(value), true
		}
		if _, container := value.(map[string]any); container {
			return nil, false
		}
		if _, container := value.([]any); container {
			return nil, false
		}
		if IsSecretKey(key) {
			return Masked, true
		}
		if s, ok := value.(string); ok {
			return maskString(s), true
		}
		return value, true
	})
}

// walk copies a decoded JSON value, handing each value with the key it is under (a list's
// items are under the list's key) to visit, which returns its replacement, or false to have
// a map or list copied and walked.
func walk(key string, value any, visit func(key string, value any) (any, bool)) any {
	if replaced, done := visit(key, value); done {
		return replaced
	}
	switch v := value.(type) {
	case map[string]any:
		copied := make(map[string]any, len(v))
		for k, inner := range v {
			copied[k] = walk(k, inner, visit)
		}
		return copied
	case []any:
		copied := make([]any, len(v))
		for i, inner := range v {
			copied[i] = walk(key, inner, visit)
		}
		return copied
	}
	return value
}

// maskString masks the secrets of a string value; a string holding a JSON object or list is
// decoded, masked as a value and encoded again.
func maskString(s string) string {
	trimmed := strings.TrimSpace(s)
	if strings.HasPrefix(trimmed, "{") || strings.HasPrefix(trimmed, "[") {
		var inner any
		if json.Unmarshal([]byte(trimmed), &inner) == nil {
			if encoded, err := json.Marshal(Mask(inner)); err == nil {
				return string(encoded)
			}
		}
	}
	return MaskText(s)
}

// secretKeyParts mark a key whose value is a secret wherever they appear in it, whatever its
// case and separators (db_password, clientSecret, api-key, accessToken, private_key...).
var secretKeyParts = []string{"password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey", "bearer", "authorization"}

// secretKeyWords mark a key whose value is a secret when they are one of its words (pass,
// db_pass, userPwd, auth), not when they are part of a longer one (passport, author).
var secretKeyWords = []string{"pass", "pwd", "pw", "auth", "sig"}

// IsSecretKey reports whether a JSON key, query parameter or header name names a secret.
func IsSecretKey(key string) bool {
	normalized := normalizeKey(key)
	for _, part := range secretKeyParts {
		if strings.Contains(normalized, part) {
			return true
		}
	}
	for _, secretWord := range secretKeyWords {
		// Splitting into words costs more: only when the word may be there.
		if strings.Contains(normalized, secretWord) && slices.Contains(keyWords(key), secretWord) {
			return true
		}
	}
	return false
}

// normalizeKey lower-cases a key and drops its separators: db_password, DB-Password and
// db.password read the same.
func normalizeKey(key string) string {
	var b strings.Builder
	b.Grow(len(key))
	for _, r := range key {
		switch r {
		case '_', '-', '.', ' ':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// keyWords splits a key into lower-case words at separators and camelCase humps.
func keyWords(key string) []string {
	var words []string
	var word []rune
	var previous rune
	flush := func() {
		if len(word) > 0 {
			words = append(words, strings.ToLower(string(word)))
			word = word[:0]
		}
	}
	for _, r := range key {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && unicode.IsLower(previous):
			flush()
			word = append(word, r)
		default:
			word = append(word, r)
		}
		previous = r
	}
	flush()
	return words
}

// MaskText returns free text (a log line, an error, a connection string, a header value) with
// the secrets in it masked:
//   - the user information of every URL (scheme://user:password@host, also with JSON's \/),
//     up to its last @: passwords brokers hand out may hold '/', '?', '#' or '@' unescaped,
//     and masking too much is better than printing part of a password;
//   - the password of a MySQL DSN (user:password@tcp(host)/db);
//   - the credentials of an Authorization header;
//   - the value of every key=value or key: value pair whose key names a secret (a JDBC URL's
//     ?password=, a connection string's Password=...;, "token": "..." in JSON text).
func MaskText(s string) string {
	// Each rule is one pass over the text, so that a broker's megabytes cost milliseconds.
	s = maskURLs(s)
	s = maskDSNs(s)
	s = maskAuthorization(s)
	return maskPairs(s)
}

// maskURLs masks the user information of every URL in s (after :// or JSON's :\/\/), each
// URL ending at white space or a quote.
func maskURLs(s string) string {
	var b strings.Builder
	for {
		start, length := urlStart(s)
		if start < 0 {
			b.WriteString(s)
			return b.String()
		}
		rest := s[start+length:]
		end := urlEnd(rest)
		b.WriteString(s[:start+length])
		if at := strings.LastIndex(rest[:end], "@"); at > 0 {
			b.WriteString(Masked)
			rest = rest[at:]
			end -= at
		}
		b.WriteString(rest[:end])
		s = rest[end:]
	}
}

// urlStart finds the first :// or :\/\/ in s: its index and length, -1 without one.
func urlStart(s string) (int, int) {
	plain, escaped := strings.Index(s, "://"), strings.Index(s, `:\/\/`)
	switch {
	case plain < 0 && escaped < 0:
		return -1, 0
	case escaped < 0 || (plain >= 0 && plain < escaped):
		return plain, len("://")
	}
	return escaped, len(`:\/\/`)
}

// urlEnd is where the URL at the start of s ends: white space, a quote not escaped, < or >.
func urlEnd(s string) int {
	for i, r := range s {
		switch {
		case unicode.IsSpace(r), r == '\'', r == '<', r == '>', r == '`':
			return i
		case r == '"' && (i == 0 || s[i-1] != '\\'):
			return i
		}
	}
	return len(s)
}

// dsnProtocols follow the @ of a Go MySQL DSN: user:password@tcp(host:3306)/db, user:password@/db.
var dsnProtocols = []string{"tcp(", "tcp4(", "tcp6(", "udp(", "unix(", "unixgram(", "/"}

// maskDSNs masks the password of every MySQL DSN in s: in each word (text between white space
// and quotes), from its first colon to its last @ before a protocol, when the colon follows
// a user without / or @ and is not the :// of a URL.
func maskDSNs(s string) string {
	var b strings.Builder
	wordStart, colon, maskEnd := 0, -1, -1
	flush := func(end int) {
		if maskEnd > colon && colon >= 0 {
			b.WriteString(s[wordStart : colon+1])
			b.WriteString(Masked)
			b.WriteString(s[maskEnd:end])
		} else {
			b.WriteString(s[wordStart:end])
		}
		wordStart, colon, maskEnd = end, -1, -1
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'':
			flush(i)
		case c == ':' && colon < 0:
			colon = i
			if strings.ContainsAny(s[wordStart:i], "/@") || (i+1 < len(s) && (s[i+1] == '/' || s[i+1] == '\\')) {
				colon = len(s) // not a DSN: no mask in this word
			}
		case c == '@' && colon >= 0 && colon < i && hasAnyPrefix(s[i+1:], dsnProtocols):
			maskEnd = i
		}
	}
	flush(len(s))
	return b.String()
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, prefix := range prefixes {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// maskAuthorization masks what follows "Authorization:" or "Authorization=" (any case, the
// name maybe quoted, Proxy-Authorization too) up to the end of the line or a quote.
func maskAuthorization(s string) string {
	const name = "authorization"
	var b strings.Builder
	for {
		at := indexFoldASCII(s, name)
		if at < 0 {
			b.WriteString(s)
			return b.String()
		}
		i := at + len(name)
		i = skip(s, i, `"`)
		i = skip(s, i, " \t")
		if i == len(s) || (s[i] != ':' && s[i] != '=') {
			b.WriteString(s[:i])
			s = s[i:]
			continue
		}
		i = skip(s, skip(s, i+1, " \t"), `"`)
		end := i + strings.IndexAny(s[i:]+"\n", "\"\r\n")
		b.WriteString(s[:i])
		if end > i {
			b.WriteString(Masked)
		}
		s = s[end:]
	}
}

// skip returns the index after the bytes of set that start s[i:].
func skip(s string, i int, set string) int {
	for i < len(s) && strings.IndexByte(set, s[i]) >= 0 {
		i++
	}
	return i
}

// indexFoldASCII is strings.Index for a lower-case ASCII word, whatever the case in s.
func indexFoldASCII(s, word string) int {
	first := word[:1] + strings.ToUpper(word[:1])
	for i := 0; i+len(word) <= len(s); i++ {
		next := strings.IndexAny(s[i:], first)
		if next < 0 {
			return -1
		}
		i += next
		if i+len(word) <= len(s) && strings.EqualFold(s[i:i+len(word)], word) {
			return i
		}
	}
	return -1
}

// maskPairs masks the values of the key=value and key: value pairs of s whose key names a
// secret: the key (letters, digits, _ . -, maybe quoted) before = or :, the value after it,
// quoted or up to white space or one of ;&"',{}[]<>.
func maskPairs(s string) string {
	var b strings.Builder
	written := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '=' && s[i] != ':' || !IsSecretKey(keyBefore(s, i)) {
			continue
		}
		valueStart := skip(s, i+1, " \t")
		valueEnd := valueEndAt(s, valueStart)
		if valueEnd == valueStart {
			continue
		}
		b.WriteString(s[written:valueStart])
		if quote := s[valueStart]; quote == '"' || quote == '\'' {
			b.WriteString(string(quote) + Masked + string(quote))
		} else {
			b.WriteString(Masked)
		}
		written, i = valueEnd, valueEnd-1
	}
	b.WriteString(s[written:])
	return b.String()
}

// keyBefore is the key that ends before the separator at s[sep], "" without one.
func keyBefore(s string, sep int) string {
	end := sep
	for end > 0 && (s[end-1] == ' ' || s[end-1] == '\t') {
		end--
	}
	if end > 0 && s[end-1] == '"' {
		end--
	}
	start := end
	for start > 0 && isKeyByte(s[start-1]) {
		start--
	}
	// A key starts with a letter.
	for start < end && !('a' <= s[start]|0x20 && s[start]|0x20 <= 'z') {
		start++
	}
	return s[start:end]
}

func isKeyByte(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

// valueEndAt is where the value starting at s[start] ends: after its closing quote, or at
// white space or one of ;&"',{}[]<>.
func valueEndAt(s string, start int) int {
	if start == len(s) {
		return start
	}
	switch s[start] {
	case '"':
		for i := start + 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return start
	case '\'':
		if end := strings.IndexByte(s[start+1:], '\''); end >= 0 {
			return start + end + 2
		}
		return start
	}
	end := start
	for end < len(s) && !strings.ContainsRune(" \t\r\n;&\"',{}[]<>", rune(s[end])) {
		end++
	}
	return end
}

// MaskHeader returns a copy of HTTP headers safe to print: the values of Authorization,
// cookies and every header named like a secret (X-Api-Key, X-Auth-Token) masked, the secrets
// in the others masked as MaskText finds them.
func MaskHeader(header http.Header) http.Header {
	masked := make(http.Header, len(header))
	for name, values := range header {
		canonical := http.CanonicalHeaderKey(name)
		secretName := IsSecretKey(name) || canonical == "Cookie" || canonical == "Set-Cookie"
		for _, value := range values {
			if secretName {
				value = Masked
			} else {
				value = MaskText(value)
			}
			masked[name] = append(masked[name], value)
		}
	}
	return masked
}
