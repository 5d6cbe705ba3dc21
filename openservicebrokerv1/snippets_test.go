package openservicebrokerv1_test

// The nine Go snippets of IBM's Open Service Broker API reference (seed 002), pasted unchanged
// between the "snippet" markers: each runs against a broker mock that answers only the request
// the reference's curl example shows and replies with the reference's example answer.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

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
	reader, writer, err := os.Pipe()
	require.NoError(t, err)
	printed := make(chan string, 1)
	go func() {
		var text bytes.Buffer
		_, _ = text.ReadFrom(reader)
		printed <- text.String()
	}()
	stdout := os.Stdout
	os.Stdout = writer
	var failure any
	func() {
		defer func() {
			os.Stdout = stdout
			_ = writer.Close()
			failure = recover()
		}()
		snippet()
	}()
	output := <-printed
	require.Nil(t, failure, "the snippet panicked")
	return output
}

func TestSeedSnippet_ReplaceServiceInstance(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodPut, seedInstancePath, "accepts_incomplete=true", http.StatusAccepted, seedProvisionAnswer)
	accountId, instanceId, planId, serviceId, orgGuid, spaceGuid := seedAccountID, seedInstanceID, seedPlanID, seedServiceID, seedOrgGUID, seedSpaceGUID

	printed := runSeedSnippet(t, func() {
		// snippet
		contextOpt := &openservicebrokerv1.Context{AccountID: &accountId, Crn: &instanceId, Platform: core.StringPtr("ibmcloud")}
		paramsOpt := make(map[string]string, 0)
		paramsOpt["example"] = "property"
		options := openServiceBrokerService.NewReplaceServiceInstanceOptions(instanceId)
		options = options.SetPlanID(planId)
		options = options.SetServiceID(serviceId)
		options = options.SetOrganizationGuid(orgGuid)
		options = options.SetSpaceGuid(spaceGuid)
		options = options.SetContext(contextOpt)
		options = options.SetParameters(paramsOpt)
		options = options.SetAcceptsIncomplete(true)
		result, response, err := openServiceBrokerService.ReplaceServiceInstance(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusAccepted, response.StatusCode)
	})

	assertSeedHeaders(t, seen, true)
	assert.JSONEq(t, `{
		"service_id": "`+seedServiceID+`", "plan_id": "`+seedPlanID+`",
		"organization_guid": "`+seedOrgGUID+`", "space_guid": "`+seedSpaceGUID+`",
		"context": `+seedContextJSON+`,
		"parameters": {"example": "property"}
	}`, string(seen.body))
	assert.JSONEq(t, seedProvisionAnswer, printed)
}

func TestSeedSnippet_UpdateServiceInstance(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodPatch, seedInstancePath, "accepts_incomplete=true", http.StatusAccepted, seedTaskAnswer)
	accountId, instanceId, planId, serviceId := seedAccountID, seedInstanceID, seedPlanID, seedServiceID

	printed := runSeedSnippet(t, func() {
		// snippet
		contextOpt := &openservicebrokerv1.Context{AccountID: &accountId, Crn: &instanceId, Platform: core.StringPtr("ibmcloud")}
		paramsOpt := make(map[string]string, 0)
		paramsOpt["example"] = "property"
		previousValues := make(map[string]string, 0)
		previousValues["plan_id"] = planId
		options := openServiceBrokerService.NewUpdateServiceInstanceOptions(instanceId)
		options = options.SetPlanID(planId)
		options = options.SetServiceID(serviceId)
		options = options.SetContext(contextOpt)
		options = options.SetParameters(paramsOpt)
		options = options.SetAcceptsIncomplete(true)
		result, response, err := openServiceBrokerService.UpdateServiceInstance(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusAccepted, response.StatusCode)
	})

	assertSeedHeaders(t, seen, true)
	assert.JSONEq(t, `{
		"service_id": "`+seedServiceID+`", "plan_id": "`+seedPlanID+`",
		"context": `+seedContextJSON+`,
		"parameters": {"example": "property"}
	}`, string(seen.body))
	assert.JSONEq(t, seedTaskAnswer, printed)
}

func TestSeedSnippet_DeleteServiceInstance(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodDelete, seedInstancePath, "service_id="+seedServiceID+"&plan_id="+seedPlanID, http.StatusAccepted, seedTaskAnswer)
	serviceId, planId, instanceId := seedServiceID, seedPlanID, seedInstanceID

	printed := runSeedSnippet(t, func() {
		// snippet
		options := openServiceBrokerService.NewDeleteServiceInstanceOptions(serviceId, planId, instanceId)
		result, response, err := openServiceBrokerService.DeleteServiceInstance(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusAccepted, response.StatusCode)
	})

	assertSeedHeaders(t, seen, false)
	assert.Empty(t, seen.body)
	assert.JSONEq(t, seedTaskAnswer, printed)
}

func TestSeedSnippet_GetServiceInstanceState(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodGet, seedStatePath, "", http.StatusOK, seedStateAnswer)
	instanceId := seedInstanceID

	printed := runSeedSnippet(t, func() {
		// snippet
		options := openServiceBrokerService.NewGetServiceInstanceStateOptions(instanceId)
		result, response, err := openServiceBrokerService.GetServiceInstanceState(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusOK, response.StatusCode)
	})

	assertSeedHeaders(t, seen, false)
	assert.JSONEq(t, seedStateAnswer, printed)
}

