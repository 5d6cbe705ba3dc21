package openservicebrokerv1

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

const (
	instancePath = "/v2/service_instances/" + waitInstanceID
	bindingPath  = instancePath + "/service_bindings/" + waitBindingID
)

// fakeWait returns wait options with the default delays on a fake clock, so waits cost no time.
func fakeWait() *WaitOptions {
	return &WaitOptions{clock: newFakeClock()}
}

func provisionOptions(client *OpenServiceBrokerV1) *ReplaceServiceInstanceOptions {
	return client.NewReplaceServiceInstanceOptions(waitInstanceID).SetServiceID("service-1").SetPlanID("plan-1").SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
}

func bindOptions(client *OpenServiceBrokerV1) *ReplaceServiceBindingOptions {
	return client.NewReplaceServiceBindingOptions(waitBindingID, waitInstanceID).SetServiceID("service-1").SetPlanID("plan-1")
}

// requireAcceptsIncomplete checks that each request asked for asynchronous processing.
func requireAcceptsIncomplete(t *testing.T, requests []seenRequest) {
	t.Helper()
	require.NotEmpty(t, requests)
	for _, request := range requests {
		assert.Equal(t, "true", request.query.Get("accepts_incomplete"), "%s %s", request.method, request.path)
	}
}

func TestProvisionAndWait(t *testing.T) {
	tests := []struct {
		name      string
		provision canned
		polls     []canned
		wantPolls int
	}{
		{name: "201 Created", provision: canned{status: 201, body: `{"dashboard_url":"https://dash/1"}`}},
		{name: "200 OK for an identical instance", provision: canned{status: 200, body: `{"dashboard_url":"https://dash/1"}`}},
		{name: "202 Accepted", provision: canned{status: 202, body: `{"dashboard_url":"https://dash/1","operation":"op-1"}`},
			polls: []canned{inProgress(), succeeded()}, wantPolls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PUT " + instancePath: {tt.provision},
				"GET " + lastOpPath:   tt.polls,
			})
			options := provisionOptions(client)

			result, response, err := client.ProvisionAndWait(context.Background(), options, fakeWait())

			require.NoError(t, err)
			assert.Equal(t, tt.provision.status, response.StatusCode)
			assert.Equal(t, "https://dash/1", *result.DashboardURL)
			requireAcceptsIncomplete(t, broker.seen(http.MethodPut, instancePath))
			assert.Nil(t, options.AcceptsIncomplete, "the caller's options are left alone")
			polls := broker.seen(http.MethodGet, lastOpPath)
			require.Len(t, polls, tt.wantPolls)
			for _, poll := range polls {
				assert.Equal(t, "op-1", poll.query.Get("operation"))
				assert.Equal(t, "service-1", poll.query.Get("service_id"))
				assert.Equal(t, "plan-1", poll.query.Get("plan_id"))
			}
		})
	}
}

func TestProvisionAndWaitMitigatesAFailedAsynchronousProvision(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{
		"PUT " + instancePath:    {{status: 202, body: `{"operation":"op-1"}`}},
		"GET " + lastOpPath:      {{status: 200, body: `{"state":"failed","description":"no capacity"}`}},
		"DELETE " + instancePath: {{status: 200, body: `{}`}},
	})

	_, response, err := client.ProvisionAndWait(context.Background(), provisionOptions(client), fakeWait())

	var failed *OperationFailedError
	require.ErrorAs(t, err, &failed, "the mitigation error unwraps to the failure")
	assert.Equal(t, "no capacity", failed.Description)
	assert.Equal(t, 202, response.StatusCode)
	var mitigation *OrphanMitigationError
	require.ErrorAs(t, err, &mitigation, "Orphan Mitigation: 200 with state failed for Provisioning")
	assert.True(t, mitigation.Completed)
	assert.Len(t, broker.seen(http.MethodDelete, instancePath), 1, "the failed instance is deprovisioned")
	assert.Contains(t, err.Error(), "ProvisionAndWait: ")
}

