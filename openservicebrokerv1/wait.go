package openservicebrokerv1

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
)

// Defaults of the waiters for asynchronous operations.
const (
	// DefaultPollMinDelay is the first wait between two polls when the broker sends no Retry-After.
	DefaultPollMinDelay = time.Second
	// DefaultPollMaxDelay bounds the exponential backoff between polls (not a Retry-After).
	DefaultPollMaxDelay = 30 * time.Second
	// DefaultMaxWait bounds a whole wait unless the options or the plan's
	// maximum_polling_duration say otherwise.
	DefaultMaxWait = time.Hour
)

// ErrWaitTimeout is matched by errors.Is when an operation did not end within the maximum wait.
// The operation may still finish: poll it again later with the same operation value.
var ErrWaitTimeout = errors.New("the operation did not end within the maximum wait")

// PollEvent describes one poll of a last_operation endpoint, for progress display.
type PollEvent struct {
	// State is the state the broker reported: "in progress", "succeeded" or "failed";
	// empty when the poll got no valid answer.
	State string
	// Description is the broker's message about the progress, if any.
	Description string
	// Attempt counts the polls of this wait, starting at 1.
	Attempt int
	// Elapsed is the time since the wait started.
	Elapsed time.Duration
	// Err is why the poll got no valid answer; the wait goes on when the failure is transient.
	Err error
}

// WaitOptions tune how a waiter polls. The zero value (or nil) selects the defaults. Waits only
// read their WaitOptions, so one value may serve many concurrent waits (OnPoll is then called
// concurrently).
type WaitOptions struct {
	// MinDelay is the first wait between polls when the broker sends no Retry-After, and the
	// shortest wait in any case; DefaultPollMinDelay when zero.
	MinDelay time.Duration
	// MaxDelay bounds the exponential backoff between polls; DefaultPollMaxDelay when zero.
	// A broker's Retry-After may ask for a longer wait, which is honoured.
	MaxDelay time.Duration
	// MaxWait bounds the whole wait; when zero, MaximumPollingDuration or else DefaultMaxWait.
	MaxWait time.Duration
	// MaximumPollingDuration is the plan's maximum_polling_duration in seconds, if the caller
	// has it from the catalog. The wait ends at the smaller of it and MaxWait.
	MaximumPollingDuration *int64
	// OnPoll, when set, is called after every poll.
	OnPoll func(PollEvent)
	// Deletion says the awaited operation is a deprovision or an unbind: then 410 Gone (and 404
	// Not Found) to a poll means it is done. The *AndWait helpers set it themselves.
	Deletion bool
	// OnRecord, when set, makes a helper's operation resumable by another process: the *AndWait
	// helpers and AwaitRecord call it with the operation's record before its first Step and
	// with each record Step returns, before acting again. It stores the record; an error ends
	// the wait. With OnRecord, a record's deadline is its polling limit (the plan's
	// maximum_polling_duration, else DefaultPlatformMaxPollingDuration), not MaxWait, so that
	// a later AwaitRecord can go on after this wait ended.
	OnRecord func(ctx context.Context, record OperationRecord) error
	// RecordKey, when set, seals the helpers' request in their record (see RecordConfig.Key),
	// so that a record stored by OnRecord can send it again after a crash; AwaitRecord opens
	// the record with it. Without it the request stays in memory (RecordConfig.NoReplay).
	RecordKey []byte
	// OnCredentials, when set, receives a bind's answer (its credentials) in BindAndWait and
	// AwaitRecord before the record advances past the bind (see StepOptions.OnCredentials).
	OnCredentials func(ctx context.Context, record OperationRecord, binding *BindingPutResp) error

	clock waitClock // nil: the real clock; tests replace it
}

// NewWaitOptions returns WaitOptions with the defaults, to be tuned with the setters.
func NewWaitOptions() *WaitOptions {
	return &WaitOptions{}
}

// SetMinDelay sets MinDelay and returns the options for chaining.
func (options *WaitOptions) SetMinDelay(delay time.Duration) *WaitOptions {
	options.MinDelay = delay
	return options
}

