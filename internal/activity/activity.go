// Package activity publishes activities (活动) of party organisations, units
// and service points, takes sign-ups with a waitlist promoted in order when
// someone cancels, reminds those signed up the day before (a job), and
// checks people in and out with a QR code that rotates every 30 seconds on
// the organiser's screen. A member's check-out is verified service
// (party.RecordService): the only source of service hours.
//
// Sign-ups and cancellations of one activity take the activity's row lock
// (SQLite's one writer, FOR UPDATE on PostgreSQL), so concurrent sign-ups
// never overbook and the waitlist moves up in sign-up order.
package activity

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// Service is the activity capability on one database.
type Service struct {
	db     *db.DB
	clock  clock.Clock
	notify *notify.Service // nil: reminders are not sent (tests of other surfaces)

	mu     sync.Mutex
	secret []byte
}

// NewService returns the activity service; notes sends the reminders.
func NewService(d *db.DB, c clock.Clock, notes *notify.Service) *Service {
	return &Service{db: d, clock: c, notify: notes}
}

// JobRemind is the kind of the job reminding those signed up, the day before.
const JobRemind = "activity.remind"

// Activity is a published activity.
type Activity struct {
	ID             int64     `json:"id"`
	Title          string    `json:"title"`
	Description    string    `json:"description"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	Place          string    `json:"place"`
	Capacity       int       `json:"capacity"` // 0: no limit
	Audience       string    `json:"audience"`
	PartyOrgID     *int64    `json:"party_org_id"`
	UnitID         *int64    `json:"unit_id"`
	ServicePointID *int64    `json:"service_point_id"`
	ProjectID      *int64    `json:"project_id"`
	Organiser      string    `json:"organiser"` // the party organisation, unit, service point or project's name
	Area           string    `json:"area"`
	Status         string    `json:"status"`
	Confirmed      int       `json:"confirmed"`
	Waitlisted     int       `json:"waitlisted"`
	CreatedBy      string    `json:"created_by"`
	CreatedAt      time.Time `json:"created_at"`
	AreaPath       string    `json:"-"`
}

// Input publishes an activity.
type Input struct {
	Title          string    `json:"title"`
	Description    string    `json:"description,omitempty"`
	Start          time.Time `json:"start"`
	End            time.Time `json:"end"`
	Place          string    `json:"place"`
	Capacity       int       `json:"capacity,omitempty"`
	Audience       string    `json:"audience"`
	Area           string    `json:"area"`
	PartyOrgID     *int64    `json:"party_org_id,omitempty"`
	UnitID         *int64    `json:"unit_id,omitempty"`
	ServicePointID *int64    `json:"service_point_id,omitempty"`
	ProjectID      *int64    `json:"project_id,omitempty"` // a service project (服务项目) publishing it
}

// Filter narrows a list of activities.
type Filter struct {
	Area     string
	Upcoming bool // not ended yet
	Page     int
	PerPage  int
}

const cols = `a.id, a.title, a.description, a.starts_at, a.ends_at, a.place, a.capacity, a.audience, a.party_org_id, a.unit_id,
	a.service_point_id, a.project_id, COALESCE(po.name, u.name, sp.name, pj.title, ''), a.area_code, a.status,
	(SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.status = 'confirmed'),
	(SELECT count(*) FROM activity_signups s WHERE s.activity_id = a.id AND s.status = 'waitlisted'),
	a.created_by_name, a.created_at, a.area_path`

const from = `activities a LEFT JOIN party_orgs po ON po.id = a.party_org_id LEFT JOIN units u ON u.id = a.unit_id
	LEFT JOIN service_points sp ON sp.id = a.service_point_id LEFT JOIN projects pj ON pj.id = a.project_id`

func scan(sc db.Scanner) (Activity, error) {
	var a Activity
	var org, unit, sp, pj sql.NullInt64
	err := sc.Scan(&a.ID, &a.Title, &a.Description, &a.Start, &a.End, &a.Place, &a.Capacity, &a.Audience, &org, &unit, &sp, &pj,
		&a.Organiser, &a.Area, &a.Status, &a.Confirmed, &a.Waitlisted, &a.CreatedBy, &a.CreatedAt, &a.AreaPath)
	a.PartyOrgID, a.UnitID, a.ServicePointID, a.ProjectID = db.NullID(org), db.NullID(unit), db.NullID(sp), db.NullID(pj)
	return a, err
}

// visible: p holds perm on path, or on an area below it — an activity of
// the street reaches the residential areas in it.
func visible(p *auth.Principal, perm auth.Perm, path string) bool {
	if auth.Authorize(p, perm, path) == nil {
		return true
	}
	for _, s := range auth.Scope(p, perm) {
		if strings.HasPrefix(s, path) {
			return true
		}
	}
	return false
}

// visibleSQL is visible as a condition on col.
func (s *Service) visibleSQL(p *auth.Principal, perm auth.Perm, col string) (string, []any) {
	cond, args := auth.ScopeSQL(s.db.Dialect, p, perm, col)
	var up []string
	for _, path := range auth.Scope(p, perm) {
		for _, c := range area.Chain(path) {
			if c != path && !slices.Contains(up, c) {
				up = append(up, c)
			}
		}
	}
	if len(up) == 0 {
		return cond, args
	}
	for _, u := range up {
		args = append(args, u)
	}
	return "(" + cond + " OR " + col + " IN (?" + strings.Repeat(", ?", len(up)-1) + "))", args
}

// CanManage reports whether p runs a (its code, roster and head count).
func CanManage(p *auth.Principal, a Activity) bool {
	return auth.Authorize(p, auth.ActivityWrite, a.AreaPath) == nil
}

func hidden(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "activity not found")
}

func (s *Service) get(ctx context.Context, q db.Querier, id int64) (Activity, error) {
	a, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+from+` WHERE a.id = ?`, id))
	return a, db.NotFound(err, "activity")
}

// Get returns one activity; outside what p sees it is not found.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Activity, error) {
	a, err := s.get(ctx, s.db, id)
	if err != nil {
		return Activity{}, err
	}
	if !visible(p, auth.ActivityRead, a.AreaPath) {
		return Activity{}, hidden(p)
	}
	return a, nil
}

// List lists activities p sees (those of its areas and of the areas above
// them), soonest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Activity], error) {
	if err := auth.AuthorizeAny(p, auth.ActivityRead); err != nil {
		return db.Listed[Activity]{}, err
	}
	var w db.Where
	cond, args := s.visibleSQL(p, auth.ActivityRead, "a.area_path")
	w.And(cond, args...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[Activity]{}, errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return db.Listed[Activity]{}, err
		}
		c, a := area.Subtree(s.db.Dialect, "a.area_path", path)
		w.And(c, a)
	}
	if f.Upcoming {
		w.And("a.ends_at > ?", s.clock.Now())
	}
	w.And("a.status = 'published'")
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: cols, From: from, Where: w, Order: "a.starts_at, a.id", Limit: limit, Offset: offset}, scan)
	return l, errs.Wrap(err, "list activities")
}

func (in *Input) check(now time.Time) error {
	in.Title, in.Description, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description), strings.TrimSpace(in.Place)
	in.Start, in.End = in.Start.UTC().Truncate(time.Minute), in.End.UTC().Truncate(time.Minute)
	var ds []errs.Detail
	switch {
	case in.Title == "":
		ds = append(ds, errs.D("title", "give the activity a title"))
	case utf8.RuneCountInString(in.Title) > 100:
		ds = append(ds, errs.D("title", "a title is at most 100 characters"))
	}
	if utf8.RuneCountInString(in.Description) > 2000 {
		ds = append(ds, errs.D("description", "a description is at most 2000 characters"))
	}
	switch {
	case in.Place == "":
		ds = append(ds, errs.D("place", "say where the activity takes place"))
	case utf8.RuneCountInString(in.Place) > 200:
		ds = append(ds, errs.D("place", "a place is at most 200 characters"))
	}
	switch {
	case in.Start.IsZero():
		ds = append(ds, errs.D("start", "give the start time"))
	case in.End.IsZero():
		ds = append(ds, errs.D("end", "give the end time"))
	case !in.End.After(in.Start):
		ds = append(ds, errs.D("end", "the end must be after the start"))
	case in.End.Sub(in.Start) > 24*time.Hour:
		ds = append(ds, errs.D("end", "an activity lasts at most 24 hours; publish longer ones day by day"))
	case !in.End.After(now):
		ds = append(ds, errs.D("end", "the activity is over already; choose a time to come"))
	}
	if in.Capacity < 0 || in.Capacity > 100000 {
		ds = append(ds, errs.D("capacity", "capacity is 0 (no limit) to 100000 people"))
	}
	if !ValidAudience(in.Audience) {
		ds = append(ds, errs.D("audience", "audience is members, residents or all"))
	}
	if in.Area == "" {
		ds = append(ds, errs.D("area", "choose the area the activity is for"))
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// organiser checks that the publishing organisation, unit, service point or
// project exists (all but units in or above the activity's area).
func organiser(ctx context.Context, tx *db.Tx, in Input, path string) error {
	var ds []errs.Detail
	for _, c := range []struct {
		table, field, msg string
		id                *int64
	}{{"party_orgs", "party_org_id", "no party organisation %d in or above the activity's area", in.PartyOrgID},
		{"units", "unit_id", "no unit %d", in.UnitID},
		{"service_points", "service_point_id", "no service point %d in or above the activity's area", in.ServicePointID},
		{"projects", "project_id", "no service project %d in or above the activity's area", in.ProjectID}} {
		if c.id == nil {
			continue
		}
		var p string
		err := tx.QueryRow(ctx, "SELECT area_path FROM "+c.table+" WHERE id = ?", *c.id).Scan(&p)
		if err != nil && err != sql.ErrNoRows {
			return errs.Wrap(err, c.table)
		}
		if err == sql.ErrNoRows || (c.table != "units" && !strings.HasPrefix(path, p) && !strings.HasPrefix(p, path)) {
			ds = append(ds, errs.D(c.field, c.msg, *c.id))
		}
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// Create publishes an activity (activity.write on its area) and schedules
// the reminder for the day before.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (Activity, error) {
	now := s.clock.Now()
	if err := in.check(now); err != nil {
		return Activity{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		path, err := area.Path(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.ActivityWrite, path); err != nil {
			return err
		}
		if err := organiser(ctx, tx, in, path); err != nil {
			return err
		}
		by, name := p.Actor()
		id, err = db.InsertID(ctx, tx, `INSERT INTO activities (title, description, starts_at, ends_at, place, capacity, audience, party_org_id, unit_id,
			service_point_id, project_id, area_code, area_path, created_by, created_by_name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Title, in.Description, in.Start, in.End, in.Place, in.Capacity, in.Audience,
			in.PartyOrgID, in.UnitID, in.ServicePointID, in.ProjectID, in.Area, path, by, name, now, now)
		if err != nil {
			return errs.Wrap(err, "insert activity")
		}
		if at := RemindAt(in.Start); at.After(now) {
			if err := jobs.Enqueue(ctx, tx, now, RemindJob(id, at)); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, p, "create", "activity", id, path, nil, in)
	})
	if err != nil {
		return Activity{}, err
	}
	return s.Get(ctx, p, id)
}

