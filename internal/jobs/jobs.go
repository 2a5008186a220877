// Package jobs is the durable job layer every capability shares (后台任务):
// timers that fire at a time, periodic runs, retries with backoff. A job is
// a row in the jobs table written in the same transaction as the change that
// needs it, so a rolled-back change leaves no job and a committed one never
// loses it. One implementation serves SQLite and PostgreSQL; see
// docs/decisions.md ("Durable jobs: River or our own") for why it is ours.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// States a job passes through: pending until claimed, running while a
// runner holds its lease, then done, dead (out of attempts) or cancelled.
const (
	Pending   = "pending"
	Running   = "running"
	Done      = "done"
	Dead      = "dead"
	Cancelled = "cancelled"
)

// Defaults for a kind registered without options.
const (
	DefaultMaxAttempts = 6
	DefaultLease       = 5 * time.Minute
)

// Job is one unit of deferred work.
type Job struct {
	ID   int64  `json:"id"`
	Kind string `json:"kind"` // what to do; each kind has one handler
	// Key makes the job unique per kind while it is pending: enqueueing the
	// same key again moves that job (a moved deadline replaces its timer).
	// Empty means the job is not unique.
	Key string `json:"key"`
	// RunAt is when the job is due (not before); zero means now. While the
	// job is running, the stored run_at is when its runner's lease ends.
	RunAt time.Time `json:"run_at"`
	// Args are the handler's input. Enqueue marshals any value to JSON;
	// handlers get the JSON back (json.RawMessage) and call Decode.
	Args      any        `json:"args"`
	State     string     `json:"state"`
	Attempts  int        `json:"attempts"` // how many times a runner has started it
	LastError string     `json:"last_error"`
	ClaimedBy string     `json:"claimed_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	DoneAt    *time.Time `json:"done_at"`
}

// Decode unmarshals the job's JSON arguments into v.
func (j Job) Decode(v any) error {
	raw, ok := j.Args.(json.RawMessage)
	if !ok {
		return fmt.Errorf("jobs: %s #%d: arguments are %T, not JSON", j.Kind, j.ID, j.Args)
	}
	return json.Unmarshal(raw, v)
}

// Handler does a job. It runs in tx, the transaction that also marks the job
// done, so its effects and the job's completion commit together; a handler
// registered with NoTx gets a nil tx and does its own storage. A returned
// error is recorded and the job retried after a backoff. Handlers must be
// idempotent: a job whose runner dies is run again once its lease ends.
type Handler func(ctx context.Context, tx *db.Tx, j Job) error

// Handle is the Handler of a kind that needs only its job's arguments,
// decoded into T: Register(kind, Handle(func(ctx, tx, a lapseArgs) error {…})).
// Arguments that do not decode are the job's error, retried like any other.
func Handle[T any](fn func(ctx context.Context, tx *db.Tx, args T) error) Handler {
	return func(ctx context.Context, tx *db.Tx, j Job) error {
		var a T
		if err := j.Decode(&a); err != nil {
			return err
		}
		return fn(ctx, tx, a)
	}
}

// Option tunes how one kind is run.
type Option func(*kindSpec)

// MaxAttempts sets how many starts a job gets before it is dead.
func MaxAttempts(n int) Option { return func(k *kindSpec) { k.maxAttempts = max(n, 1) } }

// Lease sets how long a started job stays claimed before another runner may
// take it over; it must exceed the handler's longest run.
func Lease(d time.Duration) Option { return func(k *kindSpec) { k.lease = max(d, time.Second) } }

// Backoff sets the wait after the n-th failed attempt (n counts from 1).
func Backoff(f func(n int) time.Duration) Option { return func(k *kindSpec) { k.backoff = f } }

// NoTx runs the handler outside a transaction (tx is nil), for work that
// talks to the outside world (webhooks, e-mail) and must not hold SQLite's
// write lock meanwhile. Completion is recorded afterwards in its own transaction.
func NoTx() Option { return func(k *kindSpec) { k.noTx = true } }

type kindSpec struct {
	handler     Handler
	maxAttempts int
	lease       time.Duration
	backoff     func(int) time.Duration
	noTx        bool
	schedule    Schedule // periodic kinds only
}

var backoffSteps = [...]time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}

// DefaultBackoff waits 1 min, 5 min, 30 min, 2 h, then 12 h between attempts.
func DefaultBackoff(n int) time.Duration {
	return backoffSteps[min(max(n, 1), len(backoffSteps))-1]
}

// Queue enqueues jobs and runs the kinds registered with it. Any number of
// queues may run against one database; they never run the same job at once.
type Queue struct {
	db    *db.DB
	clock clock.Clock
	log   *slog.Logger
	id    string // names this runner in claimed_by

	// Batch is how many due jobs one claim takes; Workers how many of them
	// run at once.
	Batch   int
	Workers int
	// Retain is how long finished jobs stay listed before Run prunes them.
	Retain time.Duration

	mu        sync.Mutex
	kinds     map[string]*kindSpec
	scheduled bool      // periodic jobs ensured since the last registration
	pruned    time.Time // when Run last pruned
}

// New returns a queue on d. Times come from c; errors Run meets go to log.
func New(d *db.DB, c clock.Clock, log *slog.Logger) *Queue {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Queue{db: d, clock: c, log: log, id: runnerID(), Batch: 32, Workers: 4, Retain: 7 * 24 * time.Hour,
		kinds: map[string]*kindSpec{}}
}

// Register makes this queue run jobs of kind with h. Register every kind
// before Run; a queue only claims kinds it can run, so a server that does
// not know a kind yet leaves its jobs to one that does.
func (q *Queue) Register(kind string, h Handler, opts ...Option) {
	k := &kindSpec{handler: h, maxAttempts: DefaultMaxAttempts, lease: DefaultLease, backoff: DefaultBackoff}
	for _, o := range opts {
		o(k)
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if old := q.kinds[kind]; old != nil {
		k.schedule = old.schedule
	}
	q.kinds[kind] = k
}

// Periodic runs kind on schedule s (Every, Daily, Weekly), starting with the
// next occurrence after the first Run. The kind's handler comes from
// Register. Missed occurrences (the server was down) collapse into one run.
func (q *Queue) Periodic(kind string, s Schedule) {
	q.mu.Lock()
	defer q.mu.Unlock()
	k := q.kinds[kind]
	if k == nil {
		k = &kindSpec{maxAttempts: DefaultMaxAttempts, lease: DefaultLease, backoff: DefaultBackoff}
		q.kinds[kind] = k
	}
	k.schedule = s
	q.scheduled = false
}

// PeriodicKey is the key of a periodic kind's one pending job.
const PeriodicKey = "periodic"

// Enqueue adds j in tx, the transaction of the change that needs it. With a
// key, an existing pending job of the same kind and key is moved to j's
// time and arguments instead; a job of that key already running is left to
// finish, and j waits beside it.
func (q *Queue) Enqueue(ctx context.Context, tx *db.Tx, j Job) error {
	return Enqueue(ctx, tx, q.clock.Now(), j)
}

// Enqueue is Queue.Enqueue for code that only adds jobs (a service whose
// kinds another queue runs): js are written in tx in one statement, now
// being the change's time. Keys must differ within one call.
func Enqueue(ctx context.Context, tx *db.Tx, now time.Time, js ...Job) error {
	if len(js) == 0 {
		return nil
	}
	now = now.UTC()
	rows := make([]string, len(js))
	args := make([]any, 0, 6*len(js))
	for i, j := range js {
		if j.Kind == "" {
			return errors.New("jobs: enqueue without a kind")
		}
		a, err := marshal(j.Args)
		if err != nil {
			return fmt.Errorf("jobs: %s arguments: %w", j.Kind, err)
		}
		at := j.RunAt.UTC()
		if j.RunAt.IsZero() {
			at = now
		}
		rows[i] = "(?, ?, ?, 'pending', ?, ?, ?)"
		args = append(args, j.Kind, j.Key, a, at, now, now)
	}
	_, err := tx.Exec(ctx, `INSERT INTO jobs (kind, key, args, state, run_at, created_at, updated_at) VALUES `+strings.Join(rows, ", ")+`
		ON CONFLICT (kind, key) WHERE state = 'pending' AND key <> ''
		DO UPDATE SET args = excluded.args, run_at = excluded.run_at, updated_at = excluded.updated_at, attempts = 0, last_error = ''`,
		args...)
	return errs.Wrap(err, "enqueue "+js[0].Kind)
}

// Cancel cancels the pending job of kind with key in tx and reports whether
// there was one. A running job is not stopped; cancel it before the change
// that makes it pointless commits, or let its handler check.
func (q *Queue) Cancel(ctx context.Context, tx *db.Tx, kind, key string) (bool, error) {
	if key == "" {
		return false, errors.New("jobs: cancel without a key")
	}
	now := q.clock.Now().UTC()
	r, err := tx.Exec(ctx, "UPDATE jobs SET state = 'cancelled', done_at = ?, updated_at = ? WHERE kind = ? AND key = ? AND key <> '' AND state = 'pending'",
		now, now, kind, key)
	if err != nil {
		return false, errs.Wrap(err, "cancel "+kind)
	}
	n, err := r.RowsAffected()
	return n > 0, errs.Wrap(err, "cancel "+kind)
}

func marshal(v any) (string, error) {
	switch a := v.(type) {
	case nil:
		return "{}", nil
	case json.RawMessage:
		if !json.Valid(a) {
			return "", errors.New("not valid JSON")
		}
		return string(a), nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// kindNames lists the kinds this queue runs, sorted, for the claim.
func (q *Queue) kindNames() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for _, k := range slices.Sorted(maps.Keys(q.kinds)) {
		if q.kinds[k].handler != nil {
			out = append(out, k)
		}
	}
	return out
}

func (q *Queue) spec(kind string) *kindSpec {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.kinds[kind]
}
