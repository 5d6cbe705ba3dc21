package openservicebrokerv1

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
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

// WaitForLastOperationOptions holds the parameters of WaitForLastOperation.
type WaitForLastOperationOptions struct {
	// InstanceID is the ID of the service instance whose operation is awaited.
	InstanceID *string
	// Operation is the operation value the broker returned with its 202 Accepted answer.
	Operation *string
	// ServiceID is the ID of the service offering of the instance; the specification asks platforms to send it.
	ServiceID *string
	// PlanID is the ID of the plan of the instance; the specification asks platforms to send it.
	PlanID *string
	// Deletion says the awaited operation is a deprovision: then 410 Gone means it is done.
	Deletion bool
	// OriginatingIdentity is sent with every poll; see NewOriginatingIdentity.
	OriginatingIdentity *string
	// Headers are extra HTTP headers sent with every poll.
	Headers map[string]string

	WaitOptions
}

// NewWaitForLastOperationOptions returns WaitForLastOperationOptions for the given instance,
// with the default delays and maximum wait.
func (*OpenServiceBrokerV1) NewWaitForLastOperationOptions(instanceID string) *WaitForLastOperationOptions {
	return &WaitForLastOperationOptions{InstanceID: core.StringPtr(instanceID)}
}

// SetInstanceID sets InstanceID and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetInstanceID(instanceID string) *WaitForLastOperationOptions {
	options.InstanceID = core.StringPtr(instanceID)
	return options
}

// SetOperation sets Operation and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetOperation(operation string) *WaitForLastOperationOptions {
	options.Operation = core.StringPtr(operation)
	return options
}

// SetServiceID sets ServiceID and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetServiceID(serviceID string) *WaitForLastOperationOptions {
	options.ServiceID = core.StringPtr(serviceID)
	return options
}

// SetPlanID sets PlanID and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetPlanID(planID string) *WaitForLastOperationOptions {
	options.PlanID = core.StringPtr(planID)
	return options
}

// SetDeletion sets Deletion and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetDeletion(deletion bool) *WaitForLastOperationOptions {
	options.Deletion = deletion
	return options
}

// SetOriginatingIdentity sets OriginatingIdentity and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetOriginatingIdentity(originatingIdentity string) *WaitForLastOperationOptions {
	options.OriginatingIdentity = core.StringPtr(originatingIdentity)
	return options
}

// SetHeaders sets extra HTTP headers and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetHeaders(headers map[string]string) *WaitForLastOperationOptions {
	options.Headers = headers
	return options
}

// SetMinDelay sets MinDelay and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetMinDelay(delay time.Duration) *WaitForLastOperationOptions {
	options.WaitOptions.SetMinDelay(delay)
	return options
}

// SetMaxDelay sets MaxDelay and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetMaxDelay(delay time.Duration) *WaitForLastOperationOptions {
	options.WaitOptions.SetMaxDelay(delay)
	return options
}

// SetMaxWait sets MaxWait and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetMaxWait(maxWait time.Duration) *WaitForLastOperationOptions {
	options.WaitOptions.SetMaxWait(maxWait)
	return options
}

// SetMaximumPollingDuration sets MaximumPollingDuration (seconds, from the plan) and returns
// the options for chaining.
func (options *WaitForLastOperationOptions) SetMaximumPollingDuration(seconds int64) *WaitForLastOperationOptions {
	options.WaitOptions.SetMaximumPollingDuration(seconds)
	return options
}

// SetOnPoll sets OnPoll and returns the options for chaining.
func (options *WaitForLastOperationOptions) SetOnPoll(onPoll func(PollEvent)) *WaitForLastOperationOptions {
	options.WaitOptions.SetOnPoll(onPoll)
	return options
}

// pollOptions is the request each poll sends.
func (options *WaitForLastOperationOptions) pollOptions() *GetLastOperationOptions {
	return &GetLastOperationOptions{InstanceID: options.InstanceID, ServiceID: options.ServiceID, PlanID: options.PlanID,
		Operation: options.Operation, OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers}
}

