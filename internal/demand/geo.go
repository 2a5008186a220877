package demand

import (
	"context"
	"encoding/json"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Point is a WGS-84 coordinate.
type Point struct{ Lat, Lng float64 }

// InPolygon reports whether pt lies inside the ring (ray casting); the ring
// is a list of [lat, lng] pairs, closed or not.
func InPolygon(pt Point, ring [][2]float64) bool {
	in := false
	for i, j := 0, len(ring)-1; i < len(ring); j, i = i, i+1 {
		a, b := ring[i], ring[j]
		if (a[0] > pt.Lat) != (b[0] > pt.Lat) &&
			pt.Lng < (b[1]-a[1])*(pt.Lat-a[0])/(b[0]-a[0])+a[1] {
			in = !in
		}
	}
	return in
}

// areaAt finds the deepest area whose outline contains pt.
func areaAt(ctx context.Context, q db.Querier, pt Point) (string, error) {
	type shape struct{ code, poly, path string }
	best, bestPath := "", ""
	err := db.Each(ctx, q, `SELECT s.area_code, s.polygon, a.path FROM area_shapes s`+area.Join("a", "s.area_code")+`
		WHERE s.min_lat <= ? AND s.max_lat >= ? AND s.min_lng <= ? AND s.max_lng >= ?`, []any{pt.Lat, pt.Lat, pt.Lng, pt.Lng},
		func(r db.Scanner) (shape, error) {
			var s shape
			err := r.Scan(&s.code, &s.poly, &s.path)
			return s, err
		}, func(s shape) error {
			var ring [][2]float64
			if json.Unmarshal([]byte(s.poly), &ring) == nil && InPolygon(pt, ring) && len(s.path) > len(bestPath) {
				best, bestPath = s.code, s.path
			}
			return nil
		})
	if err != nil {
		return "", errs.Wrap(err, "area at point")
	}
	if best == "" {
		return "", errs.Invalid("lat", "the coordinates (%.6f, %.6f) are outside the district's grids", pt.Lat, pt.Lng)
	}
	return best, nil
}

// SaveShape stores an area's outline (a ring of [lat, lng] pairs).
func SaveShape(ctx context.Context, tx *db.Tx, area string, ring [][2]float64) error {
	if len(ring) < 3 {
		return errs.Invalid("polygon", "an outline needs at least 3 points")
	}
	minLat, maxLat, minLng, maxLng := ring[0][0], ring[0][0], ring[0][1], ring[0][1]
	for _, p := range ring {
		minLat, maxLat = min(minLat, p[0]), max(maxLat, p[0])
		minLng, maxLng = min(minLng, p[1]), max(maxLng, p[1])
	}
	b, _ := json.Marshal(ring)
	_, err := tx.Exec(ctx, `INSERT INTO area_shapes (area_code, min_lat, max_lat, min_lng, max_lng, polygon) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (area_code) DO UPDATE SET min_lat = excluded.min_lat, max_lat = excluded.max_lat,
		min_lng = excluded.min_lng, max_lng = excluded.max_lng, polygon = excluded.polygon`, area, minLat, maxLat, minLng, maxLng, string(b))
	return errs.Wrap(err, "save shape")
}
