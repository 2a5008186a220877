// Package cadre keeps the district's grassroots cadres (干部): residential-
// area secretaries (居民区书记) and sent-down young cadres (下沉年轻干部, in
// numbered batches), their training records, a yearly evaluation whose
// figures come from the platform's own records for the cadre's area and
// year (demands answered on time, service projects run, dual-reported
// members who served) plus a reviewer's score and written review with
// evidence, and mentoring pairs (结对带教) between regional units' and
// two-new organisations' secretaries with their meetings.
//
// Nothing here counts logins, clicks or time in the app.
package cadre

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Service is the cadres capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the cadres service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// Cadre is a residential-area secretary or a sent-down young cadre.
type Cadre struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name"`
	UserID    *int64     `json:"user_id"`
	Area      string     `json:"area"`
	AreaName  string     `json:"area_name"`
	Batch     int        `json:"batch"` // young cadres: 1, 2 …; secretaries 0
	Since     string     `json:"since"`
	CreatedAt time.Time  `json:"created_at"`
	Trainings []Training `json:"trainings,omitempty"`
	TrainingH string     `json:"training_hours"` // this year's training hours
	AreaPath  string     `json:"-"`
}

// Training is one course a cadre attended.
type Training struct {
	ID      int64  `json:"id"`
	Course  string `json:"course"`
	HeldOn  string `json:"held_on"`
	Minutes int    `json:"minutes"`
	Hours   string `json:"hours"`
}

// Input adds a cadre.
type Input struct {
	Kind     string `json:"kind"`
	Name     string `json:"name"`
	Area     string `json:"area"`               // a residential area code
	Batch    int    `json:"batch,omitempty"`    // young cadres: the batch number
	Since    string `json:"since,omitempty"`    // YYYY-MM-DD
	Username string `json:"username,omitempty"` // the cadre's own sign-in, if any
}

// TrainingInput records one course.
type TrainingInput struct {
	Course string  `json:"course"`
	HeldOn string  `json:"held_on"` // YYYY-MM-DD
	Hours  float64 `json:"hours"`
}

// Filter narrows the cadre list.
type Filter struct {
	Area    string
	Kind    string
	Batch   int
	Page    int
	PerPage int
}

const cols = `c.id, c.kind, c.name, c.user_id, c.area_code, a.name, c.batch, c.since, c.created_at, c.area_path, COALESCE(tr.minutes, 0)`

// from joins this year's training minutes; its two placeholders (the
// year's bounds) come before any condition's.
var from = `cadres c` + area.Join("a", "c.area_code") + ` LEFT JOIN (SELECT cadre_id, sum(minutes) AS minutes FROM cadre_trainings
	WHERE held_on >= ? AND held_on < ? GROUP BY cadre_id) tr ON tr.cadre_id = c.id`

func scan(sc db.Scanner) (Cadre, error) {
	var c Cadre
	var user sql.NullInt64
	var min int
	err := sc.Scan(&c.ID, &c.Kind, &c.Name, &user, &c.Area, &c.AreaName, &c.Batch, &c.Since, &c.CreatedAt, &c.AreaPath, &min)
	c.UserID, c.TrainingH = db.NullID(user), Hours(min)
	return c, err
}

// yearArgs are the bounds of this year's training (YYYY-MM-DD strings).
func (s *Service) yearArgs() []any {
	y := s.clock.Now().In(clock.Shanghai).Year()
	return []any{strconv.Itoa(y) + "-01-01", strconv.Itoa(y+1) + "-01-01"}
}

func notFound(p *auth.Principal) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	return errs.New(errs.ENOTFOUND, "cadre not found")
}

// List lists the cadres in p's scope by area, kind, batch and name.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Cadre], error) {
	if err := auth.AuthorizeAny(p, auth.CadreRead); err != nil {
		return db.Listed[Cadre]{}, err
	}
	var w db.Where
	sc, sa := auth.ScopeSQL(s.db.Dialect, p, auth.CadreRead, "c.area_path")
	w.And(sc, sa...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[Cadre]{}, errs.Invalid("area", "unknown area %q", f.Area)
		} else if err != nil {
			return db.Listed[Cadre]{}, err
		}
		c, ca := area.Subtree(s.db.Dialect, "c.area_path", path)
		w.And(c, ca)
	}
	switch f.Kind {
	case "":
	case Secretary, YoungCadre:
		w.And("c.kind = ?", f.Kind)
	default:
		return db.Listed[Cadre]{}, errs.Invalid("kind", "kind is secretary or young_cadre")
	}
	if f.Batch != 0 {
		w.And("c.batch = ?", f.Batch)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	// The training bounds come first: they are in the joined tables.
	var full db.Where
	full.And("1 = 1", s.yearArgs()...)
	full.And(w.SQL(), w.Args()...)
	l, err := db.List(ctx, s.db, db.Page{Cols: cols, From: from, Where: full, Order: "c.area_path, c.kind, c.batch, c.name, c.id", Limit: limit, Offset: offset}, scan)
	return l, errs.Wrap(err, "list cadres")
}

func (s *Service) get(ctx context.Context, q db.Querier, id int64) (Cadre, error) {
	c, err := scan(q.QueryRow(ctx, `SELECT `+cols+` FROM `+from+` WHERE c.id = ?`, append(s.yearArgs(), id)...))
	return c, db.NotFound(err, "cadre")
}

