package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The last_operation endpoints, as the polling checks name them in their subjects.
const (
	instancePolls = "GET /v2/service_instances/:instance_id/last_operation"
	bindingPolls  = "GET /v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation"
)

// polling is what the checker saw while waiting for one operation.
type polling struct {
	endpoint  string
	what      string
	states    []string
	exchanges []Exchange
	elapsed   time.Duration
	limit     time.Duration
	err       error
}

// waitForInstance polls the instance's operation until it ends, recording every state.
func (r *run) waitForInstance(ctx context.Context, instance *instanceUnderTest, operation, what string, deletion bool) polling {
	seen := polling{endpoint: instancePolls, what: what, limit: r.limitFor(instance.planID)}
	options := r.client.NewGetLastOperationOptions(instance.id).SetServiceID(instance.plan.serviceID()).SetPlanID(instance.planID)
	if operation != "" {
		options.SetOperation(operation)
	}
	wait := r.waitOptions(instance.plan, seen.onPoll())
	r.await(&seen, fmt.Sprintf("instance %q", instance.id), func() error {
		_, _, err := r.client.AwaitLastOperation(ctx, options, wait.SetDeletion(deletion))
		return err
	})
	return seen
}

// waitForBinding polls the binding's operation until it ends, recording every state.
func (r *run) waitForBinding(ctx context.Context, b *bindingUnderTest, operation, what string, deletion bool) polling {
	p := b.instance.plan
	seen := polling{endpoint: bindingPolls, what: what, limit: r.limitFor(b.instance.planID)}
	options := r.client.NewGetServiceBindingLastOperationOptions(b.id, b.instance.id).SetServiceID(p.serviceID()).SetPlanID(b.instance.planID)
	if operation != "" {
		options.SetOperation(operation)
	}
	wait := r.waitOptions(p, seen.onPoll())
	r.await(&seen, fmt.Sprintf("binding %q", b.id), func() error {
		_, _, err := r.client.AwaitServiceBindingLastOperation(ctx, options, wait.SetDeletion(deletion))
		return err
	})
	return seen
}

func (seen *polling) onPoll() func(openservicebrokerv1.PollEvent) {
	return func(event openservicebrokerv1.PollEvent) { seen.states = append(seen.states, event.State) }
}

// await runs one wait, says how long it may last, and keeps its exchanges for the polling checks.
func (r *run) await(seen *polling, subject string, wait func() error) {
	r.notify("waiting for the %s of %s (at most %s)", seen.what, subject, seen.limit)
	first, start := r.recorder.count(), time.Now()
	seen.err = wait()
	seen.elapsed = time.Since(start)
	seen.exchanges = r.recorder.since(first)
	r.polls = append(r.polls, *seen)
}

// gradePolls grades the last_operation checks over every wait of the scenario, once for the
// instance polls and once for the binding polls.
func (r *run) gradePolls() {
	subject := r.subject
	defer func() { r.subject = subject }()
	for _, endpoint := range []string{instancePolls, bindingPolls} {
		var waits []polling
		for _, seen := range r.polls {
			if seen.endpoint == endpoint {
				waits = append(waits, seen)
			}
		}
		if len(waits) == 0 {
			continue
		}
		r.subject = subject + " " + endpoint
		r.gradeStates(waits)
		r.gradeOperationFields(waits)
		r.gradeRetryAfter(waits)
		r.gradeDurations(waits)
	}
	r.polls = nil
}

var validStates = map[string]bool{"in progress": true, "succeeded": true, "failed": true}

func (r *run) gradeStates(waits []polling) {
	polls := 0
	for _, seen := range waits {
		for i, state := range seen.states {
			polls++
			if state != "" && !validStates[state] {
				var evidence *Exchange
				if i < len(seen.exchanges) {
					evidence = &seen.exchanges[i]
				}
				r.grade(LastOperationStateValues, checkByID[LastOperationStateValues].violation(), evidence,
					`poll %d of the %s reported the state %q; the specification spells them "in progress", "succeeded" and "failed"`, i+1, seen.what, state)
				return
			}
		}
	}
	r.grade(LastOperationStateValues, Pass, lastExchange(waits), "%d poll(s) over %d wait(s), every state well spelt", polls, len(waits))
}

// gradeOperationFields checks that instance_usable comes only with the last operation of an
// update or a deprovision, and update_repeatable only with an update's.
func (r *run) gradeOperationFields(waits []polling) {
	for _, seen := range waits {
		update := strings.HasPrefix(seen.what, "update")
		usable := update || strings.HasPrefix(seen.what, "deprovision")
		for i := range seen.exchanges {
			var body map[string]json.RawMessage
			if json.Unmarshal([]byte(seen.exchanges[i].ResponseBody), &body) != nil {
				continue
			}
			_, hasUsable := body["instance_usable"]
			_, hasRepeatable := body["update_repeatable"]
			if (hasUsable && !usable) || (hasRepeatable && !update) {
				r.grade(LastOperationOperationFields, checkByID[LastOperationOperationFields].violation(), &seen.exchanges[i],
					"the last operation of a %s carries instance_usable or update_repeatable", seen.what)
				return
			}
		}
	}
	r.grade(LastOperationOperationFields, Pass, lastExchange(waits), "every last operation carries only the fields of its kind")
}

