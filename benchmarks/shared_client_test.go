package benchmarks

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Case P4: one client shared by many goroutines.
const (
	sharedClientGoroutines = 64
	sharedClientCalls      = 10_000
	// maxSharedClientConnections bounds the connections a reusing client may open. net/http
	// returns a connection to its idle pool just after the caller has read the body, so a
	// goroutine that calls again at once sometimes dials a spare: 64 goroutines open 64 to
	// about 100 connections for 10,000 calls, where a client that does not reuse opens thousands.
	maxSharedClientConnections = 2 * sharedClientGoroutines
)

// callConcurrently makes calls last-operation polls with goroutines goroutines sharing
// client, and returns the errors they met.
func callConcurrently(ctx context.Context, client brokerClient, goroutines, calls int) error {
	var remaining atomic.Int64
	remaining.Store(int64(calls))
	errs := make([]error, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for remaining.Add(-1) >= 0 {
				if _, err := client.getLastOperation(ctx, pollingInstanceID); err != nil {
					errs[g] = err
					return
				}
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// TestConcurrentSharedClient shares one client between 64 goroutines for 10,000 calls: run
// with -race it shows the client is safe for concurrent use, and the connection count shows
// that connections are reused rather than opened per call.
func TestConcurrentSharedClient(t *testing.T) {
	for _, c := range contenders {
		t.Run(c.name, func(t *testing.T) {
			broker := startBroker(t, nil)
			client, err := c.connect(broker.URL, nil)
			require.NoError(t, err)

			err = callConcurrently(context.Background(), client, sharedClientGoroutines, sharedClientCalls)

			require.NoError(t, err)
			opened := broker.Connections()
			if !c.reusesConnections {
				t.Logf("%s opened %d TCP connections for %d calls: known not to reuse them", c.name, opened, sharedClientCalls)
				return
			}
			assert.LessOrEqual(t, opened, int64(maxSharedClientConnections),
				"TCP connections opened for %d calls by %d goroutines", sharedClientCalls, sharedClientGoroutines)
		})
	}
}
