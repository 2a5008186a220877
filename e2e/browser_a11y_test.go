package e2e

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// axeSource is axe-core (MPL-2.0; version and licence in testdata/README.md),
// injected into every page the accessibility test checks.
//
//go:embed testdata/axe.min.js
var axeSource string

// a11yPage is one page to check: either a path to open, or a pattern of a
// link on the page open before it (a unit from the unit list, a demand from
// the search), whose first match is followed. A role that cannot open the
// page before finds no link, and the page is skipped for it.
type a11yPage struct {
	path string
	link string
}

// a11yPages are the GET pages of internal/web's route table that render HTML,
// ordered so that each followed link comes after the page it is found on.
// Left out: exports (.xlsx), JSON for scripts, attachments, and /org (a
// redirect to /org/party-orgs). The public pages are checked apart, signed out.
var a11yPages = []a11yPage{
	{path: "/"},
	{path: "/areas"},
	{link: `^/areas/\d+$`},
	{path: "/coverage"},
	{link: `^/coverage\?area=\d+$`}, // drill-down to a street
	{link: `^/units\?area=\d+&covered=false&group=shop$`}, // its uncovered shops
	{path: "/units"},
	{link: `^/units/\d+$`},
	{link: `^/units/\d+/edit$`},
	{path: "/units/new"},
	{path: "/import"},
	{path: "/org/party-orgs"},
	{path: "/org/party-orgs/new"},
	{path: "/org/association"},
	{link: `^/org/association/\d+$`},
	{path: "/org/association/new"},
	{path: "/org/part-time-members"},
	{path: "/org/part-time-members/new"},
	{path: "/org/service-points"},
	{path: "/org/service-points/new"},
	{path: "/admin/users"},
	{link: `^/admin/users/\d+$`},
	{path: "/admin/users/new"},
	{path: "/tokens"},
	{path: "/account/password"},
	{path: "/account/contact"},
	{path: "/audit"},
	{path: "/queue"},
	{path: "/demands?q=%E5%99%AA%E9%9F%B3"}, // search for 噪音 (noise)
	{path: "/demands"},
	{link: `^/demands/\d+$`},
	{path: "/demands/new"},
	{path: "/demands/dashboard"},
	{path: "/visits"},
	{path: "/admin/categories"},
	{link: `^/admin/categories/[^/]+/edit$`},
	{path: "/admin/categories/new"},
	{path: "/admin/routes"},
	{path: "/admin/calendar"},
	{path: "/admin/targets"},
	{path: "/admin/suggestions"},
	{path: "/needs"},
	{link: `^/needs/\d+$`},
	{path: "/needs/new?dq=%E5%81%9C%E8%BD%A6"}, // roll up demands about 停车 (parking)
	{path: "/resources"},
	{link: `^/resources/\d+$`},
	{path: "/resources/new"},
	{path: "/lists/board"},
	{path: "/projects"},
	{link: `^/projects/\d+$`},
	{path: "/projects?status=done"},
	{link: `^/projects/\d+$`},
	{link: `^/projects/\d+/rating-codes$`}, // the slips to print
	{link: `^/rate/p/[2-9A-Z]+$`},          // a resident's rating page
	{path: "/projects?claimable=1"},
	{path: "/projects/new"},
	{path: "/bookings"},
	{link: `^/bookings/\d+$`},
	{link: `^/resources/\d+/bookings\?week=[0-9-]+$`},
	{path: "/funds"},
	{link: `^/funds/\d+$`},
	{link: `^/funds/\d+/entries/\d+/receipt$`},
	{link: `^/funds/\d+/entries/\d+/reverse$`},
	{path: "/hotspots"},
	{path: "/hotspots/map"},         // the week's hot spots on the grid map, listed beside it
	{link: `^/hotspots/\d+$`},       // a hot spot's explanation (and the form making it the month's topic)
	{path: "/monthly-topics"},       // 每月一题
	{link: `^/monthly-topics/\d+$`}, // the closed demo topic: progress, project, measured effect
	{path: "/topics"},
	{link: `^/topics/\d+$`},       // a topic with its discussion, the civility policy and moderation forms
	{path: "/topics?escalated=1"}, // overdue topics the answer job sent up to the caller's area
	{path: "/votes"},
	{link: `^/votes/\d+$`},
	{path: "/delib"},                     // 议事: a resident's phone page (staff go on to /topics)
	{link: `^/votes/\d+/ballot$`},        // a ballot, signed in
	{path: "/vote/1?receipt=0000000000"}, // the closed demo vote's public page, a receipt looked up
	{path: "/councils"},                  // 议事会: councils in scope and the form setting one up
	{link: `^/councils/\d+$`},            // a council: members, meetings, the meeting form
	{link: `^/meetings/\d+$`},            // a meeting: agenda, attendance, minutes, decisions and what they became
	{path: "/surveys"},                   // committee surveys (居委会测评) in scope
	{link: `^/surveys/\d+$`},             // a round's scores, items and masked comments
	{path: "/survey-scores"},             // the committees side by side, over time
	{path: "/alliances"},                 // 三联盟 in scope
	{link: `^/alliances/\d+$`},           // charter, members, commitments and what was done
	{path: "/members"},
	{link: `^/members/\d+$`},
	{path: "/members/follow-up"},
	{path: "/members/org-reports"},  // 组织双报到: units' party organisations registered here, the follow-up filter
	{path: "/members/service-logs"}, // members' service logs waiting for approval
	{path: "/members/unit-report"},  // a unit party organisation's quarterly report, printable
	{path: "/cadres"},
	{link: `^/cadres/\d+$`},
	{link: `^/cadres/\d+/evaluation\?year=\d+$`}, // the evaluation form with the platform's figures
	{path: "/mentoring"},
	{link: `^/mentoring/\d+$`},
	{path: "/care"},              // people in care (结对关爱), the add form
	{link: `^/care/people/\d+$`}, // a person with their pairs, the help-link button, recent visits
	{path: "/care/logs"},         // visits waiting for a second person
	{path: "/care/requests"},     // on-call requests, response times by area
	{path: "/care/gaps"},         // no pair; no visit in 30 days
	{path: "/my/pairing"},        // a member's pairing on the phone: log a visit, answer requests
	{path: "/activities"},
	{link: `^/activities/\d+$`},
	{link: `^/activities/\d+/screen$`}, // the organiser's screen: rotating QR code, live head count
	{path: "/checkin/1"},               // what a phone opens from the code (here without one)
	{path: "/my"},                      // a member's own phone page
	{path: "/my/points"},               // a member's points and why, phone-sized
	{path: "/points"},                  // ranking within member kinds
	{path: "/points/queue"},            // manual points waiting for a second person
	{path: "/points/rules"},
	{link: `^/points/rules/\d+$`}, // a rule version with its recompute preview
	{path: "/admin/jobs"},
	{path: "/inbox"},
	{path: "/me/demands"},      // 我的诉求: the demo resident's three reports (anyone signed in has the page)
	{link: `^/c/[2-9A-Z]{8}$`}, // a report's tracking page by its short code
}

