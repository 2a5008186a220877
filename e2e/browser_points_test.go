package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/activity"
	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/party"
	"gongzhi/internal/platform"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestBrowserMemberPoints (issue 10): a member checks in and out of an
// activity, the points job counts the verified service, and on a
// phone-sized screen the member follows the link on their page and sees
// the points with their reason. In process, on SQLite.
func TestBrowserMemberPoints(t *testing.T) {
	browserCtx := browser(t)
	ctx, sys := context.Background(), auth.SystemPrincipal()
	d := testkit.NewDB(t, db.SQLite)
	f := testkit.NewFixture(t, d)
	clk := testkit.Clock()
	nt := notify.NewService(d, clk, notify.Options{})
	h, err := web.New(web.Deps{Services: platform.Services{DB: d, Auth: f.Auth, Org: org.NewService(d, clk), Clock: clk, Notify: nt,
		Demand: demand.NewService(d, clk, nt), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	path, _ := area.Path(ctx, d, testkit.ResA1)
	orgID, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path)
	if err != nil {
		t.Fatal(err)
	}
	ps := party.NewService(d, clk)
	m, err := ps.Create(ctx, sys, party.Input{Name: "王建国", Kind: "在职", PartyOrgID: orgID})
	if err == nil {
		_, err = ps.LinkUser(ctx, sys, m.ID, "member")
	}
	if err != nil {
		t.Fatal(err)
	}
	pts := points.NewService(d, clk)
	rs, err := pts.CreateRuleset(ctx, sys, points.RulesetInput{Year: clk.Now().Year(), Rules: []points.Rule{{Module: points.ModVolunteer, Per: points.PerHour, Points: 2, WeekCap: 8}}})
	if err == nil {
		_, err = pts.Apply(ctx, sys, rs.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	// Sign up, check in, check out 90 minutes later: verified service.
	acts := activity.NewService(d, clk, nil)
	start := clk.Now().Add(30 * time.Minute)
	a, err := acts.Create(ctx, sys, activity.Input{Title: "楼道清洁志愿服务", Start: start, End: start.Add(2 * time.Hour),
		Place: "东湖居民区党群服务站", Audience: activity.ForAll, Area: testkit.ResA1})
	if err != nil {
		t.Fatal(err)
	}
	member := f.Users[auth.Member]
	code, _, err := acts.CurrentCode(ctx, sys, a.ID)
	if err == nil {
		_, err = acts.SignUp(ctx, member, a.ID)
	}
	if err == nil {
		_, err = acts.CheckIn(ctx, member, a.ID, code)
	}
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(90 * time.Minute)
	if code, _, err = acts.CurrentCode(ctx, sys, a.ID); err == nil {
		_, err = acts.CheckOut(ctx, member, a.ID, code)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pts.Sync(ctx); err != nil { // what the 10-minute job runs
		t.Fatal(err)
	}

	c, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(c); err != nil { // open the tab without a deadline
		t.Fatalf("open a tab: %v", err)
	}
	steps(t, c, "sign in as the member on a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "member"),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testkit.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)))
	steps(t, c, "my page, then my points", chromedp.Navigate(srv.URL+"/my"), chromedp.WaitVisible(chromedp.CSS(`a[href="/my/points"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/my/points"]`)), chromedp.WaitVisible(chromedp.CSS(`#my-points`)))
	testkit.Contains(t, value(t, c, chromedp.Text(chromedp.CSS(`#my-points`))), "3 分")
	testkit.Contains(t, value(t, c, chromedp.Text(chromedp.CSS(`#my-entries`))), "志愿服务：核实服务 90 分钟，每小时 2 分", "来源：活动签退记录")
}
