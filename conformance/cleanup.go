package conformance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// existence is what the broker's answers say about a resource.
type existence int

const (
	// exists: the broker answered the create with 200, 201 or 202.
	exists existence = iota
	// mayExist: the create got no answer, 408 or a 5xx: "Orphan Mitigation" asks the platform
	// to delete it, since the broker may have created it.
	mayExist
	// deleting: the broker accepted its deletion (202) and has not said that it ended.
	deleting
)

// entry is a resource the ledger holds.
type entry struct {
	Resource
	state existence
}

// ledger keeps what exists at the broker, from what the broker answered: every create the run
// sent, the probes that should have been refused included, adds what the answer says exists, and
// every deletion the broker confirms removes it. A create the broker refused (any other 4xx)
// created nothing ("Orphan Mitigation": no mitigation) and is not held.
type ledger struct {
	mu      sync.Mutex
	entries []*entry
}

// resourcePath reads a broker path: the instance and binding it names, and whether it is a
// last_operation endpoint. ok is false for a path that names no instance.
func resourcePath(u *url.URL) (instanceID, bindingID string, lastOperation, ok bool) {
	segments := strings.Split(u.EscapedPath(), "/")
	for i := 0; i+2 < len(segments); i++ {
		if segments[i] != "v2" || segments[i+1] != "service_instances" {
			continue
		}
		rest := segments[i+2:]
		decoded := make([]string, len(rest))
		for j, segment := range rest {
			value, err := url.PathUnescape(segment)
			if err != nil {
				return "", "", false, false
			}
			decoded[j] = value
		}
		instanceID = decoded[0]
		if len(decoded) >= 3 && decoded[1] == "service_bindings" {
			bindingID, decoded = decoded[2], decoded[2:]
		}
		return instanceID, bindingID, decoded[len(decoded)-1] == "last_operation" && len(decoded) > 1, instanceID != ""
	}
	return "", "", false, false
}

// observe updates the ledger from one exchange; status is 0 when no answer arrived.
func (l *ledger) observe(request *http.Request, requestBody []byte, status int, responseBody []byte) {
	instanceID, bindingID, lastOperation, ok := resourcePath(request.URL)
	if !ok {
		return
	}
	key := Resource{InstanceID: instanceID, BindingID: bindingID}
	switch {
	case request.Method == http.MethodPut && !lastOperation:
		l.observeCreate(key, requestBody, status)
	case request.Method == http.MethodPatch && (status == http.StatusOK || status == http.StatusAccepted):
		var body struct {
			PlanID string `json:"plan_id"`
		}
		if json.Unmarshal(requestBody, &body) == nil && body.PlanID != "" {
			l.update(key, func(e *entry) { e.PlanID = body.PlanID })
		}
	case request.Method == http.MethodDelete && (status == http.StatusOK || status == http.StatusGone):
		l.forget(key)
	case request.Method == http.MethodDelete && status == http.StatusAccepted:
		l.update(key, func(e *entry) { e.state = deleting })
	case request.Method == http.MethodGet && lastOperation:
		l.observePoll(key, status, responseBody)
	}
}

func (l *ledger) observeCreate(key Resource, requestBody []byte, status int) {
	var state existence
	switch {
	case status == http.StatusOK || status == http.StatusCreated || status == http.StatusAccepted:
		state = exists
	case status == 0 || status == http.StatusRequestTimeout || status >= 500:
		state = mayExist
	default:
		return
	}
	var body struct {
		ServiceID string `json:"service_id"`
		PlanID    string `json:"plan_id"`
	}
	_ = json.Unmarshal(requestBody, &body)
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.find(key); e != nil {
		if state == exists {
			e.state = exists
		}
		return
	}
	key.ServiceID, key.PlanID = body.ServiceID, body.PlanID
	l.entries = append(l.entries, &entry{Resource: key, state: state})
}

