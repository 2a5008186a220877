package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
	"gongzhi/internal/org"
)

// dashPage is the data of demand_dashboard.html.
type dashPage struct {
	Area         org.Area
	From, To     string
	Crumbs       []crumb
	Areas        []areaOption
	Total        demand.Stats
	ByCategory   []demand.Figure
	ByArea       []demand.Figure
	HasBreakdown bool // false below residential level, where only the totals exist
	Chart        dashChart
	ExportURL    string
	MapURL       string // the grid map's GeoJSON, for static/grid_map.js
	Sort         string // how the child areas' table is ranked (rankAreas); "" in tree order
	// Compare is each rate (response, resolution, satisfaction) against its
	// target and against the period of the same length just before.
	Compare map[string]rateCompare
	// Projects are the service projects of the same area and period; nil
	// when the reader may not read the lists (三张清单) there.
	Projects *dashProjects
	// MapGrids are the grids on the map, by residential area: the map's
	// names and figures as text (empty on a district's map of streets,
	// whose streets the child areas' table lists).
	MapGrids []mapGroup
	// Topics are the closed monthly topics (每月一题) of the area with their
	// measured effect; nil when the reader may not read hot spots.
	Topics []mtTopicRow
}

// mapGroup is a residential area's grids on the dashboard's map.
type mapGroup struct {
	Code, Name string
	Grids      []demand.MapFigures
}

// mapGroups lists the grids of a map of grids under their residential areas.
func mapGroups(m demand.GridMap) []mapGroup {
	if m.Level != "grid" {
		return nil
	}
	byCode := map[string]demand.MapFigures{}
	for _, f := range m.Features {
		byCode[f.ID] = f.Properties
	}
	out := make([]mapGroup, 0, len(m.Borders)+1)
	for _, b := range m.Borders {
		g := mapGroup{Code: b.ID, Name: b.Name}
		for _, code := range b.Grids {
			g.Grids = append(g.Grids, byCode[code])
			delete(byCode, code)
		}
		out = append(out, g)
	}
	if len(byCode) > 0 { // grids without a residential area, if any
		g := mapGroup{}
		for _, f := range m.Features {
			if x, ok := byCode[f.ID]; ok {
				g.Grids = append(g.Grids, x)
			}
		}
		out = append(out, g)
	}
	return out
}

// rateCompare is one rate against its target and the previous period.
type rateCompare struct {
	Standing  demand.Standing
	Target    *float64
	Prev      *float64
	Delta     string // the change in percentage points, signed ("+2.1"); "" with no rate in either period
	Direction string // up, down or same
}

// compareRates fills Compare: the previous period is as long as this one
// and ends the day before it starts.
func (s *server) compareRates(ctx context.Context, p *auth.Principal, f demand.StatsFilter, now demand.Stats) (map[string]rateCompare, error) {
	targets, err := s.Demand.Targets(ctx)
	if err != nil {
		return nil, err
	}
	var prev demand.Stats
	from, err1 := time.Parse(time.DateOnly, f.From)
	to, err2 := time.Parse(time.DateOnly, f.To)
	if err1 == nil && err2 == nil && !to.Before(from) {
		days := int(to.Sub(from).Hours()/24) + 1
		pf := f
		pf.From, pf.To = from.AddDate(0, 0, -days).Format(time.DateOnly), from.AddDate(0, 0, -1).Format(time.DateOnly)
		if prev, err = s.Demand.Stats(ctx, p, pf); err != nil {
			return nil, err
		}
	}
	out := map[string]rateCompare{}
	for _, r := range []struct {
		key       string
		now, prev *float64
		target    float64
	}{{"response", now.ResponseRate, prev.ResponseRate, targets.Response}, {"resolution", now.ResolutionRate, prev.ResolutionRate, targets.Resolution},
		{"satisfaction", now.SatisfactionRate, prev.SatisfactionRate, targets.Satisfaction}} {
		c := rateCompare{Standing: demand.Stand(r.now, r.target), Target: &r.target, Prev: r.prev}
		if r.now != nil && r.prev != nil {
			d := (*r.now - *r.prev) * 100
			c.Delta = strconv.FormatFloat(d, 'f', 1, 64)
			switch {
			case d >= 0.05:
				c.Delta, c.Direction = "+"+c.Delta, "up"
			case d <= -0.05:
				c.Direction = "down"
			default:
				c.Delta, c.Direction = "0.0", "same"
			}
		}
		out[r.key] = c
	}
	return out, nil
}

