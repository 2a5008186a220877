package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Webhook is an endpoint that receives events, as listed: the secret is
// shown once when created or rotated and never again.
type Webhook struct {
	ID           int64     `json:"id"`
	URL          string    `json:"url"`
	Events       []string  `json:"events"`
	Active       bool      `json:"active"`
	SecretPrefix string    `json:"secret_prefix"` // enough to tell which secret a receiver holds
	CreatedAt    time.Time `json:"created_at"`
}

// NewWebhook is what creating a webhook takes. Events are event names
// (demand.dispatched), families (demand.*) or "*" for everything; empty
// means everything.
type NewWebhook struct {
	URL    string
	Events []string
}

// WebhookUpdate changes a webhook. Nil fields stay as they are.
type WebhookUpdate struct {
	URL    *string
	Events *[]string
	Active *bool
}

// SecretPrefix starts every webhook secret so a leaked one is recognisable.
const SecretPrefix = "whsec_"

const maxURL = 2000

func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return SecretPrefix + hex.EncodeToString(b)
}

func secretPrefix(secret string) string { return secret[:min(len(secret), len(SecretPrefix)+6)] }

// checkURL accepts absolute http(s) URLs to public addresses; internal
// ones only when the operator allows them (see Targets). It may look the
// host up, so call it outside a transaction.
func (s *Service) checkURL(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || len(raw) > maxURL {
		return "", errs.Invalid("url", "url must be an absolute http:// or https:// address of at most %d characters", maxURL)
	}
	if err := s.opts.Targets.checkHost(ctx, u); err != nil {
		return "", err
	}
	return raw, nil
}

// validEvent reports whether s is an event name: lower-case words of
// letters, digits and '_' joined by dots (demand.dispatched).
func validEvent(s string) bool {
	if s == "" || len(s) > 100 || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// normEvents checks and normalises a subscription list: trimmed, distinct,
// and just "*" when it includes everything.
func normEvents(in []string) ([]string, error) {
	var out []string
	for _, e := range in {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if e == "*" {
			return []string{"*"}, nil
		}
		if !validEvent(strings.TrimSuffix(e, ".*")) {
			return nil, errs.Invalid("events", "%q is not an event name (like demand.dispatched), a family (demand.*) or *", e)
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return []string{"*"}, nil
	}
	return out, nil
}

// Subscribed reports whether a webhook's subscription list (comma
// separated, as stored) includes event: "*" takes everything, "demand.*"
// every event of the demand family, anything else must match exactly.
func Subscribed(events, event string) bool {
	for _, e := range strings.Split(events, ",") {
		e = strings.TrimSpace(e)
		if e == "*" || e == event || strings.HasSuffix(e, ".*") && strings.HasPrefix(event, e[:len(e)-1]) {
			return true
		}
	}
	return false
}

const webhookCols = "id, url, secret, events, active, created_at"

func scanWebhook(sc db.Scanner) (Webhook, error) {
	var w Webhook
	var secret, events string
	if err := sc.Scan(&w.ID, &w.URL, &secret, &events, &w.Active, &w.CreatedAt); err != nil {
		return w, err
	}
	w.SecretPrefix, w.Events = secretPrefix(secret), strings.Split(events, ",")
	return w, nil
}

// CreateWebhook adds an endpoint and returns its signing secret, shown this
// once (like an API token). District admin only; audited.
func (s *Service) CreateWebhook(ctx context.Context, p *auth.Principal, in NewWebhook) (string, Webhook, error) {
	if err := auth.AuthorizeAny(p, auth.UserAdmin); err != nil {
		return "", Webhook{}, err // before looking up a host for someone who may not set it
	}
	u, err := s.checkURL(ctx, in.URL)
	if err != nil {
		return "", Webhook{}, err
	}
	events, err := normEvents(in.Events)
	if err != nil {
		return "", Webhook{}, err
	}
	secret := newSecret()
	w := Webhook{URL: u, Events: events, Active: true, SecretPrefix: secretPrefix(secret), CreatedAt: s.clock.Now()}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := requireAdmin(ctx, tx, p)
		if err != nil {
			return err
		}
		w.ID, err = db.InsertID(ctx, tx, "INSERT INTO webhooks (url, secret, events, active, created_at) VALUES (?, ?, ?, ?, ?)",
			w.URL, secret, strings.Join(events, ","), true, w.CreatedAt)
		if err != nil {
			return errs.Wrap(err, "insert webhook")
		}
		return auth.Record(ctx, tx, w.CreatedAt, p, auth.Change{Action: "create", Entity: "webhook",
			EntityID: strconv.FormatInt(w.ID, 10), AreaPath: path, After: w})
	})
	if err != nil {
		return "", Webhook{}, err
	}
	return secret, w, nil
}

