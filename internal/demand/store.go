package demand

import (
	"context"
	"encoding/json"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

const demandCols = `d.id, d.category_code, c.name, c.name_en, d.channel, d.status, d.area_code, a.name, a.name_en, d.area_path, d.lat, d.lng, d.address,
	d.description, d.attributes, d.owner_area, COALESCE(d.lead_area, ''), d.lead_unit_id, d.round, d.returns, d.created_at, d.updated_at,
	d.contact_due, d.resolve_due, d.contacted_at, d.contact_lapsed, d.resolved_at, d.closed_at, d.outcome, d.resolution,
	d.satisfaction, d.solved, d.overdue, d.escalation_level, d.ext_due, d.ext_reason, d.duplicate_of, d.unreasonable,
	d.unreasonable_by, d.search_text, d.media_url`

// demandFrom joins each demand's category and area (a) for their names.
var demandFrom = ` FROM demands d JOIN demand_categories c ON c.code = d.category_code` + area.Join("a", "d.area_code")

func scanDemand(sc interface{ Scan(...any) error }) (*Demand, error) {
	d := &Demand{}
	var attrs string
	err := sc.Scan(&d.ID, &d.Category, &d.CategoryName, &d.CategoryNameEN, &d.Channel, &d.Status, &d.Area, &d.AreaName, &d.AreaNameEN, &d.AreaPath, &d.Lat, &d.Lng, &d.Address,
		&d.Description, &attrs, &d.Owner, &d.Lead, &d.LeadUnit, &d.Round, &d.Returns, &d.CreatedAt, &d.UpdatedAt,
		&d.ContactDue, &d.ResolveDue, &d.ContactedAt, &d.contactLapsed, &d.ResolvedAt, &d.ClosedAt, &d.Outcome, &d.Resolution,
		&d.Satisfaction, &d.Solved, &d.Overdue, &d.EscalationLevel, &d.ExtensionDue, &d.ExtensionReason, &d.DuplicateOf, &d.Unreasonable,
		&d.unreasonableBy, &d.searchText, &d.MediaURL)
	if err != nil {
		return nil, err
	}
	if attrs != "" && attrs != "{}" {
		json.Unmarshal([]byte(attrs), &d.Attributes)
	}
	return d, nil
}

// load reads one demand inside tx; on PostgreSQL the row is locked so two
// actions on the same demand take turns (SQLite's writer lock does that already).
func load(ctx context.Context, q db.Querier, id int64, lock bool) (*Demand, error) {
	query := "SELECT " + demandCols + demandFrom + " WHERE d.id = ?"
	if lock {
		query += q.D().ForUpdate("d")
	}
	d, err := scanDemand(q.QueryRow(ctx, query, id))
	if err != nil {
		return nil, db.NotFound(err, "demand")
	}
	d.CoBodies, err = db.Strings(ctx, q, "SELECT area_code FROM demand_co_bodies WHERE demand_id = ? ORDER BY area_code", id)
	return d, errs.Wrap(err, "co-bodies")
}

// save writes the mutable columns of d.
func save(ctx context.Context, tx *db.Tx, d *Demand) error {
	_, err := tx.Exec(ctx, `UPDATE demands SET status = ?, lead_area = ?, lead_unit_id = ?, round = ?, returns = ?, updated_at = ?,
		contact_due = ?, resolve_due = ?, contacted_at = ?, contact_lapsed = ?, resolved_at = ?, closed_at = ?, outcome = ?, resolution = ?,
		satisfaction = ?, solved = ?, overdue = ?, escalation_level = ?, ext_due = ?, ext_reason = ?, duplicate_of = ?, unreasonable = ?,
		unreasonable_by = ? WHERE id = ?`,
		string(d.Status), nullStr(d.Lead), d.LeadUnit, d.Round, d.Returns, d.UpdatedAt.UTC(),
		d.ContactDue.UTC(), d.ResolveDue.UTC(), utcPtr(d.ContactedAt), d.contactLapsed, utcPtr(d.ResolvedAt), utcPtr(d.ClosedAt), d.Outcome, d.Resolution,
		d.Satisfaction, d.Solved, d.Overdue, d.EscalationLevel, utcPtr(d.ExtensionDue), d.ExtensionReason, d.DuplicateOf, d.Unreasonable,
		d.unreasonableBy, d.ID)
	return errs.Wrap(err, "save demand")
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// event appends one step to the timeline: note is the system's sentence,
// free what a person wrote.
func event(ctx context.Context, tx *db.Tx, id int64, at time.Time, who actor, action string, from, to Status, note texts.Text, free string, public bool) error {
	var aid any
	if who.id != 0 {
		aid = who.id
	}
	_, err := tx.Exec(ctx, `INSERT INTO demand_events (demand_id, at, actor_id, actor_name, actor_kind, action, from_status, to_status, note, note_code, note_args, public)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, at.UTC(), aid, who.name, who.kind, action, string(from), string(to), free, note.Code, note.ArgsJSON(), public)
	return errs.Wrap(err, "event")
}

// events reads a demand's timeline, worded in Chinese (Localize words it
// for another reader); publicOnly hides internal notes from residents.
func events(ctx context.Context, q db.Querier, id int64, publicOnly bool) ([]Event, error) {
	query := "SELECT id, at, actor_name, actor_kind, action, from_status, to_status, note, note_code, note_args, public FROM demand_events WHERE demand_id = ?"
	if publicOnly {
		query += " AND public"
	}
	out, err := db.All(ctx, q, query+" ORDER BY id", []any{id}, func(sc db.Scanner) (Event, error) {
		var e Event
		var args string
		err := sc.Scan(&e.ID, &e.At, &e.actorName, &e.ActorKind, &e.Action, &e.From, &e.To, &e.Text, &e.NoteCode, &args, &e.Public)
		e.NoteArgs = texts.ParseArgs(args)
		return e, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "events")
	}
	Localize(out, texts.ZH)
	return out, nil
}

// ancestorsOf returns the area at path and every area above it, nearest
// first, in one query.
func ancestorsOf(ctx context.Context, q db.Querier, path string) ([]chainArea, error) {
	line, err := area.Lineage(ctx, q, path) // top first
	if err != nil {
		return nil, err
	}
	out := make([]chainArea, len(line))
	for i, a := range line {
		out[len(line)-1-i] = chainArea{code: a.Code, level: string(a.Level), path: a.Path}
	}
	return out, nil
}

// chainArea is an area on the way up from a demand's area.
type chainArea struct{ code, level, path string }

// dispatching reports whether an area's level has staff who dispatch
// (grids and lanes have none).
func (a chainArea) dispatching() bool {
	return a.level == "residential" || a.level == "street" || a.level == "district"
}

func codes(chain []chainArea) []string {
	out := make([]string, len(chain))
	for i, a := range chain {
		out[i] = a.code
	}
	return out
}

// levelOf returns an area's level and path.
func levelOf(ctx context.Context, q db.Querier, code string) (level, path string, err error) {
	l, path, err := area.LevelPath(ctx, q, code)
	return string(l), path, err
}

// rollupPaths are the areas a demand's figures are kept at: its own and
// every one above it (district, street, residential area, lane, grid), so
// the figures of any area, down to a grid on the map, come from the rollups.
func rollupPaths(areaPath string) []string { return area.Chain(areaPath) }
