package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
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
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestBrowserPartyCheckin (issue 10): on a phone-sized screen a member
// signs up for an activity; the organiser's screen shows the rotating QR
// code; the member's own session opens the code's URL and checks in; an
// hour and a half later (the server's clock moved, the code rotated) the
// member checks out with the new code and sees the hours on their page.
// In process, on SQLite, so the test moves the server's clock instead of
// waiting for it.
func TestBrowserPartyCheckin(t *testing.T) {
	browserCtx := browser(t)
	ctx := context.Background()
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

	// The member's record, linked to the fixture's member login, and an
	// activity starting in half an hour (check-in is open).
	staff := f.Users[auth.CommunityStaff]
	path, _ := area.Path(ctx, d, testkit.ResA1)
	orgID, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path)
	if err != nil {
		t.Fatal(err)
	}
	ps := party.NewService(d, clk)
	m, err := ps.Create(ctx, staff, party.Input{Name: "王建国", Kind: "在职", PartyOrgID: orgID, HomeArea: testkit.ResA1})
	if err == nil {
		_, err = ps.LinkUser(ctx, staff, m.ID, "member")
	}
	if err != nil {
		t.Fatal(err)
	}
	start := clk.Now().Add(30 * time.Minute)
	a, err := activity.NewService(d, clk, nil).Create(ctx, staff, activity.Input{Title: "楼道清洁志愿服务", Start: start, End: start.Add(2 * time.Hour),
		Place: "东湖居民区党群服务站", Capacity: 20, Audience: activity.ForAll, Area: testkit.ResA1})
	if err != nil {
		t.Fatal(err)
	}
	page := srv.URL + "/activities/" + strconv.FormatInt(a.ID, 10)

	tab := func(user string, phone bool) context.Context {
		c, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(c); err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		screen := chromedp.EmulateViewport(1200, 800)
		if phone {
			screen = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
		}
		steps(t, c, "sign in as "+user, screen,
			chromedp.Navigate(srv.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), testkit.Password),
			chromedp.Submit(chromedp.CSS(`input[name=password]`)),
			chromedp.WaitReady(chromedp.CSS(`form[action="/logout"]`)))
		return c
	}
	phone := tab("member", true)
	organiser := tab("community_staff", false)

	steps(t, phone, "sign up", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#signup`)),
		chromedp.Click(chromedp.CSS(`#signup`)), chromedp.WaitVisible(chromedp.CSS(`#my-status`)))
	testkit.Contains(t, value(t, phone, chromedp.Text(chromedp.CSS(`#my-status`))), "已报名")

	code := func() string {
		steps(t, organiser, "the organiser's screen", chromedp.Navigate(page+"/screen"), chromedp.WaitVisible(chromedp.CSS(`#checkin-qr`)))
		u := value(t, organiser, chromedp.Evaluate[string](`document.querySelector('#checkin-qr').dataset.url`))
		if !strings.HasPrefix(u, srv.URL+"/checkin/"+strconv.FormatInt(a.ID, 10)+"?c=") {
			t.Fatalf("the code's URL is %q", u)
		}
		return u
	}
	first := code()
	steps(t, phone, "open the code's URL and check in", chromedp.Navigate(first), chromedp.WaitVisible(chromedp.CSS(`#checkin-button`)),
		chromedp.Click(chromedp.CSS(`#checkin-button`)), chromedp.WaitVisible(chromedp.CSS(`#checkin-done`)))
	steps(t, organiser, "the head count", chromedp.Navigate(page+"/screen"), chromedp.WaitVisible(chromedp.CSS(`#head-present`)))
	if n := value(t, organiser, chromedp.Text(chromedp.CSS(`#head-present`))); n != "1" {
		t.Errorf("present on the organiser's screen: %q, want 1", n)
	}

	clk.Advance(90 * time.Minute)
	second := code()
	if second == first {
		t.Error("the code did not rotate")
	}
	steps(t, phone, "check out with the new code", chromedp.Navigate(second), chromedp.WaitVisible(chromedp.CSS(`#checkin-button`)),
		chromedp.Click(chromedp.CSS(`#checkin-button`)), chromedp.WaitVisible(chromedp.CSS(`#checkin-hours`)))
	testkit.Contains(t, value(t, phone, chromedp.Text(chromedp.CSS(`#checkin-hours`))), "1.5 小时")
	steps(t, phone, "my page", chromedp.Navigate(srv.URL+"/my"), chromedp.WaitVisible(chromedp.CSS(`#my-hours`)))
	testkit.Contains(t, value(t, phone, chromedp.Text(chromedp.CSS(`#my-hours`))), "1.5 小时")
}
