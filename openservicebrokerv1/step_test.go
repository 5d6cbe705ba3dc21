package openservicebrokerv1_test

// The poll-once core over real HTTP: a brokertest broker on loopback, a fake clock, and records
// that travel through JSON between Steps as a platform's store would keep them.

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"

	"github.com/osbkit/osb-go-sdk/internal/testkit"
)

var recordKey = []byte("0123456789abcdef0123456789abcdef")

const lastOperationPath = instancePath + "/last_operation"

// stepHarness runs records against one broker on a fake clock.
type stepHarness struct {
	t      *testing.T
	server *brokertest.Server
	client *osb.OpenServiceBrokerV1
	clock  *testkit.FakeClock
	step   *osb.StepOptions
}

func newStepHarness(t *testing.T, opts ...brokertest.Option) *stepHarness {
	t.Helper()
	server := startBroker(t, opts...)
	clock := testkit.NewFakeClock()
	return &stepHarness{t: t, server: server, client: server.Client(), clock: clock,
		step: &osb.StepOptions{Key: recordKey, Now: clock.Now}}
}

// config is the RecordConfig of the harness: sealed with recordKey, on its clock.
func (h *stepHarness) config() osb.RecordConfig {
	return osb.RecordConfig{Key: recordKey, Now: h.clock.Now}
}

func (h *stepHarness) provisionRecord(planID string) osb.OperationRecord {
	h.t.Helper()
	options := h.client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(planID).
		SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
	record, err := h.client.NewProvisionRecord(options, h.config())
	require.NoError(h.t, err)
	return record
}

func (h *stepHarness) deprovisionRecord(planID string) osb.OperationRecord {
	h.t.Helper()
	record, err := h.client.NewDeprovisionRecord(h.client.NewDeleteServiceInstanceOptions(brokertest.DefaultServiceID, planID, instanceID), h.config())
	require.NoError(h.t, err)
	return record
}

// stored is the record as a store gives it back: through JSON, as another process reads it.
func stored(t *testing.T, record osb.OperationRecord) osb.OperationRecord {
	t.Helper()
	encoded, err := json.Marshal(record)
	require.NoError(t, err)
	var back osb.OperationRecord
	require.NoError(t, json.Unmarshal(encoded, &back))
	return back
}

// next steps the stored record once, when it is due, and returns what Step returned.
func (h *stepHarness) next(record osb.OperationRecord) osb.OperationRecord {
	h.t.Helper()
	if wait := record.NextAt.Sub(h.clock.Now()); wait > 0 {
		h.clock.Advance(wait)
	}
	next, err := h.client.Step(context.Background(), stored(h.t, record), h.step)
	require.NoError(h.t, err)
	return next
}

// run steps the record until it is done, at most limit times.
func (h *stepHarness) run(record osb.OperationRecord, limit int) osb.OperationRecord {
	h.t.Helper()
	for range limit {
		if record.Done() {
			return record
		}
		record = h.next(record)
	}
	require.True(h.t, record.Done(), "record still in phase %s after %d steps", record.Phase, limit)
	return record
}

func (h *stepHarness) inject(fault brokertest.Fault) {
	h.t.Helper()
	require.NoError(h.t, h.server.InjectFault(fault))
}

func (h *stepHarness) instances() []brokertest.Instance {
	return h.server.Instances()
}

func TestStepProvisionsOneExchangeAtATime(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	record := h.provisionRecord(brokertest.DefaultAsyncPlanID)
	require.Equal(t, osb.PhaseToSend, record.Phase, "a record is created before anything is sent")
	assert.Empty(t, h.server.Requests())

	record = h.next(record)
	assert.Equal(t, osb.PhaseInProgress, record.Phase)
	assert.NotEmpty(t, record.Operation, "the broker's operation token is kept")
	assert.Len(t, h.server.Requests(), 1, "one exchange per Step")
	put := h.server.Requests()[0]
	assert.Equal(t, "true", put.Query().Get("accepts_incomplete"))

	record = h.next(record)
	assert.Equal(t, osb.PhaseInProgress, record.Phase)
	assert.Equal(t, 1, record.Attempts)
	record = h.next(record)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	assert.True(t, record.Done())
	polls := requestsTo(h.server, http.MethodGet, lastOperationPath)
	require.Len(t, polls, 2)
	for _, poll := range polls {
		assert.Equal(t, record.Operation, poll.Query().Get("operation"))
		assert.Equal(t, brokertest.DefaultServiceID, poll.Query().Get("service_id"), "Polling Last Operation: the Platform SHOULD include service_id and plan_id")
		assert.Equal(t, brokertest.DefaultAsyncPlanID, poll.Query().Get("plan_id"))
	}
	require.Len(t, h.instances(), 1)
	assert.True(t, h.instances()[0].Ready)

	again, err := h.client.Step(context.Background(), record, h.step)
	require.NoError(t, err)
	assert.Equal(t, record, again, "a done record is left as it is")
	assert.Len(t, h.server.Requests(), 3)
}

