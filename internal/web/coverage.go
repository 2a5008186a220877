package web

import (
	"cmp"
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/org"
)

// coveragePage is the data of coverage.html.
type coveragePage struct {
	Cov      org.Coverage
	Children []org.Coverage
	Crumbs   []crumb
	Chart    chartData
}

// chartData feeds static/coverage.js; html/template writes it as JSON into a
// <script type="application/json">, escaped, so no inline script is needed.
type chartData struct {
	Areas  []chartArea   `json:"areas"`
	Series []chartSeries `json:"series"`
	Axis   string        `json:"axis"`  // value axis label
	None   string        `json:"none"`  // the label of an area with no units of a group (no rate), unlike 0%
	Drill  bool          `json:"drill"` // bars link to the child area
}

type chartArea struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type chartSeries struct {
	Group   string     `json:"group"`
	Name    string     `json:"name"`
	Rates   []*float64 `json:"rates"` // percent, nil when the group has no units there
	Covered []int      `json:"covered"`
	Total   []int      `json:"total"`
}

// coverage is the coverage dashboard (覆盖): the three group figures of an
// area, a bar chart by child area that drills down on click, the same figures
// as a table, and links to the uncovered units behind each figure.
func (s *server) coverage(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	if err := auth.AuthorizeAny(p, auth.CoverageRead); err != nil {
		return err
	}
	code := r.URL.Query().Get("area")
	if code == "" {
		code = homeArea(p, auth.CoverageRead)
	}
	cov, kids, err := s.Org.CoverageOf(ctx, p, code)
	if err != nil {
		return err
	}
	if rq.Lang == langEN { // English names where set
		cov.Name = cmp.Or(cov.NameEN, cov.Name)
		for i := range kids {
			kids[i].Name = cmp.Or(kids[i].NameEN, kids[i].Name)
		}
	}
	a, err := s.Org.Area(ctx, p, code)
	if err != nil {
		return err
	}
	anc, err := s.Org.Ancestors(ctx, a)
	if err != nil {
		return err
	}
	page := coveragePage{Cov: cov, Children: kids, Chart: chartOf(rq, cov, kids)}
	for _, c := range anc {
		page.Crumbs = append(page.Crumbs, crumb{Code: c.Code, Name: c.NameIn(rq.Lang), Link: auth.Authorize(p, auth.CoverageRead, c.Path) == nil})
	}
	v := rq.view(r, "coverage", "coverage.title", page)
	v.Charts, v.Scripts = true, []string{"charts.js"}
	s.render(w, rq, http.StatusOK, "coverage.html", v)
	return nil
}

// chartOf lays the figures out for ECharts: one bar series per group, one
// category per child area (or the area itself when it has no children).
func chartOf(rq *request, cov org.Coverage, kids []org.Coverage) chartData {
	cats := kids
	drill := true
	if len(cats) == 0 {
		cats, drill = []org.Coverage{cov}, false
	}
	d := chartData{Axis: rq.T("coverage.rate_axis"), None: rq.T("coverage.no_units"), Drill: drill}
	for _, c := range cats {
		d.Areas = append(d.Areas, chartArea{Code: c.Area, Name: c.Name})
	}
	for _, g := range org.Groups {
		sr := chartSeries{Group: g, Name: rq.T("group." + g)}
		for _, c := range cats {
			f := figureOf(c, g)
			var pctRate *float64
			if f.Rate != nil {
				v := float64(int(*f.Rate*1000+0.5)) / 10
				pctRate = &v
			}
			sr.Rates = append(sr.Rates, pctRate)
			sr.Covered = append(sr.Covered, f.Covered)
			sr.Total = append(sr.Total, f.Total)
		}
		d.Series = append(d.Series, sr)
	}
	return d
}

// figureOf returns the figure of one group, zero when the group is absent.
func figureOf(c org.Coverage, group string) org.GroupFigure {
	for _, f := range c.Groups {
		if f.Group == group {
			return f
		}
	}
	return org.GroupFigure{Group: group}
}