// WaitForBindingLastOperationOptions holds the parameters of WaitForBindingLastOperation.
type WaitForBindingLastOperationOptions struct {
	// InstanceID is the ID of the service instance of the binding.
	InstanceID *string
	// BindingID is the ID of the service binding whose operation is awaited.
	BindingID *string
	// Operation is the operation value the broker returned with its 202 Accepted answer.
	Operation *string
	// ServiceID is the ID of the service offering of the instance; the specification asks platforms to send it.
	ServiceID *string
	// PlanID is the ID of the plan of the instance; the specification asks platforms to send it.
	PlanID *string
	// Deletion says the awaited operation is an unbind: then 410 Gone means it is done.
	Deletion bool
	// OriginatingIdentity is sent with every poll; see NewOriginatingIdentity.
	OriginatingIdentity *string
	// Headers are extra HTTP headers sent with every poll.
	Headers map[string]string

	WaitOptions
}

// NewWaitForBindingLastOperationOptions returns WaitForBindingLastOperationOptions for the given
// binding, with the default delays and maximum wait.
func (*OpenServiceBrokerV1) NewWaitForBindingLastOperationOptions(bindingID string, instanceID string) *WaitForBindingLastOperationOptions {
	return &WaitForBindingLastOperationOptions{BindingID: core.StringPtr(bindingID), InstanceID: core.StringPtr(instanceID)}
}

// SetInstanceID sets InstanceID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetInstanceID(instanceID string) *WaitForBindingLastOperationOptions {
	options.InstanceID = core.StringPtr(instanceID)
	return options
}

// SetBindingID sets BindingID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetBindingID(bindingID string) *WaitForBindingLastOperationOptions {
	options.BindingID = core.StringPtr(bindingID)
	return options
}

// SetOperation sets Operation and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetOperation(operation string) *WaitForBindingLastOperationOptions {
	options.Operation = core.StringPtr(operation)
	return options
}

// SetServiceID sets ServiceID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetServiceID(serviceID string) *WaitForBindingLastOperationOptions {
	options.ServiceID = core.StringPtr(serviceID)
	return options
}

// SetPlanID sets PlanID and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetPlanID(planID string) *WaitForBindingLastOperationOptions {
	options.PlanID = core.StringPtr(planID)
	return options
}

// SetDeletion sets Deletion and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetDeletion(deletion bool) *WaitForBindingLastOperationOptions {
	options.Deletion = deletion
	return options
}

// SetOriginatingIdentity sets OriginatingIdentity and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetOriginatingIdentity(originatingIdentity string) *WaitForBindingLastOperationOptions {
	options.OriginatingIdentity = core.StringPtr(originatingIdentity)
	return options
}

// SetHeaders sets extra HTTP headers and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetHeaders(headers map[string]string) *WaitForBindingLastOperationOptions {
	options.Headers = headers
	return options
}

// SetMinDelay sets MinDelay and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMinDelay(delay time.Duration) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMinDelay(delay)
	return options
}

// SetMaxDelay sets MaxDelay and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMaxDelay(delay time.Duration) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMaxDelay(delay)
	return options
}

// SetMaxWait sets MaxWait and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMaxWait(maxWait time.Duration) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMaxWait(maxWait)
	return options
}

// SetMaximumPollingDuration sets MaximumPollingDuration (seconds, from the plan) and returns
// the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetMaximumPollingDuration(seconds int64) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetMaximumPollingDuration(seconds)
	return options
}

// SetOnPoll sets OnPoll and returns the options for chaining.
func (options *WaitForBindingLastOperationOptions) SetOnPoll(onPoll func(PollEvent)) *WaitForBindingLastOperationOptions {
	options.WaitOptions.SetOnPoll(onPoll)
	return options
}

// pollOptions is the request each poll sends.
func (options *WaitForBindingLastOperationOptions) pollOptions() *GetServiceBindingLastOperationOptions {
	return &GetServiceBindingLastOperationOptions{InstanceID: options.InstanceID, BindingID: options.BindingID,
		ServiceID: options.ServiceID, PlanID: options.PlanID, Operation: options.Operation,
		OriginatingIdentity: options.OriginatingIdentity, Headers: options.Headers}
}