// dashChart feeds static/demand_dashboard.js as JSON in the page.
type dashChart struct {
	Days         []string     `json:"days"`
	Received     []int        `json:"received"`
	Response     []*float64   `json:"response"` // percent; null when nothing to rate that day
	Resolution   []*float64   `json:"resolution"`
	Satisfaction []*float64   `json:"satisfaction"`
	Categories   []string     `json:"categories"` // hot categories, most received first
	CatReceived  []int        `json:"cat_received"`
	Areas        []chartArea  `json:"areas"` // child areas, for drill-down
	AreaOverdue  []int        `json:"area_overdue"`
	HeatCats     []string     `json:"heat_cats"`
	Heat         [][3]float64 `json:"heat"` // [category index, area index, received]
	HeatMax      int          `json:"heat_max"`
	Drill        bool         `json:"drill"`
	// NotDueFrom is the first day of the trend whose demands are mostly not
	// due yet (within notDueDays of today): the chart marks those days.
	NotDueFrom string     `json:"not_due_from,omitempty"`
	From       string     `json:"from"`
	To         string     `json:"to"`
	Labels     dashLabels `json:"labels"`
}

// dashLabels are the chart texts in the user's language.
type dashLabels struct {
	Received     string `json:"received"`
	Response     string `json:"response"`
	Resolution   string `json:"resolution"`
	Satisfaction string `json:"satisfaction"`
	Rate         string `json:"rate"`
	Count        string `json:"count"`
	Overdue      string `json:"overdue"`
	NotDue       string `json:"not_due"`
}

// notDueDays is how far back the trend marks days as not due yet: the
// longest usual resolve limit, five working days, and a weekend.
const notDueDays = 7

// heatCategories is how many hot categories the heat map shows.
const heatCategories = 8

// dashFilter reads ?area=&from=&to=, defaulting to the user's area and the
// last 30 days.
func (s *server) dashFilter(r *http.Request, p *auth.Principal) demand.StatsFilter {
	q := r.URL.Query()
	f := demand.StatsFilter{Area: q.Get("area"), From: q.Get("from"), To: q.Get("to")}
	if f.Area == "" {
		f.Area = homeArea(p, auth.DemandRead)
	}
	today := s.today()
	if f.To == "" {
		f.To = today.Format(time.DateOnly)
	}
	if f.From == "" {
		f.From = today.AddDate(0, 0, -29).Format(time.DateOnly)
	}
	return f
}

// breakdown reads the figures of one area and period. Below residential
// level the service keeps only totals, so full is false and only Total is set.
func (s *server) breakdown(ctx context.Context, p *auth.Principal, f demand.StatsFilter) (b demand.Breakdown, full bool, err error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return b, false, err
	}
	if f.Area == "" { // no area of one's own: a unit liaison reads its unit's demands, not an area's figures
		return b, false, errs.New(errs.EFORBIDDEN, "your role does not allow this (%s)", auth.DemandRead)
	}
	b, err = s.Demand.Breakdown(ctx, p, f)
	b.InLang(langOf(p))
	if errs.Code(err) == errs.EINVALID {
		if st, serr := s.Demand.Stats(ctx, p, f); serr == nil {
			return demand.Breakdown{Total: st}, false, nil
		}
	}
	return b, err == nil, err
}

// dashboardData gathers the page's figures and charts.
func (s *server) dashboardData(ctx context.Context, rq *request, f demand.StatsFilter) (dashPage, error) {
	page := dashPage{From: f.From, To: f.To}
	b, full, err := s.breakdown(ctx, rq.P, f)
	if err != nil {
		return page, err
	}
	page.HasBreakdown = full
	page.Total, page.ByCategory, page.ByArea = b.Total, b.ByCategory, b.ByArea
	if page.Compare, err = s.compareRates(ctx, rq.P, f, b.Total); err != nil {
		return page, err
	}
	if page.Area, err = s.Org.Area(ctx, rq.P, f.Area); err != nil {
		return page, err
	}
	page.Area.Name = page.Area.NameIn(rq.Lang)
	if page.Projects, err = s.dashProjectsOf(ctx, rq, f, page.Area); err != nil {
		return page, err
	}
	if full {
		if page.Chart, err = s.dashChartOf(ctx, rq, f, b); err != nil {
			return page, err
		}
		m, err := s.Demand.GridMap(ctx, rq.P, f)
		if err != nil {
			return page, err
		}
		m.InLang(rq.Lang)
		page.MapGrids = mapGroups(m)
	}
	return page, nil
}