func TestUpdateAndWait(t *testing.T) {
	tests := []struct {
		name      string
		update    canned
		polls     []canned
		wantPolls int
	}{
		{name: "200 OK", update: canned{status: 200, body: `{}`}},
		{name: "202 Accepted", update: canned{status: 202, body: `{"operation":"op-1"}`}, polls: []canned{inProgress(), succeeded()}, wantPolls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PATCH " + instancePath: {tt.update},
				"GET " + lastOpPath:     tt.polls,
			})
			options := client.NewUpdateServiceInstanceOptions(waitInstanceID).SetServiceID("service-1").SetPlanID("plan-new").
				SetPreviousValues(&PreviousValues{PlanID: core.StringPtr("plan-old")})

			_, response, err := client.UpdateAndWait(context.Background(), options, fakeWait())

			require.NoError(t, err)
			assert.Equal(t, tt.update.status, response.StatusCode)
			requireAcceptsIncomplete(t, broker.seen(http.MethodPatch, instancePath))
			polls := broker.seen(http.MethodGet, lastOpPath)
			require.Len(t, polls, tt.wantPolls)
			for _, poll := range polls {
				assert.Equal(t, "plan-old", poll.query.Get("plan_id"), "polls name the plan before the update")
			}
		})
	}
}

func TestUpdateAndWaitReportsAFailedUpdate(t *testing.T) {
	_, client := newScriptedClient(t, map[string][]canned{
		"PATCH " + instancePath: {{status: 202, body: `{"operation":"op-1"}`}},
		"GET " + lastOpPath:     {{status: 200, body: `{"state":"failed","instance_usable":true,"update_repeatable":false}`}},
	})
	options := client.NewUpdateServiceInstanceOptions(waitInstanceID).SetServiceID("service-1").SetPlanID("plan-new")

	_, _, err := client.UpdateAndWait(context.Background(), options, fakeWait())

	var failed *OperationFailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, core.BoolPtr(true), failed.InstanceUsable)
	assert.Equal(t, core.BoolPtr(false), failed.UpdateRepeatable)
}

func TestDeprovisionAndWait(t *testing.T) {
	tests := []struct {
		name        string
		deprovision canned
		polls       []canned
		wantPolls   int
	}{
		{name: "200 OK", deprovision: canned{status: 200, body: `{}`}},
		{name: "410 Gone", deprovision: canned{status: 410, body: `{}`}},
		{name: "202 then succeeded", deprovision: canned{status: 202, body: `{"operation":"op-1"}`}, polls: []canned{inProgress(), succeeded()}, wantPolls: 2},
		{name: "202 then 410", deprovision: canned{status: 202, body: `{"operation":"op-1"}`}, polls: []canned{inProgress(), {status: 410, body: `{}`}}, wantPolls: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"DELETE " + instancePath: {tt.deprovision},
				"GET " + lastOpPath:      tt.polls,
			})
			options := client.NewDeleteServiceInstanceOptions("service-1", "plan-1", waitInstanceID)

			_, response, err := client.DeprovisionAndWait(context.Background(), options, fakeWait())

			require.NoError(t, err)
			assert.Equal(t, tt.deprovision.status, response.StatusCode)
			deletions := broker.seen(http.MethodDelete, instancePath)
			requireAcceptsIncomplete(t, deletions)
			assert.Equal(t, "plan-1", deletions[0].query.Get("plan_id"))
			assert.Len(t, broker.seen(http.MethodGet, lastOpPath), tt.wantPolls)
		})
	}
}

func TestDeprovisionAndWaitRejectsAnUndefinedSuccessStatus(t *testing.T) {
	_, client := newScriptedClient(t, map[string][]canned{"DELETE " + instancePath: {{status: 204}}})

	_, response, err := client.DeprovisionAndWait(context.Background(), client.NewDeleteServiceInstanceOptions("service-1", "plan-1", waitInstanceID), fakeWait())

	require.ErrorIs(t, err, ErrUndefinedStatus)
	assert.Equal(t, 204, response.StatusCode)
	assert.Contains(t, err.Error(), "DeleteServiceInstance: broker answered 204 No Content; the specification does not define this status for the operation (Deprovisioning, Response)")
}

