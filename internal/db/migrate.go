package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// MigrationNames lists the migration files of a dialect, for the test that
// checks both folders hold the same names.
func MigrationNames(d Dialect) ([]string, error) {
	ents, err := fs.ReadDir(migrations, "migrations/"+d.String())
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(ents))
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names, nil
}

// Migrate applies every pending migration of the dialect.
func (d *DB) Migrate(ctx context.Context) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", d.Dialect, err)
	}
	return nil
}

// MigrateTo applies pending migrations up to and including version (a
// restore brings an empty database to the schema its backup was taken at).
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate %s to %d: %w", d.Dialect, version, err)
	}
	return nil
}

// AppliedVersion is the newest migration applied to q's database: 0 for one
// no migration has touched, otherwise at most SchemaVersion unless a newer
// binary migrated it.
func AppliedVersion(ctx context.Context, q Querier) (int64, error) {
	exists := "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'"
	if q.D() == Postgres {
		exists = "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'goose_db_version'"
	}
	var n int
	if err := q.QueryRow(ctx, exists).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	var v sql.NullInt64
	err := q.QueryRow(ctx, "SELECT max(version_id) FROM goose_db_version").Scan(&v)
	return v.Int64, err
}

// MigrateDownTo rolls migrations back until version is the newest applied,
// for tests that write rows the way an older release did and then check
// what the next migration makes of them.
func (d *DB) MigrateDownTo(ctx context.Context, version int64) error {
	p, err := d.provider()
	if err != nil {
		return err
	}
	if _, err := p.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate %s down to %d: %w", d.Dialect, version, err)
	}
	return nil
}

func (d *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+d.Dialect.String())
	if err != nil {
		return nil, err
	}
	gd := goose.DialectSQLite3
	if d.Dialect == Postgres {
		gd = goose.DialectPostgres
	}
	p, err := goose.NewProvider(gd, d.sql, sub)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// SchemaVersion is the newest migration this binary carries: the schema a
// database has once the binary has started on it (`gongzhi version`).
func SchemaVersion() int64 {
	names, _ := MigrationNames(SQLite) // both folders hold the same names (a test checks)
	var v int64
	for _, n := range names {
		num, _, _ := strings.Cut(n, "_")
		if x, err := strconv.ParseInt(num, 10, 64); err == nil && x > v {
			v = x
		}
	}
	return v
}
