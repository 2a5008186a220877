package auth_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// adminFixture adds to the fixture a district admin whose grant is one
// street only, and three residents: one in each street and one in both.
type adminFixture struct {
	*testkit.Fixture
	streetAdmin          *auth.Principal
	userA, userB, userAB int64
	sys                  *auth.Principal
}

func newAdminFixture(t *testing.T, d *db.DB) *adminFixture {
	t.Helper()
	ctx := context.Background()
	f := &adminFixture{Fixture: testkit.NewFixture(t, d), sys: auth.SystemPrincipal()}
	user := func(name, area string) int64 {
		u, err := f.Auth.CreateUser(ctx, f.sys, auth.NewUser{Username: name, Password: testkit.Password, Role: "resident", Area: area})
		if err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		return u.ID
	}
	f.userA, f.userB, f.userAB = user("res.a", testkit.ResA1), user("res.b", testkit.ResB1), user("res.ab", testkit.ResA1)
	if _, err := f.Auth.AddGrant(ctx, f.sys, f.userAB, "resident", testkit.ResB1, 0); err != nil {
		t.Fatal(err)
	}
	user("admin.a", testkit.StreetA)
	if _, err := d.Exec(ctx, "UPDATE grants SET role = 'district_admin' WHERE user_id = (SELECT id FROM users WHERE username = 'admin.a')"); err != nil {
		t.Fatal(err)
	}
	_, p, err := f.Auth.Login(ctx, "admin.a", testkit.Password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	f.streetAdmin = p
	return f
}

func (f *adminFixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// wantErr fails unless err has code (and, when field is set, names it).
func wantErr(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Fatalf("%s: got %v, want %s", what, err, code)
	}
	if field != "" && !slices.ContainsFunc(errs.DetailsOf(err), func(d errs.Detail) bool { return d.Field == field }) {
		t.Fatalf("%s: %v does not name field %s", what, err, field)
	}
}

func TestSetDisabled(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		admin := f.Users[auth.DistrictAdmin]
		audit := func() int { return f.count(t, "SELECT count(*) FROM audit_log WHERE action IN ('disable', 'enable')") }

		refused := []struct {
			name        string
			p           *auth.Principal
			id          int64
			code, field string
		}{
			{"nobody", nil, f.userA, errs.EUNAUTHORIZED, ""},
			{"oneself", admin, admin.UserID, errs.EINVALID, "id"},
			{"street staff read users but do not administer them", f.Users[auth.StreetStaff], f.userA, errs.EFORBIDDEN, ""},
			{"auditor", f.Users[auth.Auditor], f.userA, errs.EFORBIDDEN, ""},
			{"resident", f.Users[auth.Resident], f.userA, errs.EFORBIDDEN, ""},
			{"a user in another street is not found", f.streetAdmin, f.userB, errs.ENOTFOUND, ""},
			{"a user also granted in another street", f.streetAdmin, f.userAB, errs.EFORBIDDEN, ""},
			{"no such user", admin, 999999, errs.ENOTFOUND, ""},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, c.name, f.Auth.SetDisabled(ctx, c.p, c.id, true), c.code, c.field)
			})
		}
		if n := f.count(t, "SELECT count(*) FROM users WHERE disabled"); n != 0 || audit() != 0 {
			t.Fatalf("refused requests changed something: %d disabled, %d audit rows", n, audit())
		}

		// Disabling ends sessions, refuses sign-in and revokes tokens; enabling restores sign-in.
		tok, _, err := f.Auth.Login(ctx, "res.a", testkit.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		p, _, _ := f.Auth.Session(ctx, tok)
		secret, _, err := f.Auth.CreateToken(ctx, p, f.userA, "脚本")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Auth.SetDisabled(ctx, f.streetAdmin, f.userA, true); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT count(*) FROM sessions WHERE user_id = ?", f.userA); n != 0 {
			t.Fatalf("%d sessions survive disabling", n)
		}
		if _, _, err := f.Auth.Login(ctx, "res.a", testkit.Password, "10.0.0.1"); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("disabled user signs in: %v", err)
		}
		if _, err := f.Auth.TokenPrincipal(ctx, secret); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("disabled user's token works: %v", err)
		}
		if u, _ := f.Auth.GetUser(ctx, admin, f.userA); !u.Disabled {
			t.Fatal("user not shown disabled")
		}
		// Again: nothing changes, nothing is logged twice.
		if err := f.Auth.SetDisabled(ctx, admin, f.userA, true); err != nil || audit() != 1 {
			t.Fatalf("disable twice: %v, %d audit rows", err, audit())
		}
		if err := f.Auth.SetDisabled(ctx, admin, f.userA, false); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.Auth.Login(ctx, "res.a", testkit.Password, "10.0.0.1"); err != nil {
			t.Fatalf("enabled user cannot sign in: %v", err)
		}
		// Disabling revoked the token for good: enabling brings no token back.
		if _, err := f.Auth.TokenPrincipal(ctx, secret); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("a token survives disabling: %v", err)
		}
		entity := "user"
		rows, _, err := auth.ListAudit(ctx, d, f.Users[auth.Auditor], auth.AuditFilter{Entity: &entity})
		if err != nil || rows[0].Action != "enable" || rows[1].Action != "disable" || rows[1].ActorName != "admin.a" {
			t.Fatalf("audit: %+v %v", rows[:2], err)
		}
		testkit.Contains(t, rows[1].Before+rows[1].After, `"disabled":false`, `"disabled":true`)
		// Enabling oneself is harmless (a disabled user has no session to ask with).
		if err := f.Auth.SetDisabled(ctx, admin, admin.UserID, false); err != nil {
			t.Fatalf("enable oneself: %v", err)
		}
	})
}

