package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	osb "github.com/osbkit/osb-go-sdk/openservicebrokerv1"
)

// Engine runs OSB operations as River jobs, one step per job run, across restarts and replicas.
// Open one with OpenSQLite or OpenPostgres, Start it to run steps in this process, Stop it at
// the end.
type Engine struct {
	cfg     Config
	store   store
	clients *clientCache
	limits  *limiters
	stats   counters
	// close releases what Open opened (the SQLite file); nil when the caller owns the pool.
	close func() error
}

// Operation is an operation as the engine holds it.
type Operation struct {
	// ID is the platform's name for the operation, unique in the engine's database.
	ID string
	// Broker is the name the ClientFactory knows the broker by.
	Broker string
	Record osb.OperationRecord
	// Cancelled reports that Cancel stopped the operation: the engine sends nothing more for it.
	Cancelled bool
}

var (
	// ErrExists is returned by Submit for an id the engine already holds.
	ErrExists = errors.New("engine: an operation with this id exists")
	// ErrNotFound is returned for an id the engine does not hold.
	ErrNotFound = errors.New("engine: no operation with this id")
	// ErrFinished is returned by Cancel for an operation that already ended.
	ErrFinished = errors.New("engine: the operation already ended")
	// ErrStore wraps the errors of the database: the call can be repeated once it is back.
	ErrStore = errors.New("engine: the store failed")
)

