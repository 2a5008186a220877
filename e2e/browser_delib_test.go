package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestBrowserVoteByLink (issue 11): on a phone-sized screen a resident
// opens the vote by the link on their slip (no account), votes and gets a
// receipt; the link then refuses a second ballot; the closing job runs when
// the server's clock passes the closing time, and the resident finds the
// receipt on the published page with the choice counted. In process, on
// SQLite, so the test moves the server's clock instead of waiting.
func TestBrowserVoteByLink(t *testing.T) {
	browserCtx := browser(t)
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	f := testkit.NewFixture(t, d)
	clk := testkit.Clock()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	nt := notify.NewService(d, clk, notify.Options{})
	ds := delib.NewService(d, clk)
	q := jobs.New(d, clk, logger)
	ds.RegisterJobs(q)
	h, err := web.New(web.Deps{Services: platform.Services{DB: d, Auth: f.Auth, Org: org.NewService(d, clk), Clock: clk, Notify: nt,
		Demand: demand.NewService(d, clk, nt), Delib: ds, Jobs: q, Logger: logger}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	staff := f.Users[auth.CommunityStaff]
	v, err := ds.CreateVote(ctx, staff, delib.VoteInput{Area: testkit.ResA1, Question: "是否同意在5号楼加装电梯？", Choices: []string{"同意", "不同意", "弃权"},
		OpensAt: clk.Now(), ClosesAt: clk.Now().Add(48 * time.Hour), PerHousehold: true, ThresholdPct: 50})
	if err != nil {
		t.Fatal(err)
	}
	links, err := ds.MakeLinks(ctx, staff, v.ID, delib.LinksInput{Households: []string{"5号楼301室"}})
	if err != nil {
		t.Fatal(err)
	}

	phone, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(phone); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	ballot := srv.URL + "/ballot/" + links[0].Token
	steps(t, phone, "open the slip's link and vote", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(ballot), chromedp.WaitVisible(css(`label[for="choice-0"]`)),
		chromedp.Click(css(`label[for="choice-0"]`)), chromedp.Click(css(`form.ballot button[type=submit]`)),
		chromedp.WaitVisible(css(`#receipt`)))
	receipt := value(t, phone, chromedp.Text(css(`#receipt`)))
	if len(receipt) != delib.ReceiptLen {
		t.Fatalf("receipt %q", receipt)
	}
	steps(t, phone, "the link a second time", chromedp.Navigate(ballot), chromedp.WaitVisible(css(`main .notice`)))
	testkit.Contains(t, value(t, phone, chromedp.Text(css(`main .notice`))), "已经投过票")

	result := srv.URL + "/vote/" + strconv.FormatInt(v.ID, 10)
	steps(t, phone, "the public page while open", chromedp.Navigate(result), chromedp.WaitVisible(css(`main .notice`)))
	testkit.Contains(t, value(t, phone, chromedp.Text(css(`main .notice`))), "表决进行中")

	clk.Advance(48 * time.Hour)
	if n, err := q.RunDue(ctx); err != nil || n == 0 {
		t.Fatalf("the closing job: %d run, %v", n, err)
	}
	steps(t, phone, "find the receipt on the published page", chromedp.Navigate(result), chromedp.WaitVisible(css(`#find-receipt`)),
		chromedp.SendKeys(css(`#find-receipt`), receipt), chromedp.Submit(css(`#find-receipt`)), chromedp.WaitVisible(css(`#found`)))
	testkit.Contains(t, value(t, phone, chromedp.Text(css(`#found`))), receipt, "已计入", "同意")
	testkit.Contains(t, value(t, phone, chromedp.Text(css(`main`))), "通过：同意", "有效票 1 张", receipt)
}
