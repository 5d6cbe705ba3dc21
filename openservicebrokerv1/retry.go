package openservicebrokerv1

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults of the client's retries and request duration.
const (
	// DefaultMaxRetries is how many times a failed request is sent again. With 40% of requests
	// failing, a request still fails after 11 attempts only about once in 24,000 (0.4^11), and the
	// waits add up to about 50 s at most: long enough to ride out a broker's restart.
	DefaultMaxRetries = 10
	// DefaultMaxRetryInterval bounds one wait between attempts, Retry-After included.
	DefaultMaxRetryInterval = 10 * time.Second
	// DefaultTimeout bounds one request, so a broker that never answers cannot hang the caller.
	DefaultTimeout = 60 * time.Second
)

// DefaultMinRetryInterval is the first wait between attempts when the broker gives no Retry-After.
const DefaultMinRetryInterval = 200 * time.Millisecond

// The retry budget, one per client, in the spirit of gRPC's retry throttling and the AWS SDKs'
// retry quota: every call the broker answers (with anything but 429 or a 5xx that calls for a
// retry) earns half a retry, and every retry spends one, up to a reserve of retryBudgetReserve
// retries. At a fault rate of 20% a call needs a quarter of a retry on average and earns 0.4,
// so the budget never runs dry; during an outage the reserve is soon spent, nothing is earned,
// and the client sends about one request per call, failing fast with ErrBrokerUnavailable
// instead of hammering the failing broker. The first attempt of a call is never withheld, so
// calls succeed again as soon as the broker does, and refill the budget.
const (
	retryBudgetReserve = 2 * DefaultMaxRetries
	// budgetUnit is the budget's unit: half a retry.
	budgetUnit       = 1
	retryCost        = 2 * budgetUnit
	retryBudgetLimit = retryBudgetReserve * retryCost
)

// retryBudget is the retries a client may still send; shared by the client and its clones.
type retryBudget struct {
	units atomic.Int64
}

func newRetryBudget() *retryBudget {
	budget := &retryBudget{}
	budget.units.Store(retryBudgetLimit)
	return budget
}

// earn credits the budget for one call, up to its limit.
func (b *retryBudget) earn() {
	for {
		units := b.units.Load()
		if units >= retryBudgetLimit || b.units.CompareAndSwap(units, units+budgetUnit) {
			return
		}
	}
}

// spend takes one retry from the budget; false when the budget cannot pay for it.
func (b *retryBudget) spend() bool {
	for {
		units := b.units.Load()
		if units < retryCost {
			return false
		}
		if b.units.CompareAndSwap(units, units-retryCost) {
			return true
		}
	}
}

// retryPolicy is how often and how patiently a failed attempt is sent again; zero sends once.
type retryPolicy struct {
	maxRetries       int
	minWait, maxWait time.Duration
}

// requestSetupError matches the transport errors net/http gives for a request that can never
// succeed as built (these have no types of their own): sending it again cannot help.
var requestSetupError = regexp.MustCompile(`unsupported protocol scheme|stopped after \d+ redirects|invalid header|invalid method|no Host in request URL`)

// checkRetry decides whether an attempt is sent again. Retried, for every method (the OSB
// specification makes PUT, PATCH and DELETE safe to repeat): transport failures such as a
// refused, reset or dropped connection or an attempt's timeout, 429, and 5xx except
// 501 Not Implemented. Not retried: anything once ctx is done, TLS certificate failures,
// requests that cannot be sent as built, a 5xx to an update that says update_repeatable false
// ("Updating a Service Instance, Response"), and every other status.
//
// It never returns an error, so the attempt's own response or transport error is what
// the caller gets, also when ctx ended.
func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, nil
	}
	if err != nil {
		return isTransientTransportError(err), nil
	}
	return resp != nil && isTransientStatus(resp.StatusCode) && !updateNotRepeatable(resp), nil
}

// updateNotRepeatable reports whether resp is a 5xx to an update (PATCH) whose body says
// update_repeatable false. It reads at most maxErrorBody bytes, all that decode reads of an
// error answer, and puts them back in front of the rest of the body for decode.
func updateNotRepeatable(resp *http.Response) bool {
	if resp.Request == nil || resp.Request.Method != http.MethodPatch || resp.StatusCode < 500 || resp.Body == nil {
		return false
	}
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	decoded, _ := decodeErrorBody(head)
	return decoded.UpdateRepeatable != nil && !*decoded.UpdateRepeatable
}

func isTransientStatus(status int) bool {
	if status == http.StatusTooManyRequests {
		return true
	}
	return status >= 500 && status <= 599 && status != http.StatusNotImplemented
}

func isTransientTransportError(err error) bool {
	return !isCertificateError(err) && !requestSetupError.MatchString(err.Error())
}

func isCertificateError(err error) bool {
	var verification *tls.CertificateVerificationError
	var unknownAuthority x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verification) || errors.As(err, &unknownAuthority) ||
		errors.As(err, &hostname) || errors.As(err, &invalid)
}

// retryBackoff is the wait before attempt number attempt+1. It honours the broker's
// Retry-After (seconds or HTTP date), else backs off exponentially from minWait with equal
// jitter (between half and all of the step). The wait never exceeds maxWait, and never runs
// past the deadline of ctx, the call's context: it then ends at the deadline.
func retryBackoff(ctx context.Context, minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait, ok := time.Duration(0), false
	if resp != nil {
		wait, ok = parseRetryAfter(resp.Header, time.Now())
	}
	if !ok {
		wait = jitter(exponentialStep(minWait, maxWait, attempt))
	}
	return max(min(wait, maxWait, timeLeft(ctx)), 0)
}

// exponentialStep is minWait doubled attempt times, capped at maxWait.
func exponentialStep(minWait, maxWait time.Duration, attempt int) time.Duration {
	step := max(minWait, 0)
	for range attempt {
		if step >= maxWait || step == 0 {
			break
		}
		step *= 2
	}
	return min(step, maxWait)
}

// jitter spreads retries of many clients apart while keeping at least half the step.
func jitter(step time.Duration) time.Duration {
	half := step / 2
	if half <= 0 {
		return step
	}
	return step - half + rand.N(half+1)
}

// timeLeft is the time until the deadline of ctx; without one, unbounded.
func timeLeft(ctx context.Context) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return math.MaxInt64
	}
	return max(time.Until(deadline), 0)
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP date, relative to now.
// A date in the past or a negative number gives 0; a missing or unreadable value gives false.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	value := strings.TrimSpace(h.Get("Retry-After"))
	if value == "" {
		return 0, false
	}
	if seconds, err := strconv.ParseInt(value, 10, 64); err == nil {
		return secondsToDuration(seconds), true
	}
	if at, err := http.ParseTime(value); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}

// secondsToDuration converts without overflowing: a huge value saturates.
func secondsToDuration(seconds int64) time.Duration {
	switch {
	case seconds <= 0:
		return 0
	case seconds > int64(math.MaxInt64/time.Second):
		return math.MaxInt64
	default:
		return time.Duration(seconds) * time.Second
	}
}
