package notify

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
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
	claimLease  = 10 * time.Minute
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

// Dispatcher delivers the webhook and e-mail outboxes. Any number may run
// against one database: each claims due rows in a short transaction
// (SKIP LOCKED on PostgreSQL, the single writer on SQLite), so no delivery
// is sent twice by two instances, and sends outside it.
type Dispatcher struct {
	db     *db.DB
	clock  clock.Clock
	client *http.Client
	mailer Mailer
	log    *slog.Logger
	// Batch is how many rows one claim takes; Workers how many of them are
	// sent at once, so one slow receiver does not hold up the rest.
	Batch   int
	Workers int
}

// NewDispatcher returns a dispatcher. Webhooks go only where targets allows,
// checked on every address connected to, and never follow redirects (the
// service's Options.Targets should be the same rule); mailer sends e-mail
// (nil: e-mail stays queued until one is configured); log receives errors
// from Run.
func NewDispatcher(d *db.DB, c clock.Clock, targets Targets, mailer Mailer, log *slog.Logger) *Dispatcher {
	client := targets.client()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Dispatcher{db: d, clock: c, client: client, mailer: mailer, log: log, Batch: 50, Workers: 4}
}

// Run delivers due rows every interval until ctx ends. Errors are logged,
// not returned: a database hiccup must not stop notifications for good.
func (x *Dispatcher) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := x.RunDue(ctx); err != nil && ctx.Err() == nil {
			x.log.Error("notify: dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue sends every webhook delivery and e-mail due now, oldest first, in
// batches until none is left, and returns how many went through. Failures
// of receivers are recorded on the rows and are not errors; only storage
// errors are returned.
func (x *Dispatcher) RunDue(ctx context.Context) (int, error) {
	sent := 0
	for {
		n, more, err := x.webhookBatch(ctx)
		sent += n
		if err != nil || !more {
			if err != nil {
				return sent, err
			}
			break
		}
	}
	if x.mailer == nil {
		return sent, nil
	}
	for {
		n, more, err := x.emailBatch(ctx)
		sent += n
		if err != nil || !more {
			return sent, err
		}
	}
}

// skipLocked is the one place the outbox differs by engine. On PostgreSQL
// the claim locks the rows it picks and passes over rows another
// dispatcher holds, so two instances never claim the same delivery and
// never wait for each other. SQLite has one writer and InTx begins
// IMMEDIATE, so the claim already runs alone.
func skipLocked(d db.Dialect, alias string) string {
	if d == db.Postgres {
		return " FOR UPDATE OF " + alias + " SKIP LOCKED"
	}
	return ""
}

type claimedHook struct {
	id       int64
	event    string
	payload  string
	attempts int // including this one
	url      string
	secret   string
}

// claimHooks takes up to Batch due deliveries of active webhooks and moves
// them a lease into the future, so nobody else picks them while they are sent.
func (x *Dispatcher) claimHooks(ctx context.Context, now time.Time) ([]claimedHook, error) {
	var out []claimedHook
	err := x.db.InTx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT d.id, d.event, d.payload, d.attempts, w.url, w.secret
			FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
			WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.active = TRUE
			ORDER BY d.next_attempt_at, d.id LIMIT ?`+skipLocked(tx.D(), "d"), now, x.batch())
		if err != nil {
			return errs.Wrap(err, "claim deliveries")
		}
		defer rows.Close()
		for rows.Next() {
			var c claimedHook
			if err := rows.Scan(&c.id, &c.event, &c.payload, &c.attempts, &c.url, &c.secret); err != nil {
				return errs.Wrap(err, "scan delivery")
			}
			c.attempts++
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "claim deliveries")
		}
		rows.Close()
		ids := make([]int64, len(out))
		for i, c := range out {
			ids[i] = c.id
		}
		return lease(ctx, tx, "webhook_deliveries", ids, now)
	})
	return out, err
}

// lease counts the attempt and hides claimed rows until the lease ends.
// Counting at claim time means a delivery that crashes its sender still
// runs out of attempts instead of looping forever.
func lease(ctx context.Context, tx *db.Tx, table string, ids []int64, now time.Time) error {
	if len(ids) == 0 {
		return nil
	}
	args := []any{now.Add(claimLease)}
	for _, id := range ids {
		args = append(args, id)
	}
	_, err := tx.Exec(ctx, "UPDATE "+table+" SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN ("+marks(len(ids))+")", args...)
	return errs.Wrap(err, "lease "+table)
}

func (x *Dispatcher) batch() int   { return max(x.Batch, 1) }
func (x *Dispatcher) workers() int { return max(x.Workers, 1) }

// each runs fn for items 0..n-1 with at most Workers at a time.
func (x *Dispatcher) each(n int, fn func(i int)) {
	sem := make(chan struct{}, x.workers())
	var wg sync.WaitGroup
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			fn(i)
		})
	}
	wg.Wait()
}

// outcome is what one attempt did, to be written back to its row.
type outcome struct {
	ok     bool
	code   int // HTTP status, 0 when there was no response
	errMsg string
}

func (x *Dispatcher) webhookBatch(ctx context.Context) (sent int, more bool, err error) {
	now := x.clock.Now()
	claimed, err := x.claimHooks(ctx, now)
	if err != nil || len(claimed) == 0 {
		return 0, false, err
	}
	results := make([]outcome, len(claimed))
	x.each(len(claimed), func(i int) { results[i] = x.post(ctx, claimed[i]) })
	for i, c := range claimed {
		if err := x.record(ctx, "webhook_deliveries", c.id, c.attempts, results[i]); err != nil {
			return sent, false, err
		}
		if results[i].ok {
			sent++
		}
	}
	return sent, len(claimed) == x.batch(), nil
}

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

// record writes an attempt's outcome: delivered, retry after the backoff,
// or failed for good after the last attempt.
func (x *Dispatcher) record(ctx context.Context, table string, id int64, attempts int, o outcome) error {
	now := x.clock.Now()
	set, args := "status = 'delivered', delivered_at = ?, last_error = ''", []any{now}
	if !o.ok {
		wait, retry := Backoff(attempts)
		if retry {
			set, args = "next_attempt_at = ?, last_error = ?", []any{now.Add(wait), truncate(o.errMsg, maxErrText)}
		} else {
			set, args = "status = 'failed', last_error = ?", []any{truncate(o.errMsg, maxErrText)}
		}
	}
	if table == "webhook_deliveries" {
		var code any
		if o.code != 0 {
			code = o.code
		}
		set, args = set+", last_status_code = ?", append(args, code)
	}
	_, err := x.db.Exec(ctx, "UPDATE "+table+" SET "+set+" WHERE id = ? AND status = 'pending'", append(args, id)...)
	return errs.Wrap(err, "record "+table)
}

type claimedMail struct {
	id       int64
	to       string
	subject  string
	body     string
	attempts int
}

func (x *Dispatcher) claimMail(ctx context.Context, now time.Time) ([]claimedMail, error) {
	var out []claimedMail
	err := x.db.InTx(ctx, func(tx *db.Tx) error {
		rows, err := tx.Query(ctx, `SELECT e.id, e.recipient, e.subject, e.body, e.attempts FROM email_outbox e
			WHERE e.status = 'pending' AND e.next_attempt_at <= ?
			ORDER BY e.next_attempt_at, e.id LIMIT ?`+skipLocked(tx.D(), "e"), now, x.batch())
		if err != nil {
			return errs.Wrap(err, "claim e-mail")
		}
		defer rows.Close()
		for rows.Next() {
			var c claimedMail
			if err := rows.Scan(&c.id, &c.to, &c.subject, &c.body, &c.attempts); err != nil {
				return errs.Wrap(err, "scan e-mail")
			}
			c.attempts++
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return errs.Wrap(err, "claim e-mail")
		}
		rows.Close()
		ids := make([]int64, len(out))
		for i, c := range out {
			ids[i] = c.id
		}
		return lease(ctx, tx, "email_outbox", ids, now)
	})
	return out, err
}

func (x *Dispatcher) emailBatch(ctx context.Context) (sent int, more bool, err error) {
	now := x.clock.Now()
	claimed, err := x.claimMail(ctx, now)
	if err != nil || len(claimed) == 0 {
		return 0, false, err
	}
	results := make([]outcome, len(claimed))
	x.each(len(claimed), func(i int) {
		c := claimed[i]
		sctx, cancel := context.WithTimeout(ctx, sendTimeout)
		defer cancel()
		if err := x.mailer.Send(sctx, []string{c.to}, c.subject, c.body); err != nil {
			results[i] = outcome{errMsg: errText(err)}
			return
		}
		results[i] = outcome{ok: true}
	})
	for i, c := range claimed {
		if err := x.record(ctx, "email_outbox", c.id, c.attempts, results[i]); err != nil {
			return sent, false, err
		}
		if results[i].ok {
			sent++
		}
	}
	return sent, len(claimed) == x.batch(), nil
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
