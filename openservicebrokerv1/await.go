package openservicebrokerv1

// The blocking waiters and *AndWait helpers are short loops over Step: one state machine. A loop
// sleeps until the record's NextAt and turns what Step recorded back into the errors the helpers
// document (*OperationFailedError, *OrphanMitigationError, ErrWaitTimeout, the broker's error).

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// driver runs a record to its end for a blocking call.
type driver struct {
	client *OpenServiceBrokerV1
	plan   *waitPlan
	step   *StepOptions
	// sent is the answer to the record's request: what the *AndWait helpers return.
	sent exchange
	// cause is why orphan mitigation runs; mitigationErr why its latest attempt failed.
	cause, mitigationErr error
	// lastKnown and lastFailure are the latest state reported and the latest poll's failure.
	lastKnown   reportedState
	lastFailure error
	polls       int
	deletions   int // the failed deletions of orphan mitigation
	start       time.Time
	// last is the latest poll: what the waiters return.
	last exchange
	// pollOnly: a waiter, which polls and reports but neither fetches credentials nor mitigates.
	pollOnly bool
	// onRecord stores each record before the next action (WaitOptions.OnRecord); nil stores nothing.
	onRecord func(context.Context, OperationRecord) error
}

// useRecordOptions takes the record's key and store from the wait options.
func (d *driver) useRecordOptions(wait *WaitOptions) {
	if wait != nil {
		d.step.Key, d.onRecord = wait.RecordKey, wait.OnRecord
	}
}

// store hands a record to onRecord.
func (d *driver) store(ctx context.Context, record OperationRecord) error {
	if d.onRecord == nil {
		return nil
	}
	if err := d.onRecord(ctx, record); err != nil {
		return fmt.Errorf("%s: storing the operation record: %w", d.plan.name, err)
	}
	return nil
}

// newDriver prepares a blocking run: the wait's settings, Step on the wait's clock without
// jitter, and the policy of the helpers: a failed asynchronous create is deleted, one that timed
// out is left to be polled again later (ErrWaitTimeout), a failed deletion is reported at once.
func (openServiceBroker *OpenServiceBrokerV1) newDriver(plan *waitPlan, onCredentials func(context.Context, OperationRecord, *BindingPutResp) error) *driver {
	step := &StepOptions{MinDelay: plan.minDelay, MaxDelay: plan.maxDelay, Now: plan.clock.now, OnCredentials: onCredentials,
		Policy: MitigationPolicy{KeepTimedOutCreates: true, KeepFailedDeletes: true, MaxDuration: plan.maxWait}, steady: true, retrySends: true}
	return &driver{client: openServiceBroker, plan: plan, step: step, start: plan.clock.now()}
}

// run steps record until it ends, sleeping until each NextAt. Requests in flight are cut at the
// end of the wait too, so that a broker that does not answer cannot stretch it.
func (d *driver) run(ctx context.Context, record OperationRecord) (OperationRecord, error) {
	windowCtx, cancel := context.WithTimeout(ctx, d.plan.maxWait)
	defer cancel()
	end := d.start.Add(d.plan.maxWait)
	if err := d.store(ctx, record); err != nil {
		return record, err
	}
	for {
		next, seen, err := d.client.step(windowCtx, record, d.step)
		if err != nil {
			if ctx.Err() != nil {
				return next, d.stopped(next, ctx.Err())
			}
			return next, d.notSent(windowCtx, err)
		}
		if err := d.store(ctx, next); err != nil {
			return next, err
		}
		done, err := d.observe(record, next, seen)
		if ctx.Err() != nil {
			return next, d.stopped(next, ctx.Err())
		}
		if done {
			return next, err
		}
		if !next.NextAt.Before(minTime(d.deadline(next), end)) || windowCtx.Err() != nil {
			return next, d.ended(next)
		}
		if err := d.plan.clock.sleep(windowCtx, next.NextAt.Sub(d.plan.clock.now())); err != nil {
			if ctx.Err() != nil {
				return next, d.stopped(next, ctx.Err())
			}
			return next, d.ended(next)
		}
		record = next
	}
}

