package brokertest

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// Option configures a Server created by NewServer or Start.
type Option func(*config)

// config is everything a Server is built from; options fill it in.
type config struct {
	addr             string
	username         string
	password         string
	catalog          []domain.Service
	async            asyncBehavior
	lastOpRetryAfter int
	random           randomFaults
	logger           *slog.Logger
	lenient          bool
	misbehaviours    map[Misbehaviour]bool
	rotatablePlans   map[string]bool
	bindingLifetime  time.Duration
	errs             []error
}

func newConfig(opts []Option) config {
	cfg := config{
		addr:     "127.0.0.1:0",
		username: "brokertest-" + randomToken(6),
		password: randomToken(26),
		catalog:  DefaultCatalog(),
		async: asyncBehavior{
			polls:      2,
			asyncPlans: map[string]bool{DefaultAsyncPlanID: true},
			failing:    map[OperationKind]bool{},
		},
		random:         randomFaults{retryAfter: 1},
		logger:         slog.New(slog.DiscardHandler),
		misbehaviours:  map[Misbehaviour]bool{},
		rotatablePlans: map[string]bool{DefaultSyncPlanID: true},
	}
	for _, opt := range opts {
		opt(&cfg)
	}
	return cfg
}

func (c *config) fail(format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf(format, args...))
}

func (c *config) err() error {
	return errors.Join(c.errs...)
}

// WithAddr sets the TCP address to listen on (default "127.0.0.1:0", a free loopback port).
func WithAddr(addr string) Option {
	return func(c *config) { c.addr = addr }
}

// WithCredentials sets the basic-auth credentials the broker accepts (default: random ones).
func WithCredentials(username, password string) Option {
	return func(c *config) {
		if username == "" || password == "" {
			c.fail("WithCredentials: username and password must both be non-empty")
			return
		}
		c.username, c.password = username, password
	}
}

// WithCatalog replaces the default catalog. Use ParseCatalog or LoadCatalog to read one from JSON.
// Its parameters schemas are compiled by Start, which fails on one that does not compile. The
// broker library's plan type has no binding_rotatable field: WithRotatableBindings sets it.
func WithCatalog(services []domain.Service) Option {
	return func(c *config) {
		if err := validateCatalog(services); err != nil {
			c.fail("WithCatalog: %w", err)
			return
		}
		c.catalog = services
	}
}

// WithAsyncPlans sets the plans whose instance operations (provision, update, deprovision) are
// asynchronous only: they answer 202 and need accepts_incomplete=true, else 422 AsyncRequired.
// The default is DefaultAsyncPlanID. Operations on all other plans complete synchronously.
func WithAsyncPlans(planIDs ...string) Option {
	return func(c *config) {
		c.async.asyncPlans = make(map[string]bool, len(planIDs))
		for _, id := range planIDs {
			c.async.asyncPlans[id] = true
		}
	}
}

// WithAsyncBindings makes bind and unbind on the asynchronous plans asynchronous only as well
// (default: bindings are synchronous on every plan).
func WithAsyncBindings(enabled bool) Option {
	return func(c *config) { c.async.asyncBindings = enabled }
}

// WithAsyncPolls sets how many last_operation polls an asynchronous operation answers
// "in progress" before it reports its final state (default 2; 0 ends it at the first poll).
func WithAsyncPolls(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.fail("WithAsyncPolls: %d polls is negative", n)
			return
		}
		c.async.polls = n
	}
}

// WithAsyncDuration sets the minimum time an asynchronous operation takes (default 0). It ends
// once both this time has passed and the polls of WithAsyncPolls have been answered.
func WithAsyncDuration(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail("WithAsyncDuration: %v is negative", d)
			return
		}
		c.async.duration = d
	}
}

// WithFailingOperations makes asynchronous operations of the given kinds end in state "failed".
// A failed provision or bind leaves its instance or binding behind, as a real broker may, so
// that the platform has to clean it up.
func WithFailingOperations(kinds ...OperationKind) Option {
	return func(c *config) {
		for _, k := range kinds {
			if !k.valid() {
				c.fail("WithFailingOperations: unknown operation kind %q", k)
				return
			}
			c.async.failing[k] = true
		}
	}
}

// WithLastOperationRetryAfter sets the Retry-After header, in seconds, sent with successful
// last_operation answers (default 0). A negative value leaves the header out.
func WithLastOperationRetryAfter(seconds int) Option {
	return func(c *config) { c.lastOpRetryAfter = seconds }
}

// WithRandomFaults answers the given fraction (0..1) of all requests with a fault of one of the
// given kinds, chosen by a generator seeded with seed (all kinds when none are given). Faults
// injected with InjectFault take precedence. The sequence of faults is reproducible for a given
// seed when requests arrive in the same order.
func WithRandomFaults(rate float64, seed int64, kinds ...FaultKind) Option {
	return func(c *config) {
		if err := c.random.configure(rate, seed, kinds); err != nil {
			c.fail("WithRandomFaults: %w", err)
		}
	}
}

// WithRandomFaultRetryAfter sets the Retry-After header, in seconds, sent with random 429
// faults (default 1).
func WithRandomFaultRetryAfter(seconds int) Option {
	return func(c *config) {
		if seconds < 0 {
			c.fail("WithRandomFaultRetryAfter: %d seconds is negative", seconds)
			return
		}
		c.random.retryAfter = seconds
	}
}

// WithLogger sets the logger of the broker library (default: discard everything).
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) {
		if logger == nil {
			c.fail("WithLogger: logger is nil")
			return
		}
		c.logger = logger
	}
}

// WithLenient switches off the request rules of a strict broker (see the package documentation)
// and leaves the checks to the broker library, which accepts requests the specification calls
// malformed: provisions without organization_guid or space_guid, parameters or a context that are
// not objects, a missing X-Broker-API-Version (412 instead of 400), malformed JSON (422 instead of
// 400). The catalog's rules (parameter schemas, maintenance_info, binding rotation) still apply.
func WithLenient() Option {
	return func(c *config) { c.lenient = true }
}

// WithRotatableBindings sets the plans whose bindings can be rotated: the catalog declares
// binding_rotatable for them and bind accepts predecessor_binding_id (default DefaultSyncPlanID).
// The broker library's catalog types have no binding_rotatable field, so it is set here rather
// than in the catalog given to WithCatalog.
func WithRotatableBindings(planIDs ...string) Option {
	return func(c *config) {
		c.rotatablePlans = make(map[string]bool, len(planIDs))
		for _, id := range planIDs {
			c.rotatablePlans[id] = true
		}
	}
}

// WithBindingLifetime gives every binding a lifetime: bind and GET answers carry the Binding
// Metadata Object's expires_at (creation plus d) and renew_before (three quarters of d after
// creation, leaving a quarter to rotate), and an expired binding cannot be a rotation's
// predecessor. The default, 0, sends no metadata.
func WithBindingLifetime(d time.Duration) Option {
	return func(c *config) {
		if d < 0 {
			c.fail("WithBindingLifetime: %v is negative", d)
			return
		}
		c.bindingLifetime = d
	}
}