// a11yEnglish are the pages the district admin checks again in English:
// the busiest layouts, where longer English words overflow or wrap first.
var a11yEnglish = []a11yPage{
	{path: "/"},
	{path: "/coverage"},
	{path: "/units"},
	{link: `^/units/\d+$`},
	{path: "/demands"},
	{link: `^/demands/\d+$`},
	{path: "/demands/new"},
	{path: "/demands/dashboard"},
	{path: "/admin/users"},
	{path: "/audit"},
	{path: "/projects"},
	{path: "/lists/board"},
}

// a11yForms are the forms the district admin sends empty, to check each
// page as it comes back with its errors.
var a11yForms = []string{
	"/units/new", "/demands/new", "/org/party-orgs/new", "/org/association/new",
	"/org/part-time-members/new", "/org/service-points/new", "/admin/categories/new",
	"/admin/users/new", "/account/password", "/needs/new", "/resources/new", "/projects/new",
}

// a11yRoles are the demo logins, one for each role, with the fewest pages
// each must reach: a role reaching fewer means the test lost pages (or the
// role lost rights), not that the pages got better.
var a11yRoles = []struct {
	user string
	min  int
}{
	{"admin", 38}, {"street", 34}, {"community", 28}, {"grid", 22},
	{"liaison", 20}, {"member", 10}, {"resident", 5}, {"auditor", 27},
}

