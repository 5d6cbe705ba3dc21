package openservicebrokerv1

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"math/rand/v2"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
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

// requestSetupError matches the transport errors net/http gives for a request that can never
// succeed as built (these have no types of their own): sending it again cannot help.
var requestSetupError = regexp.MustCompile(`unsupported protocol scheme|stopped after \d+ redirects|invalid header|invalid method|no Host in request URL`)

// checkRetry decides whether an attempt is sent again. Retried, for every method (the OSB
// specification makes PUT, PATCH and DELETE safe to repeat): transport failures such as a
// refused, reset or dropped connection or an attempt's timeout, 429, and 5xx except
// 501 Not Implemented. Not retried: anything once ctx is done, TLS certificate failures,
// requests that cannot be sent as built, and every other status.
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
	return resp != nil && isTransientStatus(resp.StatusCode), nil
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
// past the deadline of the request's context: it then ends at the deadline.
func retryBackoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	wait, ok := time.Duration(0), false
	if resp != nil {
		wait, ok = parseRetryAfter(resp.Header, time.Now())
	}
	if !ok {
		wait = jitter(exponentialStep(minWait, maxWait, attempt))
	}
	return max(min(wait, maxWait, timeLeft(resp)), 0)
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

// timeLeft is the time until the deadline of the response's request context; without one, unbounded.
// (Without a response there is no context to look at, but the retry loop still stops waiting
// when that context ends.)
func timeLeft(resp *http.Response) time.Duration {
	if resp == nil || resp.Request == nil {
		return math.MaxInt64
	}
	deadline, ok := resp.Request.Context().Deadline()
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

// installRetryPolicy puts this package's retry decision and backoff, starting at minWait when
// it is positive, on a client whose retries go-sdk-core enabled (its transport is a
// *retryablehttp.RoundTripper); other clients are left alone. The last response of a failed
// series reaches core unchanged, so core builds its error from the broker's answer.
func installRetryPolicy(client *http.Client, minWait time.Duration) {
	if client == nil {
		return
	}
	roundTripper, ok := client.Transport.(*retryablehttp.RoundTripper)
	if !ok || roundTripper.Client == nil {
		return
	}
	roundTripper.Client.CheckRetry = checkRetry
	roundTripper.Client.Backoff = retryBackoff
	roundTripper.Client.PrepareRetry = stopAtDeadline
	roundTripper.Client.ErrorHandler = passThroughErrorHandler
	if minWait > 0 {
		roundTripper.Client.RetryWaitMin = minWait
	}
}

// stopAtDeadline ends the retries once the request's context is done or has reached its deadline.
// A wait that retryBackoff cut at the deadline ends as the deadline passes, often before the
// context has noticed; an attempt sent then would reach the broker only to be cancelled.
func stopAtDeadline(req *http.Request) error {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// passThroughErrorHandler hands the last attempt's outcome to core unchanged, except that a
// response is dropped when an error comes with it (when stopAtDeadline ended the retries): net/http
// would drop it anyway, with a line on the standard logger.
func passThroughErrorHandler(resp *http.Response, err error, _ int) (*http.Response, error) {
	if err != nil {
		return nil, err
	}
	return resp, nil
}
