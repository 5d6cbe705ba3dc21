package brokertest

import (
	"encoding/json"
	"reflect"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// attributes are the parts of a PUT or PATCH that decide whether a repeated request is the same
// request (an idempotent replay) or a conflicting one.
type attributes struct {
	ServiceID        string
	PlanID           string
	OrganizationGUID string
	SpaceGUID        string
	AppGUID          string
	BindResource     domain.BindResource
	Parameters       json.RawMessage
	// Maintenance is the instance's maintenance_info: the plan's when it was provisioned or
	// last updated to a plan or a maintenance_info version.
	Maintenance *domain.MaintenanceInfo
	// PredecessorBindingID is the binding a rotation replaces.
	PredecessorBindingID string
}

func provisionAttributes(d domain.ProvisionDetails, maintenance *domain.MaintenanceInfo) attributes {
	return attributes{
		ServiceID:        d.ServiceID,
		PlanID:           d.PlanID,
		OrganizationGUID: d.OrganizationGUID,
		SpaceGUID:        d.SpaceGUID,
		Parameters:       d.RawParameters,
		Maintenance:      maintenance,
	}
}

func bindAttributes(d domain.BindDetails, predecessorBindingID string) attributes {
	a := attributes{ServiceID: d.ServiceID, PlanID: d.PlanID, AppGUID: d.AppGUID, Parameters: d.RawParameters,
		PredecessorBindingID: predecessorBindingID}
	if d.BindResource != nil {
		a.BindResource = *d.BindResource
	}
	return a
}

// equal compares parameters as JSON values, so key order and whitespace do not matter, and an
// absent, null or empty parameters object are the same.
func (a attributes) equal(b attributes) bool {
	pa, pb := a.Parameters, b.Parameters
	a.Parameters, b.Parameters = nil, nil
	return reflect.DeepEqual(a, b) && reflect.DeepEqual(normalizedParameters(pa), normalizedParameters(pb))
}

func normalizedParameters(raw json.RawMessage) map[string]any {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	return m
}

// decodedParameters returns parameters as a value to answer GET requests with: an untyped nil
// when there are none, so that the answer leaves the field out instead of sending null.
func decodedParameters(raw json.RawMessage) any {
	if m := normalizedParameters(raw); m != nil {
		return m
	}
	return nil
}
