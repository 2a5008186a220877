package api_test

import (
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestTokens: a new token's secret is shown once, the list shows its prefix
// and last use but never the secret, and a revoked token is refused.
func TestTokens(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		m := auth.Member
		res := e.as(m, "POST", "/tokens", map[string]any{"label": "手机"})
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		tok := decodeJSON[struct {
			ID         int64   `json:"id"`
			Token      string  `json:"token"`
			Prefix     string  `json:"prefix"`
			Label      string  `json:"label"`
			LastUsedAt *string `json:"last_used_at"`
		}](t, res)
		if !strings.HasPrefix(tok.Token, auth.TokenPrefix) || len(tok.Token) < 30 || tok.Prefix != tok.Token[:len(tok.Prefix)] ||
			len(tok.Prefix) < 6 || tok.Label != "手机" || tok.LastUsedAt != nil {
			t.Fatalf("new token %+v", tok)
		}

		if res := e.do(tok.Token, "GET", "/me", nil); res.status != 200 || !strings.Contains(res.String(), `"username":"member"`) {
			t.Fatalf("new token does not work: %d %s", res.status, res.body)
		}
		res = e.as(m, "GET", "/tokens", nil)
		if strings.Contains(res.String(), tok.Token) {
			t.Fatalf("token list shows a secret: %s", res.body)
		}
		type listed struct {
			ID         int64   `json:"id"`
			Prefix     string  `json:"prefix"`
			Label      string  `json:"label"`
			LastUsedAt *string `json:"last_used_at"`
			RevokedAt  *string `json:"revoked_at"`
		}
		l := decodeJSON[listBody[listed]](t, res)
		if l.Total != 2 || l.Items[0].ID != tok.ID || l.Items[0].Prefix != tok.Prefix || l.Items[0].LastUsedAt == nil || l.Items[0].RevokedAt != nil {
			t.Fatalf("token list (newest first, last use set): %s", res.body)
		}
		for _, it := range l.Items {
			if it.Label == "t" && it.LastUsedAt == nil {
				t.Errorf("the token this list was asked with shows no last use: %s", res.body)
			}
		}
		// Another user's token list is their own.
		if res := e.as(auth.Resident, "GET", "/tokens", nil); strings.Contains(res.String(), tok.Prefix) {
			t.Errorf("resident sees member's token: %s", res.body)
		}
		// Another user who is not the owner's user admin cannot revoke it, nor learn it exists.
		wantError(t, e.as(auth.StreetStaff, "DELETE", "/tokens/"+strconv.FormatInt(tok.ID, 10), nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(auth.Resident, "DELETE", "/tokens/"+strconv.FormatInt(tok.ID, 10), nil), 404, "ENOTFOUND", "")

		res = e.as(m, "DELETE", "/tokens/"+strconv.FormatInt(tok.ID, 10), nil)
		if res.status != 204 || len(res.body) != 0 {
			t.Fatalf("revoke: %d %s", res.status, res.body)
		}
		res = e.do(tok.Token, "GET", "/me", nil)
		wantError(t, res, 401, "EUNAUTHORIZED", "")
		if !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("revoked token: WWW-Authenticate %q", res.header.Get("WWW-Authenticate"))
		}
		wantError(t, e.as(m, "DELETE", "/tokens/"+strconv.FormatInt(tok.ID, 10), nil), 409, "ECONFLICT", "")
		l = decodeJSON[listBody[listed]](t, e.as(m, "GET", "/tokens", nil))
		if l.Items[0].RevokedAt == nil {
			t.Errorf("revoked token listed without revoked_at")
		}

		// Nobody makes a token for someone else, not even their user admin.
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/tokens", map[string]any{"label": "集成", "user_id": e.f.Users[auth.GridWorker].UserID}),
			400, "EINVALID", "user_id")
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/tokens", map[string]any{"label": strings.Repeat("长", 101)}), 400, "EINVALID", "label")
	})
}

