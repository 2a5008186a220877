package web

import (
	"net/http"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
)

// auditActions and auditEntities are suggestions for the filter inputs.
var (
	auditActions  = []string{"create", "update", "delete", "import", "grant", "revoke", "login", "login_failed", "retry", "cancel"}
	auditEntities = []string{"unit", "user", "token", "area", "party_org", "demand", "session", "job"}
)

// auditPage is the data of audit.html.
type auditPage struct {
	Actor, Action, Entity, From, To string
	Entries                         []auth.AuditEntry
	Pager                           pager
	DateError                       string
	Actions, Entities               []string
}

// auditList shows the audit log in the viewer's scope, newest first. Dates
// are Shanghai calendar days; "to" includes its whole day.
func (s *server) auditList(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.AuditRead); err != nil {
		return err
	}
	q := r.URL.Query()
	v := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	page := auditPage{Actor: v("actor"), Action: v("action"), Entity: v("entity"), From: v("from"), To: v("to"),
		Actions: auditActions, Entities: auditEntities}
	f := auth.AuditFilter{Actor: optional(page.Actor), Action: optional(page.Action), Entity: optional(page.Entity),
		Page: pageParam(r), PerPage: perPage}
	day := func(s string) (*time.Time, bool) {
		if s == "" {
			return nil, true
		}
		t, err := time.ParseInLocation("2006-01-02", s, clock.Shanghai)
		if err != nil {
			return nil, false
		}
		return &t, true
	}
	from, okFrom := day(page.From)
	to, okTo := day(page.To)
	if !okFrom || !okTo {
		page.DateError = rq.T("audit.bad_date")
	}
	f.From = from
	if to != nil {
		end := to.AddDate(0, 0, 1)
		f.To = &end
	}
	entries, total, err := auth.ListAudit(r.Context(), s.DB, rq.P, f)
	if err != nil {
		return err
	}
	page.Entries, page.Pager = entries, newPager(r, f.Page, total)
	s.render(w, rq, http.StatusOK, "audit.html", rq.view(r, "audit", "audit.title", page))
	return nil
}
