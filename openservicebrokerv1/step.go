package openservicebrokerv1

// Step: the one state machine of operations. It does at most one exchange with the broker and
// returns the next record; the blocking helpers are loops over it.
//
// DESIGN: which requests are sent again, and why that is safe. The specification makes every
// request a platform sends idempotent: a provision or bind sent again with the same body is
// answered 200 (an identical resource exists), 202 (it is being created) or 201; a deprovision
// or unbind sent again is answered 200, 202 or 410 Gone; polls change nothing. So a record is
// sent again, unchanged, after an answer that leaves the outcome unknown (no answer, 5xx, a 2xx
// the specification does not define, a 201 or 202 whose body cannot be read: the rows of "Orphan
// Mitigation" that call for a deletion), after 408, 429 and 422 ConcurrencyError ("Blocking
// Operations": the broker did not act), and after a crash that lost the answer (the stored
// record is still to_send). A replay never creates a second resource, because the ids are the
// record's. What a replay cannot settle goes to orphan mitigation.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// DefaultMaxMitigationDuration is how long orphan mitigation keeps trying to delete unless the
// policy says otherwise: as long as the platform's default polling duration, since the
// specification asks to keep trying until the broker answers with a success ("Orphan Mitigation").
const DefaultMaxMitigationDuration = DefaultPlatformMaxPollingDuration

// MitigationPolicy is what the platform chose to do with resources a create may have left, or
// a deletion failed to remove. The zero value is the default: mitigate failed and timed-out
// creates, for up to DefaultMaxMitigationDuration, and send failed deletions again until the
// record's deadline. An unknown outcome (no answer, 5xx, ...) is always settled: the
// specification's table asks for it, and no user can inspect what the platform never saw.
type MitigationPolicy struct {
	// KeepFailedCreates leaves an instance or binding whose asynchronous create ended "failed"
	// for the user to inspect (Cloud Controller's choice; the specification allows it: "the
	// Platform MAY allow end users to determine when orphan mitigation occurs"). The record ends
	// failed with Leftover set. By default it is deleted, as the specification's table asks.
	KeepFailedCreates bool
	// KeepTimedOutCreates leaves a create whose polling deadline passed; the record ends
	// timed_out with Leftover set. By default it is deleted: the operation "MUST be considered
	// failed" ("Polling Interval and Duration") and a failed create leaves an orphan.
	KeepTimedOutCreates bool
	// KeepFailedDeletes ends a deprovision or unbind whose asynchronous operation the broker
	// reported "failed": the record ends failed, with Leftover set and the broker's
	// instance_usable in Failure, for the user to decide. By default the deletion is sent again,
	// backing off, until the record's deadline: the table of "Orphan Mitigation" asks to mitigate
	// a failed deprovisioning or unbinding, and the Platform "SHOULD keep trying to delete them
	// until the Service Broker responds with a success". The blocking helpers keep failed
	// deletions: they report them to the caller at once.
	KeepFailedDeletes bool
	// MaxDuration bounds orphan mitigation, from its start; DefaultMaxMitigationDuration when zero.
	MaxDuration time.Duration
}

// StepOptions tune Step. A nil *StepOptions is the zero value: no key, the default policy and
// delays, the real clock.
type StepOptions struct {
	// Key opens the record's sealed request; the key it was created with.
	Key []byte
	// Policy is what to do with resources a failed create leaves.
	Policy MitigationPolicy
	// OnCredentials receives a bind's answer (its credentials) and must store it before it
	// returns; the record advances past the bind only after it returned nil. Required for bind
	// records. Step never keeps credentials in the record. It may be called more than once for
	// the same binding (a replay after a crash, two replicas): store idempotently.
	OnCredentials func(ctx context.Context, record OperationRecord, binding *BindingPutResp) error
	// MinDelay is the shortest wait before the next action and the first step of the backoff;
	// DefaultPollMinDelay when zero.
	MinDelay time.Duration
	// MaxDelay bounds the backoff (not a broker's Retry-After); DefaultPollMaxDelay when zero.
	MaxDelay time.Duration
	// Now tells the time; time.Now when nil.
	Now func() time.Time

	// steady turns the jitter off: the blocking helpers, one wait per process, poll at the
	// documented delays.
	steady bool
	// retrySends keeps the client's retries on for sends (requests, deletions, fetches): the
	// blocking helpers retry their requests as every other call of the client does.
	retrySends bool
}

// stepSettings are StepOptions with the defaults applied.
type stepSettings struct {
	StepOptions
}

