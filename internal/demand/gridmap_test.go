package demand_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// Areas the grid tests add below the fixture's ResA1: a lane with a grid in it.
const (
	laneA1     = "31010400100150"
	laneGridA1 = "3101040010015001"
)

// gridRollupsMigration fills the rollups of lanes and grids for demands
// received before they were kept.
const gridRollupsMigration = "00007_grid_rollups.sql"

// addLane adds a lane under ResA1 with one grid, as the system.
func (e *env) addLane(t *testing.T) {
	t.Helper()
	orgs := org.NewService(e.d, e.clock)
	for _, a := range []org.NewArea{{Code: laneA1, Name: "东湖路100弄", Level: "lane", Parent: testkit.ResA1},
		{Code: laneGridA1, Name: "100弄网格", Level: "grid", Parent: laneA1}} {
		if _, err := orgs.CreateArea(e.ctx, auth.SystemPrincipal(), a); err != nil {
			t.Fatalf("area %s: %v", a.Code, err)
		}
	}
}

// rollupsBelowResidential reads the non-zero rollup rows of lanes and grids
// by category (the rows of every category together are checked by
// rollupTotalsMismatch).
func (e *env) rollupsBelowResidential(t *testing.T) map[string][8]int {
	t.Helper()
	rows, err := e.d.Query(e.ctx, `SELECT r.area_path, r.category_code, r.day, r.received, r.response_base, r.responded, r.rated, r.solved,
		r.satisfied, r.overdue, r.open FROM demand_rollups r JOIN areas a ON a.path = r.area_path WHERE a.level IN ('lane', 'grid') AND r.category_code <> ''`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string][8]int{}
	for rows.Next() {
		var path, cat, day string
		var f [8]int
		if err := rows.Scan(&path, &cat, &day, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]); err != nil {
			t.Fatal(err)
		}
		if f != [8]int{} {
			out[path+" "+cat+" "+day] = f
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestGridRollups files demands in every state at grids, a lane and a
// residential area: the service keeps rollups at lanes and grids, and the
// migration that fills them for demands received before it gives exactly
// what the service wrote.
func TestGridRollups(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.addLane(t)
		c, street := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff]
		yes := true
		// Rated satisfied and solved, contacted in time.
		rated := e.file(t, c, "sanitation", testkit.GridA1, "网格里垃圾箱满了")
		e.act(t, c, rated.Demand.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		e.act(t, c, rated.Demand.ID, demand.ActionInput{Action: demand.ActSign})
		e.act(t, c, rated.Demand.ID, demand.ActionInput{Action: demand.ActContact, Note: "已电话联系"})
		e.act(t, c, rated.Demand.ID, demand.ActionInput{Action: demand.ActResolve, Outcome: demand.OutcomeSolved, Resolution: "已清运"})
		if _, err := e.s.Rate(e.ctx, rated.Token, "basic", true); err != nil {
			t.Fatal(err)
		}
		// Two the same: one merged into the other counts once.
		first := e.file(t, c, "property", testkit.GridA1, "楼道灯坏了一周")
		dup := e.file(t, c, "property", testkit.GridA1, "楼道的灯坏了一个星期")
		e.act(t, c, dup.Demand.ID, demand.ActionInput{Action: demand.ActMerge, Target: &first.Demand.ID})
		// An approved unreasonable demand counts for nothing.
		unreasonable := e.file(t, c, "property", laneGridA1, "要求物业免除全部物业费")
		e.act(t, c, unreasonable.Demand.ID, demand.ActionInput{Action: demand.ActMarkUnreasonable, Reason: "不属于诉求"})
		e.act(t, street, unreasonable.Demand.ID, demand.ActionInput{Action: demand.ActApproveUnreasonable, Approve: &yes})
		// Missed its one-minute contact limit: overdue, in the response base, not responded.
		e.file(t, c, "noise", laneGridA1, "楼上夜里装修")
		e.file(t, c, "noise", laneA1, "弄堂里夜里有人喧哗")
		e.file(t, c, "noise", testkit.ResA1, "小区广场舞太吵")
		e.clock.Advance(2 * time.Minute)
		if _, err := e.s.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		// Received after midnight in Shanghai, before midnight in UTC.
		e.clock.Advance(15 * time.Hour)
		late := e.file(t, c, "sanitation", laneGridA1, "垃圾房门坏了")
		if day := late.Demand.CreatedAt.In(clock.Shanghai).Format(time.DateOnly); day != "2026-12-01" || late.Demand.CreatedAt.UTC().Day() != 30 {
			t.Fatalf("the late demand was received %v", late.Demand.CreatedAt)
		}

		served := e.rollupsBelowResidential(t)
		gridPath, lanePath, laneGridPath := "/310104/001/001/01/", "/310104/001/001/50/", "/310104/001/001/50/01/"
		want := map[string][8]int{
			gridPath + " sanitation 2026-11-30":     {1, 1, 1, 1, 1, 1, 0, 0},
			gridPath + " property 2026-11-30":       {1, 0, 0, 0, 0, 0, 0, 1},
			laneGridPath + " noise 2026-11-30":      {1, 1, 0, 0, 0, 0, 1, 1},
			laneGridPath + " sanitation 2026-12-01": {1, 0, 0, 0, 0, 0, 0, 1},
			lanePath + " noise 2026-11-30":          {2, 2, 0, 0, 0, 0, 2, 2},
			lanePath + " sanitation 2026-12-01":     {1, 0, 0, 0, 0, 0, 0, 1},
		}
		if fmt.Sprint(served) != fmt.Sprint(want) {
			t.Errorf("rollups at lanes and grids:\n got %v\nwant %v", served, want)
		}
		if n := e.rollupTotalsMismatch(t); n != 0 {
			t.Errorf("%d areas and days whose all-categories row is not the sum of their categories", n)
		}
		st, err := e.s.Stats(e.ctx, c, demand.StatsFilter{Area: laneA1, From: "2026-11-30", To: "2026-12-01"})
		if err != nil || st.Received != 3 || st.Overdue != 2 || *st.ResponseRate != 0 {
			t.Errorf("lane stats: %+v %v", st, err)
		}

		// Run the migration's Down (it drops the lane and grid rows), then its Up over these demands.
		src, err := os.ReadFile("../db/migrations/" + d.Dialect.String() + "/" + gridRollupsMigration)
		if err != nil {
			t.Fatal(err)
		}
		up, down, ok := strings.Cut(strings.TrimPrefix(string(src), "-- +goose Up"), "-- +goose Down")
		if !ok {
			t.Fatalf("%s has no Down section", gridRollupsMigration)
		}
		if _, err := d.Exec(e.ctx, down); err != nil {
			t.Fatal(err)
		}
		if n := len(e.rollupsBelowResidential(t)); n != 0 {
			t.Fatalf("%d lane and grid rollups left after the Down", n)
		}
		if _, err := d.Exec(e.ctx, up); err != nil {
			t.Fatal(err)
		}
		if migrated := e.rollupsBelowResidential(t); fmt.Sprint(migrated) != fmt.Sprint(served) {
			t.Errorf("the migration's rollups differ from the service's:\nmigration %v\nservice   %v", migrated, served)
		}
	})
}

