package openservicebrokerv1

import (
	"context"
	"strings"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/go-openapi/strfmt"
)

// RotateBindingAndWait creates the successor of a service binding (Binding Rotation): options
// name the new binding (BindingID), the binding it succeeds (PredecessorBindingID, a binding of
// the same instance that has not expired), and the instance's service and plan. The broker gives
// the successor the predecessor's parameters, so none need to be sent again. It works as
// BindAndWait: with accepts_incomplete=true, waiting when the broker answers 202 Accepted, and
// returning the successor with its credentials.
//
// Both bindings stay valid until they expire or are deleted, as the specification requires:
// RotateBindingAndWait never deletes the predecessor. Unbind it (UnbindAndWait) once the
// applications use the successor. A client holding a catalog (SetCatalog) refuses, before
// sending anything, the rotation of a binding whose plan is not binding_rotatable
// (ErrNotRotatable); BindingNeedsRenewal says when a binding is due.
func (openServiceBroker *OpenServiceBrokerV1) RotateBindingAndWait(ctx context.Context, options *ReplaceServiceBindingOptions, wait *WaitOptions) (*BindingPutResp, *core.DetailedResponse, error) {
	const op = "RotateBindingAndWait"
	if options == nil {
		return nil, nil, &ParameterError{Operation: op, Parameter: "options", Problem: "must not be nil; build them with NewReplaceServiceBindingOptions"}
	}
	predecessor := options.PredecessorBindingID
	if predecessor == nil || strings.TrimSpace(*predecessor) == "" {
		return nil, nil, &ParameterError{Operation: op, Parameter: "predecessor_binding_id",
			Problem: "is required: set it to the id of the binding to rotate (SetPredecessorBindingID)"}
	}
	if options.BindingID != nil && *options.BindingID == *predecessor {
		return nil, nil, &ParameterError{Operation: op, Parameter: "binding_id",
			Problem: "must differ from predecessor_binding_id: the successor is a new binding with an id of its own"}
	}
	return openServiceBroker.BindAndWait(ctx, options, wait)
}

// BindingNeedsRenewal reports whether a binding with this metadata is due for rotation at now:
// its renew_before has come, or its expires_at (Binding Metadata Object). A binding without
// metadata, or without either time, never needs renewal.
func BindingNeedsRenewal(metadata *BindingMetadata, now time.Time) bool {
	if metadata == nil {
		return false
	}
	for _, due := range []*time.Time{dateTime(metadata.RenewBefore), dateTime(metadata.ExpiresAt)} {
		if due != nil && !now.Before(*due) {
			return true
		}
	}
	return false
}

// dateTime is a broker's time as a time.Time; nil when it sent none.
func dateTime(value *strfmt.DateTime) *time.Time {
	if value == nil {
		return nil
	}
	converted := time.Time(*value)
	return &converted
}
