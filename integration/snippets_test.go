//go:build integration

package integration

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/internal/seedsnippets"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// TestSeedSnippets runs the Go snippets of IBM's Open Service Broker API reference (package
// seedsnippets) against the broker under test, in the order of an instance's life. Only the
// variables the snippets use are set up here. A snippet panics on any error; runSnippet turns that
// into a test failure.
//
// It swaps os.Stdout to read what the snippets print, so it must not run in parallel.
func TestSeedSnippets(t *testing.T) {
	needSyncPlan(t)
	client := target.client
	vars := seedsnippets.Vars{
		AccountID:   "0123456789abcdef0123456789abcdef",
		InstanceID:  newCRN(),
		OrgGUID:     uuid.NewString(),
		SpaceGUID:   uuid.NewString(),
		PlanID:      target.planID,
		ServiceID:   target.serviceID,
		InitiatorID: "osb-go-sdk-integration",
		BindingID:   newID("binding"),
		AppGUID:     uuid.NewString(),
		// Operation is set from the provision's answer, when the broker answers asynchronously.
	}
	ref := instanceRef{id: vars.InstanceID, serviceID: vars.ServiceID, planID: vars.PlanID}
	deprovisionAtCleanup(t, ref)

	snippets := []struct {
		name string
		run  func(*openservicebrokerv1.OpenServiceBrokerV1, seedsnippets.Vars)
		// after runs between this snippet and the next, with what it printed.
		after func(t *testing.T, printed string)
	}{
		{name: "ListCatalog", run: seedsnippets.ListCatalog},
		{name: "ReplaceServiceInstance", run: seedsnippets.ReplaceServiceInstance, after: func(t *testing.T, printed string) {
			vars.Operation = printedOperation(t, printed)
		}},
		{name: "GetLastOperation", run: seedsnippets.GetLastOperation, after: func(t *testing.T, _ string) {
			waitBeforeNextSnippet(t, ref, vars.Operation)
		}},
		{name: "UpdateServiceInstance", run: seedsnippets.UpdateServiceInstance, after: func(t *testing.T, printed string) {
			waitBeforeNextSnippet(t, ref, printedOperation(t, printed))
		}},
		{name: "GetServiceInstanceState", run: seedsnippets.GetServiceInstanceState},
		{name: "ReplaceServiceBinding", run: seedsnippets.ReplaceServiceBinding},
		{name: "DeleteServiceBinding", run: seedsnippets.DeleteServiceBinding},
		{name: "ReplaceServiceInstanceState", run: seedsnippets.ReplaceServiceInstanceState},
		{name: "DeleteServiceInstance", run: seedsnippets.DeleteServiceInstance, after: func(t *testing.T, _ string) {
			if target.embedded != nil {
				require.NotContains(t, instanceIDs(target.embedded.Instances()), vars.InstanceID, "the instance is gone")
			}
		}},
	}
	for _, snippet := range snippets {
		if !t.Run(snippet.name, func(t *testing.T) {
			skipUnservedSnippet(t, snippet.name, ref, vars.Operation)
			printed := runSnippet(t, snippet.name, vars.InstanceID, func() { snippet.run(client, vars) })
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
//
// The snippets use an IBM Cloud CRN (118 characters) as the instance id. The specification sets
// no length for ids (URL Properties) but some broker frameworks cap it: an external broker that
// refuses the provision with 400 is reported and the snippets are skipped, not failed.
func runSnippet(t *testing.T, name, instanceID string, snippet func()) string {
	t.Helper()
	printed, panicked := seedsnippets.Run(snippet)
	if err, isErr := panicked.(error); isErr && name == "ReplaceServiceInstance" && target.embedded == nil &&
		errors.Is(err, openservicebrokerv1.ErrBadRequest) {
		t.Skipf("the broker refused the %d-character CRN instance id of the seed's snippets (URL Properties sets no length limit; reported, not failed): %v",
			len(instanceID), err)
	}
	if panicked != nil {
		t.Fatalf("the snippet panicked: %v", panicked)
	}
	return printed
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
