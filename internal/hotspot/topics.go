package hotspot

import (
	"context"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
)

// EffectWeeks is how many weeks before a topic opened, and after it
// closed, its effect compares.
const EffectWeeks = 8

// MinAfterWeeks is how many whole weeks after closing an effect waits for.
const MinAfterWeeks = 4

// Topic is a month's topic (每月一题): a hot spot taken up by street or
// district staff, with an owner and a root-cause service project.
type Topic struct {
	ID           int64          `json:"id"`
	Title        string         `json:"title"`
	Month        string         `json:"month"` // YYYY-MM
	Area         string         `json:"area"`  // the street that owns it
	AreaName     string         `json:"area_name"`
	AreaPath     string         `json:"-"`
	Category     string         `json:"category"`
	CategoryName string         `json:"category_name"`
	Owner        string         `json:"owner"`
	Status       string         `json:"status"` // open, closed
	HotspotID    *int64         `json:"hotspot_id,omitempty"`
	ProjectID    *int64         `json:"project_id,omitempty"`
	OpenedOn     string         `json:"opened_on"`
	ClosedOn     *string        `json:"closed_on,omitempty"`
	Grids        []string       `json:"grids"` // area codes
	CreatedAt    time.Time      `json:"created_at"`
	Progress     *Progress      `json:"progress,omitempty"`
	Project      *lists.Project `json:"project,omitempty"`
	Effect       *Effect        `json:"effect,omitempty"`
	Verdict      string         `json:"verdict,omitempty"` // the effect in plain English
	Demands      []DemandRef    `json:"demands,omitempty"`
}

// Progress is what a leader reads on a topic: its demands handled, its
// project's milestones done.
type Progress struct {
	Demands        int `json:"demands"` // linked: the topic's grids × category since it opened
	Open           int `json:"open"`
	Milestones     int `json:"milestones"`
	MilestonesDone int `json:"milestones_done"`
}

// TopicInput makes a hot spot the month's topic.
type TopicInput struct {
	HotspotID int64  `json:"hotspot_id"`
	Title     string `json:"title"`
	Owner     string `json:"owner"` // who leads it (a name)
}

// ProjectInput is the root-cause project of a topic: the lists
// capability's project, its title and lead taken from the topic.
type ProjectInput struct {
	Summary    string   `json:"summary,omitempty"`
	Domain     string   `json:"domain,omitempty"`     // default governance
	Milestones []string `json:"milestones,omitempty"` // "title" or "title|YYYY-MM-DD"
}

// streetDepth is the depth of a street in an area path (/district/street/).
const streetDepth = 2

// CreateTopic makes a hot spot the month's topic, owned by the hot spot's
// street; street staff there or district staff may (topic.write).
func (s *Service) CreateTopic(ctx context.Context, p *auth.Principal, in TopicInput) (Topic, error) {
	if err := auth.AuthorizeAny(p, auth.TopicWrite); err != nil {
		return Topic{}, err
	}
	var details []errs.Detail
	in.Title, in.Owner = strings.TrimSpace(in.Title), strings.TrimSpace(in.Owner)
	if in.Title == "" || len([]rune(in.Title)) > 100 {
		details = append(details, errs.D("title", "title is required, at most 100 characters"))
	}
	if in.Owner == "" || len([]rune(in.Owner)) > 60 {
		details = append(details, errs.D("owner", "name who leads the topic, at most 60 characters"))
	}
	if in.HotspotID < 1 {
		details = append(details, errs.D("hotspot_id", "choose the hot spot the topic takes up"))
	}
	if len(details) > 0 {
		return Topic{}, errs.Fields(details)
	}
	now := s.clock.Now()
	t := Topic{Title: in.Title, Owner: in.Owner, Status: "open", Month: now.In(clock.Shanghai).Format("2006-01"), HotspotID: &in.HotspotID, CreatedAt: now}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var gridCode, gridPath string
		err := tx.QueryRow(ctx, `SELECT area_code, area_path, category_code, week FROM hotspot_cells WHERE id = ?`, in.HotspotID).
			Scan(&gridCode, &gridPath, &t.Category, &t.OpenedOn)
		if err != nil {
			return db.NotFound(err, "hot spot")
		}
		if auth.Authorize(p, auth.HotspotRead, gridPath) != nil {
			return errs.New(errs.ENOTFOUND, "hot spot not found")
		}
		// Read where the grid is read (its residential area's staff follow
		// it too); owned, and its project landed, by the grid's street.
		t.AreaPath = gridPath
		if err := auth.Authorize(p, auth.TopicWrite, t.AreaPath); err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM hotspot_topics WHERE cell_id = ?`, in.HotspotID).Scan(&taken); err != nil {
			return errs.Wrap(err, "topic of hot spot")
		}
		if taken > 0 {
			return errs.New(errs.ECONFLICT, "this hot spot is already a topic")
		}
		if t.Area, err = codeOfPath(ctx, tx, area.AtDepth(gridPath, streetDepth)); err != nil {
			return err
		}
		t.Grids = []string{gridCode}
		t.ID, err = db.InsertID(ctx, tx, `INSERT INTO hotspot_topics (title, month, area_code, area_path, category_code, owner_name, status, cell_id, opened_on, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)`, t.Title, t.Month, t.Area, t.AreaPath, t.Category, t.Owner, in.HotspotID, t.OpenedOn, userID(p), now, now)
		if err != nil {
			return errs.Wrap(err, "insert topic")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO hotspot_topic_grids (topic_id, area_code, area_path) VALUES (?, ?, ?)`, t.ID, gridCode, gridPath); err != nil {
			return errs.Wrap(err, "topic grid")
		}
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "hotspot_topic", EntityID: strconv.FormatInt(t.ID, 10), AreaPath: t.AreaPath, After: t})
	})
	return t, err
}

