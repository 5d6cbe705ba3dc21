package openservicebrokerv1

// Step's sends: the record's request, built from its sealed options, and how its answer moves
// the record.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// errNotKept is the reason a NoReplay record cannot send its request: it was not kept.
var errNotKept = errors.New("the request was not kept (NoReplay)")

// loadOptions decodes the record's request options into options: opened from Sealed, or from
// the memory of a NoReplay record not yet sent.
func (st *stepper) loadOptions(options any) error {
	r := st.record
	switch {
	case len(r.Sealed) > 0:
		return openOptions(st.Key, r, options)
	case r.unsent != nil:
		return json.Unmarshal(r.unsent, options)
	default:
		return errNotKept
	}
}

// extras are the request's originating identity and headers, which its polls send too.
type extras struct {
	OriginatingIdentity *string           `json:"X-Broker-API-Originating-Identity,omitempty"`
	Headers             map[string]string `json:"Headers,omitempty"`
}

func (st *stepper) extras() (extras, error) {
	var kept extras
	if err := st.loadOptions(&kept); err != nil && !errors.Is(err, errNotKept) {
		return extras{}, err
	}
	return kept, nil
}

// optionsOf is an options type whose request accepts_incomplete may be set on.
type optionsOf[T any] interface {
	*T
	SetAcceptsIncomplete(bool) *T
	request() (*sdkruntime.Request, error)
}

// buildRequest loads the kept options, puts the record's ids back with fill and sets
// accepts_incomplete=true. A deletion needs nothing kept: its ids are the record's.
func buildRequest[T any, P optionsOf[T]](st *stepper, fill func(P)) (*sdkruntime.Request, error) {
	options := P(new(T))
	if err := st.loadOptions(options); err != nil && !(st.record.Kind.deletes() && errors.Is(err, errNotKept)) {
		return nil, err
	}
	fill(options)
	options.SetAcceptsIncomplete(true)
	return options.request()
}

// sendRequest is the record's request and where its answer decodes to.
func (st *stepper) sendRequest() (*sdkruntime.Request, any, error) {
	r := &st.record
	var request *sdkruntime.Request
	var err error
	var result any
	switch r.Kind {
	case OperationProvision:
		result = new(*InstancePutResp)
		request, err = buildRequest(st, func(o *ReplaceServiceInstanceOptions) {
			o.InstanceID, o.ServiceID, o.PlanID = &r.InstanceID, &r.ServiceID, &r.PlanID
		})
	case OperationUpdate:
		result = new(*InstancePatchResp)
		request, err = buildRequest(st, func(o *UpdateServiceInstanceOptions) {
			o.InstanceID, o.ServiceID, o.PlanID = &r.InstanceID, &r.ServiceID, nonEmpty(r.PlanID)
		})
	case OperationDeprovision:
		result = new(*InstanceDeleteResp)
		request, err = buildRequest(st, func(o *DeleteServiceInstanceOptions) {
			o.InstanceID, o.ServiceID, o.PlanID = &r.InstanceID, &r.ServiceID, &r.PlanID
		})
	case OperationBind:
		result = new(*BindingPutResp)
		request, err = buildRequest(st, func(o *ReplaceServiceBindingOptions) {
			o.InstanceID, o.BindingID, o.ServiceID, o.PlanID = &r.InstanceID, &r.BindingID, &r.ServiceID, &r.PlanID
		})
	default: // OperationUnbind
		result = new(*BindingDeleteResp)
		request, err = buildRequest(st, func(o *DeleteServiceBindingOptions) {
			o.InstanceID, o.BindingID, o.ServiceID, o.PlanID = &r.InstanceID, &r.BindingID, &r.ServiceID, &r.PlanID
		})
	}
	return request, result, err
}

func nonEmpty(value string) *string {
	if value == "" {
		return nil
	}
	return &value
}

// send sends the record's request, for the first time or again.
func (st *stepper) send(ctx context.Context) (OperationRecord, exchange, error) {
	request, result, err := st.sendRequest()
	if errors.Is(err, errNotKept) {
		return st.cannotReplay(st.record), exchange{}, nil
	}
	if err != nil {
		return st.record, exchange{}, fmt.Errorf("Step: %w", err)
	}
	response, err := st.client.send(ctx, request, result)
	seen := exchange{response: response, err: err, result: result}
	if nothingSent(response, err) {
		return st.record, seen, fmt.Errorf("Step: %w", err)
	}
	next, err := st.answered(ctx, response, err, result)
	return next, seen, err
}

// cannotReplay resolves a NoReplay record whose request is lost (read back from a store before
// its first send completed, or after an unknown outcome): the create may have happened, so it
// is mitigated; an update cannot be settled and fails.
func (st *stepper) cannotReplay(r OperationRecord) OperationRecord {
	if r.Failure == nil {
		r.Failure = &RecordedError{Description: "the outcome of the request is unknown and it was not kept to be sent again (NoReplay)"}
	}
	if r.Kind.creates() {
		return st.startMitigation(r)
	}
	return st.ended(r, PhaseFailed)
}