// TestGridMap reads the map of a residential area with a lane: every grid
// with an outline, none without, rings in GeoJSON order and the figures.
func TestGridMap(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.addLane(t)
		// GridA1's outline is stored clockwise and open; the lane's grid has none.
		ring := [][2]float64{{31.21, 121.44}, {31.21, 121.45}, {31.20, 121.45}, {31.20, 121.44}}
		if err := d.InTx(e.ctx, func(tx *db.Tx) error { return demand.SaveShape(e.ctx, tx, testkit.GridA1, ring) }); err != nil {
			t.Fatal(err)
		}
		c := e.f.Users[auth.CommunityStaff]
		e.file(t, c, "noise", testkit.GridA1, "楼下夜宵店油烟和噪音")
		e.file(t, c, "noise", laneGridA1, "弄堂里夜里有人喧哗")
		m, err := e.s.GridMap(e.ctx, c, demand.StatsFilter{Area: testkit.ResA1, From: "2026-11-30", To: "2026-11-30"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Type != "FeatureCollection" || m.Level != "grid" || len(m.Features) != 1 {
			t.Fatalf("map: %+v", m)
		}
		f := m.Features[0]
		got := f.Geometry.Coordinates[0]
		wantRing := [][2]float64{{121.44, 31.21}, {121.44, 31.20}, {121.45, 31.20}, {121.45, 31.21}, {121.44, 31.21}}
		if f.ID != testkit.GridA1 || f.Geometry.Type != "Polygon" || fmt.Sprint(got) != fmt.Sprint(wantRing) {
			t.Errorf("feature %s %s %v, want ring %v", f.ID, f.Geometry.Type, got, wantRing)
		}
		if p := f.Properties; p.Key != testkit.GridA1 || p.Name != "第1网格" || p.Received != 1 || p.Open != 1 || p.SatisfactionRate != nil {
			t.Errorf("properties: %+v", p)
		}
	})
}

