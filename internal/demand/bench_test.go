package demand_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// queriesPerRun is how many queries one benchmark iteration times: the big
// benchmarks seed their data once per run, so run them with -benchtime 1x.
const queriesPerRun = 200

// The benchmarks of issue 3. Sizes come from the issue: 1,000,000 demands
// for stats and search, 100,000 open demands for the duplicate check, 64
// concurrent clients for intake. See docs/benchmarks.md for results.

var benchCategories = []struct{ code, name, text string }{
	{"noise", "噪音扰民", "%d号楼楼下晚上广场舞音响声音太大扰民"},
	{"parking", "停车管理", "小区%d号门口乱停车堵住消防通道"},
	{"sanitation", "环境卫生", "%d号楼垃圾箱满了没人清运气味很大"},
	{"property", "物业管理", "%d号楼电梯又坏了物业一直不修"},
	{"elderly", "养老服务", "%d号楼独居老人需要助餐服务"},
	{"building", "违章搭建", "%d号楼顶楼有人违章搭建阳光房"},
	{"municipal", "市政设施", "路口%d号路灯不亮晚上很危险"},
	{"neighbours", "邻里纠纷", "%d楼楼上漏水到楼下协商不成"},
	{"safety", "治安隐患", "%d号楼楼道堆放杂物有火灾隐患"},
	{"consult", "咨询建议", "咨询%d号楼加装电梯的补贴政策"},
}

var benchWords = []string{"每天", "最近", "周末", "一直", "反映多次", "希望尽快处理", "影响休息", "老人孩子", "晚上十点后", "早上六点"}

type benchDistrict struct {
	d     *db.DB
	s     *demand.Service
	clk   *clock.Fake
	res   []string // residential area codes
	paths map[string]string
}

// newBenchDistrict builds 13 streets × 24 residential areas and the categories.
func newBenchDistrict(b *testing.B, e db.Dialect) *benchDistrict {
	bd := &benchDistrict{d: testkit.NewDB(b, e), clk: testkit.Clock(), paths: map[string]string{}}
	bd.build(b)
	return bd
}

