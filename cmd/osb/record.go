package main

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite" // the database/sql driver "sqlite", pure Go
	sqlite3 "modernc.org/sqlite/lib"
)

// The local record: what osb created (instances and bindings, with their broker, offering and
// last state) and the operations in flight, so that commands can take an instance id alone and
// an interrupted wait can be resumed. It is a SQLite database in the user's state directory, in
// WAL mode with a busy timeout, so that osb runs at once wait for each other instead of failing.
// It is a convenience: every command works with explicit flags without it, and it holds no
// credential (no broker password, no binding credentials, no parameters). An operation waited
// for with --wait keeps the SDK's OperationRecord while it is in flight, without its request
// (NoReplay, see tracking.keep), for osb resume to step on.

// The states an entry records besides the broker's own ("succeeded", "failed").
const (
	stateSending    = "sending"
	stateInProgress = "in progress"
	stateSucceeded  = "succeeded"
	stateFailed     = "failed"
	// stateUnknown is a creation whose outcome is unknown: it may exist at the broker.
	stateUnknown = "unknown"
)

// recordBusyTimeout is how long a run waits for another that is writing the record.
const recordBusyTimeout = 10 * time.Second

const recordSchema = `
CREATE TABLE IF NOT EXISTS resources (
	broker       TEXT NOT NULL,
	target       TEXT NOT NULL DEFAULT '',
	instance_id  TEXT NOT NULL,
	binding_id   TEXT NOT NULL DEFAULT '',
	service_id   TEXT NOT NULL DEFAULT '',
	plan_id      TEXT NOT NULL DEFAULT '',
	service_name TEXT NOT NULL DEFAULT '',
	plan_name    TEXT NOT NULL DEFAULT '',
	kind         TEXT NOT NULL,
	state        TEXT NOT NULL,
	operation    TEXT NOT NULL DEFAULT '',
	updated      TEXT NOT NULL,
	operation_record TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (broker, instance_id, binding_id)
)`

// recordColumnAdded is the column a record written by an earlier osb lacks.
const recordColumnAdded = `ALTER TABLE resources ADD COLUMN operation_record TEXT NOT NULL DEFAULT ''`

// entry is one instance (BindingID empty) or binding in the record.
type entry struct {
	Broker      string `json:"broker"`
	Target      string `json:"target,omitempty"`
	InstanceID  string `json:"instance_id"`
	BindingID   string `json:"binding_id,omitempty"`
	ServiceID   string `json:"service_id"`
	PlanID      string `json:"plan_id"`
	ServiceName string `json:"service_name,omitempty"`
	PlanName    string `json:"plan_name,omitempty"`
	// Kind is the last operation: provision, update, deprovision, bind or unbind.
	Kind  string `json:"last_operation"`
	State string `json:"state"`
	// Operation is the broker's operation value, to poll with.
	Operation string    `json:"operation,omitempty"`
	Updated   time.Time `json:"updated"`
	// Record is the SDK's OperationRecord (JSON) of an operation in flight that osb resume
	// steps on; empty when the operation ended or was not waited for.
	Record string `json:"-"`
}

// inFlight says the entry's operation has not been seen to end.
func (e entry) inFlight() bool {
	return e.State == stateSending || e.State == stateInProgress
}

type record struct{ db *sql.DB }

// recordPath is the database: $XDG_STATE_HOME/osb/osb.db, else under ~/.local/state.
func recordPath() (string, error) {
	dir, err := userDir("XDG_STATE_HOME", filepath.Join(".local", "state"))
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "osb", "osb.db"), nil
}

// openRecord opens (creating) the record at path, readable by its owner only.
func openRecord(path string) (*record, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	file, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	file.Close()
	query := url.Values{"_pragma": {
		fmt.Sprintf("busy_timeout(%d)", recordBusyTimeout.Milliseconds()),
		"synchronous(NORMAL)",
	}, "_txlock": {"immediate"}}
	db, err := sql.Open("sqlite", "file:"+path+"?"+query.Encode())
	if err != nil {
		return nil, err
	}
	if err := switchToWAL(db); err != nil {
		db.Close()
		return nil, err
	}
	if err := createTables(db); err != nil {
		db.Close()
		return nil, err
	}
	return &record{db: db}, nil
}

// switchToWAL puts the record in WAL mode, which the file keeps for every later connection.
// Switching reads the file's header and then writes it; when runs at once switch a new record,
// SQLite answers "database is locked" at once, without the busy timeout, to every one but the
// first to write (waiting with a read lock held would deadlock). A loser has released its lock
// and switches again: once a run has switched, the header says WAL and switching only reads it.
func switchToWAL(db *sql.DB) error {
	deadline := time.Now().Add(recordBusyTimeout)
	for {
		_, err := db.Exec("PRAGMA journal_mode=WAL")
		var sqliteErr *sqlite.Error
		if err == nil || !errors.As(err, &sqliteErr) || sqliteErr.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		time.Sleep(time.Millisecond)
	}
}

