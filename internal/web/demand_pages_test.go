package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// newDemandSite is the fixture site with two demand categories.
func newDemandSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	s := newSite(t, d)
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", NameEN: "Noise", ContactLimit: "2h", ResolveLimit: "5wd", Keywords: "噪音 吵闹 扰民", Active: true},
		{Code: "property", Name: "物业管理", NameEN: "Property management", ContactLimit: "4h", ResolveLimit: "10wd", Keywords: "物业 漏水 电梯", Active: true},
	} {
		if _, err := s.Demand.SaveCategory(context.Background(), auth.SystemPrincipal(), c); err != nil {
			t.Fatalf("category %s: %v", c.Code, err)
		}
	}
	return s
}

// fileAsResident files a demand without an account and returns its id and tracking token.
func (s *site) fileAsResident(t *testing.T, category, area, text string) (int64, string) {
	t.Helper()
	f, err := s.Demand.Intake(context.Background(), nil, demand.NewDemand{Category: category, Area: area, Description: text,
		Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13912345678"}})
	if err != nil {
		t.Fatalf("intake: %v", err)
	}
	return f.Demand.ID, f.Token
}

// status reads a demand's status straight from the service.
func (s *site) status(t *testing.T, id int64) demand.Status {
	t.Helper()
	d, err := s.Demand.Get(context.Background(), auth.SystemPrincipal(), id)
	if err != nil {
		t.Fatalf("get demand %d: %v", id, err)
	}
	return d.Status
}

// act takes an action through the service as role's fixture user.
func (s *site) act(t *testing.T, role auth.Role, id int64, in demand.ActionInput) {
	t.Helper()
	if _, err := s.Demand.Act(context.Background(), s.F.Users[role], id, in); err != nil {
		t.Fatalf("%s as %s: %v", in.Action, role, err)
	}
}

// uploadTo posts a file in the multipart field "file", with the csrf field.
func (b *browser) uploadTo(path, name, content string) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return b.do(http.MethodPost, path, &buf, mw.FormDataContentType())
}

var trackingLink = regexp.MustCompile(`id="tracking-link" href="/t/([a-z0-9]+)"`)

// TestDemandPageAccess is the page × role table of the demand pages.
func TestDemandPageAccess(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, token := s.fileAsResident(t, "noise", testkit.ResA1, "楼下烧烤店油烟和噪音很大")
		camp, err := s.Demand.CreateCampaign(t.Context(), auth.SystemPrincipal(), demand.Campaign{Quarter: "2026Q4", Area: testkit.District})
		if err != nil {
			t.Fatal(err)
		}
		const (
			ok   = http.StatusOK
			no   = http.StatusForbidden
			hide = http.StatusNotFound
		)
		// Columns: district_admin, street_staff, community_staff, grid_worker,
		// unit_liaison, member, resident, auditor (auth.Roles order).
		table := []struct {
			path string
			want [8]int
		}{
			{"/queue", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/demands", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/demands?q=噪音&status=open&overdue=false&sort=due", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/demands?status=lost", [8]int{400, 400, 400, 400, 400, no, no, 400}},
			{"/demands/new", [8]int{ok, ok, ok, ok, no, no, no, no}},
			{fmt.Sprintf("/demands/%d", id), [8]int{ok, ok, ok, hide, hide, hide, hide, ok}}, // not dispatched to the liaison's unit
			{"/demands/999999", [8]int{hide, hide, hide, hide, hide, hide, hide, hide}},
			{"/demands/dashboard", [8]int{ok, ok, ok, ok, no, no, no, ok}}, // a liaison reads its unit's demands, no area's figures
			{"/demands/dashboard?area=" + testkit.StreetB, [8]int{ok, no, no, no, no, no, no, ok}},
			{"/demands/dashboard/export.xlsx", [8]int{ok, ok, ok, ok, no, no, no, ok}},
			{"/visits", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{fmt.Sprintf("/visits/%d", camp.ID), [8]int{ok, ok, ok, ok, hide, no, no, ok}},
			{"/visits/999999", [8]int{hide, hide, hide, hide, hide, no, no, hide}},
			{"/admin/categories", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/admin/categories/new", [8]int{ok, no, no, no, no, no, no, no}},
			{"/admin/categories/noise/edit", [8]int{ok, no, no, no, no, no, no, no}},
			{"/admin/routes", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/admin/calendar", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/inbox", [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
			{"/report", [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
			{"/t/" + token, [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
			{"/t/nosuchtoken", [8]int{hide, hide, hide, hide, hide, hide, hide, hide}},
		}
		for i, r := range auth.Roles {
			b := s.login(t, r)
			for _, row := range table {
				st, body := b.get(row.path)
				if st != row.want[i] {
					t.Errorf("%s as %s: status %d, want %d\n%.600s", row.path, r, st, row.want[i], body)
				}
			}
		}
		// Without a session the staff pages go to the login form; the residents' pages open.
		anon := s.browser(t)
		for _, row := range table {
			st, _ := anon.get(row.path)
			want := http.StatusSeeOther
			switch {
			case row.path == "/report" || strings.HasPrefix(row.path, "/t/"+token):
				want = ok
			case row.path == "/t/nosuchtoken":
				want = hide
			}
			if st != want {
				t.Errorf("%s anonymous: status %d, want %d", row.path, st, want)
			}
		}
		// The top bar offers the demand pages to those who read demands.
		_, body := s.login(t, auth.GridWorker).get("/")
		testkit.Contains(t, body, `<a href="/queue"`, `id="inbox-link"`)
		_, body = s.login(t, auth.Member).get("/")
		testkit.Contains(t, body, `href="/report"`)
		if strings.Contains(body, `href="/queue"`) || strings.Contains(body, `id="inbox-link"`) {
			t.Error("a member's top bar offers the demand queue or the staff inbox")
		}
	})
}

// TestStaffIntake files a demand through the hotline form and finds it on its page.
func TestStaffIntake(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		st, body := b.get("/demands/new")
		wantStatus(t, "intake form", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="d-category" name="category" type="text" list="category-list"`, "autofocus", `accesskey="c"`,
			`<option value="噪音扰民" label="noise · 噪音 吵闹 扰民">`, `<option value="东湖居民区/第1网格"`,
			`hx-post="/demands/similar"`, `hx-trigger="keyup changed delay:500ms"`, `<option value="hotline" selected>`,
			`name="csrf"`, "快捷键", "/static/intake.")

		demands := func() int { return s.count(t, "SELECT count(*) FROM demands") }
		resp := b.submit("/demands", url.Values{"category": {"城堡"}, "area": {"东湖居民区"}, "description": {"噪音"}})
		wantStatus(t, "unknown category", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="d-category-error">未知诉求分类 &#34;城堡&#34;`, `value="城堡"`)
		resp = b.submit("/demands", url.Values{"category": {"噪音扰民"}, "area": {"东湖居民区"}, "description": {strings.Repeat("吵", 4001)}})
		wantStatus(t, "too long", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "描述有 4001 个字，最多允许 4000 个字")
		if n := demands(); n != 0 {
			t.Fatalf("refused intakes filed %d demands", n)
		}

		resp = b.submit("/demands", url.Values{"category": {"噪音扰民"}, "area": {"东湖居民区"}, "channel": {"hotline"},
			"description": {"东湖路 12 号楼下烧烤店每天深夜噪音扰民"}, "address": {"东湖路 12 号"},
			"reporter_name": {"李先生"}, "reporter_phone": {"13800001234"}})
		wantStatus(t, "intake", resp.StatusCode, http.StatusOK, resp.Body)
		m := regexp.MustCompile(`已登记诉求 #(\d+)`).FindStringSubmatch(resp.Body)
		if m == nil || !trackingLink.MatchString(resp.Body) {
			t.Fatalf("no demand number or tracking link after filing:\n%.2000s", resp.Body)
		}
		testkit.Contains(t, resp.Body, "此链接只显示这一次")
		st, page := b.get("/demands/" + m[1])
		wantStatus(t, "demand page", st, http.StatusOK, page)
		// Community staff dispatch: filed and dispatched in one step, to the residential area itself (no routing rule).
		testkit.Contains(t, resp.Body, "已派给 湖南路街道 / 东湖居民区")
		testkit.Contains(t, page, "东湖路 12 号楼下烧烤店每天深夜噪音扰民", "噪音扰民", "东湖居民区", "热线", "已派单",
			"李先生", "13800001234", `data-event="receive"`, `data-event="dispatch"`, `data-action="sign"`)
		if strings.Contains(page, `data-action="dispatch"`) || strings.Contains(page, `data-action="resolve"`) {
			t.Error("the page offers actions the state does not allow")
		}
		// An auditor reads the page but is offered nothing, and sees the reporter masked.
		_, audit := s.login(t, auth.Auditor).get("/demands/" + m[1])
		testkit.Contains(t, audit, "东湖路 12 号楼下烧烤店", "138****1234", "您目前没有可对此诉求执行的操作")
		if strings.Contains(audit, "data-action=") || strings.Contains(audit, "13800001234") {
			t.Error("the auditor is offered an action or sees the phone")
		}
	})
}

// TestSimilarFragment checks the htmx fragment lists a near-identical complaint.
func TestSimilarFragment(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		first, _ := s.fileAsResident(t, "noise", testkit.ResA1, "东湖路小区楼下烧烤店每天晚上噪音很大影响休息")
		other, _ := s.fileAsResident(t, "property", testkit.ResA1, "电梯坏了一个星期没人修")
		b := s.login(t, auth.CommunityStaff)
		resp := b.submit("/demands/similar", url.Values{"category": {"噪音扰民"}, "area": {"东湖居民区"},
			"description": {"东湖路小区楼下烧烤店每天晚上噪音很大，影响休息"}})
		wantStatus(t, "similar", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, fmt.Sprintf(`data-similar="%d"`, first), fmt.Sprintf(`href="/demands/%d"`, first), "相似度")
		if strings.Contains(resp.Body, fmt.Sprintf(`data-similar="%d"`, other)) || strings.Contains(resp.Body, "<html") {
			t.Errorf("the fragment lists an unrelated demand or is a whole page:\n%s", resp.Body)
		}
		resp = b.submit("/demands/similar", url.Values{"description": {"噪"}})
		testkit.Contains(t, resp.Body, "输入诉求内容后")
		// The demand page lists the duplicate with a merge button.
		second, _ := s.fileAsResident(t, "noise", testkit.ResA1, "东湖路小区楼下烧烤店每天晚上噪音很大影响休息睡觉")
		_, page := b.get(fmt.Sprintf("/demands/%d", second))
		testkit.Contains(t, page, fmt.Sprintf(`data-similar="%d"`, first), `data-action="merge"`,
			fmt.Sprintf(`name="target" value="%d"`, first), fmt.Sprintf("把 #%d 合并到 #%d", second, first))
		resp = b.submit(fmt.Sprintf("/demands/%d/actions", second), url.Values{"action": {"merge"}, "target": {fmt.Sprint(first)}})
		wantStatus(t, "merge", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if st := s.status(t, second); st != demand.Merged {
			t.Fatalf("after merge the demand is %s", st)
		}
	})
}

// TestDemandActions moves a demand through the action forms and checks
// that refused actions say why and change nothing.
func TestDemandActions(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "广场舞音响声音太大")
		path := fmt.Sprintf("/demands/%d", id)
		staff := s.login(t, auth.CommunityStaff)
		// With no routing rule the dispatch form proposes the residential area itself.
		_, page := staff.get(path)
		testkit.Contains(t, page, `<form method="post" action="`+path+`/actions" class="stack" data-action="dispatch"`,
			`name="lead" type="text" list="lead-list" autocomplete="off" value="东湖居民区"`)

		resp := staff.submit(path+"/actions", url.Values{"action": {"dispatch"}, "lead": {"东湖居民区"}, "note": {"请尽快处理"}})
		wantStatus(t, "dispatch", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if st := s.status(t, id); st != demand.Dispatched {
			t.Fatalf("after dispatch: %s", st)
		}
		_, page = staff.get(resp.Header.Get("Location"))
		testkit.Contains(t, page, "已完成：派单", `data-event="dispatch"`, `data-action="sign"`, `data-action="return"`)

		// 409: resolving a demand nobody has signed for.
		resp = staff.submit(path+"/actions", url.Values{"action": {"resolve"}, "outcome": {"solved"}, "resolution": {"已处理"}})
		wantStatus(t, "resolve too early", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, `id="action-error"`, "不能“办结”：诉求目前为“已派单”。")
		if st := s.status(t, id); st != demand.Dispatched {
			t.Fatalf("a refused action changed the status to %s", st)
		}

		resp = staff.submit(path+"/actions", url.Values{"action": {"sign"}})
		wantStatus(t, "sign", resp.StatusCode, http.StatusSeeOther, resp.Body)

		// 400: first contact needs a note; the field says so.
		resp = staff.submit(path+"/actions", url.Values{"action": {"contact"}, "note": {""}})
		wantStatus(t, "contact without note", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, `id="f-contact-note-error">请填写此项`, `class="action failed"`)
		// 400: a date the page cannot read.
		resp = staff.submit(path+"/actions", url.Values{"action": {"extend"}, "reason": {"需协调"}, "new_due": {"下周"}})
		wantStatus(t, "bad date", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "请填写日期和时间", `value="下周"`)

		// 403: an auditor reads but may not close.
		auditor := s.login(t, auth.Auditor)
		resp = auditor.submit(path+"/actions", url.Values{"action": {"close"}, "note": {"关掉"}})
		wantStatus(t, "auditor close", resp.StatusCode, http.StatusForbidden, resp.Body)
		testkit.Contains(t, resp.Body, "您无权在此区域执行此操作")
		if st := s.status(t, id); st != demand.Signed {
			t.Fatalf("refused actions changed the status to %s", st)
		}

		// An extension with a Shanghai wall-clock time.
		resp = staff.submit(path+"/actions", url.Values{"action": {"extend"}, "reason": {"需要物业配合"}, "new_due": {"2026-12-31T18:00"}})
		wantStatus(t, "extend", resp.StatusCode, http.StatusSeeOther, resp.Body)
		dm, err := s.Demand.Get(t.Context(), auth.SystemPrincipal(), id)
		if err != nil {
			t.Fatal(err)
		}
		if dm.ExtensionDue == nil || !dm.ExtensionDue.Equal(time.Date(2026, 12, 31, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("extension due %v, want 18:00 Shanghai", dm.ExtensionDue)
		}
		_, page = staff.get(path)
		testkit.Contains(t, page, `data-action="approve_extension"`, `name="approve" value="true"`, "申请延至 2026-12-31 18:00")

		// English readers get the same pages in English.
		staff.submit("/lang", url.Values{"lang": {"en"}})
		resp = staff.submit(path+"/actions", url.Values{"action": {"sign"}})
		wantStatus(t, "sign twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "You cannot “Sign for” while the demand is “Signed for”.", "What you can do")
	})
}

// TestQueue checks my queue shows the time left and then the time overdue.
func TestQueue(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "装修噪音")
		b := s.login(t, auth.CommunityStaff)
		st, body := b.get("/queue")
		wantStatus(t, "queue", st, http.StatusOK, body)
		testkit.Contains(t, body, fmt.Sprintf(`data-demand="%d"`, id), "还剩 2 小时", "下一步：派单", `aria-current="page">需要我办理`)
		_, home := b.get("/")
		testkit.Contains(t, home, "我的待办", `<span class="figure-label">待派单</span> <span class="figure-value">1</span>`)
		// Dispatched to the grid, it leaves the residential area's to-do list
		// for "being handled by others", and the grid worker's list names signing.
		resp := b.submit(fmt.Sprintf("/demands/%d/actions", id), url.Values{"action": {"dispatch"}, "lead": {testkit.GridA1}})
		wantStatus(t, "dispatch", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if _, body = b.get("/queue"); strings.Contains(body, fmt.Sprintf(`data-demand="%d"`, id)) {
			t.Error("a demand waiting on the grid is on the residential area's to-do list")
		}
		_, body = b.get("/queue?tab=others")
		testkit.Contains(t, body, fmt.Sprintf(`data-demand="%d"`, id), `aria-current="page">他人办理中`)
		grid := s.login(t, auth.GridWorker)
		_, body = grid.get("/queue")
		testkit.Contains(t, body, fmt.Sprintf(`data-demand="%d"`, id), "下一步：签收")
		if _, body = grid.get("/queue?category=sanitation"); strings.Contains(body, fmt.Sprintf(`data-demand="%d"`, id)) {
			t.Error("the category filter kept a noise demand")
		}
		s.Clock.Advance(5 * time.Hour)
		_, body = grid.get("/queue")
		testkit.Contains(t, body, `<span class="badge late">超时</span>`, "已超时 3 小时", `class="is-late"`)
		// The street staff above see it only when their street owns or handles it.
		_, body = s.login(t, auth.StreetStaff).get("/queue")
		if strings.Contains(body, fmt.Sprintf(`data-demand="%d"`, id)) {
			t.Error("the street's queue lists a demand the residential area owns")
		}
	})
}

// TestResidentReport files without an account, follows the tracking link
// through the handling, and rates once.
func TestResidentReport(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		r := s.browser(t)
		st, body := r.get("/report")
		wantStatus(t, "report form", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="report-submit"`, `id="r-area" name="area" type="text"`, `data-src="/report/areas"`,
			`id="locate"`, "hidden", "/static/report.", "只有办理此事的工作人员能看到", `name="viewport"`)
		if strings.Contains(body, `name="csrf"`) {
			t.Error("the anonymous form carries a session CSRF field")
		}
		resp := r.post("/report", url.Values{"category": {"noise"}, "description": {"噪音"}}, nil)
		wantStatus(t, "no area", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请选择居民区，或使用您的位置")

		resp = r.post("/report", url.Values{"category": {"noise"}, "area": {testkit.ResA1}, "description": {"晚上十点后楼上还在装修，电钻声很大"},
			"name": {"赵女士"}, "phone": {"13911112222"}}, nil)
		wantStatus(t, "report", resp.StatusCode, http.StatusOK, resp.Body)
		m := trackingLink.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("no tracking link:\n%.2000s", resp.Body)
		}
		token, track := m[1], "/t/"+m[1]
		testkit.Contains(t, resp.Body, "请收藏或保存下面的链接")
		var id int64
		if err := s.DB.QueryRow(t.Context(), "SELECT max(id) FROM demands").Scan(&id); err != nil {
			t.Fatal(err)
		}
		if ch := s.count(t, "SELECT count(*) FROM demands WHERE channel = 'online' AND id = ?", id); ch != 1 {
			t.Fatal("the resident's demand is not filed online")
		}

		st, body = r.get(track)
		wantStatus(t, "track", st, http.StatusOK, body)
		testkit.Contains(t, body, "晚上十点后楼上还在装修", "已受理", `data-event="receive"`, `content="noindex, nofollow"`)

		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActSign})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActContact, Note: "已电话联系 13911112222"})
		st, body = r.get(track)
		wantStatus(t, "track in progress", st, http.StatusOK, body)
		testkit.Contains(t, body, "处理中", `data-event="dispatch"`, `data-event="contact"`, "工作人员")
		if strings.Contains(body, "13911112222") || strings.Contains(body, "已电话联系") {
			t.Error("the public timeline shows a staff note with the resident's phone")
		}
		if strings.Contains(body, `id="rate-form"`) {
			t.Error("the rating form shows before the demand is resolved")
		}
		resp = r.post(track+"/rate", url.Values{"satisfaction": {"satisfied"}, "solved": {"yes"}}, nil)
		wantStatus(t, "rate too early", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "诉求尚未办结；办结后才能评价")

		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActResolve, Outcome: demand.OutcomeSolved, Resolution: "已约谈施工方，晚上 8 点后停工"})
		_, body = r.get(track)
		testkit.Contains(t, body, "已办结", "已约谈施工方，晚上 8 点后停工", `id="rate-form"`, `action="/t/`+token+`/rate"`,
			`value="satisfied"`, `value="basic"`, `value="dissatisfied"`, `name="solved" value="yes"`)
		for _, secret := range []string{"赵女士", "13911112222", "community_staff", "王阿姨"} {
			if strings.Contains(body, secret) {
				t.Errorf("the public page shows %q", secret)
			}
		}

		resp = r.post(track+"/rate", url.Values{"satisfaction": {"satisfied"}}, nil)
		wantStatus(t, "half a rating", resp.StatusCode, http.StatusBadRequest, resp.Body)
		resp = r.post(track+"/rate", url.Values{"satisfaction": {"satisfied"}, "solved": {"yes"}}, nil)
		wantStatus(t, "rate", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = r.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "谢谢您的评价", "已关闭", "您的评价", "满意")
		if strings.Contains(body, `id="rate-form"`) {
			t.Error("the rating form shows after rating")
		}
		resp = r.post(track+"/rate", url.Values{"satisfaction": {"dissatisfied"}, "solved": {"no"}}, nil)
		wantStatus(t, "rate twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "您已评价过此诉求")
		if st := s.status(t, id); st != demand.Closed {
			t.Fatalf("after a second rating the demand is %s", st)
		}
	})
}

// TestReportRateLimit limits anonymous filings per address.
func TestReportRateLimit(t *testing.T) {
	s := newDemandSite(t, testkit.NewDB(t, db.SQLite))
	r := s.browser(t)
	form := url.Values{"category": {"noise"}, "area": {testkit.ResA1}, "description": {"夜间噪音"}}
	for i := range 10 {
		if resp := r.post("/report", form, nil); resp.StatusCode != http.StatusOK {
			t.Fatalf("filing %d: %d", i+1, resp.StatusCode)
		}
	}
	resp := r.post("/report", form, nil)
	wantStatus(t, "11th filing", resp.StatusCode, http.StatusTooManyRequests, resp.Body)
	testkit.Contains(t, resp.Body, "提交太频繁")
	s.Clock.Advance(11 * time.Minute)
	if resp := r.post("/report", form, nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the window: %d", resp.StatusCode)
	}
	big := url.Values{"category": {"noise"}, "area": {testkit.ResA1}, "description": {strings.Repeat("吵", 20000)}}
	s.Clock.Advance(11 * time.Minute)
	resp = r.post("/report", big, nil)
	wantStatus(t, "huge body", resp.StatusCode, http.StatusRequestEntityTooLarge, resp.Body)
}

// TestDemandDashboard renders the figures and chart containers and exports them.
func TestDemandDashboard(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		s.fileAsResident(t, "noise", testkit.ResA1, "噪音一")
		s.fileAsResident(t, "noise", testkit.ResA2, "噪音二")
		s.fileAsResident(t, "property", testkit.ResB1, "物业不作为")
		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/demands/dashboard")
		wantStatus(t, "dashboard", st, http.StatusOK, body)
		testkit.Contains(t, body, "徐汇区诉求看板", `id="rates-trend"`, `id="hot-categories"`, `id="overdue-by-area"`, `id="heat-map"`,
			`data-rate="response">—</p>`, `data-rate="resolution">—</p>`, `data-rate="satisfaction">—</p>`, `data-figure="received">3</p>`,
			"/static/vendor/echarts.min.", "/static/demand_dashboard.", `id="dashboard-data"`,
			`"code":"`+testkit.StreetA+`"`, `"heat_cats":["噪音扰民","物业管理"]`,
			`href="/demands/dashboard?area=`+testkit.StreetA+`&amp;from=2026-11-01&amp;to=2026-11-30"`,
			`href="/demands/dashboard/export.xlsx?area=310104&amp;from=2026-11-01&amp;to=2026-11-30"`,
			// The last week of the trend is marked as not due yet.
			`"not_due_from":"2026-11-24"`, `"not_due":"未到办结时限"`,
			// Nothing rated yet: no standing, and it says so in words.
			`class="figure standing-none"`, `data-standing="none">本期无可计算数据（目标 95.0%）`)

		// A rating moves the figures.
		id, token := s.fileAsResident(t, "noise", testkit.ResA1, "噪音三")
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActSign})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已处理"})
		if _, err := s.Demand.Rate(t.Context(), token, demand.Satisfied, true); err != nil {
			t.Fatal(err)
		}
		_, body = admin.get("/demands/dashboard?area=" + testkit.StreetA)
		testkit.Contains(t, body, "湖南路街道诉求看板", `data-rate="response">100.0%</p>`, `data-rate="resolution">100.0%</p>`,
			`data-rate="satisfaction">100.0%</p>`, `"code":"`+testkit.ResA1+`"`,
			// Against the targets (met) and the previous 30 days (nothing then).
			`class="figure standing-met"`, `data-standing="met">达到目标 95.0%`, "上期无可比数据")
		// A district's own targets are what the words name.
		if _, err := s.Demand.SaveTargets(t.Context(), s.F.Users[auth.DistrictAdmin], demand.Targets{Response: 1, Resolution: 1, Satisfaction: 1}); err != nil {
			t.Fatal(err)
		}
		_, body = admin.get("/demands/dashboard?area=" + testkit.StreetA)
		testkit.Contains(t, body, `data-standing="met">达到目标 100.0%`)

		// Below residential level there are totals only.
		st, body = s.login(t, auth.GridWorker).get("/demands/dashboard")
		wantStatus(t, "grid dashboard", st, http.StatusOK, body)
		testkit.Contains(t, body, `data-rate="response"`, "网格和弄只显示合计")
		if strings.Contains(body, "echarts") {
			t.Error("the totals-only dashboard loads ECharts")
		}

		resp := admin.do(http.MethodGet, "/demands/dashboard/export.xlsx?area=310104&from=2026-11-01&to=2026-11-30", nil, "")
		wantStatus(t, "export", resp.StatusCode, http.StatusOK, "")
		if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
			t.Fatalf("export content type %q", ct)
		}
		x, err := excelize.OpenReader(strings.NewReader(resp.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		if got := strings.Join(x.GetSheetList(), ","); got != "汇总,分类,区域,每日" {
			t.Fatalf("sheets %s", got)
		}
		rows, err := x.GetRows("汇总")
		if err != nil || len(rows) != 2 || rows[1][slices.Index(rows[0], "受理量")] != "4" {
			t.Fatalf("汇总 rows %v (%v)", rows, err)
		}
		rows, _ = x.GetRows("区域")
		if len(rows) != 3 || rows[1][0] != testkit.StreetA || rows[1][2] != "3" {
			t.Fatalf("区域 rows %v", rows)
		}
	})
}

// TestCalendarAdmin uploads a calendar with a bad row, then loads 2026.
func TestCalendarAdmin(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/admin/calendar")
		wantStatus(t, "calendar", st, http.StatusOK, body)
		testkit.Contains(t, body, `enctype="multipart/form-data"`, `id="load-national"`, "还没有保存任何日期")
		// The year viewed defaults to this year by the (test) clock; a year
		// gongzhi ships no schedule for offers none.
		testkit.Contains(t, body, `action="/admin/calendar/`+strconv.Itoa(s.Clock.Now().In(clock.Shanghai).Year())+`"`)
		_, body = admin.get("/admin/calendar?year=2025")
		testkit.Contains(t, body, `action="/admin/calendar/2025"`, "2025 年节假日安排")
		if _, body = admin.get("/admin/calendar?year=2031"); strings.Contains(body, `id="load-national"`) {
			t.Error("2031 offers a national schedule gongzhi does not ship")
		}

		bad := "日期,类型,名称\n2026-10-01,节假日,国庆节\n2026-13-01,节假日,国庆节\n2026-10-10,上学,调休\n"
		resp := admin.uploadTo("/admin/calendar", "2026.csv", bad)
		wantStatus(t, "bad calendar", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "文件有误，没有导入任何内容", `<td data-label="行" class="num">3</td>`, `<td data-label="列">日期</td>`,
			`<td data-label="行" class="num">4</td>`, `<td data-label="列">类型</td>`, "2026-13-01")
		if n := s.count(t, "SELECT count(*) FROM calendar_days"); n != 0 {
			t.Fatalf("a refused file stored %d days", n)
		}
		resp = admin.uploadTo("/admin/calendar", "2026.csv", "date,kind,name\n2026-10-01,holiday,国庆节\n")
		wantStatus(t, "good calendar", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = admin.submit("/admin/calendar/2026", nil)
		wantStatus(t, "load 2026", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "已导入", `data-day="2026-10-07"`, "国庆节", "调休上班")

		// Street staff read the calendar but may not change it.
		street := s.login(t, auth.StreetStaff)
		_, body = street.get("/admin/calendar")
		if strings.Contains(body, `id="load-national"`) {
			t.Error("street staff are offered the calendar import")
		}
		resp = street.submit("/admin/calendar/2026", nil)
		wantStatus(t, "street loads 2026", resp.StatusCode, http.StatusForbidden, resp.Body)
	})
}

// TestCalendarNationalYear loads the shipped schedule of a year other than
// 2026, and refuses a year gongzhi ships none for without storing anything.
func TestCalendarNationalYear(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		resp := admin.submit("/admin/calendar/2031", nil)
		wantStatus(t, "load 2031", resp.StatusCode, http.StatusNotFound, resp.Body)
		testkit.Contains(t, resp.Body, "没有附带 2031 年的全国节假日安排")
		if n := s.count(t, "SELECT count(*) FROM calendar_days"); n != 0 {
			t.Fatalf("an unknown year stored %d days", n)
		}
		resp = admin.submit("/admin/calendar/2025", nil)
		wantStatus(t, "load 2025", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if loc := resp.Header.Get("Location"); loc != "/admin/calendar?year=2025&imported=33" {
			t.Errorf("redirected to %q", loc)
		}
		if n := s.count(t, "SELECT count(*) FROM calendar_days WHERE day LIKE '2025-%'"); n != 33 {
			t.Errorf("stored %d days of 2025, want 33", n)
		}
		_, body := admin.get("/admin/calendar?year=2025")
		testkit.Contains(t, body, `data-day="2025-10-08"`, "国庆节、中秋节")
	})
}

// TestCategoriesAndRoutes edits a category and a routing rule through the forms.
func TestCategoriesAndRoutes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		form := url.Values{"code": {"parking"}, "name": {"停车管理"}, "contact_limit": {"2h"}, "resolve_limit": {"5d"}, "active": {"1"}}
		resp := admin.submit("/admin/categories", form)
		wantStatus(t, "bad limit", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="k-resolve-error">办结时限应为时长`)
		form.Set("resolve_limit", "5wd")
		resp = admin.submit("/admin/categories", form)
		wantStatus(t, "create", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body := admin.get("/admin/categories")
		testkit.Contains(t, body, `data-category="parking"`, "停车管理", "<code>5wd</code>", `href="/admin/categories/parking/edit"`)
		resp = admin.submit("/admin/categories", form)
		wantStatus(t, "create twice", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		form.Set("edit", "1")
		form.Set("resolve_limit", "3wd")
		resp = admin.submit("/admin/categories", form)
		wantStatus(t, "edit", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if c, err := s.Demand.Category(t.Context(), "parking"); err != nil || c.ResolveLimit != "3wd" {
			t.Fatalf("after edit: %+v %v", c, err)
		}
		// Street staff may not edit categories.
		street := s.login(t, auth.StreetStaff)
		resp = street.submit("/admin/categories", url.Values{"code": {"x"}, "name": {"x"}, "contact_limit": {"1h"}, "resolve_limit": {"1h"}})
		wantStatus(t, "street edits category", resp.StatusCode, http.StatusForbidden, resp.Body)

		// Street staff route noise in 东湖 to its grid; the dispatch form then proposes it.
		resp = street.submit("/admin/routes", url.Values{"category": {"noise"}, "area": {testkit.ResA1}, "body": {"湖南路街道/东湖居民区/第1网格"}})
		wantStatus(t, "route", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "已保存派单规则", "湖南路街道/东湖居民区/第1网格")
		resp = street.submit("/admin/routes", url.Values{"category": {"noise"}, "area": {testkit.ResA1}, "body": {"月球"}})
		wantStatus(t, "bad body", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "半夜噪音")
		_, body = street.get(fmt.Sprintf("/demands/%d", id))
		testkit.Contains(t, body, `name="lead" type="text" list="lead-list" autocomplete="off" value="湖南路街道/东湖居民区/第1网格"`)
	})
}

// TestVisitsPages starts a campaign, adds a team and records a visit that files a demand.
func TestVisitsPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		_, body := admin.get("/visits")
		testkit.Contains(t, body, `value="2026Q4"`, "发起走访活动")
		resp := admin.submit("/visits", url.Values{"quarter": {"2026Q5"}, "area": {testkit.District}})
		wantStatus(t, "bad quarter", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "季度应写成 2026Q4 的形式")
		resp = admin.submit("/visits", url.Values{"quarter": {"2026Q4"}, "area": {testkit.District}})
		wantStatus(t, "campaign", resp.StatusCode, http.StatusSeeOther, resp.Body)
		camp := resp.Header.Get("Location")

		resp = admin.submit(camp+"/teams", url.Values{"name": {"区委办走访组"}, "org": {"区委办公室党支部"}, "area": {testkit.ResA1},
			"member_name": {"李代表", "张律师", ""}, "member_role": {"deputy", "lawyer", "cadre"}})
		wantStatus(t, "team", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(camp)
		testkit.Contains(t, body, "区委办走访组", "李代表", "人大代表", "张律师", "律师", "还有 3 个居民区未走访（共 3 个）")
		m := regexp.MustCompile(`data-team="(\d+)"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no team on the page")
		}
		resp = admin.submit(camp+"/visits", url.Values{"team": {m[1]}, "visited_on": {"2026-11-30"}, "met": {"居民代表 5 人"},
			"raised": {"夜间噪音、停车难"}, "demand_category": {"噪音扰民", ""}, "demand_description": {"夜间施工噪音", ""}})
		wantStatus(t, "visit", resp.StatusCode, http.StatusOK, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM demands WHERE channel = 'visit' AND area_code = ?", testkit.ResA1); n != 1 {
			t.Fatalf("the visit filed %d demands", n)
		}
		body = resp.Body
		testkit.Contains(t, body, "已记录走访", "还有 2 个居民区未走访（共 3 个）", `class="tracking-link"`, `href="/t/`)
		// Residential areas not yet visited come first.
		if a2, a1 := strings.Index(body, `data-area="`+testkit.ResA2+`"`), strings.Index(body, `data-area="`+testkit.ResA1+`"`); a2 < 0 || a1 < 0 || a2 > a1 {
			t.Error("a visited area is listed before an unvisited one")
		}
		resp = admin.submit(camp+"/visits", url.Values{"team": {m[1]}, "visited_on": {"2026-05-01"}, "met": {"x"}})
		wantStatus(t, "visit outside the quarter", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "走访日期应在 2026Q4 内")
	})
}

// TestInbox shows the unread badge, lists notices and marks them read.
func TestInbox(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "噪音")
		b := s.login(t, auth.CommunityStaff)
		_, body := b.get("/queue")
		testkit.Contains(t, body, `id="inbox-unread"><span aria-hidden="true">1</span><span class="visually-hidden">1 条未读站内信</span>`)
		st, body := b.get("/inbox")
		wantStatus(t, "inbox", st, http.StatusOK, body)
		testkit.Contains(t, body, "新诉求待派单", fmt.Sprintf(`name="next" value="/demands/%d"`, id), "派单", "1 条未读")
		resp := b.submit("/inbox/read-all", nil)
		wantStatus(t, "read all", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = b.get("/inbox")
		testkit.Contains(t, body, "0 条未读")
		if strings.Contains(body, `id="inbox-unread"`) {
			t.Error("the badge stays after reading everything")
		}
	})
}