func TestBindAndWait(t *testing.T) {
	const credentials = `{"credentials":{"uri":"postgres://db-1"}}`
	tests := []struct {
		name      string
		bind      canned
		polls     []canned
		wantPolls int
		wantGets  int
	}{
		{name: "201 Created", bind: canned{status: 201, body: credentials}},
		{name: "200 OK for an identical binding", bind: canned{status: 200, body: credentials}},
		{name: "202 Accepted, then the binding is fetched", bind: canned{status: 202, body: `{"operation":"op-1"}`},
			polls: []canned{inProgress(), succeeded()}, wantPolls: 2, wantGets: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PUT " + bindingPath:   {tt.bind},
				"GET " + bindingLastOp: tt.polls,
				"GET " + bindingPath:   {{status: 200, body: credentials}},
			})

			result, response, err := client.BindAndWait(context.Background(), bindOptions(client), fakeWait())

			require.NoError(t, err)
			assert.Equal(t, tt.bind.status, response.StatusCode)
			assert.Equal(t, "postgres://db-1", result.Credentials["uri"])
			requireAcceptsIncomplete(t, broker.seen(http.MethodPut, bindingPath))
			polls := broker.seen(http.MethodGet, bindingLastOp)
			require.Len(t, polls, tt.wantPolls)
			for _, poll := range polls {
				assert.Equal(t, "op-1", poll.query.Get("operation"))
				assert.Equal(t, "plan-1", poll.query.Get("plan_id"))
			}
			fetches := broker.seen(http.MethodGet, bindingPath)
			require.Len(t, fetches, tt.wantGets)
			if tt.wantGets > 0 {
				assert.Equal(t, "op-1", *result.Operation)
				assert.Equal(t, "service-1", fetches[0].query.Get("service_id"))
			}
		})
	}
}

func TestBindAndWaitFailures(t *testing.T) {
	t.Run("failed asynchronous bind is unbound", func(t *testing.T) {
		broker, client := newScriptedClient(t, map[string][]canned{
			"PUT " + bindingPath:    {{status: 202, body: `{"operation":"op-1"}`}},
			"GET " + bindingLastOp:  {{status: 200, body: `{"state":"failed","description":"quota"}`}},
			"DELETE " + bindingPath: {{status: 200, body: `{}`}},
		})

		_, _, err := client.BindAndWait(context.Background(), bindOptions(client), fakeWait())

		var failed *OperationFailedError
		require.ErrorAs(t, err, &failed)
		var mitigation *OrphanMitigationError
		require.ErrorAs(t, err, &mitigation, "Orphan Mitigation: 200 with state failed for Binding")
		assert.True(t, mitigation.Completed)
		assert.Len(t, broker.seen(http.MethodDelete, bindingPath), 1)
		assert.Empty(t, broker.seen(http.MethodGet, bindingPath), "no credentials are fetched for a failed bind")
	})
	t.Run("fetching the binding fails", func(t *testing.T) {
		_, client := newScriptedClient(t, map[string][]canned{
			"PUT " + bindingPath:   {{status: 202, body: `{"operation":"op-1"}`}},
			"GET " + bindingLastOp: {succeeded()},
			"GET " + bindingPath:   {{status: 404, body: `{}`}},
		})

		result, response, err := client.BindAndWait(context.Background(), bindOptions(client), fakeWait())

		require.ErrorIs(t, err, ErrNotFound)
		assert.Equal(t, 202, response.StatusCode)
		assert.Equal(t, "op-1", *result.Operation)
		assert.Contains(t, err.Error(), `BindAndWait: service binding "binding-1" of service instance "instance-1" was created, but fetching its credentials failed`)
	})
}

func TestUnbindAndWait(t *testing.T) {
	tests := []struct {
		name      string
		unbind    canned
		polls     []canned
		wantPolls int
	}{
		{name: "200 OK", unbind: canned{status: 200, body: `{}`}},
		{name: "410 Gone", unbind: canned{status: 410, body: `{}`}},
		{name: "202 then succeeded", unbind: canned{status: 202, body: `{"operation":"op-1"}`}, polls: []canned{inProgress(), succeeded()}, wantPolls: 2},
		{name: "202 then 410", unbind: canned{status: 202, body: `{"operation":"op-1"}`}, polls: []canned{{status: 410, body: `{}`}}, wantPolls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"DELETE " + bindingPath: {tt.unbind},
				"GET " + bindingLastOp:  tt.polls,
			})
			options := client.NewDeleteServiceBindingOptions(waitBindingID, waitInstanceID, "plan-1", "service-1")

			response, err := client.UnbindAndWait(context.Background(), options, fakeWait())

			require.NoError(t, err)
			assert.Equal(t, tt.unbind.status, response.StatusCode)
			requireAcceptsIncomplete(t, broker.seen(http.MethodDelete, bindingPath))
			polls := broker.seen(http.MethodGet, bindingLastOp)
			require.Len(t, polls, tt.wantPolls)
			for _, poll := range polls {
				assert.Equal(t, "op-1", poll.query.Get("operation"))
			}
		})
	}
}

