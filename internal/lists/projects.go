package lists

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"slices"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
)

// Project is a service project (项目清单).
type Project struct {
	ID            int64       `json:"id"`
	Title         string      `json:"title"`
	Summary       string      `json:"summary"`
	Domain        string      `json:"domain"`
	Level         string      `json:"level"`
	Area          string      `json:"area"`
	AreaPath      string      `json:"-"`
	Status        string      `json:"status"`
	Source        string      `json:"source"`
	LeadUnitID    *int64      `json:"lead_unit_id,omitempty"`
	LeadName      string      `json:"lead_name"`
	Claimable     bool        `json:"claimable"`
	BudgetFen     int64       `json:"budget_fen"`
	Funding       string      `json:"funding,omitempty"`
	Beneficiaries int         `json:"beneficiaries"`
	NeedID        *int64      `json:"need_id,omitempty"`
	MatchID       *int64      `json:"match_id,omitempty"`
	StartsOn      string      `json:"starts_on,omitempty"`
	EndsOn        string      `json:"ends_on,omitempty"`
	Partners      []Partner   `json:"partners"`
	Milestones    []Milestone `json:"milestones"`
	Rating        *Rating     `json:"rating,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	UpdatedAt     time.Time   `json:"updated_at"`
}

// Partner is a unit taking part in a project.
type Partner struct {
	UnitID int64  `json:"unit_id"`
	Name   string `json:"name"`
	Role   string `json:"role"` // partner or claimant
}

// Milestone is a step of a project's plan.
type Milestone struct {
	ID     int64      `json:"id"`
	Title  string     `json:"title"`
	DueOn  string     `json:"due_on,omitempty"`
	DoneAt *time.Time `json:"done_at,omitempty"`
}

// Rating is what the residents served said at the end.
type Rating struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

// ProjectInput proposes a project. Its level follows from its area.
type ProjectInput struct {
	Title         string   `json:"title"`
	Summary       string   `json:"summary,omitempty"`
	Domain        string   `json:"domain"`
	Area          string   `json:"area"`
	LeadUnitID    *int64   `json:"lead_unit_id,omitempty"`
	LeadName      string   `json:"lead_name,omitempty"`
	Claimable     bool     `json:"claimable,omitempty"`
	BudgetFen     int64    `json:"budget_fen,omitempty"`
	Funding       string   `json:"funding,omitempty"`
	Beneficiaries int      `json:"beneficiaries,omitempty"`
	MatchID       *int64   `json:"match_id,omitempty"` // from a confirmed match: need and lead unit follow from it
	StartsOn      string   `json:"starts_on,omitempty"`
	EndsOn        string   `json:"ends_on,omitempty"`
	Partners      []int64  `json:"partners,omitempty"`
	Milestones    []string `json:"milestones,omitempty"` // "title" or "title|YYYY-MM-DD"
}

const projectCols = `p.id, p.title, p.summary, p.domain, p.level, p.area_code, p.area_path, p.status, p.source, p.lead_unit_id, p.lead_name,
	p.claimable, p.budget_fen, p.funding, p.beneficiaries, p.need_id, p.match_id, p.starts_on, p.ends_on, p.created_at, p.updated_at`

func scanProject(r db.Scanner) (Project, error) {
	var p Project
	var lead, need, match sql.NullInt64
	err := r.Scan(&p.ID, &p.Title, &p.Summary, &p.Domain, &p.Level, &p.Area, &p.AreaPath, &p.Status, &p.Source, &lead, &p.LeadName,
		&p.Claimable, &p.BudgetFen, &p.Funding, &p.Beneficiaries, &need, &match, &p.StartsOn, &p.EndsOn, &p.CreatedAt, &p.UpdatedAt)
	p.LeadUnitID, p.NeedID, p.MatchID = db.NullID(lead), db.NullID(need), db.NullID(match)
	p.Partners, p.Milestones = []Partner{}, []Milestone{}
	return p, err
}

// LevelOf is the landing level of a project on an area of the given level.
func LevelOf(areaLevel area.Level) string {
	switch areaLevel {
	case area.District:
		return "district"
	case area.Street:
		return "street"
	default:
		return "residential"
	}
}

// CreateProject proposes a service project, directly or from a confirmed match.
func (s *Service) CreateProject(ctx context.Context, p *auth.Principal, in ProjectInput) (Project, error) {
	return s.CreateProjectWith(ctx, p, in, nil)
}

// CreateProjectWith is CreateProject that runs then, if set, in the same
// transaction once the project is written: another capability links the
// project to its own record, and either both are kept or neither.
func (s *Service) CreateProjectWith(ctx context.Context, p *auth.Principal, in ProjectInput, then func(ctx context.Context, tx *db.Tx, pr Project) error) (Project, error) {
	if err := auth.AuthorizeAny(p, auth.ListsWrite); err != nil {
		return Project{}, err
	}
	var details []errs.Detail
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || len([]rune(in.Title)) > 100 {
		details = append(details, errs.D("title", "title is required, at most 100 characters"))
	}
	oneOf(&details, "domain", in.Domain, Domains)
	if in.BudgetFen < 0 {
		details = append(details, errs.D("budget_fen", "the budget cannot be negative"))
	}
	if in.Beneficiaries < 0 {
		details = append(details, errs.D("beneficiaries", "beneficiaries cannot be negative"))
	}
	for _, d := range []struct{ field, v string }{{"starts_on", in.StartsOn}, {"ends_on", in.EndsOn}} {
		if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
			details = append(details, errs.D(d.field, "%s must be a date such as 2026-12-31", d.field))
		}
	}
	if in.StartsOn != "" && in.EndsOn != "" && in.EndsOn < in.StartsOn {
		details = append(details, errs.D("ends_on", "the end date is before the start date"))
	}
	var milestones []Milestone
	for _, m := range in.Milestones {
		title, due, _ := strings.Cut(m, "|")
		title, due = strings.TrimSpace(title), strings.TrimSpace(due)
		if title == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, due); due != "" && err != nil {
			details = append(details, errs.D("milestones", "milestone %q: the date must look like 2026-12-31", title))
		}
		milestones = append(milestones, Milestone{Title: title, DueOn: due})
	}
	if len(details) > 0 {
		return Project{}, errs.Fields(details)
	}
	now := s.clock.Now()
	// rate_token is retired (RatingCode) but NOT NULL UNIQUE on SQLite for good.
	token, err := newToken()
	if err != nil {
		return Project{}, err
	}
	pr := Project{Title: in.Title, Summary: strings.TrimSpace(in.Summary), Domain: in.Domain, Area: in.Area, Status: "proposed", Source: "direct",
		LeadUnitID: in.LeadUnitID, LeadName: strings.TrimSpace(in.LeadName), Claimable: in.Claimable, BudgetFen: in.BudgetFen,
		Funding: strings.TrimSpace(in.Funding), Beneficiaries: in.Beneficiaries, MatchID: in.MatchID, StartsOn: in.StartsOn, EndsOn: in.EndsOn,
		Partners: []Partner{}, Milestones: milestones, CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if pr.MatchID != nil {
			if err := s.fromMatch(ctx, tx, p, &pr); err != nil {
				return err
			}
		}
		level, path, err := area.LevelPath(ctx, tx, pr.Area)
		if pr.Area == "" || errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("area", "choose the area the project lands in")
		} else if err != nil {
			return err
		}
		pr.AreaPath, pr.Level = path, LevelOf(level)
		if err := auth.Authorize(p, auth.ListsWrite, pr.AreaPath); err != nil {
			return err
		}
		if pr.LeadUnitID != nil {
			name, err := unitName(ctx, tx, "lead_unit_id", *pr.LeadUnitID)
			if err != nil {
				return err
			}
			if pr.LeadName == "" {
				pr.LeadName = name
			}
		}
		if pr.LeadUnitID == nil && pr.LeadName == "" && !pr.Claimable {
			return errs.Invalid("lead_name", "name who leads it, or publish it for units to claim")
		}
		pr.ID, err = db.InsertID(ctx, tx, `INSERT INTO projects (title, summary, domain, level, area_code, area_path, status, source, lead_unit_id, lead_name,
			claimable, budget_fen, funding, beneficiaries, need_id, match_id, starts_on, ends_on, rate_token, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			pr.Title, pr.Summary, pr.Domain, pr.Level, pr.Area, pr.AreaPath, pr.Status, pr.Source, pr.LeadUnitID, pr.LeadName,
			pr.Claimable, pr.BudgetFen, pr.Funding, pr.Beneficiaries, pr.NeedID, pr.MatchID, pr.StartsOn, pr.EndsOn, token, userID(p), now, now)
		if err != nil {
			return errs.Wrap(err, "insert project")
		}
		for _, u := range dedupe(in.Partners) {
			name, err := unitName(ctx, tx, "partners", u)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO project_units (project_id, unit_id, role) VALUES (?, ?, 'partner')`, pr.ID, u); err != nil {
				return errs.Wrap(err, "project partner")
			}
			pr.Partners = append(pr.Partners, Partner{UnitID: u, Name: name, Role: "partner"})
		}
		for i := range pr.Milestones {
			if pr.Milestones[i].ID, err = db.InsertID(ctx, tx, `INSERT INTO project_milestones (project_id, title, due_on) VALUES (?, ?, ?)`,
				pr.ID, pr.Milestones[i].Title, pr.Milestones[i].DueOn); err != nil {
				return errs.Wrap(err, "milestone")
			}
		}
		if err := search.Put(ctx, tx, projectDoc(pr)); err != nil {
			return err
		}
		if err := record(ctx, tx, now, p, "project", pr.ID, pr.AreaPath, "create", "", pr); err != nil {
			return err
		}
		if then != nil {
			return then(ctx, tx, pr)
		}
		return nil
	})
	return pr, err
}

// fromMatch fills a project from a confirmed match: its need, the need's
// area and beneficiaries, and the resource's unit as lead.
func (s *Service) fromMatch(ctx context.Context, tx *db.Tx, p *auth.Principal, pr *Project) error {
	var needID int64
	var status, needArea, needPath string
	var beneficiaries int
	var unit sql.NullInt64
	var provider string
	err := tx.QueryRow(ctx, `SELECT m.need_id, m.status, n.area_code, n.area_path, n.beneficiaries, r.unit_id, r.provider_name
		FROM matches m JOIN needs n ON n.id = m.need_id JOIN resources r ON r.id = m.resource_id WHERE m.id = ?`, *pr.MatchID).
		Scan(&needID, &status, &needArea, &needPath, &beneficiaries, &unit, &provider)
	if err != nil || auth.Authorize(p, auth.ListsRead, needPath) != nil {
		return errs.Invalid("match_id", "no match %d you may see", *pr.MatchID)
	}
	if status != "confirmed" && status != "accepted" {
		// The only other end of a match: the resource's side declined it.
		return errs.Invalid("match_id", "match %d was declined by the resource's side; confirm another resource for the need", *pr.MatchID)
	}
	pr.Source, pr.NeedID = "match", &needID
	if pr.Area == "" {
		pr.Area = needArea
	}
	if pr.Beneficiaries == 0 {
		pr.Beneficiaries = beneficiaries
	}
	if pr.LeadUnitID == nil && pr.LeadName == "" {
		pr.LeadUnitID, pr.LeadName = db.NullID(unit), provider
	}
	if pr.Claimable && pr.LeadUnitID != nil {
		return errs.Invalid("claimable", "a project from a match is led by the resource's unit; nobody can claim it")
	}
	return nil
}

func unitName(ctx context.Context, q db.Querier, field string, id int64) (string, error) {
	var name string
	if err := q.QueryRow(ctx, `SELECT name FROM units WHERE id = ?`, id).Scan(&name); err != nil {
		return "", errs.Invalid(field, "no unit %d", id)
	}
	return name, nil
}

func newToken() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", errs.Wrap(err, "token")
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// canSeeProject: projects are read by area, and by the units that lead or join them.
func (s *Service) canSeeProject(ctx context.Context, p *auth.Principal, pr Project) bool {
	if auth.Authorize(p, auth.ListsRead, pr.AreaPath) == nil {
		return true
	}
	for _, u := range auth.ScopeUnits(p, auth.ResourceOffer) {
		if pr.LeadUnitID != nil && *pr.LeadUnitID == u || slices.ContainsFunc(pr.Partners, func(x Partner) bool { return x.UnitID == u }) {
			return true
		}
	}
	return false
}

// Project returns one project with partners, milestones, rating and timeline.
func (s *Service) Project(ctx context.Context, p *auth.Principal, id int64) (Project, []Event, error) {
	pr, err := s.project(ctx, s.db, id)
	if err != nil {
		return pr, nil, err
	}
	if !s.canSeeProject(ctx, p, pr) {
		return Project{}, nil, errs.New(errs.ENOTFOUND, "no such project")
	}
	ev, err := s.events(ctx, "project", id)
	return pr, ev, errs.Wrap(err, "project timeline")
}

func (s *Service) project(ctx context.Context, q db.Querier, id int64) (Project, error) {
	pr, err := scanProject(q.QueryRow(ctx, `SELECT `+projectCols+` FROM projects p WHERE p.id = ?`, id))
	if err != nil {
		return pr, db.NotFound(err, "project")
	}
	if pr.Partners, err = db.All(ctx, q, `SELECT pu.unit_id, u.name, pu.role FROM project_units pu JOIN units u ON u.id = pu.unit_id
		WHERE pu.project_id = ? ORDER BY pu.role, u.name`, []any{id}, func(r db.Scanner) (Partner, error) {
		var x Partner
		err := r.Scan(&x.UnitID, &x.Name, &x.Role)
		return x, err
	}); err != nil {
		return pr, errs.Wrap(err, "partners")
	}
	if pr.Milestones, err = db.All(ctx, q, `SELECT id, title, due_on, done_at FROM project_milestones WHERE project_id = ? ORDER BY due_on, id`,
		[]any{id}, func(r db.Scanner) (Milestone, error) {
			var m Milestone
			var done sql.NullTime
			err := r.Scan(&m.ID, &m.Title, &m.DueOn, &done)
			if done.Valid {
				m.DoneAt = &done.Time
			}
			return m, err
		}); err != nil {
		return pr, errs.Wrap(err, "milestones")
	}
	var n int
	var avg sql.NullFloat64
	if err := q.QueryRow(ctx, `SELECT count(*), avg(score) FROM project_ratings WHERE project_id = ?`, id).Scan(&n, &avg); err != nil {
		return pr, errs.Wrap(err, "rating")
	}
	if n > 0 {
		pr.Rating = &Rating{Count: n, Average: avg.Float64}
	}
	return pr, nil
}

// ProjectFilter adds the claim list to the common filter.
type ProjectFilter struct {
	ListFilter
	Claimable bool // only projects open for units to claim
}

// Projects lists projects in p's scope, and those p's unit leads or joins.
func (s *Service) Projects(ctx context.Context, p *auth.Principal, f ProjectFilter) (db.Listed[Project], error) {
	if err := auth.AuthorizeAny(p, auth.ListsRead); err != nil {
		return db.Listed[Project]{}, err
	}
	var w db.Where
	cond, args := auth.ScopeSQL(s.db.Dialect, p, auth.ListsRead, "p.area_path")
	if units := auth.ScopeUnits(p, auth.ResourceOffer); len(units) > 0 {
		in, uargs := inList(units)
		cond = "(" + cond + " OR p.lead_unit_id IN (" + in + ") OR p.id IN (SELECT project_id FROM project_units WHERE unit_id IN (" + in + ")))"
		args = append(append(args, uargs...), uargs...)
	}
	w.And(cond, args...)
	if err := s.common(ctx, &w, f.ListFilter, "project", "p"); err != nil {
		return db.Listed[Project]{}, err
	}
	if f.Status != "" {
		w.And("p.status = ?", f.Status)
	}
	if f.Category != "" {
		w.And("p.domain = ?", f.Category)
	}
	if f.Kind != "" {
		w.And("p.level = ?", f.Kind)
	}
	if f.UnitID != 0 {
		w.And("(p.lead_unit_id = ? OR p.id IN (SELECT project_id FROM project_units WHERE unit_id = ?))", f.UnitID, f.UnitID)
	}
	if f.Claimable {
		w.And("p.claimable AND p.lead_unit_id IS NULL AND p.status IN ('proposed','approved')")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: projectCols, From: "projects p", Where: w, Order: "p.id DESC", Limit: limit, Offset: offset,
		CountCap: 10000}, scanProject)
	return l, errs.Wrap(err, "list projects")
}

// ProjectMove says whether a project may go from one status to another and
// which permission the step takes; lead means the lead unit (its liaison)
// may take it too.
func ProjectMove(from, to string) (perm auth.Perm, lead, ok bool) {
	switch {
	case from == "proposed" && to == "approved":
		return auth.ProjectApprove, false, true
	case from == "approved" && to == "running", from == "running" && to == "done":
		return auth.ListsWrite, true, true
	case from == "done" && to == "evaluated":
		return auth.ProjectApprove, false, true
	case to == "cancelled" && (from == "proposed" || from == "approved" || from == "running"):
		return auth.ProjectApprove, false, true
	}
	return "", false, false
}

// MoveProject takes a project one step through its life, with a note; the
// last step (evaluated) may record how many residents it served.
func (s *Service) MoveProject(ctx context.Context, p *auth.Principal, id int64, to, note string, beneficiaries *int) (Project, error) {
	var pr Project
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if pr, err = s.project(ctx, tx, id); err != nil {
			return err
		}
		if !s.canSeeProject(ctx, p, pr) {
			return errs.New(errs.ENOTFOUND, "no such project")
		}
		perm, lead, ok := ProjectMove(pr.Status, to)
		if !ok {
			return errs.New(errs.ECONFLICT, "a project that is %s cannot become %s", pr.Status, to)
		}
		if err := auth.Authorize(p, perm, pr.AreaPath); err != nil && !(lead && pr.LeadUnitID != nil &&
			auth.AuthorizeUnit(p, auth.ResourceOffer, pr.AreaPath, pr.LeadUnitID) == nil) {
			return err
		}
		if beneficiaries != nil {
			if *beneficiaries < 0 {
				return errs.Invalid("beneficiaries", "beneficiaries cannot be negative")
			}
			pr.Beneficiaries = *beneficiaries
		}
		now := s.clock.Now()
		pr.Status, pr.UpdatedAt = to, now
		if _, err := tx.Exec(ctx, `UPDATE projects SET status = ?, beneficiaries = ?, updated_at = ? WHERE id = ?`, to, pr.Beneficiaries, now, id); err != nil {
			return errs.Wrap(err, "update project")
		}
		if to == "done" && pr.NeedID != nil {
			// The need it answered is served.
			if _, err := tx.Exec(ctx, `UPDATE needs SET status = 'served', updated_at = ? WHERE id = ? AND status IN ('open','matched')`, now, *pr.NeedID); err != nil {
				return errs.Wrap(err, "need served")
			}
		}
		return record(ctx, tx, now, p, "project", id, pr.AreaPath, "status:"+to, strings.TrimSpace(note), pr)
	})
	return pr, err
}

// ClaimProject: a unit's liaison (or staff for a unit) claims a project
// published for claiming; the unit becomes its lead.
func (s *Service) ClaimProject(ctx context.Context, p *auth.Principal, id int64, unitID *int64) (Project, error) {
	if unitID == nil {
		if units := auth.ScopeUnits(p, auth.ResourceOffer); len(units) == 1 {
			unitID = &units[0]
		} else {
			return Project{}, errs.Invalid("unit_id", "choose the unit that claims it")
		}
	}
	var pr Project
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if pr, err = s.project(ctx, tx, id); err != nil {
			return err
		}
		if auth.Authorize(p, auth.ListsRead, pr.AreaPath) != nil {
			return errs.New(errs.ENOTFOUND, "no such project")
		}
		var unitPath string
		if err := tx.QueryRow(ctx, `SELECT area_path FROM units WHERE id = ?`, *unitID).Scan(&unitPath); err != nil {
			return errs.Invalid("unit_id", "no unit %d", *unitID)
		}
		if err := auth.AuthorizeUnit(p, auth.ResourceOffer, unitPath, unitID); err != nil {
			return err
		}
		if !pr.Claimable || pr.LeadUnitID != nil || (pr.Status != "proposed" && pr.Status != "approved") {
			return errs.New(errs.ECONFLICT, "this project is not open for claiming")
		}
		name, err := unitName(ctx, tx, "unit_id", *unitID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		// The claim is conditional on nobody having claimed it first.
		res, err := tx.Exec(ctx, `UPDATE projects SET lead_unit_id = ?, lead_name = ?, updated_at = ? WHERE id = ? AND lead_unit_id IS NULL`, *unitID, name, now, id)
		if err != nil {
			return errs.Wrap(err, "claim")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "this project is not open for claiming")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO project_units (project_id, unit_id, role) VALUES (?, ?, 'claimant')
			ON CONFLICT (project_id, unit_id) DO UPDATE SET role = 'claimant'`, id, *unitID); err != nil {
			return errs.Wrap(err, "claimant")
		}
		pr.LeadUnitID, pr.LeadName, pr.UpdatedAt = unitID, name, now
		if err := search.Put(ctx, tx, projectDoc(pr)); err != nil { // found by its new lead's name
			return err
		}
		return record(ctx, tx, now, p, "project", id, pr.AreaPath, "claim", name, pr)
	})
	if err != nil {
		return Project{}, err
	}
	pr, _, err = s.Project(ctx, p, id)
	return pr, err
}

// CompleteMilestone marks a milestone done.
func (s *Service) CompleteMilestone(ctx context.Context, p *auth.Principal, projectID, milestoneID int64) (Project, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		pr, err := s.projectToRun(ctx, tx, p, projectID)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		res, err := tx.Exec(ctx, `UPDATE project_milestones SET done_at = ? WHERE id = ? AND project_id = ? AND done_at IS NULL`, now, milestoneID, projectID)
		if err != nil {
			return errs.Wrap(err, "milestone")
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.ECONFLICT, "no open milestone %d on this project", milestoneID)
		}
		return record(ctx, tx, now, p, "project", projectID, pr.AreaPath, "milestone", "", map[string]int64{"milestone": milestoneID})
	})
	if err != nil {
		return Project{}, err
	}
	pr, _, err := s.Project(ctx, p, projectID)
	return pr, err
}