// SetMaxDelay sets MaxDelay and returns the options for chaining.
func (options *WaitOptions) SetMaxDelay(delay time.Duration) *WaitOptions {
	options.MaxDelay = delay
	return options
}

// SetMaxWait sets MaxWait and returns the options for chaining.
func (options *WaitOptions) SetMaxWait(maxWait time.Duration) *WaitOptions {
	options.MaxWait = maxWait
	return options
}

// SetMaximumPollingDuration sets MaximumPollingDuration (seconds, from the plan) and returns
// the options for chaining.
func (options *WaitOptions) SetMaximumPollingDuration(seconds int64) *WaitOptions {
	options.MaximumPollingDuration = core.Int64Ptr(seconds)
	return options
}

// SetOnPoll sets OnPoll and returns the options for chaining.
func (options *WaitOptions) SetOnPoll(onPoll func(PollEvent)) *WaitOptions {
	options.OnPoll = onPoll
	return options
}

// SetDeletion sets Deletion and returns the options for chaining.
func (options *WaitOptions) SetDeletion(deletion bool) *WaitOptions {
	options.Deletion = deletion
	return options
}

// recordConfig is how the *AndWait helpers create their record: sealed with RecordKey, else
// without replay.
func (options *WaitOptions) recordConfig() RecordConfig {
	if options != nil && options.RecordKey != nil {
		return RecordConfig{Key: options.RecordKey}
	}
	return RecordConfig{NoReplay: true}
}

func (options *WaitOptions) deletion() bool {
	return options != nil && options.Deletion
}

// waitSettings are WaitOptions with the defaults applied.
type waitSettings struct {
	minDelay, maxDelay, maxWait time.Duration
	onPoll                      func(PollEvent)
	clock                       waitClock
}

// settings checks the options and applies the defaults; nil options are the defaults.
func (options *WaitOptions) settings(op string) (waitSettings, error) {
	if options == nil {
		options = &WaitOptions{}
	}
	if err := options.validate(op); err != nil {
		return waitSettings{}, err
	}
	resolved := waitSettings{minDelay: options.MinDelay, maxDelay: options.MaxDelay, maxWait: options.maxWait(),
		onPoll: options.OnPoll, clock: options.clock}
	switch {
	case resolved.minDelay == 0 && resolved.maxDelay == 0:
		resolved.minDelay, resolved.maxDelay = DefaultPollMinDelay, DefaultPollMaxDelay
	case resolved.minDelay == 0:
		resolved.minDelay = min(DefaultPollMinDelay, resolved.maxDelay)
	case resolved.maxDelay == 0:
		resolved.maxDelay = max(DefaultPollMaxDelay, resolved.minDelay)
	}
	if resolved.clock == nil {
		resolved.clock = realClock{}
	}
	return resolved, nil
}

func (options *WaitOptions) validate(op string) error {
	for _, field := range []struct {
		name  string
		value time.Duration
	}{{"MinDelay", options.MinDelay}, {"MaxDelay", options.MaxDelay}, {"MaxWait", options.MaxWait}} {
		if field.value < 0 {
			return &ParameterError{Operation: op, Parameter: field.name, Problem: fmt.Sprintf("must not be negative, got %s", field.value)}
		}
	}
	if options.MinDelay > 0 && options.MaxDelay > 0 && options.MinDelay > options.MaxDelay {
		return &ParameterError{Operation: op, Parameter: "MinDelay", Problem: fmt.Sprintf("(%s) must not exceed MaxDelay (%s)", options.MinDelay, options.MaxDelay)}
	}
	if options.MaximumPollingDuration != nil && *options.MaximumPollingDuration <= 0 {
		return &ParameterError{Operation: op, Parameter: "MaximumPollingDuration", Problem: fmt.Sprintf("must be a positive number of seconds, got %d", *options.MaximumPollingDuration)}
	}
	return nil
}