func TestAndWaitHelpersRejectInvalidOptionsBeforeSending(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{})
	negative := NewWaitOptions().SetMaxWait(-time.Second)
	calls := map[string]func() error{
		"ProvisionAndWait without plan": func() error {
			_, _, err := client.ProvisionAndWait(context.Background(), client.NewReplaceServiceInstanceOptions("i").SetServiceID("s"), nil)
			return err
		},
		"ProvisionAndWait with a negative wait": func() error {
			_, _, err := client.ProvisionAndWait(context.Background(), provisionOptions(client), negative)
			return err
		},
		"UpdateAndWait with nil options": func() error {
			_, _, err := client.UpdateAndWait(context.Background(), nil, nil)
			return err
		},
		"DeprovisionAndWait with a blank ID": func() error {
			_, _, err := client.DeprovisionAndWait(context.Background(), client.NewDeleteServiceInstanceOptions("s", "p", ""), nil)
			return err
		},
		"BindAndWait with nil options": func() error {
			_, _, err := client.BindAndWait(context.Background(), nil, nil)
			return err
		},
		"UnbindAndWait with a negative wait": func() error {
			_, err := client.UnbindAndWait(context.Background(), client.NewDeleteServiceBindingOptions("b", "i", "p", "s"), negative)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var parameterErr *ParameterError
			assert.ErrorAs(t, call(), &parameterErr)
		})
	}
	assert.Empty(t, broker.requests)
}

func TestOrphanMitigationOfAProvision(t *testing.T) {
	deleted := canned{status: 200, body: `{}`}
	tests := []struct {
		name          string
		provision     canned
		deletions     []canned
		polls         []canned
		wantDeletes   int
		wantCompleted bool
		wantStatus    int // of the cause, when it is a *BrokerError
	}{
		{name: "500", provision: canned{status: 500, body: `{"description":"boom"}`}, deletions: []canned{deleted},
			wantDeletes: 1, wantCompleted: true, wantStatus: 500},
		{name: "201 with a malformed body", provision: canned{status: 201, body: `{"dashboard_url":`}, deletions: []canned{deleted},
			wantDeletes: 1, wantCompleted: true},
		{name: "204, a 2xx the specification does not define", provision: canned{status: 204}, deletions: []canned{deleted},
			wantDeletes: 1, wantCompleted: true},
		{name: "connection dropped", provision: canned{drop: true}, deletions: []canned{deleted},
			wantDeletes: 1, wantCompleted: true},
		{name: "asynchronous deprovision ending in 410", provision: canned{status: 503}, deletions: []canned{{status: 202, body: `{"operation":"del-1"}`}},
			polls: []canned{inProgress(), {status: 410, body: `{}`}}, wantDeletes: 1, wantCompleted: true, wantStatus: 503},
		{name: "deprovision retried after transient failures", provision: canned{status: 502},
			deletions:   []canned{{status: 503}, {status: 422, body: `{"error":"ConcurrencyError"}`}, {status: 410, body: `{}`}},
			wantDeletes: 3, wantCompleted: true, wantStatus: 502},
		{name: "deprovision keeps failing", provision: canned{status: 500}, deletions: []canned{{status: 500, body: `{"description":"still broken"}`}},
			wantDeletes: orphanMitigationAttempts, wantCompleted: false, wantStatus: 500},
		{name: "deprovision rejected", provision: canned{status: 500}, deletions: []canned{{status: 400, body: `{"description":"no"}`}},
			wantDeletes: 1, wantCompleted: false, wantStatus: 500},
		{name: "asynchronous deprovision failed, then retried", provision: canned{status: 500},
			deletions: []canned{{status: 202, body: `{"operation":"del-1"}`}, deleted},
			polls:     []canned{{status: 200, body: `{"state":"failed"}`}}, wantDeletes: 2, wantCompleted: true, wantStatus: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PUT " + instancePath:    {tt.provision},
				"DELETE " + instancePath: tt.deletions,
				"GET " + lastOpPath:      tt.polls,
			})
			identity, err := NewOriginatingIdentity(PlatformCloudFoundry, CloudFoundryIdentity{UserID: "user-1"})
			require.NoError(t, err)
			options := provisionOptions(client).SetOriginatingIdentity(identity)

			_, _, err = client.ProvisionAndWait(context.Background(), options, fakeWait())

			var mitigation *OrphanMitigationError
			require.ErrorAs(t, err, &mitigation)
			assert.Equal(t, tt.wantCompleted, mitigation.Completed, "%v", err)
			assert.Equal(t, tt.wantCompleted, mitigation.MitigationErr == nil)
			assert.Equal(t, waitInstanceID, mitigation.InstanceID)
			require.Error(t, mitigation.Cause)
			if tt.wantStatus != 0 {
				var brokerErr *BrokerError
				require.ErrorAs(t, mitigation.Cause, &brokerErr)
				assert.Equal(t, tt.wantStatus, brokerErr.StatusCode)
				assert.ErrorIs(t, err, mitigation.Cause, "errors.Is reaches the original failure")
			}
			deletions := broker.seen(http.MethodDelete, instancePath)
			require.Len(t, deletions, tt.wantDeletes)
			requireAcceptsIncomplete(t, deletions)
			for _, deletion := range deletions {
				assert.Equal(t, "service-1", deletion.query.Get("service_id"))
				assert.Equal(t, "plan-1", deletion.query.Get("plan_id"))
				assert.Empty(t, deletion.header.Get(HeaderOriginatingIdentity), "orphan mitigation is no user's action")
			}
		})
	}
}

