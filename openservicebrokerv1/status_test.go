package openservicebrokerv1

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wireCall sends one request of an operation and returns what the client method returned.
type wireCall func(client *OpenServiceBrokerV1) (any, *core.DetailedResponse, error)

// wireCalls sends each operation with its required parameters, by operationId.
var wireCalls = map[string]wireCall{
	"list_catalog": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		// conditional, as RefreshCatalog asks: a 304 answers nothing else
		return c.ListCatalog(c.NewListCatalogOptions().SetHeaders(map[string]string{"If-None-Match": `"v1"`}))
	},
	"replace_service_instance": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.ReplaceServiceInstance(c.NewReplaceServiceInstanceOptions("instance-1").SetServiceID("service-1").
			SetPlanID("plan-1").SetOrganizationGUID("org-1").SetSpaceGUID("space-1"))
	},
	"update_service_instance": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.UpdateServiceInstance(c.NewUpdateServiceInstanceOptions("instance-1").SetServiceID("service-1"))
	},
	"delete_service_instance": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.DeleteServiceInstance(c.NewDeleteServiceInstanceOptions("service-1", "plan-1", "instance-1"))
	},
	"get_service_instance": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.GetServiceInstance(c.NewGetServiceInstanceOptions("instance-1"))
	},
	"get_last_operation": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.GetLastOperation(c.NewGetLastOperationOptions("instance-1"))
	},
	"get_service_instance_state": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.GetServiceInstanceState(c.NewGetServiceInstanceStateOptions("instance-1"))
	},
	"replace_service_instance_state": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.ReplaceServiceInstanceState(c.NewReplaceServiceInstanceStateOptions("instance-1").SetEnabled(true))
	},
	"replace_service_binding": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.ReplaceServiceBinding(c.NewReplaceServiceBindingOptions("binding-1", "instance-1").SetServiceID("service-1").SetPlanID("plan-1"))
	},
	"delete_service_binding": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		response, err := c.DeleteServiceBinding(c.NewDeleteServiceBindingOptions("binding-1", "instance-1", "plan-1", "service-1"))
		if response == nil {
			return nil, nil, err
		}
		return response.Result, response, err
	},
	"get_service_binding": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.GetServiceBinding(c.NewGetServiceBindingOptions("binding-1", "instance-1"))
	},
	"get_service_binding_last_operation": func(c *OpenServiceBrokerV1) (any, *core.DetailedResponse, error) {
		return c.GetServiceBindingLastOperation(c.NewGetServiceBindingLastOperationOptions("binding-1", "instance-1"))
	},
}

// statusExpectation is what the specification says of some statuses to one operation, written
// from its Response section and the Orphan Mitigation table, independently of statusTable.
type statusExpectation struct {
	operation string
	kind      OperationKind // "" for an operation the Orphan Mitigation table does not judge
	successes []int
	failures  []int // defined by the endpoint, or any endpoint's 4xx and 5xx (Service Broker Errors)
	undefined []int // a sample of the statuses the specification does not define for the operation
	mitigate  []int // the statuses (with a well-formed body) after which orphan mitigation is due
}

// Statuses every operation may fail with: authentication, API version, the 408 and other 4xx
// rows of the Orphan Mitigation table, and broker errors.
var anyEndpointFailures = []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestTimeout, http.StatusPreconditionFailed,
	http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusNotImplemented, http.StatusServiceUnavailable}

