package openservicebrokerv1

import (
	"context"
	"time"
)

// AwaitRecord steps a stored operation record to its end, as the *AndWait helpers step theirs:
// it sleeps until each NextAt, reports each poll to wait's OnPoll, hands each next record to
// wait's OnRecord before acting again, and returns the last record with the errors the helpers
// document (*OperationFailedError, *OrphanMitigationError, ErrWaitTimeout, or the broker's
// error). wait's RecordKey opens a sealed record; OnCredentials is required for a bind record.
// The wait ends at wait's maximum (MaxWait, else the plan's maximum_polling_duration, else
// DefaultMaxWait) or at the record's own deadline, whichever comes first: a record that timed
// out this wait is left as it stands, to be awaited again. A record already done is returned
// as it is, with a nil error.
//
// It is how a command-line tool resumes, in a new process, the operation a *AndWait helper
// stored with OnRecord before it was interrupted.
func (openServiceBroker *OpenServiceBrokerV1) AwaitRecord(ctx context.Context, record OperationRecord, wait *WaitOptions) (OperationRecord, error) {
	const op = "AwaitRecord"
	if err := record.check(op); err != nil {
		return record, err
	}
	if record.Done() {
		return record, nil
	}
	planID := record.PlanID
	if record.PreviousPlanID != "" {
		planID = record.PreviousPlanID
	}
	target := operationTarget{instanceID: record.InstanceID, bindingID: record.BindingID, operation: nonEmpty(record.Operation), deletion: record.Kind.deletes()}
	plan, err := newWaitPlan(op, openServiceBroker.withCatalogPollingLimit(wait.orDefaults(), &record.ServiceID, nonEmpty(planID)), target)
	if err != nil {
		return record, err
	}
	var onCredentials func(context.Context, OperationRecord, *BindingPutResp) error
	if wait != nil {
		onCredentials = wait.OnCredentials
	}
	run := openServiceBroker.newDriver(plan, onCredentials)
	run.useRecordOptions(wait)
	// The record acts now, whatever its NextAt: the caller asked to go on.
	record.NextAt = minTime(record.NextAt, plan.clock.now())
	return run.run(ctx, record)
}

// minTime is the earlier of two times.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
