package e2e

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// maxLoopScreens is what the whole demand loop may take of staff screens,
// from a hotline call to a closed case (issue 8's done-when).
const maxLoopScreens = 6

// staffTab is one member of staff's browser tab, in a browser context of
// its own (its own cookies), signed in, on a desktop's or a phone's screen.
// It counts what the person does after signing in: screens (pages opened,
// by a link or an address; a form and the page its submission answers with
// are one screen, as the demand page is with its next step done), page
// loads (every navigation of the tab, submissions included) and clicks
// (buttons, links and radio buttons; typing counts for nothing).
type staffTab struct {
	t       *testing.T
	ctx     context.Context
	base    string
	loads   atomic.Int32
	screens int
	clicks  int
}

func newStaffTab(t *testing.T, browserCtx context.Context, base, user string, phone bool) *staffTab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
		t.Fatalf("open a tab: %v", err)
	}
	st := &staffTab{t: t, ctx: ctx, base: base}
	screen := chromedp.EmulateViewport(1200, 800) // the guide's pictures stay under 200 KB
	if phone {
		screen = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	steps(t, ctx, "sign in as "+user, screen,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(css(`input[name=username]`)),
		chromedp.SendKeys(css(`input[name=username]`), user),
		chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
		chromedp.Submit(css(`input[name=password]`)),
		chromedp.WaitReady(css(`form[action="/logout"]`)),
	)
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*page.EventFrameNavigated); ok && e.Frame.ParentID == "" {
			st.loads.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return st
}

// open opens a page by its address: a new screen.
func (s *staffTab) open(path, waitFor string) {
	s.t.Helper()
	s.screens++
	steps(s.t, s.ctx, "open "+path, chromedp.Navigate(s.base+path), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

// follow clicks a link to another page: a new screen.
func (s *staffTab) follow(what, link, waitFor string) {
	s.t.Helper()
	s.screens++
	s.clicks++
	steps(s.t, s.ctx, what, chromedp.Click(chromedp.CSS(link)), chromedp.WaitVisible(chromedp.CSS(waitFor)))
}

// click is a click on the screen: a radio button, or a button whose
// submission answers on the same screen.
func (s *staffTab) click(what, sel string, then ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	s.clicks++
	steps(s.t, s.ctx, what, append([]chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(sel))}, then...)...)
}

func (s *staffTab) typeIn(sel, text string) {
	s.t.Helper()
	steps(s.t, s.ctx, "type into "+sel, chromedp.SendKeys(chromedp.CSS(sel), text))
}

func (s *staffTab) text(sel string) string {
	s.t.Helper()
	return value(s.t, s.ctx, chromedp.Text(chromedp.CSS(sel)))
}