// WaitForLastOperation polls the last operation of a service instance until the broker reports
// it succeeded or failed, and returns the final answer.
//
// Between polls it waits as long as the broker's Retry-After asks (seconds or HTTP date), and
// never less than MinDelay; without Retry-After it backs off exponentially from MinDelay to
// MaxDelay. It returns:
//   - on "succeeded": the final answer and a nil error;
//   - on "failed": the final answer and an *OperationFailedError;
//   - for a deletion (SetDeletion(true)) answered 410 Gone: a nil result, the 410 response and a nil error;
//   - after MaxWait, or as soon as the next poll could only happen after it: an error wrapping ErrWaitTimeout;
//   - once ctx is done: at once, with an error wrapping ctx.Err();
//   - on a 4xx other than 410 and 429, or 501: that error, since polling again cannot help.
//
// Transient failures are polled through until the maximum wait: no answer, 429, 5xx, a 2xx the
// client cannot read, and (as the specification asks) 410 while no deletion is awaited. The
// error returned after the maximum wait also wraps the last such failure.
func (openServiceBroker *OpenServiceBrokerV1) WaitForLastOperation(ctx context.Context, options *WaitForLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error) {
	const op = "WaitForLastOperation"
	if options == nil {
		return nil, nil, &ParameterError{Operation: op, Parameter: "options", Problem: "must not be nil; build them with NewWaitForLastOperationOptions"}
	}
	return openServiceBroker.waitForInstance(ctx, op, options)
}

// waitForInstance is WaitForLastOperation under the name of the helper that calls it.
func (openServiceBroker *OpenServiceBrokerV1) waitForInstance(ctx context.Context, op string, options *WaitForLastOperationOptions) (*InstanceLastOperationResp, *core.DetailedResponse, error) {
	nextRequest, err := pollRequests(options.pollOptions().request)
	if err != nil {
		return nil, nil, err
	}
	wait := openServiceBroker.withCatalogPollingLimit(options.WaitOptions, options.ServiceID, options.PlanID)
	plan, err := newWaitPlan(op, wait, operationTarget{instanceID: *options.InstanceID, operation: options.Operation, deletion: options.Deletion})
	if err != nil {
		return nil, nil, err
	}
	poll := func(ctx context.Context) (*InstanceLastOperationResp, reportedState, *core.DetailedResponse, error) {
		var result *InstanceLastOperationResp
		response, err := openServiceBroker.sendNext(ctx, nextRequest, &result)
		state := reportedState{}
		if result != nil {
			state = reportedState{state: result.State, description: result.Description,
				instanceUsable: result.InstanceUsable, updateRepeatable: result.UpdateRepeatable}
		}
		return result, state, response, err
	}
	return waitUntilDone(ctx, plan, poll)
}

// pollRequests checks the poll options once, by building the first poll's request, and returns
// the source of every poll's request: that first one, then a new one for each later poll, since
// send completes a request's headers and a request value is sent once.
func pollRequests(build func() (*sdkruntime.Request, error)) (func() (*sdkruntime.Request, error), error) {
	first, err := build()
	if err != nil {
		return nil, err
	}
	return func() (*sdkruntime.Request, error) {
		if next := first; next != nil {
			first = nil
			return next, nil
		}
		return build()
	}, nil
}

// sendNext sends the next request of a waiter.
func (openServiceBroker *OpenServiceBrokerV1) sendNext(ctx context.Context, next func() (*sdkruntime.Request, error), result any) (*core.DetailedResponse, error) {
	request, err := next()
	if err != nil {
		return nil, err
	}
	return openServiceBroker.send(ctx, request, result)
}

// WaitForBindingLastOperation polls the last operation of a service binding until the broker
// reports it succeeded or failed, and returns the final answer. It behaves as WaitForLastOperation;
// for an unbind (SetDeletion(true)), 410 Gone means the binding is gone. After a bind succeeded,
// fetch the binding's credentials with GetServiceBinding (or use BindAndWait, which does).
func (openServiceBroker *OpenServiceBrokerV1) WaitForBindingLastOperation(ctx context.Context, options *WaitForBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error) {
	const op = "WaitForBindingLastOperation"
	if options == nil {
		return nil, nil, &ParameterError{Operation: op, Parameter: "options", Problem: "must not be nil; build them with NewWaitForBindingLastOperationOptions"}
	}
	return openServiceBroker.waitForBinding(ctx, op, options)
}

