package brokertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pivotal-cf/brokerapi/v12/domain/apiresponses"
)

// DropMode says whether and when a fault closes the connection without an answer.
//
// Go's http.Transport itself resends a GET (or a request with an Idempotency-Key header) on a
// new connection when a reused keep-alive connection closes without an answer, so a single
// dropped GET may never reach the caller as an error.
type DropMode int

const (
	// DropNone answers the request.
	DropNone DropMode = iota
	// DropBeforeBroker closes the connection before the broker sees the request: nothing happens.
	DropBeforeBroker
	// DropAfterBroker lets the broker act on the request, then closes the connection instead of
	// answering: the client cannot know that its request took effect.
	DropAfterBroker
)

// String returns the name recorded in RecordedRequest.Fault.
func (m DropMode) String() string {
	switch m {
	case DropNone:
		return "none"
	case DropBeforeBroker:
		return "drop-before"
	case DropAfterBroker:
		return "drop-after"
	}
	return fmt.Sprintf("DropMode(%d)", int(m))
}

// Fault describes what to do to requests that match Method and PathPattern.
//
// PathPattern is a path.Match glob matched against the escaped request path (the path as sent,
// so an instance id with an escaped slash stays one segment): "*" matches within one segment,
// e.g. "/v2/service_instances/*" matches instance requests but not binding requests. An empty
// Method or PathPattern matches every request.
//
// The fault first waits Delay, then drops the connection (Drop), or answers Status with Body,
// ContentType and Header, or, with neither set, hands the request to the broker and adds Header
// to its answer. ContentType defaults to application/json when Body is valid JSON, text/plain
// otherwise.
type Fault struct {
	Method      string
	PathPattern string
	// Count is how many matching requests the fault applies to; 0 means every one until
	// ClearFaults is called.
	Count       int
	Status      int
	Body        string
	ContentType string
	Header      http.Header
	Delay       time.Duration
	Drop        DropMode
}

// ErrInvalidFault is wrapped by the errors of InjectFault and SetRandomFaults.
var ErrInvalidFault = errors.New("invalid fault")

func (f Fault) validate() error {
	if _, err := path.Match(f.PathPattern, "/"); err != nil {
		return fmt.Errorf("%w: PathPattern %q: %w", ErrInvalidFault, f.PathPattern, err)
	}
	switch {
	case f.Count < 0:
		return fmt.Errorf("%w: Count %d is negative", ErrInvalidFault, f.Count)
	case f.Delay < 0:
		return fmt.Errorf("%w: Delay %v is negative", ErrInvalidFault, f.Delay)
	case f.Drop < DropNone || f.Drop > DropAfterBroker:
		return fmt.Errorf("%w: unknown Drop mode %d", ErrInvalidFault, int(f.Drop))
	case f.Status != 0 && (f.Status < 200 || f.Status > 599):
		return fmt.Errorf("%w: Status %d is not between 200 and 599", ErrInvalidFault, f.Status)
	case f.Status != 0 && f.Drop != DropNone:
		return fmt.Errorf("%w: set either Status or Drop, not both", ErrInvalidFault)
	case f.Status == 0 && (f.Body != "" || f.ContentType != ""):
		return fmt.Errorf("%w: Body and ContentType need a Status", ErrInvalidFault)
	case f.Status == 0 && f.Drop == DropNone && f.Delay == 0 && len(f.Header) == 0:
		return fmt.Errorf("%w: it does nothing; set Status, Drop, Delay or Header", ErrInvalidFault)
	}
	return nil
}

func (f Fault) matches(r *http.Request) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.PathPattern == "" {
		return true
	}
	ok, _ := path.Match(f.PathPattern, r.URL.EscapedPath()) // the pattern was validated
	return ok
}

