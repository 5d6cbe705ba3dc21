package openservicebrokerv1

// The transport stack under every request: retries on the client's budget, the bound on an
// answer's size and the redirect policy, on top of the transport of the client's *http.Client
// (whatever SetHTTPClient installed, so recording or instrumented transports keep working).

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// transportStack is the stack under every call: the redirect policy over the retries over the
// bounds of each attempt (the client's timeout, the size limit) over the base transport. The
// client keeps one, set when its settings change (SetMaxResponseBytes, EnableRetries, ...); a
// call takes a copy, on its own stack, and adds what its HTTP client says now (transport and
// timeout, which the caller may change on the *http.Client). Its layers are methods that hand
// each other the request directly and return what they learn (that the budget withheld a
// retry): a call allocates nothing for the stack.
type transportStack struct {
	base     http.RoundTripper
	timeout  time.Duration
	maxBytes int64
	policy   retryPolicy
	budget   *retryBudget
}

// stack is the client's transport stack for one call; retries are off for a context marked
// withoutRetries.
func (openServiceBroker *OpenServiceBrokerV1) stack(ctx context.Context) transportStack {
	stack := openServiceBroker.transport
	user := openServiceBroker.GetHTTPClient()
	stack.base, stack.timeout = user.Transport, user.Timeout
	if stack.base == nil {
		stack.base = http.DefaultTransport
	}
	if !retriesAllowed(ctx) {
		stack.policy.maxRetries = 0
	}
	return stack
}

// roundTrip sends req through the stack. withheld tells that a retry was due but the budget
// could not pay for it. Its errors are *url.Error, as http.Client gives them.
func (s *transportStack) roundTrip(req *http.Request) (resp *http.Response, withheld bool, err error) {
	resp, withheld, err = s.followRedirects(req)
	if err != nil {
		return nil, withheld, &url.Error{Op: req.Method[:1] + strings.ToLower(req.Method[1:]), URL: req.URL.Redacted(), Err: err}
	}
	return resp, withheld, nil
}

// followRedirects sends req with retries and follows the redirects the policy allows.
func (s *transportStack) followRedirects(req *http.Request) (resp *http.Response, withheld bool, err error) {
	for hops := 0; ; hops++ {
		resp, withheld, err = s.retry(req)
		if err != nil {
			return nil, withheld, err
		}
		target := allowedRedirect(req, resp)
		if target == nil {
			return resp, withheld, nil
		}
		discard(resp)
		if hops == maxRedirects {
			return nil, withheld, fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		next := req.Clone(req.Context())
		next.URL, next.Host = target, ""
		req = next
	}
}

// retry sends an attempt again after a transient failure (see checkRetry), waiting as
// retryBackoff says, while the policy allows, the budget pays and the context lasts. The last
// outcome is returned as it came.
func (s *transportStack) retry(req *http.Request) (resp *http.Response, withheld bool, err error) {
	attempt := req
	for retry := 0; ; retry++ {
		resp, err := s.attempt(attempt)
		if again, _ := checkRetry(req.Context(), resp, err); !again {
			if err == nil && s.budget != nil && req.Context().Err() == nil {
				s.budget.earn() // the broker answered
			}
			return resp, false, err
		}
		if retry >= s.policy.maxRetries || !replayable(req) {
			return resp, false, err
		}
		if s.budget != nil && !s.budget.spend() {
			return resp, true, err
		}
		// The wait ends at the call's deadline at the latest, and the call with it; resp.Request
		// carries the attempt's deadline, which bounds the attempt only.
		wait := retryBackoff(req.Context(), s.policy.minWait, s.policy.maxWait, retry, resp)
		discard(resp)
		if err := sleep(req.Context(), wait); err != nil {
			return nil, false, err
		}
		if attempt, err = replay(req); err != nil {
			return nil, false, err
		}
	}
}

// replayable tells whether the request's body can be sent again.
func replayable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// replay is a copy of req with a fresh body, for the next attempt.
func replay(req *http.Request) (*http.Request, error) {
	again := req.Clone(req.Context())
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, err
		}
		again.Body = body
	}
	return again, nil
}

// maxDiscarded bounds what is read of an answer that is dropped for a retry, so that a small
// body lets its connection be reused and a large one cannot hold the retry up.
const maxDiscarded = 4 << 10

