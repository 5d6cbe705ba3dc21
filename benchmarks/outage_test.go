package benchmarks

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// outageRun is the shape of the outage case: callers goroutines share one client of a broker
// that answers 503 to everything for outage, then recovers. A caller whose call failed calls
// again after pause, as a platform's reconciler would.
type outageRun struct {
	callers int
	outage  time.Duration
	pause   time.Duration
}

var (
	fullOutageRun  = outageRun{callers: 64, outage: 8 * time.Second, pause: 100 * time.Millisecond}
	smallOutageRun = outageRun{callers: 8, outage: 400 * time.Millisecond, pause: 20 * time.Millisecond}
)

// outageBroker answers last_operation polls, or 503 to every request while it is down.
type outageBroker struct {
	*httptest.Server
	down     atomic.Bool
	rejected atomic.Int64 // requests answered 503
}

var outageBody = []byte(`{"description":"Service Unavailable: the broker is restarting."}`)

func newOutageBroker() *outageBroker {
	broker := &outageBroker{}
	broker.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if broker.down.Load() {
			broker.rejected.Add(1)
			writeJSON(w, http.StatusServiceUnavailable, outageBody)
			return
		}
		writeJSON(w, http.StatusOK, lastOperationBody)
	}))
	return broker
}

// outageCaller is what one caller saw.
type outageCaller struct {
	callsDuringOutage  int // calls started while the broker was down
	failedCalls        int
	noticedRecoveryAt  time.Time // the end of its first successful call after the recovery
	noticedRecoveryErr error
}

// outageFigures are the results of an outage run.
type outageFigures struct {
	requestsPerCall   float64 // requests answered 503 per call started during the outage
	slowestRecovery   time.Duration
	callsDuringOutage int
	failedCalls       int
	rejected          int64
}

// TestOutageFigures measures, for every contender with default settings, the requests per call
// sent to a broker that answers 503 to everything, and the time until the slowest caller
// notices that the broker recovered. Small, it checks that every caller notices the recovery
// and that the broker counted at least one rejected request per failed call.
func TestOutageFigures(t *testing.T) {
	run := smallOutageRun
	if fullSize() {
		run = fullOutageRun
	}
	for _, c := range contenders {
		t.Run(c.name, func(t *testing.T) {
			figures, err := measureOutage(t, c, run)

			require.NoError(t, err)
			assert.GreaterOrEqual(t, figures.rejected, int64(figures.failedCalls), "rejected requests against failed calls")
			assert.Positive(t, figures.callsDuringOutage, "calls during the outage")
			writeFigures(t, "S2Outage", c.name,
				figure{figures.requestsPerCall, "requests/call"},
				figure{figures.slowestRecovery.Seconds(), "s-to-notice-recovery"},
				figure{float64(figures.callsDuringOutage), "calls/outage"},
				figure{float64(figures.failedCalls), "failed-calls/outage"},
			)
		})
	}
}

// measureOutage runs the outage case for one contender.
func measureOutage(t *testing.T, c contender, run outageRun) (outageFigures, error) {
	broker := newOutageBroker()
	t.Cleanup(broker.Close)
	client, err := c.connect(broker.URL, nil)
	if err != nil {
		return outageFigures{}, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), run.outage+2*time.Minute)
	defer cancel()
	if err := callConcurrently(ctx, client, run.callers, run.callers); err != nil {
		return outageFigures{}, fmt.Errorf("warm-up calls: %w", err)
	}

	broker.down.Store(true)
	var recoveredAt atomic.Pointer[time.Time]
	callers := make([]outageCaller, run.callers)
	var group sync.WaitGroup
	for i := range callers {
		group.Go(func() { callers[i] = callUntilRecovered(ctx, client, run.pause, &recoveredAt) })
	}
	time.Sleep(run.outage)
	recovery := time.Now()
	recoveredAt.Store(&recovery)
	broker.down.Store(false)
	group.Wait()

	figures := outageFigures{rejected: broker.rejected.Load()}
	for _, caller := range callers {
		if caller.noticedRecoveryErr != nil {
			return outageFigures{}, caller.noticedRecoveryErr
		}
		figures.callsDuringOutage += caller.callsDuringOutage
		figures.failedCalls += caller.failedCalls
		figures.slowestRecovery = max(figures.slowestRecovery, caller.noticedRecoveryAt.Sub(recovery))
	}
	figures.requestsPerCall = float64(figures.rejected) / float64(figures.callsDuringOutage)
	return figures, nil
}

// callUntilRecovered calls until a call succeeds that ended after the broker recovered.
func callUntilRecovered(ctx context.Context, client brokerClient, pause time.Duration, recoveredAt *atomic.Pointer[time.Time]) outageCaller {
	var caller outageCaller
	for {
		if recoveredAt.Load() == nil {
			caller.callsDuringOutage++
		}
		_, err := client.getLastOperation(ctx, pollingInstanceID)
		end := time.Now()
		if ctx.Err() != nil {
			caller.noticedRecoveryErr = fmt.Errorf("no successful call after the recovery: %w", ctx.Err())
			return caller
		}
		if err == nil {
			if recovery := recoveredAt.Load(); recovery != nil && end.After(*recovery) {
				caller.noticedRecoveryAt = end
				return caller
			}
			continue
		}
		caller.failedCalls++
		time.Sleep(pause)
	}
}
