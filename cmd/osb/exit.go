package main

import (
	"context"
	"errors"
	"net/http"
	"syscall"

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
	// exitInterrupted is the shells' convention for a run ended by SIGINT (128+2), for every
	// command, osb check and osb demo included.
	exitInterrupted = 130
)

// usageError is a mistake in the command line or the configuration, found before anything was
// sent. The SDK's own refusals before sending (*ParameterError, *GuardError against the
// catalog, *ParametersInvalidError) count as such too.
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
	var guardErr *openservicebrokerv1.GuardError
	var invalidErr *openservicebrokerv1.ParametersInvalidError
	var usage usageError
	var check *checkError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, context.Canceled):
		return exitInterrupted
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
	case errors.As(err, &usage), errors.As(err, &parameterErr), errors.As(err, &guardErr), errors.As(err, &invalidErr):
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

// statusHints say what to do about the broker's typical rejections.
var statusHints = []struct {
	err  error
	hint string
}{
	{openservicebrokerv1.ErrUnauthorized, "check the broker credentials (osb target shows where they come from): --user, --token-file, a named target, or OPEN_SERVICE_BROKER_AUTH_TYPE and its variables"},
	{openservicebrokerv1.ErrPreconditionFailed, "the broker does not accept this X-Broker-API-Version; set another with --api-version"},
	{openservicebrokerv1.ErrConflict, "something with this id exists with other attributes (plan, parameters, context: platform, organization, space); osb get shows it, or choose another id"},
	{openservicebrokerv1.ErrConcurrencyError, "the broker is busy with another operation on it; wait for that one (osb last-operation ... --wait) and try again"},
	{openservicebrokerv1.ErrBadRequest, "the broker calls the request malformed or missing mandatory data; its description says what"},
	{openservicebrokerv1.ErrUnprocessable, "the broker cannot process the request as it is; its description says why"},
}

// hintFor says what to do about err, or "" when there is nothing to add.
func hintFor(err error) string {
	var hinted *hintedError
	if errors.As(err, &hinted) {
		return hinted.hint
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return "nothing listens at the broker's address: is the broker running, and is the URL right? (osb target shows the URL and where it comes from)"
	}
	for _, h := range statusHints {
		if errors.Is(err, h.err) {
			return h.hint
		}
	}
	return ""
}
