//go:build integration

package integration

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// TestLifecycle walks provision, update, bind, unbind and deprovision with the SDK's AndWait
// helpers, on a plan that may complete synchronously and on an asynchronous one.
func TestLifecycle(t *testing.T) {
	plans := []struct {
		name   string
		planID func(t *testing.T) string
	}{
		{"sync plan", func(t *testing.T) string { needSyncPlan(t); return target.planID }},
		{"async plan", func(t *testing.T) string { needAsyncPlan(t); return target.asyncPlanID }},
	}
	for _, plan := range plans {
		t.Run(plan.name, func(t *testing.T) {
			t.Parallel()
			walkLifecycle(t, plan.planID(t))
		})
	}
}

func walkLifecycle(t *testing.T, planID string) {
	ctx := testContext(t)
	client := target.client
	ref := instanceRef{id: newID("instance"), serviceID: target.serviceID, planID: planID}
	deprovisionAtCleanup(t, ref)
	polls := 0
	wait := waitOptions().SetOnPoll(func(openservicebrokerv1.PollEvent) { polls++ })

	_, response, err := client.ProvisionAndWait(ctx, ref.provisionOptions().SetParameters(map[string]any{"size_gb": 1}), wait)
	require.NoError(t, err, "provision")
	requirePolledWhenAccepted(t, response.StatusCode, &polls)

	_, response, err = client.UpdateAndWait(ctx, client.NewUpdateServiceInstanceOptions(ref.id).
		SetServiceID(ref.serviceID).SetPlanID(ref.planID).SetParameters(map[string]any{"size_gb": 2}), wait)
	require.NoError(t, err, "update")
	requirePolledWhenAccepted(t, response.StatusCode, &polls)

	bindingID := newID("binding")
	binding, response, err := client.BindAndWait(ctx, ref.bindOptions(bindingID), wait)
	require.NoError(t, err, "bind")
	require.Contains(t, []int{http.StatusCreated, http.StatusAccepted}, response.StatusCode, "a new binding is created")
	assert.NotEmpty(t, binding.Credentials, "a binding of a bindable service carries credentials")

	response, err = client.UnbindAndWait(ctx, ref.unbindOptions(bindingID), wait)
	require.NoError(t, err, "unbind")
	assert.Contains(t, []int{http.StatusOK, http.StatusAccepted}, response.StatusCode, "the binding existed")

	_, response, err = client.DeprovisionAndWait(ctx, ref.deprovisionOptions(), wait)
	require.NoError(t, err, "deprovision")
	requirePolledWhenAccepted(t, response.StatusCode, &polls)
	assert.NotEqual(t, http.StatusGone, response.StatusCode, "the instance existed until deprovisioned")
}

// requirePolledWhenAccepted checks that an operation the broker accepted (202) was waited for,
// and resets the poll count for the next operation.
func requirePolledWhenAccepted(t *testing.T, status int, polls *int) {
	t.Helper()
	if status == http.StatusAccepted {
		require.Positive(t, *polls, "an accepted operation is polled until it ends")
	}
	*polls = 0
}

func TestGetInstanceReturnsWhatWasProvisioned(t *testing.T) {
	needSyncPlan(t)
	needRetrievableInstances(t)
	t.Parallel()
	parameters := map[string]any{"size_gb": 3}
	ref := provisioned(t, target.planID, parameters)

	instance, _, err := target.client.GetServiceInstance(target.client.NewGetServiceInstanceOptions(ref.id).
		SetServiceID(ref.serviceID).SetPlanID(ref.planID))
	require.NoError(t, err)
	assertReported(t, "service_id", ref.serviceID, instance.ServiceID)
	assertReported(t, "plan_id", ref.planID, instance.PlanID)
	if instance.Parameters != nil || target.embedded != nil {
		assert.Equal(t, map[string]any{"size_gb": float64(3)}, instance.Parameters)
	}
}

func TestGetBindingReturnsWhatWasBound(t *testing.T) {
	needSyncPlan(t)
	needRetrievableBindings(t)
	t.Parallel()
	ref := provisioned(t, target.planID, nil)
	bindingID := newID("binding")
	unbindAtCleanup(t, ref, bindingID)
	parameters := map[string]any{"role": "reader"}
	bound, _, err := target.client.BindAndWait(testContext(t), ref.bindOptions(bindingID).SetParameters(parameters), waitOptions())
	require.NoError(t, err)

	fetched, _, err := target.client.GetServiceBinding(target.client.NewGetServiceBindingOptions(bindingID, ref.id).
		SetServiceID(ref.serviceID).SetPlanID(ref.planID))
	require.NoError(t, err)
	assert.Equal(t, bound.Credentials, fetched.Credentials, "GET returns the credentials the bind answer carried")
	if fetched.Parameters != nil || target.embedded != nil {
		assert.Equal(t, parameters, fetched.Parameters)
	}
}

// assertReported checks a field the broker may leave out: when present (always, on the embedded
// broker) it must hold what was sent.
func assertReported(t *testing.T, field, want string, got *string) {
	t.Helper()
	if got == nil && target.embedded == nil {
		t.Logf("the broker left %s out of its answer", field)
		return
	}
	if assert.NotNil(t, got, "%s is in the answer", field) {
		assert.Equal(t, want, *got, field)
	}
}
