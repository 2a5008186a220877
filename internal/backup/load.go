package backup

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
)

// loader writes the tables it is handed into an empty database inside one
// transaction: nothing is left behind unless every table arrived, matched
// its checksum and reads back the same (finish). Each table's rows go to a
// writer goroutine, so reading the source (or decoding the file) runs
// beside the inserts: PostgreSQL takes them through COPY, SQLite through
// multi-row INSERTs.
type loader struct {
	ctx    context.Context
	tx     *txq
	conn   *sql.Conn
	target map[string]*Table // the target's own tables
	loaded map[string]bool

	t *Table       // the table being loaded, as the source has it
	w *tableWriter // its writer

	step func(string) // told each step of finish

	triggers []string // SQLite: definitions of the triggers dropped for the load
	disabled []string // PostgreSQL: tables whose triggers are off for the load
	indexes  []string // definitions of the indexes dropped for the load
}

// load runs fill and then the loader's finish in one transaction on one
// connection of d, and commits only if both succeed.
func load(ctx context.Context, d *db.DB, opts Options, fill func(l *loader) (*Manifest, error)) (*Manifest, error) {
	conn, err := d.SQL().Conn(ctx)
	if err != nil {
		return nil, errs.Wrap(err, "connect")
	}
	defer conn.Close()
	stx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, errs.Wrap(db.MapError(err), "begin")
	}
	defer stx.Rollback()
	l := &loader{ctx: ctx, tx: &txq{tx: stx, d: d.Dialect}, conn: conn, step: opts.step,
		target: map[string]*Table{}, loaded: map[string]bool{}}
	defer l.stop()
	ts, err := tables(ctx, l.tx)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		l.target[t.Name] = t
	}
	if err := l.quiet(); err != nil {
		return nil, err
	}
	m, err := fill(l)
	if err != nil {
		return nil, err
	}
	if err := l.finish(m.Sums); err != nil {
		return nil, err
	}
	l.step("committing")
	if err := stx.Commit(); err != nil {
		return nil, errs.Wrap(db.MapError(err), "commit")
	}
	return m, nil
}

// stop ends a table's writer left running by a failure.
func (l *loader) stop() {
	if l.w != nil {
		l.w.close()
		l.w = nil
	}
}

// quiet turns off, for this transaction, what would work row by row on
// data that arrives whole: SQLite's triggers (search index, reach tokens,
// area tokens: rebuilt or carried) and its foreign-key checks until the
// commit; PostgreSQL's own triggers (reach tokens: carried); and on both
// the indexes that enforce nothing (an exclusion constraint's index stays), built again in one pass each at the end
// (the demo's bulk load does the same: sorting once beats updating ten
// structures row by row).
func (l *loader) quiet() error {
	ctx, tx := l.ctx, l.tx
	q := "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name"
	if tx.D() == db.Postgres {
		q = `SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
			JOIN pg_class t ON t.oid = i.indrelid
			WHERE t.relnamespace = current_schema()::regnamespace AND NOT i.indisunique AND NOT i.indisprimary
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname`
	}
	names, defs, err := pairs(ctx, tx, q)
	if err != nil {
		return errs.Wrap(err, "list indexes")
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, "DROP INDEX "+quote(n)); err != nil {
			return errs.Wrap(err, "drop index "+n)
		}
	}
	l.indexes = defs
	if tx.D() == db.Postgres {
		names, err := strings1(ctx, tx, `SELECT DISTINCT c.relname FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
			WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY c.relname`)
		if err != nil {
			return errs.Wrap(err, "list triggers")
		}
		for _, n := range names {
			if _, err := tx.Exec(ctx, "ALTER TABLE "+quote(n)+" DISABLE TRIGGER USER"); err != nil {
				return errs.Wrap(err, "disable triggers of "+n)
			}
		}
		l.disabled = names
		return nil
	}
	if _, err := tx.Exec(ctx, "PRAGMA defer_foreign_keys = ON"); err != nil {
		return errs.Wrap(err, "defer foreign keys")
	}
	names, l.triggers, err = pairs(ctx, tx, "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY name")
	if err != nil {
		return errs.Wrap(err, "list triggers")
	}
	for _, n := range names {
		if _, err := tx.Exec(ctx, "DROP TRIGGER "+quote(n)); err != nil {
			return errs.Wrap(err, "drop trigger "+n)
		}
	}
	return nil
}

