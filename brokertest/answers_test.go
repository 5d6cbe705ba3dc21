package brokertest

import (
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
