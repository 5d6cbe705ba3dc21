package openservicebrokerv1

// The one table of what each HTTP status means as the answer to each operation. decode, the
// waiters and NeedsOrphanMitigation read it; ValidateErrorAnswer reads its 422 error codes; the
// checker (conformance) reads it through ClassifyReceivedAnswer.

import (
	"errors"
	"net/http"
	"slices"
)

// StatusClass is what an HTTP status means as the answer to one operation.
type StatusClass int

const (
	// StatusUndefined: the specification defines the status for no purpose of the operation (a 204
	// to a provision, a 201 to a deprovision, any 1xx or 3xx); the answer is a failure, reported as
	// a *BrokerError that matches ErrUndefinedStatus ("Responses with any other status code MUST be
	// interpreted as a failure").
	StatusUndefined StatusClass = iota
	// StatusSuccess: the operation succeeded (or, for a poll, the answer carries the state).
	StatusSuccess
	// StatusFailure: a failure the operation's Response section lists (400, 409, 422, ...), or a
	// 4xx or 5xx error any endpoint may answer (Service Broker Errors).
	StatusFailure
)

// String names the class as the README's status table does.
func (c StatusClass) String() string {
	switch c {
	case StatusSuccess:
		return "success"
	case StatusFailure:
		return "failure"
	default:
		return "undefined"
	}
}

// StatusRule is one cell of the status table: the class of a status for an operation and the
// section of the specification (or of IBM's API reference) that says so.
type StatusRule struct {
	Class   StatusClass
	Section string
	// ErrorCodes are, for 422 Unprocessable Entity, the OSB error codes the operation defines
	// ("AsyncRequired", ...): ConcurrencyError for every operation (Blocking Operations), and those
	// its Response section names.
	ErrorCodes []string
}

// ErrUndefinedStatus matches the *BrokerError of an answer whose status the specification does
// not define for the operation (StatusUndefined): a failure, whatever its body.
var ErrUndefinedStatus = errors.New("broker answered a status the specification does not define for this operation")

// operationStatuses lists the statuses one operation's Response section defines.
type operationStatuses struct {
	section    string // the section whose Response table lists them
	successes  []int
	failures   []int
	errorCodes []string // the error codes of its 422 besides ConcurrencyError
}

// statusTable is OSB v2.17's Response tables, by operationId. 410 Gone to a poll is listed as a
// failure: it is the success of a deletion's poll, which only the waiter knows it is polling
// (Polling Last Operation for Service Instances / for Service Bindings, Response).
var statusTable = map[string]operationStatuses{
	"list_catalog": {section: "Catalog Management, Response",
		// 304 answers a conditional request (If-None-Match, If-Modified-Since; RFC 9110) that RefreshCatalog
		// sends; to any other it is undefined (classifyAnswer).
		successes: []int{http.StatusOK, http.StatusNotModified}},
	"replace_service_instance": {section: "Provisioning, Response",
		successes:  []int{http.StatusOK, http.StatusCreated, http.StatusAccepted},
		failures:   []int{http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity},
		errorCodes: []string{errorCodeAsyncRequired, errorCodeMaintenanceInfoConflict}},
	"update_service_instance": {section: "Updating a Service Instance, Response",
		successes:  []int{http.StatusOK, http.StatusAccepted},
		failures:   []int{http.StatusBadRequest, http.StatusUnprocessableEntity},
		errorCodes: []string{errorCodeAsyncRequired, errorCodeMaintenanceInfoConflict}},
	"delete_service_instance": {section: "Deprovisioning, Response",
		successes: []int{http.StatusOK, http.StatusAccepted, http.StatusGone},
		failures:  []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, errorCodes: []string{errorCodeAsyncRequired}},
	"get_service_instance": {section: "Fetching a Service Instance, Response",
		successes: []int{http.StatusOK},
		failures:  []int{http.StatusNotFound, http.StatusUnprocessableEntity}},
	"get_last_operation": {section: "Polling Last Operation for Service Instances, Response",
		successes: []int{http.StatusOK},
		failures:  []int{http.StatusBadRequest, http.StatusNotFound, http.StatusGone}},
	"replace_service_binding": {section: "Binding, Response",
		successes:  []int{http.StatusOK, http.StatusCreated, http.StatusAccepted},
		failures:   []int{http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity},
		errorCodes: []string{errorCodeRequiresApp, errorCodeAsyncRequired}},
	"delete_service_binding": {section: "Unbinding, Response",
		successes: []int{http.StatusOK, http.StatusAccepted, http.StatusGone},
		failures:  []int{http.StatusBadRequest, http.StatusUnprocessableEntity}, errorCodes: []string{errorCodeAsyncRequired}},
	"get_service_binding": {section: "Fetching a Service Binding, Response",
		successes: []int{http.StatusOK},
		failures:  []int{http.StatusNotFound}},
	"get_service_binding_last_operation": {section: "Polling Last Operation for Service Bindings, Response",
		successes: []int{http.StatusOK},
		failures:  []int{http.StatusBadRequest, http.StatusNotFound, http.StatusGone}},
	// IBM Cloud's resource instance state endpoints (IBM's Open Service Broker API reference).
	"get_service_instance_state": {section: "IBM Cloud, Get the state of a service instance",
		successes: []int{http.StatusOK},
		failures:  []int{http.StatusNotFound}},
	"replace_service_instance_state": {section: "IBM Cloud, Update the state of a service instance",
		successes: []int{http.StatusOK},
		failures:  []int{http.StatusBadRequest, http.StatusNotFound}},
}

