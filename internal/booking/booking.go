// Package booking books venue resources by time slot inside their weekly
// availability; the database itself refuses a double booking.
//
// A booking of a unit's venue by anyone but that unit is held until the
// unit (its liaison, or staff on its behalf) confirms it, and lapses by a
// job if nobody does within HoldFor. Held and confirmed bookings of one
// resource never overlap: PostgreSQL keeps them apart with an exclusion
// constraint, SQLite with triggers inside its one write transaction
// (migration 00026). The service checks first, so a clash is a clear 409,
// and maps the database's refusal to the same 409 when two requests race.
package booking

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// Service is the booking capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the booking service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// JobLapse is the kind of the job that lapses a hold nobody confirmed.
const JobLapse = "booking.lapse"

// Booking is one slot of a venue.
type Booking struct {
	ID            int64      `json:"id"`
	ResourceID    int64      `json:"resource_id"`
	ResourceTitle string     `json:"resource_title"`
	Provider      string     `json:"provider"`
	UnitID        *int64     `json:"unit_id"`
	Start         time.Time  `json:"start"`
	End           time.Time  `json:"end"`
	Status        string     `json:"status"`
	HoldUntil     *time.Time `json:"hold_until"`
	Purpose       string     `json:"purpose"`
	Attendees     int        `json:"attendees"`
	ProjectID     *int64     `json:"project_id"`
	ProjectTitle  string     `json:"project_title"`
	BookedBy      string     `json:"booked_by"`
	BookedByID    *int64     `json:"-"`
	DecidedBy     string     `json:"decided_by"`
	Reason        string     `json:"reason"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	AreaPath      string     `json:"-"` // the resource's
}

// Input asks for a slot. Hold keeps even a booking its maker could confirm
// as a hold (pencilled in).
type Input struct {
	ResourceID int64     `json:"resource_id"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Purpose    string    `json:"purpose,omitempty"`
	Attendees  int       `json:"attendees,omitempty"`
	ProjectID  *int64    `json:"project_id,omitempty"`
	Hold       bool      `json:"hold,omitempty"`
}

// Filter narrows a list of bookings. From and To select bookings that
// overlap [From, To); zero means open-ended.
type Filter struct {
	ResourceID int64
	Area       string
	Status     string
	Live       bool // held and confirmed only
	From, To   time.Time
	Page       int
	PerPage    int
}

const cols = `b.id, b.resource_id, r.title, r.provider_name, b.unit_id, b.starts_at, b.ends_at, b.status, b.hold_until,
	b.purpose, b.attendees, b.project_id, COALESCE(pr.title, ''), b.booked_by, b.booked_by_name, b.decided_by_name, b.reason,
	b.created_at, b.updated_at, b.area_path`

const from = `bookings b JOIN resources r ON r.id = b.resource_id LEFT JOIN projects pr ON pr.id = b.project_id`

func scan(r db.Scanner) (Booking, error) {
	var b Booking
	var unit, project, by sql.NullInt64
	var hold sql.NullTime
	err := r.Scan(&b.ID, &b.ResourceID, &b.ResourceTitle, &b.Provider, &unit, &b.Start, &b.End, &b.Status, &hold,
		&b.Purpose, &b.Attendees, &project, &b.ProjectTitle, &by, &b.BookedBy, &b.DecidedBy, &b.Reason,
		&b.CreatedAt, &b.UpdatedAt, &b.AreaPath)
	b.UnitID, b.ProjectID, b.BookedByID = db.NullID(unit), db.NullID(project), db.NullID(by)
	if hold.Valid {
		t := hold.Time
		b.HoldUntil = &t
	}
	return b, err
}

// venue is the resource a booking is for, read in the booking's transaction.
type venue struct {
	Venue
	id    int64
	title string
	unit  *int64
	path  string
}

func loadVenue(ctx context.Context, q db.Querier, id int64) (venue, error) {
	var v venue
	var unit sql.NullInt64
	err := q.QueryRow(ctx, `SELECT id, title, kind, status, capacity, windows, available_from, available_until, unit_id, area_path
		FROM resources WHERE id = ?`, id).Scan(&v.id, &v.title, &v.Kind, &v.Status, &v.Capacity, &v.Windows, &v.From, &v.Until, &unit, &v.path)
	v.unit = db.NullID(unit)
	return v, db.NotFound(err, "resource")
}

