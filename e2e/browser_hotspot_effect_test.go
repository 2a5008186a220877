package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/demo"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestBrowserHotspotToEffect (issue 12) on a copy of the demo district, in
// process on SQLite so the test moves the server's clock: a street worker opens the
// hot-spot map and clicks the planted noise grid on it, makes that hot spot
// the month's topic and creates its project; a week later closes the topic;
// eight weeks on, with the weeks since in the rollups (the topic's grid at
// half its earlier rate, every other grid as before), the worker reads the
// measured effect on the topic's page and in the box on its project's page.
func TestBrowserHotspotToEffect(t *testing.T) {
	ctx := context.Background()
	// A copy of the suite's demo district, served in process so the test
	// moves the server's clock: from the moment the district was built (its
	// newest demand), which its hot spots and rollups are relative to.
	st := demoStore(t, db.SQLite) // before the browser: a first build takes a minute
	browserCtx := browser(t)
	d, err := db.Open(ctx, "", st[1])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	var built time.Time
	if err := d.QueryRow(ctx, "SELECT created_at FROM demands ORDER BY created_at DESC LIMIT 1").Scan(&built); err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(built.Add(time.Minute))
	as := auth.NewService(d, clk, testkit.TestHasher())
	street := demo.Login{Username: "street", Password: "gongzhi-demo-2026"}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	nt := notify.NewService(d, clk, notify.Options{})
	h, err := web.New(web.Deps{Services: platform.Services{DB: d, Auth: as, Org: org.NewService(d, clk), Clock: clk, Notify: nt,
		Demand: demand.NewService(d, clk, nt), Logger: logger}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// signIn opens a fresh tab signed in as the street worker (a session
	// does not last the weeks the clock jumps).
	signIn := func() context.Context {
		t.Helper()
		tab, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(tab); err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		steps(t, tab, "sign in", chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(css(`input[name=username]`)),
			chromedp.SendKeys(css(`input[name=username]`), street.Username),
			chromedp.SendKeys(css(`input[name=password]`), street.Password),
			chromedp.Submit(css(`input[name=password]`)), chromedp.WaitReady(css(`form[action="/logout"]`)))
		return tab
	}
	text := func(tab context.Context, sel string) string {
		t.Helper()
		return value(t, tab, chromedp.Text(css(sel)))
	}

	tab := signIn()
	steps(t, tab, "open the hot spots and their map",
		chromedp.Navigate(srv.URL+"/hotspots"),
		chromedp.Click(css(`a[href^="/hotspots/map"]`)),
		chromedp.WaitVisible(css(`#hotspot-map[data-ready="1"]`)))
	if n := value(t, tab, chromedp.Evaluate[string](`document.getElementById('hotspot-map').dataset.features`)); n == "" || n == "0" {
		t.Fatalf("the map drew %q grids", n)
	}
	if list := text(tab, `section[aria-labelledby="map-spots-h"]`); !strings.Contains(list, "噪音扰民") {
		t.Fatalf("the map's list does not hold the planted night noise:\n%s", list)
	}
	// Where the noise grid is on the map: the middle of its outline, in
	// the page's pixels (ECharts converts the longitude and latitude).
	at := value(t, tab, chromedp.Evaluate[[]float64](`(async () => {
		const el = document.getElementById('hotspot-map');
		el.scrollIntoView({block: 'center'});
		const geo = await (await fetch(el.dataset.src)).json();
		const f = geo.features.find(f => f.properties.spot && f.properties.category === '噪音扰民');
		const ring = f.geometry.coordinates[0].slice(0, -1);
		const mid = [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
		const px = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, mid);
		const box = el.getBoundingClientRect();
		return [box.left + px[0], box.top + px[1]];
	})()`, chromedp.EvalAwaitPromise))
	steps(t, tab, "click the noise grid on the map",
		chromedp.MouseClickXY(at[0], at[1]),
		chromedp.WaitVisible(css(`#tp-owner`)))
	if h := text(tab, `main h1`); !strings.Contains(h, "噪音扰民") {
		t.Fatalf("the map's click opened %q", h)
	}
	steps(t, tab, "make it the month's topic",
		chromedp.SendKeys(css(`#tp-owner`), "李书记"),
		chromedp.Click(css(`form[action="/monthly-topics"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#mp-summary`)))
	topicURL := value(t, tab, chromedp.Location())
	steps(t, tab, "create its root-cause project",
		chromedp.SendKeys(css(`#mp-summary`), "约谈酒吧经营者，夜间音量巡查"),
		chromedp.SendKeys(css(`#mp-ms`), "约谈经营者\n隔音改造完工"),
		chromedp.Click(css(`form[action$="/project"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#progress-h ~ p a[href^="/projects/"]`)))
	projectURL := value(t, tab, chromedp.Evaluate[string](`document.querySelector('#progress-h ~ p a[href^="/projects/"]').href`))

	// A week later the fix is in: the worker closes the topic today.
	clk.Advance(7 * 24 * time.Hour)
	tab = signIn()
	steps(t, tab, "close the topic",
		chromedp.Navigate(topicURL),
		chromedp.Click(css(`form[action$="/close"] button[type=submit]`)),
		chromedp.WaitNotPresent(css(`form[action$="/close"]`)), // the closed topic's page, not the one the click left
		chromedp.WaitVisible(css(`#effect-h`)))
	if e := text(tab, `section[aria-labelledby="effect-h"]`); !strings.Contains(e, "满四周") {
		t.Errorf("the just-closed topic's effect says %q, want to wait four weeks", e)
	}

	// Eight whole weeks after the Monday following the close, as the
	// rollups hold them (each grid's eight weeks summed on one day): the
	// topic's grid at half its count of the eight weeks before the topic,
	// every other grid as before.
	var grid, category, opened, closed string
	if err := d.QueryRow(ctx, `SELECT g.area_path, t.category_code, t.opened_on, t.closed_on FROM hotspot_topics t JOIN hotspot_topic_grids g ON g.topic_id = t.id
		WHERE t.project_id IS NOT NULL AND t.owner_name = '李书记'`).Scan(&grid, &category, &opened, &closed); err != nil {
		t.Fatal(err)
	}
	o, _ := time.Parse(time.DateOnly, opened)
	c, _ := time.Parse(time.DateOnly, closed)
	after := c.AddDate(0, 0, 7-(int(c.Weekday())+6)%7)
	rows, err := d.Query(ctx, `SELECT r.area_path, sum(r.received) FROM demand_rollups r JOIN areas a ON a.path = r.area_path AND a.level = 'grid'
		WHERE r.category_code = ? AND r.day >= ? AND r.day < ? GROUP BY r.area_path`, category, o.AddDate(0, 0, -56).Format(time.DateOnly), opened)
	if err != nil {
		t.Fatal(err)
	}
	before := map[string]int{}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			t.Fatal(err)
		}
		before[p] = n
	}
	rows.Close()
	for p, n := range before {
		if p == grid {
			n = (n + 1) / 2
		}
		if _, err := d.Exec(ctx, `INSERT INTO demand_rollups (area_path, category_code, day, received) VALUES (?, ?, ?, ?)`,
			p, category, after.AddDate(0, 0, 16).Format(time.DateOnly), n); err != nil {
			t.Fatal(err)
		}
	}
	clk.Advance(after.AddDate(0, 0, 7*8).Add(2 * time.Hour).Sub(clk.Now()))
	tab = signIn()
	steps(t, tab, "read the measured effect on the topic", chromedp.Navigate(topicURL), chromedp.WaitVisible(css(`#effect-h`)))
	fall := regexp.MustCompile(`与相近网格相比下降了 (\d+)%`)
	halved := func(where, v string) {
		t.Helper()
		m := fall.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("%s says %q, want a fall against similar grids", where, v)
		}
		if n, _ := strconv.Atoi(m[1]); n < 40 || n > 60 {
			t.Errorf("%s says %q, want a fall of about half", where, v)
		}
	}
	verdict := text(tab, `section[aria-labelledby="effect-h"] p.lead`)
	halved("the topic's effect", verdict)
	steps(t, tab, "and on its project", chromedp.Navigate(projectURL), chromedp.WaitVisible(css(`#mtopic-effect-h`)))
	box := text(tab, `aside[aria-labelledby="mtopic-effect-h"]`)
	halved("the project's box", box)
	if !strings.Contains(box, "每月一题成效："+verdict) {
		t.Errorf("the project's box says %q, want the topic's verdict %q", box, verdict)
	}
}
