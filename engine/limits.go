package engine

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// limiters holds each broker's limits in this process.
type limiters struct {
	limitsOf func(broker string) Limits
	mu       sync.Mutex
	brokers  map[string]*brokerLimiter
}

type brokerLimiter struct {
	slots chan struct{} // nil: no concurrency limit
	rate  *rate.Limiter // nil: no rate limit
}

func newLimiters(limitsOf func(string) Limits) *limiters {
	return &limiters{limitsOf: limitsOf, brokers: map[string]*brokerLimiter{}}
}

func (l *limiters) of(broker string) *brokerLimiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	if bl, ok := l.brokers[broker]; ok {
		return bl
	}
	bl := &brokerLimiter{}
	if l.limitsOf != nil {
		limits := l.limitsOf(broker)
		if limits.MaxConcurrent > 0 {
			bl.slots = make(chan struct{}, limits.MaxConcurrent)
		}
		if limits.PerSecond > 0 {
			bl.rate = rate.NewLimiter(rate.Limit(limits.PerSecond), max(limits.Burst, 1))
		}
	}
	l.brokers[broker] = bl
	return bl
}

// acquire takes a request slot of broker at now, returning how to give it back; or, when the
// broker is at its limit, how long to wait before trying again. A step never blocks a River
// worker waiting for a slow broker: it snoozes instead, leaving the worker to other brokers.
func (l *limiters) acquire(broker string, now time.Time) (release func(), wait time.Duration) {
	bl := l.of(broker)
	release = func() {}
	if bl.slots != nil {
		select {
		case bl.slots <- struct{}{}:
			release = func() { <-bl.slots }
		default:
			return nil, throttleWait
		}
	}
	if bl.rate != nil {
		reservation := bl.rate.ReserveN(now, 1)
		if delay := reservation.DelayFrom(now); delay > 0 {
			reservation.CancelAt(now)
			release()
			return nil, delay
		}
	}
	return release, 0
}

// clientCache keeps the client of each broker built by the ClientFactory.
type clientCache struct {
	factory ClientFactory
	mu      sync.Mutex
	clients map[string]*osb.OpenServiceBrokerV1
}

func newClientCache(factory ClientFactory) *clientCache {
	return &clientCache{factory: factory, clients: map[string]*osb.OpenServiceBrokerV1{}}
}

// get returns the broker's client, asking the factory when there is none yet or it failed.
func (c *clientCache) get(ctx context.Context, broker string) (*osb.OpenServiceBrokerV1, error) {
	c.mu.Lock()
	client, ok := c.clients[broker]
	c.mu.Unlock()
	if ok {
		return client, nil
	}
	client, err := c.factory(ctx, broker)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if existing, ok := c.clients[broker]; ok {
		return existing, nil
	}
	c.clients[broker] = client
	return client, nil
}
