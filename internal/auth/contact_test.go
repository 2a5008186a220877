package auth_test

import (
	"context"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestSetContact(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newAdminFixture(t, d)
		admin := f.Users[auth.DistrictAdmin]
		stored := func(id int64) (phone, email string) {
			if err := d.QueryRow(ctx, "SELECT phone, email FROM users WHERE id = ?", id).Scan(&phone, &email); err != nil {
				t.Fatal(err)
			}
			return
		}
		change := func(phone, email string) auth.ContactChange { return auth.ContactChange{Phone: &phone, Email: &email} }
		audits := func() int { return f.count(t, "SELECT count(*) FROM audit_log WHERE action = 'set_contact'") }

		// The admin sets a resident's; the answer masks what is not the caller's own.
		u, err := f.Auth.SetContact(ctx, admin, f.userA, change(" 13900004444 ", "wang.ayi@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		if p, e := stored(f.userA); p != "13900004444" || e != "wang.ayi@example.com" {
			t.Fatalf("stored %q %q", p, e)
		}
		if u.Phone == "13900004444" || u.Email == "wang.ayi@example.com" || u.Email == "" {
			t.Fatalf("answer not masked: %+v", u)
		}
		var after string
		if err := d.QueryRow(ctx, "SELECT after FROM audit_log WHERE action = 'set_contact'").Scan(&after); err != nil || strings.Contains(after, "wang.ayi@") {
			t.Fatalf("audit row keeps the address: %q %v", after, err)
		}
		// The same again changes nothing and writes no audit row.
		if _, err := f.Auth.SetContact(ctx, admin, f.userA, change("13900004444", "wang.ayi@example.com")); err != nil || audits() != 1 {
			t.Fatalf("unchanged: %v, %d audit rows", err, audits())
		}

		// Users set their own; nobody else without user.admin.
		community := f.Users[auth.CommunityStaff]
		email := "me@example.com"
		if u, err := f.Auth.SetContact(ctx, community, community.UserID, auth.ContactChange{Email: &email}); err != nil || u.Email != email || u.Phone != "13900001111" {
			t.Fatalf("own contact: %+v %v", u, err)
		}
		wantErr(t, "community staff on a resident", func() error {
			_, err := f.Auth.SetContact(ctx, community, f.userA, change("", "x@example.com"))
			return err
		}(), errs.EFORBIDDEN, "")
		wantErr(t, "a street's admin on the other street", func() error {
			_, err := f.Auth.SetContact(ctx, f.streetAdmin, f.userB, change("", "x@example.com"))
			return err
		}(), errs.ENOTFOUND, "")

		// Bad input names the field and changes nothing.
		for _, c := range []struct {
			in    auth.ContactChange
			field string
		}{
			{change("", "not an address"), "email"},
			{change("", "王阿姨 <wang@example.com>"), "email"},
			{change("call me", ""), "phone"},
		} {
			_, err := f.Auth.SetContact(ctx, admin, f.userA, c.in)
			wantErr(t, "bad contact", err, errs.EINVALID, c.field)
		}
		if p, e := stored(f.userA); p != "13900004444" || e != "wang.ayi@example.com" {
			t.Fatalf("a refused change changed %q %q", p, e)
		}
		// Clearing is allowed.
		if _, err := f.Auth.SetContact(ctx, admin, f.userA, change("", "")); err != nil {
			t.Fatal(err)
		}
		if p, e := stored(f.userA); p != "" || e != "" {
			t.Fatalf("not cleared: %q %q", p, e)
		}
	})
}
