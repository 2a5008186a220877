package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPartyOrgReportPages: staff register a unit's organisation with the
// residential area and another confirms it; a dual-reported member logs
// service from /my, the area's staff approve it, and the hours show.
func TestPartyOrgReportPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, _ := area.Path(ctx, d, testkit.ResA1)
		org, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('湖南路小店党支部', 'unit_party_org', ?, ?)", testkit.ResA1, path)
		if err != nil {
			t.Fatal(err)
		}
		orgID := strconv.FormatInt(org, 10)
		staff, street := s.login(t, auth.CommunityStaff), s.login(t, auth.StreetStaff)
		st, body := staff.get("/members/org-reports")
		wantStatus(t, "org reports", st, http.StatusOK, body)
		testkit.Contains(t, body, "登记组织报到", "湖南路小店党支部", "还没有组织报到")
		resp := staff.submit("/members/org-reports", url.Values{"party_org_id": {orgID}, "area": {testkit.ResA1}, "contact_name": {""}})
		wantStatus(t, "no contact", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请填写联系人姓名")
		resp = staff.submit("/members/org-reports", url.Values{"party_org_id": {orgID}, "area": {testkit.ResA1}, "contact_name": {"王联络"},
			"contact_phone": {"13812345678"}, "offers": {"会议室每周一次\n志愿者 5 名"}})
		wantStatus(t, "register", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.submit("/members/org-reports", url.Values{"party_org_id": {orgID}, "area": {testkit.ResA1}, "contact_name": {"王联络"}})
		wantStatus(t, "register twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "该组织已向这个居民区报到")
		st, body = staff.get("/members/org-reports")
		wantStatus(t, "org reports", st, http.StatusOK, body)
		testkit.Contains(t, body, "138****5678", "会议室每周一次；志愿者 5 名", "待确认", "报到未服务的组织（1 个）")
		resp = staff.submit("/members/org-reports/1/confirm", nil)
		wantStatus(t, "confirm own", resp.StatusCode, http.StatusForbidden, resp.Body)
		testkit.Contains(t, resp.Body, "报到须由登记人以外的人确认")
		resp = street.submit("/members/org-reports/1/confirm", nil)
		wantStatus(t, "confirm", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = staff.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "已确认报到。", `class="badge ok">已确认<`)
		for _, x := range []string{"/members/org-reports.xlsx", "/members/org-reports.xlsx?unserved=true"} {
			resp := staff.do(http.MethodGet, x, nil, "")
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Body, "PK") {
				t.Errorf("%s: %d", x, resp.StatusCode)
			}
		}

		// A member of the organisation, dual-reported, logs service.
		resp = staff.submit("/members", url.Values{"name": {"李党员"}, "kind": {"在职"}, "party_org_id": {orgID}})
		wantStatus(t, "add member", resp.StatusCode, http.StatusSeeOther, resp.Body)
		memberPage := resp.Header.Get("Location")
		resp = staff.submit(memberPage+"/link", url.Values{"username": {"member"}})
		wantStatus(t, "link", resp.StatusCode, http.StatusSeeOther, resp.Body)
		member := s.login(t, auth.Member)
		resp = member.submit(memberPage+"/report", url.Values{"area": {testkit.ResA1}, "posts": {"楼组长助理"}, "back": {"my"}})
		wantStatus(t, "report", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = member.get("/my")
		wantStatus(t, "my", st, http.StatusOK, body)
		testkit.Contains(t, body, "登记服务", `name="post"`)
		start := s.Clock.Now().Add(-3 * time.Hour).In(time.FixedZone("CST", 8*3600))
		form := url.Values{"post": {"楼组长助理"}, "date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")},
			"end": {start.Add(2 * time.Hour).Format("15:04")}, "note": {""}}
		resp = member.submit("/my/service-logs", form)
		wantStatus(t, "log without a note", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请说明做了什么")
		form.Set("note", "协助楼组长走访")
		resp = member.submit("/my/service-logs", form)
		wantStatus(t, "log", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "已提交，等待居民区审核", "待审核")
		st, body = staff.get("/members/service-logs")
		wantStatus(t, "service logs", st, http.StatusOK, body)
		testkit.Contains(t, body, "李党员 · 楼组长助理", "协助楼组长走访", "120 分钟")
		resp = staff.submit("/members/service-logs/1/decide", url.Values{"approve": {"1"}})
		wantStatus(t, "approve", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.submit("/members/service-logs/1/decide", url.Values{"approve": {"1"}})
		wantStatus(t, "approve twice", resp.StatusCode, http.StatusConflict, resp.Body)
		_, body = member.get("/my")
		testkit.Contains(t, body, "2.0 小时", "已通过")
		_, body = staff.get("/members/org-reports")
		testkit.Contains(t, body, "报到未服务的组织（0 个）")
		if st, _ := s.login(t, auth.Resident).get("/members/org-reports"); st != http.StatusForbidden {
			t.Errorf("a resident opens the registrations: %d", st)
		}
	})
}

// TestActivityByProject: a running service project is offered as the
// organiser of a new activity and shows as its organiser.
func TestActivityByProject(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, _ := area.Path(ctx, d, testkit.ResA1)
		if _, err := d.Exec(ctx, `INSERT INTO projects (title, domain, level, area_code, area_path, status, rate_token, created_at, updated_at)
			VALUES ('湖南路助老项目', 'livelihood', 'residential', ?, ?, 'running', 'tok-1', ?, ?)`, testkit.ResA1, path, s.Clock.Now(), s.Clock.Now()); err != nil {
			t.Fatal(err)
		}
		staff := s.login(t, auth.CommunityStaff)
		_, body := staff.get("/activities")
		testkit.Contains(t, body, `name="project_id"`, "湖南路助老项目")
		start := s.Clock.Now().Add(48 * time.Hour).In(time.FixedZone("CST", 8*3600))
		form := url.Values{"title": {"助老理发"}, "date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")},
			"end": {start.Add(time.Hour).Format("15:04")}, "place": {"东湖居民区党群服务站"}, "capacity": {"10"}, "audience": {"all"},
			"area": {testkit.ResA1}, "project_id": {"99"}}
		resp := staff.submit("/activities", form)
		wantStatus(t, "unknown project", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "没有编号为 99 的服务项目")
		form.Set("project_id", "1")
		resp = staff.submit("/activities", form)
		wantStatus(t, "publish", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = staff.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "<dd>湖南路助老项目</dd>")
	})
}
