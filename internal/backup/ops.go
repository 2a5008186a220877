package backup

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Options are what the three operations share.
type Options struct {
	Now      time.Time      // the header's time; the wall clock when zero
	Release  string         // gongzhi's release, written in the header
	Progress func(Progress) // told how far the copy is; may be nil
	// Step, when set, is told the steps between tables (checking the file,
	// rebuilding search data, comparing checksums, refreshing statistics).
	Step func(string)
}

func (o Options) header() Header {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	return Header{CreatedAt: now.UTC().Truncate(time.Second), Gongzhi: o.Release}
}

func (o Options) step(s string) {
	if o.Step != nil {
		o.Step(s)
	}
}

// Restore loads the backup file r into target in one transaction. The
// target must hold no rows and be at the backup's schema version
// (PrepareTarget); the file's counts and checksums are checked as it is
// read and the loaded tables read back before anything is committed.
func Restore(ctx context.Context, target *db.DB, r io.Reader, name string, opts Options) (*Manifest, error) {
	f, err := openFile(r, name)
	if err != nil {
		return nil, err
	}
	defer f.close()
	h, err := f.header()
	if err != nil {
		return nil, err
	}
	if err := checkSchema(h, name); err != nil {
		return nil, err
	}
	return load(ctx, target, opts, func(l *loader) (*Manifest, error) {
		return f.read(ctx, h, l, opts.Progress)
	})
}

// Move copies every table of src, read in one snapshot, into dst in one
// transaction, the same way Restore loads a file; dst must hold no rows and
// be at src's schema version (PrepareTarget).
func Move(ctx context.Context, src, dst *db.DB, opts Options) (*Manifest, error) {
	s, err := openSnapshot(ctx, src)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return load(ctx, dst, opts, func(l *loader) (*Manifest, error) {
		return dump(ctx, s, opts.header(), l, opts.Progress)
	})
}

// checkSchema refuses a backup taken at a schema this binary does not know.
func checkSchema(h *Header, name string) error {
	if h.Schema > db.SchemaVersion() {
		return errs.New(errs.EINVALID, "%s holds schema version %d, newer than this gongzhi's %d: restore it with the release that wrote it or a newer one", name, h.Schema, db.SchemaVersion())
	}
	return nil
}

// FirstNonEmpty returns the first table of d holding rows, "" when none does.
func FirstNonEmpty(ctx context.Context, d *db.DB) (string, error) {
	names, err := tableNames(ctx, d)
	if err != nil {
		return "", err
	}
	for _, n := range names {
		var one int
		err := d.QueryRow(ctx, "SELECT 1 FROM "+quote(n)+" LIMIT 1").Scan(&one)
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", errs.Wrap(err, "look into "+n)
		}
	}
	return "", nil
}

// PrepareTarget checks d holds no rows and brings its schema to version:
// an untouched database is migrated up to it, an empty one at a newer
// schema down to it.
func PrepareTarget(ctx context.Context, d *db.DB, version int64) error {
	if version > db.SchemaVersion() {
		return errs.New(errs.EINVALID, "the data is at schema version %d, newer than this gongzhi's %d", version, db.SchemaVersion())
	}
	name, err := FirstNonEmpty(ctx, d)
	if err != nil {
		return err
	}
	if name != "" {
		return errs.New(errs.ECONFLICT, "the target database is not empty: table %s holds rows; restore or move only into an empty database", name)
	}
	have, err := db.AppliedVersion(ctx, d)
	if err != nil {
		return errs.Wrap(err, "schema version")
	}
	switch {
	case have < version:
		err = d.MigrateTo(ctx, version)
	case have > version:
		err = d.MigrateDownTo(ctx, version)
	}
	return errs.Wrap(err, "prepare the target's schema")
}

// Target names a database as the commands take it: a postgres:// URL, or
// for SQLite a data directory or a database file.
type Target struct {
	DSN     string // postgres://… or the path of a SQLite file
	DataDir string // a SQLite data directory (gongzhi.db inside)
}

// ParseTarget reads --to: postgres://… (or postgresql://…), sqlite:PATH, or
// a path; a PATH ending in .db is a database file, otherwise a data directory.
func ParseTarget(to string) (Target, error) {
	switch {
	case db.IsPostgres(to):
		return Target{DSN: to}, nil
	case strings.Contains(to, "://") && !strings.HasPrefix(to, "sqlite://"), strings.TrimSpace(to) == "":
		return Target{}, errs.New(errs.EINVALID, "--to %q names no database gongzhi runs on: give postgres://…, sqlite:PATH or a data directory", to)
	}
	path := strings.TrimPrefix(strings.TrimPrefix(to, "sqlite://"), "sqlite:")
	if path == "" {
		return Target{}, errs.New(errs.EINVALID, "--to %q names no database gongzhi runs on: give postgres://…, sqlite:PATH or a data directory", to)
	}
	if strings.HasSuffix(path, ".db") {
		return Target{DSN: path}, nil
	}
	return Target{DataDir: path}, nil
}

// String names the target for messages (without a password).
func (t Target) String() string {
	if t.DataDir != "" {
		return db.SQLitePath(t.DataDir)
	}
	return redact(t.DSN)
}

// connect opens t without running migrations.
func (t Target) connect(ctx context.Context) (*db.DB, error) {
	d, err := db.Connect(ctx, t.DSN, t.DataDir)
	if err != nil {
		return nil, errs.New(errs.EINVALID, "cannot open the database %s: %s", t.String(), strings.ReplaceAll(err.Error(), t.DSN, t.String()))
	}
	return d, nil
}