func TestSeedSnippet_ReplaceServiceInstanceState(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodPut, seedStatePath, "", http.StatusOK, seedStateAnswer)
	instanceId, initiatorId := seedInstanceID, seedInitiatorID

	printed := runSeedSnippet(t, func() {
		// snippet
		options := openServiceBrokerService.NewReplaceServiceInstanceStateOptions(instanceId)
		options = options.SetEnabled(false)
		options = options.SetInitiatorID(initiatorId)
		result, response, err := openServiceBrokerService.ReplaceServiceInstanceState(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusOK, response.StatusCode)
	})

	assertSeedHeaders(t, seen, true)
	assert.JSONEq(t, `{"enabled": false, "initiator_id": "`+seedInitiatorID+`"}`, string(seen.body))
	assert.JSONEq(t, seedStateAnswer, printed)
}

func TestSeedSnippet_GetLastOperation(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	query := "operation=" + seedOperation + "&service_id=" + seedServiceID + "&plan_id=" + seedPlanID
	seen := expectSeedRequest(transport, http.MethodGet, seedInstancePath+"/last_operation", query, http.StatusOK, seedLastOpAnswer)
	instanceId, operation, planId, serviceId := seedInstanceID, seedOperation, seedPlanID, seedServiceID

	printed := runSeedSnippet(t, func() {
		// snippet
		options := openServiceBrokerService.NewGetLastOperationOptions(instanceId)
		options = options.SetOperation(operation)
		options = options.SetPlanID(planId)
		options = options.SetServiceID(serviceId)
		result, response, err := openServiceBrokerService.GetLastOperation(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusOK, response.StatusCode)
	})

	assertSeedHeaders(t, seen, false)
	assert.JSONEq(t, seedLastOpAnswer, printed)
}

func TestSeedSnippet_ReplaceServiceBinding(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodPut, seedBindingPath, "", http.StatusCreated, seedBindAnswer)
	accountId, appGuid, bindingId, instanceId, planId, serviceId := seedAccountID, seedAppGUID, seedBindingID, seedInstanceID, seedPlanID, seedServiceID

	printed := runSeedSnippet(t, func() {
		// snippet
		paramsOpt := make(map[string]string, 0)
		paramsOpt["example"] = "property"
		bindResource := &openservicebrokerv1.BindResource{AccountID: &accountId, ServiceidCrn: &appGuid}
		options := openServiceBrokerService.NewReplaceServiceBindingOptions(bindingId, instanceId)
		options = options.SetPlanID(planId)
		options = options.SetServiceID(serviceId)
		options = options.SetParameters(paramsOpt)
		options = options.SetBindResource(bindResource)
		result, response, err := openServiceBrokerService.ReplaceServiceBinding(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusCreated, response.StatusCode)
	})

	assertSeedHeaders(t, seen, true)
	assert.JSONEq(t, `{
		"service_id": "`+seedServiceID+`", "plan_id": "`+seedPlanID+`",
		"parameters": {"example": "property"},
		"bind_resource": {"account_id": "`+seedAccountID+`", "serviceid_crn": "`+seedAppGUID+`"}
	}`, string(seen.body))
	assert.JSONEq(t, seedBindAnswer, printed)
}

func TestSeedSnippet_DeleteServiceBinding(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodDelete, seedBindingPath, "service_id="+seedServiceID+"&plan_id="+seedPlanID, http.StatusOK, `{}`)
	bindingId, instanceId, planId, serviceId := seedBindingID, seedInstanceID, seedPlanID, seedServiceID

	printed := runSeedSnippet(t, func() {
		// snippet
		deleteServiceBindingOptions := openServiceBrokerService.NewDeleteServiceBindingOptions(bindingId, instanceId, planId, serviceId)
		response, err := openServiceBrokerService.DeleteServiceBinding(deleteServiceBindingOptions)
		if err != nil {
			panic(err)
		}
		// end of snippet
		assert.Equal(t, http.StatusOK, response.StatusCode)
	})

	assertSeedHeaders(t, seen, false)
	assert.Empty(t, seen.body)
	assert.Empty(t, printed, "the snippet prints nothing")
}

func TestSeedSnippet_ListCatalog(t *testing.T) {
	openServiceBrokerService, transport := newSeedClient(t)
	seen := expectSeedRequest(transport, http.MethodGet, "/v2/catalog", "", http.StatusOK, seedCatalogAnswer)

	printed := runSeedSnippet(t, func() {
		// snippet
		options := openServiceBrokerService.NewListCatalogOptions()
		result, response, err := openServiceBrokerService.ListCatalog(options)
		if err != nil {
			panic(err)
		}
		b, _ := json.MarshalIndent(result, "", " ")
		fmt.Println(string(b))
		// end of snippet
		assert.Equal(t, http.StatusOK, response.StatusCode)
	})

	assertSeedHeaders(t, seen, false)
	assert.Empty(t, seen.header.Values(openservicebrokerv1.HeaderOriginatingIdentity))
	assert.JSONEq(t, seedCatalogAnswer, printed)
}
