package openservicebrokerv1

import (
	"context"
	"errors"
	"fmt"

	"github.com/IBM/go-sdk-core/v5/core"
)

// ErrNoMaintenanceInfo is matched by errors.Is when UpgradeAndWait finds no maintenance_info
// version for the instance's plan in the catalog: there is no level to upgrade to.
var ErrNoMaintenanceInfo = errors.New("the plan offers no maintenance_info version")

// MaintenanceInfoConflictError is the error of a provision or an update (UpgradeAndWait among
// them) when the broker answered MaintenanceInfoConflict, the client holding a catalog or
// upgrading: the broker's catalog changed since the version sent was read. It carries what the
// catalog fetched right after says, so the caller can try again with Current. It unwraps to the
// broker's error (errors.Is(err, ErrMaintenanceInfoConflict) holds).
type MaintenanceInfoConflictError struct {
	// Operation is the method that got the answer (ReplaceServiceInstance, UpgradeAndWait, ...).
	Operation string
	// Sent is the maintenance_info version the update sent.
	Sent string
	// Current is the plan's maintenance_info in the fresh catalog; nil when the fresh catalog has
	// none for the plan, or could not be fetched (then RefreshErr says why).
	Current *MaintenanceInfo
	// Catalog is the fresh catalog; nil when it could not be fetched.
	Catalog *Catalog
	// RefreshErr is why the fresh catalog could not be fetched; nil when it was.
	RefreshErr error
	// Err is the broker's answer.
	Err error
}

func (e *MaintenanceInfoConflictError) Error() string {
	switch {
	case e.RefreshErr != nil:
		return fmt.Sprintf("%s: %v; fetching the catalog again failed too (%v): fetch it and use its maintenance_info", e.Operation, e.Err, e.RefreshErr)
	case e.Current == nil || e.Current.Version == nil:
		return fmt.Sprintf("%s: %v; the fresh catalog offers no maintenance_info for the plan any more", e.Operation, e.Err)
	}
	return fmt.Sprintf("%s: %v; sent version %s, the fresh catalog offers %s: try again with it",
		e.Operation, e.Err, quoteText(e.Sent), quoteText(*e.Current.Version))
}

func (e *MaintenanceInfoConflictError) Unwrap() error {
	return e.Err
}

// UpgradeAndWait updates a service instance to the maintenance_info version that its plan offers
// in the catalog (Updating a Service Instance; Maintenance Info Object), waiting as UpdateAndWait
// does. options name the instance, its service and its plan (PlanID, else PreviousValues.PlanID);
// UpgradeAndWait sets MaintenanceInfo, and sends whatever else options carry. The catalog is the
// client's (SetCatalog), else one fetched for this call.
//
// When the broker answers MaintenanceInfoConflict (its catalog changed in the meantime), it
// fetches the catalog again and returns a *MaintenanceInfoConflictError carrying the plan's
// current maintenance_info; a client holding a catalog then holds the fresh one, so calling
// UpgradeAndWait again upgrades to the current version. A failed upgrade is an
// *OperationFailedError as for UpdateAndWait: InstanceUsable and UpdateRepeatable read it.
func (openServiceBroker *OpenServiceBrokerV1) UpgradeAndWait(ctx context.Context, options *UpdateServiceInstanceOptions, wait *WaitOptions) (*InstancePatchResp, *core.DetailedResponse, error) {
	const op = "UpgradeAndWait"
	_, err := options.request()
	if err := checkAndWaitOptions(op, err, wait); err != nil {
		return nil, nil, err
	}
	planID := planBeforeUpdate(options)
	if planID == nil {
		return nil, nil, &ParameterError{Operation: op, Parameter: "plan_id",
			Problem: "is required to find the plan's maintenance_info: set PlanID or PreviousValues.PlanID to the instance's plan"}
	}
	catalog := openServiceBroker.Catalog()
	if catalog == nil {
		fetched, _, err := openServiceBroker.RefreshCatalog(ctx, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: the catalog is needed to find the plan's maintenance_info: %w", op, err)
		}
		catalog = fetched
	}
	version, err := maintenanceVersion(op, catalog, *options.ServiceID, *planID)
	if err != nil {
		return nil, nil, err
	}
	request := *options
	request.MaintenanceInfo = &MaintenanceInfo{Version: &version}
	result, response, err := openServiceBroker.UpdateAndWait(ctx, &request, wait)
	var conflict *MaintenanceInfoConflictError
	if errors.As(err, &conflict) {
		conflict.Operation = op // the request path fetched the held catalog again already
		return result, response, conflict
	}
	if errors.Is(err, ErrMaintenanceInfoConflict) {
		return result, response, openServiceBroker.maintenanceConflict(ctx, op, catalog, *options.ServiceID, *planID, version, err)
	}
	return result, response, err
}

// maintenanceVersion is the maintenance_info version the catalog offers for the plan.
func maintenanceVersion(op string, catalog *Catalog, serviceID, planID string) (string, error) {
	plan, err := catalog.lookupPlan(op, serviceID, planID)
	if err != nil {
		return "", err
	}
	info := plan.MaintenanceInfo()
	if info == nil || info.Version == nil || *info.Version == "" {
		return "", &GuardError{Operation: op, Rule: ErrNoMaintenanceInfo, ServiceID: serviceID, PlanID: planID,
			CatalogSays: fmt.Sprintf("plan %s has no maintenance_info version", quoteText(plan.Name())),
			Hint:        "there is nothing to upgrade to; update the parameters or the plan instead", Section: sectionMaintenanceInfo}
	}
	return *info.Version, nil
}

// maintenanceConflict fetches the catalog after a MaintenanceInfoConflict and says what it offers
// now; a client holding a catalog takes the fresh one.
func (openServiceBroker *OpenServiceBrokerV1) maintenanceConflict(ctx context.Context, op string, previous *Catalog, serviceID, planID, sent string, cause error) error {
	conflict := &MaintenanceInfoConflictError{Operation: op, Sent: sent, Err: cause}
	fresh, changed, err := openServiceBroker.RefreshCatalog(ctx, previous)
	if err != nil {
		conflict.RefreshErr = err
		return conflict
	}
	conflict.Catalog = fresh
	if plan, ok := fresh.Plan(serviceID, planID); ok {
		conflict.Current = plan.MaintenanceInfo()
	}
	if changed {
		openServiceBroker.replaceCatalog(previous, fresh)
	}
	return conflict
}
