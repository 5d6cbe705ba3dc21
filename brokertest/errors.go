package brokertest

import (
	"errors"
	"fmt"
	"net/http"

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
