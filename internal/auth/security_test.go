package auth_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// snapshot counts what a refused request must leave as it was.
func (f *adminFixture) snapshot(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT count(*) FROM grants", "SELECT count(*) FROM api_tokens", "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL",
		"SELECT count(*) FROM audit_log", "SELECT count(*) FROM sessions", "SELECT count(*) FROM users WHERE disabled"} {
		b.WriteString(strconv.Itoa(f.count(t, q)) + " ")
	}
	var hash, phone string
	if err := f.DB.QueryRow(context.Background(), "SELECT password_hash, phone FROM users WHERE username = 'district_admin'").Scan(&hash, &phone); err != nil {
		t.Fatal(err)
	}
	return b.String() + hash + " " + phone
}

// TestScopedAdminCannotTakeOverWiderAccount: an admin granted on one street
// acts on no account that also holds a grant elsewhere — not the
// district's own admin (the reported takeover), not a resident of both
// streets — whatever the action; and nobody mints a token for another.
func TestScopedAdminCannotTakeOverWiderAccount(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		big := f.Users[auth.DistrictAdmin] // district_admin on the whole district
		bigToken, _, err := f.Auth.CreateToken(ctx, big, big.UserID, "own")
		if err != nil {
			t.Fatal(err)
		}
		bigTokens, _ := f.Auth.Tokens(ctx, big, big.UserID)
		abGrants, _ := f.Auth.GetUser(ctx, f.sys, f.userAB)
		phone := "13900009999"
		before := f.snapshot(t)
		for _, target := range []struct {
			name  string
			id    int64
			grant int64 // one of the target's grants inside StreetA, if any
			token int64
		}{
			{"the district admin", big.UserID, 0, bigTokens[0].ID},
			{"a resident of both streets", f.userAB, abGrants.Grants[0].ID, 0},
		} {
			a := f.streetAdmin
			refused := map[string]error{
				"add grant in own street": func() error {
					_, err := f.Auth.AddGrant(ctx, a, target.id, "district_admin", testkit.StreetA, 0)
					return err
				}(),
				"reset password":  f.Auth.ResetPassword(ctx, a, target.id, "新的口令-password"),
				"disable":         f.Auth.SetDisabled(ctx, a, target.id, true),
				"create a token":  func() error { _, _, err := f.Auth.CreateToken(ctx, a, target.id, "x"); return err }(),
				"list the tokens": func() error { _, err := f.Auth.Tokens(ctx, a, target.id); return err }(),
				"set contact": func() error {
					_, err := f.Auth.SetContact(ctx, a, target.id, auth.ContactChange{Phone: &phone})
					return err
				}(),
			}
			if target.grant != 0 {
				refused["remove an in-street grant"] = f.Auth.RemoveGrant(ctx, a, target.grant)
			}
			if target.token != 0 {
				refused["revoke a token"] = f.Auth.RevokeToken(ctx, a, target.token)
			}
			for what, err := range refused {
				if c := errs.Code(err); c != errs.EFORBIDDEN && c != errs.ENOTFOUND {
					t.Errorf("%s: %s: got %v, want forbidden or not found", target.name, what, err)
				}
			}
		}
		if after := f.snapshot(t); after != before {
			t.Fatalf("refused requests changed something:\n%s\n%s", before, after)
		}
		if _, err := f.Auth.TokenPrincipal(ctx, bigToken); err != nil {
			t.Fatalf("the district admin's token stopped working: %v", err)
		}

		// Inside the street the admin administers the account — but still
		// mints no token for it; nor does the district's admin.
		if _, err := f.Auth.AddGrant(ctx, f.streetAdmin, f.userA, "member", testkit.ResA1, 0); err != nil {
			t.Fatalf("grant in scope: %v", err)
		}
		for _, p := range []*auth.Principal{f.streetAdmin, big} {
			_, _, err := f.Auth.CreateToken(ctx, p, f.userA, "x")
			wantErr(t, p.Username+" makes a token for another", err, errs.EFORBIDDEN, "")
		}
		// The operator's CLI (the system) may, and the log says for whom.
		if _, tk, err := f.Auth.CreateToken(ctx, f.sys, f.userA, "集成"); err != nil {
			t.Fatal(err)
		} else if n := f.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'token' AND action = 'create' AND actor_name = 'system' AND entity_id = ? AND after LIKE ?",
			strconv.FormatInt(tk.ID, 10), `%"user_id":`+strconv.FormatInt(f.userA, 10)+`%`); n != 1 {
			t.Fatalf("system-made token: %d audit rows naming the user", n)
		}
	})
}

