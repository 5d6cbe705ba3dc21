package brokertest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sync"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// RecordedRequest is one request the server received, as returned by Server.Requests.
type RecordedRequest struct {
	Method string
	// Path is the escaped path exactly as sent, e.g. /v2/service_instances/crn:v1:a%2Fb.
	Path     string
	RawQuery string
	Header   http.Header
	Body     []byte
	// Status is the status code answered; 0 when the connection was dropped.
	Status int
	// Fault describes the fault injected into this request ("" when there was none),
	// e.g. "status 503", "drop-before", "drop-after", "delay 50ms".
	Fault string
	// NewerThanAPIVersion are the rows of the SDK's version table the request breaks: elements
	// it carries that its X-Broker-API-Version does not have yet (openservicebrokerv1.
	// NewerThanAPIVersion). A platform that keeps to the version it announces sends none; a
	// strict broker refuses a request that breaks a Refused row with 412.
	NewerThanAPIVersion []openservicebrokerv1.APIVersionRule
}

// Query returns the parsed query parameters.
func (r RecordedRequest) Query() url.Values {
	values, _ := url.ParseQuery(r.RawQuery) // keeps whatever parsed; the raw form is in RawQuery
	return values
}

// recorder keeps every request, in the order their handling finished.
type recorder struct {
	mu       sync.Mutex
	requests []RecordedRequest
}

func (rec *recorder) all() []RecordedRequest {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := slices.Clone(rec.requests)
	for i := range out {
		out[i].Header = out[i].Header.Clone()
		out[i].Body = cloneBytes(out[i].Body)
	}
	return out
}

func (rec *recorder) reset() {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = nil
}

func (rec *recorder) add(r RecordedRequest) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	rec.requests = append(rec.requests, r)
}

// wrap records each request around next, which the body is handed on to unchanged.
func (rec *recorder) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body) // a body cut short is recorded as far as it arrived
		r.Body = io.NopCloser(bytes.NewReader(body))
		sw := &statusWriter{ResponseWriter: w}
		entry := RecordedRequest{
			Method:   r.Method,
			Path:     r.URL.EscapedPath(),
			RawQuery: r.URL.RawQuery,
			Header:   r.Header.Clone(),
			Body:     body,

			NewerThanAPIVersion: openservicebrokerv1.NewerThanAPIVersion(r, body),
		}
		recorded := false
		record := func() {
			if !recorded {
				recorded = true
				entry.Status = sw.status
				rec.add(entry)
			}
		}
		sw.hijacked = record
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), faultNoteKey{}, &entry.Fault)))
		record()
	})
}

// statusWriter remembers the status code written; Unwrap lets http.ResponseController reach
// the connection underneath to hijack it.
type statusWriter struct {
	http.ResponseWriter
	status int
	// hijacked records the request when a fault takes its connection over: the client sees the
	// connection close as soon as the fault closes it, and must then find the request recorded.
	hijacked func()
}

func (w *statusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	w.hijacked()
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(p)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// faultNoteKey keys the request context value through which the fault injector tells the
// recorder what it did.
type faultNoteKey struct{}

func noteFault(r *http.Request, description string) {
	if note, ok := r.Context().Value(faultNoteKey{}).(*string); ok {
		*note = description
	}
}