// describe is the short form recorded in RecordedRequest.Fault.
func (f Fault) describe() string {
	var parts []string
	if f.Delay > 0 {
		parts = append(parts, "delay "+f.Delay.String())
	}
	switch {
	case f.Drop != DropNone:
		parts = append(parts, f.Drop.String())
	case f.Status != 0:
		parts = append(parts, fmt.Sprintf("status %d", f.Status))
	case len(f.Header) > 0:
		parts = append(parts, "headers")
	}
	return strings.Join(parts, ", ")
}

// apply carries out the fault; closing ends a delay early when the server shuts down.
func (f Fault) apply(w http.ResponseWriter, r *http.Request, broker http.Handler, closing <-chan struct{}) {
	if !wait(r, f.Delay, closing) {
		return
	}
	switch {
	case f.Drop == DropBeforeBroker:
		dropConnection(w)
	case f.Drop == DropAfterBroker:
		broker.ServeHTTP(discardWriter{header: http.Header{}}, r)
		dropConnection(w)
	case f.Status != 0:
		f.writeAnswer(w)
	default:
		copyHeader(w.Header(), f.Header)
		broker.ServeHTTP(w, r)
	}
}

func (f Fault) writeAnswer(w http.ResponseWriter) {
	copyHeader(w.Header(), f.Header)
	contentType := f.ContentType
	if contentType == "" {
		contentType = "text/plain; charset=utf-8"
		if json.Valid([]byte(f.Body)) {
			contentType = "application/json"
		}
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(f.Status)
	_, _ = w.Write([]byte(f.Body)) // the client went away; nothing left to tell it
}

// wait sleeps for d unless the client goes away or the server closes; it reports whether the
// request should still be served.
func wait(r *http.Request, d time.Duration, closing <-chan struct{}) bool {
	if d <= 0 {
		return true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
	case <-closing:
	}
	return false
}

// dropConnection closes the client's connection without writing an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		// Not an HTTP/1 connection: abort the stream instead, which the server does silently.
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close() // the point is to leave the client without an answer
}

func copyHeader(dst, src http.Header) {
	for key, values := range src {
		dst[http.CanonicalHeaderKey(key)] = append([]string(nil), values...)
	}
}

// discardWriter swallows the broker's answer to a request whose connection is dropped after.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d discardWriter) WriteHeader(int)             {}

// injectedFault is a Fault with its remaining count.
type injectedFault struct {
	Fault
	remaining int // 0 means unlimited
}

// faultInjector applies injected faults, then random ones, to requests before the broker.
type faultInjector struct {
	mu       sync.Mutex
	injected []*injectedFault
	random   randomFaults
	closing  <-chan struct{}
}

func (fi *faultInjector) add(f Fault) error {
	if err := f.validate(); err != nil {
		return err
	}
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.injected = append(fi.injected, &injectedFault{Fault: f, remaining: f.Count})
	return nil
}

func (fi *faultInjector) clear() {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	fi.injected = nil
}

func (fi *faultInjector) setRandom(rate float64, seed int64, kinds []FaultKind) error {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	return fi.random.configure(rate, seed, kinds)
}

// next returns the fault for r, consuming one use of it, or false when r is to be served.
func (fi *faultInjector) next(r *http.Request) (Fault, bool) {
	fi.mu.Lock()
	defer fi.mu.Unlock()
	for i, f := range fi.injected {
		if !f.matches(r) {
			continue
		}
		if f.remaining > 0 {
			f.remaining--
			if f.remaining == 0 {
				fi.injected = slices.Delete(fi.injected, i, i+1)
			}
		}
		return f.Fault, true
	}
	return fi.random.draw()
}

func (fi *faultInjector) wrap(broker http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fault, ok := fi.next(r)
		if !ok {
			broker.ServeHTTP(w, r)
			return
		}
		noteFault(r, fault.describe())
		fault.apply(w, r, broker, fi.closing)
	})
}

// errorBody is an OSB error body for generated faults.
func errorBody(description string) string {
	body, _ := json.Marshal(apiresponses.ErrorResponse{Description: description}) // cannot fail for strings
	return string(body)
}