// TestOrphanMitigationPollsTheOperationInFlightLikeItsDeletion: while the broker refuses the
// deletion with ConcurrencyError, the mitigation polls the operation still running on the orphan
// with the service_id, plan_id and headers its deletion sends ("Polling Last Operation for Service
// Instances", "Polling Last Operation for Service Bindings").
func TestOrphanMitigationPollsTheOperationInFlightLikeItsDeletion(t *testing.T) {
	busy := canned{status: 422, body: `{"error":"ConcurrencyError"}`}
	gone := canned{status: 410, body: `{}`}
	succeeded := canned{status: 200, body: `{"state":"succeeded"}`}
	tests := []struct {
		name      string
		create    func(*OpenServiceBrokerV1, map[string]string) error
		path      string
		pollsPath string
	}{
		{name: "provision", path: instancePath, pollsPath: lastOpPath, create: func(client *OpenServiceBrokerV1, headers map[string]string) error {
			_, _, err := client.ProvisionAndWait(context.Background(), provisionOptions(client).SetHeaders(headers), fakeWait())
			return err
		}},
		{name: "bind", path: bindingPath, pollsPath: bindingLastOp, create: func(client *OpenServiceBrokerV1, headers map[string]string) error {
			_, _, err := client.BindAndWait(context.Background(), bindOptions(client).SetHeaders(headers), fakeWait())
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PUT " + tt.path:      {{status: 500}},
				"DELETE " + tt.path:   {busy, gone},
				"GET " + tt.pollsPath: {succeeded},
			})

			err := tt.create(client, map[string]string{"X-Tenant": "tenant-1"})

			var mitigation *OrphanMitigationError
			require.ErrorAs(t, err, &mitigation)
			assert.True(t, mitigation.Completed, "%v", err)
			polls := broker.seen(http.MethodGet, tt.pollsPath)
			require.Len(t, polls, 1)
			assert.Equal(t, "service-1", polls[0].query.Get("service_id"))
			assert.Equal(t, "plan-1", polls[0].query.Get("plan_id"))
			assert.Equal(t, "tenant-1", polls[0].header.Get("X-Tenant"))
			assert.Empty(t, polls[0].header.Get(HeaderOriginatingIdentity), "orphan mitigation is no user's action")
		})
	}
}

func TestOrphanMitigationErrorMessages(t *testing.T) {
	_, client := newScriptedClient(t, map[string][]canned{
		"PUT " + instancePath:    {{status: 500, body: `{"description":"boom"}`}},
		"DELETE " + instancePath: {{status: 400, body: `{"description":"no"}`}},
	})

	_, _, err := client.ProvisionAndWait(context.Background(), provisionOptions(client), fakeWait())

	require.Error(t, err)
	assert.Regexp(t, `^ProvisionAndWait: the broker may have created service instance "instance-1": ReplaceServiceInstance: broker answered 500 Internal Server Error: boom \(request identity [^)]+\); `+
		`orphan mitigation could not delete it \(DeleteServiceInstance: broker answered 400 Bad Request: no \(request identity [^)]+\)\); delete it later with DeprovisionAndWait$`, err.Error())
	var brokerErr *BrokerError
	require.ErrorAs(t, err, &brokerErr)
	assert.Equal(t, 500, brokerErr.StatusCode, "errors.As finds the cause first")
	assert.ErrorIs(t, err, ErrBadRequest, "and reaches the mitigation's failure too")
}

