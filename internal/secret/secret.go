// Package secret masks the secrets in what a broker hands out (binding credentials, dashboard
// client secrets) before a program prints it.
package secret

import (
	"strings"
)

// Masked replaces every secret that would otherwise be printed.
const Masked = "****"

// secretKeyParts mark a credentials key whose value is a secret, whatever its case and separators
// (password, db_password, clientSecret, api-key, accessToken, private_key...).
var secretKeyParts = []string{"password", "passwd", "pwd", "secret", "token", "apikey", "privatekey"}

// MaskCredentials returns a copy of binding credentials that is safe to print: the value of every
// key that names a secret becomes "****", and so does the user:password part of every URI, at
// any depth. The credentials themselves are left unchanged.
func MaskCredentials(credentials map[string]any) map[string]any {
	if credentials == nil {
		return nil
	}
	return maskValue("", credentials).(map[string]any)
}

// Mask returns a copy of a decoded JSON value (maps, lists, strings, numbers) with every secret
// masked as MaskCredentials masks them.
func Mask(value any) any {
	return maskValue("", value)
}

func maskValue(key string, value any) any {
	switch v := value.(type) {
	case map[string]any:
		copied := make(map[string]any, len(v))
		for k, inner := range v {
			copied[k] = maskValue(k, inner)
		}
		return copied
	case []any:
		copied := make([]any, len(v))
		for i, inner := range v {
			copied[i] = maskValue(key, inner)
		}
		return copied
	}
	if isSecretKey(key) {
		return Masked
	}
	if s, ok := value.(string); ok {
		return maskURIUserInfo(s)
	}
	return value
}

func isSecretKey(key string) bool {
	normalized := strings.NewReplacer("_", "", "-", "", ".", "").Replace(strings.ToLower(key))
	for _, part := range secretKeyParts {
		if strings.Contains(normalized, part) {
			return true
		}
	}
	return false
}

// maskURIUserInfo replaces the user information (user:password@) of a URI. Passwords that
// brokers hand out may contain '/', '?', '#' or '@' unescaped, which hides where the authority
// ends, so everything from the scheme up to the last '@' is masked: masking too much is better
// than printing part of a password.
func maskURIUserInfo(s string) string {
	schemeEnd := strings.Index(s, "://")
	if schemeEnd < 0 {
		return s
	}
	userInfoStart := schemeEnd + len("://")
	at := strings.LastIndex(s[userInfoStart:], "@")
	if at < 0 {
		return s
	}
	return s[:userInfoStart] + Masked + s[userInfoStart+at:]
}
