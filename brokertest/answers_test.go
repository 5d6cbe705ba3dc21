package brokertest

import (
	"context"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// answerJudge checks that each answer of the broker is a success the client accepts with no
// finding of osb.ValidateAnswer, and records the operations it saw.
type answerJudge struct {
	t    *testing.T
	seen map[string]bool
}

func (j *answerJudge) check(operation string, wantStatus int, result any, response *core.DetailedResponse, err error) {
	j.t.Helper()
	require.NoError(j.t, err, operation)
	assert.Equal(j.t, wantStatus, response.StatusCode, operation)
	assert.Empty(j.t, osb.ValidateAnswer(result, response.StatusCode), "%s: the broker's answer breaks a rule of the specification", operation)
	j.seen[operation] = true
}

// The broker answers as strictly as the client judges: every answer of every endpoint, synchronous
// and asynchronous, passes the client's validation.
func TestEveryAnswerPassesTheClientsValidation(t *testing.T) {
	judge := &answerJudge{t: t, seen: map[string]bool{}}
	answerEveryEndpoint(t, judge, NewServer(WithAsyncPolls(1), WithBindingLifetime(time.Hour)), DefaultSyncPlanID)
	answerEveryEndpoint(t, judge, NewServer(WithAsyncPolls(1), WithAsyncBindings(true)), DefaultAsyncPlanID)
	assert.Len(t, judge.seen, 12, "every operation of the API: %v", judge.seen)
}

// answerEveryEndpoint walks an instance of plan and a binding of it through every endpoint.
func answerEveryEndpoint(t *testing.T, judge *answerJudge, server *Server, plan string) {
	t.Cleanup(server.Close)
	c := server.Client()
	c.DisableRetries()
	const instance, binding = "instance-answers", "binding-answers"
	async := plan == DefaultAsyncPlanID

	catalog, response, err := c.ListCatalog(c.NewListCatalogOptions())
	judge.check("ListCatalog", 200, catalog, response, err)
	provision := c.NewReplaceServiceInstanceOptions(instance).SetServiceID(DefaultServiceID).SetPlanID(plan).
		SetOrganizationGUID("org-answers").SetSpaceGUID("space-answers").SetAcceptsIncomplete(true)
	created, response, err := c.ReplaceServiceInstance(provision)
	judge.check("ReplaceServiceInstance", map[bool]int{false: 201, true: 202}[async], created, response, err)
	pollInstance(judge, c, instance, created.Operation)
	again, response, err := c.ReplaceServiceInstance(provision)
	judge.check("ReplaceServiceInstance", 200, again, response, err)
	fetched, response, err := c.GetServiceInstance(c.NewGetServiceInstanceOptions(instance))
	judge.check("GetServiceInstance", 200, fetched, response, err)
	updated, response, err := c.UpdateServiceInstance(c.NewUpdateServiceInstanceOptions(instance).SetServiceID(DefaultServiceID).
		SetParameters(map[string]any{"size": "small"}).SetAcceptsIncomplete(true))
	judge.check("UpdateServiceInstance", map[bool]int{false: 200, true: 202}[async], updated, response, err)
	pollInstance(judge, c, instance, updated.Operation)
	state, response, err := c.GetServiceInstanceState(c.NewGetServiceInstanceStateOptions(instance))
	judge.check("GetServiceInstanceState", 200, state, response, err)
	changed, response, err := c.ReplaceServiceInstanceState(c.NewReplaceServiceInstanceStateOptions(instance).SetEnabled(false))
	judge.check("ReplaceServiceInstanceState", 200, changed, response, err)
	_, _, err = c.ReplaceServiceInstanceState(c.NewReplaceServiceInstanceStateOptions(instance).SetEnabled(true))
	require.NoError(t, err)

	bound, response, err := c.ReplaceServiceBinding(c.NewReplaceServiceBindingOptions(binding, instance).SetServiceID(DefaultServiceID).
		SetPlanID(plan).SetAcceptsIncomplete(true))
	judge.check("ReplaceServiceBinding", map[bool]int{false: 201, true: 202}[async], bound, response, err)
	pollBinding(judge, c, instance, binding, bound.Operation)
	gotBinding, response, err := c.GetServiceBinding(c.NewGetServiceBindingOptions(binding, instance))
	judge.check("GetServiceBinding", 200, gotBinding, response, err)
	unbind := c.NewDeleteServiceBindingOptions(binding, instance, plan, DefaultServiceID).SetAcceptsIncomplete(true)
	response, err = c.DeleteServiceBinding(unbind)
	judge.check("DeleteServiceBinding", map[bool]int{false: 200, true: 202}[async], response.Result, response, err)
	if unbound, ok := response.Result.(*osb.BindingDeleteResp); ok && async {
		pollBinding(judge, c, instance, binding, unbound.Operation)
	}
	response, err = c.DeleteServiceBinding(unbind)
	judge.check("DeleteServiceBinding", 410, response.Result, response, err)

	deprovision := c.NewDeleteServiceInstanceOptions(DefaultServiceID, plan, instance).SetAcceptsIncomplete(true)
	deleted, response, err := c.DeleteServiceInstance(deprovision)
	judge.check("DeleteServiceInstance", map[bool]int{false: 200, true: 202}[async], deleted, response, err)
	if async {
		pollInstance(judge, c, instance, deleted.Operation)
	}
	gone, response, err := c.DeleteServiceInstance(deprovision)
	judge.check("DeleteServiceInstance", 410, gone, response, err)
}

// pollInstance polls an asynchronous operation of the instance until it ends; nothing when
// operation is nil and the broker answered synchronously.
func pollInstance(judge *answerJudge, c *osb.OpenServiceBrokerV1, instance string, operation *string) {
	if operation == nil {
		return
	}
	for range 5 {
		last, response, err := c.GetLastOperation(c.NewGetLastOperationOptions(instance).SetOperation(*operation))
		judge.check("GetLastOperation", 200, last, response, err)
		if *last.State != osb.InstanceLastOperationRespStateInProgressConst {
			return
		}
	}
	judge.t.Fatalf("the operation %s did not end", *operation)
}

// pollBinding is pollInstance for an operation of a binding.
func pollBinding(judge *answerJudge, c *osb.OpenServiceBrokerV1, instance, binding string, operation *string) {
	if operation == nil {
		return
	}
	for range 5 {
		last, response, err := c.GetServiceBindingLastOperation(c.NewGetServiceBindingLastOperationOptions(binding, instance).SetOperation(*operation))
		judge.check("GetServiceBindingLastOperation", 200, last, response, err)
		if *last.State != osb.BindingLastOperationRespStateInProgressConst {
			return
		}
	}
	judge.t.Fatalf("the operation %s did not end", *operation)
}

// failureJudge checks that each failure of the broker is one the specification defines for the
// operation (never ErrUndefinedStatus) and that its body passes osb.ValidateErrorAnswer.
func failureJudge(t *testing.T, operation string, wantStatus int, wantCode error, err error) {
	t.Helper()
	var brokerErr *osb.BrokerError
	require.ErrorAs(t, err, &brokerErr, operation)
	assert.Equal(t, wantStatus, brokerErr.StatusCode, "%s: %v", operation, err)
	assert.NotErrorIs(t, err, osb.ErrUndefinedStatus, operation)
	if wantCode != nil {
		assert.ErrorIs(t, err, wantCode, operation)
	}
	assert.Empty(t, osb.ValidateErrorAnswer(brokerErr), "%s: the broker's error breaks a rule of Service Broker Errors", operation)
}

// The broker fails as strictly as the client judges: every failure it answers is defined for its
// operation, with the error code the specification names and no field of another operation.
func TestEveryFailurePassesTheClientsValidation(t *testing.T) {
	server := NewServer(WithAsyncPolls(2), WithLastOperationRetryAfter(-1))
	t.Cleanup(server.Close)
	c := server.Client()
	c.DisableRetries()
	const instance, binding = "instance-failures", "binding-failures"
	provision := func(plan string) *osb.ReplaceServiceInstanceOptions {
		return c.NewReplaceServiceInstanceOptions(instance).SetServiceID(DefaultServiceID).SetPlanID(plan).
			SetOrganizationGUID("org-failures").SetSpaceGUID("space-failures")
	}

	_, _, err := c.ReplaceServiceInstance(provision(DefaultAsyncPlanID))
	failureJudge(t, "ReplaceServiceInstance without accepts_incomplete", 422, osb.ErrAsyncRequired, err)
	_, _, err = c.ReplaceServiceInstance(provision(DefaultSyncPlanID).SetMaintenanceInfo(&osb.MaintenanceInfo{Version: core.StringPtr("0.0.1")}))
	failureJudge(t, "ReplaceServiceInstance with another maintenance_info", 422, osb.ErrMaintenanceInfoConflict, err)
	_, _, err = c.GetServiceInstance(c.NewGetServiceInstanceOptions(instance))
	failureJudge(t, "GetServiceInstance of nothing", 404, osb.ErrNotFound, err)
	_, _, err = c.GetLastOperation(c.NewGetLastOperationOptions(instance))
	failureJudge(t, "GetLastOperation of nothing", 404, osb.ErrNotFound, err)
	_, _, err = c.GetServiceInstanceState(c.NewGetServiceInstanceStateOptions(instance))
	failureJudge(t, "GetServiceInstanceState of nothing", 404, osb.ErrNotFound, err)

	_, _, err = c.ReplaceServiceInstance(provision(DefaultAsyncPlanID).SetAcceptsIncomplete(true))
	require.NoError(t, err)
	_, _, err = c.UpdateServiceInstance(c.NewUpdateServiceInstanceOptions(instance).SetServiceID(DefaultServiceID).SetAcceptsIncomplete(true))
	failureJudge(t, "UpdateServiceInstance while provisioning", 422, osb.ErrConcurrencyError, err)
	_, _, err = c.ReplaceServiceInstance(provision(DefaultSyncPlanID).SetAcceptsIncomplete(true))
	failureJudge(t, "ReplaceServiceInstance of another plan", 409, osb.ErrConflict, err)
	_, _, err = c.AwaitLastOperation(context.Background(), c.NewGetLastOperationOptions(instance),
		&osb.WaitOptions{MinDelay: time.Millisecond, MaxDelay: time.Millisecond})
	require.NoError(t, err)

	_, _, err = c.ReplaceServiceBinding(c.NewReplaceServiceBindingOptions(binding, instance).SetServiceID(DefaultServiceID).
		SetPlanID(DefaultAsyncPlanID).SetParameters(map[string]any{"role": "admin"}))
	failureJudge(t, "ReplaceServiceBinding with parameters its schema refuses", 400, osb.ErrBadRequest, err)
	_, _, err = c.GetServiceBinding(c.NewGetServiceBindingOptions(binding, instance))
	failureJudge(t, "GetServiceBinding of nothing", 404, osb.ErrNotFound, err)
	_, _, err = c.GetServiceBindingLastOperation(c.NewGetServiceBindingLastOperationOptions(binding, instance))
	failureJudge(t, "GetServiceBindingLastOperation of nothing", 404, osb.ErrNotFound, err)
	_, _, err = c.DeleteServiceInstance(c.NewDeleteServiceInstanceOptions(DefaultServiceID, DefaultAsyncPlanID, instance))
	failureJudge(t, "DeleteServiceInstance without accepts_incomplete", 422, osb.ErrAsyncRequired, err)
}
