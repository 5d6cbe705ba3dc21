package brokertest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/pivotal-cf/brokerapi/v12/domain/apiresponses"
)

// Failure answers the broker library does not predefine. brokerapi turns each into an OSB error
// body {"error": ..., "description": ...} with the given status.

func badRequest(description string) error {
	return apiresponses.NewFailureResponse(errors.New(description), http.StatusBadRequest, "bad-request")
}

func notFound(description string) error {
	return apiresponses.NewFailureResponse(errors.New(description), http.StatusNotFound, "not-found")
}

func unprocessable(description string) error {
	return apiresponses.NewFailureResponse(errors.New(description), http.StatusUnprocessableEntity, "unprocessable")
}

// concurrencyError is the OSB 422 ConcurrencyError for a request that would mutate a resource
// while another operation on it is in flight.
func concurrencyError(inFlight *operation) error {
	err := fmt.Errorf("%s operation %s is in progress; retry after it has finished", inFlight.kind, inFlight.id)
	return apiresponses.NewFailureResponseBuilder(err, http.StatusUnprocessableEntity, "concurrency-error").
		WithErrorKey("ConcurrencyError").Build()
}

// checkMaintenanceInfo accepts an absent maintenance_info or the version the catalog offers for
// the plan, and answers any other with the OSB 422 MaintenanceInfoConflict.
func checkMaintenanceInfo(plan catalogPlan, requested *domain.MaintenanceInfo, section string) error {
	offered := plan.plan.MaintenanceInfo
	if requested == nil || (offered != nil && offered.Version == requested.Version) {
		return nil
	}
	offer := "no maintenance_info"
	if offered != nil {
		offer = fmt.Sprintf("version %q", offered.Version)
	}
	err := fmt.Errorf("maintenance_info.version %q does not match the catalog, which offers %s for plan %q; "+
		"fetch the catalog and send its version (OSB v2.17 %s)", requested.Version, offer, plan.plan.ID, section)
	return apiresponses.NewFailureResponseBuilder(err, http.StatusUnprocessableEntity, "maintenance-info-conflict").
		WithErrorKey("MaintenanceInfoConflict").Build()
}

// writeFailure answers with a broker error as brokerapi would.
func writeFailure(w http.ResponseWriter, err error) {
	var failure *apiresponses.FailureResponse
	if !errors.As(err, &failure) {
		writeOSBError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, failure.ValidatedStatusCode(slog.New(slog.DiscardHandler)), failure.ErrorResponse())
}
