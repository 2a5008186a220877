package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestHotspotMap: the hot-spot map page lists the week's hot spots as links
// beside the map, and its GeoJSON draws the grids of the hot spot's street
// with the hot grid's ratio and hot spot; a grid without one has no ratio;
// the map is read in scope (a resident may not).
func TestHotspotMap(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		const gridA2 = testkit.ResA1 + "02" // a second grid, with no hot spot
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO areas (code, parent_code, name, level, path) VALUES (?, ?, '第2网格', 'grid', '/310104/001/001/02/')`, gridA2, testkit.ResA1); err != nil {
				return err
			}
			for code, ring := range map[string][][2]float64{
				testkit.GridA1: {{31.20, 121.44}, {31.20, 121.45}, {31.21, 121.45}, {31.21, 121.44}},
				gridA2:         {{31.21, 121.44}, {31.21, 121.45}, {31.22, 121.45}, {31.22, 121.44}},
			} {
				if err := demand.SaveShape(ctx, tx, code, ring); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		path, err := area.Path(ctx, d, testkit.GridA1)
		if err != nil {
			t.Fatal(err)
		}
		run, err := db.InsertID(ctx, d, `INSERT INTO hotspot_runs (week, computed_at, cells, flagged, alpha) VALUES ('2026-11-23', ?, 40, 1, 0.05)`, s.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		cell, err := db.InsertID(ctx, d, `INSERT INTO hotspot_cells (run_id, week, area_code, area_path, category_code, observed, expected, p, q, baseline, rank)
			VALUES (?, '2026-11-23', ?, ?, 'noise', 12, 2.5, 0.0000123, 0.001, '2,3,2,3,2,3,2,3', 1)`, run, testkit.GridA1, path)
		if err != nil {
			t.Fatal(err)
		}
		spot := "/hotspots/" + strconv.FormatInt(cell, 10)

		street := s.login(t, auth.StreetStaff)
		st, body := street.get("/hotspots")
		wantStatus(t, "hot spots", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/hotspots/map?week=2026-11-23"`)
		st, body = street.get("/hotspots/map")
		wantStatus(t, "hot-spot map", st, http.StatusOK, body)
		testkit.Contains(t, body, "热点地图", `id="hotspot-map"`, `role="img"`, `data-src="/hotspots/map.json?week=2026-11-23"`,
			`href="`+spot+`"`, "是常态的 4.8 倍", "/static/grid_map.", "/static/vendor/echarts.min.")

		for _, who := range []auth.Role{auth.StreetStaff, auth.DistrictAdmin} {
			st, body = s.login(t, who).get("/hotspots/map.json")
			wantStatus(t, "map json", st, http.StatusOK, body)
			var m struct {
				Week     string `json:"week"`
				Features []struct {
					ID         string `json:"id"`
					Properties struct {
						Spot  int64    `json:"spot"`
						Ratio *float64 `json:"ratio"`
					} `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal([]byte(body), &m); err != nil {
				t.Fatalf("%s: %v\n%s", who, err, body)
			}
			got := map[string]string{}
			for _, f := range m.Features {
				switch {
				case f.Properties.Ratio == nil:
					got[f.ID] = "-"
				default:
					got[f.ID] = strconv.FormatInt(f.Properties.Spot, 10) + "@" + strconv.FormatFloat(*f.Properties.Ratio, 'f', 1, 64)
				}
			}
			if m.Week != "2026-11-23" || len(got) != 2 || got[testkit.GridA1] != strconv.FormatInt(cell, 10)+"@4.8" || got[gridA2] != "-" {
				t.Errorf("%s: the map of week %s draws %v", who, m.Week, got)
			}
		}
		if st, _ := s.login(t, auth.Resident).get("/hotspots/map.json"); st != http.StatusForbidden {
			t.Errorf("resident: %d, want 403", st)
		}
		if st, _ := street.get("/hotspots/map?area=999999"); st != http.StatusBadRequest {
			t.Errorf("an unknown area: %d, want 400", st)
		}
	})
}