// maxWait is the smaller of MaxWait and the plan's maximum_polling_duration, both optional.
func (options *WaitOptions) maxWait() time.Duration {
	limit := options.MaxWait
	if options.MaximumPollingDuration != nil {
		planLimit := secondsToDuration(*options.MaximumPollingDuration)
		if limit == 0 || planLimit < limit {
			limit = planLimit
		}
	}
	if limit == 0 {
		return DefaultMaxWait
	}
	return limit
}

// waitClock tells the time and sleeps; tests replace the real one so that no test sleeps for seconds.
type waitClock interface {
	now() time.Time
	// sleep waits for d or until ctx is done, whichever comes first, and returns ctx.Err() in the latter case.
	sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) now() time.Time { return time.Now() }

func (realClock) sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// AwaitLastOperation polls the last operation of a service instance (the request options give
// it) until the broker reports it succeeded or failed, and returns the final answer; wait may be
// nil for the defaults, and its Deletion says a deprovision is awaited. It is a loop over Step.
//
// Between polls it waits as long as the broker's Retry-After asks (seconds or HTTP date), and
// never less than MinDelay; without Retry-After it backs off exponentially from MinDelay to
// MaxDelay. It returns:
//   - on "succeeded": the final answer and a nil error;
//   - on "failed": the final answer and an *OperationFailedError;
//   - for a deletion answered 410 Gone or 404 Not Found: a nil result, that response and a nil error;
//   - after MaxWait, or as soon as the next poll could only happen after it: an error wrapping ErrWaitTimeout;
//   - once ctx is done: at once, with an error wrapping ctx.Err();
//   - on a 4xx other than 410 and 429 (and 404 for a deletion), or 501: that error, since polling
//     again cannot help. A stored record (Step) polls through these, as the specification asks.
//
// Transient failures are polled through until the maximum wait: no answer, 429, 5xx, a 2xx the
// client cannot read, and (as the specification asks) 410 while no deletion is awaited. The
// error returned after the maximum wait also wraps the last such failure.
func (openServiceBroker *OpenServiceBrokerV1) AwaitLastOperation(ctx context.Context, options *GetLastOperationOptions, wait *WaitOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error) {
	return openServiceBroker.awaitInstance(ctx, "AwaitLastOperation", options, wait)
}

// awaitInstance is AwaitLastOperation under the name of the call that waits.
func (openServiceBroker *OpenServiceBrokerV1) awaitInstance(ctx context.Context, op string, options *GetLastOperationOptions, wait *WaitOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error) {
	if _, err := options.request(); err != nil {
		return nil, nil, err
	}
	target := operationTarget{instanceID: *options.InstanceID, operation: options.Operation, deletion: wait.deletion()}
	sent := extras{OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers}
	return awaitResult[InstanceLastOperationResp](openServiceBroker.awaitPoll(ctx, op, target, options.ServiceID, options.PlanID, sent, wait))
}

// AwaitServiceBindingLastOperation polls the last operation of a service binding until the
// broker reports it succeeded or failed, and returns the final answer. It behaves as
// AwaitLastOperation; for an unbind (wait's Deletion), 410 Gone means the binding is gone. After
// a bind succeeded, fetch the binding's credentials with GetServiceBinding (or use BindAndWait,
// or a bind record, which do).
func (openServiceBroker *OpenServiceBrokerV1) AwaitServiceBindingLastOperation(ctx context.Context, options *GetServiceBindingLastOperationOptions, wait *WaitOptions) (*BindingLastOperationResp, *core.DetailedResponse, error) {
	return openServiceBroker.awaitBinding(ctx, "AwaitServiceBindingLastOperation", options, wait)
}

// awaitBinding is AwaitServiceBindingLastOperation under the name of the call that waits.
func (openServiceBroker *OpenServiceBrokerV1) awaitBinding(ctx context.Context, op string, options *GetServiceBindingLastOperationOptions, wait *WaitOptions) (*BindingLastOperationResp, *core.DetailedResponse, error) {
	if _, err := options.request(); err != nil {
		return nil, nil, err
	}
	target := operationTarget{instanceID: *options.InstanceID, bindingID: *options.BindingID, operation: options.Operation, deletion: wait.deletion()}
	sent := extras{OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers}
	return awaitResult[BindingLastOperationResp](openServiceBroker.awaitPoll(ctx, op, target, options.ServiceID, options.PlanID, sent, wait))
}

