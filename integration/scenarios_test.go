//go:build integration

package integration

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The error scenarios and edge cases of the OSB v2.17 specification.

func TestWrongCredentialsGiveErrUnauthorized(t *testing.T) {
	t.Parallel()
	const wrongPassword = "not-the-password-0123456789"
	client, err := target.clientWith(&core.BasicAuthenticator{Username: "not-the-user", Password: wrongPassword})
	require.NoError(t, err)

	_, _, err = client.ListCatalog(client.NewListCatalogOptions())
	require.ErrorIs(t, err, openservicebrokerv1.ErrUnauthorized)
	requireBrokerError(t, err, http.StatusUnauthorized)
	assert.NotContains(t, err.Error(), wrongPassword, "errors never carry credentials")
}

func TestUnsupportedAPIVersionGivesErrPreconditionFailed(t *testing.T) {
	t.Parallel()
	client := target.client.Clone()
	require.NoError(t, client.SetBrokerAPIVersion("1.0"))

	_, _, err := client.ListCatalog(client.NewListCatalogOptions())
	require.ErrorIs(t, err, openservicebrokerv1.ErrPreconditionFailed)
	requireBrokerError(t, err, http.StatusPreconditionFailed)
}

func TestAsyncPlanWithoutAcceptsIncompleteGivesErrAsyncRequired(t *testing.T) {
	needAsyncPlan(t)
	t.Parallel()
	ref := instanceRef{id: newID("instance"), serviceID: target.serviceID, planID: target.asyncPlanID}
	deprovisionAtCleanup(t, ref) // in case the broker provisions anyway

	_, _, err := target.client.ReplaceServiceInstance(ref.provisionOptions())
	require.ErrorIs(t, err, openservicebrokerv1.ErrAsyncRequired)
	require.ErrorIs(t, err, openservicebrokerv1.ErrUnprocessable)
	brokerErr := requireBrokerError(t, err, http.StatusUnprocessableEntity)
	assert.Equal(t, "AsyncRequired", brokerErr.ErrorCode)
	assert.Contains(t, err.Error(), "accepts_incomplete=true", "the error says what to do")
}

func TestIdenticalReprovisionGives200(t *testing.T) {
	needSyncPlan(t)
	t.Parallel()
	parameters := map[string]any{"size_gb": 4}
	ref := provisioned(t, target.planID, parameters)

	_, response, err := target.client.ReplaceServiceInstance(ref.provisionOptions().SetParameters(parameters).SetAcceptsIncomplete(true))
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode, "an identical instance already exists")
}

func TestConflictingReprovisionGives409(t *testing.T) {
	needSyncPlan(t)
	t.Parallel()
	ref := provisioned(t, target.planID, map[string]any{"size_gb": 4})

	_, _, err := target.client.ReplaceServiceInstance(ref.provisionOptions().SetParameters(map[string]any{"size_gb": 8}).SetAcceptsIncomplete(true))
	require.ErrorIs(t, err, openservicebrokerv1.ErrConflict)
	requireBrokerError(t, err, http.StatusConflict)
}

func TestDeprovisionOfMissingInstanceIs410Success(t *testing.T) {
	needSyncPlan(t)
	t.Parallel()
	missing := instanceRef{id: newID("missing"), serviceID: target.serviceID, planID: target.planID}

	_, response, err := target.client.DeleteServiceInstance(missing.deprovisionOptions().SetAcceptsIncomplete(true))
	require.NoError(t, err, "410 Gone is the success answer of a deletion")
	assert.Equal(t, http.StatusGone, response.StatusCode)

	_, response, err = target.client.DeprovisionAndWait(testContext(t), missing.deprovisionOptions(), waitOptions())
	require.NoError(t, err)
	assert.Equal(t, http.StatusGone, response.StatusCode)
}

func TestUnbindOfMissingBindingIs410Success(t *testing.T) {
	needSyncPlan(t)
	t.Parallel()
	ref := provisioned(t, target.planID, nil)

	response, err := target.client.DeleteServiceBinding(ref.unbindOptions(newID("missing")).SetAcceptsIncomplete(true))
	require.NoError(t, err, "410 Gone is the success answer of a deletion")
	assert.Equal(t, http.StatusGone, response.StatusCode)
}

