package soak

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osbkit/osb-go-sdk/brokertest"
	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The large runs take a minute or more, so plain `go test` runs only TestReducedSoak.
var (
	fullLifecycles = flag.Int("soak.lifecycles", 0, "run TestSoak with this many lifecycles at 20% faults (make soak uses 1000)")
	figures        = flag.Bool("soak.figures", false, "run TestSoakFigures: 200 lifecycles at 20% and 40% faults, with retries on and off")
)

// soakRun is one soak: the broker's fault rate and Retry-After, and whether the platform's
// client retries.
type soakRun struct {
	lifecycles int
	faultRate  float64
	retryAfter int // seconds, on the broker's 429 faults
	retriesOff bool
}

func (r soakRun) String() string {
	retries := "retries on (defaults)"
	if r.retriesOff {
		retries = "retries off"
	}
	return fmt.Sprintf("%d lifecycles, 8 at a time, %.0f%% faults, %s", r.lifecycles, 100*r.faultRate, retries)
}

// soakWait polls quickly: the broker ends an asynchronous operation after two polls.
var soakWait = osb.NewWaitOptions().SetMinDelay(5 * time.Millisecond).SetMaxDelay(20 * time.Millisecond).SetMaxWait(time.Minute)

// run starts a broker that faults the given share of all requests (503, 429, connections dropped
// before or after the broker acted), runs the soak through a client with the SDK's defaults
// (or with retries off), and logs the one-line summary.
func (r soakRun) run(t *testing.T) Result {
	t.Helper()
	broker := brokertest.NewServer(
		brokertest.WithRandomFaults(r.faultRate, 7, brokertest.AllFaultKinds...),
		brokertest.WithRandomFaultRetryAfter(r.retryAfter),
	)
	t.Cleanup(broker.Close)
	client := broker.Client()
	cfg := Config{
		Lifecycles: r.lifecycles, Concurrency: 8,
		ServiceID: brokertest.DefaultServiceID, PlanID: brokertest.DefaultAsyncPlanID,
		Wait: soakWait, CleanupAttempts: 10, CleanupDelay: 50 * time.Millisecond,
	}
	if r.retriesOff {
		client.DisableRetries()
		cfg.CleanupAttempts = 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	result, err := Run(ctx, broker, client, cfg)

	require.NoError(t, err)
	t.Logf("%s: %s", r, result)
	for reason, example := range result.Examples {
		t.Logf("first %q: %s", reason, example)
	}
	assert.Equal(t, r.lifecycles, result.Succeeded+result.FailedAndCleaned+result.FailedNotCleaned, "every lifecycle is accounted for")
	assert.Zero(t, result.Untyped, "every failure has a typed error")
	assert.Positive(t, result.Faults)
	return result
}

// assertNothingLostOrDuplicated is the promise of the SDK's defaults: whatever failed was
// cleaned up, and the broker holds nothing twice and nothing at all at the end.
func assertNothingLostOrDuplicated(t *testing.T, result Result) {
	t.Helper()
	assert.Zero(t, result.FailedNotCleaned)
	assert.Zero(t, result.OrphanInstances)
	assert.Zero(t, result.OrphanBindings)
	assert.Zero(t, result.Duplicates)
}

func TestReducedSoak(t *testing.T) {
	result := soakRun{lifecycles: 100, faultRate: 0.2}.run(t)

	assertNothingLostOrDuplicated(t, result)
}

func TestSoakFigures(t *testing.T) {
	if !*figures {
		t.Skip("run with -soak.figures")
	}
	for _, rate := range []float64{0.2, 0.4} {
		for _, retriesOff := range []bool{false, true} {
			run := soakRun{lifecycles: 200, faultRate: rate, retryAfter: 1, retriesOff: retriesOff}
			t.Run(run.String(), func(t *testing.T) {
				result := run.run(t)
				if !retriesOff {
					assertNothingLostOrDuplicated(t, result)
				}
			})
		}
	}
}

func TestSoak(t *testing.T) {
	if *fullLifecycles <= 0 {
		t.Skip("run with -soak.lifecycles=N")
	}
	result := soakRun{lifecycles: *fullLifecycles, faultRate: 0.2, retryAfter: 1}.run(t)

	assertNothingLostOrDuplicated(t, result)
}

func TestConfigIsCheckedBeforeAnyRequest(t *testing.T) {
	broker := brokertest.NewServer()
	t.Cleanup(broker.Close)

	_, err := Run(context.Background(), broker, broker.Client(), Config{Concurrency: -1, CleanupAttempts: 1})

	require.Error(t, err)
	assert.ErrorContains(t, err, "Lifecycles must be positive")
	assert.ErrorContains(t, err, "Concurrency must be positive")
	assert.ErrorContains(t, err, "ServiceID and PlanID must be set")
	assert.Empty(t, broker.Requests())
}