// observePoll forgets a resource whose accepted deletion the broker reports as ended: 410 Gone
// or "succeeded". A deletion reported "failed" leaves the resource in place.
func (l *ledger) observePoll(key Resource, status int, responseBody []byte) {
	var body struct {
		State string `json:"state"`
	}
	_ = json.Unmarshal(responseBody, &body)
	l.mu.Lock()
	e := l.find(key)
	if e == nil || e.state != deleting {
		l.mu.Unlock()
		return
	}
	switch {
	case status == http.StatusGone || (status == http.StatusOK && body.State == "succeeded"):
		l.mu.Unlock()
		l.forget(key)
		return
	case status == http.StatusOK && body.State == "failed":
		e.state = exists
	}
	l.mu.Unlock()
}

func (l *ledger) find(key Resource) *entry {
	for _, e := range l.entries {
		if e.InstanceID == key.InstanceID && e.BindingID == key.BindingID {
			return e
		}
	}
	return nil
}

func (l *ledger) update(key Resource, change func(*entry)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if e := l.find(key); e != nil {
		change(e)
	}
}

// forget drops a resource; an instance takes its bindings with it.
func (l *ledger) forget(key Resource) {
	l.mu.Lock()
	defer l.mu.Unlock()
	kept := l.entries[:0]
	for _, e := range l.entries {
		sameInstance := e.InstanceID == key.InstanceID
		if sameInstance && (e.BindingID == key.BindingID || key.BindingID == "") {
			continue
		}
		kept = append(kept, e)
	}
	l.entries = kept
}

// holds reports whether the ledger holds the resource.
func (l *ledger) holds(key Resource) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.find(key) != nil
}

// pending returns the bindings, newest first, then the instances, newest first; with an
// instance id, only that instance and its bindings.
func (l *ledger) pending(instanceID string) []entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	var bindings, instances []entry
	for i := len(l.entries) - 1; i >= 0; i-- {
		e := *l.entries[i]
		switch {
		case instanceID != "" && e.InstanceID != instanceID:
		case e.BindingID != "":
			bindings = append(bindings, e)
		default:
			instances = append(instances, e)
		}
	}
	return append(bindings, instances...)
}

// sweep removes everything the ledger holds, on a context of its own: it runs after a failure
// or a cancelled run too. What it cannot remove becomes a leftover.
func (r *run) sweep() {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	r.removeAll(ctx, "", false)
	for _, e := range r.ledger.pending("") {
		resource := e.Resource
		if resource.Problem == "" {
			resource.Problem = "the broker never confirmed its deletion"
		}
		if e.state == mayExist {
			resource.Problem += " (its create got no valid answer: it may or may not exist)"
		}
		r.report.Leftovers = append(r.report.Leftovers, resource)
	}
}

// removeNow deletes an instance and its bindings at the end of a scenario, so that scenarios
// do not pile up instances on the broker; the final sweep retries what this could not remove.
func (r *run) removeNow(instanceID string) {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	r.removeAll(ctx, instanceID, false)
}

// removeBindings deletes the bindings of an instance the ledger holds.
func (r *run) removeBindings(instanceID string) {
	ctx, cancel := context.WithTimeout(context.Background(), sweepTimeout)
	defer cancel()
	r.removeAll(ctx, instanceID, true)
}

func (r *run) removeAll(ctx context.Context, instanceID string, bindingsOnly bool) {
	for _, e := range r.ledger.pending(instanceID) {
		if bindingsOnly && e.BindingID == "" {
			continue
		}
		if !r.ledger.holds(e.Resource) {
			continue // gone with its instance
		}
		if err := r.remove(ctx, e.Resource); err != nil {
			r.ledger.update(e.Resource, func(held *entry) { held.Problem = err.Error() })
		}
	}
}

