package backup

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// txq is a transaction as a db.Querier, for the transactions this package
// opens itself: the snapshot a copy reads, and the load on its own
// connection (PostgreSQL's COPY needs the connection under it).
type txq struct {
	tx *sql.Tx
	d  db.Dialect
}

// openSnapshot begins a read-only transaction that sees one moment of the
// database while the server goes on writing: REPEATABLE READ on
// PostgreSQL; on SQLite a deferred (not IMMEDIATE) transaction, which under
// WAL reads the database as it was at its first read and never blocks the
// writer.
func openSnapshot(ctx context.Context, d *db.DB) (*txq, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.Dialect == db.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.SQL().BeginTx(ctx, opts)
	if err != nil {
		return nil, errs.Wrap(err, "begin snapshot")
	}
	return &txq{tx: tx, d: d.Dialect}, nil
}

func (s *txq) close() { s.tx.Rollback() }

// D returns the dialect.
func (s *txq) D() db.Dialect { return s.d }

// Exec runs a statement in the transaction.
func (s *txq) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	r, err := s.tx.ExecContext(ctx, s.d.Rebind(q), args...)
	return r, db.MapError(err)
}

// Query runs a query in the transaction.
func (s *txq) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	r, err := s.tx.QueryContext(ctx, s.d.Rebind(q), args...)
	return r, db.MapError(err)
}

// QueryRow runs a one-row query in the transaction.
func (s *txq) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return s.tx.QueryRowContext(ctx, s.d.Rebind(q), args...)
}

// sink receives a database's tables one after the other: a backup file, or
// the loader of another database.
type sink interface {
	header(h *Header) error
	table(t *Table) error
	row(vals []any, line []byte) error
	end(t *Table, s Sum) error
}

// Progress tells how far a copy is: Done of Total rows of Table, with End
// set once the table is complete.
type Progress struct {
	Table       string
	Done, Total int64
	End         bool
}

// progressEvery is how many rows pass between progress reports.
const progressEvery = 5000

// dump reads every table of the snapshot into out: the header, then each
// table in dependency order with its rows in key order and its sum.
func dump(ctx context.Context, q db.Querier, h Header, out sink, progress func(Progress)) (*Manifest, error) {
	ts, err := tables(ctx, q)
	if err != nil {
		return nil, err
	}
	if h.Schema, err = db.AppliedVersion(ctx, q); err != nil {
		return nil, errs.Wrap(err, "schema version")
	}
	if h.Schema == 0 {
		return nil, errs.New(errs.EINVALID, "the database to copy holds no gongzhi tables: no migration ever ran on it")
	}
	h.Format, h.Version, h.Engine = Format, FormatVersion, q.D().String()
	for _, t := range ts {
		if err := q.QueryRow(ctx, "SELECT count(*) FROM "+quote(t.Name)).Scan(&t.Rows); err != nil {
			return nil, errs.Wrap(err, "count "+t.Name)
		}
		h.Tables = append(h.Tables, t.Name)
	}
	if err := out.header(&h); err != nil {
		return nil, err
	}
	m := &Manifest{Header: h}
	for _, t := range ts {
		if err := out.table(t); err != nil {
			return nil, err
		}
		sum, err := readTable(ctx, q, t, func(vals []any, line []byte, n int64) error {
			if progress != nil && n%progressEvery == 0 {
				progress(Progress{Table: t.Name, Done: n, Total: t.Rows})
			}
			return out.row(vals, line)
		})
		if err != nil {
			return nil, err
		}
		if sum.Rows != t.Rows { // counted and read in one snapshot: they agree unless it is not one
			return nil, errs.Wrap(fmt.Errorf("table %s: counted %d rows, read %d", t.Name, t.Rows, sum.Rows), "snapshot")
		}
		if sum.NextID, err = nextID(ctx, q, t); err != nil {
			return nil, err
		}
		if err := out.end(t, sum); err != nil {
			return nil, err
		}
		m.Sums = append(m.Sums, sum)
		if progress != nil {
			progress(Progress{Table: t.Name, Done: sum.Rows, Total: t.Rows, End: true})
		}
	}
	return m, nil
}