// redact hides a URL's password.
func redact(dsn string) string {
	if i := strings.Index(dsn, "://"); i >= 0 {
		rest := dsn[i+3:]
		if at := strings.Index(rest, "@"); at >= 0 {
			if c := strings.Index(rest[:at], ":"); c >= 0 {
				return dsn[:i+3] + rest[:c] + ":***" + rest[at:]
			}
		}
	}
	return dsn
}

// RestoreFile restores the backup file at path into the database t names:
// the whole file is checked first, so a damaged or cut-short file, or one
// from a newer schema, is refused before the target is opened; a target
// holding rows is refused before anything is written. After the load the
// target is migrated to this binary's schema and its statistics refreshed.
func RestoreFile(ctx context.Context, path string, t Target, opts Options) (*Manifest, error) {
	open := func() (*os.File, error) { return openPath(path) }
	f, err := open()
	if err != nil {
		return nil, err
	}
	h, err := ReadHeader(f, path)
	f.Close()
	if err != nil {
		return nil, err
	}
	if err := checkSchema(h, path); err != nil {
		return nil, err
	}
	opts.step("checking " + path)
	if f, err = open(); err != nil {
		return nil, err
	}
	_, err = Verify(ctx, f, path, nil)
	f.Close()
	if err != nil {
		return nil, err
	}
	d, err := t.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	release, err := lockTarget(ctx, d, t.String())
	if err != nil {
		return nil, err
	}
	defer release()
	if err := PrepareTarget(ctx, d, h.Schema); err != nil {
		return nil, err
	}
	if f, err = open(); err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Restore(ctx, d, f, path, opts)
	if err != nil {
		return nil, err
	}
	return m, finishTarget(ctx, d, opts)
}

// openPath opens a backup file, naming it when it cannot.
func openPath(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, errs.New(errs.EINVALID, "%s does not exist", path)
		}
		return nil, errs.New(errs.EINVALID, "%s cannot be read: %s", path, err.Error())
	}
	return f, nil
}

// CheckFile reads the whole backup file at path and checks it as a restore
// would before loading it (Verify), without a database.
func CheckFile(ctx context.Context, path string) (*Manifest, error) {
	f, err := openPath(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Verify(ctx, f, path, nil)
}

// finishTarget brings a loaded database to this binary's schema and gives
// PostgreSQL's planner fresh statistics.
func finishTarget(ctx context.Context, d *db.DB, opts Options) error {
	if err := d.Migrate(ctx); err != nil {
		return errs.Wrap(err, "migrate the copy")
	}
	opts.step("refreshing the planner's statistics")
	return errs.Wrap(d.Analyze(ctx), "analyze")
}

// MoveResult is what MoveTo did.
type MoveResult struct {
	Manifest *Manifest
	// Already is set when the target held exactly the source's rows: an
	// earlier move committed and was stopped before its last step.
	Already bool
}

// MoveTo copies src into the database t names. An interrupted move leaves
// the target as it was (the copy is one transaction), so running it again
// starts over; a target already holding exactly the source's rows is
// finished (statistics) and reported; any other non-empty target is refused.
func MoveTo(ctx context.Context, src *db.DB, t Target, opts Options) (*MoveResult, error) {
	d, err := t.connect(ctx)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if same, err := sameDatabase(ctx, src, d); err != nil {
		return nil, err
	} else if same {
		return nil, errs.New(errs.EINVALID, "--to %s is the database being moved", t.String())
	}
	release, err := lockTarget(ctx, d, t.String())
	if err != nil {
		return nil, err
	}
	defer release()
	name, err := FirstNonEmpty(ctx, d)
	if err != nil {
		return nil, err
	}
	if name != "" {
		opts.step("the target holds rows: comparing it with the source")
		want, err := Checksums(ctx, src)
		if err != nil {
			return nil, err
		}
		got, err := Checksums(ctx, d)
		if err != nil {
			return nil, err
		}
		if compareSums(want, got) != nil {
			return nil, errs.New(errs.ECONFLICT, "the target database is not empty: table %s holds rows; restore or move only into an empty database", name)
		}
		if err := finishTarget(ctx, d, opts); err != nil {
			return nil, err
		}
		return &MoveResult{Manifest: &Manifest{Sums: want}, Already: true}, nil
	}
	version, err := db.AppliedVersion(ctx, src)
	if err != nil {
		return nil, errs.Wrap(err, "schema version")
	}
	if err := PrepareTarget(ctx, d, version); err != nil {
		return nil, err
	}
	m, err := Move(ctx, src, d, opts)
	if err != nil {
		return nil, err
	}
	return &MoveResult{Manifest: m}, finishTarget(ctx, d, opts)
}

// sameDatabase reports whether a and b are one database.
func sameDatabase(ctx context.Context, a, b *db.DB) (bool, error) {
	if a.Dialect != b.Dialect {
		return false, nil
	}
	id := func(d *db.DB) (string, error) {
		q := "SELECT file FROM pragma_database_list WHERE name = 'main'"
		if d.Dialect == db.Postgres {
			q = "SELECT current_database() || '@' || coalesce(host(inet_server_addr()), '') || ':' || coalesce(inet_server_port(), 0)"
		}
		var s string
		err := d.QueryRow(ctx, q).Scan(&s)
		if d.Dialect == db.SQLite {
			if abs, aerr := filepath.EvalSymlinks(s); aerr == nil {
				s = abs
			}
		}
		return s, errs.Wrap(err, "name the database")
	}
	x, err := id(a)
	if err != nil {
		return false, err
	}
	y, err := id(b)
	return x == y, err
}
