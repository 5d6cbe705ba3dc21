package engine

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// done collects the operations OnDone reports.
type done chan Operation

// operationGuard ends a test whose operation never ends; an operation takes about a second, so
// only a hang reaches it, not a slow machine.
const operationGuard = 2 * time.Minute

func (d done) wait(t *testing.T) Operation {
	t.Helper()
	select {
	case op := <-d:
		return op
	case <-time.After(operationGuard):
		t.Fatalf("no operation ended within %v", operationGuard)
		return Operation{}
	}
}

func TestProvisionRunsToSuccessAndIsCounted(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			broker := brokertest.NewServer(brokertest.WithAsyncPolls(1))
			defer broker.Close()
			ended := make(done, 1)
			cfg := testConfig(broker)
			cfg.OnDone = func(_ context.Context, op Operation) { ended <- op }
			e := open(t, cfg)
			run(t, e)

			require.NoError(t, e.Submit(t.Context(), "op-1", testBroker, Provision(provisionOptions("instance-1"))))
			op := ended.wait(t)
			assert.Equal(t, "op-1", op.ID)
			assert.Equal(t, testBroker, op.Broker)
			assert.Equal(t, osb.PhaseSucceeded, op.Record.Phase)

			stored, err := e.Get(t.Context(), "op-1")
			require.NoError(t, err)
			assert.Equal(t, osb.PhaseSucceeded, stored.Record.Phase)
			unfinished, err := e.Unfinished(t.Context(), "", 10)
			require.NoError(t, err)
			assert.Empty(t, unfinished)
			stats, err := e.Stats(t.Context())
			require.NoError(t, err)
			assert.Equal(t, map[osb.OperationPhase]int{osb.PhaseSucceeded: 1}, stats.Phases)
			assert.Equal(t, int64(1), stats.Sends)
			assert.GreaterOrEqual(t, stats.Polls, int64(1))
			assert.Equal(t, stats.Sends+stats.Polls, stats.Lateness.Steps)
		})
	}
}

func TestSubmitValidatesAndRefusesAnIDInUse(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			broker := brokertest.NewServer()
			defer broker.Close()
			e := open(t, testConfig(broker)) // not started: nothing runs

			require.NoError(t, e.Submit(t.Context(), "op-1", testBroker, Provision(provisionOptions("instance-1"))))
			err := e.Submit(t.Context(), "op-1", testBroker, Provision(provisionOptions("instance-2")))
			require.ErrorIs(t, err, ErrExists)
			assert.Contains(t, err.Error(), `"op-1"`)

			assert.Error(t, e.Submit(t.Context(), "", testBroker, Provision(provisionOptions("instance-3"))))
			assert.Error(t, e.Submit(t.Context(), "op-2", "", Provision(provisionOptions("instance-3"))))
			noInstance := provisionOptions("x")
			noInstance.InstanceID = nil
			assert.Error(t, e.Submit(t.Context(), "op-3", testBroker, Provision(noInstance)))
			bind := &osb.ReplaceServiceBindingOptions{InstanceID: core.StringPtr("instance-1"), BindingID: core.StringPtr("b"),
				ServiceID: core.StringPtr(brokertest.DefaultServiceID), PlanID: core.StringPtr(brokertest.DefaultAsyncPlanID)}
			assert.ErrorIs(t, e.Submit(t.Context(), "op-4", testBroker, Bind(bind)), ErrConfig, "a bind needs OnCredentials")

			unfinished, err := e.Unfinished(t.Context(), "", 10)
			require.NoError(t, err)
			require.Len(t, unfinished, 1)
			assert.Equal(t, "instance-1", unfinished[0].Record.InstanceID)
		})
	}
}

// corrupt overwrites the stored record of id, as a damaged or foreign row would read.
func corrupt(t *testing.T, e *Engine, id, record string) {
	const update = `UPDATE osb_operation SET record = $2 WHERE id = $1`
	var err error
	switch s := e.store.(type) {
	case *riverStore[*sql.Tx]:
		_, err = s.db.exec(t.Context(), update, id, record)
	case *riverStore[pgx.Tx]:
		_, err = s.db.exec(t.Context(), update, id, record)
	}
	require.NoError(t, err)
}

func TestABadRecordIsAnErrorNamingItNeverAPanic(t *testing.T) {
	bad := map[string]string{
		"not json":        `{"v":`,
		"unknown version": `{"v":99,"kind":"provision","instance_id":"i","service_id":"s","phase":"to_send"}`,
		"unknown kind":    `{"v":1,"kind":"rename","instance_id":"i","service_id":"s","phase":"to_send"}`,
		"ids missing":     `{"v":1,"kind":"bind","instance_id":"i","service_id":"s","phase":"to_send"}`,
	}
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			broker := brokertest.NewServer()
			defer broker.Close()
			e := open(t, testConfig(broker))
			for problem, record := range bad {
				id := "op-" + strings.ReplaceAll(problem, " ", "-")
				require.NoError(t, e.Submit(t.Context(), id, testBroker, Provision(provisionOptions(id))))
				corrupt(t, e, id, record)
				_, err := e.Get(t.Context(), id)
				var recordErr *RecordError
				require.ErrorAs(t, err, &recordErr, problem)
				assert.Equal(t, id, recordErr.ID)
				assert.Contains(t, err.Error(), id)
			}
			_, err := e.Unfinished(t.Context(), "", 10)
			assert.Equal(t, len(bad), strings.Count(err.Error(), "has a bad record"))

			run(t, e) // the jobs of the bad records are cancelled, each counted once
			require.Eventually(t, func() bool {
				stats, err := e.Stats(t.Context())
				return err == nil && stats.BadRecords == int64(len(bad))
			}, 20*time.Second, 20*time.Millisecond)
			stats, err := e.Stats(t.Context())
			require.NoError(t, err)
			assert.Zero(t, stats.Sends, "nothing is sent for a bad record")
		})
	}
}

