package engine

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// ClientFactory returns the client for a broker the platform knows by name (its URL and
// credentials live in the platform's configuration, never in a record). The engine asks once per
// broker and process, and again after an error.
type ClientFactory func(ctx context.Context, broker string) (*osb.OpenServiceBrokerV1, error)

// Limits bound the requests this process sends to one broker. They hold per process: with n
// replicas a broker sees up to n times as many.
type Limits struct {
	// MaxConcurrent is how many requests may be in flight at once; 0 is no limit.
	MaxConcurrent int
	// PerSecond is how many requests may start per second, with bursts of Burst; 0 is no limit.
	PerSecond float64
	Burst     int
}

// Config configures an Engine. Clients is required; the rest has defaults.
type Config struct {
	// Clients builds the client of each broker.
	Clients ClientFactory
	// Limits returns the limits of a broker; nil leaves every broker unlimited.
	Limits func(broker string) Limits
	// Key seals each record's request (parameters, context, originating identity, headers) with
	// AES-GCM: 16, 24 or 32 bytes. Required: a record stored without its request could not be
	// sent again after a crash. Keep it where the platform keeps secrets, never beside the store.
	Key []byte
	// MaxPollingDuration bounds how long an asynchronous operation is polled (see RecordConfig).
	MaxPollingDuration time.Duration
	// MinDelay and MaxDelay bound the record's backoff between polls when the broker sends no
	// Retry-After (StepOptions); the SDK's defaults when zero.
	MinDelay, MaxDelay time.Duration
	// Policy decides the orphan mitigation of failed and timed-out creates, and whether a failed
	// deprovision or unbind is sent again (by default, until its deadline).
	Policy osb.MitigationPolicy
	// OnCredentials receives a bind's answer. It must store the credentials where the platform
	// keeps secrets and return nil only once they are safe: the record advances past the bind
	// after it returns, and never holds them. Required to submit binds.
	OnCredentials func(ctx context.Context, op Operation, answer *osb.BindingPutResp) error
	// OnDone is told when an operation ends (a terminal phase, or cancelled), in the process
	// that ran its last step; other processes query Get.
	OnDone func(ctx context.Context, op Operation)
	// Workers is how many steps run at once in this process (River's MaxWorkers); default 100.
	Workers int
	// JobTimeout bounds one step; default 30s. It must be shorter than RescueAfter.
	JobTimeout time.Duration
	// RescueAfter is when River hands a step left running by a killed process to another
	// worker; default 2 minutes (River's own default is an hour).
	RescueAfter time.Duration
	// FetchInterval is how often River looks for due steps; default 200ms. It bounds how late
	// a step runs after its time (see the package documentation).
	FetchInterval time.Duration
	// Logger receives River's and the engine's messages; default discards them.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// ErrConfig is wrapped by the errors of an invalid Config.
var ErrConfig = errors.New("engine: invalid configuration")

func (c Config) withDefaults() (Config, error) {
	if c.Clients == nil {
		return c, fmt.Errorf("%w: Clients is required: give a ClientFactory that builds each broker's client", ErrConfig)
	}
	if n := len(c.Key); n != 16 && n != 24 && n != 32 {
		return c, fmt.Errorf("%w: Key must be an AES key of 16, 24 or 32 bytes, got %d bytes", ErrConfig, n)
	}
	c.Workers = cmp.Or(c.Workers, 100)
	c.JobTimeout = cmp.Or(c.JobTimeout, 30*time.Second)
	c.RescueAfter = cmp.Or(c.RescueAfter, 2*time.Minute)
	c.FetchInterval = cmp.Or(c.FetchInterval, 200*time.Millisecond)
	if c.RescueAfter <= c.JobTimeout {
		return c, fmt.Errorf("%w: RescueAfter (%v) must be longer than JobTimeout (%v), or River hands a running step to a second worker", ErrConfig, c.RescueAfter, c.JobTimeout)
	}
	if c.Workers < 0 || c.JobTimeout < 0 || c.FetchInterval < 0 {
		return c, fmt.Errorf("%w: Workers, JobTimeout and FetchInterval cannot be negative", ErrConfig)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}
