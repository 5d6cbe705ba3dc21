package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// A broker that is down answers nothing: the connection is refused. The SDK retries that, as
// it retries every transport failure, to ride out a restart (about 40 s with its defaults).
// osb says each refusal on stderr and, for a person at a terminal, gives up after a few, before
// the broker has answered anything: a refusal later on (a wait that outlives a restart) is
// retried as the SDK does.

// maxRefusalsInteractive is how many refused connections an interactive command tries.
const maxRefusalsInteractive = 3

// completionTimeout bounds the catalog read of a shell completion, which the shell waits for.
const completionTimeout = 2 * time.Second

// errNothingListens is the cause of a command stopped because the broker refused connections.
var errNothingListens = errors.New("nothing listens at the broker's address")

// exchangeWatch watches a command's exchanges with the broker, under the SDK's retries: refused
// connections, the latest Retry-After, the operation value of a 202 Accepted.
type exchangeWatch struct {
	next http.RoundTripper
	a    *app

	mu       sync.Mutex
	answered bool
	refusals int
}

// maxAcceptedBody bounds what is read of a 202 answer for its operation value.
const maxAcceptedBody = 64 << 10

// noteAccepted hands the operation value of a 202 Accepted answer to a change (the broker
// carries it out asynchronously) to a.accepted, as soon as it arrives: a wait the process does
// not survive is resumed with it. The body is put back for the SDK to read.
func (w *exchangeWatch) noteAccepted(request *http.Request, response *http.Response) {
	if w.a.accepted == nil || request.Method == http.MethodGet || response.StatusCode != http.StatusAccepted || response.Body == nil {
		return
	}
	head, _ := io.ReadAll(io.LimitReader(response.Body, maxAcceptedBody))
	response.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), response.Body), response.Body}
	var answer struct {
		Operation string `json:"operation"`
	}
	_ = json.Unmarshal(head, &answer)
	w.a.accepted(answer.Operation)
}

// retryAfter is the Retry-After of an answer: seconds or an HTTP date; 0 when there is none.
func retryAfter(response *http.Response) time.Duration {
	value := response.Header.Get("Retry-After")
	if seconds, err := strconv.Atoi(value); err == nil {
		return time.Duration(seconds) * time.Second
	}
	if at, err := http.ParseTime(value); err == nil {
		return time.Until(at)
	}
	return 0
}

func (w *exchangeWatch) RoundTrip(request *http.Request) (*http.Response, error) {
	response, err := w.next.RoundTrip(request)
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		w.answered = true
		w.a.lastRetryAfter = retryAfter(response)
		w.noteAccepted(request, response)
	}
	if w.answered || !errors.Is(err, syscall.ECONNREFUSED) || w.a.completing {
		return response, err
	}
	w.refusals++
	if w.a.interactive() && w.refusals >= maxRefusalsInteractive {
		w.a.hint("osb: connection to %s refused (attempt %s); giving up", request.URL.Host, w.refusals)
		w.a.stopCommand(errNothingListens)
		return response, err
	}
	w.a.hint("osb: connection to %s refused (attempt %s); retrying", request.URL.Host, w.refusals)
	return response, err
}

// watchExchanges puts an exchangeWatch under the client's transport.
func (a *app) watchExchanges(client *openservicebrokerv1.OpenServiceBrokerV1) {
	httpClient := client.GetHTTPClient()
	next := httpClient.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	httpClient.Transport = &exchangeWatch{next: next, a: a}
}

// commandContext gives a command a context that stopCommand ends.
func (a *app) commandContext(parent context.Context) context.Context {
	ctx, cancel := context.WithCancelCause(parent)
	a.cancelCommand = cancel
	return ctx
}

// stopCommand ends the command's context (see commandContext) with cause.
func (a *app) stopCommand(cause error) {
	if a.cancelCommand != nil {
		a.cancelCommand(cause)
	}
}

// boundForCompletion makes a client for shell completion: one attempt, answered within
// completionTimeout or not at all.
func boundForCompletion(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1) (context.Context, context.CancelFunc) {
	client.DisableRetries()
	client.GetHTTPClient().Timeout = completionTimeout
	return context.WithTimeout(ctx, completionTimeout)
}
