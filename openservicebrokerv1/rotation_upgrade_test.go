package openservicebrokerv1

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-openapi/strfmt"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingBroker answers with handle and records "METHOD path" and the body of each request.
type recordingBroker struct {
	mu     sync.Mutex
	calls  []string
	bodies []map[string]any
	handle func(w http.ResponseWriter, r *http.Request, body map[string]any)
}

func (b *recordingBroker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	b.mu.Lock()
	b.calls = append(b.calls, r.Method+" "+r.URL.Path)
	b.bodies = append(b.bodies, body)
	b.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	b.handle(w, r, body)
}

func (b *recordingBroker) recorded() ([]string, []map[string]any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.calls...), append([]map[string]any(nil), b.bodies...)
}

func writeAnswer(w http.ResponseWriter, status int, body string) {
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

var fastWait = NewWaitOptions().SetMinDelay(time.Millisecond).SetMaxDelay(time.Millisecond)

func TestRotateBindingAndWait_CreatesTheSuccessorAndKeepsThePredecessor(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprintf("async=%v", async), func(t *testing.T) {
			broker := &recordingBroker{handle: func(w http.ResponseWriter, r *http.Request, _ map[string]any) {
				switch {
				case r.Method == http.MethodPut && async:
					writeAnswer(w, http.StatusAccepted, `{"operation": "rotate-1"}`)
				case r.Method == http.MethodPut:
					writeAnswer(w, http.StatusCreated, `{"credentials": {"password": "new"}, "metadata": {"renew_before": "2030-01-01T00:00:00.0Z"}}`)
				case strings.HasSuffix(r.URL.Path, "/last_operation"):
					writeAnswer(w, http.StatusOK, `{"state": "succeeded"}`)
				default:
					writeAnswer(w, http.StatusOK, `{"credentials": {"password": "new"}}`)
				}
			}}
			client := newServedClient(t, broker)
			options := client.NewReplaceServiceBindingOptions("binding-2", "instance-1").SetServiceID("queue-id").
				SetPlanID("queue-basic-id").SetPredecessorBindingID("binding-1")

			binding, response, err := client.RotateBindingAndWait(context.Background(), options, fastWait)

			require.NoError(t, err)
			assert.Equal(t, map[string]any{"password": "new"}, binding.Credentials)
			calls, bodies := broker.recorded()
			assert.Equal(t, "binding-1", bodies[0]["predecessor_binding_id"])
			for _, call := range calls {
				assert.NotContains(t, call, http.MethodDelete, "the predecessor stays valid")
			}
			if async {
				assert.Equal(t, http.StatusAccepted, response.StatusCode)
				assert.Equal(t, []string{"PUT /v2/service_instances/instance-1/service_bindings/binding-2",
					"GET /v2/service_instances/instance-1/service_bindings/binding-2/last_operation",
					"GET /v2/service_instances/instance-1/service_bindings/binding-2"}, calls)
			} else {
				assert.Len(t, calls, 1)
			}
		})
	}
}

func TestRotateBindingAndWait_RefusesOptionsWithoutAPredecessor(t *testing.T) {
	broker := &recordingBroker{handle: func(w http.ResponseWriter, _ *http.Request, _ map[string]any) {
		writeAnswer(w, http.StatusCreated, `{}`)
	}}
	client := newServedClient(t, broker)
	base := func() *ReplaceServiceBindingOptions {
		return client.NewReplaceServiceBindingOptions("binding-2", "instance-1").SetServiceID("s").SetPlanID("p")
	}
	for name, tc := range map[string]struct {
		options   *ReplaceServiceBindingOptions
		parameter string
	}{
		"nil options":           {nil, "options"},
		"no predecessor":        {base(), "predecessor_binding_id"},
		"blank predecessor":     {base().SetPredecessorBindingID(" "), "predecessor_binding_id"},
		"successor is the same": {base().SetPredecessorBindingID("binding-2"), "binding_id"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := client.RotateBindingAndWait(context.Background(), tc.options, nil)
			var parameterErr *ParameterError
			require.ErrorAs(t, err, &parameterErr)
			assert.Equal(t, tc.parameter, parameterErr.Parameter)
		})
	}
	calls, _ := broker.recorded()
	assert.Empty(t, calls)
}

func TestBindingNeedsRenewal(t *testing.T) {
	at := func(text string) *strfmt.DateTime {
		parsed, err := strfmt.ParseDateTime(text)
		require.NoError(t, err)
		return &parsed
	}
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		metadata *BindingMetadata
		want     bool
	}{
		{"no metadata", nil, false},
		{"no times", &BindingMetadata{}, false},
		{"renew_before ahead", &BindingMetadata{RenewBefore: at("2026-12-01T13:00:00.0Z"), ExpiresAt: at("2026-12-02T00:00:00.0Z")}, false},
		{"renew_before reached", &BindingMetadata{RenewBefore: at("2026-12-01T12:00:00.0Z"), ExpiresAt: at("2026-12-02T00:00:00.0Z")}, true},
		{"renew_before passed", &BindingMetadata{RenewBefore: at("2026-12-01T11:00:00.0Z")}, true},
		{"expired without renew_before", &BindingMetadata{ExpiresAt: at("2026-12-01T11:59:59.0Z")}, true},
		{"expires later without renew_before", &BindingMetadata{ExpiresAt: at("2026-12-01T12:00:01.0Z")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, BindingNeedsRenewal(tt.metadata, now))
		})
	}
}

