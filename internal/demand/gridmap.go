package demand

import (
	"cmp"
	"context"
	"encoding/json"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// GridMap is the grid heat map (网格热力图) of an area as a GeoJSON
// FeatureCollection (RFC 7946): the outline of every grid under the area,
// or of every street when the area is a district (1,700 grids would be too
// many to read at a glance), each with its figures from the rollups. Area,
// From, To, Category and Level are foreign members GeoJSON readers ignore.
type GridMap struct {
	Type     string       `json:"type"` // always "FeatureCollection"
	Area     string       `json:"area"`
	From     string       `json:"from"`
	To       string       `json:"to"`
	Category string       `json:"category,omitempty"`
	Level    string       `json:"level"` // of the features: "grid", or "street" for a district
	Features []MapFeature `json:"features"`
	// Borders are the residential areas' outlines on a map of grids: the
	// border of the union of each one's grids (Outline). Empty for streets.
	Borders []MapBorder `json:"borders"`
}

// MapBorder is the outline of the area above some of a map's features.
type MapBorder struct {
	ID    string         `json:"id"` // the area code
	Name  string         `json:"name"`
	Rings [][][2]float64 `json:"rings"` // closed rings of [longitude, latitude] pairs
	Grids []string       `json:"grids"` // the codes of the features it outlines, in order

	nameEN string
}

// MapFeature is one area on the map: its outline and its figures.
type MapFeature struct {
	Type       string     `json:"type"` // always "Feature"
	ID         string     `json:"id"`   // the area code
	Geometry   MapPolygon `json:"geometry"`
	Properties MapFigures `json:"properties"`
}

// MapFigures are a feature's properties: the area's figures (key is its
// code) and the name of the area above it, since grid names such as
// 第1网格 repeat from one residential area to the next.
type MapFigures struct {
	Figure
	ParentName string `json:"parent_name"`

	parentNameEN string
}

// InLang words m's area names for a reader of lang: English names where set.
func (m *GridMap) InLang(lang string) {
	if texts.Lang(lang) != texts.EN {
		return
	}
	for i := range m.Features {
		x := &m.Features[i].Properties
		x.Name, x.ParentName = cmp.Or(x.NameEN, x.Name), cmp.Or(x.parentNameEN, x.ParentName)
	}
	for i := range m.Borders {
		b := &m.Borders[i]
		b.Name = cmp.Or(b.nameEN, b.Name)
	}
}

// MapPolygon is a GeoJSON Polygon: one closed ring of [longitude, latitude]
// pairs, counterclockwise.
type MapPolygon struct {
	Type        string         `json:"type"` // always "Polygon"
	Coordinates [][][2]float64 `json:"coordinates"`
}

// GridMap returns the map of an area for the inclusive day range. Areas
// without an outline in area_shapes are left out; the figures of an area
// with an outline are read from its own rollup rows, one index seek each.
func (s *Service) GridMap(ctx context.Context, p *auth.Principal, f StatsFilter) (GridMap, error) {
	m := GridMap{Type: "FeatureCollection", Area: f.Area, From: f.From, To: f.To, Category: f.Category, Features: []MapFeature{}, Borders: []MapBorder{}}
	level, path, err := s.statsArea(ctx, p, f)
	if err != nil {
		return m, err
	}
	m.Level = "grid"
	if level == "district" {
		m.Level = "street"
	}
	cond, arg := area.Subtree(s.db.Dialect, "a.path", path)
	// ra is a grid's residential area: its parent, or the lane's parent.
	cat, args := " AND r.category_code = ?", []any{f.From, f.To, f.Category} // f.Category empty: AllCategories
	args = append(args, m.Level, arg)
	rows, err := s.db.Query(ctx, `SELECT a.code, a.name, a.name_en, COALESCE(ra.code, ''), COALESCE(ra.name, ''), COALESCE(ra.name_en, ''), COALESCE(pa.name, ''), COALESCE(pa.name_en, ''), s.polygon, COALESCE(sum(r.received),0), COALESCE(sum(r.response_base),0),
		COALESCE(sum(r.responded),0), COALESCE(sum(r.rated),0), COALESCE(sum(r.solved),0), COALESCE(sum(r.satisfied),0),
		COALESCE(sum(r.overdue),0), COALESCE(sum(r.open),0)
		FROM `+area.Table("a")+` JOIN area_shapes s ON s.area_code = a.code`+area.LeftJoin("pa", "a.parent_code")+
		area.LeftJoin("ra", "CASE WHEN pa.level = 'lane' THEN pa.parent_code ELSE pa.code END")+`
		LEFT JOIN demand_rollups r ON r.area_path = a.path AND r.day >= ? AND r.day <= ?`+cat+`
		WHERE a.level = ? AND `+cond+`
		GROUP BY a.code, a.name, a.name_en, ra.code, ra.name, ra.name_en, a.path, pa.name, pa.name_en, s.polygon ORDER BY a.path`, args...)
	if err != nil {
		return m, errs.Wrap(err, "grid map")
	}
	defer rows.Close()
	var res []MapBorder // each feature's residential area, without outline
	for rows.Next() {
		var x MapFigures
		var poly string
		var r MapBorder
		if err := rows.Scan(&x.Key, &x.Name, &x.NameEN, &r.ID, &r.Name, &r.nameEN, &x.ParentName, &x.parentNameEN, &poly, &x.Received, &x.ResponseBase, &x.Responded, &x.Rated, &x.Solved, &x.Satisfied,
			&x.Overdue, &x.Open); err != nil {
			return m, errs.Wrap(err, "scan grid map")
		}
		var ring [][2]float64
		if json.Unmarshal([]byte(poly), &ring) != nil || len(ring) < 3 {
			continue // as areaAt does: a broken outline is no outline
		}
		x.Area, x.From, x.To, x.Category = x.Key, f.From, f.To, f.Category
		x.rates()
		m.Features = append(m.Features, MapFeature{Type: "Feature", ID: x.Key, Properties: x,
			Geometry: MapPolygon{Type: "Polygon", Coordinates: [][][2]float64{geoRing(ring)}}})
		res = append(res, r)
	}
	if err := rows.Err(); err != nil {
		return m, errs.Wrap(err, "grid map")
	}
	if m.Level == "grid" {
		m.Borders = borders(m.Features, res)
	}
	return m, nil
}

// borders outlines the residential areas of grids: the union of each one's
// grids, in the order they first appear (tree order). res[i] is the
// residential area of fs[i].
func borders(fs []MapFeature, res []MapBorder) []MapBorder {
	out := []MapBorder{}
	at := map[string]int{}
	var polys [][][][2]float64
	for i, f := range fs {
		if res[i].ID == "" {
			continue
		}
		k, ok := at[res[i].ID]
		if !ok {
			k = len(out)
			at[res[i].ID] = k
			out = append(out, res[i])
			polys = append(polys, nil)
		}
		polys[k] = append(polys[k], f.Geometry.Coordinates[0])
		out[k].Grids = append(out[k].Grids, f.ID)
	}
	for k := range out {
		out[k].Rings = Outline(polys[k])
	}
	return out
}

// geoRing turns a stored outline ([lat, lng] pairs) into a GeoJSON ring:
// [lng, lat] pairs, closed, counterclockwise as RFC 7946 asks.
func geoRing(ring [][2]float64) [][2]float64 {
	out := make([][2]float64, 0, len(ring)+1)
	for _, pt := range ring {
		out = append(out, [2]float64{pt[1], pt[0]})
	}
	if out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	area := 0.0 // twice the signed area (shoelace): positive when counterclockwise
	for i := 1; i < len(out); i++ {
		area += out[i-1][0]*out[i][1] - out[i][0]*out[i-1][1]
	}
	if area < 0 {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out
}