// header checks the target's schema is the source's.
func (l *loader) header(h *Header) error {
	v, err := db.AppliedVersion(l.ctx, l.tx)
	if err != nil {
		return errs.Wrap(err, "schema version")
	}
	if v != h.Schema {
		return errs.New(errs.EINVALID, "the target database is at schema version %d, the data at %d", v, h.Schema)
	}
	return nil
}

// table starts a table: its columns must be the target's.
func (l *loader) table(t *Table) error {
	tt := l.target[t.Name]
	if tt == nil {
		return errs.New(errs.EINVALID, "table %s of the data is not in the target database", t.Name)
	}
	if l.loaded[t.Name] {
		return errs.New(errs.EINVALID, "table %s comes twice", t.Name)
	}
	l.loaded[t.Name] = true
	if !sameColumns(t.Columns, tt.Columns) {
		return errs.New(errs.EINVALID, "table %s has columns %s in the data and %s in the target database", t.Name, columnList(t.Columns), columnList(tt.Columns))
	}
	l.t = t
	l.w = l.startWriter(t)
	return nil
}

func sameColumns(a, b []Column) bool {
	if len(a) != len(b) {
		return false
	}
	x, y := slices.Clone(a), slices.Clone(b)
	by := func(p, q Column) int { return strings.Compare(p.Name, q.Name) }
	slices.SortFunc(x, by)
	slices.SortFunc(y, by)
	return slices.Equal(x, y)
}

func columnList(cs []Column) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name + " " + string(c.Kind)
	}
	slices.Sort(names)
	return "(" + strings.Join(names, ", ") + ")"
}

// row hands one row to the table's writer.
func (l *loader) row(vals []any, _ []byte) error {
	select {
	case l.w.rows <- vals:
		return nil
	case <-l.w.done:
		return l.loadError(l.w.err)
	case <-l.ctx.Done():
		return l.ctx.Err()
	}
}

// end waits for the table's writer to send its last rows.
func (l *loader) end(*Table, Sum) error {
	w := l.w
	l.w = nil
	if err := w.close(); err != nil {
		return l.loadError(err)
	}
	return nil
}

func (l *loader) loadError(err error) error {
	if err == nil {
		err = l.ctx.Err()
	}
	if errs.Code(err) == errs.EINTERNAL {
		if cerr := l.ctx.Err(); cerr != nil {
			return cerr
		}
		return errs.Wrap(err, "load "+l.t.Name)
	}
	return errs.New(errs.EINVALID, "table %s cannot be loaded: %s", l.t.Name, errs.Message(err))
}

// tableWriter writes one table's rows as they arrive on rows.
type tableWriter struct {
	rows chan []any
	done chan struct{} // closed when the writer has stopped
	err  error         // why it stopped early; read after done
}

// close ends the rows and waits for the writer.
func (w *tableWriter) close() error {
	close(w.rows)
	<-w.done
	return w.err
}

func (l *loader) startWriter(t *Table) *tableWriter {
	// Rows wait for the writer in a queue bounded in memory: a table of
	// photos (up to 5 MiB a row) queues a few rows, others a few thousand.
	queue := 2048
	for _, c := range t.Columns {
		if c.Kind == Bytes {
			queue = 4
		}
	}
	w := &tableWriter{rows: make(chan []any, queue), done: make(chan struct{})}
	cols := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		cols[i] = c.Name
	}
	go func() {
		defer close(w.done)
		if l.tx.D() == db.Postgres {
			w.err = l.copyRows(t.Name, cols, w.rows)
		} else {
			w.err = l.insertRows(t.Name, cols, w.rows)
		}
	}()
	return w
}

