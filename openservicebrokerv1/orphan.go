package openservicebrokerv1

import (
	"context"
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

// orphanMitigationAttempts bounds the deletions tried to clean up after an unknown outcome; each
// deletion request is retried by the transport on the client's retry budget, and all of them share
// one deadline, the wait's maximum.
const orphanMitigationAttempts = 3

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

// orphan is the instance, or the binding, that a provision or bind whose outcome is unknown may have
// created, with what its deletion sends besides the ids.
type orphan struct {
	instanceID string
	bindingID  string // empty for an instance
	serviceID  *string
	planID     *string
	headers    map[string]string
}

// creation is the kind of operation that may have created the orphan.
func (o orphan) creation() OperationKind {
	if o.bindingID != "" {
		return OperationBind
	}
	return OperationProvision
}

// mitigateOrphan deletes a resource whose creation had an unknown outcome, trying again after
// transient failures, and reports the result as an *OrphanMitigationError.
func (openServiceBroker *OpenServiceBrokerV1) mitigateOrphan(ctx context.Context, op string, created orphan, cause error, wait *WaitOptions) error {
	mitigation := &OrphanMitigationError{Operation: op, InstanceID: created.instanceID, BindingID: created.bindingID, Cause: cause}
	settings, err := wait.settings(op)
	if err != nil {
		mitigation.MitigationErr = err
		return mitigation
	}
	ctx, cancel := context.WithTimeout(ctx, settings.maxWait)
	defer cancel()
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			mitigation.MitigationErr = fmt.Errorf("stopped before deleting: %w", ctx.Err())
			return mitigation
		}
		err := openServiceBroker.removeOrphan(ctx, op, created, wait)
		if err == nil {
			mitigation.Completed, mitigation.MitigationErr = true, nil
			return mitigation
		}
		mitigation.MitigationErr = err
		if attempt+1 >= orphanMitigationAttempts || !deletionMayStillSucceed(err) {
			return mitigation
		}
		pause := func() error {
			return settings.clock.sleep(ctx, exponentialStep(settings.minDelay, settings.maxDelay, attempt))
		}
		if errors.Is(err, ErrConcurrencyError) {
			// The broker is still running the operation whose outcome was unknown: let it end
			// before deleting again, or every attempt meets the same ConcurrencyError.
			pause = func() error { return openServiceBroker.awaitOperationInFlight(ctx, op, created, wait) }
		}
		if pauseErr := pause(); pauseErr != nil {
			mitigation.MitigationErr = fmt.Errorf("%w; stopped: %w", err, pauseErr)
			return mitigation
		}
	}
}

// removeOrphan deletes the orphan (unbind or deprovision, with accepts_incomplete=true) and waits
// until it is gone.
func (openServiceBroker *OpenServiceBrokerV1) removeOrphan(ctx context.Context, op string, created orphan, wait *WaitOptions) error {
	if created.bindingID != "" {
		_, err := openServiceBroker.unbindAndWait(ctx, op, &DeleteServiceBindingOptions{InstanceID: &created.instanceID, BindingID: &created.bindingID,
			ServiceID: created.serviceID, PlanID: created.planID, Headers: created.headers}, wait)
		return err
	}
	_, _, err := openServiceBroker.deprovisionAndWait(ctx, op, &DeleteServiceInstanceOptions{InstanceID: &created.instanceID,
		ServiceID: created.serviceID, PlanID: created.planID, Headers: created.headers}, wait)
	return err
}

// awaitOperationInFlight waits until the operation the broker is running on the orphan ends,
// however it ends; it fails only when ctx is done or the wait used up its maximum. Its polls send
// what the deletion sends: service_id and plan_id, as the specification asks of polls, and the
// headers, but no originating identity.
func (openServiceBroker *OpenServiceBrokerV1) awaitOperationInFlight(ctx context.Context, op string, created orphan, wait *WaitOptions) error {
	var err error
	if created.bindingID != "" {
		_, _, err = openServiceBroker.waitForBinding(ctx, op, &WaitForBindingLastOperationOptions{
			InstanceID: &created.instanceID, BindingID: &created.bindingID, ServiceID: created.serviceID, PlanID: created.planID,
			Headers: created.headers, WaitOptions: wait.orDefaults(),
		})
	} else {
		_, _, err = openServiceBroker.waitForInstance(ctx, op, &WaitForLastOperationOptions{
			InstanceID: &created.instanceID, ServiceID: created.serviceID, PlanID: created.planID,
			Headers: created.headers, WaitOptions: wait.orDefaults(),
		})
	}
	if ctx.Err() != nil || errors.Is(err, ErrWaitTimeout) {
		return err
	}
	return nil
}

// deletionMayStillSucceed reports whether a failed deletion is worth sending again: after no
// answer, 429, 5xx, a ConcurrencyError or a failed asynchronous deletion; not after another 4xx
// or when the wait for the deletion used up its maximum.
func deletionMayStillSucceed(err error) bool {
	var failed *OperationFailedError
	var brokerErr *BrokerError
	switch {
	case errors.Is(err, ErrWaitTimeout):
		return false
	case errors.As(err, &failed), errors.Is(err, ErrConcurrencyError):
		return true
	case errors.As(err, &brokerErr) && brokerErr.StatusCode != 0:
		return isTransientStatus(brokerErr.StatusCode)
	default:
		return isTransientNoAnswer(err)
	}
}
