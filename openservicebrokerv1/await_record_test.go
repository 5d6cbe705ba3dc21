package openservicebrokerv1_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

// recordStore keeps the latest record a wait stored, as JSON, as a platform's store would.
type recordStore struct {
	records [][]byte
	// stopAfter cancels the wait once the record reached this phase.
	stopAfter osb.OperationPhase
	cancel    context.CancelFunc
}

func (s *recordStore) put(_ context.Context, record osb.OperationRecord) error {
	encoded, err := json.Marshal(record)
	if err != nil {
		return err
	}
	s.records = append(s.records, encoded)
	if s.cancel != nil && record.Phase == s.stopAfter {
		s.cancel()
	}
	return nil
}

func (s *recordStore) latest(t *testing.T) osb.OperationRecord {
	t.Helper()
	require.NotEmpty(t, s.records)
	var record osb.OperationRecord
	require.NoError(t, json.Unmarshal(s.records[len(s.records)-1], &record))
	return record
}

func TestAWaitStoppedMidwayIsResumedFromItsStoredRecord(t *testing.T) {
	server := startBroker(t, brokertest.WithAsyncPolls(3), brokertest.WithLastOperationRetryAfter(0))
	client := server.Client()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	store := &recordStore{stopAfter: osb.PhaseInProgress, cancel: cancel}
	wait := osb.NewWaitOptions().SetMinDelay(time.Millisecond).SetMaxWait(time.Second)
	wait.OnRecord, wait.RecordKey = store.put, recordKey
	options := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID).
		SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)

	_, response, err := client.ProvisionAndWait(ctx, options, wait)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, http.StatusAccepted, response.StatusCode)
	first := store.latest(t)
	var stored0 osb.OperationRecord
	require.NoError(t, json.Unmarshal(store.records[0], &stored0))
	assert.Equal(t, osb.PhaseToSend, stored0.Phase, "the record is stored before the request is sent")
	assert.NotEmpty(t, stored0.Sealed, "RecordKey seals the request")
	assert.Equal(t, osb.PhaseInProgress, first.Phase)
	assert.Greater(t, first.Deadline.Sub(first.Started), time.Hour, "the stored record's deadline is its polling limit, not MaxWait")

	var polls int
	resumed := &recordStore{}
	again := osb.NewWaitOptions().SetMinDelay(time.Millisecond).SetOnPoll(func(osb.PollEvent) { polls++ })
	again.OnRecord, again.RecordKey = resumed.put, recordKey
	final, err := client.AwaitRecord(context.Background(), first, again)
	require.NoError(t, err)
	assert.Equal(t, osb.PhaseSucceeded, final.Phase)
	assert.Equal(t, osb.PhaseSucceeded, resumed.latest(t).Phase)
	assert.Positive(t, polls)
	for _, request := range server.Requests() {
		assert.NotEqual(t, http.MethodDelete, request.Method)
	}
	assert.Len(t, server.Instances(), 1)

	done, err := client.AwaitRecord(context.Background(), final, again)
	require.NoError(t, err)
	assert.Equal(t, final, done, "a record already done is returned as it is")
}

func TestAStoredRecordSentButUnansweredIsSentAgainOnResume(t *testing.T) {
	server := startBroker(t, brokertest.WithAsyncPolls(0), brokertest.WithLastOperationRetryAfter(0))
	client := server.Client()
	options := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID).
		SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
	toSend, err := client.NewProvisionRecord(options, osb.RecordConfig{Key: recordKey})
	require.NoError(t, err)

	wait := osb.NewWaitOptions().SetMinDelay(time.Millisecond)
	wait.RecordKey = recordKey
	final, err := client.AwaitRecord(context.Background(), stored(t, toSend), wait)
	require.NoError(t, err)
	assert.Equal(t, osb.PhaseSucceeded, final.Phase)
	assert.Len(t, server.Instances(), 1)

	wait.RecordKey = []byte("another key, 32 bytes long......")
	_, err = client.AwaitRecord(context.Background(), stored(t, toSend), wait)
	assert.ErrorIs(t, err, osb.ErrRecordKey)
}

func TestBindAndWaitHandsTheCredentialsOverBeforeStoringTheBoundRecord(t *testing.T) {
	server := startBroker(t, brokertest.WithAsyncPolls(1), brokertest.WithLastOperationRetryAfter(0))
	client := server.Client()
	provision := client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID).
		SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
	_, _, err := client.ProvisionAndWait(context.Background(), provision, osb.NewWaitOptions().SetMinDelay(time.Millisecond))
	require.NoError(t, err)

	store := &recordStore{}
	var handedWhileStored []osb.OperationPhase
	wait := osb.NewWaitOptions().SetMinDelay(time.Millisecond)
	wait.OnRecord, wait.RecordKey = store.put, recordKey
	wait.OnCredentials = func(_ context.Context, _ osb.OperationRecord, binding *osb.BindingPutResp) error {
		if binding == nil || binding.Credentials == nil {
			return errors.New("no credentials handed over")
		}
		handedWhileStored = append(handedWhileStored, store.latest(t).Phase)
		return nil
	}
	bind := client.NewReplaceServiceBindingOptions("binding-1", instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID)
	binding, _, err := client.BindAndWait(context.Background(), bind, wait)
	require.NoError(t, err)
	require.NotNil(t, binding.Credentials)
	require.Len(t, handedWhileStored, 1)
	assert.NotEqual(t, osb.PhaseSucceeded, handedWhileStored[0], "the credentials are handed over before the bound record is stored")
	assert.Equal(t, osb.PhaseSucceeded, store.latest(t).Phase)
	for _, encoded := range store.records {
		assert.NotContains(t, string(encoded), "password")
	}
}