func (options *StepOptions) settings(record OperationRecord) (stepSettings, error) {
	const op = "Step"
	if options == nil {
		options = &StepOptions{}
	}
	wait := WaitOptions{MinDelay: options.MinDelay, MaxDelay: options.MaxDelay}
	resolved, err := wait.settings(op)
	if err != nil {
		return stepSettings{}, err
	}
	s := stepSettings{StepOptions: *options}
	s.MinDelay, s.MaxDelay = resolved.minDelay, resolved.maxDelay
	if s.Policy.MaxDuration == 0 {
		s.Policy.MaxDuration = DefaultMaxMitigationDuration
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return s, s.check(op, record)
}

func (s stepSettings) check(op string, record OperationRecord) error {
	if err := record.check(op); err != nil {
		return err
	}
	if err := checkKey(op, s.Key); err != nil {
		return err
	}
	if len(record.Sealed) > 0 && s.Key == nil {
		return &ParameterError{Operation: op, Parameter: "StepOptions.Key", Problem: "is missing; the record's request is sealed: give the key it was created with"}
	}
	if record.Kind == OperationBind && s.OnCredentials == nil {
		return &ParameterError{Operation: op, Parameter: "StepOptions.OnCredentials", Problem: "is missing; a bind record hands the binding's credentials to it"}
	}
	if s.Policy.MaxDuration < 0 {
		return &ParameterError{Operation: op, Parameter: "StepOptions.Policy.MaxDuration", Problem: "must not be negative"}
	}
	return nil
}

// Validate reports, without sending anything, whether Step can take the record. A record read
// back from a store is untrusted input: an unknown version, kind or phase, missing ids or
// deadlines give a *ParameterError that names the record.
func (r OperationRecord) Validate() error {
	return r.check("Validate")
}

// check rejects a record this version cannot step.
func (r OperationRecord) check(op string) error {
	problem := ""
	switch {
	case r.Version != OperationRecordVersion:
		problem = fmt.Sprintf("has version %d; this SDK reads version %d", r.Version, OperationRecordVersion)
	case !r.Kind.valid():
		problem = fmt.Sprintf("has the unknown kind %q", r.Kind)
	case r.InstanceID == "" || (r.ServiceID == "" && r.Phase != PhaseInProgress):
		problem = "lacks its instance_id or service_id; create records with the New...Record constructors"
	case (r.Kind == OperationBind || r.Kind == OperationUnbind) != (r.BindingID != ""):
		problem = "has a binding_id that does not fit its kind"
	case !r.Phase.valid():
		problem = fmt.Sprintf("has the unknown phase %q", r.Phase)
	case r.Deadline.IsZero():
		problem = "lacks its deadline"
	case !r.NoReplay && len(r.Sealed) == 0:
		problem = "has no sealed request and no no_replay"
	case r.MitigationDeadline == nil && (r.Phase == PhaseNeedsMitigation || r.Phase == PhaseMitigating):
		problem = fmt.Sprintf("is in phase %s without a mitigation_deadline", r.Phase)
	default:
		return nil
	}
	return &ParameterError{Operation: op, Parameter: "record " + r.name(), Problem: problem}
}

// name identifies a record in an error: its kind and ids, as printable text of bounded length
// (a record read from a store is untrusted input).
func (r OperationRecord) name() string {
	name := fmt.Sprintf("%q of instance %q", r.Kind, r.InstanceID)
	if r.BindingID != "" {
		name += fmt.Sprintf(", binding %q", r.BindingID)
	}
	return printablePrefix([]byte(name), maxMessageText)
}

func (p OperationPhase) valid() bool {
	switch p {
	case PhaseToSend, PhaseInProgress, PhaseSucceeded, PhaseFailed, PhaseTimedOut, PhaseNeedsMitigation, PhaseMitigating, PhaseRemoved:
		return true
	}
	return false
}

// exchange is what the broker answered in one Step, for the blocking helpers.
type exchange struct {
	response *core.DetailedResponse
	err      error
	state    reportedState // of a poll
	result   any           // the decoded answer of a send or a fetch
}

// Step advances an operation record by at most one exchange with the broker and returns the
// next record; store it, then call Step again once NextAt has come (until Done). Scheduling is
// the caller's: Step does not compare NextAt with the time, it acts when called, so a caller
// that steps early polls early. Step never sleeps and starts no goroutine; the transport's own
// retries are off inside it, the record's backoff replaces them. ctx bounds the one exchange
// only: orphan mitigation follows the record's own deadline, whatever happens to any caller's
// context.
//
// A sealed record stepped twice, by two replicas at once, or again after a crash, is safe:
// requests are sent again only as the specification makes them idempotent (see the package's
// DESIGN note in step.go), so no resource is created twice, and what may have been created is
// deleted (orphan mitigation) rather than forgotten. The broker is then right; for the record
// to be right too, store Step's result only if the stored record is still the one stepped
// (compare-and-swap), so that a replica's stale result never overwrites a newer one. A NoReplay
// record is not safe that way: read back from a store while its first send is still under way
// in the process that created it, it goes to orphan mitigation, whose deletion can race that
// send. Step one NoReplay record in one process only, or seal the request.
//
// The error is not the broker's: its failures are recorded in the record (LastError, Failure).
// Step returns an error, and the record unchanged, when the record or options are invalid, the
// key does not open the record, or nothing could be sent (ctx done, authentication failed). It
// returns an error together with an advanced record when OnCredentials failed: the record then
// fetches the credentials again at its next Step.
func (openServiceBroker *OpenServiceBrokerV1) Step(ctx context.Context, record OperationRecord, options *StepOptions) (OperationRecord, error) {
	next, _, err := openServiceBroker.step(ctx, record, options)
	return next, err
}

// stepper is one Step: the client, the settings, the record and the time the Step began.
type stepper struct {
	client *OpenServiceBrokerV1
	stepSettings
	record OperationRecord
	now    time.Time
}

func (openServiceBroker *OpenServiceBrokerV1) step(ctx context.Context, record OperationRecord, options *StepOptions) (OperationRecord, exchange, error) {
	settings, err := options.settings(record)
	if err != nil || record.Done() {
		return record, exchange{}, err
	}
	st := &stepper{client: openServiceBroker, stepSettings: settings, record: record, now: settings.Now()}
	if next, expired := st.expire(); expired {
		return next, exchange{}, nil
	}
	pollCtx, sendCtx := withoutRetries(ctx), withoutRetries(ctx)
	if settings.retrySends {
		sendCtx = ctx
	}
	switch record.Phase {
	case PhaseToSend:
		return st.send(sendCtx)
	case PhaseInProgress:
		if record.CredentialsPending {
			return st.fetchCredentials(sendCtx)
		}
		return st.poll(pollCtx)
	case PhaseNeedsMitigation:
		if record.InFlight {
			return st.pollInFlight(pollCtx)
		}
		return st.deleteOrphan(sendCtx)
	default: // PhaseMitigating
		return st.pollOrphan(pollCtx)
	}
}

// expire ends a record whose deadline passed: "If either the Platform or Service Plan's maximum
// polling duration is reached, the Platform SHOULD cease polling and the operation state MUST be
// considered failed" ("Polling Interval and Duration"). A create then goes to orphan mitigation
// (unless the policy keeps timed-out creates): even one still to_send after a busy answer, since
// a later send may have created the resource before a crash lost its answer. A mitigation whose
// own deadline passed ends failed with Leftover set.
func (st *stepper) expire() (OperationRecord, bool) {
	r := st.record
	switch r.Phase {
	case PhaseNeedsMitigation, PhaseMitigating:
		if st.now.Before(*r.MitigationDeadline) {
			return r, false
		}
		r.Phase, r.Leftover, r.NextAt = PhaseFailed, true, st.now
		return r, true
	}
	if st.now.Before(r.Deadline) {
		return r, false
	}
	r.Failure = &RecordedError{Description: fmt.Sprintf("the maximum polling duration passed (deadline %s): the operation is considered failed", r.Deadline.UTC().Format(time.RFC3339))}
	switch {
	case !r.Kind.creates():
		r = st.ended(r, PhaseTimedOut)
		r.Leftover = r.Kind.deletes() // the deletion did not end: the resource may remain
	case r.Phase == PhaseInProgress && !r.OutcomeUnknown && st.Policy.KeepTimedOutCreates:
		r = st.ended(r, PhaseTimedOut)
		r.Leftover = true
	default:
		r = st.startMitigation(r)
	}
	return r, true
}

// ended moves r to a final phase.
func (st *stepper) ended(r OperationRecord, phase OperationPhase) OperationRecord {
	r.Phase, r.NextAt, r.CredentialsPending = phase, st.now, false
	return r
}

// entered moves r to a phase whose first action is due now.
func (st *stepper) entered(r OperationRecord, phase OperationPhase) OperationRecord {
	r.Phase, r.Attempts, r.NextAt = phase, 0, st.now
	return r
}

// startMitigation moves r to orphan mitigation, with its own deadline.
func (st *stepper) startMitigation(r OperationRecord) OperationRecord {
	deadline := st.now.Add(st.Policy.MaxDuration)
	r = st.entered(r, PhaseNeedsMitigation)
	r.MitigationDeadline, r.CredentialsPending = &deadline, false
	return r
}

// createFailed ends a create the broker reported failed: orphan mitigation, or with
// KeepFailedCreates the failed resource left for the user to inspect.
func (st *stepper) createFailed(r OperationRecord) OperationRecord {
	if st.Policy.KeepFailedCreates {
		r = st.ended(r, PhaseFailed)
		r.Leftover = true
		return r
	}
	return st.startMitigation(r)
}

// later schedules the next attempt of the same phase: the broker's Retry-After (seconds or an
// HTTP date, never less than MinDelay), else a backoff from MinDelay to MaxDelay with jitter, so
// that the records of many replicas spread out. It never schedules past the phase's deadline,
// so that the deadline is acted on in time.
func (st *stepper) later(r OperationRecord, response *core.DetailedResponse) OperationRecord {
	r.Attempts++
	return st.after(r, response, r.Attempts-1)
}

// deleteAgain sends a deletion the broker reported failed again, in phase (to_send for a
// deprovision or unbind record, needs_mitigation for orphan mitigation), after a backoff that
// grows with the failed deletions (Retries), not with the polls of the latest one. A poll's
// Retry-After is about polling, not about sending again: it is not followed here.
func (st *stepper) deleteAgain(r OperationRecord, phase OperationPhase) OperationRecord {
	r.Retries++
	r = st.entered(r, phase)
	return st.after(r, nil, r.Retries-1)
}

// after schedules r's next action: Retry-After, else the backoff's step. The wait counts from
// the answer, not from the Step's start, so that a slow exchange does not shorten it.
func (st *stepper) after(r OperationRecord, response *core.DetailedResponse, step int) OperationRecord {
	answered := st.Now()
	delay, ok := time.Duration(0), false
	if response != nil {
		delay, ok = parseRetryAfter(response.Headers, answered)
	}
	if !ok {
		delay = exponentialStep(st.MinDelay, st.MaxDelay, step)
		if !st.steady {
			delay = jitter(delay)
		}
	}
	r.NextAt = answered.Add(max(delay, st.MinDelay))
	deadline := r.Deadline
	if r.MitigationDeadline != nil && (r.Phase == PhaseNeedsMitigation || r.Phase == PhaseMitigating) {
		deadline = *r.MitigationDeadline
	}
	if r.NextAt.After(deadline) {
		r.NextAt = deadline
	}
	return r
}

// recordedError is a failure as a record keeps it: bounded, printable, without credentials (the
// client scrubbed them from the broker's text; the error text of a failed exchange names no
// secret: URLs are redacted).
func recordedError(response *core.DetailedResponse, err error) *RecordedError {
	recorded := &RecordedError{}
	var brokerErr *BrokerError
	switch {
	case errors.As(err, &brokerErr):
		recorded.ErrorCode = printablePrefix([]byte(brokerErr.ErrorCode), maxMessageText)
		recorded.Description = printablePrefix([]byte(brokerErr.Description), maxMessageText)
		recorded.InstanceUsable, recorded.UpdateRepeatable = brokerErr.InstanceUsable, brokerErr.UpdateRepeatable
	case err != nil:
		recorded.Description = printablePrefix([]byte(err.Error()), maxMessageText)
	}
	if response != nil {
		recorded.Status = response.StatusCode
		recorded.RequestIdentity = printablePrefix([]byte(response.Headers.Get(HeaderRequestIdentity)), maxMessageText)
	}
	if recorded.RequestIdentity == "" && brokerErr != nil {
		recorded.RequestIdentity = brokerErr.RequestIdentity
	}
	return recorded
}

// nothingSent reports whether err says the request never reached the broker: the record stays
// as it was and Step returns the error.
func nothingSent(response *core.DetailedResponse, err error) bool {
	if err == nil || (response != nil && response.StatusCode != 0) {
		return false
	}
	var notSent *requestNotSentError
	var parameterErr *ParameterError
	return errors.As(err, &notSent) || errors.As(err, &parameterErr) || isAuthenticationFailure(err) ||
		!reachedTransport(err) || !isTransientTransportError(err)
}

// status is the answer's HTTP status; 0 without an answer.
func status(response *core.DetailedResponse) int {
	if response == nil {
		return 0
	}
	return response.StatusCode
}

// isBusy reports answers that say the broker did not act and asks to come back: 408 ("request
// not received at the server", "Orphan Mitigation"), 429 and 422 ConcurrencyError ("Blocking
// Operations": Platforms MUST NOT perform orphan mitigation on it).
func isBusy(response *core.DetailedResponse, err error) bool {
	code := status(response)
	return code == http.StatusRequestTimeout || code == http.StatusTooManyRequests || errors.Is(err, ErrConcurrencyError)
}