// TestCRNIdsRoundTrip uses IBM Cloud's ids, CRNs with ':' and '/', for an instance and a binding:
// the broker must see them unchanged, each as one path segment.
func TestCRNIdsRoundTrip(t *testing.T) {
	needSyncPlan(t)
	needRetrievableInstances(t)
	t.Parallel()
	ctx := testContext(t)
	ref := instanceRef{id: newCRN(), serviceID: target.serviceID, planID: target.planID}
	deprovisionAtCleanup(t, ref)
	require.Contains(t, ref.id, "/")

	_, _, err := target.client.ProvisionAndWait(ctx, ref.provisionOptions(), waitOptions())
	require.NoError(t, err)
	instance, _, err := target.client.GetServiceInstance(target.client.NewGetServiceInstanceOptions(ref.id))
	require.NoError(t, err, "GET of the instance by its CRN")
	assertReported(t, "plan_id", ref.planID, instance.PlanID)
	if target.embedded != nil {
		require.Contains(t, instanceIDs(target.embedded.Instances()), ref.id, "the broker holds the instance under exactly this id")
	}

	bindingID := newCRN()
	unbindAtCleanup(t, ref, bindingID)
	_, _, err = target.client.BindAndWait(ctx, ref.bindOptions(bindingID), waitOptions())
	require.NoError(t, err, "bind with a CRN binding id")
	if isTrue(serviceUnderTest(t).BindingsRetrievable) {
		_, _, err = target.client.GetServiceBinding(target.client.NewGetServiceBindingOptions(bindingID, ref.id))
		require.NoError(t, err, "GET of the binding by its CRN")
	}
}

// newCRN returns a CRN of the form IBM Cloud gives instances: crn:v1:...:a/<account>:<guid>::
func newCRN() string {
	return "crn:v1:bluemix:public:osb-go-sdk-it:us-south:a/0123456789abcdef0123456789abcdef:" + uuid.NewString() + "::"
}

// TestConcurrentDeprovisionDuringProvisionGivesConcurrencyError deprovisions an instance whose
// asynchronous provisioning is still in progress. A broker that does not allow that answers 422
// ConcurrencyError, which the SDK reports as ErrConcurrencyError (IsRetryLater); once the
// provisioning has ended, the same deprovision succeeds.
func TestConcurrentDeprovisionDuringProvisionGivesConcurrencyError(t *testing.T) {
	needAsyncPlan(t)
	t.Parallel()
	ctx := testContext(t)
	ref := instanceRef{id: newID("instance"), serviceID: target.serviceID, planID: target.asyncPlanID}
	deprovisionAtCleanup(t, ref)

	provision, response, err := target.client.ReplaceServiceInstance(ref.provisionOptions().SetAcceptsIncomplete(true))
	require.NoError(t, err)
	if response.StatusCode != http.StatusAccepted {
		t.Skipf("the broker provisioned plan %q synchronously (%d), so no operation was in progress", ref.planID, response.StatusCode)
	}
	_, response, err = target.client.DeleteServiceInstance(ref.deprovisionOptions().SetAcceptsIncomplete(true))
	if err == nil {
		require.Nil(t, target.embedded, "the embedded broker answers ConcurrencyError while provisioning")
		t.Skipf("the broker accepted a deprovision during provisioning (%d) instead of answering ConcurrencyError", response.StatusCode)
	}
	require.ErrorIs(t, err, openservicebrokerv1.ErrConcurrencyError)
	assert.True(t, openservicebrokerv1.IsRetryLater(err))
	requireBrokerError(t, err, http.StatusUnprocessableEntity)

	require.NoError(t, waitForOperation(ctx, ref, core.StringNilMapper(provision.Operation)), "the provisioning ends")
	_, _, err = target.client.DeprovisionAndWait(ctx, ref.deprovisionOptions(), waitOptions())
	require.NoError(t, err, "retried later, the deprovision succeeds")
}

// TestInstanceStateDisableEnable switches an instance off and on through IBM Cloud's state
// endpoints (/bluemix_v1), as IBM Cloud does when an account is suspended and reactivated.
func TestInstanceStateDisableEnable(t *testing.T) {
	needSyncPlan(t)
	t.Parallel()
	ref := provisioned(t, target.planID, nil)

	for _, change := range []struct {
		enabled bool
		reason  string
	}{
		{false, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctSuspendConst},
		{true, openservicebrokerv1.ReplaceServiceInstanceStateOptionsReasonCodeIbmcloudAcctActivateConst},
	} {
		changed, _, err := target.client.ReplaceServiceInstanceState(target.client.NewReplaceServiceInstanceStateOptions(ref.id).
			SetEnabled(change.enabled).SetReasonCode(change.reason).SetInitiatorID("osb-go-sdk-integration"))
		if errors.Is(err, openservicebrokerv1.ErrNotFound) && target.embedded == nil {
			t.Skipf("the broker does not serve IBM Cloud's state endpoints: %v", err)
		}
		require.NoError(t, err, "PUT state enabled=%t", change.enabled)
		assert.Equal(t, change.enabled, *changed.Enabled)

		state, _, err := target.client.GetServiceInstanceState(target.client.NewGetServiceInstanceStateOptions(ref.id))
		require.NoError(t, err)
		assert.Equal(t, change.enabled, *state.Enabled, "GET state after %s", strings.ToLower(change.reason))
	}
}
