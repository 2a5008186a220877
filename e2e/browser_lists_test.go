package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/testkit"
)

// TestBrowserListsPath (issue 9's acceptance test) walks the three lists'
// whole path in a real browser, each person in a browser context of their
// own:
//
//  1. the unit liaison, on a phone, offers night parking through the
//     resource form, which asks no unit (the liaison's is implied);
//  2. the street worker rolls the street's parking demands up into a need
//     (unticking those the form finds that already feed another need);
//  3. on the need's page the liaison's new resource is among the ranked
//     candidates, and the street worker confirms the pair (确认配对);
//  4. the liaison accepts the match on the resource's page; the street
//     worker creates the project from it (据此立项: need, area, residents
//     served and the liaison's unit as lead come along) and approves it;
//     a second project the street publishes for claiming is claimed by the
//     liaison for its unit from the claim list;
//  5. the street worker proposes paying the matched project from the
//     street's community fund (the demo's funds are the streets', outside
//     the residential-area worker's reach), and a second person approves
//     it: the district admin, since the street worker proposed;
//  6. the fund's public page, signed out, lists the project, and the
//     street's project figures count the two new projects.
func TestBrowserListsPath(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			browserCtx := browser(t)
			s := demoStore(t, eng)
			token := lastLine(s.run(t, "", "token", "create", "--username", "street").stdout)
			srv := s.serve(t)
			get := func(path string, out any) {
				t.Helper()
				if code := srv.get(t, token, "/api/v1"+path, out); code != 200 {
					t.Fatalf("GET %s: %d", path, code)
				}
			}
			const street = "310104001" // 湖南路街道, the street worker's
			type stats struct {
				Total int `json:"total"`
			}
			var before stats
			get("/stats/projects?area="+street, &before)

			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			// tab opens a tab in a browser context of its own (its own
			// cookies), on a phone's screen or a desktop's, signed in as user
			// ("" stays signed out).
			tab := func(user string, phone bool) context.Context {
				t.Helper()
				ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
				t.Cleanup(cancel)
				if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
					t.Fatalf("open a tab: %v", err)
				}
				screen := chromedp.EmulateViewport(1280, 900)
				if phone {
					screen = chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
				}
				steps(t, ctx, "the screen of "+user, screen)
				if user != "" {
					steps(t, ctx, "sign in as "+user,
						chromedp.Navigate(srv.URL+"/login"),
						chromedp.WaitVisible(css(`input[name=username]`)),
						chromedp.SendKeys(css(`input[name=username]`), user),
						chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
						chromedp.Submit(css(`input[name=password]`)),
						chromedp.WaitReady(css(`form[action="/logout"]`)),
					)
				}
				return ctx
			}
			text := func(ctx context.Context, sel string) string {
				t.Helper()
				return value(t, ctx, chromedp.Text(css(sel)))
			}
			// fact is what a page's facts list says beside the term.
			fact := func(ctx context.Context, term string) string {
				t.Helper()
				return value(t, ctx, chromedp.Evaluate[string](`(() => { const dt = [...document.querySelectorAll('dl.facts dt')].find(d => d.textContent.trim() === `+
					strconv.Quote(term)+`); return dt ? dt.nextElementSibling.textContent.trim() : ''; })()`))
			}
			// idIn is the number after prefix in the tab's path (/resources/12 → 12).
			idIn := func(ctx context.Context, prefix string) int64 {
				t.Helper()
				path := value(t, ctx, chromedp.Evaluate[string](`location.pathname`))
				id, err := strconv.ParseInt(strings.TrimPrefix(path, prefix), 10, 64)
				if err != nil || !strings.HasPrefix(path, prefix) {
					t.Fatalf("the page is %s, want %s{id}", path, prefix)
				}
				return id
			}

			// 1. The liaison offers night parking from a phone.
			liaison := tab("liaison", true)
			const resTitle = "夜间错时共享车位（测试）"
			steps(t, liaison, "open the offer form",
				chromedp.Navigate(srv.URL+"/resources/new"),
				chromedp.WaitVisible(css(`#o-title`)),
			)
			if w := value(t, liaison, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); w > 0 {
				t.Errorf("the offer form is %d px wider than the phone's screen", w)
			}
			if n := value(t, liaison, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/resources"] [name=unit_id], form[action="/resources"] [name=provider_kind], form[action="/resources"] [name=provider_name], form[action="/resources"] [name=area]').length`)); n != 0 {
				t.Fatalf("the liaison's offer form asks for the unit, provider or area (%d fields): its unit is implied", n)
			}
			steps(t, liaison, "offer night parking",
				chromedp.SendKeys(css(`#o-title`), resTitle),
				chromedp.SetValue(css(`#o-kind`), "parking"),
				chromedp.Click(css(`#o-cat-parking`)),
				chromedp.SendKeys(css(`#o-capacity`), "30"),
				chromedp.SetValue(css(`#o-unit`), "spaces"),
				chromedp.SendKeys(css(`#o-windows`), "1-5 19:00-07:00"),
				chromedp.Click(css(`form[action="/resources"] button[type=submit]`)),
				chromedp.WaitVisible(css(`dl.facts`)),
			)
			resID := idIn(liaison, "/resources/")
			testkit.Contains(t, text(liaison, `h1`), resTitle)
			for term, want := range map[string]string{"提供方": "湖南路街道城市运行管理中心", "资源类型": "停车位", "可服务的需求类别": "停车",
				"容量": "30 / 30 个车位/座位", "时段": "1-5 19:00-07:00"} {
				if got := fact(liaison, term); !strings.HasPrefix(got, want) {
					t.Errorf("the resource's page says %s: %q, want %q", term, got, want)
				}
			}
			unitHref := value(t, liaison, chromedp.AttributeValue(css(`dl.facts a[href^="/units/"]`), "href")).Value
			var offered struct {
				Kind         string   `json:"kind"`
				Categories   []string `json:"categories"`
				UnitID       *int64   `json:"unit_id"`
				Capacity     int      `json:"capacity"`
				CapacityUnit string   `json:"capacity_unit"`
				Windows      string   `json:"windows"`
				Status       string   `json:"status"`
			}
			get("/resources/"+strconv.FormatInt(resID, 10), &offered)
			if offered.Kind != "parking" || !slices.Equal(offered.Categories, []string{"parking"}) || offered.UnitID == nil ||
				unitHref != "/units/"+strconv.FormatInt(*offered.UnitID, 10) || offered.Capacity != 30 || offered.CapacityUnit != "spaces" ||
				offered.Windows != "1-5 19:00-07:00" || offered.Status != "active" {
				t.Fatalf("the offered resource: %+v (unit link %s)", offered, unitHref)
			}

			// 2. A resident's call about night parking comes in; the street
			// worker rolls the parking demands up into a need. Demands that
			// already feed a need cannot feed another: the form shows them
			// unticked and disabled, with the need they feed.
			var filed struct {
				ID int64 `json:"id"`
			}
			body, _ := json.Marshal(map[string]any{"category": "parking_night", "channel": "hotline", "area": street + "001",
				"description": "小区晚上停车难，车位不够，车只能停到马路上（测试）"})
			req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/api/v1/demands", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 201 || json.Unmarshal(raw, &filed) != nil {
				t.Fatalf("file a parking demand: %d %s", resp.StatusCode, raw)
			}
			fed := map[int64]bool{}
			var needs struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			get("/needs?area="+street+"&per_page=500", &needs)
			for _, n := range needs.Items {
				var one struct {
					Demands []int64 `json:"demands"`
				}
				get("/needs/"+strconv.FormatInt(n.ID, 10), &one)
				for _, d := range one.Demands {
					fed[d] = true
				}
			}
			streetTab := tab("street", false)
			steps(t, streetTab, "find the parking demands to roll up",
				chromedp.Navigate(srv.URL+"/needs/new?dq="+url.QueryEscape("停车")),
				chromedp.WaitVisible(css(`#n-title`)),
			)
			type box struct {
				ID       int64 `json:"id"`
				Checked  bool  `json:"checked"`
				Disabled bool  `json:"disabled"`
			}
			found := value(t, streetTab, chromedp.Evaluate[[]box](`[...document.querySelectorAll('input[type=checkbox][name=demand]')].map(c => ({id: +c.value, checked: c.checked, disabled: c.disabled}))`))
			var ticked []int64
			for _, b := range found {
				if b.Checked == fed[b.ID] || b.Disabled != fed[b.ID] {
					t.Errorf("demand %d (feeds a need: %v) is offered checked=%v disabled=%v", b.ID, fed[b.ID], b.Checked, b.Disabled)
				}
				if b.Checked {
					ticked = append(ticked, b.ID)
				}
			}
			if !slices.Contains(ticked, filed.ID) {
				t.Fatalf("the roll-up does not tick the new parking demand %d (found %+v)", filed.ID, found)
			}
			const needTitle = "湖南路街道夜间停车难（测试）"
			steps(t, streetTab, "save the need",
				chromedp.SendKeys(css(`#n-title`), needTitle),
				chromedp.SetValue(css(`#n-category`), "parking"),
				chromedp.SendKeys(css(`#n-windows`), "1-5 19:00-23:00"),
				chromedp.Click(css(`form[action="/needs"] button[type=submit]`)),
				chromedp.WaitVisible(css(`dl.facts`)),
			)
			needID := idIn(streetTab, "/needs/")
			needPage := text(streetTab, `dl.facts`)
			testkit.Contains(t, needPage, "停车", "湖南路街道")
			for _, d := range ticked {
				steps(t, streetTab, "the need links its demands", chromedp.WaitReady(css(fmt.Sprintf(`dl.facts a[href="/demands/%d"]`, d))))
			}
			var need struct {
				Area          string  `json:"area"`
				Beneficiaries int     `json:"beneficiaries"`
				Demands       []int64 `json:"demands"`
				Status        string  `json:"status"`
			}
			get("/needs/"+strconv.FormatInt(needID, 10), &need)
			slices.Sort(ticked)
			if need.Beneficiaries <= 0 || !slices.Equal(need.Demands, ticked) || !strings.HasPrefix(need.Area, street) || need.Status != "open" {
				t.Fatalf("the rolled-up need: %+v, want an area inside the street, open, with demands %v and beneficiaries > 0", need, ticked)
			}
			if b := fact(streetTab, "受益人数"); b != strconv.Itoa(need.Beneficiaries) {
				t.Fatalf("the need's page says %q residents benefit, want %d", b, need.Beneficiaries)
			}

			// 3. The liaison's new resource is among the ranked candidates: confirm the pair.
			confirm := fmt.Sprintf(`form[action="/matches"]:has(input[name=resource_id][value="%d"]) button[type=submit]`, resID)
			steps(t, streetTab, "confirm the match with the liaison's parking",
				chromedp.WaitVisible(css(confirm)),
				chromedp.Click(css(confirm)),
				chromedp.WaitVisible(css(`#matches-h`)),
			)
			matches := text(streetTab, `section[aria-labelledby="matches-h"]`)
			testkit.Contains(t, matches, resTitle, "已确认")
			fromMatch := value(t, streetTab, chromedp.AttributeValue(css(`section[aria-labelledby="matches-h"] a[href^="/projects/new?match="]`), "href")).Value
			get("/needs/"+strconv.FormatInt(needID, 10), &need)
			if need.Status != "matched" {
				t.Fatalf("after the match the need is %s, want matched", need.Status)
			}

			// 4. The liaison accepts it on the resource's page.
			steps(t, liaison, "accept the match",
				chromedp.Navigate(srv.URL+"/resources/"+strconv.FormatInt(resID, 10)),
				chromedp.WaitVisible(css(`form[action^="/matches/"] button[value=accept]`)),
				chromedp.Click(css(`form[action^="/matches/"] button[value=accept]`)),
				chromedp.WaitNotPresent(css(`form[action^="/matches/"]`)),
				chromedp.WaitVisible(css(`#served-h`)),
			)
			testkit.Contains(t, text(liaison, `section[aria-labelledby="served-h"]`), needTitle, "资源方已接受")

			// The street worker creates the project from the match (据此立项) and approves it.
			steps(t, streetTab, "据此立项",
				chromedp.Navigate(srv.URL+fromMatch),
				chromedp.WaitVisible(css(`#p-title`)),
				chromedp.SetValue(css(`#p-domain`), "livelihood"),
				chromedp.SendKeys(css(`#p-budget`), "5000"),
				chromedp.SendKeys(css(`#p-summary`), "单位夜间开放车位，缓解居民停车难"),
				chromedp.Click(css(`form[action="/projects"] button[type=submit]`)),
				chromedp.WaitVisible(css(`dl.facts`)),
			)
			projectID := idIn(streetTab, "/projects/")
			pid := strconv.FormatInt(projectID, 10)
			project := text(streetTab, `dl.facts`)
			testkit.Contains(t, project, "已提出", fmt.Sprintf("#%d", needID))
			if lead := fact(streetTab, "牵头单位"); !strings.HasPrefix(lead, "湖南路街道城市运行管理中心") {
				t.Fatalf("the project from the match is led by %q, want the liaison's unit", lead)
			}
			if href := value(t, streetTab, chromedp.AttributeValue(css(`dl.facts a[href^="/units/"]`), "href")).Value; href != unitHref {
				t.Fatalf("the project's lead links %s, want the liaison's unit %s", href, unitHref)
			}
			steps(t, streetTab, "approve the project",
				chromedp.SetValue(css(`#p-status`), "approved"),
				chromedp.SendKeys(css(`#p-note`), "街道审核同意"),
				chromedp.Click(css(`form[action="/projects/`+pid+`/status"] button[type=submit]`)),
				chromedp.WaitReady(css(`#p-status option[value="running"]`)),
			)
			if st := fact(streetTab, "状态"); st != "已批准" {
				t.Fatalf("after approval the project's page says %q", st)
			}
			var proj struct {
				Status        string `json:"status"`
				Source        string `json:"source"`
				NeedID        *int64 `json:"need_id"`
				MatchID       *int64 `json:"match_id"`
				LeadUnitID    *int64 `json:"lead_unit_id"`
				Area          string `json:"area"`
				Beneficiaries int    `json:"beneficiaries"`
			}
			get("/projects/"+pid, &proj)
			if proj.Status != "approved" || proj.Source != "match" || proj.NeedID == nil || *proj.NeedID != needID || proj.MatchID == nil ||
				proj.LeadUnitID == nil || *proj.LeadUnitID != *offered.UnitID || proj.Area != need.Area || proj.Beneficiaries != need.Beneficiaries {
				t.Fatalf("the project from the match: %+v, want approved, from need %d, led by unit %d, in the need's area %s serving %d",
					proj, needID, *offered.UnitID, need.Area, need.Beneficiaries)
			}
			// The liaison sees the project its unit leads.
			steps(t, liaison, "the liaison's unit leads the project",
				chromedp.Navigate(srv.URL+"/projects/"+pid),
				chromedp.WaitVisible(css(`dl.facts`)),
			)
			testkit.Contains(t, text(liaison, `dl.facts`), "已批准", "城市运行管理中心")

			// A project published for claiming, claimed by the liaison for its
			// unit. (A project from a match has its lead already: the match's
			// resource's unit; so the claim is shown on a project of its own.)
			const claimTitle = "楼道微更新志愿服务（测试）"
			steps(t, streetTab, "publish a project for claiming",
				chromedp.Navigate(srv.URL+"/projects/new"),
				chromedp.WaitVisible(css(`#p-title`)),
				chromedp.SendKeys(css(`#p-title`), claimTitle),
				chromedp.SetValue(css(`#p-domain`), "governance"),
				chromedp.SetValue(css(`#p-area`), "310104001001"),
				chromedp.Click(css(`#p-claim`)),
				chromedp.Click(css(`form[action="/projects"] button[type=submit]`)),
				chromedp.WaitVisible(css(`dl.facts`)),
			)
			claimID := strconv.FormatInt(idIn(streetTab, "/projects/"), 10)
			testkit.Contains(t, text(streetTab, `dl.facts`), "待认领")
			steps(t, liaison, "claim it from the claim list",
				chromedp.Navigate(srv.URL+"/projects?claimable=1"),
				chromedp.WaitVisible(css(`a[href="/projects/`+claimID+`"]`)),
				chromedp.Click(css(`a[href="/projects/`+claimID+`"]`)),
				chromedp.WaitVisible(css(`form[action="/projects/`+claimID+`/claim"] button`)),
				chromedp.Click(css(`form[action="/projects/`+claimID+`/claim"] button`)),
				chromedp.WaitVisible(css(`dl.facts a[href="`+unitHref+`"]`)),
			)
			testkit.Contains(t, text(liaison, `dl.facts`), "城市运行管理中心")
			steps(t, liaison, "the claim list no longer offers it",
				chromedp.Navigate(srv.URL+"/projects?claimable=1"),
				chromedp.WaitVisible(css(`h1`)),
			)
			if n := value(t, liaison, chromedp.Evaluate[int](`document.querySelectorAll('a[href="/projects/`+claimID+`"]').length`)); n != 0 {
				t.Fatal("the claimed project is still on the claim list")
			}

			// 5. The street worker proposes paying the project from the street's fund.
			steps(t, streetTab, "open the street's fund",
				chromedp.Navigate(srv.URL+"/funds"),
				chromedp.WaitVisible(css(`a[href^="/funds/"]`)),
			)
			fundHref := value(t, streetTab, chromedp.Evaluate[string](
				`([...document.querySelectorAll('a[href^="/funds/"]')].find(a => a.textContent.includes('湖南路街道')) || {getAttribute: () => ''}).getAttribute('href')`))
			if fundHref == "" {
				t.Fatal("the street's fund list has no fund of 湖南路街道")
			}
			fundID := strings.TrimPrefix(fundHref, "/funds/")
			row := `tr:has(a[href="/projects/` + pid + `"])`
			steps(t, streetTab, "propose the disbursement",
				chromedp.Navigate(srv.URL+fundHref),
				chromedp.WaitReady(css(`#out-project option[value="`+pid+`"]`)),
				chromedp.SetValue(css(`#out-project`), pid),
				chromedp.SendKeys(css(`#out-amount`), "1200"),
				chromedp.SendKeys(css(`#out-note`), "夜间停车引导员补贴"),
				chromedp.Click(css(`form[action$="/disbursements"] button[type=submit]`)),
				chromedp.WaitVisible(css(`.notice.success`)),
				chromedp.WaitVisible(css(`section[aria-labelledby="pending-h"] `+row)),
			)
			if n := value(t, streetTab, chromedp.Evaluate[int](`document.querySelectorAll('`+row+` form[action$="/approve"]').length`)); n != 0 {
				t.Fatal("the proposer is offered to approve its own disbursement")
			}

			// A second person approves it: the district admin (the street
			// worker, who holds fund.approve there, proposed it).
			admin := tab("admin", false)
			steps(t, admin, "approve the disbursement",
				chromedp.Navigate(srv.URL+fundHref),
				chromedp.WaitVisible(css(`section[aria-labelledby="pending-h"] `+row+` form[action$="/approve"] button`)),
				chromedp.Click(css(`section[aria-labelledby="pending-h"] `+row+` form[action$="/approve"] button`)),
				chromedp.WaitVisible(css(`.notice.success`)),
				chromedp.WaitVisible(css(`section[aria-labelledby="ledger-h"] a[href="/projects/`+pid+`"]`)),
			)
			testkit.Contains(t, text(admin, `section[aria-labelledby="decided-h"] `+row), "1,200.00", "已支付")
			type disbursement struct {
				ProjectID int64  `json:"project_id"`
				Status    string `json:"status"`
				AmountFen int64  `json:"amount_fen"`
			}
			var paid struct {
				Items []disbursement `json:"items"`
			}
			get("/funds/"+fundID+"/disbursements?per_page=50", &paid)
			if !slices.Contains(paid.Items, disbursement{projectID, "approved", 120000}) {
				t.Fatalf("the fund's disbursements lack 1200 yuan approved for project %d: %+v", projectID, paid.Items)
			}

			// 6. The fund's public page, signed out, lists the project.
			public := tab("", false)
			steps(t, public, "the fund's public page",
				chromedp.Navigate(srv.URL+"/fund/"+fundID),
				chromedp.WaitVisible(css(`#pp-h`)),
			)
			if out := value(t, public, chromedp.Evaluate[int](`document.querySelectorAll('form[action="/logout"]').length`)); out != 0 {
				t.Fatal("the public page's tab is signed in")
			}
			testkit.Contains(t, text(public, `table[aria-labelledby="pp-h"]`), needTitle, "1,200.00")

			// The street's figures count the two new projects.
			var after stats
			get("/stats/projects?area="+street, &after)
			if after.Total != before.Total+2 {
				t.Fatalf("the street's projects: %d before, %d after, want 2 more", before.Total, after.Total)
			}
			steps(t, streetTab, "the projects page's figures",
				chromedp.Navigate(srv.URL+"/projects?area="+street),
				chromedp.WaitVisible(css(`#pstats-h`)),
			)
			testkit.Contains(t, text(streetTab, `section[aria-labelledby="pstats-h"]`), fmt.Sprintf("共 %d 个项目", after.Total))
		})
	}
}
