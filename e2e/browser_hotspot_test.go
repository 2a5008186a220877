package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/db"
)

// TestBrowserHotspot (issue 12) on the demo district, SQLite only: the
// street worker opens the week's hot spots, finds the bar-street grid's
// night noise planted in their street, reads why it is unusual, makes it
// the month's topic, and creates its root-cause project; the district
// admin reads the closed demo topic's measured effect.
func TestBrowserHotspot(t *testing.T) {
	browserCtx := browser(t)
	s := demoStore(t, db.SQLite)
	srv := s.serve(t)
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	tab := func(user string) context.Context {
		t.Helper()
		ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
			t.Fatalf("open a tab: %v", err)
		}
		steps(t, ctx, "sign in as "+user, chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(css(`input[name=username]`)),
			chromedp.SendKeys(css(`input[name=username]`), user),
			chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
			chromedp.Submit(css(`input[name=password]`)),
			chromedp.WaitReady(css(`form[action="/logout"]`)),
		)
		return ctx
	}
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		return value(t, ctx, chromedp.Text(css(sel)))
	}

	street := tab("street")
	steps(t, street, "open the hot spots",
		chromedp.Navigate(srv.URL+"/hotspots"),
		chromedp.WaitVisible(css(`#spots-h`)),
	)
	list := text(street, `section[aria-labelledby="spots-h"]`)
	if !strings.Contains(list, "噪音扰民") {
		t.Fatalf("the street's hot spots do not show the planted night noise:\n%s", list)
	}
	steps(t, street, "open the first hot spot's explanation",
		chromedp.Click(css(`section[aria-labelledby="spots-h"] tbody tr:first-child td a[href^="/hotspots/"]`)),
		chromedp.WaitVisible(css(`#tp-owner`)),
	)
	if why := text(street, `p.lead`); !strings.Contains(why, "倍") {
		t.Errorf("the explanation says %q, want how many times the usual", why)
	}
	steps(t, street, "make it the month's topic",
		chromedp.SendKeys(css(`#tp-owner`), "李书记"),
		chromedp.Click(css(`form[action="/monthly-topics"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#mp-summary`)),
	)
	steps(t, street, "create its root-cause project",
		chromedp.SendKeys(css(`#mp-summary`), "约谈酒吧经营者，夜间音量巡查"),
		chromedp.SendKeys(css(`#mp-ms`), "约谈经营者\n隔音改造完工"),
		chromedp.Click(css(`form[action$="/project"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#progress-h ~ p a[href^="/projects/"]`)),
	)
	if p := text(street, `section[aria-labelledby="progress-h"]`); !strings.Contains(p, "项目节点完成 0 / 2") || !strings.Contains(p, "关联诉求") {
		t.Errorf("the topic's progress says %q", p)
	}

	admin := tab("admin")
	steps(t, admin, "open the closed topics",
		chromedp.Navigate(srv.URL+"/monthly-topics?status=closed"),
		chromedp.Click(css(`table.list tbody tr:first-child a[href^="/monthly-topics/"]`)),
		chromedp.WaitVisible(css(`#effect-h`)),
	)
	if v := text(admin, `section[aria-labelledby="effect-h"] p.lead`); !strings.Contains(v, "下降了") {
		t.Errorf("the closed topic's effect says %q, want the fall against similar grids", v)
	}
}
