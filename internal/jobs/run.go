package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// maxErrText is how much of a handler's error a job keeps.
const maxErrText = 500

// errLost means another runner took the job over after its lease ran out;
// this runner's work on it is rolled back.
var errLost = errors.New("jobs: lease lost")

// Run runs due jobs every interval (wall time; what is due follows the
// queue's clock) until ctx ends, and prunes finished jobs older than Retain
// once an hour. Errors are logged, not returned: a database hiccup must not
// stop the jobs for good.
func (q *Queue) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := q.RunDue(ctx); err != nil && ctx.Err() == nil {
			q.log.Error("jobs: run", "err", err)
		}
		if now := q.clock.Now(); now.Sub(q.pruned) >= time.Hour && ctx.Err() == nil {
			if _, err := q.Prune(ctx, now.Add(-q.Retain)); err != nil {
				q.log.Error("jobs: prune", "err", err)
			} else {
				q.pruned = now
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue runs every job due by now, in batches until none is left, and
// returns how many it started. Handler failures are recorded on the jobs,
// not returned; only storage errors are.
func (q *Queue) RunDue(ctx context.Context) (int, error) {
	if err := q.ensurePeriodic(ctx); err != nil {
		return 0, err
	}
	kinds := q.kindNames()
	if len(kinds) == 0 {
		return 0, nil
	}
	n := 0
	for n < 10_000 && ctx.Err() == nil {
		batch, err := q.claim(ctx, kinds, max(q.Batch, 1))
		if err != nil || len(batch) == 0 {
			return n, err
		}
		n += len(batch)
		if err := q.runBatch(ctx, batch); err != nil {
			return n, err
		}
	}
	return n, ctx.Err()
}

// runBatch runs claimed jobs, Workers at a time, and returns the first
// storage error.
func (q *Queue) runBatch(ctx context.Context, batch []Job) error {
	sem := make(chan struct{}, max(q.Workers, 1))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for _, j := range batch {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := q.run(ctx, j); err != nil {
				mu.Lock()
				first = firstErr(first, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// firstErr returns a unless it is nil, then b.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// claim takes up to n jobs of the given kinds that are due, or whose runner
// let the lease run out, and marks them running under this runner's lease:
// a running job's run_at is when its lease ends. The jobs returned keep the
// time they were due.
// On PostgreSQL the rows are locked with SKIP LOCKED, so concurrent runners
// pass over each other's picks; SQLite has one writer and InTx begins
// IMMEDIATE, so the claim runs alone.
func (q *Queue) claim(ctx context.Context, kinds []string, n int) ([]Job, error) {
	now := q.clock.Now().UTC()
	args := make([]any, 0, len(kinds)+2)
	for _, k := range kinds {
		args = append(args, k)
	}
	args = append(args, now, n)
	due := ` FROM jobs WHERE kind IN (?` + strings.Repeat(", ?", len(kinds)-1) + `)
		AND state IN ('pending', 'running') AND run_at <= ?
		ORDER BY run_at, id LIMIT ?`
	// Look first without a transaction: most polls find nothing, and on
	// SQLite an empty claim would still queue for the write lock behind
	// every request being served.
	var one int64
	err := q.db.QueryRow(ctx, "SELECT id"+due, args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, errs.Wrap(err, "look for due jobs")
	}
	var out []Job
	err = q.db.InTx(ctx, func(tx *db.Tx) error {
		sel := "SELECT id, kind, key, args, run_at, attempts, created_at" + due + tx.D().SkipLocked("jobs")
		var err error
		out, err = db.All(ctx, tx, sel, args, func(r db.Scanner) (Job, error) {
			var j Job
			var raw string
			err := r.Scan(&j.ID, &j.Kind, &j.Key, &raw, &j.RunAt, &j.Attempts, &j.CreatedAt)
			j.Args, j.State, j.ClaimedBy, j.UpdatedAt = json.RawMessage(raw), Running, q.id, now
			j.Attempts++
			return j, err
		})
		if err != nil {
			return errs.Wrap(err, "claim jobs")
		}
		for _, j := range out {
			lease := DefaultLease
			if k := q.spec(j.Kind); k != nil {
				lease = k.lease
			}
			_, err := tx.Exec(ctx, "UPDATE jobs SET state = 'running', attempts = ?, run_at = ?, claimed_by = ?, updated_at = ? WHERE id = ?",
				j.Attempts, now.Add(lease), q.id, now, j.ID)
			if err != nil {
				return errs.Wrap(err, "claim jobs")
			}
		}
		return nil
	})
	return out, err
}

// run does one claimed job and records the outcome.
func (q *Queue) run(ctx context.Context, j Job) error {
	k := q.spec(j.Kind)
	if k == nil || k.handler == nil {
		return fmt.Errorf("jobs: claimed %s without a handler", j.Kind)
	}
	if j.Attempts > k.maxAttempts {
		// Its runners kept dying (a crash, or a handler outrunning its lease).
		return q.fail(ctx, j, k, errors.New("lease ran out on the last attempt"))
	}
	hctx, cancel := context.WithTimeout(ctx, k.lease)
	defer cancel()
	var herr error
	if k.noTx {
		if herr = call(hctx, k.handler, nil, j); herr == nil {
			err := q.db.InTx(ctx, func(tx *db.Tx) error { return q.finish(ctx, tx, j, k) })
			return q.lost(j, err)
		}
	} else {
		err := q.db.InTx(ctx, func(tx *db.Tx) error {
			if herr = call(hctx, k.handler, tx, j); herr != nil {
				return herr
			}
			return q.finish(ctx, tx, j, k)
		})
		if herr == nil {
			if err != nil && !errors.Is(err, errLost) {
				herr = err // the commit failed: the work is undone, so try again
			} else {
				return q.lost(j, err)
			}
		}
	}
	if ctx.Err() != nil {
		return ctx.Err() // shutting down: the lease brings the job back
	}
	return q.fail(ctx, j, k, herr)
}

// lost logs a job another runner took over and swallows errLost.
func (q *Queue) lost(j Job, err error) error {
	if errors.Is(err, errLost) {
		q.log.Warn("jobs: lease lost", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts)
		return nil
	}
	return err
}

// call runs h, turning a panic into an error so one bad job cannot stop the runner.
func call(ctx context.Context, h Handler, tx *db.Tx, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return h(ctx, tx, j)
}

// finish marks j done in tx, provided this runner still holds it, and
// schedules a periodic kind's next run.
func (q *Queue) finish(ctx context.Context, tx *db.Tx, j Job, k *kindSpec) error {
	now := q.clock.Now().UTC()
	if err := q.settle(ctx, tx, j, Done, j.RunAt, now, ""); err != nil {
		return err
	}
	return q.next(ctx, tx, j, k)
}

// fail records a failed attempt: the job waits its backoff, or is dead
// when out of attempts.
func (q *Queue) fail(ctx context.Context, j Job, k *kindSpec, cause error) error {
	msg := cause.Error()
	if len(msg) > maxErrText {
		msg = msg[:maxErrText]
	}
	q.log.Warn("jobs: attempt failed", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts, "err", msg)
	err := q.db.InTx(ctx, func(tx *db.Tx) error {
		now := q.clock.Now().UTC()
		if j.Attempts >= k.maxAttempts {
			if err := q.settle(ctx, tx, j, Dead, j.RunAt, now, msg); err != nil {
				return err
			}
			return q.next(ctx, tx, j, k)
		}
		return q.settle(ctx, tx, j, Pending, now.Add(k.backoff(j.Attempts)), now, msg)
	})
	return q.lost(j, err)
}

// settle moves a running job to state: pending again at runAt, or final
// (runAt then keeps the time it was due, for the record).
// It fails with errLost when the job is no longer this runner's attempt.
func (q *Queue) settle(ctx context.Context, tx *db.Tx, j Job, state string, runAt, now time.Time, msg string) error {
	var done any
	if state != Pending {
		done = now
	}
	r, err := tx.Exec(ctx, `UPDATE jobs SET state = ?, run_at = ?, done_at = ?, last_error = ?, updated_at = ?
		WHERE id = ? AND state = 'running' AND attempts = ? AND claimed_by = ?`,
		state, runAt, done, msg, now, j.ID, j.Attempts, q.id)
	if err != nil {
		return errs.Wrap(err, "settle job")
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		return firstErr(errs.Wrap(err, "settle job"), errLost)
	}
	return nil
}

// runnerID names this process's queue in claimed_by.
func runnerID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b))
}
