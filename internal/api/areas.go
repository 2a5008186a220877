package api

import (
	"net/http"
	"net/url"

	"gongzhi/internal/auth"
	"gongzhi/internal/org"
)

// areaJSON is an area as the API shows it. The materialized path is an
// internal index and stays out; parent_code is null for the district.
type areaJSON struct {
	Code       string    `json:"code"`
	Name       string    `json:"name"`
	NameEN     string    `json:"name_en"`
	Level      org.Level `json:"level"`
	ParentCode *string   `json:"parent_code"`
	Children   int       `json:"children"`
}

func toAreaJSON(a org.Area) areaJSON {
	out := areaJSON{Code: a.Code, Name: a.Name, NameEN: a.NameEN, Level: a.Level, Children: a.Children}
	if a.ParentCode != "" {
		out.ParentCode = &a.ParentCode
	}
	return out
}

// listAreas serves GET /areas?level=&parent=&q=: the areas the caller may
// see, in tree order. An unknown parent is a 400; a parent outside scope
// simply has no visible children.
func (s *server) listAreas(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := org.AreaFilter{Level: q.Get("level"), Parent: q.Get("parent"), Q: q.Get("q")}
	if f.Parent != "" {
		if _, err := s.areaPath(r.Context(), "parent", f.Parent); err != nil {
			return err
		}
	}
	areas, err := s.Org.Areas(r.Context(), p, f)
	if err != nil {
		return err
	}
	items := make([]areaJSON, 0, len(areas))
	for _, a := range pageOf(areas, pg) {
		items = append(items, toAreaJSON(a))
	}
	writeList(w, items, len(areas), pg)
	return nil
}

// getArea serves GET /areas/{code}; areas outside scope are not found.
func (s *server) getArea(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	a, err := s.Org.Area(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAreaJSON(a))
	return nil
}

// areaInput is the body of POST /areas.
type areaInput struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"` // optional
	Level  string `json:"level"`
	Parent string `json:"parent"`
}

// createArea serves POST /areas: a new node under a parent the caller may
// edit (org.write on the parent).
func (s *server) createArea(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in areaInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.Org.CreateArea(r.Context(), p, org.NewArea{Code: in.Code, Name: in.Name, NameEN: in.NameEN, Level: in.Level, Parent: in.Parent})
	if err != nil {
		return err
	}
	created(w, Prefix+"/areas/"+url.PathEscape(a.Code), toAreaJSON(a))
	return nil
}
