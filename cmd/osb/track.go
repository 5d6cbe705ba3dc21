package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/IBM/go-sdk-core/v5/core"
	"github.com/spf13/cobra"

	"github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// The operations osb sends, as the record names them.
const (
	kindProvision   = "provision"
	kindUpdate      = "update"
	kindDeprovision = "deprovision"
	kindBind        = "bind"
	kindUnbind      = "unbind"
)

// tracking keeps the record of one operation: begun before it is sent, settled by its outcome.
type tracking struct {
	a        *app
	entry    entry
	previous *entry
}

// track records that the operation kind on target is about to be sent. It returns nil (which
// tracks nothing) under --dry-run or without a record.
func (a *app) track(target resumeTarget, kind string) *tracking {
	if a.flags.dryRun {
		return nil
	}
	rec := a.localRecord()
	if rec == nil {
		return nil
	}
	previous, err := rec.get(a.broker, target.instanceID, target.bindingID)
	a.recordError(err)
	e := entry{Broker: a.broker, Target: a.targetName, InstanceID: target.instanceID, BindingID: target.bindingID, Kind: kind, State: stateSending}
	if previous != nil {
		e.ServiceID, e.PlanID, e.ServiceName, e.PlanName = previous.ServiceID, previous.PlanID, previous.ServiceName, previous.PlanName
	}
	if o := target.offering; o != nil {
		e.ServiceID = o.serviceID
		if o.service != nil {
			e.ServiceName = o.service.Name()
		}
		if o.planID != "" {
			e.PlanID, e.PlanName = o.planID, ""
		}
		if o.plan != nil {
			e.PlanName = o.plan.Name()
		}
	}
	a.recordError(rec.put(e))
	return &tracking{a: a, entry: e, previous: previous}
}

// follow tracks a wait for an operation the record already holds (last-operation, resume); nil
// when it holds none.
func (a *app) follow(target resumeTarget) *tracking {
	rec := a.localRecord()
	if rec == nil {
		return nil
	}
	e, err := rec.get(a.broker, target.instanceID, target.bindingID)
	a.recordError(err)
	if e == nil {
		return nil
	}
	return &tracking{a: a, entry: *e, previous: e}
}

// accepted records that the broker accepted the operation (202): it is in progress, polled with
// operation, even if the process does not survive the wait. Without a record it does nothing.
func (t *tracking) accepted(operation string) {
	if t == nil || t.entry.State == stateInProgress {
		// Only the first: a 202 later in the same command answers an orphan mitigation.
		return
	}
	t.entry.State, t.entry.Operation = stateInProgress, operation
	t.previous = &t.entry
	t.a.recordError(t.a.record.put(t.entry))
}

// keep has the wait store its operation record in the entry before each action, so that osb
// resume goes on exactly where it stopped. The record keeps no request (NoReplay, no RecordKey):
// the record holds no parameters, and a request whose answer a crash or Ctrl-C lost is settled
// as --wait settles an unknown outcome, by orphan mitigation (a provision or bind is deleted, an
// update fails), never by a request osb can no longer show the user.
func (t *tracking) keep(wait *openservicebrokerv1.WaitOptions) {
	if t != nil {
		wait.OnRecord = t.stored
	}
}

// stored writes the next operation record; a record that cannot be written is said once and the
// wait goes on, as every command goes on without the record.
func (t *tracking) stored(_ context.Context, next openservicebrokerv1.OperationRecord) error {
	encoded, err := json.Marshal(next)
	if err != nil {
		return err
	}
	t.entry.Record = string(encoded)
	if next.Operation != "" {
		t.entry.Operation = next.Operation
	}
	t.a.recordError(t.a.record.put(t.entry))
	return nil
}

func (t *tracking) deletion() bool {
	return t.entry.Kind == kindDeprovision || t.entry.Kind == kindUnbind
}

// end records the outcome: response is the answer to the request (nil without one), waited
// says the command waited for the operation to end, operation is the broker's value to poll.
func (t *tracking) end(response *core.DetailedResponse, waited bool, operation *string, err error) {
	if t == nil {
		return
	}
	e := t.entry
	if operation != nil {
		e.Operation = *operation
	}
	answered := response != nil && response.StatusCode < 300
	var failed *openservicebrokerv1.OperationFailedError
	var mitigation *openservicebrokerv1.OrphanMitigationError
	switch {
	case err == nil && response != nil && response.StatusCode == http.StatusAccepted && !waited:
		e.State = stateInProgress
	case err == nil && t.deletion(), errors.As(err, &mitigation) && mitigation.Completed:
		t.a.recordError(t.a.record.remove(e.Broker, e.InstanceID, e.BindingID))
		return
	case err == nil:
		e.State = stateSucceeded
	case errors.As(err, &mitigation), errors.Is(err, errMayBeLeftBehind):
		e.State = stateUnknown
	case errors.As(err, &failed):
		e.State = stateFailed
	case errors.Is(err, openservicebrokerv1.ErrWaitTimeout), errors.Is(err, context.Canceled):
		if answered || t.previous != nil && t.previous.inFlight() {
			e.State = stateInProgress
		}
	default:
		t.restore()
		return
	}
	if !e.inFlight() {
		e.Record = ""
	}
	t.a.recordError(t.a.record.put(e))
}

// restore puts back what the record held before a request the broker refused or never got.
func (t *tracking) restore() {
	if t.previous != nil {
		t.a.recordError(t.a.record.put(*t.previous))
		return
	}
	t.a.recordError(t.a.record.remove(t.entry.Broker, t.entry.InstanceID, t.entry.BindingID))
}

// knownOffering is the service and plan of an existing instance or binding: the record's, else,
// with ask, for an instance the broker lets osb read, its answer. Empty when neither knows.
func (a *app) knownOffering(ctx context.Context, client *openservicebrokerv1.OpenServiceBrokerV1, instanceID, bindingID string, ask bool) offeringFlags {
	rec := a.localRecord()
	for _, id := range []string{bindingID, ""} {
		if e, err := rec.get(a.broker, instanceID, id); err == nil && e != nil && e.ServiceID != "" {
			return offeringFlags{service: e.ServiceID, plan: e.PlanID}
		}
	}
	if !ask || a.flags.dryRun {
		return offeringFlags{}
	}
	answer, _, err := client.GetServiceInstanceWithContext(ctx, client.NewGetServiceInstanceOptions(instanceID))
	if err != nil || answer == nil {
		return offeringFlags{}
	}
	return offeringFlags{service: core.StringNilMapper(answer.ServiceID), plan: core.StringNilMapper(answer.PlanID)}
}

// connectFor builds the client and finds the offering of an existing instance or binding:
// the flags', else the one knownOffering finds. With need, a service and plan are required, and
// the broker is asked for them when the record does not know them.
func (a *app) connectFor(cmd *cobra.Command, flags offeringFlags, instanceID, bindingID string, need bool) (*openservicebrokerv1.OpenServiceBrokerV1, *offering, error) {
	client, err := a.newClient()
	if err != nil {
		return nil, nil, err
	}
	if flags.service == "" && flags.plan == "" {
		flags = a.knownOffering(cmd.Context(), client, instanceID, bindingID, need)
	}
	if need && (flags.service == "" || flags.plan == "") {
		return nil, nil, usageError{fmt.Errorf("give --service and --plan: instance %s is not in the local record (osb instances) and the broker did not let osb read it", instanceID)}
	}
	o, err := a.resolve(cmd.Context(), client, flags)
	if err != nil {
		return nil, nil, err
	}
	return client, o, nil
}
