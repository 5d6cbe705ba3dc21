package openservicebrokerv1

// Step's polls and orphan mitigation.

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// pollLastOperation polls the last operation of the record's instance or binding. Polls send
// service_id and plan_id (the plan before an update), as "Polling Last Operation" asks, and the
// request's headers; the originating identity only for the user's own operation.
func (st *stepper) pollLastOperation(ctx context.Context, asUser bool) exchange {
	r := st.record
	kept, err := st.extras()
	if err != nil {
		return exchange{err: err}
	}
	if !asUser {
		kept.OriginatingIdentity = nil
	}
	planID := r.PlanID
	if r.PreviousPlanID != "" {
		planID = r.PreviousPlanID
	}
	if r.BindingID == "" {
		var result *InstanceLastOperationResp
		options := &GetLastOperationOptions{InstanceID: &r.InstanceID, ServiceID: &r.ServiceID, PlanID: nonEmpty(planID),
			Operation: nonEmpty(r.Operation), OriginatingIdentity: kept.OriginatingIdentity, Headers: kept.Headers}
		response, err := st.client.sendOptions(ctx, options.request, &result)
		return exchange{response: response, err: err, state: instanceState(result), result: result}
	}
	var result *BindingLastOperationResp
	options := &GetServiceBindingLastOperationOptions{InstanceID: &r.InstanceID, BindingID: &r.BindingID, ServiceID: &r.ServiceID,
		PlanID: nonEmpty(planID), Operation: nonEmpty(r.Operation), OriginatingIdentity: kept.OriginatingIdentity, Headers: kept.Headers}
	response, err := st.client.sendOptions(ctx, options.request, &result)
	return exchange{response: response, err: err, state: bindingState(result), result: result}
}

// pollOutcome is what a poll's answer means for a record.
type pollOutcome int

const (
	pollGoesOn pollOutcome = iota // in progress, or no valid answer: poll again
	pollSucceeded
	pollFailed
	pollNotFound // 404 Not Found: the resource polled does not exist
)

// judgePoll reads a poll's answer ("Polling Last Operation for Service Instances / Bindings",
// Response). 410 Gone is success for a deletion; during a create or an update it is an invalid
// answer, polled through, as are 5xx, other 4xx and bodies that cannot be read: "The Platform
// SHOULD continue polling until the Service Broker returns a valid response or the maximum
// polling duration is reached". 404 "MUST be returned if the Service Instance being polled does
// not exist": its meaning depends on the operation (see poll).
func judgePoll(deletion bool, seen exchange) pollOutcome {
	code := status(seen.response)
	switch {
	case seen.err == nil:
		switch verdict, _ := judgeState(seen.state); verdict {
		case operationSucceeded:
			return pollSucceeded
		case operationFailed:
			return pollFailed
		}
		return pollGoesOn
	case code == http.StatusGone && deletion:
		return pollSucceeded
	case code == http.StatusNotFound:
		return pollNotFound
	default:
		return pollGoesOn
	}
}

// poll polls the record's operation. A 404 ends a deletion as done (the resource is gone), and
// ends a create as failed: the broker does not know the resource it was creating, so the
// deletion of orphan mitigation (answered 410 when nothing is there) settles it, whatever the
// policy, since there is nothing to inspect. It ends an update as failed.
func (st *stepper) poll(ctx context.Context) (OperationRecord, exchange, error) {
	seen := st.pollLastOperation(ctx, true)
	if nothingSent(seen.response, seen.err) {
		return st.record, seen, fmt.Errorf("Step: %w", seen.err)
	}
	r := st.polled(seen)
	switch outcome := judgePoll(r.Kind.deletes(), seen); {
	case outcome == pollSucceeded || (outcome == pollNotFound && r.Kind.deletes()):
		return st.succeeded(r), seen, nil
	case outcome == pollFailed && r.Kind.deletes():
		return st.deletionFailed(r, seen), seen, nil
	case outcome == pollFailed:
		r.Failure = pollFailure(seen)
		if r.Kind.creates() {
			return st.createFailed(r), seen, nil
		}
		return st.ended(r, PhaseFailed), seen, nil
	case outcome == pollNotFound:
		r.Failure = recordedError(seen.response, seen.err)
		if r.Kind.creates() {
			return st.startMitigation(r), seen, nil
		}
		return st.ended(r, PhaseFailed), seen, nil
	default:
		return st.later(r, seen.response), seen, nil
	}
}