func TestStepSynchronousProvisionAndDeprovision(t *testing.T) {
	h := newStepHarness(t)
	record := h.next(h.provisionRecord(brokertest.DefaultSyncPlanID))
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	require.Len(t, h.instances(), 1)

	record = h.next(h.deprovisionRecord(brokertest.DefaultSyncPlanID))
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	assert.Empty(t, h.instances())

	record = h.next(h.deprovisionRecord(brokertest.DefaultSyncPlanID))
	assert.Equal(t, osb.PhaseSucceeded, record.Phase, "Deprovisioning, Response: 410 Gone, the instance does not exist")
	assert.Equal(t, http.StatusGone, h.server.Requests()[len(h.server.Requests())-1].Status)
}

func TestStepDeprovisionsAsynchronously(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	record := h.run(h.deprovisionRecord(brokertest.DefaultAsyncPlanID), 5)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	assert.Empty(t, h.instances())
}

func TestOperationRecordIsSmallAndSealsTheRequest(t *testing.T) {
	h := newStepHarness(t)
	options := h.client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID).
		SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID).SetOriginatingIdentity("cloudfoundry eyJ1c2VyX2lkIjoiYWJjIn0=")
	record, err := h.client.NewProvisionRecord(options, h.config())
	require.NoError(t, err)
	encoded, err := json.Marshal(record)
	require.NoError(t, err)
	t.Logf("the record of a provision without parameters: %d bytes", len(encoded))
	assert.Less(t, len(encoded), 1024, "a provision without parameters fits in 1 KB: %s", encoded)
	assert.NotContains(t, string(encoded), testkit.OrganizationGUID, "the body is sealed")
	assert.NotContains(t, string(encoded), "eyJ1c2VyX2lkIjoiYWJjIn0", "the originating identity is sealed")

	withParameters := *options
	withParameters.SetParameters(map[string]any{"password": "s3cret-value"})
	record, err = h.client.NewProvisionRecord(&withParameters, h.config())
	require.NoError(t, err)
	encoded, err = json.Marshal(record)
	require.NoError(t, err)
	assert.NotContains(t, string(encoded), "s3cret-value", "parameters are never kept in clear text")

	_, err = h.client.Step(context.Background(), record, &osb.StepOptions{Key: []byte("another key of 32 bytes length!!")})
	assert.ErrorIs(t, err, osb.ErrRecordKey)
	assert.Empty(t, h.server.Requests(), "nothing is sent when the record cannot be opened")
}

func TestRecordConfigMustChooseAKeyOrNoReplay(t *testing.T) {
	h := newStepHarness(t)
	options := h.client.NewDeleteServiceInstanceOptions(brokertest.DefaultServiceID, brokertest.DefaultSyncPlanID, instanceID)
	var parameterErr *osb.ParameterError
	_, err := h.client.NewDeprovisionRecord(options, osb.RecordConfig{})
	require.ErrorAs(t, err, &parameterErr)
	assert.Contains(t, err.Error(), "NoReplay")
	_, err = h.client.NewDeprovisionRecord(options, osb.RecordConfig{Key: []byte("short")})
	require.ErrorAs(t, err, &parameterErr)
	_, err = h.client.NewDeprovisionRecord(options, osb.RecordConfig{Key: recordKey, NoReplay: true})
	require.ErrorAs(t, err, &parameterErr)
	_, err = h.client.NewDeprovisionRecord(options.SetPlanID(""), osb.RecordConfig{NoReplay: true})
	require.ErrorAs(t, err, &parameterErr, "the request is checked before the record is made")
}

// TestStepReplaysAfterAnUnknownOutcome: the broker created the instance but the answer was
// lost. The record is sent again, unchanged, and the replay finds the instance (Provisioning,
// Response: 202 while it is being provisioned): one instance, never two, never none.
func TestStepReplaysAfterAnUnknownOutcome(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Drop: brokertest.DropAfterBroker})
	record := h.next(h.provisionRecord(brokertest.DefaultAsyncPlanID))
	assert.Equal(t, osb.PhaseToSend, record.Phase)
	assert.True(t, record.OutcomeUnknown)
	require.NotNil(t, record.LastError)
	assert.Zero(t, record.LastError.Status, "no answer")
	assert.Len(t, requestsTo(h.server, http.MethodPut, instancePath), 1, "the transport's retries are off inside Step")

	record = h.run(record, 6)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	puts := requestsTo(h.server, http.MethodPut, instancePath)
	require.Len(t, puts, 2)
	assert.JSONEq(t, string(puts[0].Body), string(puts[1].Body), "the replay is the very same request")
	assert.Len(t, h.instances(), 1)
}

// TestStepTwiceIsSafe: the same stored record stepped by two replicas, or again after a crash
// lost what the first Step returned.
func TestStepTwiceIsSafe(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	record := h.provisionRecord(brokertest.DefaultAsyncPlanID)
	first := h.next(record)
	second := h.next(record)
	assert.Equal(t, osb.PhaseInProgress, first.Phase)
	assert.Equal(t, osb.PhaseInProgress, second.Phase, "the replay finds the provision in progress")
	assert.Equal(t, first.Operation, second.Operation)
	for _, r := range []osb.OperationRecord{first, second} {
		assert.Equal(t, osb.PhaseSucceeded, h.run(r, 5).Phase)
	}
	assert.Len(t, h.instances(), 1)
}

