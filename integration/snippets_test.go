//go:build integration

package integration

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
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
	seed := newSeedRun()
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
	t.Cleanup(func() {
		if seed.mayExist {
			deprovisionNow(t, ref)
		}
	})

	snippets := []struct {
		name string
		run  func(*openservicebrokerv1.OpenServiceBrokerV1, seedsnippets.Vars)
		// after runs between this snippet and the next, with what it printed.
		after func(t *testing.T, printed string)
	}{
		{name: "ListCatalog", run: seedsnippets.ListCatalog},
		{name: "ReplaceServiceInstance", run: seedsnippets.ReplaceServiceInstance, after: func(t *testing.T, printed string) {
			if seed.accepted() {
				vars.Operation = printedOperation(t, printed)
			}
		}},
		{name: "GetLastOperation", run: seedsnippets.GetLastOperation, after: func(t *testing.T, _ string) {
			if seed.asynchronous {
				waitBeforeNextSnippet(t, ref, vars.Operation)
			}
		}},
		{name: "UpdateServiceInstance", run: seedsnippets.UpdateServiceInstance, after: func(t *testing.T, printed string) {
			if seed.accepted() {
				waitBeforeNextSnippet(t, ref, printedOperation(t, printed))
			}
		}},
		{name: "GetServiceInstanceState", run: seedsnippets.GetServiceInstanceState},
		{name: "ReplaceServiceBinding", run: seedsnippets.ReplaceServiceBinding},
		{name: "DeleteServiceBinding", run: seedsnippets.DeleteServiceBinding},
		{name: "ReplaceServiceInstanceState", run: seedsnippets.ReplaceServiceInstanceState},
		{name: "DeleteServiceInstance", run: seedsnippets.DeleteServiceInstance, after: func(t *testing.T, _ string) {
			seed.mayExist = false
			if target.embedded != nil {
				require.NotContains(t, instanceIDs(target.embedded.Instances()), vars.InstanceID, "the instance is gone")
			}
		}},
	}
	for _, snippet := range snippets {
		if !t.Run(snippet.name, func(t *testing.T) {
			if seed.refused != "" {
				t.Skip(seed.refused)
			}
			seed.skipUnserved(t, snippet.name, ref)
			printed := seed.run(t, snippet.name, vars.InstanceID, func() { snippet.run(seed.client, vars) })
			require.True(t, printed == "" || json.Valid([]byte(printed)), "the snippet prints its answer as JSON")
			if snippet.after != nil {
				snippet.after(t, printed)
			}
		}) {
			break // the later snippets build on this one
		}
	}
}

// seedRun is what the snippets have told about the broker so far.
type seedRun struct {
	// client is the suite's client, with a transport that notes the status of each answer.
	client *openservicebrokerv1.OpenServiceBrokerV1
	status *lastStatus
	// mayExist says the instance may exist at the broker: the provision was sent and not refused.
	mayExist bool
	// asynchronous says the provision was answered 202 Accepted.
	asynchronous bool
	// refused says why the broker refused the seed's instance id, which ends the sequence.
	refused string
}

func newSeedRun() *seedRun {
	status := &lastStatus{}
	client := target.client.Clone()
	httpClient := *client.GetHTTPClient()
	status.next = httpClient.Transport
	if status.next == nil {
		status.next = http.DefaultTransport
	}
	httpClient.Transport = status
	client.SetHTTPClient(&httpClient)
	return &seedRun{client: client, status: status}
}

// accepted reports whether the latest answer was 202 Accepted: asynchronous is what the status
// says, whether or not the broker sent an operation.
func (s *seedRun) accepted() bool {
	return s.status.get() == http.StatusAccepted
}

// lastStatus is a transport that keeps the status of the latest answer.
type lastStatus struct {
	next   http.RoundTripper
	mu     sync.Mutex
	status int
}

func (l *lastStatus) RoundTrip(request *http.Request) (*http.Response, error) {
	response, err := l.next.RoundTrip(request)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.status = 0
	if err == nil {
		l.status = response.StatusCode
	}
	return response, err
}

func (l *lastStatus) get() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.status
}

// skipUnserved skips, on an external broker, the snippets of endpoints it does not serve:
// IBM Cloud's state endpoints, and last_operation after a synchronous provision.
func (s *seedRun) skipUnserved(t *testing.T, name string, ref instanceRef) {
	if target.embedded != nil {
		return
	}
	switch name {
	case "GetLastOperation":
		if !s.asynchronous {
			t.Skip("the broker provisioned synchronously: there is no operation to poll")
		}
	case "GetServiceInstanceState", "ReplaceServiceInstanceState":
		if _, _, err := target.client.GetServiceInstanceState(target.client.NewGetServiceInstanceStateOptions(ref.id)); err != nil {
			t.Skipf("the broker does not serve IBM Cloud's state endpoints: %v", err)
		}
	}
}

// run runs a snippet and returns what it printed. The output is not logged: a bind answer
// carries credentials.
//
// The snippets use an IBM Cloud CRN (118 characters, with "/" sent as %2F) as the instance id.
// The specification sets no length for ids (URL Properties), but some broker frameworks cap it
// (400) or route %2F nowhere (404): on an external broker such a refusal, on any snippet, is
// reported and ends the sequence, not failed.
func (s *seedRun) run(t *testing.T, name, instanceID string, snippet func()) string {
	t.Helper()
	printed, panicked := seedsnippets.Run(snippet)
	if name == "ReplaceServiceInstance" {
		s.asynchronous = s.accepted()
		s.mayExist = panicked == nil || !refusedByStatus(panicked)
	}
	if err, isErr := panicked.(error); isErr && target.embedded == nil && name != "ListCatalog" && refusedByStatus(err) {
		s.refused = fmt.Sprintf("the broker refused the %d-character CRN instance id of the seed's snippets in %s (URL Properties sets no length limit and allows %%2F; reported, not failed): %v",
			len(instanceID), name, err)
		t.Skip(s.refused)
	}
	if panicked != nil {
		t.Fatalf("the snippet panicked: %v", panicked)
	}
	return printed
}

// refusedByStatus reports whether a snippet's error is the 400 or 404 with which brokers refuse
// an id they cannot take.
func refusedByStatus(panicked any) bool {
	err, isErr := panicked.(error)
	return isErr && (errors.Is(err, openservicebrokerv1.ErrBadRequest) || errors.Is(err, openservicebrokerv1.ErrNotFound))
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

// waitBeforeNextSnippet waits for an asynchronous operation (a 202 answer) that the next
// snippet builds on; an empty operation is the latest one.
func waitBeforeNextSnippet(t *testing.T, ref instanceRef, operation string) {
	t.Helper()
	require.NoError(t, waitForOperation(testContext(t), ref, operation), "waiting for operation %q", operation)
}

func instanceIDs(instances []brokertest.Instance) []string {
	ids := make([]string, len(instances))
	for i, instance := range instances {
		ids[i] = instance.ID
	}
	return ids
}