// TestLoginThrottlePerAccountAndIP: wrong passwords sprayed at an account
// from many addresses do not keep its owner out; from one address they
// stop that address, for that account, for the window.
func TestLoginThrottlePerAccountAndIP(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		testkit.NewFixture(t, d)
		c := testkit.Clock()
		s := auth.NewService(d, c, testkit.TestHasher())
		login := func(user, pw, ip string) string {
			_, _, err := s.Login(ctx, user, pw, ip)
			return errs.Code(err)
		}
		for i := range 50 {
			if got := login("street_staff", "wrong-password", "203.0.113."+strconv.Itoa(i)); got == "" {
				t.Fatalf("spray %d: a wrong password signed in", i)
			}
		}
		if got := login("street_staff", testkit.Password, "10.0.0.1"); got != "" {
			t.Fatalf("the owner after a spray from 50 addresses: %s", got)
		}
		for range 5 {
			login("grid_worker", "wrong-password", "10.0.0.2")
		}
		if got := login("grid_worker", testkit.Password, "10.0.0.2"); got != errs.ETOOMANY {
			t.Fatalf("right password after 5 failures from the same address: %s, want ETOOMANY", got)
		}
		if got := login("member", testkit.Password, "10.0.0.2"); got != "" {
			t.Fatalf("another account from that address: %s", got)
		}
		if got := login("grid_worker", testkit.Password, "10.0.0.3"); got != "" {
			t.Fatalf("the owner from another address: %s", got)
		}
		// One address trying many accounts is stopped at 20 failures.
		for i := range 15 {
			login("nobody"+strconv.Itoa(i), "wrong-password", "10.0.0.2")
		}
		if got := login("auditor", testkit.Password, "10.0.0.2"); got != errs.ETOOMANY {
			t.Fatalf("after 20 failures from one address: %s, want ETOOMANY", got)
		}
		c.Advance(15*time.Minute + time.Second)
		if got := login("grid_worker", testkit.Password, "10.0.0.2"); got != "" {
			t.Fatalf("after the window: %s", got)
		}
	})
}

// TestWrongCurrentPasswordDoesNotLockSignIn: guessing the current password
// through a session is limited, but cannot keep the owner from signing in.
func TestWrongCurrentPasswordDoesNotLockSignIn(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		p := f.Users[auth.Member]
		for range 5 {
			f.Auth.ChangePassword(ctx, p, "guess-guess", "whatever-123")
		}
		wantErr(t, "sixth guess", f.Auth.ChangePassword(ctx, p, testkit.Password, "whatever-123"), errs.ETOOMANY, "")
		if _, _, err := f.Auth.Login(ctx, "member", testkit.Password, "10.0.0.9"); err != nil {
			t.Fatalf("the owner cannot sign in after guesses through a session: %v", err)
		}
	})
}

// TestSignInSpendsHashWorkOnEveryAccount: unknown and disabled usernames
// cost one password verification, as a wrong password does, so timing
// does not tell which accounts exist.
func TestSignInSpendsHashWorkOnEveryAccount(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		if err := f.Auth.SetDisabled(ctx, auth.SystemPrincipal(), f.Users[auth.Auditor].UserID, true); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ name, user, pw string }{
			{"wrong password", "member", "wrong-password"},
			{"unknown user", "no.such.user", "wrong-password"},
			{"disabled user", "auditor", testkit.Password},
			{"unknown user again", "nobody.else", testkit.Password},
		} {
			before := f.Hasher.Verified()
			_, _, err := f.Auth.Login(ctx, c.user, c.pw, "10.0.1.1")
			wantErr(t, c.name, err, errs.EUNAUTHORIZED, "")
			if n := f.Hasher.Verified() - before; n != 1 {
				t.Errorf("%s: %d password verifications, want 1", c.name, n)
			}
		}
	})
}

