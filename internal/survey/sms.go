package survey

import (
	"context"
	"slices"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// Survey links sent by text message (短信) where a gateway is configured,
// beside the printed slips. Once sent, nothing ties a phone to its link:
// the links are written in hash order, apart from the phones' order, so
// neither row order nor ids pair a link with its message; the message
// keeps its link only until the gateway took it or the sender gave up
// (notify.SMS.Redacted); the audit row holds counts; no token or phone is
// returned or logged. What remains is which phones got a link for the
// campaign, so none gets a second.

// SMSQueue is the part of notify that sends survey links by text message;
// the notify service has it.
type SMSQueue interface {
	SMSEnabled() bool
	BaseURL() string
	QueueSMS(ctx context.Context, tx *db.Tx, p *auth.Principal, m notify.SMS) (int64, error)
}

// SetSMS lets staff send survey links by text message through q (the
// notify service); without it, or without a gateway or the site's address
// (--base-url, for the link), links go on paper only.
func (s *Service) SetSMS(q SMSQueue) { s.sms = q }

// smsQueue returns the queue when text messages can carry a link.
func (s *Service) smsQueue() (SMSQueue, bool) {
	if s.sms == nil || !s.sms.SMSEnabled() || s.sms.BaseURL() == "" {
		return nil, false
	}
	return s.sms, true
}

// SMSAvailable reports whether survey links can go by text message; pages
// offer the form only then.
func (s *Service) SMSAvailable() bool {
	_, ok := s.smsQueue()
	return ok
}

// smsEntity names a campaign's messages in sms_outbox (entity_id: its id).
const smsEntity = "survey"

// Sent is what sending links by text message did: counts, never a token
// or a phone.
type Sent struct {
	Sent    int `json:"sent"`    // new links texted
	Skipped int `json:"skipped"` // numbers that had a link for the campaign already
}

// SendLinks texts a new one-time link to each of phones (one a line as
// typed; Phones reads them) for a campaign that has not closed, with the
// same rights as MakeLinks (survey.write; not found without survey.read).
// Without a gateway it is EUNAVAILABLE; a bad line is EINVALID on phones
// and nothing is sent. A number that got a link for this campaign before
// is skipped, never texted twice. Each link and its message are written
// in one transaction; the sender posts the messages after commit.
func (s *Service) SendLinks(ctx context.Context, p *auth.Principal, id int64, phones []string) (Sent, error) {
	var out Sent
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		// One sender at a time per campaign (PostgreSQL; SQLite has one
		// writer), so two requests never text one phone twice, and the
		// status read below is the latest.
		if _, err := tx.Exec(ctx, "SELECT c.id FROM survey_campaigns c WHERE c.id = ?"+tx.D().ForUpdate("c"), id); err != nil {
			return errs.Wrap(err, "lock campaign")
		}
		c, err := s.campaign(ctx, tx, id)
		if err != nil {
			return err
		}
		if auth.Authorize(p, auth.SurveyRead, c.AreaPath) != nil {
			return hidden(p)
		}
		if err := auth.Authorize(p, auth.SurveyWrite, c.AreaPath); err != nil {
			return err
		}
		q, ok := s.smsQueue()
		if !ok {
			return errs.New(errs.EUNAVAILABLE, "no SMS gateway is configured")
		}
		nums, err := Phones(phones)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if c.Status == Closed || !now.Before(c.ClosesAt) {
			return errs.New(errs.ECONFLICT, "links are made for a survey that has not closed")
		}
		key := strconv.FormatInt(id, 10)
		prior, err := db.Strings(ctx, tx, "SELECT recipient FROM sms_outbox WHERE entity = ? AND entity_id = ?", smsEntity, key)
		if err != nil {
			return errs.Wrap(err, "sent links")
		}
		had := make(map[string]bool, len(prior))
		for _, r := range prior {
			had[r] = true
		}
		var todo []string
		for _, n := range nums {
			if had[n] {
				out.Skipped++
			} else {
				todo = append(todo, n)
			}
		}
		if len(todo) == 0 {
			return nil // nothing changes
		}
		tokens := make([]string, len(todo))
		hashes := make([]string, len(todo))
		for i := range todo {
			tokens[i] = newToken()
			hashes[i] = hashToken(tokens[i])
		}
		// The links go in hash order, unrelated to the phones' order in
		// which the messages are queued.
		slices.Sort(hashes)
		ins := db.NewBulkInsert(tx, "survey_links", []string{"token_hash", "campaign_id", "used"})
		for _, h := range hashes {
			if err := ins.Add(ctx, h, id, false); err != nil {
				return errs.Wrap(err, "links")
			}
		}
		if err := ins.Close(ctx); err != nil {
			return errs.Wrap(err, "links")
		}
		args := map[string]string{"area": c.AreaName, "period": c.Period, "closes": texts.Time(c.ClosesAt)}
		redacted := texts.Render(texts.ZH, "sms.survey_sent", args)
		for i, phone := range todo {
			args["link"] = q.BaseURL() + "/survey/" + tokens[i]
			m := notify.SMS{To: phone, Text: texts.Render(texts.ZH, "sms.survey", args), Redacted: redacted, Entity: smsEntity, EntityID: key}
			if _, err := q.QueueSMS(ctx, tx, p, m); err != nil {
				return err
			}
		}
		out.Sent = len(todo)
		return record(ctx, tx, now, p, "sms_links", id, c.AreaPath, nil, map[string]any{"sent": out.Sent, "skipped": out.Skipped})
	})
	if err != nil {
		return Sent{}, err
	}
	return out, nil
}

// SMSCounts are a campaign's links sent by text message, by the state of
// their message.
type SMSCounts struct {
	Pending   int `json:"pending"`   // waiting for the gateway, or for the next try
	Delivered int `json:"delivered"` // the gateway took it
	Failed    int `json:"failed"`    // the sender gave up
}

// Total is every link sent by text message.
func (n SMSCounts) Total() int { return n.Pending + n.Delivered + n.Failed }

// SMSCounts counts the links of campaign id sent by text message, for
// staff who read surveys of its area: counts only, no phone.
func (s *Service) SMSCounts(ctx context.Context, p *auth.Principal, id int64) (SMSCounts, error) {
	if _, err := s.GetCampaign(ctx, p, id); err != nil {
		return SMSCounts{}, err
	}
	var out SMSCounts
	type row struct {
		status string
		n      int
	}
	rows, err := db.All(ctx, s.db, "SELECT status, count(*) FROM sms_outbox WHERE entity = ? AND entity_id = ? GROUP BY status",
		[]any{smsEntity, strconv.FormatInt(id, 10)}, func(r db.Scanner) (row, error) {
			var x row
			return x, r.Scan(&x.status, &x.n)
		})
	if err != nil {
		return SMSCounts{}, errs.Wrap(err, "sms counts")
	}
	for _, r := range rows {
		switch r.status {
		case "pending":
			out.Pending = r.n
		case "delivered":
			out.Delivered = r.n
		case "failed":
			out.Failed = r.n
		}
	}
	return out, nil
}
