//go:build integration

package integration

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// IBM Cloud's extension of the specification, which the conformance checks leave out.

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