func TestResetPassword(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		admin := f.Users[auth.DistrictAdmin]
		const fresh = "新的口令-password"
		refused := []struct {
			name        string
			p           *auth.Principal
			id          int64
			pw          string
			code, field string
		}{
			{"too short", admin, f.userA, "短口令", errs.EINVALID, "password"},
			{"one's own", admin, admin.UserID, fresh, errs.EINVALID, "id"},
			{"street staff", f.Users[auth.StreetStaff], f.userA, fresh, errs.EFORBIDDEN, ""},
			{"member", f.Users[auth.Member], f.userA, fresh, errs.EFORBIDDEN, ""},
			{"another street", f.streetAdmin, f.userB, fresh, errs.ENOTFOUND, ""},
			{"granted in two streets", f.streetAdmin, f.userAB, fresh, errs.EFORBIDDEN, ""},
			{"no such user", admin, 999999, fresh, errs.ENOTFOUND, ""},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, c.name, f.Auth.ResetPassword(ctx, c.p, c.id, c.pw), c.code, c.field)
			})
		}
		for _, u := range []string{"res.a", "res.b", "res.ab"} {
			if _, _, err := f.Auth.Login(ctx, u, testkit.Password, "10.0.0.2"); err != nil {
				t.Fatalf("%s: a refused reset changed the password: %v", u, err)
			}
		}
		if err := f.Auth.ResetPassword(ctx, f.streetAdmin, f.userA, fresh); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT count(*) FROM sessions WHERE user_id = ?", f.userA); n != 0 {
			t.Fatalf("%d sessions survive a reset", n)
		}
		if _, _, err := f.Auth.Login(ctx, "res.a", testkit.Password, "10.0.0.3"); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("old password still works: %v", err)
		}
		if _, _, err := f.Auth.Login(ctx, "res.a", fresh, "10.0.0.3"); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
		if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'reset_password' AND entity_id = ? AND actor_name = 'admin.a'", strconv.FormatInt(f.userA, 10)); n != 1 {
			t.Fatalf("%d reset audit rows", n)
		}
	})
}