// The shares DOMAIN.md §4 quotes from Xuhui's two years of service
// projects: the dashboard holds an area's shares against them.
const (
	threeDomainBenchmark         = 0.75 // in livelihood services, social governance, culture & sports
	streetOrResidentialBenchmark = 0.70 // landed at street or residential level
)

// dashProjects is the service projects' part of the dashboard (服务项目):
// the lists service's figures for the dashboard's area and period, the two
// shares against DOMAIN.md's benchmarks, and tables whose rows open the
// project list filtered to them.
type dashProjects struct {
	lists.ProjectStats
	Shares  []shareStanding // the three-domain share, then the street-or-residential one
	ListURL string          // every project of the area
	Tables  []projectTable  // by domain, by landing level, by child area (when any holds projects)
}

// shareStanding is one share against its benchmark, in words as well as colour.
type shareStanding struct {
	Key       string   // three or low
	Share     *float64 // nil when there are no projects
	Benchmark float64
	Standing  demand.Standing
}

// projectTable is one breakdown of the projects: its caption, the header
// of its first column and one row per domain, level or child area.
type projectTable struct {
	ID, Caption, Head string
	Rows              []projectRow
}

// projectRow is one line of a projects table: a count, its share of the
// total and the project list filtered to it.
type projectRow struct {
	Key, Name string
	Count     int
	Share     *float64
	URL       string
}

