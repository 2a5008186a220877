package notify

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// Text messages (短信) go through one HTTP gateway the operator configures
// (--sms-gateway, GONGZHI_SMS_SECRET): no vendor SDK. Each message is a row
// in sms_outbox written in the transaction of the change that sends it,
// and a notify.sms job keyed by the row posts it after commit with the
// webhooks' retries and backoff. The gateway gets
//
//	POST <gateway>
//	Content-Type: application/json; charset=utf-8
//	X-Gongzhi-Event: sms
//	X-Gongzhi-Delivery: <row id; the same on every retry>
//	X-Gongzhi-Timestamp: <unix seconds>
//	X-Gongzhi-Signature: sha256=HEX(HMAC-SHA256(secret, timestamp + "." + body))
//
//	{"id":12,"to":"13800138000","text":"…"}
//
// and answers 2xx when it took the message; anything else is tried again.
// Messages go only to mainland China mobile numbers (MobileNumber): the
// platform texts residents, not arbitrary or international numbers.

// JobSMS is the job kind that sends one queued text message.
const JobSMS = "notify.sms"

// MaxSMS is the longest text a message carries, in characters (a long SMS
// of a few parts; gateways split it).
const MaxSMS = 300

// SMSConfig is the gateway, from the app config.
type SMSConfig struct {
	// Gateway is the http(s) address messages are posted to; empty: no SMS.
	Gateway string
	// Secret signs every request (GONGZHI_SMS_SECRET only, never a flag,
	// so it stays out of process listings).
	Secret string
}

// Enabled reports whether a gateway is configured.
func (c SMSConfig) Enabled() bool { return strings.TrimSpace(c.Gateway) != "" }

// minSecret is the shortest signing secret accepted: a guessable one would
// let anyone forge requests the gateway trusts.
const minSecret = 16

// Validate checks the config once at start-up.
func (c SMSConfig) Validate() error {
	var ds []errs.Detail
	u, err := url.Parse(strings.TrimSpace(c.Gateway))
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.User != nil || u.Fragment != "" {
		ds = append(ds, errs.D("sms_gateway", "the SMS gateway must be an http or https address without a user name"))
	}
	if len(c.Secret) < minSecret {
		ds = append(ds, errs.D("sms_secret", "GONGZHI_SMS_SECRET must hold at least %d characters: it signs every request to the gateway", minSecret))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// MobileNumber reads a mainland China mobile number as people write it
// (138 0013 8000, 138-0013-8000, +86 13800138000, 008613800138000) and
// returns its 11 digits, or false when s is none: a landline, a short or
// international number gets no text message.
func MobileNumber(s string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '+' || r == '\u3000':
		default:
			return "", false
		}
	}
	d := b.String()
	for _, p := range []string{"0086", "86"} {
		if len(d) == 11+len(p) && strings.HasPrefix(d, p) {
			d = d[len(p):]
			break
		}
	}
	if strings.HasPrefix(strings.TrimSpace(s), "+") && !strings.HasPrefix(strings.TrimLeft(strings.TrimSpace(s), "+ "), "86") {
		return "", false // another country's code
	}
	if len(d) != 11 || d[0] != '1' || d[1] < '3' {
		return "", false
	}
	return d, true
}

// SMSEnabled reports whether text messages can be queued: a gateway is
// configured (Options.SMS).
func (s *Service) SMSEnabled() bool { return s.opts.SMS }

// BaseURL is the site's absolute address (Options.BaseURL), "" when unset:
// links in text messages need it.
func (s *Service) BaseURL() string { return s.opts.BaseURL }

// SMS is one text message to queue.
type SMS struct {
	To       string // a mainland mobile number, as typed (MobileNumber)
	Text     string
	Entity   string // what it is about: demand
	EntityID string
	// Redacted, when set, replaces Text in the outbox once the gateway took
	// the message or the sender gave up: a message carrying a secret (a
	// one-time link, a sign-in code) keeps no tie between phone and secret.
	Redacted string
}

// QueueSMS queues one text message inside tx, the transaction of the change
// it belongs to, by p (nil: the system); the sender posts it after commit.
// Without a gateway it is EUNAVAILABLE, and a number that is no mainland
// mobile number is EINVALID on field phone.
func (s *Service) QueueSMS(ctx context.Context, tx *db.Tx, p *auth.Principal, m SMS) (int64, error) {
	if !s.opts.SMS {
		return 0, errs.New(errs.EUNAVAILABLE, "no SMS gateway is configured")
	}
	to, ok := MobileNumber(m.To)
	if !ok {
		return 0, errs.Invalid("phone", "text messages go only to mainland mobile numbers (11 digits starting with 1)")
	}
	m.Text = strings.TrimSpace(m.Text)
	if m.Text == "" || utf8.RuneCountInString(m.Text) > MaxSMS {
		return 0, errs.Invalid("text", "a text message holds 1–%d characters", MaxSMS)
	}
	m.Redacted = strings.TrimSpace(m.Redacted)
	var by any
	if p != nil && p.UserID != 0 {
		by = p.UserID
	}
	now := s.clock.Now()
	id, err := db.InsertID(ctx, tx, `INSERT INTO sms_outbox (recipient, body, redacted, entity, entity_id, created_by, status, attempts, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)`, to, m.Text, m.Redacted, m.Entity, m.EntityID, by, now, now)
	if err != nil {
		return 0, errs.Wrap(err, "queue sms")
	}
	return id, enqueueSend(ctx, tx, now, JobSMS, id)
}

