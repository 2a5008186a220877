// Package notify tells people and systems what happened: the staff inbox
// (站内信), outgoing webhooks signed with HMAC, and e-mail. Every notice is
// written in the caller's transaction, beside the change it reports, so a
// change never lands without its notices and a rolled-back change sends
// nothing; a Dispatcher then delivers the durable outboxes with retries.
package notify

import (
	"context"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Options configures a Service. The zero value keeps links relative and
// queues no e-mail.
type Options struct {
	// BaseURL is the site's absolute address (https://gongzhi.example.gov.cn),
	// put before inbox links in e-mails, which have no page to be relative to.
	BaseURL string
	// Email queues e-mailed copies of notices that ask for one. Leave it off
	// while no SMTP server is configured, or the outbox only grows.
	Email bool
	// Targets is where webhook URLs may point; the zero value allows
	// public addresses only. Give the Dispatcher the same rule.
	Targets Targets
	// SMS queues text messages (QueueSMS): an SMS gateway is configured
	// and an SMSSender sends them.
	SMS bool
}

// Service writes notices and manages webhook endpoints.
type Service struct {
	db    *db.DB
	clock clock.Clock
	opts  Options
}

// NewService returns a notification service.
func NewService(d *db.DB, c clock.Clock, o Options) *Service {
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return &Service{db: d, clock: c, opts: o}
}

// truncate cuts s to at most n bytes without splitting a character, so
// stored error texts stay bounded and valid UTF-8 (PostgreSQL refuses
// anything else, and receivers may answer in GBK or cut a body short).
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// requireAdmin lets only a user admin over every root of the area tree (the
// district admin) manage webhooks: an endpoint receives events from the whole
// district, so a grant on one street is not enough whatever roles carry
// auth.UserAdmin. It returns the path audit rows are filed under.
func requireAdmin(ctx context.Context, q db.Querier, p *auth.Principal) (string, error) {
	if err := auth.AuthorizeAny(p, auth.UserAdmin); err != nil {
		return "", err
	}
	roots, err := area.RootPaths(ctx, q)
	if err != nil {
		return "", err
	}
	for _, r := range roots {
		if err := auth.Authorize(p, auth.UserAdmin, r); err != nil {
			return "", errs.New(errs.EFORBIDDEN, "only the district administrator may manage webhooks")
		}
	}
	if len(roots) == 1 {
		return roots[0], nil
	}
	return "/", nil
}