func (r *run) gradeRetryAfter(waits []polling) {
	sent := 0
	for _, seen := range waits {
		for i := range seen.exchanges {
			value := seen.exchanges[i].rawResponseHeaders.Get("Retry-After")
			if value == "" {
				continue
			}
			sent++
			if _, ok := retryAfter(value); !ok {
				r.grade(LastOperationRetryAfter, checkByID[LastOperationRetryAfter].violation(), &seen.exchanges[i],
					"Retry-After %q is neither a number of seconds nor an HTTP date", value)
				return
			}
		}
	}
	if sent == 0 {
		r.grade(LastOperationRetryAfter, Pass, lastExchange(waits), "the broker sent no Retry-After (it MAY)")
		return
	}
	r.grade(LastOperationRetryAfter, Pass, lastExchange(waits), "%d well-formed Retry-After header(s)", sent)
}

// gradeDurations judges how the waits ended. An operation that outlasts the plan's own
// maximum_polling_duration is the broker's failure; one cut short by a limit the
// specification does not set is inconclusive.
func (r *run) gradeDurations(waits []polling) {
	for _, seen := range waits {
		if !errors.Is(seen.err, openservicebrokerv1.ErrWaitTimeout) {
			continue
		}
		if why, ok := r.inconclusive(seen); ok {
			r.grade(LastOperationWithinMaximumPollingDuration, Inconclusive, lastExchange([]polling{seen}), "%s", why)
		} else {
			r.grade(LastOperationWithinMaximumPollingDuration, checkByID[LastOperationWithinMaximumPollingDuration].violation(), lastExchange([]polling{seen}),
				"the %s did not end within the plan's maximum_polling_duration (%s)", seen.what, seen.limit)
		}
		return
	}
	polls := 0
	for _, seen := range waits {
		polls += len(seen.states)
	}
	r.grade(LastOperationWithinMaximumPollingDuration, Pass, lastExchange(waits), "%d wait(s) ended after %d poll(s)", len(waits), polls)
}

// inconclusive says why a wait that timed out is no verdict on the broker: the broker asked,
// with Retry-After, for more time than the wait had left, or the wait hit the checker's own
// maximum wait. The specification limits neither; only a plan's maximum_polling_duration is
// the broker's own limit.
func (r *run) inconclusive(seen polling) (string, bool) {
	if !errors.Is(seen.err, openservicebrokerv1.ErrWaitTimeout) {
		return "", false
	}
	if evidence := lastExchange([]polling{seen}); evidence != nil {
		if delay, ok := retryAfter(evidence.rawResponseHeaders.Get("Retry-After")); ok && seen.elapsed+delay >= seen.limit {
			return fmt.Sprintf("the %s: the broker asked to retry after %s, beyond the maximum wait of %s", seen.what, roundDuration(delay), seen.limit), true
		}
	}
	if r.declaredLimit(seen.limit) {
		return "", false
	}
	return fmt.Sprintf("the %s did not end within the checker's maximum wait of %s (--max-wait); the plan sets no shorter maximum_polling_duration", seen.what, seen.limit), true
}

// declaredLimit reports whether a wait's limit is a plan's maximum_polling_duration rather than
// the checker's own maximum wait.
func (r *run) declaredLimit(limit time.Duration) bool {
	return limit < r.options.MaxWait
}

func lastExchange(waits []polling) *Exchange {
	for i := len(waits) - 1; i >= 0; i-- {
		if n := len(waits[i].exchanges); n > 0 {
			return &waits[i].exchanges[n-1]
		}
	}
	return nil
}

// retryAfter reads a Retry-After value: a number of seconds or an HTTP date.
func retryAfter(value string) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if when, err := http.ParseTime(value); err == nil {
		return max(time.Until(when), 0), true
	}
	for _, c := range value {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	seconds, err := strconv.ParseInt(value, 10, 64)
	if err != nil || seconds > 100*365*24*3600 {
		return 100 * 365 * 24 * time.Hour, true // a well-formed number beyond any wait
	}
	return time.Duration(seconds) * time.Second, true
}

// roundDuration prints long durations in hours, as a reader thinks of them.
func roundDuration(d time.Duration) string {
	if d >= 2*time.Hour {
		return fmt.Sprintf("%d h", int64(d/time.Hour))
	}
	return d.Round(time.Second).String()
}
