package openservicebrokerv1

// The SDK's guard on go-sdk-core's debug log: credentials in a URL never reach a log line.

import (
	"fmt"
	"regexp"

	"github.com/IBM/go-sdk-core/v5/core"
)

// urlPassword matches the user information of a URL up to the end of its password, also with
// the slashes escaped as in JSON (postgres:\/\/user:password@).
var urlPassword = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*:(?:\\?/){2}[^\s/?#@:"'\\]*):[^\s/?#@"'\\]*@`)

// redactURLPasswords hides the password of every URL in text, as url.URL.Redacted does.
func redactURLPasswords(text string) string {
	return urlPassword.ReplaceAllString(text, "${1}:[redacted]@")
}

// NewRedactingLogger returns a go-sdk-core logger that hands every message to logger with the
// password of each URL in it hidden (scheme://user:[redacted]@host). go-sdk-core's debug log
// hides headers and JSON fields named like secrets (password, token, apikey, ...), but not a
// password inside a URL, such as the connection URI in a binding's credentials.
//
// The client's own debug log lines (each request and answer) hide those passwords whatever
// logger is installed. Importing this package changes no go-sdk-core setting: to have every
// other message of go-sdk-core redacted too, wrap the logger and install it yourself:
//
//	core.SetLogger(openservicebrokerv1.NewRedactingLogger(core.GetLogger()))
func NewRedactingLogger(logger core.Logger) core.Logger {
	if _, wrapped := logger.(redactingLogger); wrapped {
		return logger
	}
	return redactingLogger{logger}
}

// redactingLogger is the logger of NewRedactingLogger; the level methods are those of the
// logger it wraps.
type redactingLogger struct {
	core.Logger
}

// Log logs a message at level, with the passwords of URLs hidden.
func (l redactingLogger) Log(level core.LogLevel, format string, inserts ...any) {
	l.forward(level, func(format string, inserts ...any) { l.Logger.Log(level, format, inserts...) }, format, inserts)
}

// Error logs a message at level Error, with the passwords of URLs hidden.
func (l redactingLogger) Error(format string, inserts ...any) {
	l.forward(core.LevelError, l.Logger.Error, format, inserts)
}

// Warn logs a message at level Warn, with the passwords of URLs hidden.
func (l redactingLogger) Warn(format string, inserts ...any) {
	l.forward(core.LevelWarn, l.Logger.Warn, format, inserts)
}

// Info logs a message at level Info, with the passwords of URLs hidden.
func (l redactingLogger) Info(format string, inserts ...any) {
	l.forward(core.LevelInfo, l.Logger.Info, format, inserts)
}

// Debug logs a message at level Debug, with the passwords of URLs hidden.
func (l redactingLogger) Debug(format string, inserts ...any) {
	l.forward(core.LevelDebug, l.Logger.Debug, format, inserts)
}

// forward formats the message only when its level is on, since debug messages hold whole
// request and response dumps.
func (l redactingLogger) forward(level core.LogLevel, log func(string, ...any), format string, inserts []any) {
	if l.IsLogLevelEnabled(level) {
		log("%s", redactURLPasswords(fmt.Sprintf(format, inserts...)))
	}
}
