//go:build integration

//lint:file-ignore SA1019 the document's snippets call the deprecated GUID setters, and must run as written

package integration

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// TestSeedSnippets runs the Go snippets of IBM's Open Service Broker API reference, as they stand
// in the document, against the broker under test, in the order of an instance's life. Only the
// variables the snippets use are set up here. Each snippet body is the document's text, formatted
// by gofmt, plus `_ = response` where the snippet leaves response unused, which Go does not
// compile. A snippet panics on any error; runSnippet turns that into a test failure.
//
// It swaps os.Stdout to read what the snippets print, so it must not run in parallel.
func TestSeedSnippets(t *testing.T) {
	needSyncPlan(t)
	openServiceBrokerService := target.client
	accountId := "0123456789abcdef0123456789abcdef"
	instanceId := newCRN()
	orgGuid, spaceGuid, appGuid := uuid.NewString(), uuid.NewString(), uuid.NewString()
	serviceId, planId := target.serviceID, target.planID
	initiatorId := "osb-go-sdk-integration"
	bindingId := newID("binding")
	operation := "" // the provision's operation, when the broker answers asynchronously
	ref := instanceRef{id: instanceId, serviceID: serviceId, planID: planId}
	deprovisionAtCleanup(t, ref)

	snippets := []struct {
		name string
		body func()
		// after runs between this snippet and the next, with what it printed.
		after func(t *testing.T, printed string)
	}{
		{name: "ListCatalog", body: func() {
			options := openServiceBrokerService.NewListCatalogOptions()
			result, response, err := openServiceBrokerService.ListCatalog(options)
			if err != nil {
				panic(err)
			}
			b, _ := json.MarshalIndent(result, "", " ")
			fmt.Println(string(b))
			_ = response
		}},
		{name: "ReplaceServiceInstance", body: func() {
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
			_ = response
		}, after: func(t *testing.T, printed string) {
			operation = printedOperation(t, printed)
		}},
		{name: "GetLastOperation", body: func() {
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
			_ = response
		}, after: func(t *testing.T, _ string) {
			waitBeforeNextSnippet(t, ref, operation)
		}},
		{name: "UpdateServiceInstance", body: func() {
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
			_ = response
		}, after: func(t *testing.T, printed string) {
			waitBeforeNextSnippet(t, ref, printedOperation(t, printed))
		}},
		{name: "GetServiceInstanceState", body: func() {
			options := openServiceBrokerService.NewGetServiceInstanceStateOptions(instanceId)
			result, response, err := openServiceBrokerService.GetServiceInstanceState(options)
			if err != nil {
				panic(err)
			}
			b, _ := json.MarshalIndent(result, "", " ")
			fmt.Println(string(b))
			_ = response
		}},
		{name: "ReplaceServiceBinding", body: func() {
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
			_ = response
		}},
		{name: "DeleteServiceBinding", body: func() {
			deleteServiceBindingOptions := openServiceBrokerService.NewDeleteServiceBindingOptions(bindingId, instanceId, planId, serviceId)
			response, err := openServiceBrokerService.DeleteServiceBinding(deleteServiceBindingOptions)
			if err != nil {
				panic(err)
			}
			_ = response
		}},
		{name: "ReplaceServiceInstanceState", body: func() {
			options := openServiceBrokerService.NewReplaceServiceInstanceStateOptions(instanceId)
			options = options.SetEnabled(false)
			options = options.SetInitiatorID(initiatorId)
			result, response, err := openServiceBrokerService.ReplaceServiceInstanceState(options)
			if err != nil {
				panic(err)
			}
			b, _ := json.MarshalIndent(result, "", " ")
			fmt.Println(string(b))
			_ = response
		}},
		{name: "DeleteServiceInstance", body: func() {
			options := openServiceBrokerService.NewDeleteServiceInstanceOptions(serviceId, planId, instanceId)
			result, response, err := openServiceBrokerService.DeleteServiceInstance(options)
			if err != nil {
				panic(err)
			}
			b, _ := json.MarshalIndent(result, "", " ")
			fmt.Println(string(b))
			_ = response
		}, after: func(t *testing.T, _ string) {
			if target.embedded != nil {
				require.NotContains(t, instanceIDs(target.embedded.Instances()), instanceId, "the instance is gone")
			}
		}},
	}
	for _, snippet := range snippets {
		if !t.Run(snippet.name, func(t *testing.T) {
			skipUnservedSnippet(t, snippet.name, ref, operation)
			printed := runSnippet(t, snippet.body)
			require.True(t, printed == "" || json.Valid([]byte(printed)), "the snippet prints its answer as JSON")
			if snippet.after != nil {
				snippet.after(t, printed)
			}
		}) {
			break // the later snippets build on this one
		}
	}
}

// skipUnservedSnippet skips, on an external broker, the snippets of endpoints it does not serve:
// IBM Cloud's state endpoints, and last_operation after a synchronous provision.
func skipUnservedSnippet(t *testing.T, name string, ref instanceRef, operation string) {
	if target.embedded != nil {
		return
	}
	switch name {
	case "GetLastOperation":
		if operation == "" {
			t.Skip("the broker provisioned synchronously: there is no operation to poll")
		}
	case "GetServiceInstanceState", "ReplaceServiceInstanceState":
		if _, _, err := target.client.GetServiceInstanceState(target.client.NewGetServiceInstanceStateOptions(ref.id)); err != nil {
			t.Skipf("the broker does not serve IBM Cloud's state endpoints: %v", err)
		}
	}
}

// runSnippet runs a snippet and returns what it printed. The output is not logged: a bind
// answer carries credentials.
func runSnippet(t *testing.T, body func()) string {
	t.Helper()
	reader, writer, err := os.Pipe()
	require.NoError(t, err)
	printed := make(chan string, 1)
	go func() {
		data, _ := io.ReadAll(reader) // ends when the writer is closed below
		printed <- string(data)
	}()
	stdout := os.Stdout
	os.Stdout = writer
	panicked := runRecovering(body)
	os.Stdout = stdout
	require.NoError(t, writer.Close())
	output := <-printed
	require.NoError(t, reader.Close())
	if panicked != nil {
		t.Fatalf("the snippet panicked: %v", panicked)
	}
	return output
}

// runRecovering runs body and returns the value it panicked with, nil if it did not.
func runRecovering(body func()) (panicked any) {
	defer func() { panicked = recover() }()
	body()
	return nil
}

// printedOperation reads the operation from the JSON answer a snippet printed; "" when the
// broker completed synchronously and sent none.
func printedOperation(t *testing.T, printed string) string {
	t.Helper()
	var answer struct {
		Operation string `json:"operation"`
	}
	require.NoError(t, json.Unmarshal([]byte(printed), &answer), "the snippet prints its answer as JSON")
	return answer.Operation
}

// waitBeforeNextSnippet waits for an asynchronous operation that the next snippet builds on.
func waitBeforeNextSnippet(t *testing.T, ref instanceRef, operation string) {
	t.Helper()
	if operation == "" {
		return // the broker completed synchronously
	}
	require.NoError(t, waitForOperation(testContext(t), ref, operation), "waiting for operation %q", operation)
}

func instanceIDs(instances []brokertest.Instance) []string {
	ids := make([]string, len(instances))
	for i, instance := range instances {
		ids[i] = instance.ID
	}
	return ids
}