// TestUsersAndGrants creates a user, gives and takes a grant, and checks
// the new grant takes effect on the user's next request.
func TestUsersAndGrants(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		da := auth.DistrictAdmin
		res := e.as(da, "POST", "/users", map[string]any{"username": "li.wei", "display_name": "李伟", "phone": "13911112222",
			"password": "长城长江黄河泰山", "role": "resident", "area": testkit.ResA2})
		if res.status != 201 || strings.Contains(res.String(), "13911112222") || strings.Contains(res.String(), "长城") {
			t.Fatalf("create user: %d %s", res.status, res.body)
		}
		u := decodeJSON[auth.User](t, res)
		if res.header.Get("Location") != "/api/v1/users/"+strconv.FormatInt(u.ID, 10) || len(u.Grants) != 1 || u.Grants[0].AreaCode != testkit.ResA2 {
			t.Errorf("created user %+v, Location %q", u, res.header.Get("Location"))
		}
		wantError(t, e.as(da, "POST", "/users", map[string]any{"username": "li.wei", "password": testkit.Password, "role": "resident", "area": testkit.ResA2}),
			400, "EINVALID", "username")

		p := &auth.Principal{UserID: u.ID, Username: u.Username}
		tok := e.token(p)
		if res := e.do(tok, "GET", "/units", nil); res.status != 403 {
			t.Fatalf("resident lists units: %d", res.status)
		}
		res = e.as(da, "POST", "/users/"+strconv.FormatInt(u.ID, 10)+"/grants", map[string]any{"role": "street_staff", "area": testkit.StreetA})
		if res.status != 201 {
			t.Fatalf("grant: %d %s", res.status, res.body)
		}
		g := decodeJSON[auth.Grant](t, res)
		if l := decodeJSON[listBody[unitJSON]](t, e.do(tok, "GET", "/units", nil)); l.Total != 4 {
			t.Errorf("after the grant the user sees %d units, want StreetA's 4", l.Total)
		}
		wantError(t, e.as(da, "POST", "/users/"+strconv.FormatInt(u.ID, 10)+"/grants", map[string]any{"role": "street_staff", "area": testkit.StreetA}),
			400, "EINVALID", "role")
		wantError(t, e.as(da, "POST", "/users/999999/grants", map[string]any{"role": "member", "area": testkit.StreetA}), 404, "ENOTFOUND", "")

		if res := e.as(da, "GET", "/users?q="+"li.w", nil); decodeJSON[listBody[auth.User]](t, res).Total != 1 {
			t.Errorf("search users: %s", res.body)
		}
		if res := e.as(auth.StreetStaff, "GET", "/users/"+strconv.FormatInt(u.ID, 10), nil); res.status != 200 || strings.Contains(res.String(), "13911112222") {
			t.Errorf("street reads user in street: %d %s", res.status, res.body)
		}
		if res := e.do(tok, "GET", "/users/"+strconv.FormatInt(u.ID, 10), nil); !strings.Contains(res.String(), "13911112222") {
			t.Errorf("a user sees their own phone: %s", res.body)
		}

		if res := e.as(da, "DELETE", "/grants/"+strconv.FormatInt(g.ID, 10), nil); res.status != 204 {
			t.Fatalf("remove grant: %d %s", res.status, res.body)
		}
		if res := e.do(tok, "GET", "/units", nil); res.status != 403 {
			t.Errorf("removed grant still works: %d", res.status)
		}
		wantError(t, e.as(da, "DELETE", "/grants/"+strconv.FormatInt(g.ID, 10), nil), 404, "ENOTFOUND", "")
	})
}

// TestUserAdminRevokesTokens: a user admin over every one of the user's
// grants lists the user's tokens and revokes one; a password reset revokes
// the rest; whoever reads the user but does not administer them gets 403.
func TestUserAdminRevokesTokens(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		gw := e.f.Users[auth.GridWorker]
		one, two := e.token(gw), e.token(gw)
		path := "/users/" + strconv.FormatInt(gw.UserID, 10) + "/tokens"
		wantError(t, e.as(auth.StreetStaff, "GET", path, nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(auth.DistrictAdmin, "GET", "/users/999999/tokens", nil), 404, "ENOTFOUND", "")
		res := e.as(auth.DistrictAdmin, "GET", path, nil)
		if res.status != 200 || strings.Contains(res.String(), one) {
			t.Fatalf("admin lists the user's tokens: %d %s", res.status, res.body)
		}
		conforms(t, "TokenList", res)
		l := decodeJSON[listBody[auth.Token]](t, res)
		if l.Total != 3 { // the env's own token and the two above
			t.Fatalf("admin sees %d tokens, want 3: %s", l.Total, res.body)
		}
		if res := e.as(auth.DistrictAdmin, "DELETE", "/tokens/"+strconv.FormatInt(l.Items[0].ID, 10), nil); res.status != 204 {
			t.Fatalf("admin revokes: %d %s", res.status, res.body)
		}
		wantError(t, e.do(two, "GET", "/me", nil), 401, "EUNAUTHORIZED", "")
		if res := e.do(one, "GET", "/me", nil); res.status != 200 {
			t.Fatalf("another token of the user was revoked too: %d", res.status)
		}
		var n int
		if err := d.QueryRow(t.Context(), "SELECT count(*) FROM audit_log WHERE entity = 'token' AND action = 'revoke' AND actor_name = 'district_admin'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d audit rows for the revocation (%v)", n, err)
		}
		// A reset revokes every token the user has left.
		if res := e.as(auth.DistrictAdmin, "POST", "/users/"+strconv.FormatInt(gw.UserID, 10)+"/password", map[string]any{"password": "新的口令-password"}); res.status != 204 {
			t.Fatalf("reset: %d %s", res.status, res.body)
		}
		wantError(t, e.do(one, "GET", "/me", nil), 401, "EUNAUTHORIZED", "")
		for _, it := range decodeJSON[listBody[auth.Token]](t, e.as(auth.DistrictAdmin, "GET", path, nil)).Items {
			if it.RevokedAt == nil {
				t.Errorf("token %d not revoked by the reset", it.ID)
			}
		}
	})
}