// TestStepOnTwoReplicasAtOnce: two replicas step the same stored record concurrently, again and
// again; the broker ends with one instance, and both records succeed.
func TestStepOnTwoReplicasAtOnce(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(2))
	record := stored(t, h.provisionRecord(brokertest.DefaultAsyncPlanID))
	results := make([]osb.OperationRecord, 2)
	var group sync.WaitGroup
	for replica := range results {
		group.Go(func() {
			r := record
			for i := 0; i < 10 && !r.Done(); i++ {
				next, err := h.client.Step(context.Background(), stored(t, r), h.step)
				if !assert.NoError(t, err) {
					return
				}
				r = next
			}
			results[replica] = r
		})
	}
	group.Wait()
	for _, r := range results {
		assert.Equal(t, osb.PhaseSucceeded, r.Phase)
	}
	assert.Len(t, h.instances(), 1)
}

// TestStepWithoutReplayMitigatesAnUnknownOutcome: without a key the request is not kept, so
// an unknown outcome is settled by deleting what may have been created (Orphan Mitigation).
func TestStepWithoutReplayMitigatesAnUnknownOutcome(t *testing.T) {
	h := newStepHarness(t)
	options := h.client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultSyncPlanID).
		SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID).SetHeaders(map[string]string{"X-Tenant": "t-1"})
	record, err := h.client.NewProvisionRecord(options, osb.RecordConfig{NoReplay: true, Now: h.clock.Now})
	require.NoError(t, err)
	assert.Empty(t, record.Sealed)
	h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Status: http.StatusInternalServerError, Body: `{"description":"boom"}`})

	record, err = h.client.Step(context.Background(), record, &osb.StepOptions{Now: h.clock.Now})
	require.NoError(t, err)
	assert.Equal(t, osb.PhaseNeedsMitigation, record.Phase, "Orphan Mitigation: Provisioning, 5xx")
	require.NotNil(t, record.Failure)
	assert.Equal(t, http.StatusInternalServerError, record.Failure.Status)
	assert.Equal(t, "boom", record.Failure.Description)
	require.NotNil(t, record.MitigationDeadline)

	h.step = &osb.StepOptions{Now: h.clock.Now}
	record = h.run(record, 3)
	assert.Equal(t, osb.PhaseRemoved, record.Phase)
	deletions := requestsTo(h.server, http.MethodDelete, instancePath)
	require.Len(t, deletions, 1)
	assert.Equal(t, "true", deletions[0].Query().Get("accepts_incomplete"))
	assert.Equal(t, brokertest.DefaultSyncPlanID, deletions[0].Query().Get("plan_id"))

	// A NoReplay record read back from a store before its first send cannot send it.
	record, err = h.client.NewProvisionRecord(options, osb.RecordConfig{NoReplay: true, Now: h.clock.Now})
	require.NoError(t, err)
	assert.Equal(t, osb.PhaseNeedsMitigation, h.next(record).Phase)
}

// TestStepMitigatesAFailedAsynchronousProvision follows the table of Orphan Mitigation ("200
// with state failed" for Provisioning) by default, and the policy that keeps it for the user.
func TestStepMitigatesAFailedAsynchronousProvision(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(0), brokertest.WithFailingOperations(brokertest.OperationProvision))
	record := h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 6)
	assert.Equal(t, osb.PhaseRemoved, record.Phase)
	require.NotNil(t, record.Failure, "why it was removed is kept")
	assert.NotEmpty(t, record.Failure.Description)
	assert.Empty(t, h.instances())

	kept := newStepHarness(t, brokertest.WithAsyncPolls(0), brokertest.WithFailingOperations(brokertest.OperationProvision))
	kept.step.Policy.KeepFailedCreates = true
	record = kept.run(kept.provisionRecord(brokertest.DefaultAsyncPlanID), 4)
	assert.Equal(t, osb.PhaseFailed, record.Phase)
	assert.True(t, record.Leftover)
	assert.Len(t, kept.instances(), 1, "the failed instance is left for the user to inspect")
	assert.Empty(t, requestsTo(kept.server, http.MethodDelete, instancePath))
}

// TestStepDeadline: "If either the Platform or Service Plan's maximum polling duration is
// reached, the Platform SHOULD cease polling and the operation state MUST be considered failed"
// (Polling Interval and Duration).
func TestStepDeadline(t *testing.T) {
	for _, keep := range []bool{false, true} {
		h := newStepHarness(t, brokertest.WithAsyncPolls(1000))
		h.step.Policy.KeepTimedOutCreates = keep
		config := h.config()
		config.MaxPollingDuration = time.Hour
		config.PlanMaximumPollingDuration = new(int64)
		*config.PlanMaximumPollingDuration = 600
		options := h.client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID).
			SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID)
		record, err := h.client.NewProvisionRecord(options, config)
		require.NoError(t, err)
		assert.Equal(t, 10*time.Minute, record.Deadline.Sub(record.Started), "the smaller of the platform's and the plan's maximum")

		for record.Phase == osb.PhaseToSend || record.Phase == osb.PhaseInProgress {
			record = h.next(record)
			require.False(t, record.NextAt.After(record.Deadline), "no action is scheduled past the deadline")
		}
		require.NotNil(t, record.Failure)
		assert.Contains(t, record.Failure.Description, "maximum polling duration")
		if keep {
			assert.Equal(t, osb.PhaseTimedOut, record.Phase)
			assert.True(t, record.Leftover)
			continue
		}
		assert.Equal(t, osb.PhaseNeedsMitigation, record.Phase, "a timed-out create is mitigated by default")
	}
}