// deadline is the end of the record's current phase.
func (d *driver) deadline(r OperationRecord) time.Time {
	if r.MitigationDeadline != nil && (r.Phase == PhaseNeedsMitigation || r.Phase == PhaseMitigating) {
		return *r.MitigationDeadline
	}
	return r.Deadline
}

// observe reads one Step: what the blocking call reports, and whether it ends here.
func (d *driver) observe(before, after OperationRecord, seen exchange) (bool, error) {
	switch before.Phase {
	case PhaseToSend:
		return d.sentRequest(before, after, seen)
	case PhaseInProgress:
		if before.CredentialsPending {
			return d.fetched(after, seen)
		}
		return d.polled(before, after, seen)
	default:
		return d.mitigated(before, after, seen)
	}
}

// sentRequest: the helpers return the broker's refusal as it came; an unknown outcome starts
// orphan mitigation.
func (d *driver) sentRequest(before, after OperationRecord, seen exchange) (bool, error) {
	if !before.Rebound {
		d.sent = seen
	}
	d.plan.target.operation = nonEmpty(after.Operation)
	switch after.Phase {
	case PhaseToSend, PhaseFailed:
		return true, seen.err
	case PhaseNeedsMitigation:
		d.cause = seen.err
		return false, nil
	case PhaseSucceeded:
		return true, nil
	}
	return false, nil
}

// polled reports the poll and ends the wait on an end state, or on an answer that polling again
// cannot change: a 4xx other than 410 and 429 (404 is a deletion's success), or 501. The
// record itself polls through those (the specification's SHOULD); a caller waiting in front of
// a terminal learns at once.
func (d *driver) polled(before, after OperationRecord, seen exchange) (bool, error) {
	d.polls++
	d.last = seen
	failure := seen.err
	if failure == nil {
		_, failure = judgeState(seen.state)
	}
	if after.Phase == PhaseSucceeded || after.CredentialsPending {
		failure = nil // 410 to a deletion's poll is its success
	}
	d.plan.report(d.polls, d.start, seen.state, failure)
	if seen.state.state != nil {
		d.lastKnown = seen.state
	}
	d.lastFailure = failure
	switch {
	case after.Phase == PhaseSucceeded || (after.CredentialsPending && d.pollOnly):
		return true, nil
	case after.CredentialsPending:
		return false, nil
	case after.Phase == PhaseNeedsMitigation && d.pollOnly:
		return true, d.failedOrStopped(seen)
	case after.Phase == PhaseNeedsMitigation:
		d.cause = d.failedOrStopped(seen)
		return false, nil
	case after.Phase == PhaseFailed:
		return true, d.failedOrStopped(seen)
	case pollCannotRecover(before.Kind.deletes(), seen):
		return true, d.pollStopped(seen)
	}
	return false, nil
}

func (d *driver) failedOrStopped(seen exchange) error {
	if state, _ := seen.state.text(); state == InstanceLastOperationRespStateFailedConst {
		return d.plan.failed(seen.state, seen.response)
	}
	return d.pollStopped(seen)
}

func (d *driver) pollStopped(seen exchange) error {
	return fmt.Errorf("%s: polling %s stopped: %w", d.plan.name, describeResource(d.plan.target.instanceID, d.plan.target.bindingID), seen.err)
}

// pollCannotRecover reports a poll's failure that the waiters do not poll through.
func pollCannotRecover(deletion bool, seen exchange) bool {
	code := status(seen.response)
	switch {
	case seen.err == nil, code == http.StatusGone, code >= 200 && code <= 299, isTransientStatus(code):
		return false
	case code == http.StatusNotFound:
		return !deletion
	case code == 0:
		return !isTransientNoAnswer(seen.err)
	}
	return true
}

