package openservicebrokerv1_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/pivotal-cf/brokerapi/v12/domain"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// clientHoldingCatalog is a client of srv that holds srv's catalog.
func clientHoldingCatalog(t *testing.T, srv *brokertest.Server) *osb.OpenServiceBrokerV1 {
	t.Helper()
	client := srv.Client()
	catalog, _, err := client.RefreshCatalog(context.Background(), nil)
	require.NoError(t, err)
	client.SetCatalog(catalog)
	return client
}

func provisionOptions(client *osb.OpenServiceBrokerV1, instanceID string) *osb.ReplaceServiceInstanceOptions {
	return client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultSyncPlanID).SetOrganizationGUID("org").SetSpaceGUID("space")
}

// sentMaintenanceInfo is the maintenance_info of the last request srv received; nil for none.
func sentMaintenanceInfo(t *testing.T, srv *brokertest.Server) *osb.MaintenanceInfo {
	t.Helper()
	requests := srv.Requests()
	require.NotEmpty(t, requests)
	var body struct {
		MaintenanceInfo *osb.MaintenanceInfo `json:"maintenance_info"`
	}
	require.NoError(t, json.Unmarshal(requests[len(requests)-1].Body, &body))
	return body.MaintenanceInfo
}

func TestProvision_SendsTheHeldCatalogsMaintenanceInfo(t *testing.T) {
	cases := map[string]struct {
		configure func(client *osb.OpenServiceBrokerV1)
		options   func(options *osb.ReplaceServiceInstanceOptions)
		want      *osb.MaintenanceInfo
	}{
		"by default": {
			want: &osb.MaintenanceInfo{Version: core.StringPtr("1.0.0")},
		},
		"not when turned off": {
			configure: func(client *osb.OpenServiceBrokerV1) { client.SetSendCatalogMaintenanceInfo(false) },
		},
		"not to a 2.14 broker: the version table wins": {
			configure: func(client *osb.OpenServiceBrokerV1) { require.NoError(t, client.SetBrokerAPIVersion("2.14")) },
		},
		"not instead of the caller's": {
			options: func(options *osb.ReplaceServiceInstanceOptions) {
				options.SetMaintenanceInfo(&osb.MaintenanceInfo{Version: core.StringPtr("1.0.0"), Description: core.StringPtr("mine")})
			},
			want: &osb.MaintenanceInfo{Version: core.StringPtr("1.0.0"), Description: core.StringPtr("mine")},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			srv := startBroker(t)
			client := clientHoldingCatalog(t, srv)
			if c.configure != nil {
				c.configure(client)
			}
			options := provisionOptions(client, "instance-1")
			if c.options != nil {
				c.options(options)
			}

			_, _, _ = client.ReplaceServiceInstance(options)

			assert.Equal(t, c.want, sentMaintenanceInfo(t, srv))
			if c.options == nil {
				assert.Nil(t, options.MaintenanceInfo, "the caller's options are not changed")
			}
		})
	}
}

func TestProvision_WithoutAHeldCatalogSendsNoMaintenanceInfo(t *testing.T) {
	srv := startBroker(t)
	client := srv.Client()

	_, _, err := client.ReplaceServiceInstance(provisionOptions(client, "instance-1"))

	require.NoError(t, err)
	assert.Nil(t, sentMaintenanceInfo(t, srv))
	assert.True(t, client.GetSendCatalogMaintenanceInfo(), "on by default")
}

func TestProvision_MaintenanceInfoConflictRefreshesTheHeldCatalog(t *testing.T) {
	srv := startBroker(t)
	client := clientHoldingCatalog(t, srv)
	held := client.Catalog()
	require.NoError(t, srv.SetPlanMaintenanceInfo(brokertest.DefaultSyncPlanID, domain.MaintenanceInfo{Version: "1.1.0"}))

	_, _, err := client.ReplaceServiceInstance(provisionOptions(client, "instance-1"))

	var conflict *osb.MaintenanceInfoConflictError
	require.ErrorAs(t, err, &conflict)
	assert.ErrorIs(t, err, osb.ErrMaintenanceInfoConflict)
	assert.Equal(t, "ReplaceServiceInstance", conflict.Operation)
	assert.Equal(t, "1.0.0", conflict.Sent)
	require.NotNil(t, conflict.Current)
	assert.Equal(t, "1.1.0", *conflict.Current.Version)
	assert.NotSame(t, held, client.Catalog(), "the client holds the fresh catalog")

	_, _, err = client.ReplaceServiceInstance(provisionOptions(client, "instance-1"))

	require.NoError(t, err, "the next provision carries the fresh catalog's version")
	assert.Equal(t, "1.1.0", *sentMaintenanceInfo(t, srv).Version)
}

func TestUpdate_MaintenanceInfoConflictWithoutAHeldCatalogIsTheBrokersError(t *testing.T) {
	srv := startBroker(t)
	client := srv.Client()
	_, _, err := client.ReplaceServiceInstance(provisionOptions(client, "instance-1"))
	require.NoError(t, err)
	srv.ResetRequests()

	_, _, err = client.UpdateServiceInstance(client.NewUpdateServiceInstanceOptions("instance-1").SetServiceID(brokertest.DefaultServiceID).
		SetMaintenanceInfo(&osb.MaintenanceInfo{Version: core.StringPtr("9.9.9")}))

	require.ErrorIs(t, err, osb.ErrMaintenanceInfoConflict)
	var conflict *osb.MaintenanceInfoConflictError
	assert.False(t, errors.As(err, &conflict), "no catalog held, none fetched")
	assert.Len(t, srv.Requests(), 1, "only the update was sent")
}