// codeOfPath is the area code at path (its last segment joined to its parents').
func codeOfPath(ctx context.Context, q db.Querier, path string) (string, error) {
	areas, err := area.Lineage(ctx, q, path)
	if err != nil || len(areas) == 0 {
		return "", errs.Wrap(err, "area of path")
	}
	return areas[len(areas)-1].Code, nil
}

func userID(p *auth.Principal) any {
	if id, _ := p.Actor(); id != nil {
		return *id
	}
	return nil
}

// CreateProject makes the topic's root-cause service project through the
// lists capability (its title the topic's, led by the topic's owner, in
// the topic's street) and keeps the link. A topic has one project.
func (s *Service) CreateProject(ctx context.Context, p *auth.Principal, id int64, in ProjectInput) (Topic, error) {
	t, err := s.writable(ctx, p, id)
	if err != nil {
		return Topic{}, err
	}
	if t.ProjectID != nil {
		return Topic{}, errs.New(errs.ECONFLICT, "the topic already has its project")
	}
	if in.Domain == "" {
		in.Domain = "governance"
	}
	// The project is the lists capability's; the link is written in its
	// transaction, so a topic never ends up with a project it does not know.
	_, err = s.lists.CreateProjectWith(ctx, p, lists.ProjectInput{Title: t.Title, Summary: strings.TrimSpace(in.Summary), Domain: in.Domain,
		Area: t.Area, LeadName: t.Owner, Milestones: in.Milestones}, func(ctx context.Context, tx *db.Tx, pr lists.Project) error {
		r, err := tx.Exec(ctx, `UPDATE hotspot_topics SET project_id = ?, updated_at = ? WHERE id = ? AND project_id IS NULL`, pr.ID, s.clock.Now(), id)
		if err != nil {
			return errs.Wrap(err, "link project")
		}
		if n, _ := r.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "the topic already has its project")
		}
		t.ProjectID = &pr.ID
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "project", Entity: "hotspot_topic", EntityID: strconv.FormatInt(id, 10), AreaPath: t.AreaPath, After: t})
	})
	if err != nil {
		return Topic{}, err
	}
	return s.Topic(ctx, p, id)
}

// CloseTopic records that the topic's fix is in (on closedOn, YYYY-MM-DD;
// default today): its effect is measured from the next Monday.
func (s *Service) CloseTopic(ctx context.Context, p *auth.Principal, id int64, closedOn string) (Topic, error) {
	today := s.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	if closedOn = strings.TrimSpace(closedOn); closedOn == "" {
		closedOn = today
	}
	if d, err := time.Parse(time.DateOnly, closedOn); err != nil || closedOn > today {
		return Topic{}, errs.Invalid("closed_on", "closed_on must be a date such as 2026-12-31, not after today")
	} else {
		closedOn = d.Format(time.DateOnly)
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		t, err := s.writableTx(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if t.Status == "closed" {
			return errs.New(errs.ECONFLICT, "the topic is already closed")
		}
		if closedOn < t.OpenedOn {
			return errs.Invalid("closed_on", "the topic cannot close before it opened (%s)", t.OpenedOn)
		}
		if _, err := tx.Exec(ctx, `UPDATE hotspot_topics SET status = 'closed', closed_on = ?, updated_at = ? WHERE id = ?`, closedOn, s.clock.Now(), id); err != nil {
			return errs.Wrap(err, "close topic")
		}
		t.Status, t.ClosedOn = "closed", &closedOn
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "close", Entity: "hotspot_topic", EntityID: strconv.FormatInt(id, 10), AreaPath: t.AreaPath, After: t})
	})
	if err != nil {
		return Topic{}, err
	}
	return s.Topic(ctx, p, id)
}