// dashProjectsOf reads the service projects created in the dashboard's
// period (its inclusive dates, in Shanghai) under its area. A reader who may
// not read the lists there gets nil and the page leaves the part out.
func (s *server) dashProjectsOf(ctx context.Context, rq *request, f demand.StatsFilter, a org.Area) (*dashProjects, error) {
	if auth.Authorize(rq.P, auth.ListsRead, a.Path) != nil {
		return nil, nil
	}
	start, end, err := lists.Period(f.From, f.To)
	if err != nil {
		return nil, err
	}
	st, err := s.Lists.Stats(ctx, rq.P, a.Code, start, end)
	if errs.Code(err) == errs.EFORBIDDEN {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	link := func(area, domain, level string) string { return projectsURL(area, domain, level, f.From, f.To) }
	d := &dashProjects{ProjectStats: st, ListURL: link(a.Code, "", ""), Shares: []shareStanding{
		{"three", st.ThreeDomainShare, threeDomainBenchmark, demand.Stand(st.ThreeDomainShare, threeDomainBenchmark)},
		{"low", st.StreetOrResidentialShare, streetOrResidentialBenchmark, demand.Stand(st.StreetOrResidentialShare, streetOrResidentialBenchmark)},
	}}
	row := func(key, name string, n int, link string) projectRow {
		r := projectRow{Key: key, Name: name, Count: n, URL: link}
		if st.Total > 0 {
			v := float64(n) / float64(st.Total)
			r.Share = &v
		}
		return r
	}
	domains := projectTable{ID: "proj-domains", Caption: rq.T("lists.dash.by_domain", a.Name), Head: rq.T("lists.domain")}
	for _, x := range st.ByDomain {
		domains.Rows = append(domains.Rows, row(x.Domain, rq.T("domain."+x.Domain), x.Count, link(a.Code, x.Domain, "")))
	}
	levels := projectTable{ID: "proj-levels", Caption: rq.T("lists.dash.by_level", a.Name), Head: rq.T("lists.level")}
	for _, x := range st.ByLevel {
		levels.Rows = append(levels.Rows, row(x.Level, rq.T("level."+x.Level), x.Count, link(a.Code, "", x.Level)))
	}
	d.Tables = []projectTable{domains, levels}
	if len(st.ByStreet) == 0 {
		return d, nil
	}
	labels, err := s.Org.AreaLabels(ctx)
	if err != nil {
		return nil, err
	}
	kids := projectTable{ID: "proj-areas", Caption: rq.T("lists.dash.by_area", a.Name), Head: rq.T("demand.area")}
	for _, x := range st.ByStreet {
		name := x.Name
		if c, ok := labels.Area(x.Area); ok {
			name = c.NameIn(rq.Lang)
		}
		kids.Rows = append(kids.Rows, row(x.Area, name, x.Count, link(x.Area, "", "")))
	}
	d.Tables = append(d.Tables, kids)
	return d, nil
}

// projectsURL is the project list of an area and period, of one domain and
// one landing level when given (the list calls them category and kind).
func projectsURL(area, domain, level, from, to string) string {
	q := url.Values{}
	q.Set("area", area)
	q.Set("from", from)
	q.Set("to", to)
	if domain != "" {
		q.Set("category", domain)
	}
	if level != "" {
		q.Set("kind", level)
	}
	return "/projects?" + q.Encode()
}

// dashChartOf lays the breakdown out for ECharts: the daily trend, hot
// categories, overdue by child area, and child areas × hot categories.
func (s *server) dashChartOf(ctx context.Context, rq *request, f demand.StatsFilter, b demand.Breakdown) (dashChart, error) {
	c := dashChart{From: f.From, To: f.To, Labels: dashLabels{Received: rq.T("dash.received"), Response: rq.T("dash.rate.response"),
		Resolution: rq.T("dash.rate.resolution"), Satisfaction: rq.T("dash.rate.satisfaction"), Rate: rq.T("dash.rate_axis"),
		Count: rq.T("dash.count_axis"), Overdue: rq.T("dash.overdue"), NotDue: rq.T("dash.not_due")}}
	if first := s.today().AddDate(0, 0, -notDueDays+1).Format(time.DateOnly); f.To >= first {
		c.NotDueFrom = max(first, f.From)
	}
	percent := func(r *float64) *float64 {
		if r == nil {
			return nil
		}
		v := float64(int(*r*1000+0.5)) / 10
		return &v
	}
	byDay := map[string]demand.Figure{}
	for _, d := range b.ByDay {
		byDay[d.Key] = d
	}
	// Every day of the period gets a point, so quiet days show as zero, not as a gap.
	from, err1 := time.Parse(time.DateOnly, f.From)
	to, err2 := time.Parse(time.DateOnly, f.To)
	if err1 == nil && err2 == nil && to.Sub(from) <= 400*24*time.Hour {
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			day := d.Format(time.DateOnly)
			x := byDay[day]
			c.Days, c.Received = append(c.Days, day), append(c.Received, x.Received)
			c.Response = append(c.Response, percent(x.ResponseRate))
			c.Resolution = append(c.Resolution, percent(x.ResolutionRate))
			c.Satisfaction = append(c.Satisfaction, percent(x.SatisfactionRate))
		}
	} else {
		for _, x := range b.ByDay {
			c.Days, c.Received = append(c.Days, x.Key), append(c.Received, x.Received)
			c.Response = append(c.Response, percent(x.ResponseRate))
			c.Resolution = append(c.Resolution, percent(x.ResolutionRate))
			c.Satisfaction = append(c.Satisfaction, percent(x.SatisfactionRate))
		}
	}
	for _, x := range b.ByCategory {
		c.Categories, c.CatReceived = append(c.Categories, x.Name), append(c.CatReceived, x.Received)
	}
	top := b.ByCategory[:min(heatCategories, len(b.ByCategory))]
	for _, x := range top {
		c.HeatCats = append(c.HeatCats, x.Name)
	}
	c.Drill = len(b.ByArea) > 0
	for ai, a := range b.ByArea {
		c.Areas = append(c.Areas, chartArea{Code: a.Key, Name: a.Name})
		c.AreaOverdue = append(c.AreaOverdue, a.Overdue)
		if len(top) == 0 {
			continue
		}
		// The rollups have no area × category view, so each child is asked on its own.
		kid, err := s.Demand.Breakdown(ctx, rq.P, demand.StatsFilter{Area: a.Key, From: f.From, To: f.To})
		if err != nil {
			return c, err
		}
		for ci, cat := range top {
			n := 0
			for _, x := range kid.ByCategory {
				if x.Key == cat.Key {
					n = x.Received
				}
			}
			c.Heat = append(c.Heat, [3]float64{float64(ci), float64(ai), float64(n)})
			c.HeatMax = max(c.HeatMax, n)
		}
	}
	return c, nil
}