func TestCancelStopsAnOperation(t *testing.T) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) {
			broker := brokertest.NewServer()
			defer broker.Close()
			ended := make(done, 1)
			cfg := testConfig(broker)
			cfg.OnDone = func(_ context.Context, op Operation) { ended <- op }
			e := open(t, cfg)

			require.NoError(t, e.Submit(t.Context(), "op-1", testBroker, Provision(provisionOptions("instance-1"))))
			require.NoError(t, e.Cancel(t.Context(), "op-1"))
			assert.ErrorIs(t, e.Cancel(t.Context(), "op-2"), ErrNotFound)
			run(t, e)
			op := ended.wait(t)
			assert.True(t, op.Cancelled)
			assert.Empty(t, broker.Requests(), "a cancelled operation sends nothing")
			stats, err := e.Stats(t.Context())
			require.NoError(t, err)
			assert.Equal(t, 1, stats.Cancelled)
		})
	}
}

func TestConfigRescueMustOutlastTheJobTimeout(t *testing.T) {
	cfg := Config{Clients: func(context.Context, string) (*osb.OpenServiceBrokerV1, error) { return nil, nil },
		Key: testKey, JobTimeout: time.Minute, RescueAfter: time.Minute}
	_, err := cfg.withDefaults()
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "RescueAfter")
	_, err = Config{Key: testKey}.withDefaults()
	assert.ErrorIs(t, err, ErrConfig, "Clients is required")
	cfg.RescueAfter, cfg.Key = 0, []byte("short")
	_, err = cfg.withDefaults()
	assert.ErrorIs(t, err, ErrConfig, "Key is required")
}

// failingStore is a database that cannot be reached.
type failingStore struct{ store }

var errUnreachable = errors.New("connection refused")

func (failingStore) load(context.Context, string) (row, error) { return row{}, errUnreachable }
func (failingStore) submit(context.Context, row, string, bool) (bool, error) {
	return false, errUnreachable
}

func TestAnUnreachableStoreIsReportedAndRetried(t *testing.T) {
	broker := brokertest.NewServer()
	defer broker.Close()
	cfg, err := testConfig(broker).withDefaults()
	require.NoError(t, err)
	e := newEngine(cfg)
	e.store = failingStore{}

	err = e.Submit(t.Context(), "op-1", testBroker, Provision(provisionOptions("instance-1")))
	require.ErrorIs(t, err, ErrStore)
	require.ErrorIs(t, err, errUnreachable)
	// A step returns the error to River, which retries the job with backoff rather than drop it.
	err = e.step(t.Context(), "op-1")
	require.ErrorIs(t, err, ErrStore)
	assert.Equal(t, int64(2), e.stats.snapshot().StoreErrors)
	before := time.Now()
	retry := retryPolicy{}.NextRetry(jobAttempt(30))
	after := time.Now()
	assert.False(t, retry.Before(before.Add(time.Minute)) || retry.After(after.Add(time.Minute)), "backoff is capped at a minute: %v after the call", retry.Sub(before))
}

func TestSnoozeLeavesRiversSchedulerOutOfLongWaits(t *testing.T) {
	assert.Equal(t, 2*time.Second, snoozeFor(2*time.Second), "a short wait is fetched when due")
	assert.Equal(t, 25*time.Second, snoozeFor(30*time.Second), "a long one wakes a scheduler interval early")
	assert.Zero(t, snoozeFor(-time.Second))
}

func TestLateness(t *testing.T) {
	var h histogram
	for i := range 100 {
		h.add(time.Duration(i+1) * time.Millisecond)
	}
	s := h.summary()
	assert.Equal(t, int64(100), s.Steps)
	assert.InDelta(t, 50*time.Millisecond, s.P50, float64(50*time.Millisecond/8))
	assert.InDelta(t, 99*time.Millisecond, s.P99, float64(99*time.Millisecond/8))
	assert.Equal(t, 100*time.Millisecond, s.Max)
}

func TestLimitsHoldRequestsPerBroker(t *testing.T) {
	l := newLimiters(func(broker string) Limits {
		if broker == "slow" {
			return Limits{MaxConcurrent: 1, PerSecond: 10, Burst: 2}
		}
		return Limits{}
	})
	now := time.Now()
	release, wait := l.acquire("slow", now)
	require.Zero(t, wait)
	_, wait = l.acquire("slow", now)
	assert.Equal(t, throttleWait, wait, "one request at a time")
	_, wait = l.acquire("other", now)
	assert.Zero(t, wait, "another broker is not held")
	release()
	release, wait = l.acquire("slow", now)
	require.Zero(t, wait, "the burst allows a second request")
	release()
	_, wait = l.acquire("slow", now)
	assert.InDelta(t, 100*time.Millisecond, wait, float64(time.Millisecond), "then 10 per second")
}
