package demand

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// ActSMS is the timeline's name for a tracking text message sent to the
// caller (an internal step: the resident has the message itself).
const ActSMS Action = "sms"

// Tracking messages a demand may get in smsWindow: enough to send again
// after a typo in the number, not a way to flood someone's phone.
const (
	smsPerDemand = 3
	smsWindow    = 24 * time.Hour
)

// smsQueue is the part of notify the tracking message needs; the notify
// service has it (a test's notifier may not, and then there is no SMS).
type smsQueue interface {
	SMSEnabled() bool
	BaseURL() string
	QueueSMS(ctx context.Context, tx *db.Tx, p *auth.Principal, m notify.SMS) (int64, error)
	SentSMS(ctx context.Context, q db.Querier, entity, entityID string, since time.Time) (int, error)
}

func (s *Service) sms() (smsQueue, bool) {
	q, ok := s.notify.(smsQueue)
	if !ok || !q.SMSEnabled() || q.BaseURL() == "" {
		return nil, false
	}
	return q, true
}

// SMSAvailable reports whether tracking messages can be sent: an SMS
// gateway and the site's public address (--base-url, for the link) are
// configured. Pages offer the button only then.
func (s *Service) SMSAvailable() bool {
	_, ok := s.sms()
	return ok
}

// SentSMS is a tracking message as queued: to whom (masked) and when.
type SentSMS struct {
	To   string `json:"to"` // the phone, masked: 138****8000
	Code string `json:"short_code"`
}

// mayText: those who work on the demand (worksOn) and whoever filed it (a
// grid worker who took the call may text the caller at once).
func (s *Service) mayText(ctx context.Context, q db.Querier, p *auth.Principal, d *Demand) bool {
	if s.worksOn(ctx, q, p, d) {
		return true
	}
	var by *int64
	if err := q.QueryRow(ctx, "SELECT created_by FROM demands WHERE id = ?", d.ID).Scan(&by); err != nil {
		return false
	}
	return by != nil && p.UserID != 0 && *by == p.UserID
}

// CanSendSMS reports whether pages should offer to text d's caller: a
// gateway is configured and p may (SendTrackingSMS decides again).
func (s *Service) CanSendSMS(ctx context.Context, p *auth.Principal, d *Demand) bool {
	return p != nil && s.SMSAvailable() && s.mayText(ctx, s.db, p, d)
}

// SendTrackingSMS texts the caller of demand id (the phone of the report
// filed as it; after a merge, still that report's) its number, short code
// and the link that opens its tracking page, in Chinese. Those who dispatch
// or handle the demand, and whoever filed it, may, when a gateway is configured (else
// EUNAVAILABLE); the phone must be a mainland mobile number (EINVALID on
// phone), and a demand gets at most three in a day (ETOOMANY). The message
// is queued in the transaction that records it on the timeline (internal)
// and in the audit log; the sender posts it after commit, with retries.
func (s *Service) SendTrackingSMS(ctx context.Context, p *auth.Principal, id int64) (SentSMS, error) {
	var out SentSMS
	if p == nil {
		return out, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	q, ok := s.sms()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := s.canSee(ctx, tx, p, d); err != nil {
			return err
		}
		if !s.mayText(ctx, tx, p, d) {
			return errs.New(errs.EFORBIDDEN, "only those who filed, dispatch or handle this demand may text its caller")
		}
		if !ok {
			return errs.New(errs.EUNAVAILABLE, "no SMS gateway is configured")
		}
		var phone string
		if err := tx.QueryRow(ctx, "SELECT phone FROM demand_reporters WHERE original_id = ? ORDER BY id LIMIT 1", id).Scan(&phone); err != nil {
			return db.NotFound(err, "reporter")
		}
		if _, ok := notify.MobileNumber(phone); !ok {
			return errs.Invalid("phone", "the caller left no mainland mobile number to text")
		}
		key := strconv.FormatInt(id, 10)
		n, err := q.SentSMS(ctx, tx, "demand", key, s.clock.Now().Add(-smsWindow))
		if err != nil {
			return err
		}
		if n >= smsPerDemand {
			return errs.New(errs.ETOOMANY, "this demand's caller got %d text messages today already", n)
		}
		code, err := codeOf(ctx, tx, id)
		if err != nil {
			return err
		}
		text := texts.Render(texts.ZH, "sms.tracking", map[string]string{"id": key, "code": FormatCode(code), "link": q.BaseURL() + TrackPath(code)})
		if _, err := q.QueueSMS(ctx, tx, p, notify.SMS{To: phone, Text: text, Entity: "demand", EntityID: key}); err != nil {
			return err
		}
		out = SentSMS{To: auth.MaskPhone(phone), Code: FormatCode(code)}
		now := s.clock.Now()
		if err := event(ctx, tx, d.ID, now, actorOf(p), string(ActSMS), d.Status, d.Status, texts.New("note.sms_sent", "phone", out.To), "", false); err != nil {
			return err
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "sms_tracking", Entity: "demand", EntityID: key, AreaPath: d.AreaPath,
			After: map[string]any{"to": out.To}})
	})
	if err != nil {
		return SentSMS{}, err
	}
	return out, nil
}
