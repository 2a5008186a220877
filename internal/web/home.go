package web

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
)

// homePage is the data of home.html: what each of the user's roles does, where.
type homePage struct {
	Grants   []homeGrant
	Staff    bool               // has any working area beyond browsing (units, coverage, users, audit)
	Coverage *org.Coverage      // figures of the user's coverage area, when they may read them
	Todo     *demand.TodoCounts // the user's to-do list in figures, when they work on demands
	Report   bool               // no staff work on demands: offer the residents' form
}

// homeGrant is one role on one area with the links that role may follow there.
type homeGrant struct {
	Role                                  string
	AreaCode, AreaName                    string
	UnitName                              string // the unit a unit liaison's grant names
	Units, Coverage, Import, Users, Audit bool
	NewUnit                               bool
	Demands, Intake, Dashboard            bool
}

// root is the site's front door: signed-in users get their home page;
// residents (who need no account) learn how to report and track a demand,
// and staff find the way to sign in.
func (s *server) root(w http.ResponseWriter, r *http.Request, rq *request) error {
	if rq.P != nil {
		return s.home(w, r, rq)
	}
	s.render(w, rq, http.StatusOK, "welcome.html", rq.view(r, "welcome", "welcome.title", nil))
	return nil
}

// home is the dashboard: one card per grant with that role's work, plus the
// coverage figures for roles that read them. Members and residents get a
// simple page; their own capabilities (demands, activities) come later.
func (s *server) home(w http.ResponseWriter, r *http.Request, rq *request) error {
	p := rq.P
	page := homePage{}
	for _, g := range p.Grants {
		// A unit liaison's demand rights reach its unit's demands, not its area.
		can := func(perm auth.Perm) bool { return auth.AuthorizeUnit(p, perm, g.AreaPath, g.UnitID) == nil }
		name := g.AreaName
		if rq.Lang == langEN { // a user has a few grants: one look-up each for the English name
			name = s.areaName(r.Context(), rq.Lang, g.AreaCode)
		}
		hg := homeGrant{Role: string(g.Role), AreaCode: g.AreaCode, AreaName: name, UnitName: g.UnitName,
			Units: can(auth.UnitRead), Coverage: can(auth.CoverageRead), Import: can(auth.UnitWrite),
			NewUnit: can(auth.UnitWrite), Users: can(auth.UserRead), Audit: can(auth.AuditRead),
			Demands: can(auth.DemandRead), Intake: can(auth.DemandIntake)}
		hg.Dashboard = hg.Demands && (g.Role == auth.DistrictAdmin || g.Role == auth.StreetStaff || g.Role == auth.CommunityStaff || g.Role == auth.Auditor)
		page.Staff = page.Staff || hg.Units || hg.Coverage || hg.Users || hg.Audit || hg.Demands
		page.Grants = append(page.Grants, hg)
	}
	page.Report = auth.AuthorizeAny(p, auth.DemandRead) != nil
	if !page.Report {
		todo, err := s.Demand.Todo(r.Context(), p)
		if err != nil {
			return err
		}
		page.Todo = &todo
	}
	if code := homeArea(p, auth.CoverageRead); code != "" {
		cov, _, err := s.Org.CoverageOf(r.Context(), p, code)
		if err != nil {
			return err
		}
		page.Coverage = &cov
	}
	s.render(w, rq, http.StatusOK, "home.html", rq.view(r, "home", "home.title", page))
	return nil
}
