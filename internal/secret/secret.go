// Package secret masks the secrets in what a broker hands out and in what a program says about
// it: binding credentials, secrets in answers and parameters, passwords inside URLs and
// connection strings, HTTP headers. The logger, the CLI and the checker all mask through it, so
// that they agree on what is a secret.
package secret

import (
	"encoding/json"
	"net/http"
	"regexp"
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
	normalized := strings.NewReplacer("_", "", "-", "", ".", "", " ", "").Replace(strings.ToLower(key))
	for _, part := range secretKeyParts {
		if strings.Contains(normalized, part) {
			return true
		}
	}
	for _, word := range keyWords(key) {
		for _, secretWord := range secretKeyWords {
			if word == secretWord {
				return true
			}
		}
	}
	return false
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
	s = maskURLs(s)
	s = dsnPassword.ReplaceAllString(s, "${1}${2}:"+Masked+"@${3}")
	s = authorization.ReplaceAllString(s, "${1}"+Masked)
	return maskPairs(s)
}

var (
	// urlStart matches where the user information of a URL would begin: scheme:// or scheme:\/\/.
	urlStart = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*:(?:\\?/){2}`)
	// dsnPassword matches the user:password@ of a Go MySQL DSN, up to the last @ before the
	// protocol and its address (user:password@tcp(host:3306)/db, user:password@/db):
	// ${1} what comes before the user, ${2} the user, ${3} the protocol.
	dsnPassword = regexp.MustCompile(`(^|[\s"'=,;(])([^\s:@/"'(]+):(?:[^\s/\\]\S*)?@((?:tcp|tcp4|tcp6|udp|unix|unixgram)\(|/)`)
	// authorization matches an Authorization header or field up to its credentials.
	authorization = regexp.MustCompile(`(?im)((?:proxy-)?authorization"?\s*[:=]\s*"?)[^"\r\n]+`)
	// pair matches key=value and key: value, the value quoted or not; maskPairs masks the
	// value when the key names a secret. ${1} is the key, ${2} the value.
	pair = regexp.MustCompile(`([A-Za-z][A-Za-z0-9_.-]*)"?\s*[=:]\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^\s;&"',{}\[\]<>]+)`)
)

// maskURLs masks the user information of every URL in s, each URL ending at white space or a
// quote.
func maskURLs(s string) string {
	var b strings.Builder
	for {
		start := urlStart.FindStringIndex(s)
		if start == nil {
			b.WriteString(s)
			return b.String()
		}
		rest := s[start[1]:]
		end := urlEnd(rest)
		b.WriteString(s[:start[1]])
		if at := strings.LastIndex(rest[:end], "@"); at > 0 {
			b.WriteString(Masked)
			rest = rest[at:]
			end -= at
		}
		b.WriteString(rest[:end])
		s = rest[end:]
	}
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

// maskPairs masks the values of the key=value and key: value pairs of s whose key names a
// secret. The value of any other key is searched too: a URL's query can hold password=.
func maskPairs(s string) string {
	var b strings.Builder
	for {
		match := pair.FindStringSubmatchIndex(s)
		if match == nil {
			b.WriteString(s)
			return b.String()
		}
		keyEnd, valueStart, valueEnd := match[3], match[4], match[5]
		if !IsSecretKey(s[match[2]:keyEnd]) {
			b.WriteString(s[:valueStart])
			s = s[valueStart:]
			continue
		}
		b.WriteString(s[:valueStart])
		switch s[valueStart] {
		case '"', '\'':
			quote := s[valueStart : valueStart+1]
			b.WriteString(quote + Masked + quote)
		default:
			b.WriteString(Masked)
		}
		s = s[valueEnd:]
	}
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