func TestChangePassword(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		const fresh = "新的口令-password"
		_, p, err := f.Auth.Login(ctx, "res.b", testkit.Password, "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		refused := []struct {
			name        string
			p           *auth.Principal
			old, new    string
			code, field string
		}{
			{"nobody", nil, testkit.Password, fresh, errs.EUNAUTHORIZED, ""},
			{"the system has no password", f.sys, testkit.Password, fresh, errs.EUNAUTHORIZED, ""},
			{"wrong current password", p, "not-the-password", fresh, errs.EINVALID, "old_password"},
			{"new too short", p, testkit.Password, "短", errs.EINVALID, "new_password"},
			{"new same as old", p, testkit.Password, testkit.Password, errs.EINVALID, "new_password"},
		}
		for _, c := range refused {
			t.Run(c.name, func(t *testing.T) {
				wantErr(t, c.name, f.Auth.ChangePassword(ctx, c.p, c.old, c.new), c.code, c.field)
			})
		}
		if _, _, err := f.Auth.Login(ctx, "res.b", testkit.Password, "10.0.0.1"); err != nil {
			t.Fatalf("a refused change changed the password: %v", err)
		}
		if err := f.Auth.ChangePassword(ctx, p, testkit.Password, fresh); err != nil {
			t.Fatal(err)
		}
		if n := f.count(t, "SELECT count(*) FROM sessions WHERE user_id = ?", p.UserID); n != 0 {
			t.Fatalf("%d sessions survive a change", n)
		}
		if _, _, err := f.Auth.Login(ctx, "res.b", fresh, "10.0.0.1"); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
		if n := f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'change_password' AND actor_name = 'res.b'"); n != 1 {
			t.Fatalf("%d change audit rows", n)
		}
		var before, after string
		if err := f.DB.QueryRow(ctx, "SELECT before, after FROM audit_log WHERE action = 'change_password'").Scan(&before, &after); err != nil || before+after != "" {
			t.Fatalf("the audit row holds %q %q (%v); it must hold no password or hash", before, after, err)
		}

		// Guessing the current password through a hijacked session is throttled like sign-in.
		for range 5 {
			f.Auth.ChangePassword(ctx, p, "guess-guess", "whatever-123")
		}
		wantErr(t, "after 5 wrong guesses", f.Auth.ChangePassword(ctx, p, fresh, "whatever-123"), errs.ETOOMANY, "")
	})
}

func TestListUsersByRoleAndArea(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		s := func(v string) *string { return &v }
		cases := []struct {
			name       string
			p          *auth.Principal
			role, area *string
			want       []string
		}{
			{"residents", f.Users[auth.DistrictAdmin], s("resident"), nil, []string{"res.a", "res.ab", "res.b", "resident"}},
			{"anyone in street B", f.Users[auth.DistrictAdmin], nil, s(testkit.StreetB), []string{"res.ab", "res.b"}},
			{"residents of ResA1", f.Users[auth.Auditor], s("resident"), s(testkit.ResA1), []string{"res.a", "res.ab", "resident"}},
			{"role and area on the same grant", f.Users[auth.DistrictAdmin], s("grid_worker"), s(testkit.ResA2), nil},
			{"grid workers below ResA1", f.Users[auth.DistrictAdmin], s("grid_worker"), s(testkit.ResA1), []string{"grid_worker"}},
			{"an area outside scope lists nobody", f.Users[auth.StreetStaff], nil, s(testkit.StreetB), nil},
			{"an area above scope lists the scope", f.Users[auth.StreetStaff], s("member"), s(testkit.District), []string{"member"}},
			{"empty values do not filter", f.Users[auth.StreetStaff], s(""), s(""), []string{"admin.a", "community_staff", "grid_worker", "member", "res.a", "res.ab", "resident", "street_staff", "unit_liaison"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				users, total, err := f.Auth.ListUsers(ctx, c.p, auth.UserFilter{Role: c.role, Area: c.area})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, u := range users {
					got = append(got, u.Username)
				}
				if !slices.Equal(got, c.want) || total != len(c.want) {
					t.Fatalf("got %v (total %d), want %v", got, total, c.want)
				}
			})
		}
		_, _, err := f.Auth.ListUsers(ctx, f.Users[auth.DistrictAdmin], auth.UserFilter{Role: s("king")})
		wantErr(t, "bad role", err, errs.EINVALID, "role")
		_, _, err = f.Auth.ListUsers(ctx, f.Users[auth.DistrictAdmin], auth.UserFilter{Area: s("999")})
		wantErr(t, "unknown area", err, errs.EINVALID, "area")
	})
}