// keptDistrict is newBenchDistrict seeded with n demands, kept between runs
// when GONGZHI_BENCH_KEEP names a directory (SQLite) so that reruns skip the
// minutes of seeding; on PostgreSQL a database gz_bench_NAME is kept instead.
func keptDistrict(b *testing.B, e db.Dialect, name string, n, days int, openFrac float64) *benchDistrict {
	keep := os.Getenv("GONGZHI_BENCH_KEEP")
	if keep == "" {
		bd := newBenchDistrict(b, e)
		bd.seed(b, n, days, openFrac)
		return bd
	}
	ctx := context.Background()
	dsn, dir := "", filepath.Join(keep, name)
	if e == db.Postgres {
		server := os.Getenv(testkit.PostgresEnv)
		if server == "" {
			b.Skip(testkit.PostgresEnv + " not set")
		}
		admin, err := db.Open(ctx, server, "")
		if err != nil {
			b.Fatal(err)
		}
		dbname := "gz_bench_" + name
		var exists bool
		admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = ?)", dbname).Scan(&exists)
		if !exists {
			if _, err := admin.Exec(ctx, "CREATE DATABASE "+dbname+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"); err != nil {
				b.Fatal(err)
			}
		}
		admin.Close()
		u, err := url.Parse(server)
		if err != nil {
			b.Fatal(err)
		}
		u.Path = "/" + dbname
		dsn = u.String()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	h, err := db.Open(ctx, dsn, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	bd := &benchDistrict{d: h, clk: testkit.Clock(), paths: map[string]string{}}
	var have int
	h.QueryRow(ctx, "SELECT count(*) FROM demands").Scan(&have)
	if have != n {
		if have != 0 {
			b.Fatalf("%s holds %d demands, not %d: remove it", name, have, n)
		}
		bd.build(b)
		bd.seed(b, n, days, openFrac)
		return bd
	}
	for st := 1; st <= 13; st++ {
		for r := 1; r <= 24; r++ {
			rc := fmt.Sprintf("310104%03d%03d", st, r)
			bd.res = append(bd.res, rc)
			bd.paths[rc] = fmt.Sprintf("/310104/%03d/%03d/", st, r)
		}
	}
	bd.s = demand.NewService(bd.d, bd.clk, nil)
	return bd
}

// build writes the areas and categories.
func (bd *benchDistrict) build(b *testing.B) {
	ctx := context.Background()
	err := bd.d.InTx(ctx, func(tx *db.Tx) error {
		ins := db.NewBulkInsert(tx, "areas", []string{"code", "parent_code", "name", "level", "path"})
		ins.Add(ctx, "310104", nil, "徐汇区", "district", "/310104/")
		for st := 1; st <= 13; st++ {
			sc := fmt.Sprintf("310104%03d", st)
			ins.Add(ctx, sc, "310104", fmt.Sprintf("第%d街道", st), "street", fmt.Sprintf("/310104/%03d/", st))
			for r := 1; r <= 24; r++ {
				rc := fmt.Sprintf("%s%03d", sc, r)
				path := fmt.Sprintf("/310104/%03d/%03d/", st, r)
				ins.Add(ctx, rc, sc, fmt.Sprintf("第%d居民区", r), "residential", path)
				bd.res = append(bd.res, rc)
				bd.paths[rc] = path
			}
		}
		return ins.Close(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	bd.s = demand.NewService(bd.d, bd.clk, nil)
	for _, c := range benchCategories {
		if _, err := bd.s.SaveCategory(ctx, auth.SystemPrincipal(), demand.Category{Code: c.code, Name: c.name, ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func benchText(rng *rand.Rand, cat int) string {
	return fmt.Sprintf(benchCategories[cat].text, 1+rng.IntN(40)) + "，" + benchWords[rng.IntN(len(benchWords))] + benchWords[rng.IntN(len(benchWords))]
}

// seed bulk-loads n demands received over the last `days` days, the newest
// openFrac of them still open, with rollups as the service would keep them.
func (bd *benchDistrict) seed(b *testing.B, n, days int, openFrac float64) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	now := bd.clk.Now()
	rollups := map[[3]string]demand.Counts{}
	err := bd.d.InTx(ctx, func(tx *db.Tx) error {
		ins := db.NewBulkInsert(tx, "demands", []string{"category_code", "channel", "status", "area_code", "area_path", "description", "owner_area",
			"created_at", "updated_at", "contact_due", "resolve_due", "contacted_at", "satisfaction", "solved", "closed_at", "search_text"})
		for i := range n {
			cat := rng.IntN(len(benchCategories))
			area := bd.res[rng.IntN(len(bd.res))]
			created := now.Add(-time.Duration(float64(days*24)*float64(n-i)/float64(n)) * time.Hour)
			text := benchText(rng, cat)
			d := &demand.Demand{Category: benchCategories[cat].code, Status: demand.Closed, Area: area, AreaPath: bd.paths[area],
				CreatedAt: created, ContactDue: created.Add(2 * time.Hour), ResolveDue: created.Add(120 * time.Hour)}
			contacted := created.Add(time.Duration(30+rng.IntN(120)) * time.Minute)
			d.ContactedAt = &contacted
			solved := rng.Float64() < 0.93
			d.Solved, d.Satisfaction = &solved, []string{"satisfied", "satisfied", "basic", "dissatisfied"}[rng.IntN(4)]
			var closedAt any = created.Add(48 * time.Hour)
			if float64(i) >= float64(n)*(1-openFrac) {
				d.Status, d.Satisfaction, d.Solved, d.ContactedAt, closedAt = demand.Received, "", nil, nil, nil
			}
			var contactedAt, solvedV any
			if d.ContactedAt != nil {
				contactedAt = d.ContactedAt.UTC()
			}
			if d.Solved != nil {
				solvedV = *d.Solved
			}
			if err := ins.Add(ctx, d.Category, "hotline", string(d.Status), area, d.AreaPath, text, area, created, created,
				d.ContactDue, d.ResolveDue, contactedAt, d.Satisfaction, solvedV, closedAt, demand.SearchText(text)); err != nil {
				return err
			}
			c := demand.Contribution(d, false)
			for _, p := range demand.RollupPaths(d.AreaPath) {
				for _, cat := range []string{d.Category, demand.AllCategories} {
					k := [3]string{p, cat, demand.RollupDay(created)}
					rollups[k] = rollups[k].Add(c)
				}
			}
		}
		if err := ins.Close(ctx); err != nil {
			return err
		}
		r := db.NewBulkInsert(tx, "demand_rollups", []string{"area_path", "category_code", "day", "received", "response_base", "responded", "rated", "solved", "satisfied", "overdue", "open"})
		for k, c := range rollups {
			if err := r.Add(ctx, k[0], k[1], k[2], c.Received, c.ResponseBase, c.Responded, c.Rated, c.Solved, c.Satisfied, c.Overdue, c.Open); err != nil {
				return err
			}
		}
		return r.Close(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	if bd.d.Dialect == db.Postgres {
		bd.d.Exec(ctx, "ANALYZE")
	} else {
		bd.d.Exec(ctx, "ANALYZE")
	}
}

// percentiles reports p50 and p95 of the timings in milliseconds.
func percentiles(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	at := func(q float64) float64 {
		return float64(times[min(len(times)-1, int(q*float64(len(times))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// BenchmarkIntake64 files demands from 64 concurrent clients, with the
// notices a real server writes (inbox rows for the area's staff, a webhook
// delivery and its job) or without them (notify=off, the figure of issue 3),
// and divides the throughput by the same database's ceiling for durable
// one-row writes from 64 clients, measured in the same run: on SQLite rows
// committed in groups as intake commits them (one writer, a commit per
// group), on PostgreSQL one transaction a row (it groups WAL flushes
// itself). raw-tx/s is one transaction a row on both, the old baseline.
func BenchmarkIntake64(b *testing.B) {
	for _, e := range testkit.Engines() {
		for _, notices := range []bool{true, false} {
			name := e.String() + "/notify=on"
			if !notices {
				name = e.String() + "/notify=off"
			}
			b.Run(name, func(b *testing.B) { benchIntake(b, e, notices) })
		}
	}
}

func benchIntake(b *testing.B, e db.Dialect, notices bool) {
	ctx := context.Background()
	bd := newBenchDistrict(b, e)
	if notices {
		bd.addStaffAndWebhook(b)
		bd.s = demand.NewService(bd.d, bd.clk, notify.NewService(bd.d, bd.clk, notify.Options{Targets: notify.Targets{AllowPrivate: true}}))
	}
	const clients, perClient = 64, 40
	run := func(fn func(i int) error) float64 {
		var wg sync.WaitGroup
		var failed atomic.Int64
		start := time.Now()
		for c := range clients {
			wg.Go(func() {
				for i := range perClient {
					if fn(c*perClient+i) != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		if failed.Load() > 0 {
			b.Fatalf("%d operations failed", failed.Load())
		}
		return float64(clients*perClient) / time.Since(start).Seconds()
	}
	idCol := "id INTEGER PRIMARY KEY"
	if e == db.Postgres {
		idCol = "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	if _, err := bd.d.Exec(ctx, "CREATE TABLE bench_raw ("+idCol+", v TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	oneRow := func(int) error {
		return bd.d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Exec(ctx, "INSERT INTO bench_raw (v) VALUES (?)", "x")
			return err
		})
	}
	ceiling := oneRow
	if e == db.SQLite {
		g := newGroupWriter(ctx, bd.d)
		defer g.close()
		ceiling = func(int) error { return g.write() }
	}
	var intake, raw, ceil float64
	rowsBefore := totalRows(b, bd.d)
	for i := 0; i < b.N; i++ {
		raw += run(oneRow)
		ceil += run(ceiling)
		intake += run(func(i int) error {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			cat := rng.IntN(len(benchCategories))
			_, err := bd.s.Intake(ctx, nil, demand.NewDemand{Category: benchCategories[cat].code, Description: benchText(rng, cat),
				Area: bd.res[rng.IntN(len(bd.res))], Reporter: demand.ReporterInput{Name: "张三", Phone: "13800001111"}})
			return err
		})
	}
	if notices {
		var inbox, deliveries int
		bd.d.QueryRow(ctx, "SELECT count(*) FROM inbox").Scan(&inbox)
		bd.d.QueryRow(ctx, "SELECT count(*) FROM webhook_deliveries").Scan(&deliveries)
		if inbox == 0 || deliveries == 0 {
			b.Fatalf("intake wrote %d inbox rows and %d webhook deliveries; the notices are not being measured", inbox, deliveries)
		}
	}
	// Rows an intake adds (demand, reporter, events, jobs, notices, audit
	// …; rollup rows it only updates not counted), less the raw rows.
	perIntake := float64(totalRows(b, bd.d)-rowsBefore-2*b.N*clients*perClient) / float64(b.N*clients*perClient)
	b.ReportMetric(peakRSS(), "peak-rss-MiB")
	b.ReportMetric(intake/float64(b.N), "intakes/s")
	b.ReportMetric(perIntake, "rows/intake")
	b.ReportMetric(ceil/float64(b.N), "ceiling-rows/s")
	b.ReportMetric(raw/float64(b.N), "raw-tx/s")
	// The share of the machine's ceiling for durable rows that intake's
	// own rows reach: the rest is checks, routing, indexes and updates.
	b.ReportMetric(intake*perIntake/ceil, "ratio")
}

// totalRows counts the rows of every table of the schema.
func totalRows(b *testing.B, d *db.DB) int {
	ctx := context.Background()
	q := "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'demands_fts%' AND name <> 'goose_db_version'"
	if d.Dialect == db.Postgres {
		q = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'goose_db_version'"
	}
	rows, err := d.Query(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var t string
		rows.Scan(&t)
		tables = append(tables, t)
	}
	rows.Close()
	total := 0
	for _, t := range tables {
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			b.Fatal(err)
		}
		total += n
	}
	return total
}

// groupWriter is the ceiling of durable one-row writes on SQLite: one
// writer commits whatever rows are waiting in one transaction and answers
// each caller after the commit that holds its row.
type groupWriter struct {
	d    *db.DB
	in   chan chan error
	done chan struct{}
}

func newGroupWriter(ctx context.Context, d *db.DB) *groupWriter {
	g := &groupWriter{d: d, in: make(chan chan error, 256), done: make(chan struct{})}
	go func() {
		defer close(g.done)
		for first := range g.in {
			batch := []chan error{first}
		more:
			for {
				select {
				case c, ok := <-g.in:
					if !ok {
						break more
					}
					batch = append(batch, c)
				default:
					break more
				}
			}
			err := d.InTx(ctx, func(tx *db.Tx) error {
				for range batch {
					if _, err := tx.Exec(ctx, "INSERT INTO bench_raw (v) VALUES (?)", "x"); err != nil {
						return err
					}
				}
				return nil
			})
			for _, c := range batch {
				c <- err
			}
		}
	}()
	return g
}

func (g *groupWriter) write() error {
	c := make(chan error, 1)
	g.in <- c
	return <-c
}

func (g *groupWriter) close() { close(g.in); <-g.done }

// addStaffAndWebhook gives every residential area and street a staff
// member, so intake writes inbox notices as on a real district, and adds a
// webhook subscribed to every event.
func (bd *benchDistrict) addStaffAndWebhook(b *testing.B) {
	ctx := context.Background()
	now := bd.clk.Now()
	err := bd.d.InTx(ctx, func(tx *db.Tx) error {
		users := db.NewBulkInsert(tx, "users", []string{"id", "username", "created_at"})
		grants := db.NewBulkInsert(tx, "grants", []string{"user_id", "role", "area_code", "area_path"})
		id := int64(1000)
		for code, path := range bd.paths {
			for _, g := range [][3]string{{"community_staff", code, path}, {"street_staff", code[:9], path[:12]}} {
				if g[0] == "street_staff" && code[9:] != "001" {
					continue
				}
				id++
				if err := users.Add(ctx, id, fmt.Sprintf("staff%d", id), now); err != nil {
					return err
				}
				if err := grants.Add(ctx, id, g[0], g[1], g[2]); err != nil {
					return err
				}
			}
		}
		if err := users.Close(ctx); err != nil {
			return err
		}
		if err := grants.Close(ctx); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO webhooks (url, secret, events, active, created_at) VALUES ('http://127.0.0.1:9/hook', 'whsec_bench', '*', TRUE, ?)", now)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkStats1M reads the three rates of the district or a street for a
// year at 1,000,000 demands (target p95 ≤ 50 ms) and compares with the same
// figures added up from the demands table (GROUP BY category).
func BenchmarkStats1M(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) {
			ctx := context.Background()
			bd := keptDistrict(b, e, "stats1m", 1_000_000, 365, 0.02)
			sys := auth.SystemPrincipal()
			to := bd.clk.Now().In(clock.Shanghai).Format(time.DateOnly)
			from := bd.clk.Now().In(clock.Shanghai).AddDate(-1, 0, 0).Format(time.DateOnly)
			var stats, plain []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N*queriesPerRun; i++ {
				area := "310104"
				if i%2 == 1 {
					area = fmt.Sprintf("310104%03d", 1+i%13)
				}
				start := time.Now()
				st, err := bd.s.Stats(ctx, sys, demand.StatsFilter{Area: area, From: from, To: to})
				stats = append(stats, time.Since(start))
				if err != nil || st.Received == 0 {
					b.Fatalf("stats: %+v %v", st, err)
				}
				// The same eight figures added up from the demands table, by
				// category as a report without rollups would: what the
				// rollups save. They must agree with the rollups.
				start = time.Now()
				plainSt, err := plainStats(ctx, bd.d, area, from, to)
				plain = append(plain, time.Since(start))
				if err != nil || plainSt.Received != st.Received || plainSt.Rated != st.Rated || plainSt.Open != st.Open || plainSt.Solved != st.Solved {
					b.Fatalf("plain aggregate %+v disagrees with the rollups %+v (%v)", plainSt, st, err)
				}
			}
			b.StopTimer()
			percentiles(b, stats)
			slices.Sort(plain)
			b.ReportMetric(float64(plain[len(plain)/2].Microseconds())/1000, "plain-groupby-p50-ms")
			slices.Sort(stats)
			b.ReportMetric(float64(plain[len(plain)/2])/float64(stats[len(stats)/2]), "speedup")
		})
	}
}

// BenchmarkSearch1M searches 1,000,000 demands for Chinese words (target
// p95 ≤ 100 ms), as the search page asks: a district admin, a street worker
// (scope: one street) and a residential-area worker, with and without the
// page's filters (open only, a category, an area, a channel, overdue, a
// date range), newest first, 50 a page, with the total. Every query is
// checked against its own count.
func BenchmarkSearch1M(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) {
			ctx := context.Background()
			bd := keptDistrict(b, e, "search1m", 1_000_000, 365, 0.02)
			grant := func(r auth.Role, code, path string) *auth.Principal {
				return &auth.Principal{Username: string(r), Grants: []auth.Grant{{Role: r, AreaCode: code, AreaPath: path}}}
			}
			who := []*auth.Principal{
				grant(auth.DistrictAdmin, "310104", "/310104/"),
				grant(auth.StreetStaff, "310104003", "/310104/003/"),
				grant(auth.CommunityStaff, "310104003007", "/310104/003/007/"),
			}
			yes := true
			month := bd.clk.Now().In(clock.Shanghai).AddDate(0, -1, 0).Format(time.DateOnly)
			filters := []demand.ListFilter{{}, {}, {}, {Status: "open"}, {Category: "property"}, {Area: "310104003007"}, {Channel: "hotline"},
				{Overdue: &yes}, {From: month}}
			queries := []string{"噪音", "广场舞", "电梯", "乱停车", "火灾隐患", "漏水", "路灯", "独居老人"}
			var times, plain []time.Duration
			var capped int
			b.ResetTimer()
			for i := 0; i < b.N*queriesPerRun; i++ {
				p, f := who[i%len(who)], filters[i%len(filters)]
				if f.Area != "" && p.Grants[0].Role == auth.DistrictAdmin {
					f.Area = "310104005001" // another street's area
				}
				f.Q, f.PerPage = queries[i%len(queries)], 50
				start := time.Now()
				res, err := bd.s.List(ctx, p, f)
				if f == (demand.ListFilter{Q: f.Q, PerPage: 50}) {
					plain = append(plain, time.Since(start))
				}
				times = append(times, time.Since(start))
				if os.Getenv("GONGZHI_BENCH_TRACE") != "" {
					fmt.Printf("TRACE %6.1f ms %s %+v total=%d\n", float64(time.Since(start).Microseconds())/1000, p.Grants[0].Role, f, res.Total)
				}
				if err != nil || len(res.Items) > res.Total || res.Total > 0 && len(res.Items) == 0 {
					b.Fatalf("search %+v: %+v %v", f, res, err)
				}
				if res.TotalCapped {
					capped++
				}
			}
			// The same pages with no words: plain lists.
			var lists []time.Duration
			for i := 0; i < b.N*queriesPerRun/4; i++ {
				p, f := who[i%len(who)], filters[i%len(filters)]
				if f.Area != "" && p.Grants[0].Role == auth.DistrictAdmin {
					f.Area = "310104005001"
				}
				f.PerPage = 50
				start := time.Now()
				res, err := bd.s.List(ctx, p, f)
				lists = append(lists, time.Since(start))
				if err != nil || res.Total > 0 && len(res.Items) == 0 {
					b.Fatalf("list %+v: %+v %v", f, res, err)
				}
				if os.Getenv("GONGZHI_BENCH_TRACE") != "" {
					fmt.Printf("TRACE list %6.1f ms %s %+v total=%d\n", float64(lists[len(lists)-1].Microseconds())/1000, p.Grants[0].Role, f, res.Total)
				}
			}
			b.StopTimer()
			percentiles(b, times)
			slices.Sort(plain)
			b.ReportMetric(float64(plain[len(plain)*95/100].Microseconds())/1000, "unfiltered-p95-ms")
			b.ReportMetric(float64(capped), "capped-counts")
			slices.Sort(lists)
			b.ReportMetric(float64(lists[len(lists)*95/100].Microseconds())/1000, "list-p95-ms")
		})
	}
}

// BenchmarkSimilar100k checks a new complaint against 100,000 open demands
// received in the last 30 days (target ≤ 2 ms per check).
func BenchmarkSimilar100k(b *testing.B) {
	for _, e := range testkit.Engines() {
		b.Run(e.String(), func(b *testing.B) {
			ctx := context.Background()
			bd := newBenchDistrict(b, e)
			bd.seed(b, 100_000, 30, 1.0)
			sys := auth.SystemPrincipal()
			// The first check loads the index: weigh it, and keep the load out of the timings.
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			if _, err := bd.s.SimilarText(ctx, sys, benchCategories[0].code, bd.res[0], "广场舞"); err != nil {
				b.Fatal(err)
			}
			loadSeconds := time.Since(start).Seconds()
			runtime.GC()
			runtime.ReadMemStats(&after)
			indexMiB := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
			rng := rand.New(rand.NewPCG(9, 9))
			check := func() time.Duration {
				cat := rng.IntN(len(benchCategories))
				text := benchText(rng, cat)
				area := bd.res[rng.IntN(len(bd.res))]
				start := time.Now()
				_, err := bd.s.SimilarText(ctx, sys, benchCategories[cat].code, area, text)
				if err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			// p50/p95: each check comes after the last catch-up is stale, so it
			// queries the database first (a quiet server); warm-p50/p95: checks
			// within demand.SimilarStaleness of one another (a busy server).
			var times, warm []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N*queriesPerRun; i++ {
				bd.clk.Advance(demand.SimilarStaleness)
				times = append(times, check())
				warm = append(warm, check())
			}
			b.StopTimer()
			percentiles(b, times)
			slices.Sort(warm)
			b.ReportMetric(float64(warm[len(warm)/2].Microseconds())/1000, "warm-p50-ms")
			b.ReportMetric(float64(warm[len(warm)*95/100].Microseconds())/1000, "warm-p95-ms")
			b.ReportMetric(indexMiB, "index-MiB") // after ResetTimer, which drops reported metrics
			b.ReportMetric(loadSeconds, "load-s")
		})
	}
}

// peakRSS is the process's peak resident memory (VmHWM) in MiB: the
// service, the database driver and the 64 clients together.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// plainStats adds up a Stats from the demands table itself, by category,
// with the rules of demand.contribution written in SQL.
func plainStats(ctx context.Context, d *db.DB, code, from, to string) (demand.Stats, error) {
	path := "/310104/"
	if len(code) == 9 {
		path = "/310104/" + code[6:] + "/"
	}
	cond, arg := area.Subtree(d.Dialect, "area_path", path)
	lo, err1 := time.ParseInLocation(time.DateOnly, from, clock.Shanghai)
	hi, err2 := time.ParseInLocation(time.DateOnly, to, clock.Shanghai)
	if err1 != nil || err2 != nil {
		return demand.Stats{}, fmt.Errorf("bad period %s..%s", from, to)
	}
	rows, err := d.Query(ctx, `SELECT category_code, count(*),
		sum(CASE WHEN contacted_at IS NOT NULL OR contact_lapsed THEN 1 ELSE 0 END),
		sum(CASE WHEN contacted_at IS NOT NULL AND contacted_at <= contact_due THEN 1 ELSE 0 END),
		sum(CASE WHEN satisfaction <> '' THEN 1 ELSE 0 END),
		sum(CASE WHEN satisfaction <> '' AND solved THEN 1 ELSE 0 END),
		sum(CASE WHEN satisfaction IN ('satisfied', 'basic') THEN 1 ELSE 0 END),
		sum(CASE WHEN overdue THEN 1 ELSE 0 END),
		sum(CASE WHEN status NOT IN ('closed', 'merged') THEN 1 ELSE 0 END)
		FROM demands WHERE `+cond+` AND created_at >= ? AND created_at < ?
		AND duplicate_of IS NULL AND status <> 'merged' AND unreasonable <> 'approved'
		GROUP BY category_code`, arg, lo.UTC(), hi.AddDate(0, 0, 1).UTC())
	if err != nil {
		return demand.Stats{}, err
	}
	defer rows.Close()
	var st demand.Stats
	for rows.Next() {
		var cat string
		var x demand.Stats
		if err := rows.Scan(&cat, &x.Received, &x.ResponseBase, &x.Responded, &x.Rated, &x.Solved, &x.Satisfied, &x.Overdue, &x.Open); err != nil {
			return st, err
		}
		st.Received, st.ResponseBase, st.Responded, st.Rated = st.Received+x.Received, st.ResponseBase+x.ResponseBase, st.Responded+x.Responded, st.Rated+x.Rated
		st.Solved, st.Satisfied, st.Overdue, st.Open = st.Solved+x.Solved, st.Satisfied+x.Satisfied, st.Overdue+x.Overdue, st.Open+x.Open
	}
	return st, rows.Err()
}
