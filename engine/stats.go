package engine

import (
	"context"
	"math/bits"
	"sync"
	"sync/atomic"
	"time"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Stats are the counts a platform watches. Phases and Cancelled come from the store and cover
// every replica; the other counts are this process's since it opened the engine.
type Stats struct {
	// Phases counts the stored operations by phase (cancelled ones excepted).
	Phases map[osb.OperationPhase]int
	// Cancelled counts the operations Cancel stopped.
	Cancelled int
	// Sends, Polls and MitigationSteps count the steps run by the phase they started from:
	// to_send, in_progress, or needs_mitigation and mitigating.
	Sends, Polls, MitigationSteps int64
	// Mitigations counts the operations whose step led them into orphan mitigation.
	Mitigations int64
	// Throttled counts the steps put off by a broker's Limits.
	Throttled int64
	// StoreErrors, ClientErrors and StepErrors count the failures of the database, of the
	// ClientFactory and of steps that sent nothing (the context ended, authentication failed):
	// each is retried with backoff. HandOverErrors counts the failures of OnCredentials; the
	// record fetches the credentials again. BadRecords counts the records that cannot run.
	StoreErrors, ClientErrors, StepErrors, HandOverErrors, BadRecords int64
	// Lateness is how late steps started after the time their record gave (NextAt).
	Lateness Lateness
}

// Lateness summarises how late steps ran; quantiles are upper bounds within 1/8 of the value.
type Lateness struct {
	Steps         int64
	P50, P99, Max time.Duration
}

// Stats returns the counts; the store's part needs a query, whose failure is ErrStore.
func (e *Engine) Stats(ctx context.Context) (Stats, error) {
	s := e.stats.snapshot()
	counts, err := e.store.phases(ctx)
	if err != nil {
		return s, e.storeFailed("counting", "", err)
	}
	s.Phases = map[osb.OperationPhase]int{}
	for _, c := range counts {
		if c.cancelled {
			s.Cancelled += c.count
			continue
		}
		s.Phases[osb.OperationPhase(c.phase)] += c.count
	}
	return s, nil
}

// counters are this process's counts.
type counters struct {
	sends, polls, mitigationSteps, mitigations, throttled             atomic.Int64
	storeErrors, clientErrors, stepErrors, handOverErrors, badRecords atomic.Int64
	lateness                                                          histogram
}

func mitigating(p osb.OperationPhase) bool {
	return p == osb.PhaseNeedsMitigation || p == osb.PhaseMitigating
}

// noteStep counts a step about to run at now.
func (c *counters) noteStep(r osb.OperationRecord, now time.Time) {
	switch {
	case r.Phase == osb.PhaseToSend:
		c.sends.Add(1)
	case r.Phase == osb.PhaseInProgress && !r.CredentialsPending:
		c.polls.Add(1)
	case mitigating(r.Phase):
		c.mitigationSteps.Add(1)
	}
	c.lateness.add(now.Sub(r.NextAt))
}

// noteResult counts what a step led to.
func (c *counters) noteResult(before, after osb.OperationRecord) {
	if mitigating(after.Phase) && !mitigating(before.Phase) {
		c.mitigations.Add(1)
	}
}

func (c *counters) snapshot() Stats {
	return Stats{
		Sends: c.sends.Load(), Polls: c.polls.Load(), MitigationSteps: c.mitigationSteps.Load(),
		Mitigations: c.mitigations.Load(), Throttled: c.throttled.Load(),
		StoreErrors: c.storeErrors.Load(), ClientErrors: c.clientErrors.Load(), StepErrors: c.stepErrors.Load(),
		HandOverErrors: c.handOverErrors.Load(), BadRecords: c.badRecords.Load(),
		Lateness: c.lateness.summary(),
	}
}

// histogram counts durations in buckets of 1/8 of a power of two microseconds: fixed memory
// however many steps run.
type histogram struct {
	mu      sync.Mutex
	buckets [8 * 64]int64
	count   int64
	max     time.Duration
}

func bucketOf(d time.Duration) int {
	us := uint64(max(d/time.Microsecond, 0))
	if us < 8 {
		return int(us)
	}
	exp := bits.Len64(us) - 4 // us has exp+4 bits: keep the top 4, the first of which is 1
	return 8*exp + int(us>>exp)
}

// upperBound is the largest duration in bucket b.
func upperBound(b int) time.Duration {
	if b < 16 {
		return time.Duration(b) * time.Microsecond
	}
	exp := b/8 - 1
	mantissa := uint64(b%8 + 8)
	return time.Duration((mantissa+1)<<exp-1) * time.Microsecond
}

func (h *histogram) add(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.buckets[bucketOf(d)]++
	h.count++
	h.max = max(h.max, d)
}

func (h *histogram) summary() Lateness {
	h.mu.Lock()
	defer h.mu.Unlock()
	return Lateness{Steps: h.count, P50: h.quantile(0.50), P99: h.quantile(0.99), Max: h.max}
}

func (h *histogram) quantile(q float64) time.Duration {
	if h.count == 0 {
		return 0
	}
	rank := int64(q*float64(h.count-1)) + 1
	var seen int64
	for b, n := range h.buckets {
		if seen += n; seen >= rank {
			return min(upperBound(b), h.max)
		}
	}
	return h.max
}