// canSee: a booking is read by whoever reads the venue — staff by area
// (lists.read), a unit's liaison for its own unit's venues.
func canSee(p *auth.Principal, path string, unit *int64) bool {
	return auth.Authorize(p, auth.ListsRead, path) == nil || (unit != nil && auth.AuthorizeUnit(p, auth.ResourceOffer, path, unit) == nil)
}

// canManage: the venue's provider decides on its bookings — its unit's
// liaison, or staff offering resources in its area on the unit's behalf.
func canManage(p *auth.Principal, path string, unit *int64) bool {
	return auth.AuthorizeUnit(p, auth.ResourceOffer, path, unit) == nil
}

// slot reads a time to the minute in UTC, as the database compares them.
func slot(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }

// Book books a slot of a venue (booking.write there: staff of the area, or
// the unit's liaison for its own venue). It is confirmed at once when the
// caller manages the venue or the venue has no unit, and held for the unit
// otherwise (or when in.Hold asks).
func (s *Service) Book(ctx context.Context, p *auth.Principal, in Input) (Booking, error) {
	if in.ResourceID <= 0 {
		return Booking{}, errs.Invalid("resource_id", "choose the venue to book")
	}
	in.Purpose = strings.TrimSpace(in.Purpose)
	var details []errs.Detail
	if in.Purpose == "" {
		details = append(details, errs.D("purpose", "say what the venue is booked for"))
	} else if len([]rune(in.Purpose)) > 200 {
		details = append(details, errs.D("purpose", "the purpose is at most 200 characters"))
	}
	if len(details) > 0 {
		return Booking{}, errs.Fields(details)
	}
	in.Start, in.End = slot(in.Start), slot(in.End)
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		v, err := loadVenue(ctx, tx, in.ResourceID)
		if err != nil {
			return err
		}
		if !canSee(p, v.path, v.unit) {
			if p == nil {
				return errs.New(errs.EUNAUTHORIZED, "sign in first")
			}
			return errs.New(errs.ENOTFOUND, "resource not found")
		}
		if err := auth.AuthorizeUnit(p, auth.BookingWrite, v.path, v.unit); err != nil {
			return err
		}
		now := s.clock.Now()
		if err := Check(v.Venue, in.Start, in.End, now, in.Attendees); err != nil {
			return err
		}
		if in.ProjectID != nil {
			var ppath string
			err := tx.QueryRow(ctx, "SELECT area_path FROM projects WHERE id = ?", *in.ProjectID).Scan(&ppath)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && auth.Authorize(p, auth.ListsRead, ppath) != nil) {
				return errs.Invalid("project_id", "no project %d you can see", *in.ProjectID)
			} else if err != nil {
				return errs.Wrap(err, "project")
			}
		}
		if clash, err := s.clash(ctx, tx, v.id, in.Start, in.End); err != nil {
			return err
		} else if clash != nil {
			return conflict(clash)
		}
		status, hold := Confirmed, (*time.Time)(nil)
		if in.Hold || (v.unit != nil && !ownUnit(p, v.unit)) {
			h := slot(HoldUntil(now, in.Start))
			status, hold = Held, &h
		}
		by, name := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO bookings (resource_id, area_path, unit_id, starts_at, ends_at, status, hold_until, purpose,
			attendees, project_id, booked_by, booked_by_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.id, v.path, v.unit, in.Start, in.End, status, hold, in.Purpose, in.Attendees, in.ProjectID, by, name, now, now)
		if errs.Code(db.MapError(err)) == errs.ECONFLICT {
			// A booking that raced this one took the slot first.
			return errs.New(errs.ECONFLICT, "the time overlaps another booking of this venue; choose another time")
		} else if err != nil {
			return errs.Wrap(err, "insert booking")
		}
		if hold != nil {
			if err := jobs.Enqueue(ctx, tx, now, LapseJob(id, *hold)); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, p, "create", id, v.path, nil, map[string]any{"resource_id": v.id, "start": in.Start,
			"end": in.End, "status": status, "purpose": in.Purpose})
	})
	if err != nil {
		return Booking{}, err
	}
	return s.get(ctx, s.db, id)
}

