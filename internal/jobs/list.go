package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"gongzhi/internal/db"
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
	var w db.Where
	for _, c := range []struct{ col, v string }{{"kind", f.Kind}, {"key", f.Key}, {"state", f.State}} {
		if c.v != "" {
			w.And(c.col+" = ?", c.v)
		}
	}
	per := f.PerPage
	if per <= 0 {
		per = 50
	}
	per = min(per, 500)
	page := max(f.Page, 1)
	l, err := db.List(ctx, q.db, db.Page{From: "jobs", Where: w, Order: "id DESC", Limit: per, Offset: (page - 1) * per,
		Cols: "id, kind, key, args, state, run_at, attempts, last_error, claimed_by, created_at, updated_at, done_at"},
		func(r db.Scanner) (Job, error) {
			var j Job
			var raw string
			var done sql.NullTime
			err := r.Scan(&j.ID, &j.Kind, &j.Key, &raw, &j.State, &j.RunAt, &j.Attempts, &j.LastError, &j.ClaimedBy,
				&j.CreatedAt, &j.UpdatedAt, &done)
			j.Args = json.RawMessage(raw)
			if done.Valid {
				j.DoneAt = &done.Time
			}
			return j, err
		})
	return l.Items, l.Total, errs.Wrap(err, "list jobs")
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

// Tally is how many jobs of one kind are in one state.
type Tally struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
	Count int    `json:"count"`
}

// Tallies counts jobs by kind and state, for the operator page's summary.
func (q *Queue) Tallies(ctx context.Context) ([]Tally, error) {
	out, err := db.All(ctx, q.db, "SELECT kind, state, count(*) FROM jobs GROUP BY kind, state ORDER BY kind, state", nil,
		func(r db.Scanner) (Tally, error) {
			var t Tally
			err := r.Scan(&t.Kind, &t.State, &t.Count)
			return t, err
		})
	return out, errs.Wrap(err, "tally jobs")
}

// Retry makes a dead or cancelled job pending again, due now with its
// attempts reset, in tx (the operator's change, audited by the caller).
// A keyed job whose key has since been enqueued again is refused: the
// newer job already does its work.
func (q *Queue) Retry(ctx context.Context, tx *db.Tx, id int64) error {
	now := q.clock.Now().UTC()
	r, err := tx.Exec(ctx, `UPDATE jobs SET state = 'pending', run_at = ?, attempts = 0, last_error = '', claimed_by = '', done_at = NULL, updated_at = ?
		WHERE id = ? AND state IN ('dead', 'cancelled')`, now, now, id)
	if errs.Code(err) == errs.ECONFLICT {
		return errs.New(errs.ECONFLICT, "job %d: a newer job with the same key is pending", id)
	} else if err != nil {
		return errs.Wrap(err, "retry job")
	}
	return q.changed(ctx, tx, r, id, "job %d cannot be run again: only a failed or cancelled job can")
}

// CancelID cancels the pending job id in tx.
func (q *Queue) CancelID(ctx context.Context, tx *db.Tx, id int64) error {
	now := q.clock.Now().UTC()
	r, err := tx.Exec(ctx, "UPDATE jobs SET state = 'cancelled', done_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'", now, now, id)
	if err != nil {
		return errs.Wrap(err, "cancel job")
	}
	return q.changed(ctx, tx, r, id, "job %d cannot be cancelled: only a waiting job can")
}

// changed turns an update that touched no row into ENOTFOUND or ECONFLICT
// (conflict: a message format taking the job's id).
func (q *Queue) changed(ctx context.Context, tx *db.Tx, r sql.Result, id int64, conflict string) error {
	if n, err := r.RowsAffected(); err != nil {
		return errs.Wrap(err, "job")
	} else if n > 0 {
		return nil
	}
	var state string
	err := tx.QueryRow(ctx, "SELECT state FROM jobs WHERE id = ?", id).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.ENOTFOUND, "no job %d", id)
	} else if err != nil {
		return errs.Wrap(err, "job")
	}
	return errs.New(errs.ECONFLICT, conflict, id)
}