// a11yWalks returns the roles that walk the pages on eng and the fewest
// pages the walks together (signed out included) must check. Every role
// walks on SQLite. On PostgreSQL only the district admin does, beside the
// signed-out walk: the pages are the same templates on both engines, so
// what PostgreSQL adds is its queries, and the admin's walk (every page, in
// the widest scope, with forms sent and in English) runs them. The other
// roles would check the same markup again, for about a minute of the CI
// run; their scoped queries run on both engines in internal/web's tests.
func a11yWalks(eng db.Dialect) (roles []string, want int) {
	if eng == db.Postgres {
		return []string{"admin"}, 100
	}
	for _, r := range a11yRoles {
		roles = append(roles, r.user)
	}
	return roles, 226 // 26 of them the input-only steps of browser_a11y_more_test.go and browser_a11y_phone_test.go
}

// a11yViolation is one failed axe rule on one page.
type a11yViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Nodes   int      `json:"nodes"`
	Targets []string `json:"targets"`
	Summary string   `json:"summary"`
}

func (v a11yViolation) String() string {
	return fmt.Sprintf("%s (%s, %d×): %s\n      at %s\n      %s", v.ID, v.Impact, v.Nodes, v.Help,
		strings.Join(v.Targets, " | "), strings.ReplaceAll(v.Summary, "\n", " "))
}

// a11yRun runs axe on the page with WCAG 2.1 A and AA rules and returns the
// violations in a shape that decodes without axe's whole result.
const a11yRun = `axe.run(document, {
	runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
	resultTypes: ['violations']
}).then(r => r.violations.map(v => ({
	id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.length,
	targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
	summary: v.nodes[0] ? v.nodes[0].failureSummary : ''
})))`

// a11yChartsDrawn waits (up to 10 s) for every shown ECharts container to
// say it has drawn, so axe sees the page as a user does; it returns how many
// did not. A chart in a closed <details> (the intake's map on a phone) waits
// for the user and is not counted.
const a11yChartsDrawn = `new Promise(resolve => {
	const start = Date.now();
	(function check() {
		const waiting = [...document.querySelectorAll('.chart')]
			.filter(el => el.checkVisibility() && el.dataset.ready !== '1').length;
		if (waiting === 0 || Date.now() - start > 10000) resolve(waiting); else setTimeout(check, 50);
	})();
})`

// a11y checks pages in one browser tab of its own (its own cookies) and
// reports what it found to its test.
type a11y struct {
	t        *testing.T
	ctx      context.Context
	base     string
	checked  int // pages covered: checked by axe here, or the same markup checked by another walk
	ran      int // pages axe ran on in this tab
	failures []string
	// seen, when set, is shared by the walks of one run: a page whose main
	// content has the markup of one axe has already checked (another role's
	// walk of the same page, the same page with other rows) is counted but not
	// checked again. Each tab's first page is always checked, so every role's
	// header and menu are.
	seen *a11ySeen
}

// a11ySeen is the set of page markups axe has checked in one run.
type a11ySeen struct {
	mu   sync.Mutex
	keys map[[32]byte]bool
}

func newA11ySeen() *a11ySeen { return &a11ySeen{keys: map[[32]byte]bool{}} }

// first reports whether key is new, and marks it seen.
func (s *a11ySeen) first(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := sha256.Sum256([]byte(key))
	if s.keys[k] {
		return false
	}
	s.keys[k] = true
	return true
}

