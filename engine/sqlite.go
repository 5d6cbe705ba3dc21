package engine

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	_ "modernc.org/sqlite" // the pure-Go SQLite driver, registered as "sqlite"
)

// OpenSQLite opens (creating it if needed) the engine's SQLite database at path, for a platform
// on one machine: River's SQLite driver on modernc.org/sqlite, no cgo. One process at a time may
// run an engine on the file. Close the engine to close the file.
func OpenSQLite(ctx context.Context, path string, cfg Config) (*Engine, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// WAL keeps what a committed transaction wrote across a killed process; River's SQLite
	// driver asks for a single connection, since SQLite runs one writer at a time.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("engine: opening %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	e, err := openSQLite(ctx, db, cfg)
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("engine: opening %s: %w", path, err)
	}
	e.close = db.Close
	return e, nil
}

func openSQLite(ctx context.Context, db *sql.DB, cfg Config) (*Engine, error) {
	driver := riversqlite.New(db)
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return nil, fmt.Errorf("migrating River's tables: %w", err)
	}
	sdb := sqlDatabase{db}
	for _, ddl := range []string{createTable, createUnfinishedIndex} {
		if _, err := sdb.exec(ctx, ddl); err != nil {
			return nil, fmt.Errorf("creating the operation table: %w", err)
		}
	}
	e := newEngine(cfg)
	client, err := river.NewClient(driver, riverConfig(cfg, e.worker()))
	if err != nil {
		return nil, err
	}
	e.store = &riverStore[*sql.Tx]{db: sdb, client: client}
	return e, nil
}

// sqlDatabase is a database/sql pool as a database.
type sqlDatabase struct{ db *sql.DB }

func (d sqlDatabase) begin(ctx context.Context) (*sql.Tx, error)   { return d.db.BeginTx(ctx, nil) }
func (d sqlDatabase) commit(_ context.Context, tx *sql.Tx) error   { return tx.Commit() }
func (d sqlDatabase) rollback(_ context.Context, tx *sql.Tx) error { return ignoreDone(tx.Rollback()) }
func (d sqlDatabase) queryRow(ctx context.Context, q string, args ...any) scanner {
	return d.db.QueryRowContext(ctx, q, args...)
}

func (d sqlDatabase) execTx(ctx context.Context, tx *sql.Tx, q string, args ...any) (int64, error) {
	return affected(tx.ExecContext(ctx, q, args...))
}

func (d sqlDatabase) exec(ctx context.Context, q string, args ...any) (int64, error) {
	return affected(d.db.ExecContext(ctx, q, args...))
}

func (d sqlDatabase) query(ctx context.Context, q string, each func(scanner) error, args ...any) error {
	rows, err := d.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return eachRow(rows, each)
}

func affected(result sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return result.RowsAffected()
}
