// Package lists holds 三张清单 (DOMAIN.md §4): residents' needs, the resources
// regional units, social organisations and people offer, the matches a
// person confirms between them, and the service projects that join the two.
// The matching itself is internal/match (pure); this package reads the
// lists in the caller's scope, hands them to it, and records what people
// decide.
package lists

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Service is the lists capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the lists service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Categories are what a need is about; a resource names the ones it serves.
var Categories = []string{"parking", "venue", "elderly_care", "meals", "childcare", "volunteer", "legal", "medical",
	"psychological", "culture", "education", "environment", "employment", "materials", "funds", "other"}

// Kinds are what a resource is.
var Kinds = []string{"venue", "parking", "volunteer", "expertise", "funds", "materials"}

// CapacityUnits say what a resource's capacity counts.
var CapacityUnits = []string{"spaces", "hours_per_week", "people", "fen", "items"}

// ProviderKinds are who offers a resource.
var ProviderKinds = []string{"unit", "social_org", "person"}

// Urgencies of a need, least first.
var Urgencies = []string{"low", "normal", "high"}

// Domains of a service project; the first three are the "three domains"
// DOMAIN.md counts (livelihood services, social governance, culture & sports).
var Domains = []string{"livelihood", "governance", "culture", "environment", "safety", "other"}

// Levels a project lands at.
var Levels = []string{"district", "street", "residential"}

// Event is one line of a need's, resource's or project's timeline.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Note   string    `json:"note,omitempty"`
}

// record writes a timeline line and the audit row of one change.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, entity string, id int64, path, action, note string, after any) error {
	actor, name := p.Actor()
	if _, err := tx.Exec(ctx, `INSERT INTO list_events (entity, entity_id, at, actor_id, actor_name, action, note) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		entity, id, now, actor, name, action, note); err != nil {
		return errs.Wrap(err, "timeline")
	}
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10), AreaPath: path, After: after})
}

func (s *Service) events(ctx context.Context, entity string, id int64) ([]Event, error) {
	return db.All(ctx, s.db, `SELECT at, actor_name, action, note FROM list_events WHERE entity = ? AND entity_id = ? ORDER BY id`,
		[]any{entity, id}, func(r db.Scanner) (Event, error) {
			var e Event
			err := r.Scan(&e.At, &e.Actor, &e.Action, &e.Note)
			return e, err
		})
}

// areaOf checks an area code and returns its path, naming field when unknown.
func areaOf(ctx context.Context, q db.Querier, field, code string) (string, error) {
	if code == "" {
		return "", errs.Invalid(field, "choose an area")
	}
	path, err := area.Path(ctx, q, code)
	if errs.Code(err) == errs.ENOTFOUND {
		return "", errs.Invalid(field, "unknown area %q", code)
	}
	return path, err
}

// oneOf checks a value against its allowed set.
func oneOf(details *[]errs.Detail, field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		*details = append(*details, errs.D(field, "%s must be one of %v", field, allowed))
	}
}

// scopeWhere limits col to where p holds perm.
func (s *Service) scopeWhere(w *db.Where, p *auth.Principal, perm auth.Perm, col string) {
	cond, args := auth.ScopeSQL(s.db.Dialect, p, perm, col)
	w.And(cond, args...)
}

// ListFilter is what every list page and endpoint filters by.
type ListFilter struct {
	Area     string // subtree; empty: the whole scope
	Status   string
	Category string // needs and resources: category; projects: domain
	Kind     string // resources: kind; projects: level
	Q        string // words, through the shared index
	From, To string // created on these days or between them (YYYY-MM-DD, inclusive), either may be empty
	UnitID   int64  // resources and projects: of this unit
	Page     int
	PerPage  int
}

// Period is the days from and to (YYYY-MM-DD, inclusive; either may be
// empty) as [start, end) in UTC — the district's days are Shanghai's, and
// SQLite compares stored times as text.
func Period(from, to string) (start, end time.Time, err error) {
	for i, v := range []struct{ field, val string }{{"from", from}, {"to", to}} {
		if v.val == "" {
			continue
		}
		day, err := time.ParseInLocation(time.DateOnly, v.val, clock.Shanghai)
		if err != nil {
			return start, end, errs.Invalid(v.field, "%s must be a date like 2026-01-01", v.field)
		}
		if i == 0 {
			start = day.UTC()
		} else {
			end = day.AddDate(0, 0, 1).UTC()
		}
	}
	return start, end, nil
}

// common adds the filter's area, period and text conditions on a list of kind.
func (s *Service) common(ctx context.Context, w *db.Where, f ListFilter, kind, alias string) error {
	if f.Area != "" {
		path, err := areaOf(ctx, s.db, "area", f.Area)
		if err != nil {
			return err
		}
		cond, arg := area.Subtree(s.db.Dialect, alias+".area_path", path)
		w.And(cond, arg)
	}
	start, end, err := Period(f.From, f.To)
	if err != nil {
		return err
	}
	if !start.IsZero() {
		w.And(alias+".created_at >= ?", start)
	}
	if !end.IsZero() {
		w.And(alias+".created_at < ?", end)
	}
	if strings.TrimSpace(f.Q) != "" {
		cond, args := textCond(s.db.Dialect, kind, alias+".id", f.Q)
		w.And(cond, args...)
	}
	return nil
}