func TestCheckPassword(t *testing.T) {
	cases := []struct {
		user, pw string
		ok       bool
	}{
		{"li.wei", "gongzhi-demo-2026", true},
		{"admin", testkit.Password, true},
		{"li.wei", "长城长江黄河泰山", true},
		{"li", "million-dollars", true}, // a two-letter username is not searched for inside
		{"li.wei", "short", false},
		{"li.wei", "12345678", false},
		{"li.wei", "123456789", false},
		{"li.wei", "Password", false},
		{"li.wei", "QWERTYUI", false},
		{"li.wei", "11111111", false},
		{"li.wei", "88888888", false},
		{"li.wei", "woaini1314", false},
		{"li.wei", "a123456789", false},
		{"li.wei", "        ", false},
		{"li.wei", " \t \t \t \t", false},
		{"li.wei", "zzzzzzzzzzzz", false},
		{"li.wei", "哈哈哈哈哈哈哈哈", false},
		{"Grid_Worker", "grid_worker", false},
		{"grid_worker", "my-GRID_WORKER-pw", false},
		{"liweiwei", "LIWEIWEI", false},
	}
	for _, c := range cases {
		err := auth.CheckPassword(c.user, c.pw)
		if c.ok && err != nil {
			t.Errorf("CheckPassword(%q, %q) = %v, want accepted", c.user, c.pw, err)
		}
		if !c.ok {
			wantErr(t, "CheckPassword("+c.user+", "+c.pw+")", err, errs.EINVALID, "password")
		}
	}
}

// TestPasswordPolicyEverywhere: creating, resetting and changing a password
// all refuse a common one, naming the field of each form.
func TestPasswordPolicyEverywhere(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		admin := f.Users[auth.DistrictAdmin]
		_, err := f.Auth.CreateUser(ctx, admin, auth.NewUser{Username: "zhang.san", Password: "12345678", Role: "resident", Area: testkit.ResA1})
		wantErr(t, "create", err, errs.EINVALID, "password")
		_, err = f.Auth.CreateUser(ctx, admin, auth.NewUser{Username: "zhang.san", Password: "zhang.san-2026", Role: "resident", Area: testkit.ResA1})
		wantErr(t, "create with the username inside", err, errs.EINVALID, "password")
		wantErr(t, "reset", f.Auth.ResetPassword(ctx, admin, f.userA, "        "), errs.EINVALID, "password")
		wantErr(t, "reset to the username", f.Auth.ResetPassword(ctx, admin, f.userA, "RES.A-RES.A"), errs.EINVALID, "password")
		_, p, err := f.Auth.Login(ctx, "res.b", testkit.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, "change", f.Auth.ChangePassword(ctx, p, testkit.Password, "qwertyuiop"), errs.EINVALID, "new_password")
		if n := f.count(t, "SELECT count(*) FROM users WHERE username = 'zhang.san'"); n != 0 {
			t.Fatal("a refused user was created")
		}
		if _, _, err := f.Auth.Login(ctx, "res.a", testkit.Password, "10.0.0.1"); err != nil {
			t.Fatalf("a refused reset changed the password: %v", err)
		}
	})
}