// rollupTotalsMismatch counts the areas and days whose all-categories
// rollup row is missing or differs from the sum of their category rows.
func (e *env) rollupTotalsMismatch(t *testing.T) int {
	t.Helper()
	var n int
	err := e.d.QueryRow(e.ctx, `SELECT count(*) FROM (
		SELECT area_path, day, sum(received) AS received, sum(response_base) AS response_base, sum(responded) AS responded, sum(rated) AS rated,
			sum(solved) AS solved, sum(satisfied) AS satisfied, sum(overdue) AS overdue, sum(open) AS open
		FROM demand_rollups WHERE category_code <> '' GROUP BY area_path, day) x
		LEFT JOIN demand_rollups t ON t.area_path = x.area_path AND t.day = x.day AND t.category_code = ''
		WHERE t.area_path IS NULL OR t.received <> x.received OR t.response_base <> x.response_base OR t.responded <> x.responded
			OR t.rated <> x.rated OR t.solved <> x.solved OR t.satisfied <> x.satisfied OR t.overdue <> x.overdue OR t.open <> x.open`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestGridMapBorders: a street's map of grids carries each residential
// area's border, the union of its grids (a grid in a lane counts for the
// residential area above the lane), named, in English too.
func TestGridMapBorders(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.addLane(t)
		// GridA1 and the lane's grid side by side: 东湖居民区 is the rectangle around both.
		shapes := map[string][][2]float64{
			testkit.GridA1: {{31.20, 121.44}, {31.20, 121.45}, {31.21, 121.45}, {31.21, 121.44}},
			laneGridA1:     {{31.20, 121.45}, {31.20, 121.46}, {31.21, 121.46}, {31.21, 121.45}},
		}
		err := d.InTx(e.ctx, func(tx *db.Tx) error {
			for code, ring := range shapes {
				if err := demand.SaveShape(e.ctx, tx, code, ring); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		street := e.f.Users[auth.StreetStaff]
		m, err := e.s.GridMap(e.ctx, street, demand.StatsFilter{Area: testkit.StreetA, From: "2026-11-30", To: "2026-11-30"})
		if err != nil {
			t.Fatal(err)
		}
		if m.Level != "grid" || len(m.Features) != 2 || len(m.Borders) != 1 {
			t.Fatalf("map: level %s, %d features, borders %+v", m.Level, len(m.Features), m.Borders)
		}
		b := m.Borders[0]
		want := "[[[121.44 31.2] [121.46 31.2] [121.46 31.21] [121.44 31.21] [121.44 31.2]]]"
		if b.ID != testkit.ResA1 || b.Name != "东湖居民区" || len(b.Rings) != 1 || fmt.Sprint(normalRing(b.Rings[0])) != want[1:len(want)-1] {
			t.Errorf("border %s %s %v, want %s", b.ID, b.Name, b.Rings, want)
		}
		// A district's map is of streets: no borders.
		dm, err := e.s.GridMap(e.ctx, e.f.Users[auth.DistrictAdmin], demand.StatsFilter{Area: testkit.District, From: "2026-11-30", To: "2026-11-30"})
		if err != nil || dm.Level != "street" || len(dm.Borders) != 0 {
			t.Fatalf("district map: %v level %s borders %v", err, dm.Level, dm.Borders)
		}
	})
}

// normalRing starts a closed ring at its smallest point, counterclockwise.
func normalRing(r [][2]float64) [][2]float64 {
	pts := r[:len(r)-1]
	k := 0
	for i, p := range pts {
		if p[0] < pts[k][0] || p[0] == pts[k][0] && p[1] < pts[k][1] {
			k = i
		}
	}
	out := append(append([][2]float64{}, pts[k:]...), pts[:k]...)
	area := 0.0
	for i := range out {
		p, q := out[i], out[(i+1)%len(out)]
		area += p[0]*q[1] - q[0]*p[1]
	}
	if area < 0 {
		slices.Reverse(out[1:])
	}
	return append(out, out[0])
}