// TestStepHonoursRetryAfter: "The response MAY also include the Retry-After HTTP header"
// (Polling Last Operation for Service Instances, Response), in seconds or as a date.
func TestStepHonoursRetryAfter(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(5), brokertest.WithLastOperationRetryAfter(7))
	record := h.next(h.provisionRecord(brokertest.DefaultAsyncPlanID))
	record = h.next(record)
	assert.Equal(t, 7*time.Second, record.NextAt.Sub(h.clock.Now()), "seconds")

	at := record.NextAt.Add(42 * time.Second)
	h.inject(brokertest.Fault{Method: http.MethodGet, PathPattern: lastOperationPath, Count: 1, Status: http.StatusServiceUnavailable,
		Header: http.Header{"Retry-After": {at.UTC().Format(http.TimeFormat)}}})
	record = h.next(record)
	assert.Equal(t, at, record.NextAt, "an HTTP date")
}

// TestStepCountsRetryAfterFromTheAnswer: a slow exchange does not shorten the wait the broker
// asks for; each reading of the clock here is five seconds after the one before.
func TestStepCountsRetryAfterFromTheAnswer(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(5), brokertest.WithLastOperationRetryAfter(7))
	record := h.next(h.provisionRecord(brokertest.DefaultAsyncPlanID))
	var readings []time.Time
	h.step.Now = func() time.Time {
		readings = append(readings, h.clock.Now())
		h.clock.Advance(5 * time.Second)
		return readings[len(readings)-1]
	}
	record = h.next(record)
	require.Greater(t, len(readings), 1, "the clock is read again once the broker has answered")
	assert.Equal(t, readings[len(readings)-1].Add(7*time.Second), record.NextAt)
}

// TestStepBacksOffWithJitterWithinBounds: without Retry-After, the wait grows from MinDelay
// to MaxDelay, spread by jitter, never below MinDelay.
func TestStepBacksOffWithJitterWithinBounds(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	h.step.MinDelay, h.step.MaxDelay = 2*time.Second, 16*time.Second
	record := h.next(h.provisionRecord(brokertest.DefaultAsyncPlanID))
	h.inject(brokertest.Fault{Method: http.MethodGet, PathPattern: lastOperationPath, Status: http.StatusBadGateway})
	for attempt := 1; attempt <= 6; attempt++ {
		record = h.next(record)
		require.Equal(t, osb.PhaseInProgress, record.Phase, "a 5xx to a poll is polled through")
		step := min(2*time.Second<<(attempt-1), 16*time.Second)
		wait := record.NextAt.Sub(h.clock.Now())
		assert.GreaterOrEqual(t, wait, max(step/2, 2*time.Second), "attempt %d", attempt)
		assert.LessOrEqual(t, wait, step, "attempt %d", attempt)
	}
	require.NotNil(t, record.LastError)
	assert.Equal(t, http.StatusBadGateway, record.LastError.Status)
}

// TestStepPollAnswers: what 410 and 404 to a poll mean for a create and for a delete
// (Polling Last Operation for Service Instances, Response).
func TestStepPollAnswers(t *testing.T) {
	tests := []struct {
		name      string
		create    bool
		status    int
		wantPhase osb.OperationPhase
	}{
		{"410 during a create is polled through", true, http.StatusGone, osb.PhaseInProgress},
		{"404 during a create: the instance is unknown, it is mitigated", true, http.StatusNotFound, osb.PhaseNeedsMitigation},
		{"malformed body during a create is polled through", true, http.StatusOK, osb.PhaseInProgress},
		{"410 during a delete is success", false, http.StatusGone, osb.PhaseSucceeded},
		{"404 during a delete: the instance is gone, success", false, http.StatusNotFound, osb.PhaseSucceeded},
		{"400 during a delete is polled through", false, http.StatusBadRequest, osb.PhaseInProgress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newStepHarness(t, brokertest.WithAsyncPolls(3))
			record := h.next(h.provisionRecord(brokertest.DefaultAsyncPlanID))
			if !tt.create {
				h.server.ClearFaults()
				h.run(record, 8)
				record = h.next(h.deprovisionRecord(brokertest.DefaultAsyncPlanID))
			}
			require.Equal(t, osb.PhaseInProgress, record.Phase)
			body := `{"description":"x"}`
			if tt.status == http.StatusOK {
				body = `{"state":`
			}
			h.inject(brokertest.Fault{Method: http.MethodGet, PathPattern: lastOperationPath, Count: 1, Status: tt.status, Body: body})
			record = h.next(record)
			assert.Equal(t, tt.wantPhase, record.Phase)
		})
	}
}

// TestStepReplayMeetingARefusalKeepsTheUnknownOutcome: the first provision got a 500, the
// replay a 409 Conflict. The refusal of the replay says nothing of what the first request did,
// so the instance is mitigated, not forgotten.
func TestStepReplayMeetingARefusalKeepsTheUnknownOutcome(t *testing.T) {
	for _, refusal := range []int{http.StatusConflict, http.StatusUnprocessableEntity} {
		h := newStepHarness(t)
		h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Status: http.StatusInternalServerError})
		h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Status: refusal, Body: `{"error":"Other"}`})
		record := h.next(h.next(h.provisionRecord(brokertest.DefaultSyncPlanID)))
		assert.Equal(t, osb.PhaseNeedsMitigation, record.Phase, "status %d", refusal)
		assert.True(t, record.OutcomeUnknown)
		assert.Equal(t, refusal, record.Failure.Status)

		fresh := newStepHarness(t)
		fresh.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Status: refusal, Body: `{"error":"Other"}`})
		record = fresh.next(fresh.provisionRecord(brokertest.DefaultSyncPlanID))
		assert.Equal(t, osb.PhaseFailed, record.Phase, "a refusal of a first request is a plain failure")
		assert.False(t, record.Leftover)
	}
}