// TestTokensEndWithThePassword: resetting, changing and disabling revoke
// every token of the user (audited), and enabling brings none back.
func TestTokensEndWithThePassword(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		own := func(user string) (*auth.Principal, string, int64) {
			t.Helper()
			_, p, err := f.Auth.Login(ctx, user, testkit.Password, "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			secret, tk, err := f.Auth.CreateToken(ctx, p, p.UserID, "脚本")
			if err != nil {
				t.Fatal(err)
			}
			return p, secret, tk.ID
		}
		dead := func(what, secret string, id, token int64) {
			t.Helper()
			if _, err := f.Auth.TokenPrincipal(ctx, secret); errs.Code(err) != errs.EUNAUTHORIZED {
				t.Errorf("%s: the token still works: %v", what, err)
			}
			if n := f.count(t, "SELECT count(*) FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL", id); n != 0 {
				t.Errorf("%s: %d tokens not marked revoked", what, n)
			}
			if n := f.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'token' AND action = 'revoke' AND entity_id = ?", strconv.FormatInt(token, 10)); n != 1 {
				t.Errorf("%s: %d audit rows for the revocation, want 1", what, n)
			}
		}
		a, secretA, tokA := own("res.a")
		if err := f.Auth.ResetPassword(ctx, f.streetAdmin, a.UserID, "新的口令-password"); err != nil {
			t.Fatal(err)
		}
		dead("reset", secretA, a.UserID, tokA)
		if n := f.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'token' AND action = 'revoke' AND actor_name = 'admin.a'"); n != 1 {
			t.Errorf("reset: %d token revocations logged as the admin, want 1", n)
		}

		b, secretB, tokB := own("res.b")
		if err := f.Auth.ChangePassword(ctx, b, testkit.Password, "新的口令-password"); err != nil {
			t.Fatal(err)
		}
		dead("change", secretB, b.UserID, tokB)

		ab, secretAB, tokAB := own("res.ab")
		if err := f.Auth.SetDisabled(ctx, f.Users[auth.DistrictAdmin], ab.UserID, true); err != nil {
			t.Fatal(err)
		}
		if err := f.Auth.SetDisabled(ctx, f.Users[auth.DistrictAdmin], ab.UserID, false); err != nil {
			t.Fatal(err)
		}
		dead("disable, then enable", secretAB, ab.UserID, tokAB)
	})
}

// TestAdminRevokesUsersTokens: a user admin of every one of the user's
// grants lists and revokes the user's tokens; anyone else finds none.
func TestAdminRevokesUsersTokens(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		mk := func(user string) auth.Token {
			t.Helper()
			_, p, err := f.Auth.Login(ctx, user, testkit.Password, "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			_, tk, err := f.Auth.CreateToken(ctx, p, p.UserID, "脚本")
			if err != nil {
				t.Fatal(err)
			}
			return tk
		}
		tkA, tkAB := mk("res.a"), mk("res.ab")
		for _, c := range []struct {
			name string
			p    *auth.Principal
			user int64
			tok  int64
		}{
			{"street staff", f.Users[auth.StreetStaff], f.userA, tkA.ID},
			{"another user", f.Users[auth.Member], f.userA, tkA.ID},
			{"a user also granted in the other street", f.streetAdmin, f.userAB, tkAB.ID},
		} {
			_, err := f.Auth.Tokens(ctx, c.p, c.user)
			if code := errs.Code(err); code != errs.EFORBIDDEN && code != errs.ENOTFOUND {
				t.Errorf("%s lists tokens: %v", c.name, err)
			}
			wantErr(t, c.name+" revokes", f.Auth.RevokeToken(ctx, c.p, c.tok), errs.ENOTFOUND, "")
		}
		if n := f.count(t, "SELECT count(*) FROM api_tokens WHERE revoked_at IS NOT NULL"); n != 0 {
			t.Fatalf("refused revocations revoked %d tokens", n)
		}
		list, err := f.Auth.Tokens(ctx, f.streetAdmin, f.userA)
		if err != nil || len(list) != 1 || list[0].ID != tkA.ID {
			t.Fatalf("admin lists the user's tokens: %+v %v", list, err)
		}
		if err := f.Auth.RevokeToken(ctx, f.streetAdmin, tkA.ID); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'token' AND action = 'revoke' AND actor_name = 'admin.a' AND entity_id = ?", strconv.FormatInt(tkA.ID, 10)); n != 1 {
			t.Fatalf("%d audit rows for the admin's revocation", n)
		}
		if err := f.Auth.RevokeToken(ctx, f.Users[auth.DistrictAdmin], tkAB.ID); err != nil {
			t.Fatalf("the district's admin revokes: %v", err)
		}
	})
}