// deletionFailed: the broker reported a deprovision or unbind failed. The resource remains, so
// the deletion is sent again ("Orphan Mitigation": mitigate a failed deprovisioning or
// unbinding, and keep trying until a success) unless the policy keeps failed deletions.
func (st *stepper) deletionFailed(r OperationRecord, seen exchange) OperationRecord {
	r.LastError = pollFailure(seen)
	if st.Policy.KeepFailedDeletes {
		r.Failure = r.LastError
		r = st.ended(r, PhaseFailed)
		r.Leftover = true
		return r
	}
	return st.deleteAgain(r, PhaseToSend)
}

// polled keeps what a poll told: the broker's description, or why the poll failed.
func (st *stepper) polled(seen exchange) OperationRecord {
	r := st.record
	r.LastError = nil
	if seen.err != nil {
		r.LastError = recordedError(seen.response, seen.err)
	}
	if _, description := seen.state.text(); description != "" {
		r.Description = printablePrefix([]byte(description), maxMessageText)
	}
	return r
}

// succeeded ends an operation the broker completed; a bind still hands its credentials over,
// fetched at the next Step, since an asynchronous bind's answer carries none.
func (st *stepper) succeeded(r OperationRecord) OperationRecord {
	if r.Kind == OperationBind {
		r = st.entered(r, PhaseInProgress)
		r.CredentialsPending = true
		return r
	}
	return st.ended(r, PhaseSucceeded)
}

// pollFailure is the broker's "failed" as a record keeps it.
func pollFailure(seen exchange) *RecordedError {
	failure := recordedError(seen.response, nil)
	_, description := seen.state.text()
	failure.Description = printablePrefix([]byte(description), maxMessageText)
	failure.InstanceUsable, failure.UpdateRepeatable = seen.state.instanceUsable, seen.state.updateRepeatable
	return failure
}

// deleteOrphan sends the deletion of orphan mitigation: a deprovision or unbind with
// accepts_incomplete=true, the request's headers, and no originating identity (no user asked for
// it). 200 and 410 Gone end it; 202 is polled; no answer, 5xx, 408, 429 and 422 ConcurrencyError
// are sent again ("SHOULD keep trying to delete them until the Service Broker responds with a
// success", "Orphan Mitigation"); any other refusal ends it failed with Leftover set.
func (st *stepper) deleteOrphan(ctx context.Context) (OperationRecord, exchange, error) {
	r := st.record
	kept, err := st.extras()
	if err != nil {
		return r, exchange{}, fmt.Errorf("Step: %w", err)
	}
	var seen exchange
	deletion := OperationDeprovision
	if r.BindingID == "" {
		var result *InstanceDeleteResp
		options := &DeleteServiceInstanceOptions{InstanceID: &r.InstanceID, ServiceID: &r.ServiceID, PlanID: &r.PlanID, Headers: kept.Headers}
		seen.response, seen.err = st.client.sendOptions(ctx, acceptingIncomplete(options).request, &result)
		seen.result = &result
	} else {
		deletion = OperationUnbind
		var result *BindingDeleteResp
		options := &DeleteServiceBindingOptions{InstanceID: &r.InstanceID, BindingID: &r.BindingID, ServiceID: &r.ServiceID, PlanID: &r.PlanID, Headers: kept.Headers}
		seen.response, seen.err = st.client.sendOptions(ctx, acceptingIncomplete(options).request, &result)
		seen.result = &result
	}
	if nothingSent(seen.response, seen.err) {
		return r, seen, fmt.Errorf("Step: %w", seen.err)
	}
	return st.orphanDeletion(judgeSend(deletion, seen.response, seen.err), seen), seen, nil
}