// TestBrowserWholeLoop (issue 8, done when): a hotline call goes from the
// phone to a closed case in at most 6 staff screens. The street's hotline
// operator files and dispatches the call on one screen; the grid worker, on
// a phone, finds it in the to-do list and signs for it, contacts the
// resident and resolves it on the demand page, each step leading the page;
// the operator finds it in the to-do list with the callback clock running
// and records the callback, which closes it. The demand is closed at the
// end (checked through the API). On the way, the browser takes the user
// guide's screenshots of these screens, of the urge/re-dispatch form and
// of the dashboard with its map (with GONGZHI_DOC_SHOTS set).
func TestBrowserWholeLoop(t *testing.T) {
	// SQLite only: the screens and clicks are the same templates on both
	// engines, and every step's queries run on both in internal/demand's
	// and internal/web's tests; on PostgreSQL the walk added two minutes of
	// CI for nothing it could find.
	for _, eng := range []db.Dialect{db.SQLite} {
		t.Run(eng.String(), func(t *testing.T) {
			browserCtx := browser(t)
			s := demoStore(t, eng)
			token := lastLine(s.run(t, "", "token", "create", "--username", "street").stdout)
			srv := s.serve(t)
			type demandJSON struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
				Area   string `json:"area"`
				Owner  string `json:"owner"`
				Lead   string `json:"lead"`
			}
			get := func(path string) demandJSON {
				t.Helper()
				var d demandJSON
				if st := srv.get(t, token, "/api/v1"+path, &d); st != 200 {
					t.Fatalf("GET %s: %d", path, st)
				}
				return d
			}

			// 1. The call, on the operator's intake screen: filed and dispatched with one click.
			op := newStaffTab(t, browserCtx, srv.URL, "street", false)
			const phone = "16600310001"
			op.open("/demands/new", `#d-category`)
			op.typeIn(`#d-category`, "噪音")
			op.typeIn(`#d-area`, "湖南居民区 第1网格")
			steps(t, op.ctx, "the proposed body", chromedp.WaitVisible(chromedp.CSS(`#proposed-lead`)))
			op.typeIn(`#d-description`, "全流程测试：小区门口的餐馆每晚排风扇噪音很大")
			op.typeIn(`#d-address`, "湖南路 8 号")
			op.typeIn(`#d-name`, "林先生")
			op.typeIn(`#d-phone`, phone)
			testkit.Contains(t, op.text(`#proposed-lead`), "第1网格")
			docShot(t, op.ctx, "loop-intake")
			op.click("file and dispatch", `#intake-submit`, chromedp.WaitVisible(chromedp.CSS(`#filed-dispatched`)))
			var found struct {
				Items []demandJSON `json:"items"`
			}
			if st := srv.get(t, token, "/api/v1/demands?q="+phone, &found); st != 200 || len(found.Items) != 1 {
				t.Fatalf("the call by its caller's phone: %d %+v", st, found.Items)
			}
			d := found.Items[0]
			id := strconv.FormatInt(d.ID, 10)
			if d.Status != "dispatched" || d.Lead != "31010400100101" || d.Owner != "310104001" {
				t.Fatalf("filed: %+v, want dispatched to 第1网格, owned by the street", d)
			}
			row, link := `tr[data-demand="`+id+`"]`, `tr[data-demand="`+id+`"] a[href="/demands/`+id+`"]`

			// 2. The grid worker, on a phone: the to-do list, then the demand page, its next step first.
			gw := newStaffTab(t, browserCtx, srv.URL, "grid", true)
			gw.open("/queue", row)
			testkit.Contains(t, gw.text(row), "下一步：签收")
			gw.follow("open the demand", link, `form[data-action="sign"]`)
			first := value(t, gw.ctx, chromedp.Evaluate[string](`document.querySelector('#d-actions ~ section.action form').dataset.action`))
			if first != "sign" {
				t.Errorf("the demand page leads with %q, want sign", first)
			}
			docShot(t, gw.ctx, "loop-demand-phone")
			gw.click("sign for it", `form[data-action="sign"] button[type=submit]`, chromedp.WaitVisible(chromedp.CSS(`form[data-action="contact"]`)))
			gw.typeIn(`#f-contact-note`, "已电话联系林先生，约定今晚上门查看")
			gw.click("first contact", `form[data-action="contact"] button[type=submit]`, chromedp.WaitVisible(chromedp.CSS(`form[data-action="resolve"]`)))
			gw.click("outcome: solved", `#f-resolve-outcome-solved`)
			gw.typeIn(`#f-resolve-resolution`, "已协调餐馆加装消音罩，夜间十点后停用排风扇")
			gw.click("resolve", `form[data-action="resolve"] button[type=submit]`, chromedp.WaitVisible(chromedp.CSS(`#timeline li[data-event="resolve"]`)))
			if d = get("/demands/" + id); d.Status != "resolved" {
				t.Fatalf("after the grid worker: %s, want resolved", d.Status)
			}

			// 3. The operator: the to-do list with the callback clock, then the callback.
			op.open("/queue", row)
			testkit.Contains(t, op.text(row), "下一步：回访", "回访还剩")
			docShot(t, op.ctx, "loop-queue")
			op.follow("open the demand", link, `form[data-action="callback"]`)
			op.click("satisfied", `#f-callback-sat-satisfied`)
			op.click("solved", `#f-callback-solved-yes`)
			op.typeIn(`#f-callback-note`, "回访林先生，夜间已无噪音")
			op.click("record the callback", `form[data-action="callback"] button[type=submit]`, chromedp.WaitVisible(chromedp.CSS(`#timeline li[data-event="callback"]`)))
			if d = get("/demands/" + id); d.Status != "closed" {
				t.Fatalf("after the callback: %s, want closed", d.Status)
			}

			screens, loads, clicks := op.screens+gw.screens, int(op.loads.Load()+gw.loads.Load()), op.clicks+gw.clicks
			t.Logf("call to closed case: %d staff screens (operator %d, grid worker %d), %d page loads, %d clicks",
				screens, op.screens, gw.screens, loads, clicks)
			if screens > maxLoopScreens {
				t.Errorf("the loop took %d staff screens, want at most %d", screens, maxLoopScreens)
			}
			// Every load is a screen opened or a form submitted: nothing loads behind the staff's back.
			if submits := 1 + 3 + 1; loads != screens+submits {
				t.Errorf("%d page loads for %d screens and %d submissions", loads, screens, submits)
			}

			// Not part of the loop: the screens the user guide shows beside it.
			guideShots(t, op, token, srv)
		})
	}
}

