package openservicebrokerv1

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// countingBroker counts the requests it gets and answers each with status and body.
func countingBroker(t *testing.T, status int, body string) (*OpenServiceBrokerV1, *atomic.Int32) {
	t.Helper()
	var count atomic.Int32
	client := newServedClient(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		count.Add(1)
		w.Header().Set("Content-Type", "application/json")
		writeAnswer(w, status, body)
	}))
	return client, &count
}

// sendOptions calls the client operation that options are for.
func sendOptions(ctx context.Context, client *OpenServiceBrokerV1, options any) error {
	var err error
	switch o := options.(type) {
	case *ReplaceServiceInstanceOptions:
		_, _, err = client.ReplaceServiceInstanceWithContext(ctx, o)
	case *UpdateServiceInstanceOptions:
		_, _, err = client.UpdateServiceInstanceWithContext(ctx, o)
	case *ReplaceServiceBindingOptions:
		_, _, err = client.ReplaceServiceBindingWithContext(ctx, o)
	case *GetServiceInstanceOptions:
		_, _, err = client.GetServiceInstanceWithContext(ctx, o)
	case *GetServiceBindingOptions:
		_, _, err = client.GetServiceBindingWithContext(ctx, o)
	default:
		return fmt.Errorf("no operation for %T in this test", options)
	}
	return err
}

// requiredFieldsSet completes the guard cases' options with what every request must carry, so
// that only the catalog can stop them.
func requiredFieldsSet(options any) any {
	switch o := options.(type) {
	case *ReplaceServiceInstanceOptions:
		copied := *o
		copied.InstanceID = ptr("instance-1")
		return copied.SetOrganizationGuid("org").SetSpaceGuid("space")
	case *UpdateServiceInstanceOptions:
		copied := *o
		copied.InstanceID = ptr("instance-1")
		return &copied
	case *ReplaceServiceBindingOptions:
		copied := *o
		copied.InstanceID, copied.BindingID = ptr("instance-1"), ptr("binding-1")
		return &copied
	}
	return options
}

func TestClient_GuardsSendNothing(t *testing.T) {
	for _, tc := range guardCases {
		if !isOperationOptions(tc.options) {
			continue // never refused: covered by TestCatalog_CheckRequest
		}
		options := requiredFieldsSet(tc.options)
		t.Run(tc.name, func(t *testing.T) {
			client, sent := countingBroker(t, http.StatusOK, `{}`)
			client.SetCatalog(newRulesCatalog(t))

			err := sendOptions(context.Background(), client, options)

			if tc.rule == nil {
				assert.Equal(t, int32(1), sent.Load(), "an allowed request is sent")
				return
			}
			assert.ErrorIs(t, err, tc.rule)
			assert.Zero(t, sent.Load(), "a refused request sends nothing")
		})
	}
}

func isOperationOptions(options any) bool {
	switch options.(type) {
	case *ReplaceServiceInstanceOptions, *UpdateServiceInstanceOptions, *ReplaceServiceBindingOptions,
		*GetServiceInstanceOptions, *GetServiceBindingOptions:
		return true
	}
	return false
}

func TestClient_WithoutACatalogNothingIsRefused(t *testing.T) {
	client, sent := countingBroker(t, http.StatusOK, `{}`)
	bind := requiredFieldsSet(&ReplaceServiceBindingOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id")})

	require.NoError(t, sendOptions(context.Background(), client, bind))
	assert.Equal(t, int32(1), sent.Load())

	client.SetCatalog(newRulesCatalog(t))
	assert.ErrorIs(t, sendOptions(context.Background(), client, bind), ErrNotBindable)
	client.SetCatalog(nil)
	assert.Nil(t, client.Catalog())
	require.NoError(t, sendOptions(context.Background(), client, bind))
	assert.Equal(t, int32(2), sent.Load())
}

func TestClient_CloneKeepsItsOwnCatalog(t *testing.T) {
	client, _ := countingBroker(t, http.StatusOK, `{}`)
	catalog := newRulesCatalog(t)
	client.SetCatalog(catalog)
	clone := client.Clone()
	clone.SetCatalog(nil)
	assert.Same(t, catalog, client.Catalog())
	assert.Nil(t, clone.Catalog())
}

func TestClient_DefaultIdentityMeetsTheContextsPlatform(t *testing.T) {
	client, sent := countingBroker(t, http.StatusOK, `{}`)
	client.SetCatalog(newRulesCatalog(t))
	require.NoError(t, client.SetDefaultOriginatingIdentity(kubernetesIdentity))
	provision := requiredFieldsSet(&ReplaceServiceInstanceOptions{ServiceID: ptr("db-id"), PlanID: ptr("db-fixed-id"), Context: platformContext("cloudfoundry")})

	assert.ErrorIs(t, sendOptions(context.Background(), client, provision), ErrPlatformMismatch)
	assert.Zero(t, sent.Load())
}

func TestClient_WaitersPollAsLongAsThePlanAllows(t *testing.T) {
	tests := []struct {
		name        string
		catalog     bool
		planID      string
		wait        *WaitOptions
		wantMaxWait time.Duration
	}{
		{"the plan's maximum_polling_duration", true, "db-small-id", NewWaitOptions(), 10 * time.Minute},
		{"the caller's own limit wins", true, "db-small-id", NewWaitOptions().SetMaximumPollingDuration(30), 30 * time.Second},
		{"a plan without one", true, "db-fixed-id", NewWaitOptions(), DefaultMaxWait},
		{"no catalog", false, "db-small-id", NewWaitOptions(), DefaultMaxWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, _ := countingBroker(t, http.StatusOK, `{"state": "in progress"}`)
			if tt.catalog {
				client.SetCatalog(newRulesCatalog(t))
			}
			clock := newFakeClock()
			options := client.NewWaitForLastOperationOptions("instance-1").SetServiceID("db-id").SetPlanID(tt.planID)
			options.WaitOptions = *tt.wait
			options.clock = clock

			_, _, err := client.WaitForLastOperation(context.Background(), options)

			require.ErrorIs(t, err, ErrWaitTimeout)
			assert.Contains(t, err.Error(), fmt.Sprintf("maximum wait %s", tt.wantMaxWait))
		})
	}
}