// fetched: BindAndWait reports a failed fetch of the binding's credentials at once.
func (d *driver) fetched(after OperationRecord, seen exchange) (bool, error) {
	if after.Phase == PhaseSucceeded {
		return true, nil
	}
	return true, fmt.Errorf("%s: %s was created, but fetching its credentials failed: %w; fetch it again with GetServiceBinding",
		d.plan.name, describeResource(d.plan.target.instanceID, d.plan.target.bindingID), seen.err)
}

// orphanMitigationAttempts bounds the deletions a blocking helper sends to clean up after a
// create; each deletion request is retried by the transport on the client's retry budget, and
// all of them share one deadline, the wait's maximum. A stored record keeps trying until its own
// mitigation deadline instead.
const orphanMitigationAttempts = 3

// mitigated follows orphan mitigation to its end, or to its last attempt.
func (d *driver) mitigated(before, after OperationRecord, seen exchange) (bool, error) {
	if before.Phase == PhaseMitigating || before.InFlight {
		d.polls++
		d.plan.report(d.polls, d.start, seen.state, seen.err)
	}
	if seen.err != nil {
		d.mitigationErr = seen.err
	} else if state, _ := seen.state.text(); state == InstanceLastOperationRespStateFailedConst {
		d.mitigationErr = d.plan.failed(seen.state, seen.response)
	}
	deletionFailed := after.Phase == PhaseNeedsMitigation && !after.InFlight &&
		(before.Phase == PhaseMitigating || (before.Phase == PhaseNeedsMitigation && !before.InFlight))
	if deletionFailed || (after.InFlight && !before.InFlight) {
		d.deletions++
	}
	switch {
	case after.Phase == PhaseRemoved:
		return true, d.mitigation(true)
	case after.Phase == PhaseFailed, d.deletions >= orphanMitigationAttempts:
		return true, d.mitigation(false)
	}
	return false, nil
}

// mitigation is the *OrphanMitigationError of the helpers.
func (d *driver) mitigation(completed bool) error {
	mitigation := &OrphanMitigationError{Operation: d.plan.name, InstanceID: d.plan.target.instanceID, BindingID: d.plan.target.bindingID,
		Cause: d.cause, Completed: completed}
	if !completed {
		mitigation.MitigationErr = d.mitigationErr
		if mitigation.MitigationErr == nil {
			mitigation.MitigationErr = errors.New("the mitigation's deadline passed")
		}
	}
	return mitigation
}

// ended is the error of a record whose deadline passed, or whose next action would come after it.
func (d *driver) ended(r OperationRecord) error {
	if r.Phase == PhaseNeedsMitigation || r.Phase == PhaseMitigating {
		return d.mitigation(false)
	}
	return d.plan.timedOut(d.polls, d.lastKnown, d.lastFailure)
}

// stopped is the error of a run whose context ended: orphan mitigation could not complete.
func (d *driver) stopped(r OperationRecord, cause error) error {
	if r.Phase == PhaseNeedsMitigation || r.Phase == PhaseMitigating {
		d.mitigationErr = fmt.Errorf("stopped before deleting: %w", cause)
		return d.mitigation(false)
	}
	return d.plan.cancelled(cause, d.polls)
}

// notSent is the error of a Step that sent nothing: the wait ended, or the request cannot be
// sent (a certificate refused, an authentication failure).
func (d *driver) notSent(windowCtx context.Context, err error) error {
	if windowCtx.Err() != nil {
		return d.plan.timedOut(d.polls, d.lastKnown, d.lastFailure)
	}
	if d.polls > 0 || d.cause != nil {
		return fmt.Errorf("%s: polling %s stopped: %w", d.plan.name, describeResource(d.plan.target.instanceID, d.plan.target.bindingID), err)
	}
	return fmt.Errorf("%s: %w", d.plan.name, err)
}