func (s *Service) writable(ctx context.Context, p *auth.Principal, id int64) (Topic, error) {
	var t Topic
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		t, err = s.writableTx(ctx, tx, p, id)
		return err
	})
	return t, err
}

// writableTx reads a topic p may change: not found outside p's reading
// scope, forbidden where p reads but may not write.
func (s *Service) writableTx(ctx context.Context, tx *db.Tx, p *auth.Principal, id int64) (Topic, error) {
	t, err := s.topic(ctx, tx, p, id)
	if err != nil {
		return t, err
	}
	return t, auth.Authorize(p, auth.TopicWrite, t.AreaPath)
}

const topicCols = `t.id, t.title, t.month, t.area_code, a.name, t.area_path, t.category_code, COALESCE(k.name, t.category_code), t.owner_name, t.status,
	t.cell_id, t.project_id, t.opened_on, t.closed_on, t.created_at`

const topicFrom = `hotspot_topics t LEFT JOIN demand_categories k ON k.code = t.category_code`

func scanTopic(r db.Scanner) (Topic, error) {
	var t Topic
	err := r.Scan(&t.ID, &t.Title, &t.Month, &t.Area, &t.AreaName, &t.AreaPath, &t.Category, &t.CategoryName, &t.Owner, &t.Status,
		&t.HotspotID, &t.ProjectID, &t.OpenedOn, &t.ClosedOn, &t.CreatedAt)
	return t, err
}

// topic reads one topic with its grids, if p may read it.
func (s *Service) topic(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (Topic, error) {
	if err := auth.AuthorizeAny(p, auth.HotspotRead); err != nil {
		return Topic{}, err
	}
	t, err := scanTopic(q.QueryRow(ctx, `SELECT `+topicCols+` FROM `+topicFrom+area.Join("a", "t.area_code")+` WHERE t.id = ?`, id))
	if err != nil {
		return Topic{}, db.NotFound(err, "topic")
	}
	if auth.Authorize(p, auth.HotspotRead, t.AreaPath) != nil {
		return Topic{}, errs.New(errs.ENOTFOUND, "topic not found")
	}
	t.Grids, err = db.Strings(ctx, q, `SELECT area_code FROM hotspot_topic_grids WHERE topic_id = ? ORDER BY area_code`, id)
	return t, errs.Wrap(err, "topic grids")
}

// Topic returns a topic with its progress, its project and, once closed
// long enough, its measured effect.
func (s *Service) Topic(ctx context.Context, p *auth.Principal, id int64) (Topic, error) {
	t, err := s.topic(ctx, s.db, p, id)
	if err != nil {
		return t, err
	}
	paths, err := db.Strings(ctx, s.db, `SELECT area_path FROM hotspot_topic_grids WHERE topic_id = ?`, id)
	if err != nil {
		return t, errs.Wrap(err, "topic grids")
	}
	// Linked demands: the topic's grids and category from its week on,
	// those filed since included as they come.
	opened, _ := time.Parse(time.DateOnly, t.OpenedOn)
	days := int(s.clock.Now().Sub(opened).Hours()/24) + 2
	if t.Demands, err = s.demandsIn(ctx, paths, t.Category, t.OpenedOn, days, 500); err != nil {
		return t, err
	}
	t.Progress = &Progress{Demands: len(t.Demands)}
	for _, d := range t.Demands {
		if d.Status != "closed" && d.Status != "merged" {
			t.Progress.Open++
		}
	}
	if t.ProjectID != nil {
		if pr, _, err := s.lists.Project(ctx, p, *t.ProjectID); err == nil {
			t.Project = &pr
			t.Progress.Milestones = len(pr.Milestones)
			for _, m := range pr.Milestones {
				if m.DoneAt != nil {
					t.Progress.MilestonesDone++
				}
			}
		} else if errs.Code(err) != errs.ENOTFOUND {
			return t, err
		}
	}
	if t.Status == "closed" && t.ClosedOn != nil {
		e, err := s.measure(ctx, t, paths)
		if err != nil {
			return t, err
		}
		if e != nil {
			t.Effect, t.Verdict = e, e.Sentence()
		}
	}
	return t, nil
}

// TopicFilter narrows the topic list.
type TopicFilter struct {
	Area    string
	Status  string
	Page    int
	PerPage int
}

// Topics lists topics in the caller's scope, newest first.
func (s *Service) Topics(ctx context.Context, p *auth.Principal, f TopicFilter) (db.Listed[Topic], error) {
	if err := auth.AuthorizeAny(p, auth.HotspotRead); err != nil {
		return db.Listed[Topic]{}, err
	}
	var w db.Where
	cond, args := auth.ScopeSQL(s.db.D(), p, auth.HotspotRead, "t.area_path")
	w.And(cond, args...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[Topic]{}, errs.Invalid("area", "area %q does not exist", f.Area)
		} else if err != nil {
			return db.Listed[Topic]{}, err
		}
		c, a := area.Subtree(s.db.D(), "t.area_path", path)
		w.And(c, a)
	}
	switch f.Status {
	case "":
	case "open", "closed":
		w.And("t.status = ?", f.Status)
	default:
		return db.Listed[Topic]{}, errs.Invalid("status", "status is open or closed")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: topicCols, From: topicFrom + area.Join("a", "t.area_code"), Where: w, Order: "t.id DESC", Limit: limit, Offset: offset}, scanTopic)
	for i := range l.Items {
		if l.Items[i].Grids, err = db.Strings(ctx, s.db, `SELECT area_code FROM hotspot_topic_grids WHERE topic_id = ? ORDER BY area_code`, l.Items[i].ID); err != nil {
			break
		}
	}
	if l.Items == nil {
		l.Items = []Topic{}
	}
	return l, errs.Wrap(err, "topics")
}

