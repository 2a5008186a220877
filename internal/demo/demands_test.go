package demo_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/demo"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// demandDigest is what two builds of the demo must agree on.
type demandDigest struct {
	counts [6]int
	descs  []string
}

// checkDemoDemands checks the demands of a demo district built with clock
// c (TestBuild builds it once per engine) and returns what the engines'
// builds must agree on. It files one demand at its end.
func checkDemoDemands(t *testing.T, ctx context.Context, d *db.DB, c *clock.Fake) demandDigest {
	t.Helper()
	{
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		dg := digestOf(t, ctx, d)
		if dg.counts[0] < 100_000 {
			t.Errorf("%d demands, want at least 100,000", dg.counts[0])
		}
		t.Logf("demands %d, events %d, reporters %d, rollup rows %d, timers %d, shapes %d", dg.counts[0], dg.counts[1], dg.counts[2],
			dg.counts[3], dg.counts[4], dg.counts[5])

		// The district's three rates are in the 90s, as districts report.
		sys := auth.SystemPrincipal()
		svc := demand.NewService(d, c, nil)
		now := c.Now().In(clock.Shanghai)
		from, to := now.AddDate(-1, 0, 0).Format(time.DateOnly), now.Format(time.DateOnly)
		st, err := svc.Stats(ctx, sys, demand.StatsFilter{Area: demo.DistrictCode, From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("district: received %d, response %v, resolution %v, satisfaction %v, overdue %d, open %d",
			st.Received, *st.ResponseRate, *st.ResolutionRate, *st.SatisfactionRate, st.Overdue, st.Open)
		for name, r := range map[string]*float64{"response": st.ResponseRate, "resolution": st.ResolutionRate, "satisfaction": st.SatisfactionRate} {
			if r == nil || *r < 0.90 || *r > 0.99 {
				t.Errorf("%s rate %v, want 0.90–0.99", name, r)
			}
		}
		// Streets differ visibly.
		lo, hi := 1.0, 0.0
		for i := 1; i <= 13; i++ {
			s, err := svc.Stats(ctx, sys, demand.StatsFilter{Area: fmt.Sprintf("%s%03d", demo.DistrictCode, i), From: from, To: to})
			if err != nil {
				t.Fatal(err)
			}
			lo, hi = min(lo, *s.SatisfactionRate), max(hi, *s.SatisfactionRate)
		}
		if hi-lo < 0.03 {
			t.Errorf("street satisfaction spans only %.3f–%.3f", lo, hi)
		}

		// Open demands include overdue ones escalated one and two levels up;
		// duplicates were merged with their reporters; a few were unreasonable.
		open := "status NOT IN ('closed','merged')"
		if n := count("SELECT count(*) FROM demands WHERE " + open + " AND overdue AND escalation_level = 1"); n == 0 {
			t.Error("no open demand overdue at escalation level 1")
		}
		if n := count("SELECT count(*) FROM demands WHERE " + open + " AND overdue AND escalation_level = 2"); n == 0 {
			t.Error("no open demand overdue at escalation level 2")
		}
		if n := count("SELECT count(*) FROM demands WHERE " + open); n < 500 || n > 5000 {
			t.Errorf("%d open demands", n)
		}
		for _, s := range []demand.Status{demand.Received, demand.Dispatched, demand.Signed, demand.InProgress, demand.Resolved} {
			if n := count("SELECT count(*) FROM demands WHERE status = ?", string(s)); n == 0 {
				t.Errorf("no demand is %s", s)
			}
		}
		merged := count("SELECT count(*) FROM demands WHERE status = 'merged' AND duplicate_of IS NOT NULL")
		if merged < 100 {
			t.Errorf("%d merged duplicates", merged)
		}
		if n := count("SELECT count(*) FROM demand_reporters r JOIN demands m ON m.id = r.original_id WHERE r.demand_id = m.duplicate_of"); n != merged {
			t.Errorf("%d reporters moved to the surviving demand, want %d", n, merged)
		}
		if n := count("SELECT count(*) FROM demands WHERE status = 'merged' AND duplicate_of >= id"); n != 0 {
			t.Errorf("%d duplicates merged into a later demand", n)
		}
		if n := count("SELECT count(*) FROM demands WHERE unreasonable = 'approved'"); n == 0 {
			t.Error("no unreasonable demand")
		}
		for _, a := range []string{"receive", "dispatch", "sign", "contact", "resolve", "callback", "return", "extend", "approve_extension",
			"reopen", "overdue", "escalate", "merge", "merge_in", "close"} {
			if n := count("SELECT count(*) FROM demand_events WHERE action = ?", a); n == 0 {
				t.Errorf("no %s event", a)
			}
		}
		// Every demand's timeline starts with its receipt, in order.
		if n := count(`SELECT count(*) FROM demands d WHERE NOT EXISTS (SELECT 1 FROM demand_events e WHERE e.demand_id = d.id AND e.action = 'receive'
			AND e.id = (SELECT min(id) FROM demand_events x WHERE x.demand_id = d.id))`); n != 0 {
			t.Errorf("%d demands whose timeline does not start with receive", n)
		}
		if n := count(`SELECT count(*) FROM demand_events e JOIN demand_events f ON f.demand_id = e.demand_id AND f.id = e.id + 1 WHERE f.at < e.at`); n != 0 {
			t.Errorf("%d timeline steps out of order", n)
		}
		// Timers belong to open demands only, and none is overdue for the
		// runner: starting the server now fires nothing.
		if n := count("SELECT count(*) FROM jobs j JOIN demands d ON CAST(d.id AS TEXT) = j.key WHERE j.kind LIKE 'demand.%' AND d.status IN ('closed','merged')"); n != 0 {
			t.Errorf("%d timers of closed demands", n)
		}
		// Every area and day has its all-categories rollup row, the sum of its categories.
		if n := count(`SELECT count(*) FROM (SELECT area_path, day, sum(received) AS received, sum(open) AS open, sum(solved) AS solved
			FROM demand_rollups WHERE category_code <> '' GROUP BY area_path, day) x
			LEFT JOIN demand_rollups t ON t.area_path = x.area_path AND t.day = x.day AND t.category_code = ''
			WHERE t.area_path IS NULL OR t.received <> x.received OR t.open <> x.open OR t.solved <> x.solved`); n != 0 {
			t.Errorf("%d areas and days without a correct all-categories rollup", n)
		}
		fired, err := svc.RunDue(ctx)
		if err != nil || fired != 0 {
			t.Errorf("timers due at the demo's now: %d, %v", fired, err)
		}
		if n := count("SELECT count(*) FROM demand_reporters"); n != dg.counts[0] {
			t.Errorf("%d reporters for %d demands", n, dg.counts[0])
		}
		if n := count("SELECT count(DISTINCT tracking_hash) FROM demand_reporters"); n != dg.counts[0] {
			t.Errorf("%d distinct tracking hashes", n)
		}

		// Search finds two-character words.
		res, err := svc.List(ctx, sys, demand.ListFilter{Q: "噪音"})
		if err != nil || res.Total < 1000 {
			t.Errorf("search 噪音: %+v, %v", res, err)
		}
		res, err = svc.List(ctx, sys, demand.ListFilter{Q: "电梯", Category: "property_elevator"})
		if err != nil || res.Total < 500 {
			t.Errorf("search 电梯 in lifts: %+v, %v", res, err)
		}

		// The calendar: 2025 and 2026, make-up working days on weekends.
		days, err := svc.CalendarDays(ctx)
		if err != nil {
			t.Fatal(err)
		}
		years := map[string]int{}
		for _, day := range days {
			years[day.Date[:4]]++
			wd, _ := time.Parse(time.DateOnly, day.Date)
			if day.Kind == demand.KindWorkday && wd.Weekday() != time.Saturday && wd.Weekday() != time.Sunday {
				t.Errorf("make-up working day %s is a %s", day.Date, wd.Weekday())
			}
		}
		if years["2025"] < 20 || years["2026"] < 20 {
			t.Errorf("calendar years %v", years)
		}
		cats, err := svc.Categories(ctx, true)
		if err != nil || len(cats) < 15 {
			t.Fatalf("%d categories, %v", len(cats), err)
		}
		for _, cat := range cats {
			if _, err := demand.ParseLimit(cat.ContactLimit); err != nil {
				t.Errorf("%s: %v", cat.Code, err)
			}
			if cat.NameEN == "" {
				t.Errorf("%s has no English name", cat.Code)
			}
		}

		checkShapes(t, ctx, d, svc)
		checkRollups(t, ctx, d, c.Now())
		return dg
	}
}

// TestDemoDemandsRepeat builds the demo twice on one engine: the same seed
// and clock give the same demands. With PostgreSQL configured,
// TestDemoDemands already compares two builds, one per engine.
func TestDemoDemandsRepeat(t *testing.T) {
	if testing.Short() || len(testkit.Engines()) > 1 {
		t.Skip("builds the demo twice; TestDemoDemands compares the engines' builds")
	}
	var first demandDigest
	for i := range 2 {
		d := testkit.NewDB(t, db.SQLite)
		ctx := context.Background()
		c := testkit.Clock()
		if _, err := demo.Build(ctx, d, auth.NewService(d, c, testkit.TestHasher()), c); err != nil {
			t.Fatal(err)
		}
		dg := digestOf(t, ctx, d)
		if i == 0 {
			first = dg
			continue
		}
		if dg.counts != first.counts {
			t.Errorf("counts %v, then %v", first.counts, dg.counts)
		}
		if !slices.Equal(dg.descs, first.descs) || len(dg.descs) != 100 {
			t.Errorf("the first 100 descriptions differ between two builds")
		}
	}
}

func digestOf(t *testing.T, ctx context.Context, d *db.DB) demandDigest {
	t.Helper()
	var dg demandDigest
	for i, table := range []string{"demands", "demand_events", "demand_reporters", "demand_rollups", "jobs", "area_shapes"} {
		if err := d.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&dg.counts[i]); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := d.Query(ctx, "SELECT description FROM demands ORDER BY id LIMIT 100")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		dg.descs = append(dg.descs, s)
	}
	return dg
}

// checkShapes: every grid has an outline inside the district's extent, and
// a point inside a grid files a demand in that grid through intake by
// coordinates alone; a point outside the district is refused.
func checkShapes(t *testing.T, ctx context.Context, d *db.DB, svc *demand.Service) {
	t.Helper()
	var missing int
	if err := d.QueryRow(ctx, `SELECT count(*) FROM areas a WHERE a.level = 'grid' AND NOT EXISTS
		(SELECT 1 FROM area_shapes s WHERE s.area_code = a.code)`).Scan(&missing); err != nil || missing != 0 {
		t.Fatalf("%d grids without an outline, %v", missing, err)
	}
	rows, err := d.Query(ctx, `SELECT s.area_code, s.min_lat, s.max_lat, s.min_lng, s.max_lng, s.polygon FROM area_shapes s
		JOIN areas a ON a.code = s.area_code WHERE a.level = 'grid' ORDER BY s.area_code`)
	if err != nil {
		t.Fatal(err)
	}
	type grid struct {
		code                   string
		latS, latN, lngW, lngE float64
	}
	var grids []grid
	for rows.Next() {
		var g grid
		var poly string
		if err := rows.Scan(&g.code, &g.latS, &g.latN, &g.lngW, &g.lngE, &poly); err != nil {
			t.Fatal(err)
		}
		var ring [][2]float64
		if err := json.Unmarshal([]byte(poly), &ring); err != nil || len(ring) < 3 {
			t.Fatalf("%s: polygon %s: %v", g.code, poly, err)
		}
		if g.latS < 31.12 || g.latN > 31.22 || g.lngW < 121.40 || g.lngE > 121.47 || g.latS >= g.latN || g.lngW >= g.lngE {
			t.Errorf("%s outside Xuhui: %+v", g.code, g)
		}
		grids = append(grids, g)
	}
	rows.Close()
	if len(grids) < 1200 {
		t.Fatalf("%d grid outlines", len(grids))
	}
	// Outlines nest and tile: each area lies inside its parent, and the
	// children of an area cover exactly its extent.
	rows, err = d.Query(ctx, `SELECT a.code, COALESCE(a.parent_code, ''), s.min_lat, s.max_lat, s.min_lng, s.max_lng
		FROM area_shapes s JOIN areas a ON a.code = s.area_code`)
	if err != nil {
		t.Fatal(err)
	}
	type box struct {
		parent                 string
		latS, latN, lngW, lngE float64
	}
	boxes := map[string]box{}
	for rows.Next() {
		var code string
		var b box
		if err := rows.Scan(&code, &b.parent, &b.latS, &b.latN, &b.lngW, &b.lngE); err != nil {
			t.Fatal(err)
		}
		boxes[code] = b
	}
	rows.Close()
	if len(boxes) != 1+13+306+len(grids) {
		t.Errorf("%d outlines", len(boxes))
	}
	covered := map[string]float64{}
	for code, b := range boxes {
		if b.parent == "" {
			continue
		}
		p, ok := boxes[b.parent]
		const eps = 1e-9
		if !ok || b.latS < p.latS-eps || b.latN > p.latN+eps || b.lngW < p.lngW-eps || b.lngE > p.lngE+eps {
			t.Errorf("%s lies outside its parent %s", code, b.parent)
		}
		covered[b.parent] += (b.latN - b.latS) * (b.lngE - b.lngW)
	}
	for code, sum := range covered {
		p := boxes[code]
		if whole := (p.latN - p.latS) * (p.lngE - p.lngW); math.Abs(sum-whole) > whole*1e-6 {
			t.Errorf("the children of %s cover %.9f of its %.9f", code, sum, whole)
		}
	}
	for i := 0; i < len(grids); i += 23 {
		g := grids[i]
		for _, f := range [][2]float64{{0.5, 0.5}, {0.1, 0.9}, {0.9, 0.2}} {
			lat, lng := g.latS+f[0]*(g.latN-g.latS), g.lngW+f[1]*(g.lngE-g.lngW)
			filed, err := svc.Intake(ctx, nil, demand.NewDemand{Category: "noise", Description: "测试：夜间施工噪音扰民", Lat: &lat, Lng: &lng})
			if err != nil {
				t.Fatalf("intake at %.6f,%.6f (grid %s): %v", lat, lng, g.code, err)
			}
			if filed.Demand.Area != g.code {
				t.Errorf("point %.6f,%.6f inside grid %s filed in %s", lat, lng, g.code, filed.Demand.Area)
			}
		}
	}
	lat, lng := 31.30, 121.30
	if _, err := svc.Intake(ctx, nil, demand.NewDemand{Category: "noise", Description: "区外", Lat: &lat, Lng: &lng}); errs.Code(err) != errs.EINVALID {
		t.Errorf("intake outside the district: %v", err)
	}
}

// checkRollups recomputes the figures of sample areas from the demands
// rows, by the definitions in docs/, and compares them with the rollups
// row by row (day and category).
func checkRollups(t *testing.T, ctx context.Context, d *db.DB, now time.Time) {
	t.Helper()
	type key struct{ day, cat string }
	type fig [8]int // received, response base, responded, rated, solved, satisfied, overdue, open
	for _, path := range []string{"/310104/", "/310104/004/", "/310104/013/", "/310104/001/001/", "/310104/006/017/", "/310104/010/028/",
		"/310104/001/001/01/", "/310104/006/017/03/"} {
		want := map[key]fig{}
		cond, arg := area.Subtree(d.Dialect, "area_path", path)
		rows, err := d.Query(ctx, `SELECT category_code, created_at, status, duplicate_of, unreasonable, contacted_at, contact_due,
			contact_lapsed, satisfaction, solved, overdue FROM demands WHERE `+cond+` AND created_at <= ?`, arg, now)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var cat, status, unreasonable, satisfaction string
			var created, contactDue time.Time
			var contacted *time.Time
			var dup *int64
			var solved *bool
			var lapsed, overdue bool
			if err := rows.Scan(&cat, &created, &status, &dup, &unreasonable, &contacted, &contactDue, &lapsed, &satisfaction, &solved, &overdue); err != nil {
				t.Fatal(err)
			}
			if dup != nil || status == "merged" || unreasonable == "approved" {
				continue // a merged group counts once; unreasonable demands are left out
			}
			var f fig
			f[0] = 1
			if contacted != nil || lapsed {
				f[1] = 1
			}
			if contacted != nil && !contacted.After(contactDue) {
				f[2] = 1
			}
			if satisfaction != "" {
				f[3] = 1
				if solved != nil && *solved {
					f[4] = 1
				}
				if satisfaction == "satisfied" || satisfaction == "basic" {
					f[5] = 1
				}
			}
			if overdue {
				f[6] = 1
			}
			if status != "closed" {
				f[7] = 1
			}
			k := key{created.In(clock.Shanghai).Format(time.DateOnly), cat}
			w := want[k]
			for i := range f {
				w[i] += f[i]
			}
			want[k] = w
		}
		rows.Close()
		got := map[key]fig{}
		rows, err = d.Query(ctx, `SELECT day, category_code, received, response_base, responded, rated, solved, satisfied, overdue, open
			FROM demand_rollups WHERE area_path = ? AND category_code <> ''`, path)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k key
			var f fig
			if err := rows.Scan(&k.day, &k.cat, &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]); err != nil {
				t.Fatal(err)
			}
			if f != (fig{}) {
				got[k] = f
			}
		}
		rows.Close()
		least := 100
		if strings.Count(path, "/") > 4 {
			least = 10 // a grid has far fewer days and categories with demands
		}
		if len(want) < least {
			t.Errorf("%s: only %d day-category figures", path, len(want))
		}
		bad := 0
		for k, w := range want {
			if got[k] != w && bad < 5 {
				t.Errorf("%s %s %s: rollup %v, recomputed %v", path, k.day, k.cat, got[k], w)
				bad++
			}
		}
		for k, g := range got {
			if _, ok := want[k]; !ok && bad < 5 {
				t.Errorf("%s %s %s: rollup %v for no demand", path, k.day, k.cat, g)
				bad++
			}
		}
	}
}