// TestStepWaitsOutAConcurrencyError: 422 ConcurrencyError says the broker did not act; the
// request is sent again later and never mitigated ("Blocking Operations").
func TestStepWaitsOutAConcurrencyError(t *testing.T) {
	h := newStepHarness(t)
	h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 2, Status: http.StatusUnprocessableEntity, Body: `{"error":"ConcurrencyError"}`})
	record := h.next(h.provisionRecord(brokertest.DefaultSyncPlanID))
	assert.Equal(t, osb.PhaseToSend, record.Phase)
	assert.False(t, record.OutcomeUnknown)
	assert.Equal(t, "ConcurrencyError", record.LastError.ErrorCode)
	record = h.run(record, 3)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	assert.Empty(t, requestsTo(h.server, http.MethodDelete, instancePath))
}

// TestStepMitigationKeepsTryingUntilItsDeadline: "SHOULD keep trying to delete them until the
// Service Broker responds with a success" (Orphan Mitigation), within the mitigation's own deadline.
func TestStepMitigationKeepsTryingUntilItsDeadline(t *testing.T) {
	h := newStepHarness(t)
	h.step.Policy.MaxDuration = 10 * time.Minute
	h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Status: http.StatusInternalServerError})
	record, err := h.client.NewProvisionRecord(h.client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultSyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID),
		osb.RecordConfig{NoReplay: true, Now: h.clock.Now})
	require.NoError(t, err)
	h.step.Key = nil
	record, err = h.client.Step(context.Background(), record, h.step)
	require.NoError(t, err)
	require.Equal(t, osb.PhaseNeedsMitigation, record.Phase)
	h.inject(brokertest.Fault{Method: http.MethodDelete, PathPattern: instancePath, Status: http.StatusServiceUnavailable})
	for record.Phase == osb.PhaseNeedsMitigation {
		record = h.next(record)
	}
	assert.Equal(t, osb.PhaseFailed, record.Phase)
	assert.True(t, record.Leftover, "the broker may still hold the instance")
	assert.Greater(t, len(requestsTo(h.server, http.MethodDelete, instancePath)), 5)
	assert.Equal(t, http.StatusServiceUnavailable, record.LastError.Status)
}

// handOver collects what Step hands to OnCredentials.
type handOver struct {
	got  []*osb.BindingPutResp
	fail int // how many hand-overs fail before one succeeds
}

func (c *handOver) receive(_ context.Context, record osb.OperationRecord, binding *osb.BindingPutResp) error {
	if record.Kind != osb.OperationBind {
		return errors.New("not a bind")
	}
	if c.fail > 0 {
		c.fail--
		return errors.New("the secret store is down")
	}
	c.got = append(c.got, binding)
	return nil
}

func (h *stepHarness) bindRecord(planID string, config osb.RecordConfig) osb.OperationRecord {
	h.t.Helper()
	options := h.client.NewReplaceServiceBindingOptions(bindingID, instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(planID)
	record, err := h.client.NewBindRecord(options, config)
	require.NoError(h.t, err)
	return record
}

// withCredentials makes the harness hand bind answers over to a new handOver.
func (h *stepHarness) withCredentials() *handOver {
	credentials := &handOver{}
	h.step.OnCredentials = credentials.receive
	return credentials
}

func TestStepBindsAndHandsTheCredentialsOver(t *testing.T) {
	h := newStepHarness(t)
	credentials := h.withCredentials()
	h.run(h.provisionRecord(brokertest.DefaultSyncPlanID), 2)
	record := h.next(h.bindRecord(brokertest.DefaultSyncPlanID, h.config()))
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	require.Len(t, credentials.got, 1)
	assert.NotEmpty(t, credentials.got[0].Credentials)
	encoded, err := json.Marshal(record)
	require.NoError(t, err)
	for _, value := range credentials.got[0].Credentials {
		if text, ok := value.(string); ok && len(text) > 4 {
			assert.NotContains(t, string(encoded), text, "credentials are never kept in the record")
		}
	}

	_, err = h.client.Step(context.Background(), h.bindRecord(brokertest.DefaultSyncPlanID, h.config()), &osb.StepOptions{Key: recordKey})
	var parameterErr *osb.ParameterError
	assert.ErrorAs(t, err, &parameterErr, "a bind record needs OnCredentials")
}

func TestStepBindsAsynchronouslyThenFetchesTheCredentials(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1), brokertest.WithAsyncBindings(true))
	credentials := h.withCredentials()
	h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	record := h.next(h.bindRecord(brokertest.DefaultAsyncPlanID, h.config()))
	assert.Equal(t, osb.PhaseInProgress, record.Phase)
	for !record.CredentialsPending {
		record = h.next(record)
	}
	assert.Equal(t, osb.PhaseInProgress, record.Phase, "the record advances past the bind only once the credentials are handed over")
	assert.Empty(t, credentials.got)
	record = h.next(record)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	require.Len(t, credentials.got, 1)
	assert.NotEmpty(t, credentials.got[0].Credentials)
	assert.Len(t, requestsTo(h.server, http.MethodGet, bindingPath), 1, "Fetching a Service Binding")
}