// demandDashboard shows the three rates of an area and period as big
// figures, the grid heat map, the daily trend, hot categories, overdue by
// child area and a heat map of child areas × hot categories; a click drills
// down. Below them, for readers of the lists, the service projects of the
// same area and period (dashProjectsOf).
func (s *server) demandDashboard(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	f := s.dashFilter(r, p)
	page, err := s.dashboardData(ctx, rq, f)
	if err != nil {
		return err
	}
	if page.Areas, err = s.areaOptions(ctx, p, false); err != nil {
		return err
	}
	anc, err := s.Org.Ancestors(ctx, page.Area)
	if err != nil {
		return err
	}
	for _, a := range anc {
		page.Crumbs = append(page.Crumbs, crumb{Code: a.Code, Name: a.Name, Link: auth.Authorize(p, auth.DemandRead, a.Path) == nil})
	}
	page.ExportURL, page.MapURL = exportURL(f), mapURL(f)
	if page.Topics, err = s.mtClosedTopics(ctx, rq, page.Area.Code); err != nil {
		return err
	}
	page.Sort = rankAreas(page.ByArea, r.URL.Query().Get("sort"))
	v := rq.view(r, "demands", "dash.title", page)
	v.Tab = "dashboard"
	if page.HasBreakdown {
		v.Charts, v.Scripts = true, []string{"demand_dashboard.js", "grid_map.js"}
	}
	s.render(w, rq, http.StatusOK, "demand_dashboard.html", v)
	return nil
}

// demandDashboardExport writes the dashboard's figures as XLSX: sheets
// 汇总 (totals), 分类 (by category), 区域 (by child area) and 每日 (by day).
func (s *server) demandDashboardExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	f := s.dashFilter(r, rq.P)
	b, _, err := s.breakdown(ctx, rq.P, f)
	if err != nil {
		return err
	}
	area, err := s.Org.Area(ctx, rq.P, f.Area)
	if err != nil {
		return err
	}
	name := "demands-" + f.Area + "-" + f.From + "-" + f.To + ".xlsx"
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	// The same workbook as the API's export, so the two never drift apart.
	if err := demand.WriteBreakdownXLSX(w, area.Name, b); err != nil {
		s.Logger.Error("export dashboard", "err", err)
	}
	return nil
}

// exportURL is the XLSX export of the dashboard's area and period.
func exportURL(f demand.StatsFilter) string {
	q := url.Values{}
	q.Set("area", f.Area)
	q.Set("from", f.From)
	q.Set("to", f.To)
	return "/demands/dashboard/export.xlsx?" + q.Encode()
}

// rankAreas orders the child areas' table by a column, best first
// (received and overdue: most first), areas without the rate last; any
// other key keeps the tree's order. It returns the key it sorted by.
func rankAreas(fs []demand.Figure, key string) string {
	rate := map[string]func(demand.Figure) *float64{
		"response":     func(f demand.Figure) *float64 { return f.ResponseRate },
		"resolution":   func(f demand.Figure) *float64 { return f.ResolutionRate },
		"satisfaction": func(f demand.Figure) *float64 { return f.SatisfactionRate },
	}
	count := map[string]func(demand.Figure) int{
		"received": func(f demand.Figure) int { return f.Received },
		"overdue":  func(f demand.Figure) int { return f.Overdue },
	}
	switch {
	case rate[key] != nil:
		get := rate[key]
		sort.SliceStable(fs, func(i, j int) bool {
			a, b := get(fs[i]), get(fs[j])
			return a != nil && (b == nil || *a > *b)
		})
	case count[key] != nil:
		get := count[key]
		sort.SliceStable(fs, func(i, j int) bool { return get(fs[i]) > get(fs[j]) })
	default:
		return ""
	}
	return key
}
