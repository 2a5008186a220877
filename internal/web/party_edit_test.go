package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// memberState is everything an edit of member id could change: its fields,
// its audit rows and its pending points recomputes.
func (s *site) memberState(t *testing.T, id string) string {
	t.Helper()
	var name, phone, kind, band, home string
	var org, unit int64
	err := s.DB.QueryRow(context.Background(), `SELECT name, phone, kind, age_band, party_org_id, COALESCE(home_code, ''), COALESCE(unit_id, 0)
		FROM members WHERE id = ?`, id).Scan(&name, &phone, &kind, &band, &org, &home, &unit)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%s|%s|%s|%s|%d|%s|%d audit=%d jobs=%d", name, phone, kind, band, org, home, unit,
		s.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'member' AND action = 'update' AND entity_id = ?", id),
		s.count(t, "SELECT count(*) FROM jobs WHERE kind = 'points.member' AND key = ? AND state = 'pending'", id))
}

// TestMemberEditPage: staff of the member's organisation's area change a
// member's kind, age band and work unit from the member's page; the page and
// the list show the new values, the change is audited and the points
// recompute is pending. A bad phone is refused with its field error, staff of
// another area find no member, and the member themself cannot edit: none of
// them changes anything.
func TestMemberEditPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, _ := area.Path(ctx, d, testkit.ResA1)
		if _, err := d.Exec(ctx, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path); err != nil {
			t.Fatal(err)
		}
		orgID := fmt.Sprint(s.count(t, "SELECT id FROM party_orgs WHERE name = '东湖居民区党总支'"))
		staff := s.login(t, auth.CommunityStaff)
		resp := staff.submit("/members", url.Values{"name": {"王建国"}, "phone": {"13812345678"}, "kind": {"在职"}, "party_org_id": {orgID}, "home_area": {testkit.ResA1}})
		wantStatus(t, "add member", resp.StatusCode, http.StatusSeeOther, resp.Body)
		page := resp.Header.Get("Location")
		id := strings.TrimPrefix(page, "/members/")
		resp = staff.submit(page+"/link", url.Values{"username": {"member"}})
		wantStatus(t, "link", resp.StatusCode, http.StatusSeeOther, resp.Body)

		// The form comes folded, filled with the member's fields, the phone whole.
		st, body := staff.get(page)
		wantStatus(t, "member page", st, http.StatusOK, body)
		testkit.Contains(t, body, `<details class="member-edit" id="member-edit">`, "修改党员信息", `action="`+page+`/edit"`,
			`id="me-phone" name="phone" type="tel" maxlength="20" autocomplete="off" value="13812345678"`, `value="王建国"`,
			`<option value="`+testkit.ResA1+`" selected>`, `name="party_org_id" value="`+orgID+`"`, "东湖居民区党总支（东湖居民区）")
		form := func(kind, phone string) url.Values {
			return url.Values{"name": {"王建国"}, "phone": {phone}, "kind": {kind}, "age_band": {"36-45岁"},
				"party_org_id": {orgID}, "party_org_id_q": {"东湖居民区党总支（东湖居民区）"}, "home_area": {testkit.ResA1},
				"unit_id": {""}, "unit_id_q": {fmt.Sprint(s.F.Units[testkit.UnitInA1])}}
		}
		before := s.memberState(t, id)

		t.Run("bad phone", func(t *testing.T) {
			resp := staff.submit(page+"/edit", form("退休", "12ab"))
			wantStatus(t, "bad phone", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
			testkit.Contains(t, resp.Body, `id="member-edit" open`, `id="me-phone-error"`, "电话号码为 7 至 20 位数字", `value="12ab"`, `value="退休"`)
			if got := s.memberState(t, id); got != before {
				t.Errorf("a refused edit changed the member:\n%s\n%s", before, got)
			}
		})

		t.Run("staff of another area", func(t *testing.T) {
			if _, err := s.F.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: "b_staff", DisplayName: "天平居民区",
				Password: testkit.Password, Role: string(auth.CommunityStaff), Area: testkit.ResB1}); err != nil {
				t.Fatal(err)
			}
			other := s.browser(t)
			other.signIn("b_staff", testkit.Password)
			if st, _ := other.get(page); st != http.StatusNotFound {
				t.Errorf("staff of another area open the member: %d", st)
			}
			resp := other.submit(page+"/edit", form("退休", "13812345678"))
			wantStatus(t, "staff of another area edit", resp.StatusCode, http.StatusNotFound, resp.Body)
			if got := s.memberState(t, id); got != before {
				t.Errorf("another area's edit changed the member:\n%s\n%s", before, got)
			}
		})

		t.Run("the member themself", func(t *testing.T) {
			member := s.login(t, auth.Member)
			if st, body := member.get(page); st != http.StatusSeeOther || strings.Contains(body, "member-edit") {
				t.Errorf("a member opening their record: %d", st)
			}
			resp := member.submit(page+"/edit", form("退休", "13812345678"))
			wantStatus(t, "member edits", resp.StatusCode, http.StatusForbidden, resp.Body)
			resp = s.login(t, auth.Auditor).submit(page+"/edit", form("退休", "13812345678"))
			wantStatus(t, "auditor edits", resp.StatusCode, http.StatusForbidden, resp.Body)
			if got := s.memberState(t, id); got != before {
				t.Errorf("a member's edit changed the record:\n%s\n%s", before, got)
			}
		})

		t.Run("an organisation the user reads but does not manage", func(t *testing.T) {
			pathB, _ := area.Path(ctx, d, testkit.ResB1)
			if _, err := d.Exec(ctx, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('天平居民区党委', 'residential_party_org', ?, ?)", testkit.ResB1, pathB); err != nil {
				t.Fatal(err)
			}
			orgB := fmt.Sprint(s.count(t, "SELECT id FROM party_orgs WHERE name = '天平居民区党委'"))
			u, err := s.F.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: "a_staff", DisplayName: "东湖居民区",
				Password: testkit.Password, Role: string(auth.CommunityStaff), Area: testkit.ResA1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.F.Auth.AddGrant(ctx, auth.SystemPrincipal(), u.ID, string(auth.Auditor), testkit.District, 0); err != nil {
				t.Fatal(err)
			}
			b := s.browser(t)
			b.signIn("a_staff", testkit.Password)
			f := form("退休", "13812345678")
			f.Set("party_org_id", orgB)
			f.Set("party_org_id_q", "天平居民区党委")
			resp := b.submit(page+"/edit", f)
			wantStatus(t, "move to another area's organisation", resp.StatusCode, http.StatusForbidden, resp.Body)
			testkit.Contains(t, resp.Body, `id="me-org-error"`, "不在您管理的范围内")
			if got := s.memberState(t, id); got != before {
				t.Errorf("a refused move changed the member:\n%s\n%s", before, got)
			}
		})

		t.Run("staff change the kind", func(t *testing.T) {
			resp := staff.submit(page+"/edit", form("退休", "13812345678"))
			wantStatus(t, "edit", resp.StatusCode, http.StatusSeeOther, resp.Body)
			if loc := resp.Header.Get("Location"); loc != page+"?done=edited_kind" {
				t.Fatalf("edit goes to %q", loc)
			}
			want := fmt.Sprintf("王建国|13812345678|退休|36-45岁|%s|%s|%d audit=1 jobs=1", orgID, testkit.ResA1, s.F.Units[testkit.UnitInA1])
			if got := s.memberState(t, id); got != want {
				t.Errorf("after the edit:\n got %s\nwant %s", got, want)
			}
			st, body := staff.get(page + "?done=edited_kind")
			wantStatus(t, "page after edit", st, http.StatusOK, body)
			testkit.Contains(t, body, "将按已发布的积分规则重新计算该党员的积分", "<dd>退休</dd>", "<dd>36-45岁</dd>", "<dd>"+testkit.UnitInA1+"</dd>")
			_, body = staff.get("/members?kind=" + url.QueryEscape("退休"))
			testkit.Contains(t, body, ">王建国</a>", "138****5678", testkit.UnitInA1)
			var after string
			if err := d.QueryRow(ctx, "SELECT after FROM audit_log WHERE entity = 'member' AND action = 'update' AND entity_id = ?", id).Scan(&after); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(after, "13812345678") || !strings.Contains(after, "退休") {
				t.Errorf("audit row's after: %s", after)
			}

			// The same kind again: saved, no word of points.
			resp = staff.submit(page+"/edit", form("退休", "13812345678"))
			wantStatus(t, "edit again", resp.StatusCode, http.StatusSeeOther, resp.Body)
			if loc := resp.Header.Get("Location"); loc != page+"?done=edited" {
				t.Fatalf("edit again goes to %q", loc)
			}
		})
	})
}
