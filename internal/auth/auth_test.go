package auth_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestAuthorizeTable(t *testing.T) {
	street := &auth.Principal{UserID: 1, Grants: []auth.Grant{{Role: auth.StreetStaff, AreaPath: "/310104/001/"}}}
	resident := &auth.Principal{UserID: 2, Grants: []auth.Grant{{Role: auth.Resident, AreaPath: "/310104/001/001/"}}}
	cases := []struct {
		name string
		p    *auth.Principal
		perm auth.Perm
		path string
		want string
	}{
		{"nobody", nil, auth.UnitRead, "/310104/", errs.EUNAUTHORIZED},
		{"street reads own unit", street, auth.UnitRead, "/310104/001/007/", ""},
		{"street reads street itself", street, auth.UnitRead, "/310104/001/", ""},
		{"street not other street", street, auth.UnitRead, "/310104/002/001/", errs.EFORBIDDEN},
		{"street not district", street, auth.CoverageRead, "/310104/", errs.EFORBIDDEN},
		{"prefix is by segment", street, auth.UnitRead, "/310104/0010/", errs.EFORBIDDEN},
		{"street cannot admin users", street, auth.UserAdmin, "/310104/001/", errs.EFORBIDDEN},
		{"resident cannot read units", resident, auth.UnitRead, "/310104/001/001/", errs.EFORBIDDEN},
		{"resident reads areas", resident, auth.AreaRead, "/310104/001/001/02/", ""},
		{"system does anything", auth.SystemPrincipal(), auth.UserAdmin, "/", ""},
		{"resident joins deliberation at home", resident, auth.DelibJoin, "/310104/001/001/", ""},
		{"resident does not run votes", resident, auth.DelibWrite, "/310104/001/001/", errs.EFORBIDDEN},
		{"street runs votes below it", street, auth.DelibWrite, "/310104/001/007/", ""},
		{"street does not vote as a resident", street, auth.DelibJoin, "/310104/001/007/", errs.EFORBIDDEN},
		{"street approves points below it", street, auth.PointsApprove, "/310104/001/007/", ""},
		{"street does not edit the district's points rules", street, auth.PointsRules, "/310104/", errs.EFORBIDDEN},
		{"resident reads no points", resident, auth.PointsRead, "/310104/001/001/", errs.EFORBIDDEN},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.Code(auth.Authorize(c.p, c.perm, c.path)); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestScopeDropsNestedPaths(t *testing.T) {
	p := &auth.Principal{Grants: []auth.Grant{
		{Role: auth.CommunityStaff, AreaPath: "/310104/001/001/"},
		{Role: auth.StreetStaff, AreaPath: "/310104/001/"},
		{Role: auth.GridWorker, AreaPath: "/310104/002/003/04/"},
		{Role: auth.Resident, AreaPath: "/310104/003/"},
	}}
	got := auth.Scope(p, auth.UnitRead)
	want := []string{"/310104/001/", "/310104/002/003/04/"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Scope = %v, want %v", got, want)
	}
}

func TestMasking(t *testing.T) {
	cases := []struct {
		f        func(string) string
		in, want string
	}{
		{auth.MaskPhone, "13812345678", "138****5678"},
		{auth.MaskPhone, "123", "***"},
		{auth.MaskID, "310104199001011234", "310104********1234"},
		{auth.MaskEmail, "zhang@example.cn", "z***@example.cn"},
		{auth.MaskName, "张三丰", "张**"},
	}
	for _, c := range cases {
		if got := c.f(c.in); got != c.want {
			t.Errorf("mask(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h := testkit.TestHasher()
	ctx := context.Background()
	enc, err := h.Hash(ctx, "长城长江黄河泰山")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := h.Verify(ctx, enc, "长城长江黄河泰山"); !ok {
		t.Fatal("right password refused")
	}
	if ok, _ := h.Verify(ctx, enc, "长城长江黄河泰"); ok {
		t.Fatal("wrong password accepted")
	}
	if _, err := h.Hash(ctx, "短"); errs.Code(err) != errs.EINVALID {
		t.Fatalf("short password: %v", err)
	}
}

func TestLoginTokensAudit(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		// Throttle: five failures from one address lock the account there
		// even with the right password (TestLoginThrottlePerAccountAndIP: not elsewhere).
		for i := 0; i < 5; i++ {
			if _, _, err := f.Auth.Login(ctx, "street_staff", "wrong-password", "10.0.0.1"); errs.Code(err) != errs.EUNAUTHORIZED {
				t.Fatalf("bad password: %v", err)
			}
		}
		if _, _, err := f.Auth.Login(ctx, "street_staff", testkit.Password, "10.0.0.1"); errs.Code(err) != errs.ETOOMANY {
			t.Fatalf("after 5 failures: %v, want ETOOMANY", err)
		}
		tok, p, err := f.Auth.Login(ctx, "grid_worker", testkit.Password, "10.0.0.3")
		if err != nil || p.Username != "grid_worker" {
			t.Fatalf("login: %v", err)
		}
		if sp, csrf, err := f.Auth.Session(ctx, tok); err != nil || sp.UserID != p.UserID || csrf == "" {
			t.Fatalf("session: %v", err)
		}
		f.Auth.Logout(ctx, tok)
		if _, _, err := f.Auth.Session(ctx, tok); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("after logout: %v", err)
		}

		secret, tk, err := f.Auth.CreateToken(ctx, p, p.UserID, "脚本")
		if err != nil {
			t.Fatal(err)
		}
		tp, err := f.Auth.TokenPrincipal(ctx, secret)
		if err != nil || tp.UserID != p.UserID {
			t.Fatalf("token principal: %v", err)
		}
		list, err := f.Auth.Tokens(ctx, p, p.UserID)
		if err != nil || len(list) != 1 || list[0].LastUsedAt == nil {
			t.Fatalf("tokens: %+v %v", list, err)
		}
		if err := f.Auth.RevokeToken(ctx, f.Users[auth.Member], tk.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("someone else's token revoked: %v", err)
		}
		if err := f.Auth.RevokeToken(ctx, p, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Auth.TokenPrincipal(ctx, secret); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("revoked token still works: %v", err)
		}

		// Audit: user creation and token events are logged, phones masked; street staff cannot read it.
		entity := "user"
		rows, total, err := auth.ListAudit(ctx, d, f.Users[auth.Auditor], auth.AuditFilter{Entity: &entity})
		if err != nil || total < len(auth.Roles) {
			t.Fatalf("audit: total %d, %v", total, err)
		}
		for _, r := range rows {
			if r.Action == "create" {
				testkit.Contains(t, r.After, "139****1111")
			}
		}
		if _, _, err := auth.ListAudit(ctx, d, f.Users[auth.StreetStaff], auth.AuditFilter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("street staff reads audit: %v", err)
		}

		// User admin: only district admin creates users; duplicates are refused with the field named.
		_, err = f.Auth.CreateUser(ctx, f.Users[auth.StreetStaff], auth.NewUser{Username: "x1", Password: testkit.Password, Role: "resident", Area: testkit.ResA1})
		if errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("street staff creates user: %v", err)
		}
		_, err = f.Auth.CreateUser(ctx, f.Users[auth.DistrictAdmin], auth.NewUser{Username: "member", Password: testkit.Password, Role: "resident", Area: testkit.ResA1})
		if e := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || len(e) == 0 || e[0].Field != "username" {
			t.Fatalf("duplicate username: %v", err)
		}
		_, err = f.Auth.CreateUser(ctx, f.Users[auth.DistrictAdmin], auth.NewUser{Username: "x2", Password: testkit.Password, Role: "king", Area: testkit.ResA1})
		if e := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || e[0].Field != "role" {
			t.Fatalf("bad role: %v", err)
		}
	})
}
