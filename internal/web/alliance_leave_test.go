package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// allianceState is what leave, edit and close forms change, as one number.
const allianceState = `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM alliance_members WHERE left_on IS NOT NULL) * 1000 +
	(SELECT count(*) FROM alliance_commitments WHERE done_on IS NOT NULL OR not_kept_on IS NOT NULL) * 100000`

// TestAllianceLeaveEditClosePages: street staff end a membership from the
// alliance's page (the former member is shown apart, with when and why),
// edit a commitment and close it as not kept; ending twice and editing a
// closed commitment answer 409 with the page and change nothing; a
// committee of the area below, a resident and the auditor may not.
func TestAllianceLeaveEditClosePages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		street := s.login(t, auth.StreetStaff)
		page := created(t, street, "found an alliance", "/alliances", url.Values{"area": {testkit.StreetA}, "name": {"商圈服务联盟"},
			"charter": {"商户与居委会携手服务居民"}, "criteria": {"在街道内经营一年以上的商户"}})
		aid := strings.TrimPrefix(page, "/alliances/")
		for _, name := range []string{"党群服务站", "社区食堂"} {
			resp := street.submit(page+"/members", url.Values{"kind": {"office"}, "name": {name}, "place": {"衡山路10号 9:00-17:00"}})
			wantStatus(t, "admit "+name, resp.StatusCode, http.StatusSeeOther, resp.Body)
		}
		_, body := street.get(page)
		canteen := regexpFind(t, `<option value="(\d+)">社区食堂</option>`, body)
		resp := street.submit(page+"/commitments", url.Values{"member_id": {canteen}, "text": {"为老人提供助餐"}, "target": {"每天50份"}, "due_on": {"2026-12-31"}})
		wantStatus(t, "a commitment", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		testkit.Contains(t, body, `action="/alliance-members/`+canteen+`/leave"`, "每天50份")
		c := regexpFind(t, `action="/alliance-commitments/(\d+)/close"`, body)

		// Who may: not a committee of the area below, a resident or the auditor.
		type caller struct {
			role   auth.Role
			status int
			b      *browser
		}
		callers := []caller{{auth.CommunityStaff, http.StatusNotFound, nil}, {auth.Resident, http.StatusNotFound, nil}, {auth.Auditor, http.StatusForbidden, nil}}
		for i := range callers {
			callers[i].b = s.login(t, callers[i].role) // signing in writes an audit row
		}
		before := s.count(t, allianceState)
		for _, who := range callers {
			b := who.b
			for path, form := range map[string]url.Values{
				"/alliance-members/" + canteen + "/leave": {"reason": {"x"}, "alliance": {aid}},
				"/alliance-commitments/" + c + "/edit":    {"text": {"x"}, "target": {""}, "due_on": {"2026-12-31"}, "alliance": {aid}},
				"/alliance-commitments/" + c + "/close":   {"outcome": {"kept"}, "note": {"x"}, "alliance": {aid}},
			} {
				resp := b.submit(path, form)
				wantStatus(t, string(who.role)+" "+path, resp.StatusCode, who.status, resp.Body)
			}
		}
		resp = street.submit("/alliance-members/"+canteen+"/leave", url.Values{"alliance": {aid}})
		wantStatus(t, "leave without a reason", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请填写成员退出的原因")
		if s.count(t, allianceState) != before {
			t.Fatal("refused forms changed something")
		}

		resp = street.submit("/alliance-members/"+canteen+"/leave", url.Values{"reason": {"食堂停业装修"}, "alliance": {aid}})
		wantStatus(t, "leave", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		former := body[strings.Index(body, `id="former"`):]
		testkit.Contains(t, former, "社区食堂", "食堂停业装修", "2026-11-30", "已退出成员")
		current := body[:strings.Index(body, `id="former"`)]
		if strings.Contains(current, "社区食堂") || !strings.Contains(current, "党群服务站") {
			t.Errorf("the former member is among the members:\n%s", current)
		}
		testkit.Contains(t, body, "社区食堂（已退出）：为老人提供助餐")
		before = s.count(t, allianceState)
		resp = street.submit("/alliance-members/"+canteen+"/leave", url.Values{"reason": {"再次退出"}, "alliance": {aid}})
		wantStatus(t, "leave twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "社区食堂 已于 2026-11-30 退出联盟")
		if s.count(t, allianceState) != before {
			t.Fatal("leaving twice changed something")
		}

		resp = street.submit("/alliance-commitments/"+c+"/edit", url.Values{"text": {"为老人提供助餐"}, "target": {"每天30份"}, "due_on": {"2027-01-31"}, "alliance": {aid}})
		wantStatus(t, "edit", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = street.submit("/alliance-commitments/"+c+"/close", url.Values{"outcome": {"not_kept"}, "note": {"食堂停业"}, "alliance": {aid}})
		wantStatus(t, "close", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		testkit.Contains(t, body, "每天30份", "2027-01-31", "2026-11-30 结项：未兑现", "食堂停业", "另有 1 项承诺未兑现并已结项。")
		if strings.Contains(body, `action="/alliance-commitments/`+c+`/edit"`) {
			t.Error("a closed commitment still offers its edit form")
		}
		before = s.count(t, allianceState)
		resp = street.submit("/alliance-commitments/"+c+"/edit", url.Values{"text": {"改"}, "target": {""}, "due_on": {"2027-01-31"}, "alliance": {aid}})
		wantStatus(t, "edit a closed commitment", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "以未兑现结项，不能再修改")
		if s.count(t, allianceState) != before {
			t.Fatal("editing a closed commitment changed something")
		}

		st, body := callers[2].b.get(page)
		wantStatus(t, "auditor reads", st, http.StatusOK, body)
		if strings.Contains(body, `/leave"`) || strings.Contains(body, `/close"`) {
			t.Error("the auditor is offered forms")
		}
	})
}