// ownUnit reports whether p books for the unit itself: a liaison of that
// unit. Staff booking a unit's venue ask the unit, which confirms.
func ownUnit(p *auth.Principal, unit *int64) bool {
	return slices.Contains(auth.ScopeUnits(p, auth.ResourceOffer), *unit)
}

// clash returns a live booking of the resource overlapping [start, end), if any.
func (s *Service) clash(ctx context.Context, q db.Querier, resource int64, start, end time.Time) (*Booking, error) {
	b, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+from+` WHERE b.resource_id = ? AND b.status IN ('held', 'confirmed')
		AND b.starts_at < ? AND ? < b.ends_at ORDER BY b.starts_at LIMIT 1`, resource, end, start))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &b, errs.Wrap(err, "overlapping bookings")
}

// conflict is the 409 naming the booking in the way.
func conflict(b *Booking) error {
	return errs.New(errs.ECONFLICT, "the venue is already booked %s–%s; choose another time",
		b.Start.In(clock.Shanghai).Format("2006-01-02 15:04"), b.End.In(clock.Shanghai).Format("15:04"))
}

// LapseJob is the job that lapses hold id at when nobody confirmed it (the
// demo writes its held bookings with it).
func LapseJob(id int64, at time.Time) jobs.Job {
	return jobs.Job{Kind: JobLapse, Key: strconv.FormatInt(id, 10), RunAt: at, Args: lapseArgs{Booking: id}}
}

type lapseArgs struct {
	Booking int64 `json:"booking_id"`
}

// RegisterJobs makes q lapse holds nobody confirmed in time.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobLapse, jobs.Handle(func(ctx context.Context, tx *db.Tx, a lapseArgs) error { return s.lapse(ctx, tx, a.Booking) }))
}

// lapse frees a hold whose time ran out; a booking confirmed or cancelled
// meanwhile is left alone.
func (s *Service) lapse(ctx context.Context, tx *db.Tx, id int64) error {
	b, err := s.get(ctx, tx, id)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	now := s.clock.Now()
	if b.Status != Held || b.HoldUntil == nil || b.HoldUntil.After(now) {
		return nil
	}
	if _, err := tx.Exec(ctx, `UPDATE bookings SET status = ?, hold_until = NULL, updated_at = ? WHERE id = ? AND status = ?`,
		Lapsed, now, id, Held); err != nil {
		return errs.Wrap(err, "lapse booking")
	}
	return record(ctx, tx, now, auth.SystemPrincipal(), "lapse", id, b.AreaPath, map[string]any{"status": Held}, map[string]any{"status": Lapsed})
}

// Confirm confirms a hold (the venue's provider).
func (s *Service) Confirm(ctx context.Context, p *auth.Principal, id int64) (Booking, error) {
	return s.decide(ctx, p, id, "confirm", "")
}

// Cancel cancels a live booking: its maker, or the venue's provider (with a reason).
func (s *Service) Cancel(ctx context.Context, p *auth.Principal, id int64, reason string) (Booking, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 200 {
		return Booking{}, errs.Invalid("reason", "the reason is at most 200 characters")
	}
	return s.decide(ctx, p, id, "cancel", reason)
}