// sendVerdict is what the answer to a send means.
type sendVerdict int

const (
	sendDone     sendVerdict = iota // the broker completed the request
	sendAccepted                    // 202 Accepted: poll
	sendBusy                        // the broker did not act: send again later
	sendUnknown                     // the broker may or may not have acted
	sendRejected                    // the broker refused the request
)

// judgeSend reads the answer to the record's request: each request's Response section, and
// NeedsOrphanMitigation for the answers that leave the outcome unknown ("Orphan Mitigation").
// A deletion or an update without an answer, or answered 5xx, is unknown too: the table asks
// for no mitigation there, but sending it again is how the record learns what happened.
func judgeSend(kind OperationKind, response *core.DetailedResponse, err error) sendVerdict {
	code := status(response)
	switch {
	case isBusy(response, err):
		return sendBusy
	case kind.deletes() && code == http.StatusGone:
		return sendDone // the resource does not exist (any more)
	case code == http.StatusOK && (err == nil || kind.deletes()):
		return sendDone
	case code == http.StatusCreated && err == nil && kind.creates():
		return sendDone
	case code == http.StatusAccepted && err == nil:
		return sendAccepted
	case NeedsOrphanMitigation(kind, response, err), code == 0:
		return sendUnknown
	case code >= 500 && (kind != OperationUpdate || updateMayBeRepeated(err)):
		return sendUnknown
	default:
		return sendRejected // a refusal, or "200 with malformed response": a failure, no mitigation
	}
}

// updateMayBeRepeated: a 5xx to an update is sent again unless its body says update_repeatable
// false ("Updating a Service Instance, Response").
func updateMayBeRepeated(err error) bool {
	var brokerErr *BrokerError
	return !errors.As(err, &brokerErr) || brokerErr.UpdateRepeatable == nil || *brokerErr.UpdateRepeatable
}

// answered moves the record by the broker's answer to its request.
func (st *stepper) answered(ctx context.Context, response *core.DetailedResponse, err error, result any) (OperationRecord, error) {
	r := st.record
	switch judgeSend(r.Kind, response, err) {
	case sendDone:
		r.LastError = nil
		if r.Kind == OperationBind {
			return st.bound(ctx, r, response, *result.(**BindingPutResp))
		}
		return st.ended(r, PhaseSucceeded), nil
	case sendAccepted:
		r.LastError, r.Operation = nil, stringOrEmpty(operationOf(result))
		return st.entered(r, PhaseInProgress), nil
	case sendBusy:
		r.LastError = recordedError(response, err) // the broker did not act: the same request goes again
		return st.later(r, response), nil
	case sendUnknown:
		return st.unknownOutcome(r, response, err), nil
	default:
		return st.rejected(r, response, err), nil
	}
}

// unknownOutcome: the request may have taken effect. It is sent again (the replay settles the
// outcome) unless the request was not kept: then a create is mitigated, an update fails.
func (st *stepper) unknownOutcome(r OperationRecord, response *core.DetailedResponse, err error) OperationRecord {
	r.OutcomeUnknown, r.LastError = true, recordedError(response, err)
	if r.NoReplay && !r.Kind.deletes() {
		r.Failure = r.LastError
		return st.cannotReplay(r)
	}
	return st.later(r, response)
}

// rejected: the broker refused the request. After an earlier unknown outcome of a create, the
// refusal of the replay (409 Conflict, 422) does not settle that outcome: the first request may
// have created the resource, so it is mitigated.
func (st *stepper) rejected(r OperationRecord, response *core.DetailedResponse, err error) OperationRecord {
	r.LastError = recordedError(response, err)
	r.Failure = r.LastError
	if r.Kind.creates() && r.OutcomeUnknown {
		return st.startMitigation(r)
	}
	r = st.ended(r, PhaseFailed)
	// A create answered 200 found the resource already there; a refused deletion leaves it.
	r.Leftover = (r.Kind.creates() && status(response) == http.StatusOK) || r.Kind.deletes()
	return r
}

// operationOf reads the operation token of a 202 answer.
func operationOf(result any) *string {
	switch answer := result.(type) {
	case **InstancePutResp:
		if *answer != nil {
			return (*answer).Operation
		}
	case **InstancePatchResp:
		if *answer != nil {
			return (*answer).Operation
		}
	case **InstanceDeleteResp:
		if *answer != nil {
			return (*answer).Operation
		}
	case **BindingPutResp:
		if *answer != nil {
			return (*answer).Operation
		}
	case **BindingDeleteResp:
		if *answer != nil {
			return (*answer).Operation
		}
	}
	return nil
}