func TestOrphanMitigationAfterATimeout(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{
		"PUT " + instancePath:    {{hang: true}},
		"DELETE " + instancePath: {{status: 200, body: `{}`}},
	})
	client.GetHTTPClient().Timeout = 50 * time.Millisecond

	_, _, err := client.ProvisionAndWait(context.Background(), provisionOptions(client), fakeWait())

	var mitigation *OrphanMitigationError
	require.ErrorAs(t, err, &mitigation)
	assert.True(t, mitigation.Completed)
	assert.Len(t, broker.seen(http.MethodDelete, instancePath), 1)
}

func TestNoOrphanMitigationWhenTheBrokerRejectsTheRequest(t *testing.T) {
	for _, status := range []int{400, 408, 409, 422} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PUT " + instancePath: {{status: status, body: `{"description":"rejected"}`}},
				"PUT " + bindingPath:  {{status: status, body: `{"description":"rejected"}`}},
			})

			_, _, provisionErr := client.ProvisionAndWait(context.Background(), provisionOptions(client), fakeWait())
			_, _, bindErr := client.BindAndWait(context.Background(), bindOptions(client), fakeWait())

			for _, err := range []error{provisionErr, bindErr} {
				var brokerErr *BrokerError
				require.ErrorAs(t, err, &brokerErr)
				assert.Equal(t, status, brokerErr.StatusCode)
				var mitigation *OrphanMitigationError
				assert.NotErrorAs(t, err, &mitigation)
			}
			assert.Empty(t, broker.seen(http.MethodDelete, instancePath))
			assert.Empty(t, broker.seen(http.MethodDelete, bindingPath))
		})
	}
}

func TestOrphanMitigationOfABinding(t *testing.T) {
	tests := []struct {
		name          string
		bind          canned
		unbinds       []canned
		polls         []canned
		wantUnbinds   int
		wantCompleted bool
	}{
		{name: "500, unbound", bind: canned{status: 500}, unbinds: []canned{{status: 200, body: `{}`}}, wantUnbinds: 1, wantCompleted: true},
		{name: "201 with a malformed body, asynchronous unbind", bind: canned{status: 201, body: `{"credentials":`},
			unbinds: []canned{{status: 202, body: `{"operation":"unbind-1"}`}}, polls: []canned{succeeded()}, wantUnbinds: 1, wantCompleted: true},
		{name: "unbind keeps failing", bind: canned{status: 504}, unbinds: []canned{{status: 503}}, wantUnbinds: orphanMitigationAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broker, client := newScriptedClient(t, map[string][]canned{
				"PUT " + bindingPath:    {tt.bind},
				"DELETE " + bindingPath: tt.unbinds,
				"GET " + bindingLastOp:  tt.polls,
			})

			_, _, err := client.BindAndWait(context.Background(), bindOptions(client), fakeWait())

			var mitigation *OrphanMitigationError
			require.ErrorAs(t, err, &mitigation)
			assert.Equal(t, tt.wantCompleted, mitigation.Completed)
			assert.Equal(t, waitBindingID, mitigation.BindingID)
			unbinds := broker.seen(http.MethodDelete, bindingPath)
			require.Len(t, unbinds, tt.wantUnbinds)
			requireAcceptsIncomplete(t, unbinds)
			assert.Equal(t, "plan-1", unbinds[0].query.Get("plan_id"))
			if tt.polls != nil {
				assert.Equal(t, "unbind-1", broker.seen(http.MethodGet, bindingLastOp)[0].query.Get("operation"))
			}
		})
	}
}

func TestOrphanMitigationCannotRunOnceTheContextIsDone(t *testing.T) {
	broker, client := newScriptedClient(t, map[string][]canned{
		"PUT " + instancePath:    {{hang: true}},
		"DELETE " + instancePath: {{status: 200, body: `{}`}},
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()

	_, _, err := client.ProvisionAndWait(ctx, provisionOptions(client), fakeWait())

	var mitigation *OrphanMitigationError
	require.ErrorAs(t, err, &mitigation)
	assert.False(t, mitigation.Completed)
	assert.ErrorIs(t, mitigation.MitigationErr, context.DeadlineExceeded)
	assert.Empty(t, broker.seen(http.MethodDelete, instancePath))
	assert.Contains(t, err.Error(), "delete it later with DeprovisionAndWait")
}
