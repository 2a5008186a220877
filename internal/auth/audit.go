package auth

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Change describes one change for the audit log (审计日志).
type Change struct {
	Action   string // create, update, delete, import, grant, revoke, login…
	Entity   string // unit, user, grant, token, area…
	EntityID string
	AreaPath string // where the record lives, so auditors see their own subtree
	Before   any    // nil for creations
	After    any    // nil for deletions
}

// Record writes one audit row inside tx, the same transaction as the change,
// so a change and its audit row land together or not at all.
func Record(ctx context.Context, tx *db.Tx, at time.Time, p *Principal, c Change) error {
	var actorID any
	if p != nil && p.UserID != 0 {
		actorID = p.UserID
	}
	_, err := tx.Exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, entity, entity_id, area_path, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		at.UTC(), actorID, p.Name(), c.Action, c.Entity, c.EntityID, c.AreaPath, maskedJSON(c.Before), maskedJSON(c.After))
	return errs.Wrap(err, "audit")
}

// maskedJSON encodes v with personal fields masked.
func maskedJSON(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return string(b)
	}
	for k, val := range m {
		if f, ok := personalKeys[k]; ok {
			if s, ok := val.(string); ok && s != "" {
				m[k] = f(s)
			}
		}
	}
	b, _ = json.Marshal(m)
	return string(b)
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	ActorName string    `json:"actor"`
	// ActorDisplay is the actor's display name today, for pages; empty for
	// the system, anonymous residents and accounts without one.
	ActorDisplay string `json:"-"`
	Action       string `json:"action"`
	Entity       string `json:"entity"`
	EntityID     string `json:"entity_id"`
	Before       string `json:"before"`
	After        string `json:"after"`
}

// AuditFilter narrows the audit log. Nil fields do not filter.
type AuditFilter struct {
	Actor    *string
	Action   *string
	Entity   *string
	EntityID *string
	From, To *time.Time
	Page     int
	PerPage  int
}

// ListAudit returns audit rows within p's scope, newest first.
func ListAudit(ctx context.Context, d *db.DB, p *Principal, f AuditFilter) ([]AuditEntry, int, error) {
	if err := AuthorizeAny(p, AuditRead); err != nil {
		return nil, 0, err
	}
	scope, args := ScopeSQL(d.Dialect, p, AuditRead, "area_path")
	where := []string{scope}
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.Actor != nil {
		add("actor_name = ?", *f.Actor)
	}
	if f.Action != nil {
		add("action = ?", *f.Action)
	}
	if f.Entity != nil {
		add("entity = ?", *f.Entity)
	}
	if f.EntityID != nil {
		add("entity_id = ?", *f.EntityID)
	}
	if f.From != nil {
		add("at >= ?", f.From.UTC())
	}
	if f.To != nil {
		add("at < ?", f.To.UTC())
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count audit")
	}
	limit, offset := Paging(f.Page, f.PerPage)
	out, err := db.All(ctx, d, `SELECT l.id, l.at, l.actor_name, COALESCE(u.display_name, ''), l.action, l.entity, l.entity_id, l.before, l.after
		FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
		WHERE `+w+` ORDER BY l.id DESC LIMIT ? OFFSET ?`, append(args, limit, offset), func(r db.Scanner) (AuditEntry, error) {
		var e AuditEntry
		err := r.Scan(&e.ID, &e.At, &e.ActorName, &e.ActorDisplay, &e.Action, &e.Entity, &e.EntityID, &e.Before, &e.After)
		return e, err
	})
	return out, total, errs.Wrap(err, "list audit")
}

// Paging turns page/per_page into LIMIT/OFFSET: default 50, at most 500.
func Paging(page, perPage int) (limit, offset int) {
	if perPage <= 0 {
		perPage = 50
	}
	perPage = min(perPage, 500)
	page = max(page, 1)
	return perPage, (page - 1) * perPage
}
