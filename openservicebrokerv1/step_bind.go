package openservicebrokerv1

// Step's hand-over of a binding's credentials, which a broker may send only once.

import (
	"context"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
)

// bound hands over the answer to a bind. A 200 without credentials answers a bind sent again
// (the binding existed: the first answer may have been lost in a crash before its hand-over),
// so they are fetched at the next Step.
func (st *stepper) bound(ctx context.Context, r OperationRecord, response *core.DetailedResponse, binding *BindingPutResp) (OperationRecord, error) {
	if response.StatusCode == http.StatusOK && !carriesBinding(binding) {
		r = st.entered(r, PhaseInProgress)
		r.CredentialsPending = true
		return r, nil
	}
	return st.handOver(ctx, r, binding)
}

// carriesBinding reports whether a bind answer holds anything an application uses.
func carriesBinding(binding *BindingPutResp) bool {
	return binding != nil && (len(binding.Credentials) > 0 || binding.SyslogDrainURL != nil || binding.RouteServiceURL != nil ||
		len(binding.VolumeMounts) > 0 || len(binding.Endpoints) > 0)
}

// handOver gives the binding to OnCredentials; the record succeeds only once it returned nil.
// When it fails, the record keeps CredentialsPending and fetches the binding again later; its
// error text, which may quote what it was given, is returned but never stored.
func (st *stepper) handOver(ctx context.Context, r OperationRecord, binding *BindingPutResp) (OperationRecord, error) {
	if binding == nil {
		binding = &BindingPutResp{}
	}
	if err := st.OnCredentials(ctx, r, binding); err != nil {
		if r.Phase != PhaseInProgress {
			r = st.entered(r, PhaseInProgress)
		}
		r.CredentialsPending = true
		r.LastError = &RecordedError{Description: "OnCredentials failed; the binding is fetched again at the next Step"}
		return st.later(r, nil), fmt.Errorf("Step: OnCredentials: %w", err)
	}
	r.LastError = nil
	return st.ended(r, PhaseSucceeded), nil
}

// fetchCredentials fetches a binding whose credentials were not handed over ("Fetching a
// Service Binding") and hands them over. A binding that cannot be fetched (not
// bindings_retrievable: 4xx) is removed and, once, created again; a record without its request
// (NoReplay) or already bound again only removes it, so no binding without credentials remains.
func (st *stepper) fetchCredentials(ctx context.Context) (OperationRecord, exchange, error) {
	r := st.record
	kept, err := st.extras()
	if err != nil {
		return r, exchange{}, fmt.Errorf("Step: %w", err)
	}
	var fetched *BindingGetResp
	options := &GetServiceBindingOptions{InstanceID: &r.InstanceID, BindingID: &r.BindingID, ServiceID: &r.ServiceID, PlanID: &r.PlanID,
		OriginatingIdentity: kept.OriginatingIdentity, Headers: kept.Headers}
	response, err := st.client.sendOptions(ctx, options.request, &fetched)
	seen := exchange{response: response, err: err}
	switch code := status(response); {
	case nothingSent(response, err):
		return r, seen, fmt.Errorf("Step: %w", err)
	case err == nil:
		binding := fetchedBinding(fetched, nonEmpty(r.Operation))
		seen.result = &binding
		next, err := st.handOver(ctx, r, binding)
		return next, seen, err
	case code == 0 || code >= 500 || isBusy(response, err) || code < 300:
		r.LastError = recordedError(response, err)
		return st.later(r, response), seen, nil
	default:
		r.LastError = recordedError(response, err)
		return st.bindAgain(r), seen, nil
	}
}

// bindAgain removes a binding whose credentials are lost, to create it again when the record
// can send its request once more.
func (st *stepper) bindAgain(r OperationRecord) OperationRecord {
	r.Failure = &RecordedError{Description: "the binding's credentials were not handed over and the binding cannot be fetched"}
	r = st.startMitigation(r)
	r.Rebinding = len(r.Sealed) > 0 && !r.Rebound
	return r
}