func (st *stepper) orphanDeletion(verdict sendVerdict, seen exchange) OperationRecord {
	r := st.record
	r.LastError = nil
	switch verdict {
	case sendDone:
		return st.removed(r)
	case sendAccepted:
		r.Operation = stringOrEmpty(operationOf(seen.result))
		return st.entered(r, PhaseMitigating)
	case sendRejected:
		r.LastError = recordedError(seen.response, seen.err)
		r = st.ended(r, PhaseFailed)
		r.Leftover = true
		return r
	default:
		r.LastError = recordedError(seen.response, seen.err)
		if errors.Is(seen.err, ErrConcurrencyError) {
			r.InFlight, r.Operation = true, ""
		}
		return st.later(r, seen.response)
	}
}

// pollInFlight polls the operation still running on an orphan that the broker refused to delete
// with ConcurrencyError ("Blocking Operations"): once it ends, however it ends, the deletion is
// sent again. Its polls send what the deletion sends.
func (st *stepper) pollInFlight(ctx context.Context) (OperationRecord, exchange, error) {
	seen := st.pollLastOperation(ctx, false)
	if nothingSent(seen.response, seen.err) {
		return st.record, seen, fmt.Errorf("Step: %w", seen.err)
	}
	r := st.polled(seen)
	if judgePoll(true, seen) == pollGoesOn {
		return st.later(r, seen.response), seen, nil
	}
	r.InFlight, r.NextAt = false, st.now
	return r, seen, nil
}

// pollOrphan polls the deletion of orphan mitigation: done on succeeded, 410 or 404; a failed
// deletion is sent again.
func (st *stepper) pollOrphan(ctx context.Context) (OperationRecord, exchange, error) {
	seen := st.pollLastOperation(ctx, false)
	if nothingSent(seen.response, seen.err) {
		return st.record, seen, fmt.Errorf("Step: %w", seen.err)
	}
	r := st.polled(seen)
	switch judgePoll(true, seen) {
	case pollSucceeded, pollNotFound:
		return st.removed(r), seen, nil
	case pollFailed:
		r.LastError = pollFailure(seen)
		return st.deleteAgain(r, PhaseNeedsMitigation), seen, nil
	default:
		return st.later(r, seen.response), seen, nil
	}
}

// removed ends orphan mitigation: the resource is gone. A binding removed to recover lost
// credentials is created again.
func (st *stepper) removed(r OperationRecord) OperationRecord {
	r.Operation, r.MitigationDeadline = "", nil
	if r.Rebinding {
		r.Rebinding, r.Rebound, r.OutcomeUnknown, r.Failure = false, true, false, nil
		return st.entered(r, PhaseToSend)
	}
	return st.ended(r, PhaseRemoved)
}

// instanceState and bindingState are the part of a poll's answer the state machine reads.
func instanceState(result *InstanceLastOperationResp) reportedState {
	if result == nil {
		return reportedState{}
	}
	return reportedState{state: result.State, description: result.Description,
		instanceUsable: result.InstanceUsable, updateRepeatable: result.UpdateRepeatable}
}

func bindingState(result *BindingLastOperationResp) reportedState {
	if result == nil {
		return reportedState{}
	}
	return reportedState{state: result.State, description: result.Description}
}

// sendOptions builds a request with build and sends it.
func (openServiceBroker *OpenServiceBrokerV1) sendOptions(ctx context.Context, build func() (*sdkruntime.Request, error), result any) (*core.DetailedResponse, error) {
	request, err := build()
	if err != nil {
		return nil, err
	}
	return openServiceBroker.send(ctx, request, result)
}