// RecordError is a stored record the engine cannot run: not a record, or one the SDK rejects
// (unknown version, kind or phase, ids missing, no sealed request). It names the operation; the
// engine cancels its job and counts it in Stats.BadRecords.
type RecordError struct {
	ID  string
	Err error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("engine: operation %q has a bad record: %v", e.ID, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

func newEngine(cfg Config) *Engine {
	return &Engine{cfg: cfg, clients: newClientCache(cfg.Clients), limits: newLimiters(cfg.Limits)}
}

// Start runs steps in this process until Stop. Without Start the engine still submits and
// answers queries, for a replica that only serves an API.
func (e *Engine) Start(ctx context.Context) error {
	if err := e.store.start(ctx); err != nil {
		return fmt.Errorf("engine: starting River: %w", err)
	}
	return nil
}

// Stop waits for the steps running in this process to end (or ctx to), then closes what the
// engine opened. Operations in flight carry on in the next process that starts an engine.
func (e *Engine) Stop(ctx context.Context) error {
	err := e.store.stop(ctx)
	if e.close != nil {
		err = errors.Join(err, e.close())
	}
	return err
}

// Request is an operation to submit, built from the Options the SDK's calls take.
type Request struct {
	record func(*osb.OpenServiceBrokerV1, osb.RecordConfig) (osb.OperationRecord, error)
}

func request[O any](o O, build func(*osb.OpenServiceBrokerV1, O, osb.RecordConfig) (osb.OperationRecord, error)) Request {
	return Request{func(c *osb.OpenServiceBrokerV1, cfg osb.RecordConfig) (osb.OperationRecord, error) {
		return build(c, o, cfg)
	}}
}

// Provision requests a provision.
func Provision(o *osb.ReplaceServiceInstanceOptions) Request {
	return request(o, (*osb.OpenServiceBrokerV1).NewProvisionRecord)
}

// Update requests an update of an instance.
func Update(o *osb.UpdateServiceInstanceOptions) Request {
	return request(o, (*osb.OpenServiceBrokerV1).NewUpdateRecord)
}

// Deprovision requests a deprovision.
func Deprovision(o *osb.DeleteServiceInstanceOptions) Request {
	return request(o, (*osb.OpenServiceBrokerV1).NewDeprovisionRecord)
}

// Bind requests a binding; its credentials go to Config.OnCredentials, never to the record.
func Bind(o *osb.ReplaceServiceBindingOptions) Request {
	return request(o, (*osb.OpenServiceBrokerV1).NewBindRecord)
}

// Unbind requests the removal of a binding.
func Unbind(o *osb.DeleteServiceBindingOptions) Request {
	return request(o, (*osb.OpenServiceBrokerV1).NewUnbindRecord)
}

// Submit stores the operation under id for broker and schedules its first step. The options
// are checked as the SDK's call checks them, before anything is stored. An id in use is
// ErrExists: submitting again after an error is safe.
func (e *Engine) Submit(ctx context.Context, id, broker string, req Request) error {
	if id == "" || broker == "" || req.record == nil {
		return fmt.Errorf("engine: Submit needs an operation id, a broker name and a Request from Provision, Update, Deprovision, Bind or Unbind")
	}
	client, err := e.clients.get(ctx, broker)
	if err != nil {
		return fmt.Errorf("engine: operation %q: the client of broker %q: %w", id, broker, err)
	}
	rec, err := req.record(client, osb.RecordConfig{Key: e.cfg.Key, MaxPollingDuration: e.cfg.MaxPollingDuration, Now: e.cfg.Now})
	if err != nil {
		return fmt.Errorf("engine: operation %q: %w", id, err)
	}
	if rec.Kind == osb.OperationBind && e.cfg.OnCredentials == nil {
		return fmt.Errorf("%w: a bind needs Config.OnCredentials, to hand its credentials to the platform", ErrConfig)
	}
	data, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("engine: operation %q: %w", id, err)
	}
	inserted, err := e.store.submit(ctx, row{id: id, broker: broker, record: data}, string(rec.Phase), rec.Done())
	if err != nil {
		return e.storeFailed("submitting", id, err)
	}
	if !inserted {
		return fmt.Errorf("%w: %q", ErrExists, id)
	}
	return nil
}

// Get returns the operation stored under id, as every replica sees it.
func (e *Engine) Get(ctx context.Context, id string) (Operation, error) {
	r, err := e.store.load(ctx, id)
	if errors.Is(err, errNoRow) {
		return Operation{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Operation{}, e.storeFailed("reading", id, err)
	}
	return e.decode(r)
}

// Unfinished returns up to limit operations not yet ended, in the order of their ids, starting
// after the id after ("" for the first page). Records that cannot be read are left out and
// reported in the error, each a *RecordError.
func (e *Engine) Unfinished(ctx context.Context, after string, limit int) ([]Operation, error) {
	rows, err := e.store.unfinished(ctx, after, limit)
	if err != nil {
		return nil, e.storeFailed("listing", after, err)
	}
	ops := make([]Operation, 0, len(rows))
	var bad []error
	for _, r := range rows {
		op, err := e.decode(r)
		if err != nil {
			bad = append(bad, err)
			continue
		}
		ops = append(ops, op)
	}
	return ops, errors.Join(bad...)
}

// Cancel stops driving the operation: no request is sent for it any more, and it is reported
// done with Cancelled set. What the broker already did stays: cancelling a provision in flight
// can leave an instance, which a deprovision removes.
func (e *Engine) Cancel(ctx context.Context, id string) error {
	ok, err := e.store.cancel(ctx, id)
	if err != nil {
		return e.storeFailed("cancelling", id, err)
	}
	if ok {
		return nil
	}
	if _, err := e.Get(ctx, id); err != nil {
		return err
	}
	return fmt.Errorf("%w: %q", ErrFinished, id)
}

// storeFailed counts and logs a failure of the database and wraps it in ErrStore.
func (e *Engine) storeFailed(doing, id string, err error) error {
	e.stats.storeErrors.Add(1)
	e.cfg.Logger.Warn("engine: the store failed; retrying with backoff", "doing", doing, "operation", id, "error", err)
	return fmt.Errorf("%w: %s operation %q: %w", ErrStore, doing, id, err)
}

// decode reads a stored record and has the SDK validate it (version, kind, phase, ids, deadlines).
func (e *Engine) decode(r row) (Operation, error) {
	op := Operation{ID: r.id, Broker: r.broker, Cancelled: r.cancelled}
	if err := json.Unmarshal(r.record, &op.Record); err != nil {
		return op, &RecordError{ID: r.id, Err: err}
	}
	if err := op.Record.Validate(); err != nil {
		return op, &RecordError{ID: r.id, Err: err}
	}
	return op, nil
}

func (e *Engine) logBadRecord(err error) {
	e.stats.badRecords.Add(1)
	e.cfg.Logger.Error("engine: an operation cannot run", slog.Any("error", err))
}