// measure is a closed topic's effect: its grids' demands of the category
// in the EffectWeeks before it opened against the weeks after the Monday
// following its close (up to EffectWeeks whole weeks, at least
// MinAfterWeeks), against the district's other grids over the same weeks.
// nil while too few weeks have passed.
func (s *Service) measure(ctx context.Context, t Topic, treated []string) (*Effect, error) {
	opened, err1 := time.Parse(time.DateOnly, t.OpenedOn)
	closed, err2 := time.Parse(time.DateOnly, *t.ClosedOn)
	if err1 != nil || err2 != nil {
		return nil, nil
	}
	after := closed.AddDate(0, 0, 7-(int(closed.Weekday())+6)%7) // the next Monday
	thisMonday, _ := time.Parse(time.DateOnly, Monday(s.clock.Now()))
	weeks := min(EffectWeeks, int(thisMonday.Sub(after).Hours()/24)/7)
	if weeks < MinAfterWeeks {
		return nil, nil
	}
	beforeFrom := opened.AddDate(0, 0, -7*EffectWeeks)
	sums := func(from, to time.Time) (map[string]int, error) {
		out := map[string]int{}
		err := db.Each(ctx, s.db, `SELECT area_path, sum(received) FROM demand_rollups WHERE category_code = ? AND day >= ? AND day < ? GROUP BY area_path`,
			[]any{t.Category, from.Format(time.DateOnly), to.Format(time.DateOnly)}, func(r db.Scanner) (pathCount, error) {
				var x pathCount
				err := r.Scan(&x.path, &x.n)
				return x, err
			}, func(x pathCount) error {
				out[x.path] = x.n
				return nil
			})
		return out, errs.Wrap(err, "effect counts")
	}
	before, err := sums(beforeFrom, opened)
	if err != nil {
		return nil, err
	}
	afterN, err := sums(after, after.AddDate(0, 0, 7*weeks))
	if err != nil {
		return nil, err
	}
	grids, err := area.List(ctx, s.db, area.Filter{Level: area.Grid, Limit: 1_000_000})
	if err != nil {
		return nil, errs.Wrap(err, "grids")
	}
	isTreated := map[string]bool{}
	for _, p := range treated {
		isTreated[p] = true
	}
	// The spans may differ (fewer weeks after than before): treated and
	// control share them, so the ratio of ratios does not depend on them.
	var tb, ta, cb, ca int
	for _, g := range grids {
		switch {
		case isTreated[g.Path]:
			tb, ta = tb+before[g.Path], ta+afterN[g.Path]
		default:
			// Every other grid: choosing those that had the category
			// before would pick them by the before period's luck, and
			// their after would fall back (regression to the mean).
			cb, ca = cb+before[g.Path], ca+afterN[g.Path]
		}
	}
	e := DiD(tb, ta, cb, ca)
	return &e, nil
}

type pathCount struct {
	path string
	n    int
}