// readTable reads t's rows in key order, hands each (as canonical values
// and its line) to fn with its number, and returns the table's sum.
func readTable(ctx context.Context, q db.Querier, t *Table, fn func(vals []any, line []byte, n int64) error) (Sum, error) {
	rows, err := q.Query(ctx, selectRows(q.D(), t))
	if err != nil {
		return Sum{}, errs.Wrap(err, "read "+t.Name)
	}
	defer rows.Close()
	raw := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	h := sha256.New()
	var line []byte
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return Sum{}, errs.Wrap(err, "read "+t.Name)
		}
		vals := make([]any, len(raw))
		for i, v := range raw {
			c, err := canon(t.Columns[i].Kind, v)
			if err != nil {
				return Sum{}, errs.New(errs.EINVALID, "table %s, row %d, column %s holds a value the backup cannot carry: %s", t.Name, n+1, t.Columns[i].Name, err.Error())
			}
			vals[i] = c
		}
		line = appendRow(line[:0], vals)
		h.Write(line)
		h.Write([]byte{'\n'})
		n++
		if fn != nil {
			if err := fn(vals, line, n); err != nil {
				return Sum{}, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Sum{}, errs.Wrap(err, "read "+t.Name)
	}
	return Sum{Table: t.Name, Rows: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// nextID is the id t's next row would get: past the largest id, and on
// PostgreSQL past every id its sequence ever handed out.
func nextID(ctx context.Context, q db.Querier, t *Table) (int64, error) {
	if t.serial == "" {
		return 0, nil
	}
	var next int64
	if err := q.QueryRow(ctx, "SELECT coalesce(max("+quote(t.serial)+"), 0) + 1 FROM "+quote(t.Name)).Scan(&next); err != nil {
		return 0, errs.Wrap(err, "largest id of "+t.Name)
	}
	if q.D() != db.Postgres {
		return next, nil
	}
	var seq string
	if err := q.QueryRow(ctx, "SELECT pg_get_serial_sequence(?, ?)", t.Name, t.serial).Scan(&seq); err != nil {
		return 0, errs.Wrap(err, "sequence of "+t.Name)
	}
	var last int64
	var called bool
	if err := q.QueryRow(ctx, "SELECT last_value, is_called FROM "+seq).Scan(&last, &called); err != nil {
		return 0, errs.Wrap(err, "sequence of "+t.Name)
	}
	if called {
		last++
	}
	return max(next, last), nil
}

// Checksums reads every table of d in one snapshot and returns each one's
// row count and checksum, as a backup of that moment would record them.
func Checksums(ctx context.Context, d *db.DB) ([]Sum, error) {
	s, err := openSnapshot(ctx, d)
	if err != nil {
		return nil, err
	}
	defer s.close()
	return checksums(ctx, s)
}

func checksums(ctx context.Context, q db.Querier) ([]Sum, error) {
	ts, err := tables(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []Sum
	for _, t := range ts {
		s, err := readTable(ctx, q, t, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// compareSums reports the first table whose rows differ between want and got.
func compareSums(want, got []Sum) error {
	have := map[string]Sum{}
	for _, s := range got {
		have[s.Table] = s
	}
	for _, w := range want {
		g, ok := have[w.Table]
		switch {
		case !ok:
			return fmt.Errorf("table %s is missing", w.Table)
		case g.Rows != w.Rows:
			return fmt.Errorf("table %s has %d rows, want %d", w.Table, g.Rows, w.Rows)
		case g.SHA256 != w.SHA256:
			return fmt.Errorf("table %s: checksum %s, want %s", w.Table, g.SHA256[:12], w.SHA256[:12])
		}
		delete(have, w.Table)
	}
	for name := range have {
		return fmt.Errorf("table %s is not in the source", name)
	}
	return nil
}