// awaitResult is a waiter's answer: the last poll's result as the waiter's result type.
func awaitResult[Result any](last exchange, err error) (*Result, *core.DetailedResponse, error) {
	result, _ := last.result.(*Result)
	return result, last.response, err
}

// awaitPoll polls the last operation of the target until it ends. The polls send the given ids,
// originating identity and headers, kept in memory only.
func (openServiceBroker *OpenServiceBrokerV1) awaitPoll(ctx context.Context, op string, target operationTarget, serviceID, planID *string, sent extras, wait *WaitOptions) (exchange, error) {
	unsent, _ := json.Marshal(sent) // strings only: it cannot fail
	record := OperationRecord{Version: OperationRecordVersion, Kind: target.pollKind(), Phase: PhaseInProgress,
		InstanceID: target.instanceID, BindingID: target.bindingID, ServiceID: stringOrEmpty(serviceID), PlanID: stringOrEmpty(planID),
		Operation: stringOrEmpty(target.operation), NoReplay: true, unsent: unsent}
	plan, err := newWaitPlan(op, openServiceBroker.withCatalogPollingLimit(wait.orDefaults(), nonEmpty(record.ServiceID), nonEmpty(record.PlanID)), target)
	if err != nil {
		return exchange{}, err
	}
	record.Started, record.NextAt = plan.clock.now(), plan.clock.now()
	record.Deadline = record.Started.Add(plan.maxWait)
	// A waiter reports a bind's success and leaves its credentials to the caller.
	run := openServiceBroker.newDriver(plan, func(context.Context, OperationRecord, *BindingPutResp) error { return nil })
	run.pollOnly = true
	_, err = run.run(ctx, record)
	return run.last, err
}

// OperationFailedError is the error of a wait that ended in state "failed". Find it with errors.As.
type OperationFailedError struct {
	// Operation is the broker's operation value that was polled; empty when the broker gave none.
	Operation string
	// InstanceID is the service instance the operation ran on.
	InstanceID string
	// BindingID is the service binding the operation ran on; empty for an instance operation.
	BindingID string
	// Description is the broker's message about the failure, if any.
	Description string
	// InstanceUsable is the broker's instance_usable after a failed update or deprovision; nil when absent.
	InstanceUsable *bool
	// UpdateRepeatable is the broker's update_repeatable after a failed update; nil when absent.
	UpdateRepeatable *bool
	// Response is the final last_operation answer.
	Response *core.DetailedResponse

	waiter string
}

// Error says which operation failed on which resource and what the broker said.
func (e *OperationFailedError) Error() string {
	var b strings.Builder
	if e.waiter != "" {
		b.WriteString(e.waiter + ": ")
	}
	b.WriteString("asynchronous operation")
	if e.Operation != "" {
		b.WriteString(" " + strconv.Quote(printablePrefix([]byte(e.Operation), maxMessageText)))
	}
	b.WriteString(" on " + describeResource(e.InstanceID, e.BindingID) + " failed")
	if description := printablePrefix([]byte(e.Description), maxMessageText); description != "" {
		b.WriteString(": " + description)
	}
	if e.InstanceUsable != nil && !*e.InstanceUsable {
		b.WriteString("; the instance is no longer usable")
	}
	if e.UpdateRepeatable != nil && !*e.UpdateRepeatable {
		b.WriteString("; the update must not be repeated")
	}
	return b.String()
}

// describeResource names an instance or a binding in messages, quoted and bounded.
func describeResource(instanceID, bindingID string) string {
	instance := "service instance " + strconv.Quote(printablePrefix([]byte(instanceID), maxMessageText))
	if bindingID == "" {
		return instance
	}
	return "service binding " + strconv.Quote(printablePrefix([]byte(bindingID), maxMessageText)) + " of " + instance
}

// operationTarget is what a wait is about.
type operationTarget struct {
	instanceID, bindingID string
	operation             *string
	deletion              bool
}

