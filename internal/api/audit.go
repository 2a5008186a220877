package api

import (
	"encoding/json"
	"net/http"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// auditJSON is one audit row with before/after as JSON values rather than
// strings holding JSON, so clients need not decode twice.
type auditJSON struct {
	ID       int64           `json:"id"`
	At       time.Time       `json:"at"`
	Actor    string          `json:"actor"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	EntityID string          `json:"entity_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
}

// rawOrNull passes stored JSON through and turns anything else into null.
func rawOrNull(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("null")
	}
	return json.RawMessage(s)
}

// listAudit serves GET /audit?actor=&action=&entity=&entity_id=&from=&to=:
// the audit rows in the caller's audit scope, newest first.
func (s *server) listAudit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	f := auth.AuditFilter{Actor: optString(r, "actor"), Action: optString(r, "action"), Entity: optString(r, "entity"),
		EntityID: optString(r, "entity_id"), Page: pg.Page, PerPage: pg.PerPage}
	if f.From, err = optTime(r, "from", false); err != nil {
		return err
	}
	if f.To, err = optTime(r, "to", true); err != nil {
		return err
	}
	if f.From != nil && f.To != nil && !f.From.Before(*f.To) {
		return errs.Invalid("to", "to must be after from")
	}
	rows, total, err := auth.ListAudit(r.Context(), s.DB, p, f)
	if err != nil {
		return err
	}
	items := make([]auditJSON, len(rows))
	for i, e := range rows {
		items[i] = auditJSON{ID: e.ID, At: e.At, Actor: e.ActorName, Action: e.Action, Entity: e.Entity, EntityID: e.EntityID,
			Before: rawOrNull(e.Before), After: rawOrNull(e.After)}
	}
	writeList(w, items, total, pg)
	return nil
}