// Webhooks lists every endpoint, oldest first. District admin only.
func (s *Service) Webhooks(ctx context.Context, p *auth.Principal) ([]Webhook, error) {
	if _, err := requireAdmin(ctx, s.db, p); err != nil {
		return nil, err
	}
	out, err := db.All(ctx, s.db, "SELECT "+webhookCols+" FROM webhooks ORDER BY id", nil, scanWebhook)
	return out, errs.Wrap(err, "webhooks")
}

// webhookForUpdate loads one webhook inside tx after checking p may manage it.
func webhookForUpdate(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Webhook, string, error) {
	path, err := requireAdmin(ctx, tx, p)
	if err != nil {
		return Webhook{}, "", err
	}
	w, err := scanWebhook(tx.QueryRow(ctx, "SELECT "+webhookCols+" FROM webhooks WHERE id = ?", id))
	if err != nil {
		return Webhook{}, "", db.NotFound(err, "webhook")
	}
	return w, path, nil
}

// UpdateWebhook changes an endpoint's URL, events or whether it is active.
// Deliveries already queued stay queued; while a webhook is inactive they
// wait and are sent if it is switched on again. Audited.
func (s *Service) UpdateWebhook(ctx context.Context, p *auth.Principal, id int64, in WebhookUpdate) (Webhook, error) {
	var w Webhook
	var newURL string
	if in.URL != nil {
		if err := auth.AuthorizeAny(p, auth.UserAdmin); err != nil {
			return w, err // before looking up a host for someone who may not set it
		}
		u, err := s.checkURL(ctx, *in.URL)
		if err != nil {
			return w, err
		}
		newURL = u
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, path, err := webhookForUpdate(ctx, tx, p, id)
		if err != nil {
			return err
		}
		w = before
		if in.URL != nil {
			w.URL = newURL
		}
		if in.Events != nil {
			if w.Events, err = normEvents(*in.Events); err != nil {
				return err
			}
		}
		if in.Active != nil {
			w.Active = *in.Active
		}
		_, err = tx.Exec(ctx, "UPDATE webhooks SET url = ?, events = ?, active = ? WHERE id = ?", w.URL, strings.Join(w.Events, ","), w.Active, id)
		if err != nil {
			return errs.Wrap(err, "update webhook")
		}
		if w.Active && !before.Active {
			if err := s.resume(ctx, tx, id); err != nil {
				return err
			}
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "update", Entity: "webhook",
			EntityID: strconv.FormatInt(id, 10), AreaPath: path, Before: before, After: w})
	})
	return w, err
}

// resume queues again the deliveries that waited while webhook id was
// switched off; their jobs ended without sending them.
func (s *Service) resume(ctx context.Context, tx *db.Tx, id int64) error {
	ids, err := db.IDs(ctx, tx, "SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status = 'pending' ORDER BY id", id)
	if err != nil {
		return errs.Wrap(err, "waiting deliveries")
	}
	now := s.clock.Now()
	for _, d := range ids {
		if err := enqueueSend(ctx, tx, now, JobWebhook, d); err != nil {
			return err
		}
	}
	return nil
}

// RotateWebhookSecret gives an endpoint a new secret and returns it, shown
// this once: the way back when a receiver lost or leaked the old one.
func (s *Service) RotateWebhookSecret(ctx context.Context, p *auth.Principal, id int64) (string, error) {
	secret := newSecret()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, path, err := webhookForUpdate(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "UPDATE webhooks SET secret = ? WHERE id = ?", secret, id); err != nil {
			return errs.Wrap(err, "rotate secret")
		}
		after := before
		after.SecretPrefix = secretPrefix(secret)
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "rotate_secret", Entity: "webhook",
			EntityID: strconv.FormatInt(id, 10), AreaPath: path, Before: before, After: after})
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// DeleteWebhook removes an endpoint with its delivery log. To keep the log,
// deactivate it instead. Audited.
func (s *Service) DeleteWebhook(ctx context.Context, p *auth.Principal, id int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		before, path, err := webhookForUpdate(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM webhook_deliveries WHERE webhook_id = ?", id); err != nil {
			return errs.Wrap(err, "delete deliveries")
		}
		if _, err := tx.Exec(ctx, "DELETE FROM webhooks WHERE id = ?", id); err != nil {
			return errs.Wrap(err, "delete webhook")
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "delete", Entity: "webhook",
			EntityID: strconv.FormatInt(id, 10), AreaPath: path, Before: before})
	})
}

// Envelope is the JSON body of every webhook request. Its bytes are stored
// with the delivery, so every retry sends, and signs, the same body.
type Envelope struct {
	Event      string          `json:"event"`
	OccurredAt time.Time       `json:"occurred_at"`
	Data       json.RawMessage `json:"data"`
}

