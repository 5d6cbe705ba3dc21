package openservicebrokerv1

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReplaceServiceInstance_FillsOrganizationAndSpaceFromTheContextsProfile(t *testing.T) {
	cases := map[string]struct {
		context            *Context
		wantOrg, wantSpace string
	}{
		"cloudfoundry": {
			context: &Context{Platform: core.StringPtr(PlatformCloudFoundry),
				OrganizationGuid: core.StringPtr("cf-org"), SpaceGuid: core.StringPtr("cf-space")},
			wantOrg: "cf-org", wantSpace: "cf-space",
		},
		"kubernetes maps the cluster to the organization and the namespace to the space": {
			context: &Context{Platform: core.StringPtr(PlatformKubernetes),
				ClusterID: core.StringPtr("cluster-1"), Namespace: core.StringPtr("team-a")},
			wantOrg: "cluster-1", wantSpace: "team-a",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			client, broker := newMockClient(t)
			broker.reply(http.StatusCreated, `{}`)
			options := client.NewReplaceServiceInstanceOptions(mockInstanceID).
				SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetContext(c.context)

			_, _, err := client.ReplaceServiceInstance(options)

			require.NoError(t, err)
			var body map[string]any
			require.NoError(t, json.Unmarshal(broker.only().Body, &body))
			assert.Equal(t, c.wantOrg, body["organization_guid"])
			assert.Equal(t, c.wantSpace, body["space_guid"])
			assert.Nil(t, options.OrganizationGUID, "the caller's options are not changed")
			assert.Nil(t, options.SpaceGUID, "the caller's options are not changed")
		})
	}
}

func TestReplaceServiceInstance_KeepsTheOrganizationAndSpaceTheCallerSet(t *testing.T) {
	client, broker := newMockClient(t)
	broker.reply(http.StatusCreated, `{}`)
	options := client.NewReplaceServiceInstanceOptions(mockInstanceID).
		SetServiceID(mockServiceID).SetPlanID(mockPlanID).
		SetOrganizationGUID("own-org").
		SetContext(&Context{Platform: core.StringPtr(PlatformCloudFoundry),
			OrganizationGuid: core.StringPtr("cf-org"), SpaceGuid: core.StringPtr("cf-space")})

	_, _, err := client.ReplaceServiceInstance(options)

	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal(broker.only().Body, &body))
	assert.Equal(t, "own-org", body["organization_guid"])
	assert.Equal(t, "cf-space", body["space_guid"], "a field left unset still comes from the context")
}

func TestReplaceServiceInstance_RefusesAProvisionWithoutOrganizationAndSpace(t *testing.T) {
	contexts := map[string]*Context{
		"no context":                     nil,
		"a profile without equivalents":  {Platform: core.StringPtr(PlatformIBMCloud), AccountID: core.StringPtr("a-1")},
		"cloudfoundry without the space": {Platform: core.StringPtr(PlatformCloudFoundry), OrganizationGuid: core.StringPtr("cf-org")},
	}
	for name, context := range contexts {
		t.Run(name, func(t *testing.T) {
			client, broker := newMockClient(t)
			options := client.NewReplaceServiceInstanceOptions(mockInstanceID).
				SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetContext(context)

			_, _, err := client.ReplaceServiceInstance(options)

			var parameterErr *ParameterError
			require.True(t, errors.As(err, &parameterErr), "got %v", err)
			assert.Contains(t, parameterErr.Parameter, "space_guid")
			assert.Contains(t, err.Error(), "Provisioning, Body")
			assert.Contains(t, err.Error(), "SetSpaceGUID")
			assert.Zero(t, broker.calls(), "nothing is sent")
		})
	}
}

func TestReplaceAndUpdate_RefuseMaintenanceInfoWithoutItsVersion(t *testing.T) {
	client, broker := newMockClient(t)
	withoutVersion := &MaintenanceInfo{Description: core.StringPtr("OS image update")}

	_, _, provisionErr := client.ReplaceServiceInstance(client.NewReplaceServiceInstanceOptions(mockInstanceID).
		SetServiceID(mockServiceID).SetPlanID(mockPlanID).SetOrganizationGUID("org").SetSpaceGUID("space").
		SetMaintenanceInfo(withoutVersion))
	_, _, updateErr := client.UpdateServiceInstance(client.NewUpdateServiceInstanceOptions(mockInstanceID).
		SetServiceID(mockServiceID).SetMaintenanceInfo(withoutVersion))

	for _, err := range []error{provisionErr, updateErr} {
		var parameterErr *ParameterError
		require.True(t, errors.As(err, &parameterErr), "got %v", err)
		assert.Equal(t, "maintenance_info.version", parameterErr.Parameter)
	}
	assert.Zero(t, broker.calls(), "nothing is sent")
}
