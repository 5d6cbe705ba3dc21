package openservicebrokerv1

// The SDK's guard on go-sdk-core's debug log: credentials in a URL never reach a log line.

import (
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/secret"
)

// NewRedactingLogger returns a go-sdk-core logger that hands every message to logger with the
// secrets in it masked as the CLI and the checker mask them: the user information of each URL
// (scheme://****@host), passwords in connection strings and DSNs, values of keys named like
// secrets. go-sdk-core's debug log hides headers and JSON fields named like secrets (password,
// token, apikey, ...), but not a password inside a URL, such as the connection URI in a
// binding's credentials.
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

// Log logs a message at level, with its secrets masked.
func (l redactingLogger) Log(level core.LogLevel, format string, inserts ...any) {
	l.forward(level, func(format string, inserts ...any) { l.Logger.Log(level, format, inserts...) }, format, inserts)
}

// Error logs a message at level Error, with its secrets masked.
func (l redactingLogger) Error(format string, inserts ...any) {
	l.forward(core.LevelError, l.Logger.Error, format, inserts)
}

// Warn logs a message at level Warn, with its secrets masked.
func (l redactingLogger) Warn(format string, inserts ...any) {
	l.forward(core.LevelWarn, l.Logger.Warn, format, inserts)
}

// Info logs a message at level Info, with its secrets masked.
func (l redactingLogger) Info(format string, inserts ...any) {
	l.forward(core.LevelInfo, l.Logger.Info, format, inserts)
}

// Debug logs a message at level Debug, with its secrets masked.
func (l redactingLogger) Debug(format string, inserts ...any) {
	l.forward(core.LevelDebug, l.Logger.Debug, format, inserts)
}

// forward formats the message only when its level is on, since debug messages hold whole
// request and response dumps.
func (l redactingLogger) forward(level core.LogLevel, log func(string, ...any), format string, inserts []any) {
	if l.IsLogLevelEnabled(level) {
		log("%s", secret.MaskText(fmt.Sprintf(format, inserts...)))
	}
}