func TestClient_BindingWaitersPollAsLongAsThePlanAllows(t *testing.T) {
	client, _ := countingBroker(t, http.StatusOK, `{"state": "in progress"}`)
	client.SetCatalog(newRulesCatalog(t))
	options := client.NewWaitForBindingLastOperationOptions("binding-1", "instance-1").SetServiceID("db-id").SetPlanID("db-small-id")
	options.clock = newFakeClock()

	_, _, err := client.WaitForBindingLastOperation(context.Background(), options)

	require.ErrorIs(t, err, ErrWaitTimeout)
	assert.Contains(t, err.Error(), "maximum wait 10m0s")
}

func TestClient_LifecycleHelpersRefusedByTheCatalogSendNothing(t *testing.T) {
	client, sent := countingBroker(t, http.StatusCreated, `{}`)
	client.SetCatalog(newRulesCatalog(t))
	ctx := context.Background()

	_, _, err := client.RotateBindingAndWait(ctx, client.NewReplaceServiceBindingOptions("binding-2", "instance-1").
		SetServiceID("queue-id").SetPlanID("queue-pinned-id").SetPredecessorBindingID("binding-1"), fastWait)
	assert.ErrorIs(t, err, ErrNotRotatable)

	_, _, err = client.BindAndWait(ctx, client.NewReplaceServiceBindingOptions("binding-1", "instance-1").
		SetServiceID("db-id").SetPlanID("db-fixed-id"), fastWait)
	assert.ErrorIs(t, err, ErrNotBindable)

	provision := client.NewReplaceServiceInstanceOptions("instance-1").SetServiceID("db-id").SetPlanID("db-small-id").
		SetOrganizationGuid("org").SetSpaceGuid("space").SetParameters(map[string]any{"size": 0})
	_, _, err = client.ProvisionAndWait(ctx, provision, fastWait)
	assert.ErrorIs(t, err, ErrParametersInvalid)
	var mitigation *OrphanMitigationError
	assert.NotErrorAs(t, err, &mitigation, "nothing was sent, so nothing is cleaned up")

	assert.Zero(t, sent.Load())
}

func TestClient_BindAnswerTheCatalogDoesNotAllowIsInvalid(t *testing.T) {
	client, sent := countingBroker(t, http.StatusCreated, `{"credentials": {"uri": "db://"}, "syslog_drain_url": "syslog://logs.example.com"}`)
	client.SetCatalog(newRulesCatalog(t))
	bind := client.NewReplaceServiceBindingOptions("binding-1", "instance-1").SetServiceID("db-id").SetPlanID("db-small-id")

	result, response, err := client.ReplaceServiceBinding(bind)

	require.ErrorIs(t, err, ErrSyslogDrainNotDeclared)
	assert.Contains(t, err.Error(), "ReplaceServiceBinding: the broker's answer breaks the catalog: ")
	assert.Nil(t, result, "an invalid answer gives no result")
	require.NotNil(t, response)
	assert.Equal(t, http.StatusCreated, response.StatusCode)
	assert.Nil(t, response.Result)
	assert.True(t, NeedsOrphanMitigation(OperationBind, response, err), "a 201 the platform must consider invalid is a malformed answer")
	assert.Equal(t, int32(1), sent.Load())
}

func TestClient_BindAndWaitUnbindsAnAnswerTheCatalogDoesNotAllow(t *testing.T) {
	var deletes atomic.Int32
	client := newServedClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodDelete {
			deletes.Add(1)
			writeAnswer(w, http.StatusOK, `{}`)
			return
		}
		writeAnswer(w, http.StatusCreated, `{"credentials": {"uri": "db://"}, "volume_mounts": [{"driver": "nfs", "container_dir": "/data", "mode": "rw", "device_type": "shared", "device": {"volume_id": "vol-1"}}]}`)
	}))
	client.SetCatalog(newRulesCatalog(t))
	bind := client.NewReplaceServiceBindingOptions("binding-1", "instance-1").SetServiceID("db-id").SetPlanID("db-small-id")

	_, _, err := client.BindAndWait(context.Background(), bind, fastWait)

	require.ErrorIs(t, err, ErrVolumeMountNotDeclared)
	var mitigation *OrphanMitigationError
	require.ErrorAs(t, err, &mitigation)
	assert.True(t, mitigation.Completed)
	assert.Equal(t, int32(1), deletes.Load(), "the binding the broker made is removed")
}

func TestClient_BindAnswerWithoutACatalogIsNotChecked(t *testing.T) {
	client, _ := countingBroker(t, http.StatusCreated, `{"syslog_drain_url": "syslog://logs.example.com"}`)
	bind := client.NewReplaceServiceBindingOptions("binding-1", "instance-1").SetServiceID("db-id").SetPlanID("db-small-id")

	result, _, err := client.ReplaceServiceBinding(bind)

	require.NoError(t, err)
	assert.Equal(t, "syslog://logs.example.com", *result.SyslogDrainURL)
}