func discard(resp *http.Response) {
	if resp == nil || resp.Body == nil {
		return
	}
	_, _ = io.CopyN(io.Discard, resp.Body, maxDiscarded)
	_ = resp.Body.Close()
}

// sleep waits for d or until ctx is done. A wait that retryBackoff cut at the deadline ends as
// the deadline passes, often before ctx has noticed: that counts as done too, since an attempt
// sent then would reach the broker only to be cancelled.
func sleep(ctx context.Context, d time.Duration) error {
	if d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
		case <-timer.C:
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

type withoutRetriesKey struct{}

// withoutRetries marks ctx so that the transport sends each request of it once: a waiter's
// poll that fails is followed by the next poll, not by retries multiplying the polls.
func withoutRetries(ctx context.Context) context.Context {
	return context.WithValue(ctx, withoutRetriesKey{}, true)
}

func retriesAllowed(ctx context.Context) bool {
	off, _ := ctx.Value(withoutRetriesKey{}).(bool)
	return !off
}

// ErrResponseTooLarge matches the error for an answer whose body exceeds the client's limit.
var ErrResponseTooLarge = errors.New("broker answer exceeds the maximum response size")

// ResponseTooLargeError is the error for an answer whose body exceeds the limit; it matches
// ErrResponseTooLarge.
type ResponseTooLargeError struct {
	// Limit is the maximum response size in bytes, counted after decompression.
	Limit int64
}

func (e *ResponseTooLargeError) Error() string {
	return fmt.Sprintf("the answer's body exceeds the maximum response size of %d bytes (counted after decompression); "+
		"raise it with SetMaxResponseBytes or OPEN_SERVICE_BROKER_MAX_RESPONSE_BYTES if the broker's answers are that large", e.Limit)
}

// Is matches ErrResponseTooLarge.
func (e *ResponseTooLargeError) Is(target error) bool {
	return target == ErrResponseTooLarge
}

// attempt sends one attempt and bounds it: its duration, from sending until its body is closed,
// to the client's timeout (its http.Client Timeout, OPEN_SERVICE_BROKER_TIMEOUT), and its body
// to maxBytes. net/http has decompressed the body already when it asked for gzip itself, so the
// bytes counted are those decoded.
func (s *transportStack) attempt(req *http.Request) (*http.Response, error) {
	cancel := context.CancelFunc(func() {})
	if s.timeout > 0 {
		var ctx context.Context
		ctx, cancel = context.WithTimeout(req.Context(), s.timeout)
		req = req.WithContext(ctx)
	}
	resp, err := s.base.RoundTrip(req)
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &limitedBody{body: resp.Body, remaining: s.maxBytes, limit: s.maxBytes, declared: resp.ContentLength, cancel: cancel}
	return resp, nil
}

// limitedBody ends the read as soon as more than limit bytes arrive, or at once when the
// answer declares a longer body. Closing it ends the attempt.
type limitedBody struct {
	body      io.ReadCloser
	remaining int64
	limit     int64
	declared  int64
	cancel    context.CancelFunc
}

func (b *limitedBody) Read(p []byte) (int, error) {
	if b.declared > b.limit || b.remaining < 0 {
		return 0, &ResponseTooLargeError{Limit: b.limit}
	}
	if int64(len(p)) > b.remaining+1 {
		p = p[:b.remaining+1]
	}
	n, err := b.body.Read(p)
	b.remaining -= int64(n)
	if b.remaining < 0 {
		return n + int(b.remaining), &ResponseTooLargeError{Limit: b.limit}
	}
	return n, err
}

func (b *limitedBody) Close() error {
	err := b.body.Close()
	b.cancel()
	return err
}

// maxRedirects bounds the redirects followed for one call.
const maxRedirects = 10

// The redirect policy (roundTrip): a redirect is followed only for GET and HEAD and only to the
// same scheme and host: a broker must not move a request that carries the platform's
// credentials or changes state (PUT, PATCH, DELETE, with parameters) elsewhere. A redirect not
// followed reaches the caller as the 3xx answer it is, where it becomes a *BrokerError matching
// ErrRedirectNotFollowed.

// allowedRedirect is where resp redirects req to, when the policy follows it; else nil.
func allowedRedirect(req *http.Request, resp *http.Response) *url.URL {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil
	}
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		return nil
	}
	target, err := req.URL.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" || target.Scheme != req.URL.Scheme || target.Host != req.URL.Host {
		return nil
	}
	return target
}
