package auth_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestSignInsAudited: a sign-in and a failed one are in the audit log,
// under the account's area (a failed attempt on an unknown name under the
// tree's root), readable by that area's auditor; the failed attempt is not
// put on the account's owner.
func TestSignInsAudited(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		staff := f.Users[auth.StreetStaff]
		if _, _, err := f.Auth.Login(ctx, staff.Username, testkit.Password, "10.0.0.7"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.Auth.Login(ctx, staff.Username, "wrong-password", "10.0.0.8"); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		if _, _, err := f.Auth.Login(ctx, "nobody.here", "whatever-123", "10.0.0.9"); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Fatalf("unknown user: %v", err)
		}
		rows, _, err := auth.ListAudit(ctx, d, f.Users[auth.Auditor], auth.AuditFilter{Entity: ptr("session")})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, r := range rows {
			got[r.Action+" "+r.ActorName] = r.After
		}
		for _, want := range []string{"login " + staff.Username, "login_failed " + staff.Username, "login_failed nobody.here"} {
			if _, ok := got[want]; !ok {
				t.Errorf("audit lacks %q: %v", want, got)
			}
		}
		var owner int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND actor_id IS NOT NULL").Scan(&owner); err != nil || owner != 0 {
			t.Errorf("%d failed sign-ins put on an account (%v)", owner, err)
		}
	})
}

// TestOwnLastAdminGrant: an admin cannot take away their own last
// administrator grant, and nothing changes; with a second one they can.
func TestOwnLastAdminGrant(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		admin := f.Users[auth.DistrictAdmin]
		own := admin.Grants[0].ID
		if err := f.Auth.RemoveGrant(ctx, admin, own); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("removing own last admin grant: %v", err)
		}
		var n int
		d.QueryRow(ctx, "SELECT count(*) FROM grants WHERE id = ?", own).Scan(&n)
		if n != 1 {
			t.Fatal("the grant is gone")
		}
		second, err := f.Auth.AddGrant(ctx, admin, admin.UserID, string(auth.DistrictAdmin), testkit.StreetA, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Auth.RemoveGrant(ctx, admin, second.ID); err != nil {
			t.Fatalf("removing a second admin grant: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
