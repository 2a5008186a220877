package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

func TestUserDisableEnableReset(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		grid := s.login(t, auth.GridWorker)
		id, err := s.F.Auth.UserIDByName(t.Context(), "grid_worker")
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/admin/users/%d", id)
		_, body := admin.get(page)
		testkit.Contains(t, body, `action="`+page+`/disable"`, `action="`+page+`/password"`, `id="rp-password"`)

		resp := admin.submit(page+"/disable", nil)
		wantStatus(t, "disable", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "账号已停用。", "已停用", `action="`+page+`/enable"`)
		if st, _ := grid.get("/queue"); st != http.StatusSeeOther {
			t.Fatalf("a disabled user's session still works: %d", st)
		}
		resp = admin.submit(page+"/enable", nil)
		wantStatus(t, "enable", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "账号已恢复。", "正常")

		// A refused password is shown next to the field and changes nothing.
		resp = admin.submit(page+"/password", url.Values{"password": {"短口令"}})
		wantStatus(t, "short password", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="rp-password-error"`, `aria-invalid="true"`, "密码至少 8 个字符")
		if strings.Contains(resp.Body, "短口令") {
			t.Fatal("the refused password is echoed back")
		}
		s.login(t, auth.GridWorker) // the old password still works
		resp = admin.submit(page+"/password", url.Values{"password": {"新的口令-password"}})
		wantStatus(t, "reset", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "密码已重置")
		s.browser(t).signIn("grid_worker", "新的口令-password")

		// On one's own page there is no disable or reset form, only the way to change one's password.
		self, _ := s.F.Auth.UserIDByName(t.Context(), "district_admin")
		_, body = admin.get(fmt.Sprintf("/admin/users/%d", self))
		testkit.Contains(t, body, `href="/account/password"`)
		if strings.Contains(body, "/disable\"") || strings.Contains(body, `id="rp-password"`) {
			t.Error("an admin is offered to disable or reset themselves")
		}
		resp = admin.submit(fmt.Sprintf("/admin/users/%d/disable", self), nil)
		wantStatus(t, "disable oneself", resp.StatusCode, http.StatusBadRequest, resp.Body)

		// Street staff read users but manage none.
		street := s.login(t, auth.StreetStaff)
		_, body = street.get(page)
		if strings.Contains(body, `action="`+page+`/disable"`) || strings.Contains(body, `action="`+page+`/password"`) {
			t.Error("street staff are offered account forms")
		}
		resp = street.submit(page+"/disable", nil)
		wantStatus(t, "street disables", resp.StatusCode, http.StatusForbidden, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM users WHERE disabled"); n != 0 {
			t.Fatalf("%d users disabled", n)
		}
	})
}

func TestChangeOwnPassword(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.Member)
		other := s.login(t, auth.Member) // another device
		_, body := b.get("/")
		testkit.Contains(t, body, `href="/account/password"`, "修改密码")

		const fresh = "新的口令-password"
		cases := []struct {
			name    string
			form    url.Values
			errorID string
		}{
			{"mismatch", url.Values{"old_password": {testkit.Password}, "new_password": {fresh}, "new_password2": {fresh + "x"}}, "pw-new2-error"},
			{"wrong current password", url.Values{"old_password": {"not-the-password"}, "new_password": {fresh}, "new_password2": {fresh}}, "pw-old-error"},
			{"too short", url.Values{"old_password": {testkit.Password}, "new_password": {"短"}, "new_password2": {"短"}}, "pw-new-error"},
		}
		for _, c := range cases {
			resp := b.submit("/account/password", c.form)
			wantStatus(t, c.name, resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
			testkit.Contains(t, resp.Body, `id="`+c.errorID+`"`, `aria-invalid="true"`)
			if strings.Contains(resp.Body, fresh) || strings.Contains(resp.Body, testkit.Password) {
				t.Fatalf("%s: a password is echoed back", c.name)
			}
		}

		resp := b.submit("/account/password", url.Values{"old_password": {testkit.Password}, "new_password": {fresh}, "new_password2": {fresh}})
		wantStatus(t, "change", resp.StatusCode, http.StatusSeeOther, resp.Body)
		// This browser stays signed in with a new session; the other device is signed out.
		st, body := b.get(resp.Header.Get("Location"))
		wantStatus(t, "after change", st, http.StatusOK, body)
		testkit.Contains(t, body, "密码已修改。")
		if st, _ := other.get("/inbox"); st != http.StatusSeeOther {
			t.Fatalf("another session survived the change: %d", st)
		}
		s.browser(t).signIn("member", fresh)
		if n := s.count(t, "SELECT count(*) FROM audit_log WHERE action = 'change_password'"); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})
}

func TestUserListFilters(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/admin/users?role=grid_worker&area=" + testkit.StreetA)
		wantStatus(t, "filtered", st, http.StatusOK, body)
		testkit.Contains(t, body, ">grid_worker</a>", `<option value="grid_worker" selected>`, `<option value="`+testkit.StreetA+`" selected>`)
		for _, u := range []string{">street_staff</a>", ">member</a>", ">auditor</a>"} {
			if strings.Contains(body, u) {
				t.Errorf("%s listed under role=grid_worker", u)
			}
		}
		_, body = admin.get("/admin/users?area=" + testkit.StreetB)
		testkit.Contains(t, body, "没有符合条件的用户")
		_, body = admin.get("/admin/users?area=" + testkit.ResA1)
		testkit.Contains(t, body, ">community_staff</a>", ">member</a>", ">grid_worker</a>")
		if regexp.MustCompile(`/admin/users/\d+">district_admin</a>`).MatchString(body) { // the top bar names the viewer too
			t.Error("a district grant counted as inside a residential area")
		}
		st, body = admin.get("/admin/users?role=king")
		wantStatus(t, "bad role", st, http.StatusBadRequest, body)
	})
}