// waitForBinding is WaitForBindingLastOperation under the name of the helper that calls it.
func (openServiceBroker *OpenServiceBrokerV1) waitForBinding(ctx context.Context, op string, options *WaitForBindingLastOperationOptions) (*BindingLastOperationResp, *core.DetailedResponse, error) {
	nextRequest, err := pollRequests(options.pollOptions().request)
	if err != nil {
		return nil, nil, err
	}
	target := operationTarget{instanceID: *options.InstanceID, bindingID: *options.BindingID, operation: options.Operation, deletion: options.Deletion}
	plan, err := newWaitPlan(op, openServiceBroker.withCatalogPollingLimit(options.WaitOptions, options.ServiceID, options.PlanID), target)
	if err != nil {
		return nil, nil, err
	}
	poll := func(ctx context.Context) (*BindingLastOperationResp, reportedState, *core.DetailedResponse, error) {
		var result *BindingLastOperationResp
		response, err := openServiceBroker.sendNext(ctx, nextRequest, &result)
		state := reportedState{}
		if result != nil {
			state = reportedState{state: result.State, description: result.Description}
		}
		return result, state, response, err
	}
	return waitUntilDone(ctx, plan, poll)
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

// pollFunc sends one last_operation request.
type pollFunc[T any] func(ctx context.Context) (T, reportedState, *core.DetailedResponse, error)

// pollVerdict is what one poll means for the wait.
type pollVerdict int

const (
	keepPolling pollVerdict = iota
	operationSucceeded
	operationFailed
	stopPolling // a failure that polling again cannot fix
)

// waitUntilDone is the polling loop shared by the instance and binding waiters.
func waitUntilDone[T any](ctx context.Context, plan *waitPlan, poll pollFunc[T]) (T, *core.DetailedResponse, error) {
	start := plan.clock.now()
	deadline := start.Add(plan.maxWait)
	// Requests in flight are cut at the end of the window too, so a broker that does not answer
	// cannot stretch the wait.
	windowCtx, cancel := context.WithTimeout(ctx, plan.maxWait)
	defer cancel()
	// A failed poll is followed by the next poll, so the transport sends each poll once.
	pollCtx := withoutRetries(windowCtx)
	var lastFailure error
	var lastKnown reportedState // the last state the broker reported, for the timeout error
	for attempt := 1; ; attempt++ {
		result, state, response, err := poll(pollCtx)
		if ctx.Err() != nil {
			return result, response, plan.cancelled(ctx.Err(), attempt)
		}
		verdict, failure := plan.judge(state, response, err)
		plan.report(attempt, start, state, failure)
		if state.state != nil {
			lastKnown = state
		}
		switch verdict {
		case operationSucceeded:
			return result, response, nil
		case operationFailed:
			return result, response, plan.failed(state, response)
		case stopPolling:
			return result, response, fmt.Errorf("%s: polling %s stopped: %w", plan.name, describeResource(plan.target.instanceID, plan.target.bindingID), err)
		}
		lastFailure = failure
		delay := plan.nextDelay(attempt, response)
		if windowCtx.Err() != nil || !plan.clock.now().Add(delay).Before(deadline) {
			return result, response, plan.timedOut(attempt, lastKnown, lastFailure)
		}
		if err := plan.clock.sleep(windowCtx, delay); err != nil {
			if ctx.Err() != nil {
				return result, response, plan.cancelled(ctx.Err(), attempt)
			}
			return result, response, plan.timedOut(attempt, lastKnown, lastFailure)
		}
	}
}

// judge reads one poll: the state the broker reported, or whether its failure is transient.
// A transient failure is returned so that it can be reported and kept for the timeout error.
func (plan *waitPlan) judge(state reportedState, response *core.DetailedResponse, err error) (pollVerdict, error) {
	if err == nil {
		return judgeState(state)
	}
	status := 0
	if response != nil {
		status = response.StatusCode
	}
	switch {
	case status == http.StatusGone && plan.target.deletion:
		return operationSucceeded, nil
	case status == http.StatusGone, isTransientStatus(status), status >= 200 && status <= 299:
		// The specification asks to keep polling through invalid answers, 410 outside a deletion included.
		return keepPolling, err
	case status == 0 && isTransientNoAnswer(err):
		return keepPolling, err
	default:
		return stopPolling, err
	}
}

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

// nextDelay is the wait before poll attempt+1: the broker's Retry-After (never less than
// minDelay), else minDelay doubled per poll up to maxDelay.
func (plan *waitPlan) nextDelay(attempt int, response *core.DetailedResponse) time.Duration {
	if response != nil {
		if wait, ok := parseRetryAfter(response.Headers, plan.clock.now()); ok {
			return max(wait, plan.minDelay)
		}
	}
	return exponentialStep(plan.minDelay, plan.maxDelay, attempt-1)
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
