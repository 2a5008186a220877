package db

import (
	"context"
	"database/sql"
	"strings"
)

// maxBulkParams stays under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const maxBulkParams = 30000

// BulkInsert sends rows through one prepared multi-row INSERT inside a
// transaction, so 100,000 rows cost a few hundred statements instead of
// 100,000 round trips. Add rows, then Close to send the last partial batch.
type BulkInsert struct {
	tx    *Tx
	table string
	cols  []string
	per   int // rows per statement
	stmt  *sql.Stmt
	buf   []any
}

// NewBulkInsert prepares a bulk insert of cols into table.
func NewBulkInsert(tx *Tx, table string, cols []string) *BulkInsert {
	return &BulkInsert{tx: tx, table: table, cols: cols, per: min(500, maxBulkParams/len(cols))}
}

func (b *BulkInsert) query(rows int) string {
	one := "(?" + strings.Repeat(", ?", len(b.cols)-1) + ")"
	return "INSERT INTO " + b.table + " (" + strings.Join(b.cols, ", ") + ") VALUES " + one + strings.Repeat(", "+one, rows-1)
}

// Add queues one row and sends a full batch.
func (b *BulkInsert) Add(ctx context.Context, vals ...any) error {
	b.buf = append(b.buf, vals...)
	if len(b.buf) < b.per*len(b.cols) {
		return nil
	}
	if b.stmt == nil {
		st, err := b.tx.Prepare(ctx, b.query(b.per))
		if err != nil {
			return MapError(err)
		}
		b.stmt = st
	}
	_, err := b.stmt.ExecContext(ctx, b.buf...)
	b.buf = b.buf[:0]
	return MapError(err)
}

// Close sends the last partial batch and releases the statement.
func (b *BulkInsert) Close(ctx context.Context) error {
	if b.stmt != nil {
		defer b.stmt.Close()
	}
	if len(b.buf) == 0 {
		return nil
	}
	_, err := b.tx.Exec(ctx, b.query(len(b.buf)/len(b.cols)), b.buf...)
	b.buf = b.buf[:0]
	return err
}
