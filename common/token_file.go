package common

import (
	"net/http"
	"strings"
	"time"
	"unicode"
)

// AuthTypeBearerTokenFile is the authentication type of BearerTokenFileAuthenticator, as
// given in the AUTH_TYPE configuration property.
const AuthTypeBearerTokenFile = "bearerTokenFile"

// BearerTokenFileAuthenticator authenticates requests with a bearer token read from a file,
// such as a Kubernetes projected service-account token or a token a secret manager writes.
// It re-reads the file when the file changes: a change is detected from the file's identity,
// size and modification time, checked at most once per check interval (DefaultFileCheckInterval
// unless changed with SetCheckInterval), so the file is not read for every request.
//
// If a check finds the file missing, unreadable or empty, Authenticate fails with an error that
// names the path, until a later check finds a usable token. Rotate the file atomically (write a
// new file and rename it over the old one, as Kubernetes does) so that no check sees it half
// written.
//
// It implements core.Authenticator and is safe for concurrent use.
type BearerTokenFileAuthenticator struct {
	path  string
	token *reloader[string]
}

// NewBearerTokenFileAuthenticator returns an authenticator that sends the token held in the
// file at path. The file is read at once: a missing, unreadable or empty file is an error that
// names the path.
func NewBearerTokenFileAuthenticator(path string) (*BearerTokenFileAuthenticator, error) {
	if path == "" {
		return nil, fileContentError(FileKindBearerToken, path, "is not set")
	}
	token, err := newReloader(func(read readFileFunc) (string, error) {
		return readBearerToken(read, path)
	}, watchedFile{kind: FileKindBearerToken, path: path})
	if err != nil {
		return nil, err
	}
	return &BearerTokenFileAuthenticator{path: path, token: token}, nil
}

// AuthenticationType returns AuthTypeBearerTokenFile.
func (a *BearerTokenFileAuthenticator) AuthenticationType() string {
	return AuthTypeBearerTokenFile
}

// Authenticate sets the request's Authorization header to "Bearer <token>", with the token
// read from the newest usable version of the file.
func (a *BearerTokenFileAuthenticator) Authenticate(request *http.Request) error {
	token, err := a.token.current()
	if err != nil {
		return err
	}
	request.Header.Set("Authorization", "Bearer "+token)
	return nil
}

// Validate checks the token file now and reports whether it holds a usable token.
func (a *BearerTokenFileAuthenticator) Validate() error {
	return a.token.check()
}

// Path returns the path of the token file.
func (a *BearerTokenFileAuthenticator) Path() string {
	return a.path
}

// SetCheckInterval sets how often, at most, the file is checked for a change. Zero checks it
// before every request, which costs one stat per request.
func (a *BearerTokenFileAuthenticator) SetCheckInterval(interval time.Duration) {
	a.token.setInterval(interval)
}

// readBearerToken reads the token file and trims the white space editors and secret
// managers leave around a token.
func readBearerToken(read readFileFunc, path string) (string, error) {
	content, err := readWith(read, FileKindBearerToken, path)
	if err != nil {
		return "", err
	}
	token := strings.TrimSpace(string(content))
	if token == "" {
		return "", fileContentError(FileKindBearerToken, path, "is empty; it must hold the bearer token")
	}
	if strings.IndexFunc(token, isNotTokenChar) >= 0 {
		return "", fileContentError(FileKindBearerToken, path,
			"holds white space or control characters inside the token; it must hold exactly one token")
	}
	return token, nil
}

// isNotTokenChar reports a character that cannot be part of a bearer token in a header.
func isNotTokenChar(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}