// Get returns one cadre with the training records, newest first.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Cadre, error) {
	c, err := s.get(ctx, s.db, id)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && auth.Authorize(p, auth.CadreRead, c.AreaPath) != nil) {
		return Cadre{}, notFound(p)
	} else if err != nil {
		return Cadre{}, err
	}
	c.Trainings, err = db.All(ctx, s.db, `SELECT id, course, held_on, minutes FROM cadre_trainings WHERE cadre_id = ? ORDER BY held_on DESC, id DESC`,
		[]any{id}, func(sc db.Scanner) (Training, error) {
			var t Training
			err := sc.Scan(&t.ID, &t.Course, &t.HeldOn, &t.Minutes)
			t.Hours = Hours(t.Minutes)
			return t, err
		})
	return c, errs.Wrap(err, "cadre trainings")
}

// check validates a cadre's fields.
func (in *Input) check() error {
	var ds []errs.Detail
	in.Name = text(&ds, "name", in.Name, maxName, errs.D("name", "give the cadre's name"))
	in.Area, in.Username = strings.TrimSpace(in.Area), strings.TrimSpace(in.Username)
	switch in.Kind {
	case Secretary:
		if in.Batch != 0 {
			ds = append(ds, errs.D("batch", "a secretary has no batch; batches are for young cadres"))
		}
	case YoungCadre:
		if in.Batch < 1 || in.Batch > maxBatch {
			ds = append(ds, errs.D("batch", "give the young cadre's batch, 1 to %d", maxBatch))
		}
	default:
		ds = append(ds, errs.D("kind", "kind is secretary (居民区书记) or young_cadre (下沉年轻干部)"))
	}
	if in.Area == "" {
		ds = append(ds, errs.D("area", "choose the residential area the cadre serves"))
	}
	if in.Since != "" {
		if _, err := time.Parse(time.DateOnly, strings.TrimSpace(in.Since)); err != nil {
			ds = append(ds, errs.D("since", "give the date as YYYY-MM-DD, such as 2026-03-01"))
		}
		in.Since = strings.TrimSpace(in.Since)
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// Create adds a cadre (cadre.write on the area served).
func (s *Service) Create(ctx context.Context, p *auth.Principal, in Input) (Cadre, error) {
	if err := auth.AuthorizeAny(p, auth.CadreWrite); err != nil {
		return Cadre{}, err
	}
	if err := in.check(); err != nil {
		return Cadre{}, err
	}
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		level, path, err := area.LevelPath(ctx, tx, in.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "unknown area %q", in.Area)
		} else if err != nil {
			return err
		}
		if level != area.Residential {
			return errs.Invalid("area", "a cadre serves a residential area (居民区)")
		}
		if err := auth.Authorize(p, auth.CadreWrite, path); err != nil {
			return err
		}
		var user any
		if in.Username != "" {
			var uid int64
			err := tx.QueryRow(ctx, "SELECT id FROM users WHERE username = ?", in.Username).Scan(&uid)
			if err == sql.ErrNoRows {
				return errs.Invalid("username", "no user %q to link to the cadre", in.Username)
			} else if err != nil {
				return errs.Wrap(err, "user")
			}
			user = uid
		}
		now := s.clock.Now()
		id, err = db.InsertID(ctx, tx, `INSERT INTO cadres (kind, name, user_id, area_code, area_path, batch, since, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, in.Kind, in.Name, user, in.Area, path, in.Batch, in.Since, now, now)
		if err != nil {
			return errs.Wrap(err, "insert cadre")
		}
		return record(ctx, tx, now, p, "create", "cadre", id, path, nil, in)
	})
	if err != nil {
		return Cadre{}, err
	}
	return s.Get(ctx, p, id)
}

// AddTraining records a course the cadre attended (cadre.write on the
// cadre's area).
func (s *Service) AddTraining(ctx context.Context, p *auth.Principal, id int64, in TrainingInput) (Training, error) {
	var ds []errs.Detail
	in.Course = text(&ds, "course", in.Course, maxCourse, errs.D("course", "give the course"))
	day, err := Day("held_on", in.HeldOn)
	if err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	}
	min, ok := TrainingMinutes(in.Hours)
	if !ok {
		ds = append(ds, errs.D("hours", "give the hours, from 0.25 to %d", maxHours))
	}
	if len(ds) > 0 {
		return Training{}, errs.Fields(ds)
	}
	var t Training
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		c, err := s.writable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		t = Training{Course: in.Course, HeldOn: day, Minutes: min, Hours: Hours(min)}
		if t.ID, err = db.InsertID(ctx, tx, "INSERT INTO cadre_trainings (cadre_id, course, held_on, minutes, created_at) VALUES (?, ?, ?, ?, ?)",
			id, t.Course, t.HeldOn, t.Minutes, now); err != nil {
			return errs.Wrap(err, "insert training")
		}
		return record(ctx, tx, now, p, "training", "cadre", id, c.AreaPath, nil, t)
	})
	return t, err
}

// writable loads a cadre in tx for a change: not found outside what p
// reads, forbidden without cadre.write there.
func (s *Service) writable(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Cadre, error) {
	c, err := s.get(ctx, tx, id)
	if errs.Code(err) == errs.ENOTFOUND || (err == nil && auth.Authorize(p, auth.CadreRead, c.AreaPath) != nil) {
		return c, notFound(p)
	} else if err != nil {
		return c, err
	}
	return c, auth.Authorize(p, auth.CadreWrite, c.AreaPath)
}

// record writes the audit row of one change.
func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action, entity string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}
