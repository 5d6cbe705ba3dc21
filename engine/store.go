package engine

import (
	"context"
	"database/sql"
	"errors"

	"github.com/jackc/pgx/v5"
)

// The record of an operation lives in a table of the engine's own, not in River's job: a job's
// arguments cannot change after insert. The job carries only the operation's id; the row is
// inserted in the same transaction as the job, and every step rewrites it before River snoozes
// the job. Both SQLite and PostgreSQL run the same statements.
const (
	createTable = `CREATE TABLE IF NOT EXISTS osb_operation (
	id        TEXT PRIMARY KEY,
	broker    TEXT NOT NULL,
	phase     TEXT NOT NULL,
	done      BOOLEAN NOT NULL,
	cancelled BOOLEAN NOT NULL DEFAULT false,
	revision  BIGINT NOT NULL,
	record    TEXT NOT NULL
)`
	createUnfinishedIndex = `CREATE INDEX IF NOT EXISTS osb_operation_unfinished ON osb_operation (id) WHERE NOT done`

	insertRow = `INSERT INTO osb_operation (id, broker, phase, done, revision, record)
	VALUES ($1, $2, $3, $4, 1, $5) ON CONFLICT (id) DO NOTHING`
	selectRow = `SELECT id, broker, record, cancelled, revision FROM osb_operation WHERE id = $1`
	// updateRow saves a step only over the revision it read: a worker that lost its job to a
	// rescue cannot write back an older record.
	updateRow = `UPDATE osb_operation SET phase = $2, done = $3, record = $4, revision = revision + 1
	WHERE id = $1 AND revision = $5`
	cancelRow        = `UPDATE osb_operation SET cancelled = true WHERE id = $1 AND NOT done`
	selectUnfinished = `SELECT id, broker, record, cancelled, revision FROM osb_operation
	WHERE NOT done AND id > $1 ORDER BY id LIMIT $2`
	countPhases = `SELECT phase, cancelled, count(*) FROM osb_operation GROUP BY phase, cancelled`
)

// row is an operation as stored.
type row struct {
	id        string
	broker    string
	record    []byte
	cancelled bool
	revision  int64
}

// scanner is what both drivers' rows offer.
type scanner interface{ Scan(dest ...any) error }

// resultRows are both drivers' query results.
type resultRows interface {
	scanner
	Next() bool
	Err() error
}

// eachRow calls each for every row of r.
func eachRow(r resultRows, each func(scanner) error) error {
	for r.Next() {
		if err := each(r); err != nil {
			return err
		}
	}
	return r.Err()
}

func scanRow(s scanner) (row, error) {
	var r row
	var record string
	err := s.Scan(&r.id, &r.broker, &record, &r.cancelled, &r.revision)
	r.record = []byte(record)
	return r, err
}

// phaseCount is one line of countPhases.
type phaseCount struct {
	phase     string
	cancelled bool
	count     int
}

// errNoRow is returned by load for an id the table does not hold.
var errNoRow = errors.New("no such operation")

// store is the table and River's client on one database.
type store interface {
	// submit inserts the row and its job in one transaction; false when the id exists.
	submit(ctx context.Context, r row, phase string, done bool) (bool, error)
	load(ctx context.Context, id string) (row, error)
	// save writes a stepped record; false when another worker saved first.
	save(ctx context.Context, r row, phase string, done bool) (bool, error)
	cancel(ctx context.Context, id string) (bool, error)
	unfinished(ctx context.Context, after string, limit int) ([]row, error)
	phases(ctx context.Context) ([]phaseCount, error)
	start(ctx context.Context) error
	stop(ctx context.Context) error
}

func isNoRows(err error) bool {
	return errors.Is(err, sql.ErrNoRows) || errors.Is(err, pgx.ErrNoRows)
}

// ignoreDone drops the error of rolling back a transaction that already ended.
func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) || errors.Is(err, pgx.ErrTxClosed) {
		return nil
	}
	return err
}
