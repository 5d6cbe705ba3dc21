package openservicebrokerv1

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"
)

// NeedsOrphanMitigation reports whether the outcome of an operation of the given kind leaves
// the platform unsure whether the broker created (provision, bind) or deleted (deprovision,
// unbind) the resource. The platform should then delete it (deprovision or unbind) and keep
// trying until the broker answers 200 or 410. Pass what the client method returned.
//
// It follows the table of the section "Orphan Mitigation" of OSB v2.17, row by row for the
// kind of operation:
//
//	broker answer                                provision, bind   deprovision, unbind   update
//	200 OK, with a good or a malformed body      no                no                    no
//	201 Created                                  no                yes (1)               no
//	201 Created with a malformed body            yes               yes (1)               no
//	202 Accepted                                 no                no                    no
//	202 Accepted with a malformed body           yes               yes (2)               no
//	any other 2xx (204, 206, ...)                yes               yes                   no
//	408 Request Timeout, any other 4xx           no                no                    no
//	5xx                                          yes               yes                   no
//	timeout or no answer (any transport failure) yes               no                    no
//
// (1) The table's "_All_ 201: Success" row contradicts the Deprovisioning and Unbinding Response
// sections, which define no 201 and say any other status MUST be a failure: the Response
// sections win, and a 201 to a deletion is treated as one of "All other 2xx".
// (2) The table has no row for a malformed 202 to a deletion: the deletion may be under way
// while its operation cannot be polled, so it is treated like its 5xx row: delete again.
//
// A malformed body is one the client could not read or decode, or one that breaks a rule the
// specification sets for it (ErrMalformedAnswer): the method returned an error together with a
// 2xx response.
//
// Outcomes where nothing reached the broker need no mitigation: invalid options, a failed
// authentication (such as an IAM token request), and a context that was done before the request
// was sent. A transport failure counts as "no answer" even when it looks like the connection was
// never made, because with retries an earlier attempt of the same call may have reached the
// broker; a deletion of a resource that does not exist is answered 410, which ends mitigation.
// Answers outside the table (1xx, 3xx) are failures that need no mitigation, and so is any
// outcome of an operation that is not one of the five kinds.
//
// Failed asynchronous operations (last operation "failed") are a matter of the waiters.
func NeedsOrphanMitigation(kind OperationKind, response *core.DetailedResponse, err error) bool {
	if isAuthenticationFailure(err) {
		return false
	}
	if response != nil && response.StatusCode != 0 {
		return answerNeedsMitigation(kind, response.StatusCode, err != nil)
	}
	return kind.creates() && reachedTransport(err)
}

// answerNeedsMitigation applies the table to a broker answer to an operation of kind; malformed
// says the client could not use its body.
func answerNeedsMitigation(kind OperationKind, status int, malformed bool) bool {
	switch {
	case kind == OperationUpdate || !kind.valid():
		return false
	case status == http.StatusOK:
		return false
	case status == http.StatusCreated && kind.deletes():
		return true
	case status == http.StatusCreated, status == http.StatusAccepted:
		return malformed
	case status >= 200 && status <= 299:
		return true
	default:
		return status >= 500 && status <= 599
	}
}

// reachedTransport reports whether err comes from sending the request (net/http reports every
// such failure as a *url.Error), unless it was marked as never sent.
func reachedTransport(err error) bool {
	var notSent *requestNotSentError
	if err == nil || errors.As(err, &notSent) {
		return false
	}
	var transportErr *url.Error
	return errors.As(err, &transportErr)
}

// requestNotSentError marks an error raised before the request was handed to the transport,
// typically a context that was already done. net/http reports such a context the same way as one
// that ends while the broker is working, so only the code that checked before sending can tell.
type requestNotSentError struct {
	err error
}

func (e *requestNotSentError) Error() string {
	return e.err.Error()
}

func (e *requestNotSentError) Unwrap() error {
	return e.err
}

// requestNotSent marks err as raised before the request was sent, so that NeedsOrphanMitigation
// does not ask to clean up after a request the broker never saw. The message is unchanged.
func requestNotSent(err error) error {
	if err == nil {
		return nil
	}
	return &requestNotSentError{err: err}
}

// OrphanMitigationError is the error of ProvisionAndWait and BindAndWait when the broker may have
// created the instance or binding without the platform knowing (see NeedsOrphanMitigation) and the
// helper therefore deleted it again, as the specification's "Orphan Mitigation" section asks.
// Find it with errors.As; errors.Is and errors.As also reach Cause and MitigationErr.
type OrphanMitigationError struct {
	// Operation is the helper that ran the mitigation: "ProvisionAndWait" or "BindAndWait".
	Operation string
	// InstanceID is the service instance that was provisioned, or whose binding was created.
	InstanceID string
	// BindingID is the service binding that was created; empty for a provision.
	BindingID string
	// Cause is the failure that made the outcome unknown.
	Cause error
	// Completed says the broker confirmed the deletion (200, or 410 Gone); the resource can be
	// created again. When false, the resource may still exist: delete it later.
	Completed bool
	// MitigationErr is why the deletion did not complete; nil when Completed.
	MitigationErr error
}

// Error says what failed and what the mitigation achieved.
func (e *OrphanMitigationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the broker may have created %s: %v; ", e.Operation, describeResource(e.InstanceID, e.BindingID), e.Cause)
	if e.Completed {
		b.WriteString("orphan mitigation deleted it, so it can be created again")
		return b.String()
	}
	fmt.Fprintf(&b, "orphan mitigation could not delete it (%v); delete it later with %s", e.MitigationErr, e.retryHint())
	return b.String()
}

func (e *OrphanMitigationError) retryHint() string {
	if e.BindingID != "" {
		return "UnbindAndWait"
	}
	return "DeprovisionAndWait"
}

// Unwrap returns the original failure and, when the mitigation did not complete, its failure.
func (e *OrphanMitigationError) Unwrap() []error {
	var errs []error
	for _, err := range []error{e.Cause, e.MitigationErr} {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}