// copyRows sends rows to PostgreSQL with one COPY: the whole table in one
// statement, so a row may refer to one that comes after it.
func (l *loader) copyRows(table string, cols []string, rows <-chan []any) error {
	return l.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().CopyFrom(l.ctx, pgx.Identifier{table}, cols, &chanSource{rows: rows})
		return db.MapError(err)
	})
}

// chanSource is a COPY's rows, taken from a channel until it is closed.
type chanSource struct {
	rows <-chan []any
	cur  []any
}

func (s *chanSource) Next() bool {
	var ok bool
	s.cur, ok = <-s.rows
	return ok
}

func (s *chanSource) Values() ([]any, error) { return s.cur, nil }
func (s *chanSource) Err() error             { return nil }

// maxBatchBytes bounds an INSERT's values: attachments are up to 5 MiB each.
const maxBatchBytes = 16 << 20

// insertRows sends rows to SQLite through multi-row INSERTs, as
// db.BulkInsert does, but also cut by size so a table of photos is not sent
// in one statement. Foreign keys are checked at the commit.
func (l *loader) insertRows(table string, cols []string, rows <-chan []any) error {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = quote(c)
	}
	one := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	head := "INSERT INTO " + quote(table) + " (" + strings.Join(quoted, ", ") + ") VALUES " + one
	query := func(n int) string { return head + strings.Repeat(", "+one, n-1) }
	per := min(500, 30000/len(cols))
	var stmt *sql.Stmt
	defer func() {
		if stmt != nil {
			stmt.Close()
		}
	}()
	buf := make([]any, 0, per*len(cols))
	size := 0
	send := func() error {
		n := len(buf) / len(cols)
		if n == 0 {
			return nil
		}
		var err error
		if n == per {
			if stmt == nil {
				if stmt, err = l.tx.tx.PrepareContext(l.ctx, query(per)); err != nil {
					return db.MapError(err)
				}
			}
			_, err = stmt.ExecContext(l.ctx, buf...)
		} else {
			_, err = l.tx.tx.ExecContext(l.ctx, query(n), buf...)
		}
		clear(buf)
		buf, size = buf[:0], 0
		return db.MapError(err)
	}
	for vals := range rows {
		buf = append(buf, vals...)
		for _, v := range vals {
			switch x := v.(type) {
			case string:
				size += len(x)
			case []byte:
				size += len(x)
			default:
				size += 8
			}
		}
		if len(buf) >= per*len(cols) || size >= maxBatchBytes {
			if err := send(); err != nil {
				return err
			}
		}
	}
	return send()
}

// finish completes the load inside its transaction: every table of the
// target arrived, search data rebuilt, triggers back, foreign keys hold,
// id sequences past the largest id, and every table reads back with the
// checksum the source recorded.
func (l *loader) finish(sums []Sum) error {
	ctx, tx := l.ctx, l.tx
	for name := range l.target {
		if !l.loaded[name] {
			return errs.New(errs.EINVALID, "table %s of the target database is not in the data", name)
		}
	}
	l.step("rebuilding search data and indexes")
	if err := rebuildSearch(ctx, tx); err != nil {
		return err
	}
	for _, def := range l.triggers {
		if _, err := tx.Exec(ctx, def); err != nil {
			return errs.Wrap(err, "restore trigger")
		}
	}
	for _, n := range l.disabled {
		if _, err := tx.Exec(ctx, "ALTER TABLE "+quote(n)+" ENABLE TRIGGER USER"); err != nil {
			return errs.Wrap(err, "enable triggers of "+n)
		}
	}
	for _, def := range l.indexes {
		if _, err := tx.Exec(ctx, def); err != nil {
			return errs.Wrap(err, "restore index")
		}
	}
	l.step("checking references and setting id sequences")
	if err := foreignKeysHold(ctx, tx); err != nil {
		return err
	}
	next := map[string]int64{}
	for _, s := range sums {
		next[s.Table] = s.NextID
	}
	if err := setSequences(ctx, tx, l.target, next); err != nil {
		return err
	}
	l.step("reading the copy back to compare checksums")
	got, err := checksums(ctx, tx)
	if err != nil {
		return err
	}
	if err := compareSums(sums, got); err != nil {
		return errs.Wrap(err, "the copy does not read back as the source")
	}
	return nil
}