// createTables creates the table, or adds what an earlier osb's lacks.
func createTables(db *sql.DB) error {
	if _, err := db.Exec(recordSchema); err != nil {
		return err
	}
	var has int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pragma_table_info('resources') WHERE name = 'operation_record'`).Scan(&has); err != nil {
		return err
	}
	if has > 0 {
		return nil
	}
	// Another osb may add it at the same moment.
	if _, err := db.Exec(recordColumnAdded); err != nil && !strings.Contains(err.Error(), "duplicate column") {
		return err
	}
	return nil
}

func (r *record) close() {
	if r != nil {
		r.db.Close()
	}
}

// put writes an entry, replacing the one with its ids.
func (r *record) put(e entry) error {
	if r == nil {
		return nil
	}
	_, err := r.db.Exec(`INSERT OR REPLACE INTO resources
		(broker, target, instance_id, binding_id, service_id, plan_id, service_name, plan_name, kind, state, operation, updated, operation_record)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Broker, e.Target, e.InstanceID, e.BindingID, e.ServiceID, e.PlanID, e.ServiceName, e.PlanName,
		e.Kind, e.State, e.Operation, time.Now().UTC().Format(time.RFC3339Nano), e.Record)
	return err
}

// remove deletes an instance with its bindings, or one binding.
func (r *record) remove(broker, instanceID, bindingID string) error {
	if r == nil {
		return nil
	}
	query := `DELETE FROM resources WHERE broker = ? AND instance_id = ? AND binding_id = ?`
	if bindingID == "" {
		query = `DELETE FROM resources WHERE broker = ? AND instance_id = ?`
		_, err := r.db.Exec(query, broker, instanceID)
		return err
	}
	_, err := r.db.Exec(query, broker, instanceID, bindingID)
	return err
}

// get reads one entry; nil when the record has none.
func (r *record) get(broker, instanceID, bindingID string) (*entry, error) {
	if r == nil {
		return nil, nil
	}
	entries, err := r.query(`WHERE broker = ? AND instance_id = ? AND binding_id = ?`, broker, instanceID, bindingID)
	if err != nil || len(entries) == 0 {
		return nil, err
	}
	return &entries[0], nil
}

// list reads the instances, or the bindings (of instanceID when it is set), of every broker.
func (r *record) list(bindings bool, instanceID string) ([]entry, error) {
	if r == nil {
		return nil, nil
	}
	if !bindings {
		return r.query(`WHERE binding_id = '' ORDER BY broker, instance_id`)
	}
	if instanceID != "" {
		return r.query(`WHERE binding_id != '' AND instance_id = ? ORDER BY broker, binding_id`, instanceID)
	}
	return r.query(`WHERE binding_id != '' ORDER BY broker, instance_id, binding_id`)
}

// inFlight reads the operations of broker not seen to end, oldest first.
func (r *record) inFlight(broker string) ([]entry, error) {
	if r == nil {
		return nil, nil
	}
	return r.query(`WHERE broker = ? AND state IN (?, ?) ORDER BY updated`, broker, stateSending, stateInProgress)
}

func (r *record) query(where string, args ...any) ([]entry, error) {
	rows, err := r.db.Query(`SELECT broker, target, instance_id, binding_id, service_id, plan_id,
		service_name, plan_name, kind, state, operation, updated, operation_record FROM resources `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var entries []entry
	for rows.Next() {
		var e entry
		var updated string
		if err := rows.Scan(&e.Broker, &e.Target, &e.InstanceID, &e.BindingID, &e.ServiceID, &e.PlanID,
			&e.ServiceName, &e.PlanName, &e.Kind, &e.State, &e.Operation, &updated, &e.Record); err != nil {
			return nil, err
		}
		e.Updated, _ = time.Parse(time.RFC3339Nano, updated)
		entries = append(entries, e)
	}
	return entries, rows.Err()
}

// localRecord is the record of this run, opened on first use. When it cannot be opened, osb
// says so once and goes on without it.
func (a *app) localRecord() *record {
	if a.record != nil || a.recordFailed {
		return a.record
	}
	path, err := recordPath()
	if err == nil {
		a.record, err = openRecord(path)
	}
	if err != nil {
		a.recordFailed = true
		a.hint("osb: the local record is not available (%v); going on without it", err)
	}
	return a.record
}

// recordError says once that the record could not be written; the command goes on.
func (a *app) recordError(err error) {
	if err != nil && !a.recordFailed {
		a.recordFailed = true
		a.hint("osb: the local record could not be updated: %v", err)
	}
}
