package openservicebrokerv1

import (
	"context"
	"errors"

	"github.com/osbkit/osb-go-sdk/internal/sdkruntime"
)

// maintenanceInfoSince is the version that introduced maintenance_info (release notes v2.15).
var maintenanceInfoSince = apiVersion{2, 15}

// SetSendCatalogMaintenanceInfo says whether a provision request that sets no MaintenanceInfo
// carries the plan's maintenance_info version from the catalog the client holds (SetCatalog).
// It is on by default: Provisioning, Body lets the platform send it (MAY), Cloud Foundry does,
// and it lets the broker refuse with MaintenanceInfoConflict a provision made against an outdated
// catalog instead of creating an instance at a level the user did not see. A client announcing
// an X-Broker-API-Version older than 2.15 never sends it.
func (openServiceBroker *OpenServiceBrokerV1) SetSendCatalogMaintenanceInfo(send bool) {
	openServiceBroker.skipCatalogMaintenanceInfo = !send
}

// GetSendCatalogMaintenanceInfo reports whether provisions carry the held catalog's maintenance_info.
func (openServiceBroker *OpenServiceBrokerV1) GetSendCatalogMaintenanceInfo() bool {
	return !openServiceBroker.skipCatalogMaintenanceInfo
}

// prepareRequest completes a request from the held catalog, then fits it to version, the API
// version it announces (the version table wins: it removes or refuses what the version does not
// have).
func (openServiceBroker *OpenServiceBrokerV1) prepareRequest(request *sdkruntime.Request, version apiVersion) error {
	openServiceBroker.addCatalogMaintenanceInfo(request, version)
	return fitAPIVersion(request, version)
}

// addCatalogMaintenanceInfo gives a provision body without maintenance_info the version the held
// catalog offers for its plan, when the API version the request announces has maintenance_info;
// the body is the request's copy, never the caller's Options.
func (openServiceBroker *OpenServiceBrokerV1) addCatalogMaintenanceInfo(request *sdkruntime.Request, version apiVersion) {
	body, isProvision := request.Body.(*replaceServiceInstanceBody)
	catalog := openServiceBroker.Catalog()
	if !isProvision || body.MaintenanceInfo != nil || catalog == nil || openServiceBroker.skipCatalogMaintenanceInfo {
		return
	}
	if version.before(maintenanceInfoSince) {
		return
	}
	plan, ok := catalog.Plan(*body.ServiceID, *body.PlanID)
	if !ok {
		return
	}
	if info := plan.MaintenanceInfo(); info != nil && !isBlank(info.Version) {
		body.MaintenanceInfo = &MaintenanceInfo{Version: info.Version}
	}
}

// refreshOnMaintenanceConflict fetches the catalog again when the broker answers a provision or an
// update with MaintenanceInfoConflict while the client holds a catalog, as the error code's entry
// in Service Broker Errors says the platform SHOULD, and installs it. The error becomes a
// *MaintenanceInfoConflictError saying what the fresh catalog offers; the request is not repeated,
// so that the caller decides whether the new level is what the user wants.
func (openServiceBroker *OpenServiceBrokerV1) refreshOnMaintenanceConflict(ctx context.Context, request *sdkruntime.Request, err error) error {
	catalog := openServiceBroker.Catalog()
	if catalog == nil || !errors.Is(err, ErrMaintenanceInfoConflict) {
		return err
	}
	var serviceID, planID *string
	var sent *MaintenanceInfo
	switch body := request.Body.(type) {
	case *replaceServiceInstanceBody:
		serviceID, planID, sent = body.ServiceID, body.PlanID, body.MaintenanceInfo
	case *updateServiceInstanceBody:
		serviceID, planID, sent = body.ServiceID, body.PlanID, body.MaintenanceInfo
		if planID == nil && body.PreviousValues != nil {
			planID = body.PreviousValues.PlanID
		}
	default:
		return err
	}
	if serviceID == nil || planID == nil || sent == nil || sent.Version == nil {
		return err
	}
	return openServiceBroker.maintenanceConflict(ctx, request.Op.Name, catalog, *serviceID, *planID, *sent.Version, err)
}