// remove deletes a resource as "Deprovisioning" and "Unbinding" describe it: 200 or 410 Gone
// end it, 202 is polled until the broker says it ended (410 Gone included). A refusal while an
// operation is in flight is waited out once, then the deletion is sent again.
func (r *run) remove(ctx context.Context, resource Resource) error {
	limit := r.limitFor(resource.PlanID)
	r.notify("removing %s (waiting at most %s)", describeResource(resource), limit)
	var err error
	for attempt := 0; attempt < 2 && r.ledger.holds(resource); attempt++ {
		var operation string
		var response int
		operation, response, err = r.sendDelete(ctx, resource)
		switch {
		case err == nil && response == http.StatusAccepted:
			err = r.waitGone(ctx, resource, operation, limit)
		case err == nil:
		case ctx.Err() != nil:
			return err
		default:
			_ = r.waitGone(ctx, resource, "", limit) // however the operation in flight ends, the next deletion decides
		}
	}
	if r.ledger.holds(resource) && err == nil {
		err = errors.New("the broker did not confirm the deletion")
	}
	if !r.ledger.holds(resource) {
		return nil
	}
	return err
}

// sendDelete sends one DELETE with accepts_incomplete=true.
func (r *run) sendDelete(ctx context.Context, resource Resource) (operation string, status int, err error) {
	if resource.BindingID != "" {
		options := r.client.NewDeleteServiceBindingOptions(resource.BindingID, resource.InstanceID, resource.PlanID, resource.ServiceID).SetAcceptsIncomplete(true)
		response, err := r.client.DeleteServiceBindingWithContext(ctx, options)
		return r.lastOperationToken(), statusOf(response, err), goneIsDone(err)
	}
	options := r.client.NewDeleteServiceInstanceOptions(resource.ServiceID, resource.PlanID, resource.InstanceID).SetAcceptsIncomplete(true)
	result, response, err := r.client.DeleteServiceInstanceWithContext(ctx, options)
	if result != nil {
		operation = deref(result.Operation)
	}
	return operation, statusOf(response, err), goneIsDone(err)
}

// lastOperationToken reads the operation of the latest answer (an unbind's 202).
func (r *run) lastOperationToken() string {
	exchange := r.recorder.last()
	if exchange == nil {
		return ""
	}
	var body struct {
		Operation string `json:"operation"`
	}
	_ = json.Unmarshal([]byte(exchange.ResponseBody), &body)
	return body.Operation
}

// goneIsDone drops the error of a 410 Gone: the resource is not there, which is what a
// deletion wants.
func goneIsDone(err error) error {
	if status, _ := errorCode(err); status == http.StatusGone {
		return nil
	}
	return err
}

// waitGone polls the resource's last operation as a deletion's: 410 Gone is success.
func (r *run) waitGone(ctx context.Context, resource Resource, operation string, limit time.Duration) error {
	wait := r.waitOptions(nil, nil)
	wait.SetMaxWait(limit).SetDeletion(true)
	if resource.BindingID != "" {
		options := r.client.NewGetServiceBindingLastOperationOptions(resource.BindingID, resource.InstanceID).
			SetServiceID(resource.ServiceID).SetPlanID(resource.PlanID)
		if operation != "" {
			options.SetOperation(operation)
		}
		_, _, err := r.client.AwaitServiceBindingLastOperation(ctx, options, &wait)
		return err
	}
	options := r.client.NewGetLastOperationOptions(resource.InstanceID).SetServiceID(resource.ServiceID).SetPlanID(resource.PlanID)
	if operation != "" {
		options.SetOperation(operation)
	}
	_, _, err := r.client.AwaitLastOperation(ctx, options, &wait)
	return err
}

// limitFor is the longest wait for one operation of the plan: the checker's maximum wait,
// shortened by the plan's maximum_polling_duration.
func (r *run) limitFor(planID string) time.Duration {
	limit := r.options.MaxWait
	if p := r.plans[planID]; p != nil {
		if duration, ok := p.MaximumPollingDuration(); ok && duration < limit {
			limit = duration
		}
	}
	return limit
}

// notify reports what the run is doing when it may take a while.
func (r *run) notify(format string, args ...any) {
	if r.options.Notice != nil {
		r.options.Notice(fmt.Sprintf(format, args...))
	}
}

func describeResource(resource Resource) string {
	if resource.BindingID != "" {
		return fmt.Sprintf("binding %q of instance %q", resource.BindingID, resource.InstanceID)
	}
	return fmt.Sprintf("instance %q", resource.InstanceID)
}
