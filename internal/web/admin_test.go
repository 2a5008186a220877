package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

func TestUserAdmin(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)

		st, body := admin.get("/admin/users?q=staff")
		wantStatus(t, "user list", st, http.StatusOK, body)
		testkit.Contains(t, body, ">street_staff</a>", ">community_staff</a>", "139****1111", `href="/admin/users/new"`)
		if strings.Contains(body, ">resident</a>") || strings.Contains(body, "13900001111") {
			t.Fatal("search ignored, or a phone shown unmasked")
		}

		resp := admin.submit("/admin/users", url.Values{"username": {"x"}, "password": {"短"}, "role": {"grid_worker"}, "area": {testkit.GridA1}})
		wantStatus(t, "bad user", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="n-username-error"`)

		resp = admin.submit("/admin/users", url.Values{"username": {"wang.grid"}, "display_name": {"王网格"}, "phone": {"13600002222"},
			"password": {"一二三四五六七八"}, "role": {"grid_worker"}, "area": {testkit.GridA1}})
		wantStatus(t, "create user", resp.StatusCode, http.StatusSeeOther, resp.Body)
		page := resp.Header.Get("Location")
		_, body = admin.get(page)
		testkit.Contains(t, body, "wang.grid", "王网格", "136****2222", "网格员", "第1网格")

		resp = admin.submit(page+"/grants", url.Values{"role": {"resident"}, "area": {testkit.ResA1}})
		wantStatus(t, "add grant", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(page)
		testkit.Contains(t, body, "居民", "东湖居民区")
		m := regexp.MustCompile(`action="(`+regexp.QuoteMeta(page)+`/grants/\d+/delete)"`).FindAllStringSubmatch(body, -1)
		if len(m) != 2 {
			t.Fatalf("want 2 remove-grant forms, found %d", len(m))
		}
		resp = admin.submit(m[1][1], nil)
		wantStatus(t, "remove grant", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM grants g JOIN users u ON u.id = g.user_id WHERE u.username = 'wang.grid'"); n != 1 {
			t.Fatalf("%d grants left, want 1", n)
		}

		// Street staff read users in their street but may not create or grant.
		street := s.login(t, auth.StreetStaff)
		_, body = street.get("/admin/users")
		if strings.Contains(body, `href="/admin/users/new"`) {
			t.Error("street staff are offered the create form")
		}
		resp = street.submit("/admin/users", url.Values{"username": {"sneaky"}, "password": {"一二三四五六七八"}, "role": {"resident"}, "area": {testkit.ResA1}})
		wantStatus(t, "street creates a user", resp.StatusCode, http.StatusForbidden, resp.Body)
		_, body = street.get(page)
		if strings.Contains(body, "/grants/") {
			t.Error("street staff see grant forms")
		}
	})
}

func TestTokensPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.UnitLiaison)
		resp := b.submit("/tokens", url.Values{"label": {"单位系统"}})
		wantStatus(t, "create token", resp.StatusCode, http.StatusOK, resp.Body)
		secret := regexp.MustCompile(`value="(gz_[a-z2-7]+)"`).FindStringSubmatch(resp.Body)
		if secret == nil {
			t.Fatalf("secret not shown:\n%.2000s", resp.Body)
		}
		testkit.Contains(t, resp.Body, "令牌只显示这一次", "单位系统", "从未使用")
		if _, err := s.F.Auth.TokenPrincipal(t.Context(), secret[1]); err != nil {
			t.Fatalf("the shown secret does not work: %v", err)
		}
		_, body := b.get("/tokens")
		if strings.Contains(body, secret[1]) {
			t.Fatal("the secret is shown again")
		}
		testkit.Contains(t, body, "单位系统", "2026-11-30 09:30") // last use, in Shanghai time
		action := regexp.MustCompile(`action="(/tokens/\d+/revoke)"`).FindStringSubmatch(body)
		if action == nil {
			t.Fatal("no revoke form")
		}
		resp = b.submit(action[1], nil)
		wantStatus(t, "revoke", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if _, err := s.F.Auth.TokenPrincipal(t.Context(), secret[1]); err == nil {
			t.Fatal("a revoked token still works")
		}
		_, body = b.get("/tokens")
		testkit.Contains(t, body, "已于 2026-11-30 09:30 撤销")
	})
}

func TestAuditPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		community := s.login(t, auth.CommunityStaff)
		resp := community.submit("/units", url.Values{"name": {"审计新店"}, "kind": {"shop"}, "area": {testkit.ResA1}, "contact_phone": {"13511112222"}})
		wantStatus(t, "create unit", resp.StatusCode, http.StatusSeeOther, resp.Body)

		auditor := s.login(t, auth.Auditor)
		st, body := auditor.get("/audit?entity=unit&actor=community_staff&from=2026-11-30&to=2026-11-30")
		wantStatus(t, "audit", st, http.StatusOK, body)
		testkit.Contains(t, body, "community_staff", "2026-11-30 09:30", "审计新店", "135****2222")
		if strings.Contains(body, "13511112222") {
			t.Fatal("the audit page shows a phone unmasked")
		}
		_, body = auditor.get("/audit?entity=unit&to=2026-11-29")
		testkit.Contains(t, body, "没有符合条件的记录")
		_, body = auditor.get("/audit?from=30/11/2026")
		testkit.Contains(t, body, "日期格式应为")
	})
}
