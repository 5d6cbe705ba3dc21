package main

import (
	"errors"
	"net/http"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The exit codes, as `osb --help` documents them.
const (
	exitOK         = 0
	exitUnexpected = 1
	exitUsage      = 2
	exitRejected   = 3
	exitFailed     = 4
	exitTimeout    = 5
	exitOrphan     = 6
)

// usageError is a mistake in the command line or the configuration, found before anything was sent.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// hintedError adds what to do about an error, printed on a line of its own.
type hintedError struct {
	err  error
	hint string
}

func (e *hintedError) Error() string { return e.err.Error() }
func (e *hintedError) Unwrap() error { return e.err }

// withHint wraps err with a hint; nil stays nil.
func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	return &hintedError{err: err, hint: hint}
}

// exitCode maps an error to the documented exit codes, reading the SDK's typed errors.
// Orphan mitigation is looked at first: its error also unwraps to the failure that caused it.
func exitCode(err error) int {
	var mitigation *openservicebrokerv1.OrphanMitigationError
	var failed *openservicebrokerv1.OperationFailedError
	var brokerErr *openservicebrokerv1.BrokerError
	var parameterErr *openservicebrokerv1.ParameterError
	var usage usageError
	var check *checkError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &check):
		return check.code
	case errors.As(err, &mitigation) && !mitigation.Completed, errors.Is(err, errMayBeLeftBehind):
		return exitOrphan
	case errors.Is(err, openservicebrokerv1.ErrWaitTimeout):
		return exitTimeout
	case errors.As(err, &failed):
		return exitFailed
	case errors.As(err, &brokerErr) && brokerErr.StatusCode >= 500:
		return exitFailed
	case errors.As(err, &brokerErr) && brokerErr.StatusCode >= 400:
		return exitRejected
	case errors.As(err, &usage), errors.As(err, &parameterErr):
		return exitUsage
	}
	return exitUnexpected
}

// errMayBeLeftBehind marks a provision or bind without --wait whose outcome is unknown: the SDK's
// orphan mitigation runs only while waiting, so the caller has to delete what may exist.
var errMayBeLeftBehind = errors.New("the broker may have created it")

// endpointMissing reports whether the broker answered that it does not serve an endpoint at all.
func endpointMissing(err error) bool {
	var brokerErr *openservicebrokerv1.BrokerError
	if !errors.As(err, &brokerErr) {
		return false
	}
	switch brokerErr.StatusCode {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return true
	}
	return false
}
