package testkit

import (
	"context"
	"testing"
	"time"
)

// CancelAfter returns a context cancelled d from now and a function, to call once, that tells how
// long ago the cancellation came (waiting for it if need be): tests measure with it how promptly
// a call returns once cancelled. The cancellation never outlives the test.
func CancelAfter(t testing.TB, d time.Duration) (context.Context, func() time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	cancelledAt := make(chan time.Time, 1)
	timer := time.AfterFunc(d, func() {
		cancelledAt <- time.Now()
		cancel()
	})
	t.Cleanup(func() {
		timer.Stop()
		cancel()
	})
	return ctx, func() time.Duration { return time.Since(<-cancelledAt) }
}