// a11yMarkup describes what axe's WCAG rules look at on the page open now:
// the path with its numbers masked, the page's language, the screen's width,
// and the markup of main — elements, their attributes (values that name
// structure kept with numbers masked; others only as empty or not) and
// whether text is there — with runs of equal siblings (table rows, list
// items) counted once. Two pages alike in all of it pass or fail axe alike.
const a11yMarkup = `(() => {
	const mask = s => s.replace(/\d+/g, '#');
	const kept = /^(class|role|type|id|for|name|scope|colspan|rowspan|tabindex|lang|dir|style|hidden|disabled|required|readonly|checked|selected|open|multiple|aria-(?!label$).*)$/;
	const sig = el => {
		let s = el.tagName;
		for (const a of [...el.attributes].sort((x, y) => x.name < y.name ? -1 : 1)) {
			s += ' ' + a.name + '=' + (kept.test(a.name) ? mask(a.value) : (a.value.trim() ? 'v' : ''));
		}
		const kids = [];
		let last = null;
		for (const n of el.childNodes) {
			let k = null;
			if (n.nodeType === 1) k = sig(n);
			else if (n.nodeType === 3 && n.textContent.trim()) k = 'T';
			if (k !== null && k !== last) kids.push(k);
			if (k !== null) last = k;
		}
		return s + '(' + kids.join(',') + ')';
	};
	const m = document.querySelector('main');
	return [mask(location.pathname), document.documentElement.lang, innerWidth, document.title.trim() ? 'T' : '',
		document.querySelector('#site-nav.open') ? 'menu open' : '', m ? sig(m) : sig(document.body)].join('|');
})()`

// newA11y opens a tab in a new browser context, so parallel checkers can be
// signed in as different users.
func newA11y(t *testing.T, browser context.Context, base string) *a11y {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
		t.Fatalf("open a tab: %v", err)
	}
	steps(t, ctx, "a desktop screen", chromedp.EmulateViewport(1280, 900))
	return &a11y{t: t, ctx: ctx, base: base}
}

// open opens path and reports whether the page is there for the signed-in
// user: 403 and 404 mean the role cannot reach it; any other error fails.
func (a *a11y) open(path string) bool {
	a.t.Helper()
	resp := value(a.t, a.ctx, chromedp.NavigateResponse(a.base+path))
	switch {
	case resp.Status == 403 || resp.Status == 404:
		a.t.Logf("%s answers %d, not checked", path, resp.Status)
		return false
	case resp.Status != 200:
		a.t.Fatalf("%s answers %d", path, resp.Status)
	}
	return true
}

// follow opens the first link in main matching pattern on the page open now.
func (a *a11y) follow(pattern string) (string, bool) {
	a.t.Helper()
	p, _ := json.Marshal(pattern)
	href := value(a.t, a.ctx, chromedp.Evaluate[string](`(() => {
		const re = new RegExp(`+string(p)+`);
		const a = [...document.querySelectorAll('main a[href]')].find(a => re.test(a.getAttribute('href')));
		return a ? a.getAttribute('href') : '';
	})()`))
	if href == "" {
		a.t.Logf("no link like %s, not checked", pattern)
		return "", false
	}
	return href, a.open(href)
}

// check runs axe on the page open now, named what in the report.
func (a *a11y) check(what string) {
	a.t.Helper()
	if n := value(a.t, a.ctx, chromedp.Evaluate[int](a11yChartsDrawn, chromedp.EvalAwaitPromise)); n > 0 {
		a.t.Errorf("%s: %d charts not drawn within 10s", what, n)
	}
	a.checked++
	if a.seen != nil && !a.seen.first(value(a.t, a.ctx, chromedp.Evaluate[string](a11yMarkup))) && a.ran > 0 {
		return
	}
	a.ran++
	if !value(a.t, a.ctx, chromedp.Evaluate[bool](`typeof axe === 'object'`)) {
		steps(a.t, a.ctx, "inject axe", chromedp.Evaluate[chromedp.Void](axeSource+"\n;0"))
	}
	vs := value(a.t, a.ctx, chromedp.Evaluate[[]a11yViolation](a11yRun, chromedp.EvalAwaitPromise))
	if len(vs) == 0 {
		return
	}
	lines := []string{what + ":"}
	for _, v := range vs {
		lines = append(lines, "    "+v.String())
	}
	a.failures = append(a.failures, strings.Join(lines, "\n"))
}

