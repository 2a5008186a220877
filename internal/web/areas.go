package web

import (
	"net/http"
	"net/url"

	"gongzhi/internal/auth"
	"gongzhi/internal/org"
)

// crumb is one ancestor in the breadcrumbs; Link is false above the user's scope.
type crumb struct {
	Code, Name string
	Link       bool
}

// areaChild is a row of the children table.
type areaChild struct {
	org.Area
	HasFigures     bool // coverage figures are shown only to roles that read them
	Units, Covered int
}

// areaPage is the data of area.html.
type areaPage struct {
	Area             org.Area
	Crumbs           []crumb
	Children         []areaChild
	CanUnits, CanCov bool
	CanNewUnit       bool
	CanRoll          bool         // the residents' phone roll (居民手机名册) of a residential area
	Roots            []auth.Grant // on /areas when the user has several starting points
	// The organisation network in the area's subtree, for roles that read it.
	CanOrg                   bool
	PartyOrgs, ServicePoints int
}

// areaRoots opens the tree where the user's scope starts; with several
// separate grants it lists them to choose from.
func (s *server) areaRoots(w http.ResponseWriter, r *http.Request, rq *request) error {
	roots := scopeRoots(rq.P, auth.AreaRead)
	if len(roots) == 1 {
		return redirect(w, r, "/areas/"+url.PathEscape(roots[0].AreaCode))
	}
	s.render(w, rq, http.StatusOK, "areas.html", rq.view(r, "areas", "areas.title", areaPage{Roots: roots}))
	return nil
}

// areaPage shows one area: breadcrumbs, children with counts, and links to
// its units and coverage when the user's role reads them.
func (s *server) areaPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	a, err := s.Org.Area(ctx, p, r.PathValue("code"))
	if err != nil {
		return err
	}
	anc, err := s.Org.Ancestors(ctx, a)
	if err != nil {
		return err
	}
	children, err := s.Org.Areas(ctx, p, org.AreaFilter{Parent: a.Code})
	if err != nil {
		return err
	}
	a.Name = a.NameIn(rq.Lang)
	page := areaPage{Area: a,
		CanUnits:   auth.Authorize(p, auth.UnitRead, a.Path) == nil,
		CanCov:     auth.Authorize(p, auth.CoverageRead, a.Path) == nil,
		CanNewUnit: auth.Authorize(p, auth.UnitWrite, a.Path) == nil,
		CanRoll:    a.Level == "residential" && auth.Authorize(p, auth.DelibRead, a.Path) == nil}
	if page.CanOrg = auth.Authorize(p, auth.OrgRead, a.Path) == nil; page.CanOrg {
		if _, page.PartyOrgs, err = s.Org.PartyOrgs(ctx, p, org.PartyOrgFilter{Area: a.Code, PerPage: 1}); err != nil {
			return err
		}
		if _, page.ServicePoints, err = s.Org.ServicePoints(ctx, p, org.ServicePointFilter{Area: a.Code, PerPage: 1}); err != nil {
			return err
		}
	}
	for _, c := range anc {
		page.Crumbs = append(page.Crumbs, crumb{Code: c.Code, Name: c.NameIn(rq.Lang), Link: auth.Authorize(p, auth.AreaRead, c.Path) == nil})
	}
	figures := map[string]org.Coverage{}
	if page.CanCov {
		_, kids, err := s.Org.CoverageOf(ctx, p, a.Code)
		if err != nil {
			return err
		}
		for _, k := range kids {
			figures[k.Area] = k
		}
	}
	for _, c := range children {
		c.Name = c.NameIn(rq.Lang)
		row := areaChild{Area: c}
		if f, ok := figures[c.Code]; ok {
			row.HasFigures = true
			for _, g := range f.Groups {
				row.Units += g.Total
				row.Covered += g.Covered
			}
		}
		page.Children = append(page.Children, row)
	}
	v := rq.view(r, "areas", "areas.title", page)
	v.Title = a.Name
	s.render(w, rq, http.StatusOK, "area.html", v)
	return nil
}
