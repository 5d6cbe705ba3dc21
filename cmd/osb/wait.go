package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/IBM/go-sdk-core/v5/core"

	"github.com/osbkit/osb-go-sdk/cmd/osb/internal/demo"
	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// waiting says whether to wait for an asynchronous operation: --wait, unless --dry-run, which
// sends nothing to wait for.
func (a *app) waiting(wait bool) bool {
	return wait && !a.flags.dryRun
}

// startWait prepares the wait for one operation: --timeout and a progress display on stderr.
// The client, holding the catalog, bounds the wait by the plan's maximum_polling_duration.
func (a *app) startWait(label string) (*openservicebrokerv1.WaitOptions, *progress) {
	display := newProgress(a.stderr, a.terminal, a.columns, label)
	options := openservicebrokerv1.NewWaitOptions().SetOnPoll(display.onPoll)
	if a.flags.timeout > 0 {
		options.SetMaxWait(a.flags.timeout)
	}
	return options, display
}

// resumeTarget names what a wait followed, to print the command that resumes it.
type resumeTarget struct {
	instanceID, bindingID string
	offering              *offering
	operation             *string
	// deletion says the operation deprovisions or unbinds, so that 410 Gone ends the wait.
	deletion bool
}

// endWait closes the progress display and, when the wait did not see the end of the
// operation (timeout, Ctrl-C), adds the command that resumes it to the error. It never
// deletes anything.
func (a *app) endWait(display *progress, target resumeTarget, err error) error {
	var failed *openservicebrokerv1.OperationFailedError
	var mitigation *openservicebrokerv1.OrphanMitigationError
	switch {
	case err == nil:
		display.finish("succeeded")
		return nil
	case errors.As(err, &mitigation):
		display.finish("ended")
		if mitigation.Completed {
			return err
		}
		return withHint(err, "it may exist at the broker; delete it with: "+target.deleteCommand())
	case errors.As(err, &failed):
		display.finish("failed")
		return err
	case errors.Is(err, openservicebrokerv1.ErrWaitTimeout):
		display.finishAtLimit(a.waitLimit())
		return withHint(err, a.whyTimedOut()+"the broker goes on with the operation; wait longer with: "+a.resumeCommand(target))
	case errors.Is(err, context.Canceled):
		display.finish("stopped waiting")
		return withHint(fmt.Errorf("stopped waiting, nothing was deleted: %w", err), "the broker goes on with the operation; resume with: "+a.resumeCommand(target))
	}
	display.finish("ended")
	return err
}

// waitLimit names the limit a wait reached: --timeout as the user gave it, else the maximum wait.
func (a *app) waitLimit() string {
	if a.flags.timeout > 0 {
		return "at the limit of " + a.flags.timeout.String() + " (--timeout)"
	}
	return "at the maximum wait (the plan's maximum_polling_duration, else 1h)"
}

// whyTimedOut explains a wait that ended before its maximum: the next poll, at the time the
// broker's Retry-After asks for or at the next step of the backoff, would have come after it.
func (a *app) whyTimedOut() string {
	limit := "the maximum wait"
	if a.flags.timeout > 0 {
		limit = "--timeout " + a.flags.timeout.String()
	}
	if a.lastRetryAfter > 0 {
		return fmt.Sprintf("the broker asked for the next poll in %s (Retry-After), after %s; ", a.lastRetryAfter, limit)
	}
	return fmt.Sprintf("the next poll would have come after %s; ", limit)
}

// label names the operation kind on the target in the progress display.
func (t resumeTarget) label(kind string) string {
	if t.bindingID != "" {
		return kind + " " + t.bindingID
	}
	return kind + " " + t.instanceID
}

// resumeCommand is the osb command line that waits for the operation again: osb resume when
// the local record holds it, else the last-operation command that needs nothing else.
func (a *app) resumeCommand(t resumeTarget) string {
	if a.record == nil || a.recordFailed || a.flags.dryRun {
		return t.lastOperationCommand()
	}
	parts := []string{"osb", "resume", shellWord(t.instanceID)}
	if t.bindingID != "" {
		parts = append(parts, "--binding", shellWord(t.bindingID))
	}
	for _, flag := range []struct{ name, value string }{{"--target", a.flags.target}, {"--url", redactedURL(a.flags.url)}, {"--user", a.flags.user}, {"--token-file", a.flags.tokenFile}} {
		if flag.value != "" {
			parts = append(parts, flag.name, shellWord(flag.value))
		}
	}
	return strings.Join(parts, " ")
}

// lastOperationCommand is the osb last-operation command line that waits for the operation.
func (t resumeTarget) lastOperationCommand() string {
	parts := []string{"osb", "last-operation", shellWord(t.instanceID)}
	if t.bindingID != "" {
		parts = append(parts, "--binding", shellWord(t.bindingID))
	}
	if t.offering != nil && t.offering.serviceID != "" {
		parts = append(parts, "--service", shellWord(t.offering.serviceID))
	}
	if t.offering != nil && t.offering.planID != "" {
		parts = append(parts, "--plan", shellWord(t.offering.planID))
	}
	if t.operation != nil && *t.operation != "" {
		parts = append(parts, "--operation", shellWord(*t.operation))
	}
	if t.deletion {
		parts = append(parts, "--deletion")
	}
	return strings.Join(append(parts, "--wait"), " ")
}