// pages checks every page of the list the signed-in user reaches, naming
// each with prefix, and returns how many.
func (a *a11y) pages(prefix string, list []a11yPage) int {
	a.t.Helper()
	before := a.checked
	for _, p := range list {
		path, ok := p.path, false
		if p.path != "" {
			ok = a.open(p.path)
		} else {
			path, ok = a.follow(p.link)
		}
		if ok {
			a.check(prefix + path)
		}
	}
	return a.checked - before
}

// report fails the test with every page that has violations.
func (a *a11y) report() {
	if len(a.failures) > 0 {
		a.t.Errorf("%d of %d pages fail WCAG 2.1 AA (axe-core):\n%s", len(a.failures), a.checked, strings.Join(a.failures, "\n"))
	}
}

// lang switches the page open now to lang ("en" or "zh-CN").
func (a *a11y) lang(lang string) {
	a.t.Helper()
	other := map[string]string{"en": "zh-CN", "zh-CN": "en"}[lang]
	steps(a.t, a.ctx, "switch to "+lang,
		chromedp.Click(chromedp.CSS(`button[data-lang="`+lang+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`button[data-lang="`+other+`"]`)),
	)
}

// onPhone runs fn in another tab of the same browser context (same cookies)
// with a phone's screen.
func (a *a11y) onPhone(fn func()) {
	a.t.Helper()
	desktop := a.ctx
	ctx, cancel := chromedp.NewContext(desktop)
	defer cancel()
	if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
		a.t.Fatal(err)
	}
	steps(a.t, ctx, "a phone's screen", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
	a.ctx = ctx
	defer func() { a.ctx = desktop }()
	fn()
}

// signedOut checks the login page, the not-found page, the resident's report
// form (empty, with errors, filed) and the tracking page, in both languages
// and on a phone.
func (a *a11y) signedOut() {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	page := func(path, what string) {
		if !a.open(path) {
			t.Fatalf("%s is not there", path)
		}
		a.check(what)
	}
	page("/", "/ (front door)")
	page("/track", "/track (look-up by number)")
	page("/login", "/login")
	if resp := value(t, a.ctx, chromedp.NavigateResponse(a.base+"/no-such-page")); resp.Status != 404 {
		t.Fatalf("/no-such-page answers %d", resp.Status)
	}
	a.check("/no-such-page (404)")
	page("/report", "/report")
	steps(t, a.ctx, "report with nothing filled in",
		chromedp.Click(css(`#report-submit`)),
		chromedp.WaitVisible(css(`#r-category[aria-invalid="true"]`)),
	)
	a.check("/report with errors")
	category := value(t, a.ctx, chromedp.Evaluate[string](`document.querySelector('#r-category option:not([value=""])').value`))
	steps(t, a.ctx, "file a report",
		chromedp.SetValue(css(`#r-category`), category),
		chromedp.SetValue(css(`#r-area`), "310104001001"),
		chromedp.SendKeys(css(`#r-description`), "无障碍测试：楼道灯坏了一周"),
		chromedp.Click(css(`#report-submit`)),
		chromedp.WaitVisible(css(`a#tracking-link`)),
	)
	a.check("/report filed")
	track := value(t, a.ctx, chromedp.Evaluate[string](`document.querySelector('a#tracking-link').getAttribute('href')`))
	code := value(t, a.ctx, chromedp.Evaluate[string](`document.getElementById('short-code').textContent.replace('-', '')`))
	page("/c/"+code, "/c/{code} (tracking by the short code)")
	steps(t, a.ctx, "a short code that names nothing",
		chromedp.Navigate(a.base+"/track"),
		chromedp.WaitVisible(css(`#l-code`)),
		chromedp.SendKeys(css(`#l-code`), "ZZZZ-ZZZZ"),
		chromedp.Click(css(`#code-submit`)),
		chromedp.WaitVisible(css(`#lookup-error`)),
	)
	a.check("/track with an unknown code")
	i := strings.Index(track, "/t/")
	if i < 0 {
		t.Fatalf("tracking link %q", track)
	}
	track = track[i:]
	page(track, "/t/{token}")
	page("/fund/1", "/fund/{id} (a fund's public page)")
	page("/vote/1", "/vote/{id} (a closed vote's result and receipts)")
	page("/area/310104001001", "/area/{code} (an area's public deliberation page)")
	a.lang("en")
	for _, p := range []string{"/", track, "/report", "/login", "/fund/1"} {
		page(p, "en "+p)
	}
	a.lang("zh-CN")
	a.onPhone(func() { // residents file and track on their phones
		for _, p := range []string{"/", "/report", "/track", track, "/fund/1", "/vote/1"} {
			page(p, "phone "+p)
		}
	})
}

