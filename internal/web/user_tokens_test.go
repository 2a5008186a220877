package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestAdminRevokesTokenOnUserPage: a user's admin sees the user's tokens on
// their page and revokes one with a CSRF-protected form; street staff, who
// read the user but do not administer them, see no tokens and cannot.
func TestAdminRevokesTokenOnUserPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newSite(t, d)
		gw := s.F.Users[auth.GridWorker]
		secret, tk, err := s.F.Auth.CreateToken(ctx, gw, gw.UserID, "巡查App")
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/admin/users/%d", gw.UserID)
		revoke := fmt.Sprintf("/tokens/%d/revoke", tk.ID)

		street := s.login(t, auth.StreetStaff)
		if _, body := street.get(page); strings.Contains(body, "巡查App") || strings.Contains(body, revoke) {
			t.Error("street staff are shown the user's tokens")
		}
		resp := street.submit(revoke, url.Values{"user": {fmt.Sprint(gw.UserID)}})
		wantStatus(t, "street staff revoke", resp.StatusCode, http.StatusNotFound, resp.Body)

		admin := s.login(t, auth.DistrictAdmin)
		_, body := admin.get(page)
		testkit.Contains(t, body, `id="tokens"`, "巡查App", tk.Prefix, `action="`+revoke+`"`)
		resp = admin.post(revoke, url.Values{"user": {fmt.Sprint(gw.UserID)}}, nil)
		wantStatus(t, "revoke without CSRF", resp.StatusCode, http.StatusForbidden, resp.Body)
		if _, err := s.F.Auth.TokenPrincipal(ctx, secret); err != nil {
			t.Fatalf("a refused revocation revoked: %v", err)
		}
		resp = admin.submit(revoke, url.Values{"user": {fmt.Sprint(gw.UserID)}})
		wantStatus(t, "revoke", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, page+"?done=token") {
			t.Fatalf("after revoking: Location %q, want the user's page", loc)
		}
		_, body = admin.get(page + "?done=token")
		testkit.Contains(t, body, "令牌已撤销。", "已于")
		if _, err := s.F.Auth.TokenPrincipal(ctx, secret); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("the revoked token still works: %v", err)
		}
	})
}
