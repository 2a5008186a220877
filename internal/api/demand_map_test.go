package api_test

import (
	"context"
	"fmt"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// mapBody is what the tests read of GET /stats/demands/map.
type mapBody struct {
	Type     string `json:"type"`
	Area     string `json:"area"`
	Level    string `json:"level"`
	Features []struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Geometry struct {
			Type        string         `json:"type"`
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"geometry"`
		Properties struct {
			Key              string   `json:"key"`
			Name             string   `json:"name"`
			ParentName       string   `json:"parent_name"`
			Received         int      `json:"received"`
			Overdue          int      `json:"overdue"`
			Open             int      `json:"open"`
			Rated            int      `json:"rated"`
			SatisfactionRate *float64 `json:"satisfaction_rate"`
		} `json:"properties"`
	} `json:"features"`
}

// Grids the map test adds: a second grid in ResA1 with an outline, and one
// in ResA2 without.
const (
	gridA1b = "31010400100102"
	gridA2  = "31010400100201"
)

// mapFixture adds grids and outlines (the streets' too, for the district
// map) and files demands: in GridA1 two noise and one rated satisfied, in
// gridA1b one, in ResA1 itself one (on no grid), in gridA2 one, in ResB1 one.
func mapFixture(e *env) {
	e.t.Helper()
	ctx := context.Background()
	e.seedCategories()
	for _, a := range []org.NewArea{{Code: gridA1b, Name: "第2网格", Level: "grid", Parent: testkit.ResA1},
		{Code: gridA2, Name: "复中第1网格", Level: "grid", Parent: testkit.ResA2}} {
		if _, err := e.org.CreateArea(ctx, auth.SystemPrincipal(), a); err != nil {
			e.t.Fatal(err)
		}
	}
	box := func(latS, latN, lngW, lngE float64) [][2]float64 {
		return [][2]float64{{latS, lngW}, {latS, lngE}, {latN, lngE}, {latN, lngW}}
	}
	err := e.db.InTx(ctx, func(tx *db.Tx) error {
		for code, ring := range map[string][][2]float64{
			testkit.GridA1: box(31.20, 31.21, 121.44, 121.45), gridA1b: box(31.20, 31.21, 121.45, 121.46),
			testkit.StreetA: box(31.19, 31.22, 121.43, 121.47), testkit.StreetB: box(31.19, 31.22, 121.47, 121.50),
		} {
			if err := demand.SaveShape(ctx, tx, code, ring); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	e.fileDirect(testkit.GridA1, "noise", "楼下夜宵店很吵")
	e.fileDirect(testkit.GridA1, "noise", "楼上夜里装修")
	f := e.resolvedDemand(testkit.GridA1, "垃圾箱满了没人清运")
	if res := e.do("", "POST", "/track/"+f.Token+"/rate", map[string]any{"satisfaction": "satisfied", "solved": true}); res.status != 200 {
		e.t.Fatalf("rate: %d %s", res.status, res.body)
	}
	e.fileDirect(gridA1b, "sanitation", "楼道堆物")
	e.fileDirect(testkit.ResA1, "parking", "小区门口乱停车")
	e.fileDirect(gridA2, "noise", "广场舞音响")
	e.fileDirect(testkit.ResB1, "noise", "酒吧外放音乐")
}

// TestDemandMapAPI reads the grid heat map of a street, a category, a
// grid and the district (its streets), checks GeoJSON and figures, and
// sends bad input.
func TestDemandMapAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		mapFixture(e)
		get := func(r auth.Role, q string) mapBody {
			t.Helper()
			res := e.as(r, "GET", "/stats/demands/map?"+q, nil)
			if res.status != 200 {
				t.Fatalf("map %s: %d %s", q, res.status, res.body)
			}
			conforms(t, "DemandMap", res)
			return decodeJSON[mapBody](t, res)
		}
		figures := func(m mapBody) string {
			s := m.Level
			for _, f := range m.Features {
				s += fmt.Sprintf(" %s:%d", f.ID, f.Properties.Received)
			}
			return s
		}

		m := get(auth.StreetStaff, "area="+testkit.StreetA)
		if m.Type != "FeatureCollection" || m.Area != testkit.StreetA {
			t.Errorf("collection: %+v", m)
		}
		// gridA2 has no outline; demands on no grid are on no feature.
		if got, want := figures(m), "grid "+testkit.GridA1+":3 "+gridA1b+":1"; got != want {
			t.Errorf("street A: %s, want %s", got, want)
		}
		for _, f := range m.Features {
			ring := f.Geometry.Coordinates[0]
			area := 0.0
			for i := 1; i < len(ring); i++ {
				area += ring[i-1][0]*ring[i][1] - ring[i][0]*ring[i-1][1]
			}
			if f.Type != "Feature" || f.Geometry.Type != "Polygon" || len(ring) != 5 || ring[0] != ring[4] || area <= 0 || ring[0][0] < 121 || ring[0][1] > 32 {
				t.Errorf("%s is not a closed counterclockwise [lng, lat] ring: %v", f.ID, ring)
			}
		}
		g := m.Features[0].Properties
		if g.Key != testkit.GridA1 || g.Name != "第1网格" || g.ParentName != "东湖居民区" || g.Rated != 1 || g.SatisfactionRate == nil || *g.SatisfactionRate != 1 || g.Open != 2 {
			t.Errorf("GridA1 figures: %+v", g)
		}
		// The map's figures are the stats of each grid.
		if st := decodeJSON[statsBody](t, e.as(auth.StreetStaff, "GET", "/stats/demands?area="+testkit.GridA1, nil)); st.Received != 3 {
			t.Errorf("stats of GridA1: received %d", st.Received)
		}
		if got, want := figures(get(auth.StreetStaff, "area="+testkit.StreetA+"&category=noise")), "grid "+testkit.GridA1+":2 "+gridA1b+":0"; got != want {
			t.Errorf("street A, noise: %s, want %s", got, want)
		}
		if got, want := figures(get(auth.StreetStaff, "area="+testkit.StreetA+"&from=2026-12-01&to=2026-12-31")), "grid "+testkit.GridA1+":0 "+gridA1b+":0"; got != want {
			t.Errorf("street A in December: %s, want %s", got, want)
		}
		if got, want := figures(get(auth.GridWorker, "area="+testkit.GridA1)), "grid "+testkit.GridA1+":3"; got != want {
			t.Errorf("the grid worker's grid: %s, want %s", got, want)
		}
		if got, want := figures(get(auth.DistrictAdmin, "area="+testkit.District)), "street "+testkit.StreetA+":6 "+testkit.StreetB+":1"; got != want {
			t.Errorf("district: %s, want %s", got, want)
		}
		if got := figures(get(auth.StreetStaff, "area="+testkit.ResA2)); got != "grid" {
			t.Errorf("a residential area with no outlines: %s, want no features", got)
		}

		for _, c := range []struct {
			query  string
			status int
			code   string
			field  string
		}{
			{"", 400, "EINVALID", "area"},
			{"area=999999", 404, "ENOTFOUND", ""},
			{"area=" + testkit.StreetA + "&from=yesterday", 400, "EINVALID", "from"},
			{"area=" + testkit.StreetA + "&to=2026-13-01", 400, "EINVALID", "to"},
			{"area=" + testkit.StreetA + "&from=2026-12-01&to=2026-11-01", 400, "EINVALID", "to"},
			{"area=" + testkit.StreetA + "&category=weather", 400, "EINVALID", "category"},
			{"area=" + testkit.StreetB, 403, "EFORBIDDEN", ""},
		} {
			wantError(t, e.as(auth.StreetStaff, "GET", "/stats/demands/map?"+c.query, nil), c.status, c.code, c.field)
		}
		wantError(t, e.as(auth.Member, "GET", "/stats/demands/map?area="+testkit.ResA1, nil), 403, "EFORBIDDEN", "")
	})
}