// Enqueue queues event for every active webhook subscribed to it, inside
// tx, the transaction of the change: if the change rolls back nothing is
// sent, and once it commits the delivery survives restarts until sent.
func (s *Service) Enqueue(ctx context.Context, tx *db.Tx, event string, payload any) error {
	if !validEvent(event) {
		return errs.Invalid("event", "%q is not an event name (like demand.dispatched)", event)
	}
	data, err := json.Marshal(payload)
	if err != nil {
		return errs.Wrap(err, "encode webhook payload")
	}
	now := s.clock.Now()
	body, err := json.Marshal(Envelope{Event: event, OccurredAt: now, Data: data})
	if err != nil {
		return errs.Wrap(err, "encode webhook body")
	}
	type hook struct {
		id     int64
		events string
	}
	var hooks []int64
	err = db.Each(ctx, tx, "SELECT id, events FROM webhooks WHERE active = TRUE ORDER BY id", nil, func(sc db.Scanner) (hook, error) {
		var h hook
		err := sc.Scan(&h.id, &h.events)
		return h, err
	}, func(h hook) error {
		if Subscribed(h.events, event) {
			hooks = append(hooks, h.id)
		}
		return nil
	})
	if err != nil {
		return errs.Wrap(err, "webhooks")
	}
	for _, id := range hooks {
		did, err := db.InsertID(ctx, tx, `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
			VALUES (?, ?, ?, 'pending', 0, ?, ?)`, id, event, string(body), now, now)
		if err != nil {
			return errs.Wrap(err, "insert delivery")
		}
		if err := enqueueSend(ctx, tx, now, JobWebhook, did); err != nil {
			return err
		}
	}
	return nil
}

// Delivery is one webhook delivery in the log.
type Delivery struct {
	ID             int64      `json:"id"`
	WebhookID      int64      `json:"webhook_id"`
	Event          string     `json:"event"`
	Payload        string     `json:"payload"`
	Status         string     `json:"status"` // pending, delivered or failed
	Attempts       int        `json:"attempts"`
	NextAttemptAt  time.Time  `json:"next_attempt_at"`
	LastStatusCode *int       `json:"last_status_code"`
	LastError      string     `json:"last_error"` // a short summary (HTTP 500, connection refused, target refused: …), never the reply
	CreatedAt      time.Time  `json:"created_at"`
	DeliveredAt    *time.Time `json:"delivered_at"`
}

// Deliveries lists a webhook's deliveries, newest first, with their count.
// District admin only.
func (s *Service) Deliveries(ctx context.Context, p *auth.Principal, webhookID int64, page, perPage int) ([]Delivery, int, error) {
	if _, err := requireAdmin(ctx, s.db, p); err != nil {
		return nil, 0, err
	}
	var total, n int
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM webhooks WHERE id = ?", webhookID).Scan(&n); err != nil {
		return nil, 0, errs.Wrap(err, "webhook")
	}
	if n == 0 {
		return nil, 0, errs.New(errs.ENOTFOUND, "webhook not found")
	}
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?", webhookID).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count deliveries")
	}
	limit, offset := auth.Paging(page, perPage)
	out, err := db.All(ctx, s.db, `SELECT id, webhook_id, event, payload, status, attempts, next_attempt_at,
		last_status_code, last_error, created_at, delivered_at
		FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id DESC LIMIT ? OFFSET ?`, []any{webhookID, limit, offset}, func(sc db.Scanner) (Delivery, error) {
		var d Delivery
		err := sc.Scan(&d.ID, &d.WebhookID, &d.Event, &d.Payload, &d.Status, &d.Attempts, &d.NextAttemptAt,
			&d.LastStatusCode, &d.LastError, &d.CreatedAt, &d.DeliveredAt)
		return d, err
	})
	return out, total, errs.Wrap(err, "deliveries")
}

// Redeliver queues a failed (or delivered) delivery again with a fresh set
// of attempts, for when a receiver was down longer than the retries last.
// Audited.
func (s *Service) Redeliver(ctx context.Context, p *auth.Principal, deliveryID int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := requireAdmin(ctx, tx, p)
		if err != nil {
			return err
		}
		var status string
		var hook int64
		err = tx.QueryRow(ctx, "SELECT status, webhook_id FROM webhook_deliveries WHERE id = ?", deliveryID).Scan(&status, &hook)
		if err != nil {
			return db.NotFound(err, "delivery")
		}
		if status == "pending" {
			return errs.New(errs.ECONFLICT, "the delivery is still pending")
		}
		_, err = tx.Exec(ctx, `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = ?,
			delivered_at = NULL WHERE id = ?`, s.clock.Now(), deliveryID)
		if err != nil {
			return errs.Wrap(err, "redeliver")
		}
		if err := enqueueSend(ctx, tx, s.clock.Now(), JobWebhook, deliveryID); err != nil {
			return err
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "redeliver", Entity: "webhook",
			EntityID: strconv.FormatInt(hook, 10), AreaPath: path, After: map[string]any{"delivery_id": deliveryID}})
	})
}
