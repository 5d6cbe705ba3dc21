package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/riverqueue/river"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// schedulerInterval is how often River's scheduler makes snoozed jobs available, when they were
// snoozed for longer than it (River's JobSchedulerIntervalDefault, not configurable).
const schedulerInterval = 5 * time.Second

// throttleWait is how long a step waits for a broker's concurrency limit to free a slot.
const throttleWait = 50 * time.Millisecond

type stepWorker struct {
	river.WorkerDefaults[stepArgs]
	engine *Engine
}

func (e *Engine) worker() *stepWorker { return &stepWorker{engine: e} }

func (w *stepWorker) Work(ctx context.Context, job *river.Job[stepArgs]) error {
	return w.engine.step(ctx, job.Args.ID)
}

// step runs one step of the operation if it is due, stores the record it leads to, and tells
// River when to run the job again. An error makes River retry with backoff (retryPolicy).
func (e *Engine) step(ctx context.Context, id string) error {
	r, err := e.store.load(ctx, id)
	if errors.Is(err, errNoRow) {
		err = &RecordError{ID: id, Err: errNoRow}
		e.logBadRecord(err)
		return river.JobCancel(err)
	}
	if err != nil {
		return e.storeFailed("loading", id, err)
	}
	op, err := e.decode(r)
	if err != nil {
		e.logBadRecord(err)
		return river.JobCancel(err)
	}
	if op.Cancelled || op.Record.Done() {
		e.notifyDone(ctx, op)
		return nil
	}
	if wait := op.Record.NextAt.Sub(e.cfg.Now()); wait > 0 {
		return river.JobSnooze(snoozeFor(wait))
	}
	next, err := e.exchange(ctx, op)
	if err != nil || next == nil {
		return err
	}
	return e.saveStep(ctx, r, op, *next)
}

// exchange runs the step within the broker's limits; a nil record means wait (River snoozes).
func (e *Engine) exchange(ctx context.Context, op Operation) (*osb.OperationRecord, error) {
	release, wait := e.limits.acquire(op.Broker, e.cfg.Now())
	if wait > 0 {
		e.stats.throttled.Add(1)
		return nil, river.JobSnooze(wait)
	}
	defer release()
	client, err := e.clients.get(ctx, op.Broker)
	if err != nil {
		e.stats.clientErrors.Add(1)
		return nil, fmt.Errorf("engine: operation %q: the client of broker %q: %w", op.ID, op.Broker, err)
	}
	e.stats.noteStep(op.Record, e.cfg.Now())
	next, err := client.Step(ctx, op.Record, &osb.StepOptions{Key: e.cfg.Key, Policy: e.cfg.Policy,
		OnCredentials: e.handOver(op), MinDelay: e.cfg.MinDelay, MaxDelay: e.cfg.MaxDelay, Now: e.cfg.Now})
	var parameterErr *osb.ParameterError
	switch {
	case errors.As(err, &parameterErr) && parameterErr.Parameter == "record":
		err = &RecordError{ID: op.ID, Err: err}
		e.logBadRecord(err)
		return nil, river.JobCancel(err)
	case err != nil && reflect.DeepEqual(next, op.Record):
		// Nothing was sent (the context ended, authentication failed): River retries.
		e.stats.stepErrors.Add(1)
		return nil, fmt.Errorf("engine: operation %q: %w", op.ID, err)
	case err != nil:
		// The record advanced but the hand-over of credentials failed: the record fetches
		// them again at its next step.
		e.stats.handOverErrors.Add(1)
		e.cfg.Logger.Warn("engine: credentials not handed over; fetching them again later", "operation", op.ID, "error", err)
	}
	return &next, nil
}

// saveStep saves the stepped record and schedules what follows.
func (e *Engine) saveStep(ctx context.Context, r row, op Operation, next osb.OperationRecord) error {
	data, err := json.Marshal(next)
	if err != nil {
		return fmt.Errorf("engine: operation %q: %w", op.ID, err)
	}
	r.record = data
	saved, err := e.store.save(ctx, r, string(next.Phase), next.Done())
	if err != nil {
		return e.storeFailed("saving", op.ID, err)
	}
	if !saved {
		return nil // a rescued run of this job saved first and carries on
	}
	e.stats.noteResult(op.Record, next)
	if next.Done() {
		op.Record = next
		e.notifyDone(ctx, op)
		return nil
	}
	return river.JobSnooze(snoozeFor(next.NextAt.Sub(e.cfg.Now())))
}

// snoozeFor is how long to snooze to run at a time wait from now. River makes a job snoozed for
// up to its scheduler's interval available at once, to be fetched when due; a longer snooze
// waits for the scheduler's next pass, up to an interval late. So a long wait is cut short by
// one interval, and the step then snoozes for the rest.
func snoozeFor(wait time.Duration) time.Duration {
	if wait > schedulerInterval {
		return wait - schedulerInterval
	}
	return max(wait, 0)
}

// handOver passes a bind's answer to the platform's OnCredentials.
func (e *Engine) handOver(op Operation) func(context.Context, osb.OperationRecord, *osb.BindingPutResp) error {
	return func(ctx context.Context, r osb.OperationRecord, answer *osb.BindingPutResp) error {
		if e.cfg.OnCredentials == nil {
			return fmt.Errorf("%w: a bind needs Config.OnCredentials", ErrConfig)
		}
		op.Record = r
		return e.cfg.OnCredentials(ctx, op, answer)
	}
}

func (e *Engine) notifyDone(ctx context.Context, op Operation) {
	if e.cfg.OnDone != nil {
		e.cfg.OnDone(ctx, op)
	}
}