var statusExpectations = []statusExpectation{
	{operation: "list_catalog", successes: []int{200, 304},
		failures: []int{400, 404, 410, 422}, undefined: []int{201, 202, 204, 206, 307}},
	{operation: "replace_service_instance", kind: OperationProvision, successes: []int{200, 201, 202},
		failures: []int{400, 409, 422}, undefined: []int{203, 204, 206, 304, 307}, mitigate: []int{203, 204, 206, 500, 501, 503}},
	{operation: "update_service_instance", kind: OperationUpdate, successes: []int{200, 202},
		failures: []int{400, 422}, undefined: []int{201, 204, 206, 307}},
	{operation: "delete_service_instance", kind: OperationDeprovision, successes: []int{200, 202, 410},
		failures: []int{400, 422}, undefined: []int{201, 204, 206, 304}, mitigate: []int{201, 204, 206, 500, 501, 503}},
	{operation: "get_service_instance", successes: []int{200},
		failures: []int{404, 422}, undefined: []int{201, 202, 204, 304}},
	{operation: "get_last_operation", successes: []int{200},
		failures: []int{400, 404, 410}, undefined: []int{201, 202, 204, 304}},
	{operation: "get_service_instance_state", successes: []int{200},
		failures: []int{404}, undefined: []int{201, 202, 204}},
	{operation: "replace_service_instance_state", successes: []int{200},
		failures: []int{400, 404}, undefined: []int{201, 202, 204}},
	{operation: "replace_service_binding", kind: OperationBind, successes: []int{200, 201, 202},
		failures: []int{400, 409, 422}, undefined: []int{203, 204, 206, 307}, mitigate: []int{203, 204, 206, 500, 501, 503}},
	{operation: "delete_service_binding", kind: OperationUnbind, successes: []int{200, 202, 410},
		failures: []int{400, 422}, undefined: []int{201, 204, 206, 307}, mitigate: []int{201, 204, 206, 500, 501, 503}},
	{operation: "get_service_binding", successes: []int{200},
		failures: []int{404}, undefined: []int{201, 202, 204, 304}},
	{operation: "get_service_binding_last_operation", successes: []int{200},
		failures: []int{400, 404, 410}, undefined: []int{201, 202, 204, 304}},
}

// wellFormedBody is a body every success of every operation accepts.
func wellFormedBody(operation string) string {
	switch operation {
	case "get_last_operation", "get_service_binding_last_operation":
		return `{"state":"succeeded"}`
	case "list_catalog":
		return `{"services":[]}`
	}
	return `{}`
}

// answerWith serves one fixed answer on loopback and returns a client for it, without retries.
func answerWith(t *testing.T, status int, body string) *OpenServiceBrokerV1 {
	t.Helper()
	return newLoopbackClient(t, serve(t, answer(status, jsonType, body)).URL)
}

func TestEveryStatusIsJudgedAsTheSpecificationSaysOverHTTP(t *testing.T) {
	for _, expected := range statusExpectations {
		call := wireCalls[expected.operation]
		require.NotNil(t, call, expected.operation)
		judge := func(t *testing.T, status int, want StatusClass) {
			_, response, err := call(answerWith(t, status, wellFormedBody(expected.operation)))

			require.NotNil(t, response)
			assert.Equal(t, status, response.StatusCode)
			assert.Equal(t, want, ClassifyStatus(expected.operation, status).Class)
			var brokerErr *BrokerError
			switch want {
			case StatusSuccess:
				assert.NoError(t, err)
			case StatusFailure:
				require.ErrorAs(t, err, &brokerErr)
				assert.NotErrorIs(t, err, ErrUndefinedStatus)
			case StatusUndefined:
				require.ErrorAs(t, err, &brokerErr)
				assert.ErrorIs(t, err, ErrUndefinedStatus)
				assert.Equal(t, status, brokerErr.StatusCode)
			}
			assert.Equal(t, slices.Contains(expected.mitigate, status), NeedsOrphanMitigation(expected.kind, response, err), "orphan mitigation")
		}
		for want, statuses := range map[StatusClass][]int{
			StatusSuccess: expected.successes, StatusFailure: append(slices.Clone(expected.failures), anyEndpointFailures...),
			StatusUndefined: expected.undefined,
		} {
			for _, status := range statuses {
				t.Run(expected.operation+"/"+statusLine(status), func(t *testing.T) { judge(t, status, want) })
			}
		}
	}
}

func TestStatusTableCoversEveryOperationAndAgreesWithTheGeneratedSuccesses(t *testing.T) {
	assert.Len(t, statusTable, len(generatedOperations))
	for _, op := range generatedOperations {
		defined, known := statusTable[op.ID]
		require.True(t, known, op.ID)
		require.Contains(t, wireCalls, op.ID)
		var beyond2xx []int
		for _, status := range defined.successes {
			if status < 200 || status > 299 {
				beyond2xx = append(beyond2xx, status)
			}
		}
		assert.ElementsMatch(t, op.SuccessStatuses, beyond2xx, "%s: the successes outside 2xx openapi.yaml marks", op.ID)
	}
}

