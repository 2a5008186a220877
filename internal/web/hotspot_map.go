package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/hotspot"
)

// The hot-spot map (热点地图): a week's hot spots on the grid outlines the
// demand map draws (demand.Service.GridMap, static/grid_map.js), each grid
// coloured by how many times its usual it had (the most unusual of its
// hot categories); a click opens the hot spot. The ranked list stays the
// main way: the page lists the same hot spots as links, and the map is an
// image with a text alternative.

// hotspotMapPerPage is how many of a week's hot spots the map draws: a
// week has tens, not hundreds.
const hotspotMapPerPage = 500

// hotMap is the map's GeoJSON: the grids of the streets (or the one area)
// that hold the week's hot spots, those with one marked.
type hotMap struct {
	Type     string             `json:"type"` // always "FeatureCollection"
	Week     string             `json:"week"`
	Level    string             `json:"level"` // always "grid"
	Features []hotFeature       `json:"features"`
	Borders  []demand.MapBorder `json:"borders"`
}

type hotFeature struct {
	Type       string            `json:"type"` // always "Feature"
	ID         string            `json:"id"`
	Geometry   demand.MapPolygon `json:"geometry"`
	Properties hotProps          `json:"properties"`
}

// hotProps are a grid's properties: its names and, if it is a hot spot
// this week, its most unusual cell (Spot 0: none).
type hotProps struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	ParentName string   `json:"parent_name"`
	Spot       int64    `json:"spot,omitempty"`
	Ratio      *float64 `json:"ratio"` // observed ÷ expected; null: not a hot spot
	Observed   int      `json:"observed,omitempty"`
	Expected   float64  `json:"expected,omitempty"`
	Category   string   `json:"category,omitempty"`
	Spots      int      `json:"spots,omitempty"` // hot categories in the grid
}

// hotspotMapSpots are the week's hot spots in p's scope under area.
func (s *server) hotspotMapSpots(ctx context.Context, p *auth.Principal, week, areaCode string) ([]hotspot.Spot, string, error) {
	l, week, err := s.Hotspot.Spots(ctx, p, hotspot.Filter{Week: week, Area: areaCode, PerPage: hotspotMapPerPage})
	return l.Items, week, err
}

// buildHotMap draws spots on grid outlines: of the area when it is a street
// or below, else of every street holding one of them.
func (s *server) buildHotMap(ctx context.Context, p *auth.Principal, lang, week, areaCode string, spots []hotspot.Spot) (hotMap, error) {
	m := hotMap{Type: "FeatureCollection", Week: week, Level: "grid", Features: []hotFeature{}, Borders: []demand.MapBorder{}}
	var roots []string
	if areaCode != "" {
		level, _, err := area.LevelPath(ctx, s.DB, areaCode)
		if errs.Code(err) == errs.ENOTFOUND {
			return m, errs.Invalid("area", "area %q does not exist", areaCode)
		} else if err != nil {
			return m, err
		}
		if level != area.District { // a street or below: its own grids
			roots = []string{areaCode}
		}
	}
	if roots == nil {
		seen := map[string]bool{}
		for _, x := range spots {
			line, err := area.Lineage(ctx, s.DB, x.AreaPath)
			if err != nil {
				return m, err
			}
			for _, a := range line {
				if a.Level == area.Street && !seen[a.Code] {
					seen[a.Code] = true
					roots = append(roots, a.Code)
				}
			}
		}
	}
	best := map[string]hotspot.Spot{}
	count := map[string]int{}
	for _, x := range spots { // most unusual first (by rank)
		count[x.Area]++
		if _, ok := best[x.Area]; !ok {
			best[x.Area] = x
		}
	}
	for _, code := range roots {
		g, err := s.Demand.GridMap(ctx, p, demand.StatsFilter{Area: code, From: week, To: week})
		if c := errs.Code(err); c == errs.EFORBIDDEN || c == errs.ENOTFOUND {
			continue // a street the reader sees hot spots of but not the demand map: the list still has them
		} else if err != nil {
			return m, err
		}
		g.InLang(lang)
		for _, f := range g.Features {
			hp := hotProps{Key: f.ID, Name: f.Properties.Name, ParentName: f.Properties.ParentName}
			if x, ok := best[f.ID]; ok {
				r := x.Ratio
				hp.Spot, hp.Ratio, hp.Observed, hp.Expected, hp.Category, hp.Spots = x.ID, &r, x.Observed, x.Expected, x.CategoryName, count[f.ID]
			}
			m.Features = append(m.Features, hotFeature{Type: "Feature", ID: f.ID, Geometry: f.Geometry, Properties: hp})
		}
		m.Borders = append(m.Borders, g.Borders...)
	}
	return m, nil
}

// hotspotMapJSON serves GET /hotspots/map.json?week=&area=.
func (s *server) hotspotMapJSON(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	spots, week, err := s.hotspotMapSpots(r.Context(), rq.P, q.Get("week"), q.Get("area"))
	if err != nil {
		return err
	}
	m, err := s.buildHotMap(r.Context(), rq.P, rq.Lang, week, q.Get("area"), spots)
	if err != nil {
		return err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
	return nil
}

// hotspotMapPage is the map page: the filter, the map, and the same hot
// spots as a list of links.
type hotspotMapPage struct {
	Week   string
	Weeks  []hotspot.RunInfo
	Area   string
	Areas  []areaOption
	Spots  []spotRow
	MapURL string
}

func (s *server) hotspotMap(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	d := hotspotMapPage{Area: q.Get("area")}
	spots, week, err := s.hotspotMapSpots(r.Context(), rq.P, q.Get("week"), d.Area)
	if err != nil {
		return err
	}
	d.Week = week
	for _, x := range spots {
		d.Spots = append(d.Spots, newSpotRow(x))
	}
	if d.Weeks, err = s.Hotspot.Runs(r.Context(), 26); err != nil {
		return err
	}
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	u := url.Values{}
	u.Set("week", week)
	if d.Area != "" {
		u.Set("area", d.Area)
	}
	d.MapURL = "/hotspots/map.json?" + u.Encode()
	v := rq.view(r, "hotspots", "hotspot.map.title", d)
	v.Charts, v.Scripts = true, []string{"grid_map.js"}
	s.render(w, rq, http.StatusOK, "hotspot_map.html", v)
	return nil
}