// guideShots takes the user guide's pictures of the street's supervision
// (urge and re-dispatch on an overdue demand) and of the dashboard with
// the grid map of the street, its residential areas outlined and named.
func guideShots(t *testing.T, op *staffTab, token string, srv *server) {
	t.Helper()
	var list struct {
		Items []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
			Lead   string `json:"lead"`
		} `json:"items"`
	}
	if st := srv.get(t, token, "/api/v1/demands?status=open&overdue=true&per_page=200", &list); st != 200 {
		t.Fatalf("overdue demands: %d", st)
	}
	var id int64
	for _, d := range list.Items {
		if (d.Status == "dispatched" || d.Status == "signed" || d.Status == "in_progress") && d.Lead != "" {
			id = d.ID
			break
		}
	}
	if id == 0 {
		t.Fatal("the demo has no overdue demand in handling under the street")
	}
	op.open("/demands/"+strconv.FormatInt(id, 10), `form[data-action="urge"]`)
	steps(t, op.ctx, "unfold the other actions and write an urge (not sent)",
		chromedp.Evaluate[chromedp.Void](`document.querySelector("details.more-actions").open = true; 0`),
		chromedp.SendKeys(chromedp.CSS(`#f-urge-note`), "已超时，请今天联系居民并说明办理计划"),
		chromedp.Evaluate[chromedp.Void](`document.activeElement.blur();
			document.getElementById("act-urge").scrollIntoView({block: "start"}); window.scrollBy(0, -140); 0`))
	docShot(t, op.ctx, "loop-urge")

	op.open("/demands/dashboard?area=310104001", `#grid-map[data-ready="1"]`)
	docShot(t, op.ctx, "loop-dashboard")
	if n := value(t, op.ctx, chromedp.Evaluate[string](`document.getElementById("grid-map").dataset.borders`)); n == "" || n == "0" {
		t.Errorf("the street's map outlines %q residential areas", n)
	}
	names := value(t, op.ctx, chromedp.Evaluate[string](`document.getElementById("map-list").textContent`))
	if !strings.Contains(names, "湖南居民区") || !strings.Contains(names, "第1网格") {
		t.Errorf("the map's list of grids lacks the names:\n%.300s", names)
	}
	steps(t, op.ctx, "scroll to the map", chromedp.Evaluate[chromedp.Void](`document.getElementById("map-h").scrollIntoView({block: "start"}); 0`))
	docShot(t, op.ctx, "loop-dashboard-map")
	// The map's names as text pass axe with the list unfolded (the walk sees it folded).
	steps(t, op.ctx, "unfold the map's grids", chromedp.Evaluate[chromedp.Void](`document.getElementById("map-list").open = true; 0`))
	a := &a11y{t: t, ctx: op.ctx, base: srv.URL}
	a.check("the street's dashboard with the map's grids unfolded")
	a.report()
}
