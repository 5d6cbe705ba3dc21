package brokertest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreationsCountWhatWasCreatedNotWhatWasReplayed(t *testing.T) {
	srv, c := newTestServer(t)
	provision := provisionBody(DefaultSyncPlanID, nil)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, instancePath("i1"), provision).Status)
	require.Equal(t, http.StatusOK, c.do(http.MethodPut, instancePath("i1"), provision).Status, "a replay")
	bound := c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil))
	require.Equal(t, http.StatusCreated, bound.Status)
	require.Equal(t, http.StatusOK, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)

	creations := srv.Creations()
	require.Len(t, creations, 2)
	assert.Equal(t, Creation{InstanceID: "i1"}, creations[0])
	assert.Equal(t, "b1", creations[1].BindingID)
	assert.Equal(t, bound.JSON(t)["credentials"].(map[string]any)["username"], creations[1].Username)
	assert.Zero(t, CreatedTwice(creations))

	require.Equal(t, http.StatusOK, c.do(http.MethodDelete, bindingPath("i1", "b1")+"?"+planQuery(DefaultSyncPlanID), nil).Status)
	require.Equal(t, http.StatusCreated, c.do(http.MethodPut, bindingPath("i1", "b1"), bindBody(nil)).Status)
	assert.Equal(t, 1, CreatedTwice(srv.Creations()), "the binding was created again after its removal")
}
