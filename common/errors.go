package common

import (
	"errors"
	"fmt"
	"io/fs"
)

// ErrInvalidConfiguration is matched by errors.Is for every error that reports a misconfigured
// external-configuration variable.
var ErrInvalidConfiguration = errors.New("invalid external configuration")

// ConfigError reports one misconfigured external-configuration variable. Its text names the
// variable, what is wrong and what is expected; it never contains the variable's value.
type ConfigError struct {
	// Variable is the full name of the variable, e.g. "OPEN_SERVICE_BROKER_TIMEOUT".
	Variable string
	// Expected says what a valid value looks like.
	Expected string
	// Err says what is wrong with the value; it may wrap a *FileError or an fs error.
	Err error
}

// Error implements error.
func (e *ConfigError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("configuration variable %s: expected %s", e.Variable, e.Expected)
	}
	return fmt.Sprintf("configuration variable %s: %v; expected %s", e.Variable, e.Err, e.Expected)
}

// Unwrap returns the cause, so that errors.As finds a *FileError and errors.Is finds
// fs.ErrNotExist.
func (e *ConfigError) Unwrap() error {
	return e.Err
}

// Is reports whether target is ErrInvalidConfiguration.
func (e *ConfigError) Is(target error) bool {
	return target == ErrInvalidConfiguration
}

// FileKind says what a credential file holds.
type FileKind string

// The kinds of credential files this package reads.
const (
	FileKindBearerToken       FileKind = "bearer token"
	FileKindClientCertificate FileKind = "client certificate"
	FileKindClientKey         FileKind = "client key"
	FileKindCACertificate     FileKind = "CA certificate"
)

// FileError reports a credential file that cannot be used. It names the file and what is wrong
// with it, never the file's content.
type FileError struct {
	// Kind says what the file should hold.
	Kind FileKind
	// Path is the file's path as configured.
	Path string
	// Problem says what is wrong, e.g. "is empty".
	Problem string
	// Err is the underlying error, if any, such as an *fs.PathError.
	Err error
}

// Error implements error.
func (e *FileError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%s file %s", e.Kind, e.Problem)
	}
	return fmt.Sprintf("%s file %q %s", e.Kind, e.Path, e.Problem)
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error {
	return e.Err
}

// fileAccessError reports a file that cannot be opened, read or stat'ed. The problem quotes
// only the operating system's reason, since the path is already in the message.
func fileAccessError(kind FileKind, path string, err error) *FileError {
	reason := err
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		reason = pathErr.Err
	}
	return &FileError{Kind: kind, Path: path, Problem: "cannot be read: " + reason.Error(), Err: err}
}

// fileContentError reports a file whose content is unusable; problem must not quote the content.
func fileContentError(kind FileKind, path, problem string) *FileError {
	return &FileError{Kind: kind, Path: path, Problem: problem}
}