// TestStepHandsCredentialsOverAgainAfterAFailedHandOver: OnCredentials failed, so the binding
// is fetched again at the next Step.
func TestStepHandsCredentialsOverAgainAfterAFailedHandOver(t *testing.T) {
	h := newStepHarness(t)
	credentials := h.withCredentials()
	credentials.fail = 1
	h.run(h.provisionRecord(brokertest.DefaultSyncPlanID), 2)
	record, err := h.client.Step(context.Background(), h.bindRecord(brokertest.DefaultSyncPlanID, h.config()), h.step)
	require.ErrorContains(t, err, "the secret store is down")
	assert.True(t, record.CredentialsPending)
	assert.Equal(t, osb.PhaseInProgress, record.Phase)
	assert.NotContains(t, record.LastError.Description, "secret store", "the callback's text is not stored")
	record = h.next(record)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	require.Len(t, credentials.got, 1)
	assert.NotEmpty(t, credentials.got[0].Credentials)
}

// TestStepRecoversCredentialsLostInACrash: the process stopped between the bind answer and the
// hand-over, so the stored record is still to_send. Its replay is answered 200 (the binding
// exists); when that answer carries no credentials they are fetched, and when the binding cannot
// be fetched it is removed and bound again.
func TestStepRecoversCredentialsLostInACrash(t *testing.T) {
	for _, retrievable := range []bool{true, false} {
		h := newStepHarness(t, brokertest.WithMisbehaviour(brokertest.MisbehaveNoCredentialsOnSyncBind))
		credentials := h.withCredentials()
		h.run(h.provisionRecord(brokertest.DefaultSyncPlanID), 2)
		stored := h.bindRecord(brokertest.DefaultSyncPlanID, h.config())
		_ = h.next(stored) // the answer is lost with the process
		credentials.got = nil
		if !retrievable {
			h.inject(brokertest.Fault{Method: http.MethodGet, PathPattern: bindingPath, Count: 1, Status: http.StatusBadRequest,
				Body: `{"description":"bindings_retrievable is false"}`})
		}
		record := h.next(stored)
		assert.True(t, record.CredentialsPending, "a 200 without credentials: they are fetched")
		record = h.run(record, 6)
		assert.Equal(t, osb.PhaseSucceeded, record.Phase)
		require.NotEmpty(t, credentials.got)
		if retrievable {
			assert.NotEmpty(t, credentials.got[0].Credentials)
			assert.False(t, record.Rebound)
			continue
		}
		assert.True(t, record.Rebound, "the record says that the binding was created again")
		assert.Len(t, requestsTo(h.server, http.MethodDelete, bindingPath), 1)
		assert.Len(t, h.server.Bindings(), 1)
	}
}

func TestStepUnbinds(t *testing.T) {
	h := newStepHarness(t)
	h.withCredentials()
	h.run(h.provisionRecord(brokertest.DefaultSyncPlanID), 2)
	h.run(h.bindRecord(brokertest.DefaultSyncPlanID, h.config()), 2)
	unbind := func() osb.OperationRecord {
		record, err := h.client.NewUnbindRecord(h.client.NewDeleteServiceBindingOptions(bindingID, instanceID, brokertest.DefaultServiceID, brokertest.DefaultSyncPlanID),
			osb.RecordConfig{NoReplay: true, Now: h.clock.Now})
		require.NoError(t, err)
		return record
	}
	h.step.Key = nil
	assert.Equal(t, osb.PhaseSucceeded, h.next(unbind()).Phase)
	assert.Empty(t, h.server.Bindings())
	assert.Equal(t, osb.PhaseSucceeded, h.next(unbind()).Phase, "Unbinding, Response: 410 Gone")

	h.inject(brokertest.Fault{Method: http.MethodDelete, PathPattern: bindingPath, Count: 1, Drop: brokertest.DropBeforeBroker})
	record := h.next(unbind())
	assert.Equal(t, osb.PhaseToSend, record.Phase, "a deletion needs no kept request to be sent again")
	assert.Equal(t, osb.PhaseSucceeded, h.next(record).Phase)
}

func TestStepUpdates(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	options := h.client.NewUpdateServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultSyncPlanID).SetPreviousValues(&osb.PreviousValues{PlanID: core.StringPtr(brokertest.DefaultAsyncPlanID)})
	record, err := h.client.NewUpdateRecord(options, h.config())
	require.NoError(t, err)
	record = h.run(record, 5)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	for _, poll := range requestsTo(h.server, http.MethodGet, lastOperationPath)[2:] {
		assert.Equal(t, brokertest.DefaultAsyncPlanID, poll.Query().Get("plan_id"), "polls of an update send the plan before it")
	}
	assert.Equal(t, brokertest.DefaultSyncPlanID, h.instances()[0].PlanID)
}

