// Package db opens gongzhi's storage on SQLite or PostgreSQL, runs the
// embedded migrations and hides the few dialect differences behind one value.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"gongzhi/internal/errs"
)

// Dialect names the SQL engine behind a DB.
type Dialect int

// The two engines gongzhi runs on.
const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// DB is a database handle that knows its dialect. Queries are written with
// '?' placeholders and rebound for PostgreSQL.
type DB struct {
	sql     *sql.DB // every write, and reads on PostgreSQL
	read    *sql.DB // SQLite: reads outside a transaction (nil: use sql)
	stmts   *stmtCache
	Dialect Dialect
}

// IsPostgres reports whether dsn names a PostgreSQL server.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// SQLitePath returns the database file used for a data directory.
func SQLitePath(dataDir string) string { return filepath.Join(dataDir, "gongzhi.db") }

// Open opens dsn (a postgres:// URL) or, when dsn is empty, the SQLite file
// in dataDir, and applies pending migrations.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	d, err := Connect(ctx, dsn, dataDir)
	if err != nil {
		return nil, err
	}
	if err := d.Migrate(ctx); err != nil {
		d.sql.Close()
		return nil, err
	}
	return d, nil
}

// Connect opens the database as Open does but runs no migration, for tools
// that must take a database as it is: a backup of a live server (an older
// schema is backed up as it stands) or a restore's target (checked empty
// before anything is written, then brought to the backup's schema).
func Connect(ctx context.Context, dsn, dataDir string) (*DB, error) {
	var d *DB
	if IsPostgres(dsn) {
		sdb, err := sql.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		sdb.SetMaxOpenConns(16)
		sdb.SetMaxIdleConns(16)
		sdb.SetConnMaxIdleTime(5 * time.Minute)
		d = &DB{sql: sdb, Dialect: Postgres}
	} else {
		path := dsn
		if path == "" {
			if err := os.MkdirAll(dataDir, 0o750); err != nil {
				return nil, fmt.Errorf("create data directory: %w", err)
			}
			path = SQLitePath(dataDir)
		}
		path = strings.TrimPrefix(path, "sqlite://")
		// WAL lets readers run beside the one writer; immediate transactions
		// take the write lock up front so two writers never deadlock on upgrade;
		// synchronous FULL because an acknowledged change must survive power loss.
		q := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)" +
			"&_pragma=synchronous(FULL)&_pragma=mmap_size(268435456)&_pragma=cache_size(-8000)&_txlock=immediate&_time_format=sqlite"
		sdb, err := sql.Open("sqlite", "file:"+path+q)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		sdb.SetMaxOpenConns(8)
		sdb.SetMaxIdleConns(8)
		// Reads outside a transaction get a pool of their own, as small as
		// the machine's cores: every commit makes each SQLite connection
		// drop its page cache and memory map at its next read, so each extra
		// reader pays for every write again. Under the mixed load 8 shared
		// connections served 530 requests/s, 2 readers beside the writers
		// ~750 (docs/benchmarks.md). query_only keeps a write from slipping in.
		rdb, err := sql.Open("sqlite", "file:"+path+q+"&_pragma=query_only(1)")
		if err != nil {
			sdb.Close()
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		n := ReadPool()
		rdb.SetMaxOpenConns(n)
		rdb.SetMaxIdleConns(n)
		d = &DB{sql: sdb, read: rdb, stmts: newStmtCache(rdb), Dialect: SQLite}
	}
	if err := d.sql.PingContext(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("connect to %s database: %w", d.Dialect, err)
	}
	return d, nil
}

// ReadPool is the number of SQLite connections for reads: the cores Go
// may use, at least 2 (GONGZHI_SQLITE_READERS overrides it, for measuring).
func ReadPool() int {
	if n, err := strconv.Atoi(os.Getenv("GONGZHI_SQLITE_READERS")); err == nil && n > 0 {
		return n
	}
	return max(2, runtime.GOMAXPROCS(0))
}

// Close closes the pools.
func (d *DB) Close() error {
	d.stmts.close()
	if d.read != nil {
		d.read.Close()
	}
	return d.sql.Close()
}

// pool is where q runs outside a transaction: a SELECT on SQLite's read
// pool, anything else (an INSERT … RETURNING) with the writers.
func (d *DB) pool(q string) *sql.DB {
	if d.read != nil && isSelect(q) {
		return d.read
	}
	return d.sql
}

// isSelect reports whether q is a plain read: it starts with SELECT.
func isSelect(q string) bool {
	q = strings.TrimLeft(q, " \t\r\n(")
	return len(q) >= 6 && strings.EqualFold(q[:6], "select")
}

// SQL returns the underlying pool for tools that need it (benchmarks, migrations).
func (d *DB) SQL() *sql.DB { return d.sql }

// Ping checks the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.sql.PingContext(ctx) }