// maintenanceBroker offers version current for plan db-small-id and answers an update with
// another version MaintenanceInfoConflict.
func maintenanceBroker(current *string) *recordingBroker {
	return &recordingBroker{handle: func(w http.ResponseWriter, r *http.Request, body map[string]any) {
		switch r.Method {
		case http.MethodGet:
			writeAnswer(w, http.StatusOK, strings.Replace(rulesCatalog, `"version": "1.2.0"`, fmt.Sprintf(`"version": %q`, *current), 1))
		default:
			info, _ := body["maintenance_info"].(map[string]any)
			if info["version"] != *current {
				writeAnswer(w, http.StatusUnprocessableEntity, `{"error": "MaintenanceInfoConflict", "description": "maintenance_info changed"}`)
				return
			}
			writeAnswer(w, http.StatusOK, `{}`)
		}
	}}
}

func TestUpgradeAndWait_SendsThePlansVersionAndReportsTheCurrentOneOnConflict(t *testing.T) {
	current := "1.3.0"
	broker := maintenanceBroker(&current)
	client := newServedClient(t, broker)
	client.SetCatalog(newRulesCatalog(t)) // offers 1.2.0: outdated
	options := client.NewUpdateServiceInstanceOptions("instance-1").SetServiceID("db-id").
		SetPreviousValues(&PreviousValues{PlanID: ptr("db-small-id")})

	_, _, err := client.UpgradeAndWait(context.Background(), options, fastWait)

	var conflict *MaintenanceInfoConflictError
	require.ErrorAs(t, err, &conflict)
	assert.ErrorIs(t, err, ErrMaintenanceInfoConflict)
	assert.Equal(t, "1.2.0", conflict.Sent)
	assert.Equal(t, "1.3.0", *conflict.Current.Version)
	assert.Contains(t, err.Error(), `sent version "1.2.0", the fresh catalog offers "1.3.0"`)
	assert.Same(t, conflict.Catalog, client.Catalog(), "the client holds the fresh catalog")

	_, response, err := client.UpgradeAndWait(context.Background(), options, fastWait)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, response.StatusCode)
	calls, bodies := broker.recorded()
	assert.Equal(t, []string{"PATCH /v2/service_instances/instance-1", "GET /v2/catalog", "PATCH /v2/service_instances/instance-1"}, calls)
	assert.Equal(t, map[string]any{"version": "1.3.0"}, bodies[2]["maintenance_info"])
}

func TestUpgradeAndWait_FetchesTheCatalogWhenTheClientHoldsNone(t *testing.T) {
	current := "1.2.0"
	broker := maintenanceBroker(&current)
	client := newServedClient(t, broker)
	options := client.NewUpdateServiceInstanceOptions("instance-1").SetServiceID("db-id").SetPlanID("db-small-id")

	_, _, err := client.UpgradeAndWait(context.Background(), options, fastWait)

	require.NoError(t, err)
	calls, bodies := broker.recorded()
	assert.Equal(t, []string{"GET /v2/catalog", "PATCH /v2/service_instances/instance-1"}, calls)
	assert.Equal(t, map[string]any{"version": "1.2.0"}, bodies[1]["maintenance_info"])
	assert.Nil(t, client.Catalog(), "a catalog fetched for the call is not installed")
}

func TestUpgradeAndWait_RefusesAPlanWithoutMaintenanceInfo(t *testing.T) {
	current := "1.2.0"
	broker := maintenanceBroker(&current)
	client := newServedClient(t, broker)
	client.SetCatalog(newRulesCatalog(t))

	_, _, err := client.UpgradeAndWait(context.Background(),
		client.NewUpdateServiceInstanceOptions("instance-1").SetServiceID("db-id").SetPlanID("db-fixed-id"), fastWait)
	assert.ErrorIs(t, err, ErrNoMaintenanceInfo)
	_, _, err = client.UpgradeAndWait(context.Background(), client.NewUpdateServiceInstanceOptions("instance-1").SetServiceID("db-id"), fastWait)
	var parameterErr *ParameterError
	require.ErrorAs(t, err, &parameterErr)
	assert.Equal(t, "plan_id", parameterErr.Parameter)
	calls, _ := broker.recorded()
	assert.Empty(t, calls)
}

func TestInstanceUsableAndUpdateRepeatable(t *testing.T) {
	yes, no := ptr(true), ptr(false)
	tests := []struct {
		name               string
		err                error
		usable, repeatable bool
	}{
		{"no error", nil, true, true},
		{"broker error saying nothing", &BrokerError{StatusCode: 422}, true, true},
		{"broker error: unusable, not repeatable", fmt.Errorf("UpdateAndWait: %w", &BrokerError{StatusCode: 400, InstanceUsable: no, UpdateRepeatable: no}), false, false},
		{"broker error: usable, repeatable", &BrokerError{StatusCode: 500, InstanceUsable: yes, UpdateRepeatable: yes}, true, true},
		{"failed operation: unusable", &OperationFailedError{InstanceUsable: no}, false, true},
		{"failed operation: not repeatable", &OperationFailedError{UpdateRepeatable: no}, true, false},
		{"no answer", fmt.Errorf("no answer from the broker"), true, true},
		{"refused by the catalog", &GuardError{Rule: ErrPlanNotUpdateable}, true, false},
		{"parameters invalid", &ParametersInvalidError{}, true, false},
		{"invalid options", &ParameterError{Parameter: "service_id"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.usable, InstanceUsable(tt.err), "InstanceUsable")
			assert.Equal(t, tt.repeatable, UpdateRepeatable(tt.err), "UpdateRepeatable")
		})
	}
}
