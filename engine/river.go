package engine

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// database is what the engine needs of a driver's pool and transactions, beyond River.
type database[TTx any] interface {
	begin(ctx context.Context) (TTx, error)
	commit(ctx context.Context, tx TTx) error
	rollback(ctx context.Context, tx TTx) error
	execTx(ctx context.Context, tx TTx, query string, args ...any) (int64, error)
	exec(ctx context.Context, query string, args ...any) (int64, error)
	queryRow(ctx context.Context, query string, args ...any) scanner
	query(ctx context.Context, query string, each func(scanner) error, args ...any) error
}

// riverStore is the store on one database: the operation table and River's client.
type riverStore[TTx any] struct {
	db     database[TTx]
	client *river.Client[TTx]
}

// stepArgs are the arguments of an operation's job: only its id, since River never changes a
// job's arguments after insert.
type stepArgs struct {
	ID string `json:"id"`
}

func (stepArgs) Kind() string { return "osb_operation_step" }

// maxAttempts keeps River from discarding a job: snoozes do not use attempts, only failures of
// the store or of the client factory and rescues after a crash do, each retried within a minute
// (retryPolicy). River stores max_attempts as a smallint.
const maxAttempts = math.MaxInt16

// retryPolicy retries a failed step with exponential backoff from one second, capped at a
// minute: a store that is unreachable for long is retried as long as it takes.
type retryPolicy struct{}

func (retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	delay := time.Minute
	if job.Attempt < 7 {
		delay = time.Second << max(job.Attempt-1, 0)
	}
	return time.Now().Add(delay)
}

func riverConfig(cfg Config, w river.Worker[stepArgs]) *river.Config {
	workers := river.NewWorkers()
	river.AddWorker(workers, w)
	return &river.Config{
		Queues:                      map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}},
		Workers:                     workers,
		JobTimeout:                  cfg.JobTimeout,
		RescueStuckJobsAfter:        cfg.RescueAfter,
		FetchPollInterval:           cfg.FetchInterval,
		FetchCooldown:               min(cfg.FetchInterval, 50*time.Millisecond),
		MaxAttempts:                 maxAttempts,
		RetryPolicy:                 retryPolicy{},
		CompletedJobRetentionPeriod: time.Minute,
		Logger:                      cfg.Logger,
	}
}

func (s *riverStore[TTx]) submit(ctx context.Context, r row, phase string, done bool) (inserted bool, err error) {
	tx, err := s.db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer func() {
		if err != nil || !inserted {
			err = errors.Join(err, s.db.rollback(ctx, tx))
		}
	}()
	n, err := s.db.execTx(ctx, tx, insertRow, r.id, r.broker, phase, done, string(r.record))
	if err != nil || n == 0 {
		return false, err
	}
	if _, err := s.client.InsertTx(ctx, tx, stepArgs{ID: r.id}, &river.InsertOpts{MaxAttempts: maxAttempts}); err != nil {
		return false, fmt.Errorf("inserting the job: %w", err)
	}
	return true, s.db.commit(ctx, tx)
}

func (s *riverStore[TTx]) load(ctx context.Context, id string) (row, error) {
	r, err := scanRow(s.db.queryRow(ctx, selectRow, id))
	if isNoRows(err) {
		return row{}, errNoRow
	}
	return r, err
}

func (s *riverStore[TTx]) save(ctx context.Context, r row, phase string, done bool) (bool, error) {
	n, err := s.db.exec(ctx, updateRow, r.id, phase, done, string(r.record), r.revision)
	return n == 1, err
}

func (s *riverStore[TTx]) cancel(ctx context.Context, id string) (bool, error) {
	n, err := s.db.exec(ctx, cancelRow, id)
	return n == 1, err
}

func (s *riverStore[TTx]) unfinished(ctx context.Context, after string, limit int) ([]row, error) {
	var rows []row
	err := s.db.query(ctx, selectUnfinished, func(sc scanner) error {
		r, err := scanRow(sc)
		rows = append(rows, r)
		return err
	}, after, limit)
	return rows, err
}

func (s *riverStore[TTx]) phases(ctx context.Context) ([]phaseCount, error) {
	var counts []phaseCount
	err := s.db.query(ctx, countPhases, func(sc scanner) error {
		var c phaseCount
		err := sc.Scan(&c.phase, &c.cancelled, &c.count)
		counts = append(counts, c)
		return err
	})
	return counts, err
}

func (s *riverStore[TTx]) start(ctx context.Context) error { return s.client.Start(ctx) }
func (s *riverStore[TTx]) stop(ctx context.Context) error  { return s.client.Stop(ctx) }