// Rebind turns '?' placeholders into the dialect's own.
func (d Dialect) Rebind(q string) string {
	if d != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	inStr := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c == '\'' {
			inStr = !inStr
		}
		if c == '?' && !inStr {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Querier is what both DB and Tx offer, so read helpers work in and out of a transaction.
type Querier interface {
	Exec(ctx context.Context, q string, args ...any) (sql.Result, error)
	Query(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, q string, args ...any) *sql.Row
	D() Dialect
}

// D returns the dialect.
func (d *DB) D() Dialect { return d.Dialect }

// Exec runs a statement outside a transaction.
func (d *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := d.sql.ExecContext(ctx, d.Dialect.Rebind(q), args...)
	return r, MapError(err)
}

// Query runs a query outside a transaction.
func (d *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := d.stmts.get(ctx, q); st != nil {
		r, err := st.QueryContext(ctx, args...)
		return r, MapError(err)
	}
	r, err := d.pool(q).QueryContext(ctx, d.Dialect.Rebind(q), args...)
	return r, MapError(err)
}

// QueryRow runs a one-row query outside a transaction.
func (d *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := d.stmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return d.pool(q).QueryRowContext(ctx, d.Dialect.Rebind(q), args...)
}

// Tx is a transaction that rebinds placeholders like DB.
type Tx struct {
	tx      *sql.Tx
	Dialect Dialect
}

// D returns the dialect.
func (t *Tx) D() Dialect { return t.Dialect }

// Exec runs a statement in the transaction.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(ctx, t.Dialect.Rebind(q), args...)
	return r, MapError(err)
}

// Query runs a query in the transaction.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := t.tx.QueryContext(ctx, t.Dialect.Rebind(q), args...)
	return r, MapError(err)
}

// QueryRow runs a one-row query in the transaction.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.Dialect.Rebind(q), args...)
}

// Prepare prepares a statement for bulk work inside the transaction.
func (t *Tx) Prepare(ctx context.Context, q string) (*sql.Stmt, error) {
	return t.tx.PrepareContext(ctx, t.Dialect.Rebind(q))
}

// InTx runs fn in one transaction: committed if fn returns nil, rolled back
// otherwise. Every command a user issues goes through here exactly once.
func (d *DB) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	stx, err := d.sql.BeginTx(ctx, nil)
	if err != nil {
		return errs.Wrap(MapError(err), "begin")
	}
	tx := &Tx{tx: stx, Dialect: d.Dialect}
	defer stx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := stx.Commit(); err != nil {
		return errs.Wrap(MapError(err), "commit")
	}
	return nil
}

// InsertID runs an INSERT … RETURNING id and returns the id.
func InsertID(ctx context.Context, q Querier, query string, args ...any) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, MapError(err)
}

// NotFound maps sql.ErrNoRows to an ENOTFOUND error naming what was missing.
func NotFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.ENOTFOUND, "%s not found", what)
	}
	return errs.Wrap(err, what)
}

// Like escapes a value for a LIKE pattern with '\' as the escape character.
func Like(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// ForUpdate returns the clause that locks the rows a SELECT reads (of the
// table named alias) until the transaction ends. PostgreSQL runs
// transactions side by side and needs it; SQLite's one writer already makes
// a read-then-write transaction run alone (InTx begins IMMEDIATE).
func (d Dialect) ForUpdate(alias string) string {
	if d == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// SkipLocked is ForUpdate that passes over rows another transaction has
// locked instead of waiting for them: how concurrent runners claim work.
func (d Dialect) SkipLocked(alias string) string {
	if d == Postgres {
		return " FOR UPDATE OF " + alias + " SKIP LOCKED"
	}
	return ""
}

// SingleWriter reports whether the engine runs one write transaction at a
// time (SQLite): there, concurrent writes of the same kind are better
// grouped into one commit (intake's group commit); PostgreSQL runs them
// side by side, each in its own transaction.
func (d Dialect) SingleWriter() bool { return d != Postgres }

// Digits is an expression of expr's text without the separators people type
// in phone numbers (-, space, +, parentheses; PostgreSQL drops every
// non-digit). An index on it must spell it the same way: SQLite matches an
// expression index only when the query's expression is the same text.
func (d Dialect) Digits(expr string) string {
	if d == Postgres {
		return "regexp_replace(" + expr + ", '[^0-9]', '', 'g')"
	}
	return "replace(replace(replace(replace(replace(" + expr + ", '-', ''), ' ', ''), '+', ''), '(', ''), ')', '')"
}

// Right is an expression of the last n characters of expr.
func (d Dialect) Right(expr string, n int) string {
	if d == Postgres {
		return "right(" + expr + ", " + strconv.Itoa(n) + ")"
	}
	return "substr(" + expr + ", -" + strconv.Itoa(n) + ")"
}

// ResetIDs moves each table's id generator past its largest id after rows
// were written with their ids (a bulk load or a restore). SQLite's rowids
// follow the largest id by themselves.
func ResetIDs(ctx context.Context, tx *Tx, tables ...string) error {
	if tx.D() != Postgres {
		return nil
	}
	for _, t := range tables {
		if _, err := tx.Exec(ctx, "SELECT setval(pg_get_serial_sequence('"+t+"', 'id'), (SELECT COALESCE(max(id), 0) + 1 FROM "+t+"), false)"); err != nil {
			return fmt.Errorf("reset ids of %s: %w", t, err)
		}
	}
	return nil
}

// Analyze refreshes the planner's statistics of tables (all of them when
// none are named) after a bulk load. PostgreSQL plans from statistics and
// autovacuum reaches a freshly filled table only later: the demo district
// served its mixed load 5× slower on empty statistics. SQLite's plans come
// from the schema (no sqlite_stat1 is kept), so there is nothing to do.
//
// On PostgreSQL it also vacuums: a page is marked all-visible only by a
// vacuum, and until then an index-only scan still reads every row it
// counts from the table (a street's demands counted to 1,000 read 1,001
// rows and took 9.9 ms on the fresh demo district; 0.7 ms vacuumed).
func (d *DB) Analyze(ctx context.Context, tables ...string) error {
	if d.Dialect != Postgres {
		return nil
	}
	q := "VACUUM (ANALYZE)"
	if len(tables) > 0 {
		q += " " + strings.Join(tables, ", ")
	}
	if _, err := d.sql.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

// NullID is a nullable id column as a pointer, nil for NULL.
func NullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}
