package engine

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
)

// migrationLock is the advisory lock under which replicas starting together migrate one at a
// time.
const migrationLock = 0x05b0e461

// OpenPostgres runs the engine on a PostgreSQL database through pool, for platforms with several
// replicas: every replica opens an engine on the same database, and River locks each operation's
// job to one worker at a time. The pool stays the caller's to close, after Stop.
func OpenPostgres(ctx context.Context, pool *pgxpool.Pool, cfg Config) (*Engine, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	driver := riverpgxv5.New(pool)
	if err := migratePostgres(ctx, pool, driver, cfg); err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := newEngine(cfg)
	client, err := river.NewClient(driver, riverConfig(cfg, e.worker()))
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e.store = &riverStore[pgx.Tx]{db: pgDatabase{pool}, client: client}
	return e, nil
}

func migratePostgres(ctx context.Context, pool *pgxpool.Pool, driver *riverpgxv5.Driver, cfg Config) error {
	migrator, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: cfg.Logger})
	if err != nil {
		return err
	}
	// River's migrations cannot share one transaction (one adds an enum value the next uses):
	// a session lock held on a connection of its own serializes replicas instead.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrationLock); err != nil {
		return err
	}
	defer func() { _, _ = conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLock) }()
	if _, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrating River's tables: %w", err)
	}
	for _, ddl := range []string{createTable, createUnfinishedIndex} {
		if _, err := pool.Exec(ctx, ddl); err != nil {
			return fmt.Errorf("creating the operation table: %w", err)
		}
	}
	return nil
}

// pgDatabase is a pgx pool as a database.
type pgDatabase struct{ pool *pgxpool.Pool }

func (d pgDatabase) begin(ctx context.Context) (pgx.Tx, error)   { return d.pool.Begin(ctx) }
func (d pgDatabase) commit(ctx context.Context, tx pgx.Tx) error { return tx.Commit(ctx) }
func (d pgDatabase) rollback(ctx context.Context, tx pgx.Tx) error {
	return ignoreDone(tx.Rollback(ctx))
}
func (d pgDatabase) queryRow(ctx context.Context, q string, args ...any) scanner {
	return d.pool.QueryRow(ctx, q, args...)
}

func (d pgDatabase) execTx(ctx context.Context, tx pgx.Tx, q string, args ...any) (int64, error) {
	tag, err := tx.Exec(ctx, q, args...)
	return tag.RowsAffected(), err
}

func (d pgDatabase) exec(ctx context.Context, q string, args ...any) (int64, error) {
	tag, err := d.pool.Exec(ctx, q, args...)
	return tag.RowsAffected(), err
}

func (d pgDatabase) query(ctx context.Context, q string, each func(scanner) error, args ...any) error {
	rows, err := d.pool.Query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	return eachRow(rows, each)
}
