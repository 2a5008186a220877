package notify

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// Retry policy shared by webhooks and e-mail. A failed try waits
// backoffSteps[n-1] after the n-th attempt; the MaxAttempts-th failure is
// final. Together the waits cover about 15 hours, long enough to ride out a
// night-time outage of a receiver.
const (
	MaxAttempts = 6
	// claimLease is how long a claimed row stays out of other dispatchers'
	// reach; it must exceed sendTimeout. If a dispatcher dies mid-send the
	// row becomes due again when the lease ends (at-least-once delivery;
	// receivers deduplicate on X-Gongzhi-Delivery).
	claimLease  = 10 * time.Minute // the jobs' lease
	sendTimeout = 30 * time.Second
	maxErrText  = 500      // bytes of error text kept per delivery
	maxDrain    = 64 << 10 // bytes of a reply read (and discarded) so the connection can be reused
)

var backoffSteps = [...]time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}

// Backoff returns how long to wait after the attempts-th failed attempt,
// and false when that failure was the last one allowed.
func Backoff(attempts int) (time.Duration, bool) {
	if attempts >= MaxAttempts {
		return 0, false
	}
	return backoffSteps[min(max(attempts, 1), len(backoffSteps))-1], true
}

// Job kinds of the outboxes. Each webhook delivery and each e-mail is a
// row in its log table (what admins see) and a job keyed by the row's id
// (what gets it sent), both written in the transaction of the change.
const (
	JobWebhook = "notify.webhook"
	JobEmail   = "notify.email"
)

// sendArgs are an outbox job's arguments: the id of its row.
type sendArgs struct {
	ID int64 `json:"id"`
}

// enqueueSend adds the job that sends outbox row id of kind.
func enqueueSend(ctx context.Context, tx *db.Tx, now time.Time, kind string, id int64) error {
	return jobs.Enqueue(ctx, tx, now, jobs.Job{Kind: kind, Key: strconv.FormatInt(id, 10), Args: sendArgs{ID: id}})
}

// Dispatcher sends the webhook and e-mail outboxes as jobs of the shared
// job layer. Any number may run against one database: the job layer's
// claim (SKIP LOCKED on PostgreSQL, the single writer on SQLite) gives each
// row to one of them, and sends happen outside any transaction. A sender
// that dies mid-send leaves its job to be taken over when the lease ends
// (at-least-once delivery; receivers deduplicate on X-Gongzhi-Delivery).
type Dispatcher struct {
	db     *db.DB
	clock  clock.Clock
	client *http.Client
	mailer Mailer
	log    *slog.Logger
	// Batch is how many rows one claim takes; Workers how many of them are
	// sent at once, so one slow receiver does not hold up the rest. They
	// tune RunDue and Run.
	Batch   int
	Workers int

	own  *jobs.Queue  // runs this dispatcher's kinds for RunDue and Run
	sent atomic.Int64 // deliveries that went through, for RunDue's count
}

// NewDispatcher returns a dispatcher. Webhooks go only where targets allows,
// checked on every address connected to, and never follow redirects (the
// service's Options.Targets should be the same rule); mailer sends e-mail
// (nil: e-mail stays queued until a server with one runs); log receives
// errors.
func NewDispatcher(d *db.DB, c clock.Clock, targets Targets, mailer Mailer, log *slog.Logger) *Dispatcher {
	client := targets.client()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	x := &Dispatcher{db: d, clock: c, client: client, mailer: mailer, log: log, Batch: 50, Workers: 4}
	x.own = jobs.New(d, c, log)
	x.Register(x.own)
	return x
}

// Register makes q send webhooks and, with a mailer, e-mail.
func (x *Dispatcher) Register(q *jobs.Queue) {
	opts := []jobs.Option{jobs.NoTx(), jobs.MaxAttempts(MaxAttempts), jobs.Lease(claimLease),
		jobs.Backoff(func(n int) time.Duration { w, _ := Backoff(n); return w })}
	q.Register(JobWebhook, x.sendWebhook, opts...)
	if x.mailer != nil {
		q.Register(JobEmail, x.sendEmail, opts...)
	}
}

// Run delivers due rows every interval until ctx ends (the server runs its
// shared queue instead; this is for a dispatcher on its own).
func (x *Dispatcher) Run(ctx context.Context, every time.Duration) {
	x.tune()
	x.own.Run(ctx, every)
}

// RunDue sends every webhook delivery and e-mail due now, oldest first, in
// batches until none is left, and returns how many went through. Failures
// of receivers are recorded on the rows and are not errors; only storage
// errors are returned.
func (x *Dispatcher) RunDue(ctx context.Context) (int, error) {
	x.tune()
	before := x.sent.Load()
	_, err := x.own.RunDue(ctx)
	return int(x.sent.Load() - before), err
}

func (x *Dispatcher) tune() { x.own.Batch, x.own.Workers = max(x.Batch, 1), max(x.Workers, 1) }

