package testkit

import (
	"context"
	"sync"
	"time"
)

// FakeClock is a clock that moves only when a test advances it or code sleeps on it, so tests
// of long waits take no time. It is safe for concurrent use.
type FakeClock struct {
	mu     sync.Mutex
	at     time.Time
	sleeps []time.Duration
}

// NewFakeClock returns a clock that starts at the next whole second of the real time: close
// enough to agree with the times files and servers report, and a whole second, as HTTP dates are.
func NewFakeClock() *FakeClock {
	return &FakeClock{at: time.Now().Truncate(time.Second).Add(time.Second)}
}

// Now returns the clock's time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

// Advance moves the clock forward by d.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// Sleep records d and moves the clock forward by it at once; it returns ctx.Err() when ctx is
// already done, as a real sleep that ctx cuts short would.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.at = c.at.Add(d)
	return nil
}

// Slept returns the durations of every Sleep so far, in order.
func (c *FakeClock) Slept() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}