func (s *Service) decide(ctx context.Context, p *auth.Principal, id int64, action, reason string) (Booking, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		b, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !canSee(p, b.AreaPath, b.UnitID) {
			return hidden(p)
		}
		manager := canManage(p, b.AreaPath, b.UnitID)
		maker := p != nil && b.BookedByID != nil && *b.BookedByID == p.UserID && auth.AuthorizeUnit(p, auth.BookingWrite, b.AreaPath, b.UnitID) == nil
		switch {
		case action == "confirm" && !manager:
			return errs.New(errs.EFORBIDDEN, "only the venue's provider confirms a booking")
		case action == "cancel" && !manager && !maker:
			return errs.New(errs.EFORBIDDEN, "only whoever booked it or the venue's provider cancels a booking")
		case action == "cancel" && !maker && reason == "":
			return errs.Invalid("reason", "tell the booker why the booking is cancelled")
		}
		to, err := Move(b.Status, action)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		if action == "confirm" && b.HoldUntil != nil && !b.HoldUntil.After(now) {
			return errs.New(errs.ECONFLICT, "the hold lapsed at %s; book again", b.HoldUntil.In(clock.Shanghai).Format("2006-01-02 15:04"))
		}
		_, name := p.Actor()
		if _, err := tx.Exec(ctx, `UPDATE bookings SET status = ?, hold_until = NULL, decided_by_name = ?, reason = ?, updated_at = ?
			WHERE id = ? AND status = ?`, to, name, reason, now, id, b.Status); err != nil {
			return errs.Wrap(err, action+" booking")
		}
		return record(ctx, tx, now, p, action, id, b.AreaPath, map[string]any{"status": b.Status}, map[string]any{"status": to, "reason": reason})
	})
	if err != nil {
		return Booking{}, err
	}
	return s.get(ctx, s.db, id)
}

// hidden is what a caller outside a booking's scope learns: nothing.
func hidden(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "booking not found")
}

func (s *Service) get(ctx context.Context, q db.Querier, id int64) (Booking, error) {
	b, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+from+` WHERE b.id = ?`, id))
	return b, db.NotFound(err, "booking")
}

// Get returns one booking; outside the caller's scope it is not found.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Booking, error) {
	b, err := s.get(ctx, s.db, id)
	if err != nil {
		return Booking{}, err
	}
	if !canSee(p, b.AreaPath, b.UnitID) {
		return Booking{}, hidden(p)
	}
	return b, nil
}

// CanManage reports whether p decides on the bookings of b's venue.
func CanManage(p *auth.Principal, b Booking) bool { return canManage(p, b.AreaPath, b.UnitID) }

// CanCancel reports whether p may cancel b.
func CanCancel(p *auth.Principal, b Booking) bool {
	if !Live(b.Status) {
		return false
	}
	return canManage(p, b.AreaPath, b.UnitID) ||
		(p != nil && b.BookedByID != nil && *b.BookedByID == p.UserID && auth.AuthorizeUnit(p, auth.BookingWrite, b.AreaPath, b.UnitID) == nil)
}

// List lists bookings in p's scope (and those of p's own unit's venues),
// by start time.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Booking], error) {
	if err := auth.AuthorizeAny(p, auth.ListsRead); err != nil {
		return db.Listed[Booking]{}, err
	}
	var w db.Where
	cond, args := auth.ScopeSQL(s.db.Dialect, p, auth.ListsRead, "b.area_path")
	if units := auth.ScopeUnits(p, auth.ResourceOffer); len(units) > 0 {
		in := "?" + strings.Repeat(", ?", len(units)-1)
		for _, u := range units {
			args = append(args, u)
		}
		cond = "(" + cond + " OR b.unit_id IN (" + in + "))"
	}
	w.And(cond, args...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[Booking]{}, errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return db.Listed[Booking]{}, err
		}
		c, a := area.Subtree(s.db.Dialect, "b.area_path", path)
		w.And(c, a)
	}
	if f.ResourceID != 0 {
		w.And("b.resource_id = ?", f.ResourceID)
	}
	switch {
	case f.Status != "":
		if !Valid(f.Status) {
			return db.Listed[Booking]{}, errs.Invalid("status", "status must be one of %v", Statuses)
		}
		w.And("b.status = ?", f.Status)
	case f.Live:
		w.And("b.status IN ('held', 'confirmed')")
	}
	if !f.From.IsZero() {
		w.And("b.ends_at > ?", slot(f.From))
	}
	if !f.To.IsZero() {
		w.And("b.starts_at < ?", slot(f.To))
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: cols, From: from, Where: w, Order: "b.starts_at, b.id", Limit: limit, Offset: offset}, scan)
	return l, errs.Wrap(err, "list bookings")
}

// Valid reports whether s is a booking status.
func Valid(s string) bool { return slices.Contains(Statuses, s) }

// record writes the audit row of one change of a booking.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: "booking", EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}
