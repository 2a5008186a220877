package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// perPage is the length of every paged list in the pages.
const perPage = 50

// pager is the data of the "pager" template: where the list is and links around it.
type pager struct {
	Page, Pages, Total int
	Capped             bool // Total is a lower bound (demand.CountCap)
	Prev, Next         string
}

// pageParam reads ?page=, defaulting to 1.
func pageParam(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// newPager builds links to the neighbouring pages, keeping every other query parameter.
func newPager(r *http.Request, page, total int) pager {
	pg := pager{Page: page, Total: total, Pages: max(1, (total+perPage-1)/perPage)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if page > 1 {
		pg.Prev = link(min(page-1, pg.Pages))
	}
	if page < pg.Pages {
		pg.Next = link(page + 1)
	}
	return pg
}

// scopeRoots returns the grants at the top of p's scope for perm: the areas a
// page starts from when the user has not picked one.
func scopeRoots(p *auth.Principal, perm auth.Perm) []auth.Grant {
	var out []auth.Grant
	seen := map[string]bool{}
	for _, path := range auth.Scope(p, perm) {
		for _, g := range p.Grants {
			if g.AreaPath == path && !seen[path] {
				seen[path] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// homeArea is the area code a page opens on for perm, or "" when p holds it nowhere.
func homeArea(p *auth.Principal, perm auth.Perm) string {
	if roots := scopeRoots(p, perm); len(roots) > 0 {
		return roots[0].AreaCode
	}
	return ""
}

// areaOption is one entry of an area <select>.
type areaOption struct {
	Code, Name, Level string
}

// areaOptions lists the areas p may browse, in tree order, for selects.
// Grids and lanes are left out of filters, where they would swamp the list.
func (s *server) areaOptions(ctx context.Context, p *auth.Principal, withGrids bool) ([]areaOption, error) {
	areas, err := s.Org.Areas(ctx, p, org.AreaFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]areaOption, 0, len(areas))
	for _, a := range areas {
		if !withGrids && (a.Level == org.Grid || a.Level == org.Lane) {
			continue
		}
		out = append(out, areaOption{Code: a.Code, Name: a.NameIn(langOf(p)), Level: string(a.Level)})
	}
	return out, nil
}

// pathID reads a numeric path value such as {id}; a non-number is "not found".
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.New(errs.ENOTFOUND, "not found")
	}
	return id, nil
}

// fieldErrors turns an error's details into a field → message map for forms,
// in the request's language, and keeps messages naming no known field for
// the top of the form.
func (rq *request) fieldErrors(err error, fields ...string) (map[string]string, []string) {
	known := map[string]bool{}
	for _, f := range fields {
		known[f] = true
	}
	byField := map[string]string{}
	var general []string
	for _, d := range rq.localDetails(err) {
		if known[d.Field] {
			if byField[d.Field] == "" {
				byField[d.Field] = d.Message
			}
			continue
		}
		general = append(general, d.Message)
	}
	if len(byField) == 0 && len(general) == 0 {
		general = append(general, rq.ErrMsg(err))
	}
	return byField, general
}

// optional returns a pointer to the trimmed value, or nil when it is empty.
func optional(v string) *string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	return &v
}

// withQuery appends q to path when it has any values.
func withQuery(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// langOf is the language p's request is served in (request.go sets it).
func langOf(p *auth.Principal) string {
	if p == nil {
		return langZH
	}
	return p.Lang
}