// sectionConditional names why a 304 answers only a conditional request.
const sectionConditional = "Catalog Management, Response; RFC 9110, 304 Not Modified: only to a request with If-None-Match or If-Modified-Since"

// classifyAnswer is ClassifyStatus for the answer to request: 304 Not Modified answers only a
// conditional request, so to a catalog request without If-None-Match or If-Modified-Since it is
// undefined (a plain ListCatalog would otherwise read it as an empty catalog).
func classifyAnswer(operationID string, request *http.Request, status int) StatusRule {
	rule := ClassifyStatus(operationID, status)
	if status == http.StatusNotModified && rule.Class == StatusSuccess &&
		request.Header.Get("If-None-Match") == "" && request.Header.Get("If-Modified-Since") == "" {
		return StatusRule{Class: StatusUndefined, Section: sectionConditional}
	}
	return rule
}

// ClassifyReceivedAnswer is ClassifyStatus for an answer received outside this client (by a
// checker, a proxy): the operation is found by the request's method and route, after any path the
// broker's URL has of its own, as ValidateErrorBody finds it, and a 304 Not Modified is a success
// only to a conditional catalog request. operationID is "" for a request for no operation of the
// specification.
func ClassifyReceivedAnswer(request *http.Request, status int) (operationID string, rule StatusRule) {
	operationID = routes.operationID(request)
	if operationID == "" {
		return "", StatusRule{Class: StatusUndefined}
	}
	return operationID, classifyAnswer(operationID, request, status)
}

// Sections of the specification that define statuses for every endpoint.
const (
	sectionAuthentication = "Platform to Service Broker Authentication"
	sectionAPIVersion     = "API Version Header"
	sectionBrokerErrors   = "Service Broker Errors"
	sectionBlocking       = "Blocking Operations"
)

// ClassifyStatus returns what status means as the answer to the operation with the given
// operationId (as openapi.yaml and the specification's Response tables name it, e.g.
// "replace_service_instance"). An operation the table does not know gives StatusUndefined.
func ClassifyStatus(operationID string, status int) StatusRule {
	defined, known := statusTable[operationID]
	switch {
	case !known:
		return StatusRule{Class: StatusUndefined}
	case slices.Contains(defined.successes, status):
		return StatusRule{Class: StatusSuccess, Section: defined.section}
	case status == http.StatusUnprocessableEntity:
		section := defined.section
		if !slices.Contains(defined.failures, status) {
			section = sectionBlocking
		}
		return StatusRule{Class: StatusFailure, Section: section, ErrorCodes: append([]string{errorCodeConcurrencyError}, defined.errorCodes...)}
	case slices.Contains(defined.failures, status):
		return StatusRule{Class: StatusFailure, Section: defined.section}
	case status == http.StatusUnauthorized:
		return StatusRule{Class: StatusFailure, Section: sectionAuthentication}
	case status == http.StatusPreconditionFailed:
		return StatusRule{Class: StatusFailure, Section: sectionAPIVersion}
	case status >= 400 && status <= 599:
		return StatusRule{Class: StatusFailure, Section: sectionBrokerErrors}
	default:
		return StatusRule{Class: StatusUndefined, Section: defined.section}
	}
}