// pollKind is the kind of a waiter's record: a waiter knows only the target and whether it is
// a deletion.
func (target operationTarget) pollKind() OperationKind {
	switch {
	case target.bindingID == "" && target.deletion:
		return OperationDeprovision
	case target.bindingID == "":
		return OperationProvision
	case target.deletion:
		return OperationUnbind
	}
	return OperationBind
}

// waitPlan is everything the polling loop needs besides the poll itself.
type waitPlan struct {
	waitSettings
	name   string // the public method, for error messages
	target operationTarget
}

func newWaitPlan(name string, options WaitOptions, target operationTarget) (*waitPlan, error) {
	settings, err := options.settings(name)
	if err != nil {
		return nil, err
	}
	return &waitPlan{waitSettings: settings, name: name, target: target}, nil
}

// reportedState is the part of a last_operation answer the polling loop reads, whatever the resource.
type reportedState struct {
	state, description               *string
	instanceUsable, updateRepeatable *bool
}

func (s reportedState) text() (state, description string) {
	return core.StringNilMapper(s.state), core.StringNilMapper(s.description)
}

// pollVerdict is what one poll means for the wait.
type pollVerdict int

const (
	keepPolling pollVerdict = iota
	operationSucceeded
	operationFailed
)

// judgeState reads a valid answer's state; bindings spell their states as instances do.
func judgeState(state reportedState) (pollVerdict, error) {
	value, _ := state.text()
	switch value {
	case InstanceLastOperationRespStateSucceededConst:
		return operationSucceeded, nil
	case InstanceLastOperationRespStateFailedConst:
		return operationFailed, nil
	case InstanceLastOperationRespStateInProgressConst:
		return keepPolling, nil
	default:
		return keepPolling, fmt.Errorf("broker reported the state %q, which is none of %q, %q and %q", printablePrefix([]byte(value), maxMessageText),
			InstanceLastOperationRespStateInProgressConst, InstanceLastOperationRespStateSucceededConst, InstanceLastOperationRespStateFailedConst)
	}
}

// isTransientNoAnswer reports whether a request that got no answer may get one when sent again:
// not when it cannot be built or authenticated, nor when the broker's certificate is refused.
func isTransientNoAnswer(err error) bool {
	var parameterErr *ParameterError
	return !errors.As(err, &parameterErr) && !isAuthenticationFailure(err) && isTransientTransportError(err)
}

func (plan *waitPlan) report(attempt int, start time.Time, state reportedState, failure error) {
	if plan.onPoll == nil {
		return
	}
	value, description := state.text()
	plan.onPoll(PollEvent{State: value, Description: description, Attempt: attempt, Elapsed: plan.clock.now().Sub(start), Err: failure})
}

func (plan *waitPlan) failed(state reportedState, response *core.DetailedResponse) error {
	_, description := state.text()
	return &OperationFailedError{
		Operation: core.StringNilMapper(plan.target.operation), InstanceID: plan.target.instanceID, BindingID: plan.target.bindingID,
		Description: description, InstanceUsable: state.instanceUsable, UpdateRepeatable: state.updateRepeatable,
		Response: response, waiter: plan.name,
	}
}

func (plan *waitPlan) timedOut(polls int, state reportedState, lastFailure error) error {
	value, _ := state.text()
	if value == "" {
		value = "none reported"
	}
	detail := fmt.Sprintf("%s after %d polls (last state: %s, maximum wait %s); poll it again later with the same operation, or allow a longer wait",
		describeResource(plan.target.instanceID, plan.target.bindingID), polls, value, plan.maxWait)
	if lastFailure != nil {
		return fmt.Errorf("%s: %w: %s; the last poll failed: %w", plan.name, ErrWaitTimeout, detail, lastFailure)
	}
	return fmt.Errorf("%s: %w: %s", plan.name, ErrWaitTimeout, detail)
}

func (plan *waitPlan) cancelled(cause error, polls int) error {
	return fmt.Errorf("%s: stopped waiting for %s after %d polls: %w", plan.name, describeResource(plan.target.instanceID, plan.target.bindingID), polls, cause)
}
