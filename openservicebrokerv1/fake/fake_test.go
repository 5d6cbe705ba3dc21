package fake

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

func TestClient_ACallNoReactorHandlesFails(t *testing.T) {
	client := NewClient()
	_, _, err := client.GetLastOperation(client.NewGetLastOperationOptions("i"))
	assert.ErrorIs(t, err, ErrNotHandled)
	assert.ErrorContains(t, err, "GetLastOperation")
	assert.Equal(t, []Action{{Verb: "GetLastOperation", Options: &osb.GetLastOperationOptions{InstanceID: core.StringPtr("i")}}}, client.Actions())
}

func TestClient_ReactorsAreAskedInOrderUntilOneHandles(t *testing.T) {
	client := NewClient()
	var asked []string
	pass := func(name string) Reaction {
		return func(Action) (bool, any, *core.DetailedResponse, error) {
			asked = append(asked, name)
			return false, nil, nil, nil
		}
	}
	client.AddReactor(Everything, pass("everything"))
	client.AddReactor("GetServiceInstance", Answer(http.StatusOK, &osb.InstanceGetResp{PlanID: core.StringPtr("small")}))
	client.AddReactor("GetServiceInstance", Fail(errors.New("never asked")))
	client.PrependReactor("GetServiceInstance", pass("first"))
	client.AddReactor("GetLastOperation", Fail(errors.New("another verb")))

	instance, response, err := client.GetServiceInstanceWithContext(context.Background(), client.NewGetServiceInstanceOptions("i"))

	require.NoError(t, err)
	assert.Equal(t, "small", *instance.PlanID)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	assert.Equal(t, []string{"first", "everything"}, asked)
}

func TestClient_AResultOfTheWrongTypeIsAnError(t *testing.T) {
	client := NewClient()
	client.AddReactor("ReplaceServiceBinding", Answer(http.StatusCreated, &osb.InstancePutResp{}))
	_, _, err := client.ReplaceServiceBinding(client.NewReplaceServiceBindingOptions("b", "i"))
	assert.ErrorContains(t, err, "returned a *openservicebrokerv1.InstancePutResp; ReplaceServiceBinding returns a *openservicebrokerv1.BindingPutResp")
}

func TestClient_ADoneContextStopsTheCall(t *testing.T) {
	client := NewClient()
	client.AddReactor(Everything, Answer(http.StatusOK, nil))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.UnbindAndWait(ctx, client.NewDeleteServiceBindingOptions("b", "i", "p", "s"), nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Empty(t, client.Actions(), "nothing was sent")
}

func TestClient_RefreshCatalogSaysWhetherTheCatalogChanged(t *testing.T) {
	client := NewClient()
	previous, err := osb.NewCatalog(&osb.BrokerCatalogResp{})
	require.NoError(t, err)
	client.AddReactor("RefreshCatalog", func(action Action) (bool, any, *core.DetailedResponse, error) {
		return true, action.Settings, nil, nil // unchanged: the previous catalog
	})
	catalog, changed, err := client.RefreshCatalog(context.Background(), previous)
	require.NoError(t, err)
	assert.Same(t, previous, catalog)
	assert.False(t, changed)
}

func TestClient_StepWithoutARecordLeavesTheRecord(t *testing.T) {
	client := NewClient()
	record, err := client.NewUnbindRecord(client.NewDeleteServiceBindingOptions("b", "i", "p", "s"), osb.RecordConfig{NoReplay: true})
	require.NoError(t, err)
	client.AddReactor("Step", Fail(errors.New("authentication failed")))
	next, err := client.Step(context.Background(), record, nil)
	assert.EqualError(t, err, "authentication failed")
	assert.Equal(t, record, next)
	assert.Equal(t, osb.PhaseToSend, next.Phase)

	client.ClearActions()
	assert.Empty(t, client.Actions())
}