func TestStepReportsAFailedUpdate(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(0), brokertest.WithFailingOperations(brokertest.OperationUpdate))
	h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	record, err := h.client.NewUpdateRecord(h.client.NewUpdateServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).
		SetParameters(map[string]any{"size_gb": 2}), h.config())
	require.NoError(t, err)
	record = h.run(record, 4)
	assert.Equal(t, osb.PhaseFailed, record.Phase)
	require.NotNil(t, record.Failure)
	assert.False(t, record.Leftover)
	assert.Empty(t, requestsTo(h.server, http.MethodDelete, instancePath), "a failed update is never mitigated")
}

// TestStepDeletesAgainAfterAFailedDeprovision: the table of "Orphan Mitigation" asks to mitigate
// a deprovisioning whose last operation ended "failed", and the Platform "SHOULD keep trying to
// delete them until the Service Broker responds with a success": the deletion is sent again,
// backing off over the failed deletions, unless the policy keeps failed deletions.
func TestStepDeletesAgainAfterAFailedDeprovision(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(1))
	h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	record := h.next(h.deprovisionRecord(brokertest.DefaultAsyncPlanID))
	require.Equal(t, osb.PhaseInProgress, record.Phase)
	h.inject(brokertest.Fault{Method: http.MethodGet, PathPattern: lastOperationPath, Count: 1, Status: http.StatusOK,
		Body: `{"state":"failed","description":"disk busy","instance_usable":true}`})
	record = h.next(record)
	assert.Equal(t, osb.PhaseToSend, record.Phase, "the failed deletion is sent again")
	assert.Equal(t, 1, record.Retries)
	assert.Nil(t, record.Failure, "the deletion has not failed for good")
	require.NotNil(t, record.LastError)
	assert.Equal(t, "disk busy", record.LastError.Description)
	assert.GreaterOrEqual(t, record.NextAt.Sub(h.clock.Now()), osb.DefaultPollMinDelay)

	record = h.run(record, 6)
	assert.Equal(t, osb.PhaseSucceeded, record.Phase)
	assert.Empty(t, h.instances())
	assert.Len(t, requestsTo(h.server, http.MethodDelete, instancePath), 2)

	refused := newStepHarness(t)
	refused.run(refused.provisionRecord(brokertest.DefaultSyncPlanID), 2)
	refused.inject(brokertest.Fault{Method: http.MethodDelete, PathPattern: instancePath, Count: 1, Status: http.StatusBadRequest, Body: `{"description":"no"}`})
	record = refused.next(refused.deprovisionRecord(brokertest.DefaultSyncPlanID))
	assert.Equal(t, osb.PhaseFailed, record.Phase, "a refused deletion (4xx) is not sent again: the table's \"All other 4xx\" row")
	assert.True(t, record.Leftover, "the instance remains")

	kept := newStepHarness(t, brokertest.WithAsyncPolls(0), brokertest.WithFailingOperations(brokertest.OperationDeprovision))
	kept.step.Policy.KeepFailedDeletes = true
	kept.run(kept.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	record = kept.run(kept.deprovisionRecord(brokertest.DefaultAsyncPlanID), 3)
	assert.Equal(t, osb.PhaseFailed, record.Phase)
	assert.True(t, record.Leftover)
	require.NotNil(t, record.Failure)
	assert.Len(t, requestsTo(kept.server, http.MethodDelete, instancePath), 1, "a kept failed deletion is not sent again")
}

// TestStepKeepsDeletingUntilTheDeadline: a deprovision that always fails is sent again with a
// growing backoff until the record's deadline, then ends timed out with Leftover set.
func TestStepKeepsDeletingUntilTheDeadline(t *testing.T) {
	h := newStepHarness(t, brokertest.WithAsyncPolls(0), brokertest.WithFailingOperations(brokertest.OperationDeprovision))
	h.run(h.provisionRecord(brokertest.DefaultAsyncPlanID), 5)
	config := h.config()
	config.MaxPollingDuration = 10 * time.Minute
	record, err := h.client.NewDeprovisionRecord(h.client.NewDeleteServiceInstanceOptions(brokertest.DefaultServiceID, brokertest.DefaultAsyncPlanID, instanceID), config)
	require.NoError(t, err)
	var waits []time.Duration
	for !record.Done() {
		before := record.Retries
		record = h.next(record)
		if record.Retries > before {
			waits = append(waits, record.NextAt.Sub(h.clock.Now()))
		}
	}
	assert.Equal(t, osb.PhaseTimedOut, record.Phase)
	assert.True(t, record.Leftover, "the instance may remain")
	require.Greater(t, len(waits), 3)
	assert.Greater(t, waits[3], waits[0], "the backoff grows with the failed deletions")
	assert.Len(t, requestsTo(h.server, http.MethodDelete, instancePath), record.Retries, "one deletion per failure; the last failure met the deadline")
	assert.Len(t, h.instances(), 1)
}

