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

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/jobs"
	"gongzhi/internal/lists"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// TestBrowserDelibPath (issue 11) walks the whole path on phone-sized
// screens: a resident raises a topic, two neighbours support it past the
// area's threshold, staff put it on a council meeting's agenda and call a
// vote from the topic; the opening job opens it, a resident votes, the
// closing job closes it when the server's clock passes the closing time,
// the result and receipts are public at /vote/{id}, and the meeting's
// decision becomes a service project. In process, on SQLite, so the test
// moves the server's clock instead of waiting.
func TestBrowserDelibPath(t *testing.T) {
	browserCtx := browser(t)
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	f := testkit.NewFixture(t, d)
	clk := testkit.Clock()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	nt := notify.NewService(d, clk, notify.Options{})
	ds := delib.NewService(d, clk)
	ls := lists.NewService(d, clk)
	dm := demand.NewService(d, clk, nt)
	cs := delib.NewCouncils(d, clk, ls, dm)
	q := jobs.New(d, clk, logger)
	ds.RegisterJobs(q)
	h, err := web.New(web.Deps{Services: platform.Services{DB: d, Auth: f.Auth, Org: org.NewService(d, clk), Clock: clk, Notify: nt,
		Demand: dm, Lists: ls, Delib: ds, Councils: cs, Jobs: q, Logger: logger}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	staff := f.Users[auth.CommunityStaff]
	if _, err := ds.SetSettings(ctx, staff, delib.Settings{Area: testkit.ResA1, SupportThreshold: 2, AnswerDays: 10}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"neighbour1", "neighbour2"} {
		if _, err := f.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: name, DisplayName: "邻居" + name,
			Password: testkit.Password, Role: string(auth.Resident), Area: testkit.ResA1}); err != nil {
			t.Fatal(err)
		}
	}
	council, err := cs.CreateCouncil(ctx, staff, delib.CouncilInput{Area: testkit.ResA1, Name: "绿主妇议事会", TermFrom: "2026-01-01", TermTo: "2028-12-31",
		Members: []delib.MemberInput{{Name: "王阿姨", Role: delib.Convener}}})
	if err != nil {
		t.Fatal(err)
	}
	meeting, err := cs.CreateMeeting(ctx, staff, council.ID, delib.MeetingInput{Title: "十二月议事会", StartsAt: clk.Now().Add(24 * time.Hour), Place: "居委会二楼"})
	if err != nil {
		t.Fatal(err)
	}

	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	phone := func(user string) context.Context {
		tab, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if err := chromedp.Do(tab); err != nil {
			t.Fatalf("open a tab: %v", err)
		}
		steps(t, tab, "sign in as "+user, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
			chromedp.Navigate(srv.URL+"/login"), chromedp.WaitVisible(css(`input[name=username]`)),
			chromedp.SendKeys(css(`input[name=username]`), user), chromedp.SetValue(css(`input[name=password]`), testkit.Password),
			chromedp.Submit(css(`input[name=password]`)))
		for range 50 {
			if loc := value(t, tab, chromedp.Location()); !strings.Contains(loc, "/login") {
				return tab
			}
			steps(t, tab, "wait for the sign-in", chromedp.WaitVisible(css(`body`)))
		}
		t.Fatalf("sign in as %s: still at the login page:\n%s", user, value(t, tab, chromedp.Text(css(`main`))))
		return tab
	}
	text := func(tab context.Context, sel string) string {
		t.Helper()
		return value(t, tab, chromedp.Text(css(sel)))
	}

	// A resident raises a topic from the 议事 page.
	resident := phone(string(auth.Resident))
	var topicURL string
	steps(t, resident, "raise a topic", chromedp.Navigate(srv.URL+"/delib"), chromedp.WaitVisible(css(`#rt-title`)),
		chromedp.SendKeys(css(`#rt-title`), "东门加装充电桩"), chromedp.SendKeys(css(`#rt-body`), "电瓶车在楼道充电不安全。"),
		chromedp.Submit(css(`#rt-title`)), chromedp.WaitVisible(css(`ol.timeline`)))
	topicURL = value(t, resident, chromedp.Location())
	if !strings.Contains(topicURL, "/topics/") {
		t.Fatalf("after raising: %s", topicURL)
	}
	topicPath := topicURL[strings.Index(topicURL, "/topics/"):]
	topicID := strings.TrimPrefix(topicPath, "/topics/")

	// Two neighbours support it: the second reaches the threshold.
	for _, n := range []string{"neighbour1", "neighbour2"} {
		tab := phone(n)
		steps(t, tab, n+" supports", chromedp.Navigate(srv.URL+topicPath), chromedp.WaitVisible(css(`form[action$="/support"] button`)),
			chromedp.Click(css(`form[action$="/support"] button`)), chromedp.WaitVisible(css(`main .notice.success`)))
	}
	steps(t, resident, "the topic on the agenda", chromedp.Navigate(srv.URL+topicPath), chromedp.WaitVisible(css(`main h1`)))
	testkit.Contains(t, text(resident, "main"), "列入议程", "附议 2 / 2")

	// Staff put it on the meeting's agenda.
	worker := phone(string(auth.CommunityStaff))
	meetingPath := "/meetings/" + strconv.FormatInt(meeting.ID, 10)
	steps(t, worker, "put the topic on the agenda", chromedp.Navigate(srv.URL+meetingPath), chromedp.WaitVisible(css(`#ma-topic`)),
		chromedp.SetValue(css(`#ma-topic`), topicID), chromedp.Click(css(`#add-agenda`)), chromedp.WaitVisible(css(`#agenda`)))
	testkit.Contains(t, text(worker, "#agenda"), "东门加装充电桩")
	steps(t, resident, "the topic names the meeting", chromedp.Navigate(srv.URL+topicPath), chromedp.WaitVisible(css(`main h1`)))
	testkit.Contains(t, text(resident, "main"), "列入议事会议程", "绿主妇议事会 · 十二月议事会")

	// Staff call a vote from the topic, opening in an hour and closing in a week (the form's defaults).
	var voteURL string
	steps(t, worker, "call a vote from the topic", chromedp.Navigate(srv.URL+"/votes?topic="+topicID), chromedp.WaitVisible(css(`#nv-question`)),
		chromedp.Click(css(`form[action="/votes"][method="post"] button[type=submit]`)), chromedp.WaitVisible(css(`form[action$="/links"]`)))
	voteURL = value(t, worker, chromedp.Location())
	i := strings.Index(voteURL, "/votes/")
	if i < 0 {
		t.Fatalf("after calling the vote: %s", voteURL)
	}
	voteID := strings.TrimPrefix(voteURL[i:], "/votes/")

	clk.Advance(time.Hour)
	if n, err := q.RunDue(ctx); err != nil || n == 0 {
		t.Fatalf("the opening job: %d run, %v", n, err)
	}
	steps(t, resident, "vote signed in", chromedp.Navigate(srv.URL+"/votes/"+voteID+"/ballot"), chromedp.WaitVisible(css(`label[for="choice-0"]`)),
		chromedp.Click(css(`label[for="choice-0"]`)), chromedp.Click(css(`form.ballot button[type=submit]`)), chromedp.WaitVisible(css(`#receipt`)))
	receipt := text(resident, "#receipt")
	if len(receipt) != delib.ReceiptLen {
		t.Fatalf("receipt %q", receipt)
	}

	clk.Advance(7 * 24 * time.Hour)
	if n, err := q.RunDue(ctx); err != nil || n == 0 {
		t.Fatalf("the closing job: %d run, %v", n, err)
	}
	vid, _ := strconv.ParseInt(voteID, 10, 64)
	v, err := ds.PublicVote(ctx, vid)
	if err != nil || v.Status != delib.Closed {
		t.Fatalf("vote after the job: %+v %v", v, err)
	}
	anon, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(anon); err != nil { // open the tab without a deadline (chromedp's rule)
		t.Fatalf("open a tab: %v", err)
	}
	steps(t, anon, "the published result, signed out", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Navigate(srv.URL+"/vote/"+voteID), chromedp.WaitVisible(css(`#find-receipt`)),
		chromedp.SendKeys(css(`#find-receipt`), receipt), chromedp.Submit(css(`#find-receipt`)), chromedp.WaitVisible(css(`#found`)))
	testkit.Contains(t, text(anon, "#found"), receipt, "已计入")
	testkit.Contains(t, text(anon, "main"), "有效票 1 张", receipt)

	// The meeting's decision on the topic becomes a service project.
	steps(t, worker, "record the decision", chromedp.Navigate(srv.URL+meetingPath), chromedp.WaitVisible(css(`#md-text`)),
		chromedp.SetValue(css(`#md-topic`), topicID), chromedp.SendKeys(css(`#md-text`), "东门加装电瓶车充电桩"),
		chromedp.SendKeys(css(`#md-owner`), "居委会"), chromedp.SetValue(css(`#md-due`), "2027-03-31"),
		chromedp.Submit(css(`#md-text`)), chromedp.WaitVisible(css(`ol.decisions details summary`)))
	steps(t, worker, "make it a project", chromedp.Click(css(`ol.decisions details summary`)), chromedp.WaitVisible(css(`button.to-project`)),
		chromedp.Click(css(`button.to-project`)), chromedp.WaitVisible(css(`ol.decisions a[href^="/projects/"]`)))
	testkit.Contains(t, text(worker, "ol.decisions"), "东门加装电瓶车充电桩", "已转为服务项目")

	// The area's public page tells it all, signed out.
	steps(t, anon, "the area's public page", chromedp.Navigate(srv.URL+"/area/"+testkit.ResA1), chromedp.WaitVisible(css(`main h1`)))
	page := text(anon, "main")
	testkit.Contains(t, page, "东门加装充电桩", "绿主妇议事会 · 十二月议事会", "东门加装电瓶车充电桩", "已转为服务项目", "东门加装充电桩")
	if strings.Contains(page, "王阿姨") {
		t.Fatal("the public page names a council member")
	}
}