func TestClassifyStatusNamesTheSectionThatDecides(t *testing.T) {
	tests := []struct {
		operation string
		status    int
		want      StatusRule
	}{
		{"replace_service_instance", 201, StatusRule{Class: StatusSuccess, Section: "Provisioning, Response"}},
		{"replace_service_instance", 409, StatusRule{Class: StatusFailure, Section: "Provisioning, Response"}},
		{"replace_service_instance", 204, StatusRule{Class: StatusUndefined, Section: "Provisioning, Response"}},
		{"delete_service_binding", 410, StatusRule{Class: StatusSuccess, Section: "Unbinding, Response"}},
		{"get_last_operation", 410, StatusRule{Class: StatusFailure, Section: "Polling Last Operation for Service Instances, Response"}},
		{"list_catalog", 304, StatusRule{Class: StatusSuccess, Section: "Catalog Management, Response"}},
		{"get_service_binding", 401, StatusRule{Class: StatusFailure, Section: sectionAuthentication}},
		{"update_service_instance", 412, StatusRule{Class: StatusFailure, Section: sectionAPIVersion}},
		{"update_service_instance", 503, StatusRule{Class: StatusFailure, Section: sectionBrokerErrors}},
		{"no_such_operation", 200, StatusRule{Class: StatusUndefined, Section: ""}},
		{"replace_service_instance", 422, StatusRule{Class: StatusFailure, Section: "Provisioning, Response",
			ErrorCodes: []string{"ConcurrencyError", "AsyncRequired", "MaintenanceInfoConflict"}}},
		{"update_service_instance", 422, StatusRule{Class: StatusFailure, Section: "Updating a Service Instance, Response",
			ErrorCodes: []string{"ConcurrencyError", "AsyncRequired", "MaintenanceInfoConflict"}}},
		{"delete_service_instance", 422, StatusRule{Class: StatusFailure, Section: "Deprovisioning, Response",
			ErrorCodes: []string{"ConcurrencyError", "AsyncRequired"}}},
		{"replace_service_binding", 422, StatusRule{Class: StatusFailure, Section: "Binding, Response",
			ErrorCodes: []string{"ConcurrencyError", "RequiresApp", "AsyncRequired"}}},
		{"delete_service_binding", 422, StatusRule{Class: StatusFailure, Section: "Unbinding, Response",
			ErrorCodes: []string{"ConcurrencyError", "AsyncRequired"}}},
		{"get_service_instance", 422, StatusRule{Class: StatusFailure, Section: "Fetching a Service Instance, Response",
			ErrorCodes: []string{"ConcurrencyError"}}},
		{"get_last_operation", 422, StatusRule{Class: StatusFailure, Section: sectionBlocking, ErrorCodes: []string{"ConcurrencyError"}}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ClassifyStatus(tt.operation, tt.status), "%s %d", tt.operation, tt.status)
	}
}

func TestAnUndefinedStatusKeepsTheBodyScrubbedOfTheCredentials(t *testing.T) {
	const password = "s3cret-password"
	server := serve(t, answer(http.StatusNoContent+2, jsonType, `{"echo":"`+password+`"}`))
	client := newClientWith(t, server.URL, &core.BasicAuthenticator{Username: "platform", Password: password})

	_, response, err := wireCalls["replace_service_binding"](client)

	var brokerErr *BrokerError
	require.ErrorAs(t, err, &brokerErr)
	assert.ErrorIs(t, err, ErrUndefinedStatus)
	assert.Equal(t, http.StatusPartialContent, brokerErr.StatusCode)
	assert.Equal(t, `{"echo":"[redacted]"}`, brokerErr.Body)
	assert.NotContains(t, string(response.RawResult), password)
	assert.Contains(t, err.Error(), "206 Partial Content")
	assert.Contains(t, err.Error(), "the specification does not define this status for the operation (Binding, Response), so it is a failure")
}

