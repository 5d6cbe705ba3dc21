package brokertest

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/pivotal-cf/brokerapi/v12"
	"github.com/pivotal-cf/brokerapi/v12/domain"
)

// Server is an Open Service Broker listening on a loopback address.
type Server struct {
	// URL is the broker's base URL, e.g. http://127.0.0.1:41234.
	URL string
	// Username and Password are the basic-auth credentials the broker accepts.
	Username string
	Password string

	backend   *backend
	faults    *faultInjector
	recorder  *recorder
	http      *http.Server
	closing   chan struct{}
	closeOnce sync.Once
}

// NewServer starts a broker configured by opts and returns it; it panics when the options are
// invalid or it cannot listen, like httptest.NewServer. Call Close when done.
func NewServer(opts ...Option) *Server {
	s, err := Start(opts...)
	if err != nil {
		panic(fmt.Sprintf("brokertest: %v", err))
	}
	return s
}

// Start is NewServer returning an error instead of panicking.
func Start(opts ...Option) (*Server, error) {
	cfg := newConfig(opts)
	if err := cfg.err(); err != nil {
		return nil, err
	}
	backend, err := newBackend(cfg)
	if err != nil {
		return nil, err
	}
	listener, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", cfg.addr, err)
	}
	s := &Server{
		URL:      "http://" + listener.Addr().String(),
		Username: cfg.username,
		Password: cfg.password,
		backend:  backend,
		recorder: &recorder{},
		closing:  make(chan struct{}),
	}
	s.faults = &faultInjector{random: cfg.random, closing: s.closing}
	s.http = &http.Server{Handler: s.handler(cfg), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.http.Serve(listener) }() // returns ErrServerClosed once Close is called
	return s, nil
}

// handler layers, from the outside in: recording, the request identity echo, fault injection,
// then the broker: basic auth, the request rules, and the broker library in front of the backend.
func (s *Server) handler(cfg config) http.Handler {
	osb := brokerapi.NewWithOptions(s.backend, cfg.logger,
		brokerapi.WithCustomAuth(requestRules(!cfg.lenient)),
		brokerapi.WithAdditionalMiddleware(s.backend.routes))

	mux := http.NewServeMux()
	mux.Handle("/", retryAfterOnLastOperation(osb, cfg.lastOpRetryAfter))
	mux.Handle("/bluemix_v1/service_instances/{instance_id}", s.backend.bluemixRoutes())
	authenticated := basicAuth(cfg.username, cfg.password, mux)
	answers := rewriteAnswers(authenticated, cfg.misbehaviours)
	return s.recorder.wrap(requestIdentity(s.faults.wrap(answers), !cfg.misbehaviours[MisbehaveNoIdentityEcho]))
}

// Close stops the server, ending injected delays at once. It is safe to call more than once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.http.Shutdown(ctx); err != nil {
			_ = s.http.Close() // the deadline passed: cut the remaining connections
		}
	})
}

// Instances returns copies of the instances the broker holds, sorted by id. It includes
// instances still provisioning and those whose provisioning failed (Ready is false).
func (s *Server) Instances() []Instance { return s.backend.instanceViews() }

// Bindings returns copies of the bindings the broker holds, sorted by instance and binding id.
func (s *Server) Bindings() []Binding { return s.backend.bindingViews() }

// Requests returns copies of the requests received since the start or the last ResetRequests,
// in the order their handling finished.
func (s *Server) Requests() []RecordedRequest { return s.recorder.all() }

// SetPlanMaintenanceInfo changes the maintenance_info of a plan in the catalog, as a broker
// does when it offers a maintenance update. The catalog's ETag and Last-Modified change with it;
// instances keep their version, and provisions or updates that send another version than the
// new one get 422 MaintenanceInfoConflict, until an update to the new version upgrades them.
func (s *Server) SetPlanMaintenanceInfo(planID string, info domain.MaintenanceInfo) error {
	return s.backend.setMaintenanceInfo(planID, info)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() { s.recorder.reset() }

// InjectFault applies f to the next f.Count requests that match it (all of them when Count is
// 0). Faults are tried in the order injected; the first that matches applies. The error wraps
// ErrInvalidFault.
func (s *Server) InjectFault(f Fault) error { return s.faults.add(f) }

// ClearFaults removes the injected faults that have not been used up.
func (s *Server) ClearFaults() { s.faults.clear() }

// SetRandomFaults changes the random faults of WithRandomFaults; a rate of 0 switches them off.
func (s *Server) SetRandomFaults(rate float64, seed int64, kinds ...FaultKind) error {
	return s.faults.setRandom(rate, seed, kinds)
}

// randomToken returns n (at most 26) random lowercase letters and digits.
func randomToken(n int) string {
	return strings.ToLower(rand.Text()[:n])
}
