package notify_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

func unread(t *testing.T, s *notify.Service, p *auth.Principal) (items []notify.Item, total, unread int) {
	t.Helper()
	items, total, unread, err := s.Inbox(context.Background(), p, false, 1, 50)
	if err != nil {
		t.Fatalf("inbox of %s: %v", p.Username, err)
	}
	return items, total, unread
}

func TestNotifyRecipientsByAreaAndRole(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{})
		streetA := e.f.Users[auth.StreetStaff] // street_staff on StreetA
		streetB := e.staff(t, "staff_b", auth.StreetStaff, testkit.StreetB)
		secondA := e.staff(t, "staff_a2", auth.StreetStaff, testkit.StreetA)
		communityA1 := e.f.Users[auth.CommunityStaff] // below StreetA: not staff OF it
		gridA1 := e.f.Users[auth.GridWorker]
		admin := e.admin

		e.notify(t, notify.Notice{Kind: notify.KindEscalation, Title: "督办：噪音扰民超时未办结", Body: "东湖居民区一件诉求已超期",
			Link: "/demands/42", Entity: "demand", EntityID: "42",
			Area: testkit.StreetA, Roles: []auth.Role{auth.StreetStaff, auth.CommunityStaff}})

		for _, c := range []struct {
			p    *auth.Principal
			want int
		}{{streetA, 1}, {secondA, 1}, {streetB, 0}, {communityA1, 0}, {gridA1, 0}, {admin, 0}} {
			items, total, n := unread(t, e.svc, c.p)
			if total != c.want || n != c.want || len(items) != c.want {
				t.Errorf("%s: %d items, total %d, unread %d; want %d", c.p.Username, len(items), total, n, c.want)
			}
		}
		items, _, _ := unread(t, e.svc, streetA)
		it := items[0]
		if it.Kind != notify.KindEscalation || it.Title != "督办：噪音扰民超时未办结" || it.Link != "/demands/42" ||
			it.Entity != "demand" || it.EntityID != "42" || it.ReadAt != nil || !it.CreatedAt.Equal(e.clock.Now()) {
			t.Errorf("item = %+v", it)
		}

		// With ancestors the district's admin hears of it too; the grid worker, below, still does not.
		e.notify(t, notify.Notice{Kind: notify.KindEscalation, Title: "二级督办", Area: testkit.ResA1,
			Roles: []auth.Role{auth.StreetStaff, auth.DistrictAdmin}, Ancestors: true})
		for _, c := range []struct {
			p    *auth.Principal
			want int
		}{{streetA, 2}, {admin, 1}, {streetB, 0}, {gridA1, 0}} {
			if _, total, _ := unread(t, e.svc, c.p); total != c.want {
				t.Errorf("after ancestors: %s has %d, want %d", c.p.Username, total, c.want)
			}
		}

		// Explicit users and area staff are one set: nobody gets it twice; disabled users get nothing.
		if _, err := d.Exec(context.Background(), "UPDATE users SET disabled = TRUE WHERE id = ?", secondA.UserID); err != nil {
			t.Fatal(err)
		}
		e.notify(t, notify.Notice{Kind: notify.KindAssignment, Title: "派单", UserIDs: []int64{streetA.UserID, gridA1.UserID},
			Area: testkit.StreetA, Roles: []auth.Role{auth.StreetStaff}})
		if _, total, _ := unread(t, e.svc, streetA); total != 3 {
			t.Errorf("street A staff has %d, want 3 (no duplicate)", total)
		}
		if _, total, _ := unread(t, e.svc, gridA1); total != 1 {
			t.Errorf("grid worker has %d, want 1", total)
		}
		if _, total, _ := unread(t, e.svc, secondA); total != 2 {
			t.Errorf("disabled staff has %d, want still 2", total)
		}
	})
}

func TestNotifyValidation(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{})
		ctx := context.Background()
		uid := e.f.Users[auth.StreetStaff].UserID
		cases := []struct {
			name  string
			n     notify.Notice
			field string
		}{
			{"unknown kind", notify.Notice{Kind: "gossip", Title: "x", UserIDs: []int64{uid}}, "kind"},
			{"no title", notify.Notice{Kind: notify.KindInfo, UserIDs: []int64{uid}}, "title"},
			{"no recipients", notify.Notice{Kind: notify.KindInfo, Title: "x"}, "recipients"},
			{"area without roles", notify.Notice{Kind: notify.KindInfo, Title: "x", Area: testkit.StreetA}, "roles"},
			{"unknown area", notify.Notice{Kind: notify.KindInfo, Title: "x", Area: "999", Roles: []auth.Role{auth.StreetStaff}}, "area"},
			{"unknown user", notify.Notice{Kind: notify.KindInfo, Title: "x", UserIDs: []int64{uid, 999999}}, "user_ids"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				err := d.InTx(ctx, func(tx *db.Tx) error { return e.svc.Notify(ctx, tx, c.n) })
				ds := errs.DetailsOf(err)
				if errs.Code(err) != errs.EINVALID || len(ds) == 0 || ds[0].Field != c.field {
					t.Fatalf("got %v (%v), want EINVALID on %s", err, ds, c.field)
				}
			})
		}
		if n := count(t, d, "SELECT count(*) FROM inbox"); n != 0 {
			t.Errorf("%d inbox rows after invalid notices", n)
		}
		// An area nobody staffs is not an error.
		e.notify(t, notify.Notice{Kind: notify.KindInfo, Title: "x", Area: testkit.ResB1, Roles: []auth.Role{auth.CommunityStaff}})
	})
}

