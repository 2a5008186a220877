package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"gongzhi/internal/errs"
)

// Filter narrows List; empty fields match everything.
type Filter struct {
	Kind  string
	Key   string
	State string
	Page  int // from 1
	// PerPage is capped at 500; 0 means 50.
	PerPage int
}

// List returns jobs matching f, newest first, and how many match in all,
// for the operator page.
func (q *Queue) List(ctx context.Context, f Filter) ([]Job, int, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"kind", f.Kind}, {"key", f.Key}, {"state", f.State}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := q.db.QueryRow(ctx, "SELECT count(*) FROM jobs"+cond, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count jobs")
	}
	per := f.PerPage
	if per <= 0 {
		per = 50
	}
	per = min(per, 500)
	page := max(f.Page, 1)
	rows, err := q.db.Query(ctx, `SELECT id, kind, key, args, state, run_at, attempts, last_error, claimed_by, created_at, updated_at, done_at
		FROM jobs`+cond+" ORDER BY id DESC LIMIT ? OFFSET ?", append(args, per, (page-1)*per)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list jobs")
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var raw string
		var done sql.NullTime
		if err := rows.Scan(&j.ID, &j.Kind, &j.Key, &raw, &j.State, &j.RunAt, &j.Attempts, &j.LastError, &j.ClaimedBy,
			&j.CreatedAt, &j.UpdatedAt, &done); err != nil {
			return nil, 0, errs.Wrap(err, "list jobs")
		}
		j.Args = json.RawMessage(raw)
		if done.Valid {
			j.DoneAt = &done.Time
		}
		out = append(out, j)
	}
	return out, total, errs.Wrap(rows.Err(), "list jobs")
}

// Prune deletes jobs that finished (done, dead, cancelled) before t and
// returns how many.
func (q *Queue) Prune(ctx context.Context, t time.Time) (int64, error) {
	r, err := q.db.Exec(ctx, "DELETE FROM jobs WHERE state IN ('done', 'dead', 'cancelled') AND done_at < ?", t.UTC())
	if err != nil {
		return 0, errs.Wrap(err, "prune jobs")
	}
	n, err := r.RowsAffected()
	return n, errs.Wrap(err, "prune jobs")
}