// forms checks pages in the states only a user's input brings: each of
// a11yForms sent empty, the intake's similar demands found while typing, a
// campaign form with a wrong quarter, and a new visiting campaign (the demo
// has none).
func (a *a11y) forms() {
	t, css := a.t, func(s string) chromedp.CSS { return chromedp.CSS(s) }
	for _, p := range a11yForms {
		if !a.open(p) {
			t.Fatalf("the admin cannot open %s", p)
		}
		steps(t, a.ctx, "send "+p+" empty",
			chromedp.Click(css(`main form[method=post] button[type=submit]`)),
			chromedp.WaitVisible(css(`main .notice.error`)),
		)
		a.check(p + " with errors")
	}
	// Similar demands are open ones in the same residential area: retype one.
	const area = "310104001001"
	a.open("/demands?status=open&area=" + area)
	text := value(t, a.ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-demand] td:nth-child(3)').textContent`))
	a.open("/demands/new")
	steps(t, a.ctx, "similar demands while typing",
		chromedp.SetValue(css(`#d-area`), area),
		chromedp.SendKeys(css(`#d-description`), strings.TrimSuffix(text, "…")),
		// Chinese text arrives as inserted text, without the keyup htmx listens for.
		chromedp.Evaluate[chromedp.Void](`document.getElementById('d-description').dispatchEvent(new KeyboardEvent('keyup'))`),
		chromedp.WaitVisible(css(`#similar li[data-similar]`)),
	)
	a.check("/demands/new with similar demands")
	a.open("/demands/new")
	steps(t, a.ctx, "the body proposed and the caller looked up while typing",
		chromedp.SendKeys(css(`#d-category`), "噪音"),
		chromedp.SendKeys(css(`#d-area`), area),
		chromedp.WaitVisible(css(`#proposed-lead`)),
		chromedp.SendKeys(css(`#d-description`), "无障碍测试：楼下夜间噪音"),
		chromedp.SendKeys(css(`#d-phone`), "16600000001"),
		chromedp.WaitVisible(css(`#callers-none`)),
	)
	a.check("/demands/new with a proposed body and the caller looked up")
	steps(t, a.ctx, "file and dispatch",
		chromedp.Click(css(`#intake-submit`)),
		chromedp.WaitVisible(css(`#filed-dispatched`)),
	)
	a.check("/demands/new filed and dispatched")
	a.open("/visits")
	steps(t, a.ctx, "a visiting campaign for no quarter",
		chromedp.SetValue(css(`#c-quarter`), "2026Q9"),
		chromedp.Click(css(`form[action="/visits"] button[type=submit]`)),
		chromedp.WaitVisible(css(`main .notice.error`)),
	)
	a.check("/visits with errors")
	a.open("/visits")
	steps(t, a.ctx, "a visiting campaign for this quarter",
		chromedp.Click(css(`form[action="/visits"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#team-form`)),
	)
	a.check(value(t, a.ctx, chromedp.Location())[len(a.base):])
}

// signIn signs the tab in as a demo user.
func (a *a11y) signIn(user string) {
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	steps(a.t, a.ctx, "sign in as "+user,
		chromedp.Navigate(a.base+"/login"),
		chromedp.WaitVisible(css(`input[name=username]`)),
		chromedp.SendKeys(css(`input[name=username]`), user),
		chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
		chromedp.Submit(css(`input[name=password]`)),
		chromedp.WaitReady(css(`form[action="/logout"]`)),
	)
}