// deleteCommand is the osb command line that deletes what a provision or bind may have left.
func (t resumeTarget) deleteCommand() string {
	parts := []string{"osb", "deprovision", shellWord(t.instanceID)}
	if t.bindingID != "" {
		parts = []string{"osb", "unbind", shellWord(t.instanceID), shellWord(t.bindingID)}
	}
	if t.offering != nil {
		parts = append(parts, "--service", shellWord(t.offering.serviceID), "--plan", shellWord(t.offering.planID))
	}
	return strings.Join(append(parts, "--wait"), " ")
}

// creation is the kind of operation that creates the target.
func (t resumeTarget) creation() openservicebrokerv1.OperationKind {
	if t.bindingID != "" {
		return openservicebrokerv1.OperationBind
	}
	return openservicebrokerv1.OperationProvision
}

// leftBehind is the error of a provision or bind sent without --wait whose outcome is unknown
// (see NeedsOrphanMitigation): nothing deleted it, so the caller has to.
func leftBehind(target resumeTarget, err error) error {
	return withHint(fmt.Errorf("%w: %w", errMayBeLeftBehind, err), "nothing was deleted without --wait; delete it with: "+target.deleteCommand())
}

// shellWord quotes s for a shell only when it needs it, keeping hints readable.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@%+=,") == "" {
		return s
	}
	return shellQuote(s)
}

// asyncRequest is one request that the broker may carry out asynchronously (202 Accepted),
// with O its options' type and R its answer's type.
type asyncRequest[O, R any] struct {
	// name is the kind of operation (kindProvision, ...), which also names it in the progress display.
	name    string
	target  resumeTarget
	kind    demo.RequestKind
	wait    bool
	options O
	// send sends the request once (a client's *WithContext method); andWait sends it and waits
	// for its end (an *AndWait helper).
	send    func(context.Context, O) (R, *core.DetailedResponse, error)
	andWait func(context.Context, O, *openservicebrokerv1.WaitOptions) (R, *core.DetailedResponse, error)
	// credentialsFile is where a bind writes the credentials it got (--credentials-file).
	credentialsFile string
}

// perform sends an asynchronous request, waiting for it under --wait, and returns its outcome.
// A creation whose outcome is unknown without --wait is reported as possibly left behind.
func perform[O, R any](a *app, ctx context.Context, request asyncRequest[O, R]) (*outcome, error) {
	var result R
	var response *core.DetailedResponse
	var err error
	tracked := a.track(request.target, request.name)
	a.accepted = tracked.accepted
	defer func() { a.accepted = nil }()
	handedOver := false
	if a.waiting(request.wait) {
		waitOptions, display := a.startWait(request.target.label(request.name))
		tracked.keep(waitOptions)
		if request.kind == demo.Creation && request.target.bindingID != "" {
			waitOptions.OnCredentials = func(_ context.Context, _ openservicebrokerv1.OperationRecord, binding *openservicebrokerv1.BindingPutResp) error {
				handedOver = true
				return handOver(binding, request.credentialsFile)
			}
		}
		result, response, err = request.andWait(ctx, request.options, waitOptions)
		request.target.operation = operationIn(result)
		err = a.endWait(display, request.target, err)
	} else {
		result, response, err = request.send(ctx, request.options)
		request.target.operation = operationIn(result)
		if request.kind == demo.Creation && openservicebrokerv1.NeedsOrphanMitigation(request.target.creation(), response, err) {
			err = leftBehind(request.target, err)
		}
	}
	tracked.end(response, a.waiting(request.wait), request.target.operation, err)
	if response == nil {
		return nil, err
	}
	o, outcomeErr := a.instanceOutcome(response, result, request.target, request.kind, request.wait, err)
	// A bind prints its credentials once it has ended; an unbind has none.
	ended := response.StatusCode != http.StatusAccepted || a.waiting(request.wait)
	if o == nil || outcomeErr != nil || request.target.bindingID == "" || request.kind != demo.Creation || !ended {
		return o, outcomeErr
	}
	// Under --wait the file was written before the record advanced past the bind.
	if !handedOver || request.credentialsFile == "" {
		if err := a.keepCredentials(result, request.target.offering, request.credentialsFile); err != nil {
			return o, err
		}
	}
	instanceTable := o.table
	o.table = func(w io.Writer) {
		instanceTable(w)
		if answer, ok := o.Answer.(map[string]any); ok {
			printCredentials(w, answer["credentials"], a.flags.showSecrets)
		}
	}
	return o, nil
}

// operationIn reads the operation of an answer (Provisioning, Response and the others: the
// operation to poll with), nil when it has none.
func operationIn(answer any) *string {
	plain, _ := answerOf(answer, true)
	fields, _ := plain.(map[string]any)
	if operation, ok := fields["operation"].(string); ok && operation != "" {
		return &operation
	}
	return nil
}