func TestInboxReadAndOwnership(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{})
		ctx := context.Background()
		me, other := e.f.Users[auth.StreetStaff], e.f.Users[auth.CommunityStaff]
		for i, title := range []string{"一", "二", "三", "四"} {
			e.notify(t, notify.Notice{Kind: notify.KindReminder, Title: title, UserIDs: []int64{me.UserID}})
			if i == 0 {
				e.notify(t, notify.Notice{Kind: notify.KindReturn, Title: "别人的", UserIDs: []int64{other.UserID}})
			}
			e.clock.Advance(1)
		}
		items, total, n := unread(t, e.svc, me)
		if total != 4 || n != 4 || items[0].Title != "四" || items[3].Title != "一" {
			t.Fatalf("inbox: total %d unread %d first %q; want 4, 4, newest first", total, n, items[0].Title)
		}
		// Paging.
		page, total, _, err := e.svc.Inbox(ctx, me, false, 2, 3)
		if err != nil || len(page) != 1 || total != 4 || page[0].Title != "一" {
			t.Fatalf("page 2 of 3: %d items, total %d, err %v", len(page), total, err)
		}

		theirs, _, _ := unread(t, e.svc, other)
		// Marking someone else's notice changes nothing and reveals nothing.
		if err := e.svc.MarkRead(ctx, me, []int64{items[1].ID, items[2].ID, theirs[0].ID}); err != nil {
			t.Fatal(err)
		}
		if _, _, n := unread(t, e.svc, other); n != 1 {
			t.Errorf("other's unread = %d after my MarkRead, want 1", n)
		}
		items, total, n = unread(t, e.svc, me)
		if total != 4 || n != 2 || items[1].ReadAt == nil || items[0].ReadAt != nil {
			t.Fatalf("after MarkRead: total %d unread %d; want 4, 2", total, n)
		}
		only, total, n, err := e.svc.Inbox(ctx, me, true, 1, 50)
		if err != nil || len(only) != 2 || total != 2 || n != 2 || only[0].Title != "四" || only[1].Title != "一" {
			t.Fatalf("unread only: %d items, total %d, unread %d, err %v", len(only), total, n, err)
		}
		if err := e.svc.MarkAllRead(ctx, me); err != nil {
			t.Fatal(err)
		}
		if _, total, n := unread(t, e.svc, me); total != 4 || n != 0 {
			t.Errorf("after MarkAllRead: total %d unread %d", total, n)
		}
		if _, _, n := unread(t, e.svc, other); n != 1 {
			t.Errorf("MarkAllRead touched someone else's inbox")
		}

		// No inbox without a user.
		for _, p := range []*auth.Principal{nil, auth.SystemPrincipal()} {
			if _, _, _, err := e.svc.Inbox(ctx, p, false, 1, 10); errs.Code(err) != errs.EUNAUTHORIZED {
				t.Errorf("Inbox(%v) = %v, want EUNAUTHORIZED", p, err)
			}
			if err := e.svc.MarkAllRead(ctx, p); errs.Code(err) != errs.EUNAUTHORIZED {
				t.Errorf("MarkAllRead(%v) = %v, want EUNAUTHORIZED", p, err)
			}
		}
	})
}

func TestNoticesRollBackWithTheChange(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Email: true})
		ctx := context.Background()
		if _, _, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: "https://example.org/hook"}); err != nil {
			t.Fatal(err)
		}
		staff := e.f.Users[auth.StreetStaff]
		if _, err := d.Exec(ctx, "UPDATE users SET email = ? WHERE id = ?", "staff@example.org", staff.UserID); err != nil {
			t.Fatal(err)
		}
		boom := errs.New(errs.ECONFLICT, "the change failed")
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := e.svc.Notify(ctx, tx, notify.Notice{Kind: notify.KindAssignment, Title: "派单", UserIDs: []int64{staff.UserID}, Email: true}); err != nil {
				return err
			}
			if err := e.svc.Enqueue(ctx, tx, "demand.dispatched", map[string]any{"id": 1}); err != nil {
				return err
			}
			return boom
		})
		if err != boom {
			t.Fatalf("InTx = %v", err)
		}
		for _, table := range []string{"inbox", "webhook_deliveries", "email_outbox"} {
			if n := count(t, d, "SELECT count(*) FROM "+table); n != 0 {
				t.Errorf("%s has %d rows after rollback", table, n)
			}
		}
	})
}