// TestBrowserAccessibility holds the project's promise: every page passes
// axe-core's WCAG 2.1 A and AA rules with no violations. Signed out it checks
// the public pages; then each demo role, in its own browser context and in
// parallel, signs in and checks every page it reaches; the district admin
// also checks forms sent empty and the busiest pages in English, and the grid
// worker two pages on a phone. On SQLite the admin also makes a survey round
// and a help link and opens them signed out on a phone, and unfolds a
// member's edit form; the resident sees a hidden comment and raises and
// discusses a topic (browser_a11y_more_test.go). On PostgreSQL only the admin
// and the signed-out walks run (see a11yWalks). A page whose markup another walk has
// checked already is counted without running axe again (a11yMarkup).
func TestBrowserAccessibility(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			start := time.Now()
			browser := browser(t)
			// With an SMS gateway (that takes nothing), so the pages that
			// send text messages show their forms: /p and a survey's links.
			st := demoStore(t, eng)
			srv := st.serveEnv(t, []string{"GONGZHI_SMS_SECRET=e2e-walk-sms-secret-2026"},
				"--sms-gateway", "http://127.0.0.1:9/sms", "--base-url", "https://gz.example.gov.cn")
			up := time.Since(start)
			walks, want := a11yWalks(eng)

			// First axe must catch a planted fault, or a pass below would mean nothing.
			canary := newA11y(t, browser, srv.URL)
			steps(t, canary.ctx, "plant an image without alt text and a grey-on-white line",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.Evaluate[chromedp.Void](`document.querySelector('main').insertAdjacentHTML('beforeend',
					'<img src="/static/none.png" width="10" height="10"><p style="color:#bbb;background:#fff">faint</p>')`),
			)
			canary.check("planted")
			if got := strings.Join(canary.failures, "\n"); !strings.Contains(got, "image-alt") || !strings.Contains(got, "color-contrast") {
				t.Fatalf("axe missed the planted faults: %q", got)
			}

			var mu sync.Mutex
			var counts []string
			total, ran := 0, 0
			seen := newA11ySeen()
			count := func(who string, a *a11y) {
				mu.Lock()
				defer mu.Unlock()
				counts = append(counts, fmt.Sprintf("%s %d (%d run)", who, a.checked, a.ran))
				total += a.checked
				ran += a.ran
			}
			t.Run("pages", func(t *testing.T) { // returns when its parallel subtests are done
				t.Run("signed out", func(t *testing.T) {
					t.Parallel()
					a := newA11y(t, browser, srv.URL)
					a.seen = seen
					a.signedOut()
					count("signed out", a)
					a.report()
				})
				for _, r := range a11yRoles {
					if !slices.Contains(walks, r.user) {
						continue
					}
					t.Run(r.user, func(t *testing.T) {
						t.Parallel()
						a := newA11y(t, browser, srv.URL)
						a.seen = seen
						a.signIn(r.user)
						n := a.pages("", a11yPages)
						if n < r.min {
							t.Errorf("%s reached %d pages, want at least %d", r.user, n, r.min)
						}
						switch r.user {
						case "admin":
							a.forms()
							if eng == db.SQLite { // see browser_a11y_more_test.go
								a.surveyRound()
								a.helpLink()
								a.memberEdit()
								a.phonePages(st[1]) // browser_a11y_phone_test.go
							}
							a.lang("en")
							a.pages("en ", a11yEnglish)
						case "resident":
							a.residentTopics()
						case "grid": // a grid worker out on the street, with the folded menu open
							a.onPhone(func() {
								for _, p := range []string{"/queue", "/demands/new"} {
									if !a.open(p) {
										t.Fatalf("the grid worker cannot open %s", p)
									}
									steps(t, a.ctx, "open the menu",
										chromedp.Click(chromedp.CSS(`button.menu-toggle`)),
										chromedp.WaitVisible(chromedp.CSS(`#site-nav.open .nav-links`)))
									a.check("phone " + p + " with the menu open")
								}
							})
						}
						count(r.user, a)
						a.report()
					})
				}
			})
			slices.Sort(counts)
			t.Logf("checked %d pages in %s, %d by running axe, the others the same markup as one of those (the demo server took %s to start): %s", total,
				time.Since(start).Round(time.Second), ran, up.Round(time.Second), strings.Join(counts, ", "))
			if len(counts) == len(walks)+1 && total < want { // not when -run picked some
				t.Errorf("checked %d pages, want at least %d", total, want)
			}
		})
	}
}
