package openservicebrokerv1_test

// The nine Go snippets of IBM's Open Service Broker API reference (package seedsnippets), each run
// against a broker mock that answers only the request the reference's curl example shows and
// replies with the reference's example answer, which the snippet must print.

import (
	"io"
	"net/http"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/seedsnippets"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Values from the reference's examples, for the snippets' variables.
const (
	seedBrokerURL   = "http://127.0.0.1:9"
	seedAccountID   = "499b176abb3e1c9727df87ae48b27c7b"
	seedInstanceID  = "crn:v1:bluemix:public:testjavaresourceservicebrokername:us-south:a/499b176abb3e1c9727df87ae48b27c7b:7f0d2b93-fd4a-4ce9-8675-978d20b1e0b7::"
	seedServiceID   = "cb55391b-3416-4943-a6a6-a541778c1924"
	seedPlanID      = "e1031579-4b42-4169-b7cf-f7793c616fdc"
	seedOrgGUID     = "f4663bbe-e8ea-478c-8956-e3afee1087ab"
	seedSpaceGUID   = "54557f98-83f0-4eca-ae04-9ea35277a539"
	seedInitiatorID = "IBMid-5500093BHN"
	seedOperation   = "Provision_45"
	seedBindingID   = "7d0c4b5e-a5f2-4bb3-9d3e-0a4f1f7c2b11"
	seedAppGUID     = "crn:v1:bluemix:public:iam-identity::a/499b176abb3e1c9727df87ae48b27c7b::serviceid:ServiceId-8c4e"
	// seedInstancePath is the instance's path as the curl examples send it: one segment, "/" as %2F.
	seedInstancePath = "/v2/service_instances/crn:v1:bluemix:public:testjavaresourceservicebrokername:us-south:a%2F499b176abb3e1c9727df87ae48b27c7b:7f0d2b93-fd4a-4ce9-8675-978d20b1e0b7::"
	seedStatePath    = "/bluemix_v1/service_instances/crn:v1:bluemix:public:testjavaresourceservicebrokername:us-south:a%2F499b176abb3e1c9727df87ae48b27c7b:7f0d2b93-fd4a-4ce9-8675-978d20b1e0b7::"
	seedBindingPath  = seedInstancePath + "/service_bindings/" + seedBindingID
	// seedContextJSON is the context the provision and update snippets build.
	seedContextJSON = `{"account_id": "` + seedAccountID + `", "crn": "` + seedInstanceID + `", "platform": "ibmcloud"}`
)

// seedVars are the reference's example values under the snippets' variable names.
var seedVars = seedsnippets.Vars{
	AccountID: seedAccountID, InstanceID: seedInstanceID, OrgGUID: seedOrgGUID, SpaceGUID: seedSpaceGUID,
	PlanID: seedPlanID, ServiceID: seedServiceID, InitiatorID: seedInitiatorID, Operation: seedOperation,
	BindingID: seedBindingID, AppGUID: seedAppGUID,
}

// The reference's example answers.
const (
	seedProvisionAnswer = `{ "dashboard_url": "http://www.ibm.com/objectstorage/crn:v1:bluemix:public:cloud-object-storage:global:a%2F4329073d16d2f3663f74bfa955259139:8d7af921-b136-4078-9666-081bd8470d94::", "description": "Your service is being created asynchronously.", "operation": "Provision_45" }`
	seedTaskAnswer      = `{ "operation": "task_10" }`
	seedStateAnswer     = `{ "active": true, "enabled": true, "last_active": 1656523962 }`
	seedLastOpAnswer    = `{ "state": "succeeded", "description": "The asynchronous creation of your service instance succeeded." }`
	seedBindAnswer      = `{ "credentials": { "uri": "mysql://mysqluser:pass@mysqlhost:3306/dbname", "username": "mysqluser", "password": "pass", "host": "mysqlhost", "port": 3306, "database": "dbname" } }`
	seedCatalogAnswer   = `{ "services": [ { "bindable": true, "description": "Test Node Resource Service Broker Description", "id": "service-guid-here", "metadata": { "displayName": "Test Node Resource Service Broker Display Name", "documentationUrl": "http://10.0.1.2/documentation.html", "imageUrl": "http://10.0.1.2/servicesample.png", "instructionsUrl": "http://10.0.1.2/servicesample.md", "longDescription": "Test Node Resource Service Broker Plan Long Description", "providerDisplayName": "Some Company", "supportUrl": "http://10.0.1.2/support.html", "termsUrl": "http://10.0.1.2/terms.html" }, "name": "testnoderesourceservicebrokername", "plan_updateable": true, "tags": [ "lite", "tag1a", "tag1b" ], "plans": [ { "description": "Test Node Resource Service Broker Plan Description", "free": true, "id": "plan-guid-here", "metadata": { "bullets": [ "Test bullet 1", "Test bullet 2" ], "displayName": "Lite" }, "name": "lite" } ] } ] }`
)

// seedRequest is what the broker mock saw of the request it answered.
type seedRequest struct {
	header http.Header
	body   []byte
}

// newSeedClient returns a client whose requests go to an httpmock transport without responders.
// Retries are off: a request the mock does not expect fails at once.
func newSeedClient(t *testing.T) (*openservicebrokerv1.OpenServiceBrokerV1, *httpmock.MockTransport) {
	t.Helper()
	client, err := openservicebrokerv1.NewOpenServiceBrokerV1(&openservicebrokerv1.OpenServiceBrokerV1Options{
		URL: seedBrokerURL, Authenticator: &core.NoAuthAuthenticator{},
	})
	require.NoError(t, err)
	client.DisableRetries()
	transport := httpmock.NewMockTransport()
	client.GetHTTPClient().Transport = transport
	return client, transport
}

// expectSeedRequest makes transport answer one request with exactly this method, escaped path
// and query with status and answer, and returns what it saw of that request.
func expectSeedRequest(transport *httpmock.MockTransport, method, path, query string, status int, answer string) *seedRequest {
	seen := &seedRequest{}
	transport.RegisterResponderWithQuery(method, path, query, func(request *http.Request) (*http.Response, error) {
		seen.header = request.Header.Clone()
		if request.Body != nil {
			seen.body, _ = io.ReadAll(request.Body)
		}
		response := httpmock.NewStringResponse(status, answer)
		response.Header.Set("Content-Type", "application/json")
		return response, nil
	})
	return seen
}

// assertSeedHeaders checks the headers every snippet's request carries.
func assertSeedHeaders(t *testing.T, seen *seedRequest, hasBody bool) {
	t.Helper()
	assert.Equal(t, "2.17", seen.header.Get(openservicebrokerv1.HeaderAPIVersion))
	assert.NotEmpty(t, seen.header.Get(openservicebrokerv1.HeaderRequestIdentity))
	assert.Equal(t, "application/json", seen.header.Get("Accept"))
	if hasBody {
		assert.Equal(t, "application/json", seen.header.Get("Content-Type"))
	}
}

// runSeedSnippet returns what snippet prints to standard output. The snippets handle an error
// with panic; runSeedSnippet turns it into a test failure.
func runSeedSnippet(t *testing.T, snippet func()) string {
	t.Helper()
	printed, panicked := seedsnippets.Run(snippet)
	require.Nil(t, panicked, "the snippet panicked")
	return printed
}

// TestSeedSnippets runs each snippet against a mock that answers only the request the reference
// shows, with the reference's status and answer. It swaps os.Stdout, so it must not run in parallel.
func TestSeedSnippets(t *testing.T) {
	lastOperationQuery := "operation=" + seedOperation + "&service_id=" + seedServiceID + "&plan_id=" + seedPlanID
	deletionQuery := "service_id=" + seedServiceID + "&plan_id=" + seedPlanID
	for _, seed := range []struct {
		name    string
		snippet func(*openservicebrokerv1.OpenServiceBrokerV1, seedsnippets.Vars)
		// method, path and query are the only request the mock answers, with status and answer.
		method, path, query string
		status              int
		answer              string
		// body is the JSON the request must carry; "" for none.
		body string
		// printed is the JSON the snippet must print; "" when it prints nothing.
		printed string
	}{
		{
			name: "ReplaceServiceInstance", snippet: seedsnippets.ReplaceServiceInstance,
			method: http.MethodPut, path: seedInstancePath, query: "accepts_incomplete=true",
			status: http.StatusAccepted, answer: seedProvisionAnswer,
			body: `{
				"service_id": "` + seedServiceID + `", "plan_id": "` + seedPlanID + `",
				"organization_guid": "` + seedOrgGUID + `", "space_guid": "` + seedSpaceGUID + `",
				"context": ` + seedContextJSON + `,
				"parameters": {"example": "property"}
			}`,
			printed: seedProvisionAnswer,
		},
		{
			name: "UpdateServiceInstance", snippet: seedsnippets.UpdateServiceInstance,
			method: http.MethodPatch, path: seedInstancePath, query: "accepts_incomplete=true",
			status: http.StatusAccepted, answer: seedTaskAnswer,
			body: `{
				"service_id": "` + seedServiceID + `", "plan_id": "` + seedPlanID + `",
				"context": ` + seedContextJSON + `,
				"parameters": {"example": "property"}
			}`,
			printed: seedTaskAnswer,
		},
		{
			name: "DeleteServiceInstance", snippet: seedsnippets.DeleteServiceInstance,
			method: http.MethodDelete, path: seedInstancePath, query: deletionQuery,
			status: http.StatusAccepted, answer: seedTaskAnswer, printed: seedTaskAnswer,
		},
		{
			name: "GetServiceInstanceState", snippet: seedsnippets.GetServiceInstanceState,
			method: http.MethodGet, path: seedStatePath,
			status: http.StatusOK, answer: seedStateAnswer, printed: seedStateAnswer,
		},
		{
			name: "ReplaceServiceInstanceState", snippet: seedsnippets.ReplaceServiceInstanceState,
			method: http.MethodPut, path: seedStatePath,
			status: http.StatusOK, answer: seedStateAnswer,
			body:    `{"enabled": false, "initiator_id": "` + seedInitiatorID + `"}`,
			printed: seedStateAnswer,
		},
		{
			name: "GetLastOperation", snippet: seedsnippets.GetLastOperation,
			method: http.MethodGet, path: seedInstancePath + "/last_operation", query: lastOperationQuery,
			status: http.StatusOK, answer: seedLastOpAnswer, printed: seedLastOpAnswer,
		},
		{
			name: "ReplaceServiceBinding", snippet: seedsnippets.ReplaceServiceBinding,
			method: http.MethodPut, path: seedBindingPath,
			status: http.StatusCreated, answer: seedBindAnswer,
			body: `{
				"service_id": "` + seedServiceID + `", "plan_id": "` + seedPlanID + `",
				"parameters": {"example": "property"},
				"bind_resource": {"account_id": "` + seedAccountID + `", "serviceid_crn": "` + seedAppGUID + `"}
			}`,
			printed: seedBindAnswer,
		},
		{
			name: "DeleteServiceBinding", snippet: seedsnippets.DeleteServiceBinding,
			method: http.MethodDelete, path: seedBindingPath, query: deletionQuery,
			status: http.StatusOK, answer: `{}`,
		},
		{
			name: "ListCatalog", snippet: seedsnippets.ListCatalog,
			method: http.MethodGet, path: "/v2/catalog",
			status: http.StatusOK, answer: seedCatalogAnswer, printed: seedCatalogAnswer,
		},
	} {
		t.Run(seed.name, func(t *testing.T) {
			client, transport := newSeedClient(t)
			seen := expectSeedRequest(transport, seed.method, seed.path, seed.query, seed.status, seed.answer)

			printed := runSeedSnippet(t, func() { seed.snippet(client, seedVars) })

			assert.Equal(t, 1, transport.GetTotalCallCount(), "the snippet sends one request, answered %d", seed.status)
			assertSeedHeaders(t, seen, seed.body != "")
			assert.Empty(t, seen.header.Values(openservicebrokerv1.HeaderOriginatingIdentity), "the snippets send no originating identity")
			if seed.body != "" {
				assert.JSONEq(t, seed.body, string(seen.body))
			} else {
				assert.Empty(t, seen.body)
			}
			if seed.printed != "" {
				assert.JSONEq(t, seed.printed, printed)
			} else {
				assert.Empty(t, printed, "the snippet prints nothing")
			}
		})
	}
}
