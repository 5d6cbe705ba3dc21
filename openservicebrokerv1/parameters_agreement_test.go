package openservicebrokerv1_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The client and brokertest read a plan's parameters schema by the same rules (draft 4 when
// $schema is absent, formats asserted): what the client refuses before sending, brokertest
// refuses too, and both accept the same valid parameters.
func TestParametersSchema_ClientAndBrokertestAgree(t *testing.T) {
	catalog := brokertest.DefaultCatalog()
	catalog[0].Plans[0].Schemas.Instance.Create.Parameters = map[string]any{
		"type": "object", "properties": map[string]any{"e": map[string]any{"type": "string", "format": "email"}},
	}
	srv := startBroker(t, brokertest.WithCatalog(catalog))
	checking := srv.Client()
	held, _, err := checking.RefreshCatalog(context.Background(), nil)
	require.NoError(t, err)
	checking.SetCatalog(held)
	srv.ResetRequests()
	provision := func(instanceID, email string) *openservicebrokerv1.ReplaceServiceInstanceOptions {
		return checking.NewReplaceServiceInstanceOptions(instanceID).
			SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID).
			SetOrganizationGuid("org").SetSpaceGuid("space").SetParameters(map[string]any{"e": email})
	}

	_, _, err = checking.ReplaceServiceInstance(provision("refused-by-client", "not-an-email"))
	var invalid *openservicebrokerv1.ParametersInvalidError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, []openservicebrokerv1.SchemaViolation{{Path: "/e", Message: "is not a valid email"}}, invalid.Violations)
	assert.Empty(t, srv.Requests(), "the client sent nothing")

	_, _, err = srv.Client().ReplaceServiceInstance(provision("refused-by-broker", "not-an-email"))
	var brokerErr *openservicebrokerv1.BrokerError
	require.ErrorAs(t, err, &brokerErr, "a client without the catalog sends the request")
	assert.Equal(t, http.StatusBadRequest, brokerErr.StatusCode)
	assert.Contains(t, brokerErr.Description, "/e: is not a valid email")
	assert.Empty(t, srv.Instances(), "brokertest created nothing")

	_, response, err := checking.ReplaceServiceInstance(provision("accepted", "ops@example.com"))
	require.NoError(t, err)
	assert.Equal(t, http.StatusCreated, response.StatusCode)
}