// rebuildSearch rebuilds what SQLite derives for search from the loaded
// rows: the areas' index tokens (from their ancestors' paths, as the
// trigger of migration 00008 writes them), the demands' index and the
// shared index. PostgreSQL's vectors are generated columns.
func rebuildSearch(ctx context.Context, tx db.Querier) error {
	if tx.D() != db.SQLite {
		return nil
	}
	type area struct{ parent, path string }
	rows, err := tx.Query(ctx, "SELECT code, coalesce(parent_code, ''), path FROM areas ORDER BY code")
	if err != nil {
		return errs.Wrap(err, "area tokens")
	}
	areas := map[string]area{}
	var codes []string
	for rows.Next() {
		var code string
		var a area
		if err := rows.Scan(&code, &a.parent, &a.path); err != nil {
			rows.Close()
			return errs.Wrap(err, "area tokens")
		}
		areas[code] = a
		codes = append(codes, code)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "area tokens")
	}
	tokens := map[string]string{}
	var tokensOf func(code string, depth int) string
	tokensOf = func(code string, depth int) string {
		if t, ok := tokens[code]; ok {
			return t
		}
		a := areas[code]
		t := "p" + hex.EncodeToString([]byte(a.path))
		if _, ok := areas[a.parent]; ok && depth < 64 {
			t = tokensOf(a.parent, depth+1) + " " + t
		}
		tokens[code] = t
		return t
	}
	for _, code := range codes {
		if _, err := tx.Exec(ctx, "UPDATE areas SET scope_tokens = ? WHERE code = ?", tokensOf(code, 0), code); err != nil {
			return errs.Wrap(err, "area tokens")
		}
	}
	if err := demand.RefillSearchIndex(ctx, tx); err != nil {
		return err
	}
	return search.Refill(ctx, tx)
}

// foreignKeysHold checks, on SQLite where the checks were deferred, that
// every reference finds its row, naming the first that does not.
func foreignKeysHold(ctx context.Context, tx db.Querier) error {
	if tx.D() != db.SQLite {
		return nil // checked at each statement
	}
	var table, parent string
	var rowid sql.NullInt64
	var fk int
	err := tx.QueryRow(ctx, "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check LIMIT 1").Scan(&table, &rowid, &parent, &fk)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return errs.Wrap(err, "check references")
	}
	return errs.New(errs.EINVALID, "table %s, row %d refers to a row of %s that is not there", table, rowid.Int64, parent)
}

// setSequences moves each id sequence past the largest id and past where
// the source's sequence stood. SQLite's rowids follow the largest id.
func setSequences(ctx context.Context, tx db.Querier, ts map[string]*Table, next map[string]int64) error {
	if tx.D() != db.Postgres {
		return nil
	}
	for _, t := range ts {
		if t.serial == "" {
			continue
		}
		q := "SELECT setval(pg_get_serial_sequence(?, ?), greatest(?, (SELECT coalesce(max(" + quote(t.serial) + "), 0) + 1 FROM " + quote(t.Name) + ")), false)"
		if _, err := tx.Exec(ctx, q, t.Name, t.serial, next[t.Name]); err != nil {
			return errs.Wrap(err, "set ids of "+t.Name)
		}
	}
	return nil
}

// pairs reads a two-column list of text.
func pairs(ctx context.Context, q db.Querier, query string) (a, b []string, err error) {
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var x, y string
		if err := rows.Scan(&x, &y); err != nil {
			return nil, nil, err
		}
		a, b = append(a, x), append(b, y)
	}
	return a, b, rows.Err()
}