func TestA304ToAnUnconditionalCatalogRequestIsUndefinedOverHTTP(t *testing.T) {
	client := answerWith(t, http.StatusNotModified, "")

	catalog, response, err := client.ListCatalog(client.NewListCatalogOptions())

	assert.Nil(t, catalog, "never an empty catalog")
	require.NotNil(t, response)
	assert.Equal(t, http.StatusNotModified, response.StatusCode)
	assert.ErrorIs(t, err, ErrUndefinedStatus)
	assert.ErrorContains(t, err, "only to a request with If-None-Match or If-Modified-Since")
	for _, validator := range []string{"If-None-Match", "If-Modified-Since"} {
		_, _, err = client.ListCatalog(client.NewListCatalogOptions().SetHeaders(map[string]string{validator: `"v1"`}))
		assert.NoError(t, err, "a 304 answers a request with %s", validator)
	}
}

func TestStatusClassNames(t *testing.T) {
	assert.Equal(t, []string{"undefined", "success", "failure"},
		[]string{StatusUndefined.String(), StatusSuccess.String(), StatusFailure.String()})
}

func TestMalformedAnswersNeedOrphanMitigationAsTheTableSaysOverHTTP(t *testing.T) {
	const malformed = `{"operation": "op-1`
	tests := []struct {
		operation string
		kind      OperationKind
		mitigate  map[int]bool // by status
	}{
		{"replace_service_instance", OperationProvision, map[int]bool{200: false, 201: true, 202: true}},
		{"replace_service_binding", OperationBind, map[int]bool{200: false, 201: true, 202: true}},
		{"update_service_instance", OperationUpdate, map[int]bool{200: false, 202: false}},
		// Decisions where the table has no row: see NeedsOrphanMitigation.
		{"delete_service_instance", OperationDeprovision, map[int]bool{200: false, 202: true}},
		{"delete_service_binding", OperationUnbind, map[int]bool{200: false, 202: true}},
	}
	for _, tt := range tests {
		for status, mitigate := range tt.mitigate {
			t.Run(tt.operation+"/"+statusLine(status), func(t *testing.T) {
				_, response, err := wireCalls[tt.operation](answerWith(t, status, malformed))

				require.Error(t, err)
				assert.Equal(t, mitigate, NeedsOrphanMitigation(tt.kind, response, err))
			})
		}
	}
}

func TestClassifyReceivedAnswerFindsTheOperationOfTheRequest(t *testing.T) {
	tests := []struct {
		operation, prefix string
		status            int
		want              StatusClass
	}{
		{"replace_service_instance", "", 204, StatusUndefined},
		{"replace_service_instance", "/broker", 201, StatusSuccess},
		{"get_service_binding_last_operation", "", 201, StatusUndefined},
		{"delete_service_binding", "/a/b", 204, StatusUndefined},
		{"delete_service_binding", "", 410, StatusSuccess},
		{"get_last_operation", "", 404, StatusFailure},
		{"list_catalog", "", 304, StatusUndefined}, // the request carries no If-None-Match
	}
	for _, tt := range tests {
		operationID, rule := ClassifyReceivedAnswer(receivedRequest(t, tt.operation, tt.prefix), tt.status)
		assert.Equal(t, tt.operation, operationID)
		assert.Equal(t, tt.want, rule.Class, "%s %d", tt.operation, tt.status)
		assert.Equal(t, statusTable[tt.operation].section != "", rule.Section != "", "%s %d names a section", tt.operation, tt.status)
	}
	conditional := receivedRequest(t, "list_catalog", "")
	conditional.Header.Set("If-None-Match", `"v1"`)
	_, rule := ClassifyReceivedAnswer(conditional, 304)
	assert.Equal(t, StatusSuccess, rule.Class, "a 304 to a conditional catalog request")
	operationID, rule := ClassifyReceivedAnswer(httptest.NewRequest(http.MethodGet, "http://127.0.0.1/healthz", nil), 200)
	assert.Empty(t, operationID)
	assert.Equal(t, StatusUndefined, rule.Class)
}