// TestStepNamesABadRecord: a record with bad data is refused with an error that names it, and
// nothing is sent; Validate gives the same verdict without a client.
func TestStepNamesABadRecord(t *testing.T) {
	h := newStepHarness(t)
	good := h.provisionRecord(brokertest.DefaultSyncPlanID)
	tests := map[string]func(*osb.OperationRecord){
		"version":             func(r *osb.OperationRecord) { r.Version = 2 },
		"unknown kind":        func(r *osb.OperationRecord) { r.Kind = "restore" },
		"instance_id":         func(r *osb.OperationRecord) { r.InstanceID = "" },
		"binding_id":          func(r *osb.OperationRecord) { r.BindingID = "b" },
		"unknown phase":       func(r *osb.OperationRecord) { r.Phase = "paused" },
		"deadline":            func(r *osb.OperationRecord) { r.Deadline = time.Time{} },
		"no sealed request":   func(r *osb.OperationRecord) { r.Sealed = nil },
		"mitigation_deadline": func(r *osb.OperationRecord) { r.Phase = osb.PhaseMitigating },
	}
	for name, spoil := range tests {
		t.Run(name, func(t *testing.T) {
			record := good
			spoil(&record)
			record = stored(t, record)
			var next osb.OperationRecord
			var err error
			require.NotPanics(t, func() { next, err = h.client.Step(context.Background(), record, h.step) })
			var parameterErr *osb.ParameterError
			require.ErrorAs(t, err, &parameterErr)
			assert.Contains(t, err.Error(), "record")
			if record.InstanceID != "" {
				assert.Contains(t, err.Error(), instanceID, "the error names the record")
			}
			assert.Equal(t, record, next)
			assert.Equal(t, err.Error(), strings.Replace(record.Validate().Error(), "Validate", "Step", 1))
		})
	}
	require.NoError(t, good.Validate())
	assert.Empty(t, h.server.Requests())
}

// TestStepMitigatesACreateWhoseAnswerWasLostNearTheDeadline: the broker was busy (429), the
// next send created the instance but the process crashed before storing the answer, and the
// deadline passed before the stored record was stepped again. The stored record says only that
// the broker was busy; the instance may exist, so it is mitigated rather than forgotten.
func TestStepMitigatesACreateWhoseAnswerWasLostNearTheDeadline(t *testing.T) {
	h := newStepHarness(t)
	config := h.config()
	config.MaxPollingDuration = time.Minute
	record, err := h.client.NewProvisionRecord(h.client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultSyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID), config)
	require.NoError(t, err)
	h.inject(brokertest.Fault{Method: http.MethodPut, PathPattern: instancePath, Count: 1, Status: http.StatusTooManyRequests})
	record = h.next(record)
	require.Equal(t, osb.PhaseToSend, record.Phase)

	lost := h.next(record) // the instance is created; the answer never reaches the store
	require.Equal(t, osb.PhaseSucceeded, lost.Phase)
	require.Len(t, h.instances(), 1)

	h.clock.Advance(time.Minute)
	record = h.next(record)
	assert.Equal(t, osb.PhaseNeedsMitigation, record.Phase, "the create may have happened")
	record = h.run(record, 3)
	assert.Equal(t, osb.PhaseRemoved, record.Phase)
	assert.Empty(t, h.instances())
}

// FuzzStepStoredRecord: a record read from a store is untrusted input. Whatever it holds, Step
// returns an error or a record, never panics, and refuses a record with bad data by name.
func FuzzStepStoredRecord(f *testing.F) {
	server := brokertest.NewServer(brokertest.WithAsyncPolls(1))
	f.Cleanup(server.Close)
	client := server.Client()
	config := osb.RecordConfig{Key: recordKey}
	provision, err := client.NewProvisionRecord(client.NewReplaceServiceInstanceOptions(instanceID).SetServiceID(brokertest.DefaultServiceID).
		SetPlanID(brokertest.DefaultAsyncPlanID).SetOrganizationGUID(testkit.OrganizationGUID).SetSpaceGUID(testkit.SpaceGUID), config)
	require.NoError(f, err)
	bind, err := client.NewBindRecord(client.NewReplaceServiceBindingOptions(bindingID, instanceID).SetServiceID(brokertest.DefaultServiceID).SetPlanID(brokertest.DefaultAsyncPlanID), config)
	require.NoError(f, err)
	for _, record := range []osb.OperationRecord{provision, bind} {
		encoded, err := json.Marshal(record)
		require.NoError(f, err)
		f.Add(encoded)
		for _, phase := range []osb.OperationPhase{osb.PhaseInProgress, osb.PhaseNeedsMitigation, osb.PhaseMitigating, "?"} {
			spoiled := record
			spoiled.Phase, spoiled.CredentialsPending, spoiled.InFlight, spoiled.Rebinding = phase, true, true, true
			encoded, err := json.Marshal(spoiled)
			require.NoError(f, err)
			f.Add(encoded)
		}
	}
	f.Add([]byte(`{"v":1,"kind":"unbind","instance_id":"i","service_id":"s","phase":"mitigating","no_replay":true,"deadline":"2030-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"v":1,"kind":"provision","instance_id":"i","service_id":"s","phase":"to_send","sealed":"AAAA","deadline":"2030-01-01T00:00:00Z","attempts":-7}`))
	step := &osb.StepOptions{Key: recordKey, OnCredentials: func(context.Context, osb.OperationRecord, *osb.BindingPutResp) error { return nil }}
	f.Fuzz(func(t *testing.T, data []byte) {
		var record osb.OperationRecord
		if json.Unmarshal(data, &record) != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		next, err := client.Step(ctx, record, step)
		var parameterErr *osb.ParameterError
		if errors.As(err, &parameterErr) && strings.HasPrefix(parameterErr.Parameter, "record") {
			assert.Equal(t, record, next, "a refused record is returned unchanged")
		}
	})
}