// TestContact: users keep their own phone and e-mail address; a user admin
// changes someone else's without seeing it, a field left empty stays.
func TestContact(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		member := s.login(t, auth.Member)
		st, body := member.get("/account/contact")
		wantStatus(t, "own contact", st, http.StatusOK, body)
		testkit.Contains(t, body, `value="13900001111"`, `name="email"`)
		resp := member.submit("/account/contact", url.Values{"phone": {"13900001111"}, "email": {"不是邮箱"}})
		wantStatus(t, "bad e-mail", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "电子邮箱格式应如 name@example.com", `value="不是邮箱"`)
		resp = member.submit("/account/contact", url.Values{"phone": {"13900001111"}, "email": {"li@example.com"}})
		wantStatus(t, "saved", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "联系方式已保存", `value="li@example.com"`)
		memberID := s.F.Users[auth.Member].UserID
		if n := s.count(t, "SELECT count(*) FROM users WHERE id = ? AND email = 'li@example.com'", memberID); n != 1 {
			t.Fatalf("e-mail not stored")
		}

		admin := s.login(t, auth.DistrictAdmin)
		page := "/admin/users/" + strconv.FormatInt(memberID, 10)
		st, body = admin.get(page)
		wantStatus(t, "user page", st, http.StatusOK, body)
		if strings.Contains(body, "li@example.com") || strings.Contains(body, "13900001111") {
			t.Fatal("the admin's page shows the contact unmasked")
		}
		resp = admin.submit(page+"/contact", url.Values{"phone": {""}, "email": {"wang@example.com"}})
		wantStatus(t, "admin sets the e-mail", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "联系方式已保存")
		if n := s.count(t, "SELECT count(*) FROM users WHERE id = ? AND email = 'wang@example.com' AND phone = '13900001111'", memberID); n != 1 {
			t.Fatalf("the admin's change: e-mail not set or the phone left empty was cleared")
		}
		// Someone without user admin gets 403 and changes nothing.
		street := s.login(t, auth.CommunityStaff)
		resp = street.submit(page+"/contact", url.Values{"email": {"evil@example.com"}})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Fatalf("community staff: %d", resp.StatusCode)
		}
		if n := s.count(t, "SELECT count(*) FROM users WHERE email = 'evil@example.com'"); n != 0 {
			t.Fatal("a refused change was stored")
		}
	})
}