// sendWebhook is the job that sends one delivery. A delivery of an
// inactive webhook waits, unsent and uncounted, until the webhook is
// switched on again (UpdateWebhook queues it then).
func (x *Dispatcher) sendWebhook(ctx context.Context, _ *db.Tx, j jobs.Job) error {
	var a sendArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	var c claimedHook
	var status string
	var active bool
	err := x.db.QueryRow(ctx, `SELECT d.id, d.event, d.payload, d.status, w.url, w.secret, w.active
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = ?`, a.ID).
		Scan(&c.id, &c.event, &c.payload, &status, &c.url, &c.secret, &active)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return errs.Wrap(err, "delivery")
	}
	if err != nil || !active || !x.sendable(ctx, "webhook_deliveries", c.id, status, j) {
		return nil
	}
	return x.record(ctx, "webhook_deliveries", c.id, j.Attempts, x.post(ctx, c))
}

// sendEmail is the job that sends one queued e-mail.
func (x *Dispatcher) sendEmail(ctx context.Context, _ *db.Tx, j jobs.Job) error {
	var a sendArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	var to, subject, body, status string
	err := x.db.QueryRow(ctx, "SELECT recipient, subject, body, status FROM email_outbox WHERE id = ?", a.ID).Scan(&to, &subject, &body, &status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return errs.Wrap(err, "e-mail")
	}
	if err != nil || !x.sendable(ctx, "email_outbox", a.ID, status, j) {
		return nil
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	o := outcome{ok: true}
	if err := x.mailer.Send(sctx, []string{to}, subject, body); err != nil {
		o = outcome{errMsg: errText(err)}
	}
	return x.record(ctx, "email_outbox", a.ID, j.Attempts, o)
}

// sendable reports whether the row in status is to be sent by job j: a
// pending row is; a failed one is when an operator ran its dead job again
// from the jobs page (a first attempt of a job whose row already failed),
// and the row is then pending again with fresh attempts.
func (x *Dispatcher) sendable(ctx context.Context, table string, id int64, status string, j jobs.Job) bool {
	switch {
	case status == "pending":
		return true
	case status == "failed" && j.Attempts == 1:
		r, err := x.db.Exec(ctx, "UPDATE "+table+" SET status = 'pending', attempts = 0 WHERE id = ? AND status = 'failed'", id)
		if err != nil {
			return false
		}
		n, _ := r.RowsAffected()
		return n == 1
	}
	return false
}

type claimedHook struct {
	id      int64
	event   string
	payload string
	url     string
	secret  string
}

// outcome is what one attempt did, to be written back to its row.
type outcome struct {
	ok     bool
	code   int // HTTP status, 0 when there was no response
	errMsg string
}

// errAttempt tells the job layer an attempt failed, so it retries after
// the backoff; the row already says why.
var errAttempt = errors.New("notify: attempt failed")

// post sends one delivery: the stored body, signed over this attempt's timestamp.
func (x *Dispatcher) post(ctx context.Context, c claimedHook) outcome {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader([]byte(c.payload)))
	if err != nil || req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return outcome{errMsg: "invalid URL"}
	}
	ts := strconv.FormatInt(x.clock.Now().Unix(), 10)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "gongzhi-webhook/1")
	req.Header.Set(HeaderEvent, c.event)
	req.Header.Set(HeaderDelivery, strconv.FormatInt(c.id, 10))
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, Sign(c.secret, ts, c.payload))
	resp, err := x.client.Do(req)
	if err != nil {
		return outcome{errMsg: failure(err)}
	}
	// The reply is read only to free the connection, never kept: what an
	// endpoint answers is not ours to store (aimed at an internal service,
	// the delivery log would show its data). The log gets the status.
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
	resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return outcome{ok: true, code: resp.StatusCode}
	}
	msg := "HTTP " + strconv.Itoa(resp.StatusCode)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		msg += ", redirect not followed"
	}
	return outcome{code: resp.StatusCode, errMsg: msg}
}

// record writes an attempt's outcome on its row: delivered, waiting for
// the next attempt after the backoff, or failed for good after the last
// one. A failed attempt returns errAttempt, so the job is retried.
func (x *Dispatcher) record(ctx context.Context, table string, id int64, attempts int, o outcome) error {
	now := x.clock.Now()
	set, args := "status = 'delivered', delivered_at = ?, last_error = ''", []any{now}
	wait, retry := Backoff(attempts)
	if !o.ok {
		if retry {
			set, args = "next_attempt_at = ?, last_error = ?", []any{now.Add(wait), truncate(o.errMsg, maxErrText)}
		} else {
			set, args = "status = 'failed', last_error = ?", []any{truncate(o.errMsg, maxErrText)}
		}
	}
	set, args = set+", attempts = ?", append(args, attempts)
	if table == "webhook_deliveries" {
		var code any
		if o.code != 0 {
			code = o.code
		}
		set, args = set+", last_status_code = ?", append(args, code)
	}
	if table == "sms_outbox" && (o.ok || !retry) {
		// Delivered or given up: a secret the message carried goes (SMS.Redacted).
		set += ", body = CASE WHEN redacted <> '' THEN redacted ELSE body END"
	}
	if _, err := x.db.Exec(ctx, "UPDATE "+table+" SET "+set+" WHERE id = ? AND status = 'pending'", append(args, id)...); err != nil {
		return errs.Wrap(err, "record "+table)
	}
	if !o.ok {
		return errAttempt
	}
	x.sent.Add(1)
	return nil
}

// errText is the cause of an error for the delivery log: the wrapped
// cause of an internal error rather than its generic message.
func errText(err error) string {
	var e *errs.Error
	if errors.As(err, &e) && e.Err != nil {
		return e.Err.Error()
	}
	return err.Error()
}
