package openservicebrokerv1

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/IBM/go-sdk-core/v5/core"
)

// NeedsOrphanMitigation reports whether the outcome of a provision (PUT service instance) or
// bind (PUT service binding) request leaves the platform unsure whether the broker created the
// resource. The platform should then delete it (deprovision or unbind) and keep trying until
// the broker answers 200 or 410. Pass what the client method returned.
//
// It follows the table of the section "Orphan Mitigation" of OSB v2.17:
//
//	broker answer                                   mitigate
//	200 OK, with a good or a malformed body         no   (the resource existed before this request)
//	201 Created                                     no
//	201 Created with a malformed body               yes
//	202 Accepted                                    no   (poll the last operation instead)
//	202 Accepted with a malformed body              yes  (*)
//	any other 2xx                                   yes
//	408 Request Timeout, any other 4xx              no   (the request was rejected)
//	5xx                                             yes
//	timeout or no answer (any transport failure)    yes
//
// A malformed body is one the client could not read or decode: the method returned an error
// together with a 2xx response. (*) The table lists 202 only as success; a 202 whose body cannot
// be read is treated like a malformed 201, since the operation it started cannot be followed.
//
// Outcomes where nothing reached the broker need no mitigation: invalid options, a failed
// authentication (such as an IAM token request), and a context that was done before the request
// was sent. A transport failure counts as "no answer" even when it looks like the connection was
// never made, because with retries an earlier attempt of the same call may have reached the
// broker; a deletion of a resource that does not exist is answered 410, which ends mitigation.
// Answers outside the table (1xx, 3xx) are failures that need no mitigation.
//
// Failed asynchronous operations (last operation "failed") are a matter of the waiters; update,
// deprovision and unbind outcomes are not covered by this function.
func NeedsOrphanMitigation(response *core.DetailedResponse, err error) bool {
	if isAuthenticationFailure(err) {
		return false
	}
	if response != nil && response.StatusCode != 0 {
		return answerNeedsMitigation(response.StatusCode, err != nil)
	}
	return reachedTransport(err)
}

// answerNeedsMitigation applies the table to a broker answer; malformed says the client could
// not read or decode its body.
func answerNeedsMitigation(status int, malformed bool) bool {
	switch {
	case status == http.StatusOK:
		return false
	case status == http.StatusCreated, status == http.StatusAccepted:
		return malformed
	case status >= 200 && status <= 299:
		return true
	default:
		return status >= 500 && status <= 599
	}
}

// reachedTransport reports whether err comes from sending the request (net/http reports every
// such failure as a *url.Error), unless it was marked as never sent.
func reachedTransport(err error) bool {
	var notSent *requestNotSentError
	if err == nil || errors.As(err, &notSent) {
		return false
	}
	var transportErr *url.Error
	return errors.As(err, &transportErr)
}

// requestNotSentError marks an error raised before the request was handed to the transport,
// typically a context that was already done. net/http reports such a context the same way as one
// that ends while the broker is working, so only the code that checked before sending can tell.
type requestNotSentError struct {
	err error
}

func (e *requestNotSentError) Error() string {
	return e.err.Error()
}

func (e *requestNotSentError) Unwrap() error {
	return e.err
}

// requestNotSent marks err as raised before the request was sent, so that NeedsOrphanMitigation
// does not ask to clean up after a request the broker never saw. The message is unchanged.
func requestNotSent(err error) error {
	if err == nil {
		return nil
	}
	return &requestNotSentError{err: err}
}