// RemindAt is when those signed up for an activity starting at start are
// reminded: 18:00 (Asia/Shanghai) the day before.
func RemindAt(start time.Time) time.Time {
	d := start.In(clock.Shanghai).AddDate(0, 0, -1)
	return time.Date(d.Year(), d.Month(), d.Day(), 18, 0, 0, 0, clock.Shanghai).UTC()
}

// RemindJob is the reminder of activity id at at (the demo writes its own).
func RemindJob(id int64, at time.Time) jobs.Job {
	return jobs.Job{Kind: JobRemind, Key: strconv.FormatInt(id, 10), RunAt: at, Args: remindArgs{Activity: id}}
}

type remindArgs struct {
	Activity int64 `json:"activity_id"`
}

// RegisterJobs makes q send the reminders.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobRemind, jobs.Handle(func(ctx context.Context, tx *db.Tx, a remindArgs) error { return s.remind(ctx, tx, a.Activity) }))
}

// remind tells everyone confirmed for the activity in their inbox; an
// activity cancelled meanwhile reminds nobody.
func (s *Service) remind(ctx context.Context, tx *db.Tx, id int64) error {
	a, err := s.get(ctx, tx, id)
	if errs.Code(err) == errs.ENOTFOUND {
		return nil
	} else if err != nil {
		return err
	}
	if a.Status != "published" || s.notify == nil {
		return nil
	}
	users, err := db.IDs(ctx, tx, "SELECT user_id FROM activity_signups WHERE activity_id = ? AND status = ? ORDER BY user_id", id, Confirmed)
	if err != nil || len(users) == 0 {
		return errs.Wrap(err, "activity reminder")
	}
	return s.notify.Notify(ctx, tx, notify.Notice{Kind: notify.KindReminder,
		TitleText: texts.New("notice.activity_tomorrow", "title", a.Title, "time", a.Start.In(clock.Shanghai).Format("01-02 15:04"), "place", a.Place),
		Link:      "/activities/" + strconv.FormatInt(id, 10), Entity: "activity", EntityID: strconv.FormatInt(id, 10), UserIDs: users})
}

// record writes the audit row of one change.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action, entity string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}

// secretKey is the settings row holding the check-in codes' secret.
const secretKey = "activity.checkin_secret"

// codeSecret is the server's check-in secret: made once, kept in the
// settings table so every server of a district and every restart agree.
func (s *Service) codeSecret(ctx context.Context) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.secret != nil {
		return s.secret, nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, errs.Wrap(err, "secret")
	}
	if _, err := s.db.Exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", secretKey, `"`+hex.EncodeToString(b)+`"`); err != nil {
		return nil, errs.Wrap(err, "secret")
	}
	var v string
	if err := s.db.QueryRow(ctx, "SELECT value FROM settings WHERE key = ?", secretKey).Scan(&v); err != nil {
		return nil, errs.Wrap(err, "secret")
	}
	secret, err := hex.DecodeString(strings.Trim(v, `"`))
	if err != nil || len(secret) < 16 {
		return nil, errs.Wrap(err, "secret")
	}
	s.secret = secret
	return secret, nil
}