// SentSMS counts the text messages queued about an entity since a time,
// for limits such as "one tracking message a demand every few minutes".
func (s *Service) SentSMS(ctx context.Context, q db.Querier, entity, entityID string, since time.Time) (int, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM sms_outbox WHERE entity = ? AND entity_id = ? AND created_at >= ?", entity, entityID, since.UTC()).Scan(&n)
	return n, errs.Wrap(err, "sms count")
}

// SMSMessage is one queued text message as a log shows it: the phone masked.
type SMSMessage struct {
	ID          int64      `json:"id"`
	To          string     `json:"to"` // masked: 138****8000
	Text        string     `json:"text"`
	Entity      string     `json:"entity"`
	EntityID    string     `json:"entity_id"`
	Status      string     `json:"status"` // pending, delivered, failed
	Attempts    int        `json:"attempts"`
	LastError   string     `json:"last_error"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at"`
}

// SMSLog lists the text messages about an entity, newest first, phones
// masked. The caller decides who may read it (the entity's own rules).
func (s *Service) SMSLog(ctx context.Context, entity, entityID string) ([]SMSMessage, error) {
	out, err := db.All(ctx, s.db, `SELECT id, recipient, body, entity, entity_id, status, attempts, last_error, created_at, delivered_at
		FROM sms_outbox WHERE entity = ? AND entity_id = ? ORDER BY id DESC LIMIT 20`, []any{entity, entityID}, func(sc db.Scanner) (SMSMessage, error) {
		var m SMSMessage
		err := sc.Scan(&m.ID, &m.To, &m.Text, &m.Entity, &m.EntityID, &m.Status, &m.Attempts, &m.LastError, &m.CreatedAt, &m.DeliveredAt)
		m.To = auth.MaskPhone(m.To)
		return m, err
	})
	return out, errs.Wrap(err, "sms log")
}

// SMSSender posts queued text messages to the gateway as jobs of the shared
// job layer, with the dispatcher's claim, retries and delivery log.
type SMSSender struct {
	x   *Dispatcher
	cfg SMSConfig
	own *jobs.Queue // runs notify.sms for RunDue
}

// NewSMSSender returns the sender for cfg (which Validate accepted). The
// gateway is the operator's own setting, not a URL a user typed, so it may
// sit on the internal network (the webhooks' address rule guards what
// admins type); like webhooks it follows no redirects, so a signed message
// never travels anywhere else.
func NewSMSSender(d *db.DB, c clock.Clock, cfg SMSConfig, log *slog.Logger) *SMSSender {
	x := NewDispatcher(d, c, Targets{AllowPrivate: true}, nil, log)
	s := &SMSSender{x: x, cfg: cfg, own: jobs.New(d, c, log)}
	s.Register(s.own)
	return s
}

// Register makes q send text messages.
func (s *SMSSender) Register(q *jobs.Queue) {
	q.Register(JobSMS, s.send, jobs.NoTx(), jobs.MaxAttempts(MaxAttempts), jobs.Lease(claimLease),
		jobs.Backoff(func(n int) time.Duration { w, _ := Backoff(n); return w }))
}

// RunDue sends every message due now and returns how many went through;
// for tests and a sender on its own (the server runs its shared queue).
func (s *SMSSender) RunDue(ctx context.Context) (int, error) {
	before := s.x.sent.Load()
	_, err := s.own.RunDue(ctx)
	return int(s.x.sent.Load() - before), err
}

// smsBody is what the gateway receives.
type smsBody struct {
	ID   int64  `json:"id"`
	To   string `json:"to"`
	Text string `json:"text"`
}

// send is the job that posts one message.
func (s *SMSSender) send(ctx context.Context, _ *db.Tx, j jobs.Job) error {
	var a sendArgs
	if err := j.Decode(&a); err != nil {
		return err
	}
	var to, text, status string
	err := s.x.db.QueryRow(ctx, "SELECT recipient, body, status FROM sms_outbox WHERE id = ?", a.ID).Scan(&to, &text, &status)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return errs.Wrap(err, "sms")
	}
	if err != nil || !s.x.sendable(ctx, "sms_outbox", a.ID, status, j) {
		return nil
	}
	body, err := json.Marshal(smsBody{ID: a.ID, To: to, Text: text})
	if err != nil {
		return errs.Wrap(err, "sms body")
	}
	o := s.x.post(ctx, claimedHook{id: a.ID, event: "sms", payload: string(body), url: strings.TrimSpace(s.cfg.Gateway), secret: s.cfg.Secret})
	return s.x.record(ctx, "sms_outbox", a.ID, j.Attempts, o)
}
