package activity_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/activity"
	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

type env struct {
	t *testing.T
	d *db.DB
	f *testkit.Fixture
	c *clock.Fake
	s *activity.Service
}

func newEnv(t *testing.T, d *db.DB) *env {
	c := testkit.Clock()
	return &env{t: t, d: d, f: testkit.NewFixture(t, d), c: c, s: activity.NewService(d, c, notify.NewService(d, c, notify.Options{}))}
}

// publish adds an activity in ResA1 starting in two days, as its staff.
func (e *env) publish(capacity int, audience string) activity.Activity {
	e.t.Helper()
	start := e.c.Now().Add(48 * time.Hour).Truncate(time.Hour)
	a, err := e.s.Create(context.Background(), e.f.Users[auth.CommunityStaff], activity.Input{Title: "楼道清洁志愿服务", Start: start,
		End: start.Add(2 * time.Hour), Place: "东湖居民区党群服务站", Capacity: capacity, Audience: audience, Area: testkit.ResA1})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// people makes n residents of ResA1, inserted directly (no passwords needed).
func (e *env) people(n int) []*auth.Principal {
	e.t.Helper()
	ctx := context.Background()
	path, _ := area.Path(ctx, e.d, testkit.ResA1)
	out := make([]*auth.Principal, n)
	for i := range n {
		name := fmt.Sprintf("jm%03d", i)
		id, err := db.InsertID(ctx, e.d, "INSERT INTO users (username, display_name, created_at) VALUES (?, ?, ?)", name, name, e.c.Now())
		if err != nil {
			e.t.Fatal(err)
		}
		out[i] = &auth.Principal{UserID: id, Username: name, Grants: []auth.Grant{{Role: auth.Resident, AreaCode: testkit.ResA1, AreaPath: path}}}
	}
	return out
}

func TestSignupWaitlistPromotes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		a := e.publish(2, activity.ForAll)
		ps := e.people(4)
		want := []string{activity.Confirmed, activity.Confirmed, activity.Waitlisted, activity.Waitlisted}
		for i, p := range ps {
			g, err := e.s.SignUp(ctx, p, a.ID)
			if err != nil || g.Status != want[i] {
				t.Fatalf("sign-up %d: %+v, %v; want %s", i, g, err, want[i])
			}
		}
		if g, _ := e.s.SignUp(ctx, ps[3], a.ID); g.Status != activity.Waitlisted || g.Position != 2 {
			t.Errorf("signing up again: %+v, want waitlisted at 2, unchanged", g)
		}
		if _, err := e.s.Cancel(ctx, ps[0], a.ID); err != nil {
			t.Fatal(err)
		}
		for i, w := range []string{activity.Cancelled, activity.Confirmed, activity.Confirmed, activity.Waitlisted} {
			if g, _ := e.s.Mine(ctx, ps[i], a.ID); g.Status != w {
				t.Errorf("after a cancellation person %d is %s, want %s", i, g.Status, w)
			}
		}
		if _, err := e.s.Cancel(ctx, ps[0], a.ID); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("cancelling twice: %v, want ECONFLICT", err)
		}
		// A members' activity takes members only.
		m := e.publish(0, activity.ForMembers)
		if _, err := e.s.SignUp(ctx, ps[0], m.ID); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a resident signing up for members: %v, want EFORBIDDEN", err)
		}
		// Staff do not sign up (no activity.join); residents of another area do not see it.
		if _, err := e.s.SignUp(ctx, e.f.Users[auth.CommunityStaff], a.ID); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("staff signing up: %v, want EFORBIDDEN", err)
		}
	})
}

// TestConcurrentSignups: 100 people sign up for 10 places at once, then
// half of them cancel while 30 more sign up, all at once. The activity is
// never overbooked and the waitlist moves up in sign-up order: every
// confirmed person signed up before every waitlisted one.
func TestConcurrentSignups(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		const capacity = 10
		a := e.publish(capacity, activity.ForAll)
		ps := e.people(130)
		run := func(fns []func() error) {
			var wg sync.WaitGroup
			errc := make(chan error, len(fns))
			for _, fn := range fns {
				wg.Go(func() { errc <- fn() })
			}
			wg.Wait()
			close(errc)
			for err := range errc {
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		var fns []func() error
		for _, p := range ps[:100] {
			fns = append(fns, func() error { _, err := e.s.SignUp(ctx, p, a.ID); return err })
		}
		run(fns)
		e.check(a.ID, capacity, 100)
		fns = nil
		cancelled := rand.Perm(100)[:50]
		for _, i := range cancelled {
			fns = append(fns, func() error { _, err := e.s.Cancel(ctx, ps[i], a.ID); return err })
		}
		for _, p := range ps[100:] {
			fns = append(fns, func() error { _, err := e.s.SignUp(ctx, p, a.ID); return err })
		}
		run(fns)
		e.check(a.ID, capacity, 80)
	})
}

// check asserts capacity and order over the live sign-ups of an activity.
func (e *env) check(id int64, capacity, live int) {
	e.t.Helper()
	type row struct {
		status string
		seq    int
	}
	rows, err := db.All(context.Background(), e.d, "SELECT status, seq FROM activity_signups WHERE activity_id = ? AND status <> 'cancelled' ORDER BY seq", []any{id},
		func(sc db.Scanner) (row, error) {
			var r row
			err := sc.Scan(&r.status, &r.seq)
			return r, err
		})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(rows) != live {
		e.t.Fatalf("%d live sign-ups, want %d", len(rows), live)
	}
	for i, r := range rows {
		want := activity.Waitlisted
		if i < capacity {
			want = activity.Confirmed
		}
		if r.status != want {
			e.t.Fatalf("sign-up %d in order (seq %d) is %s, want %s: overbooked or promoted out of order", i+1, r.seq, r.status, want)
		}
	}
}

func TestQRCheckInAndHours(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		staff := e.f.Users[auth.CommunityStaff]
		member := e.f.Users[auth.Member]
		resident := e.f.Users[auth.Resident]
		// The fixture's member is a party member with a linked record.
		orgPath, _ := area.Path(ctx, d, testkit.ResA1)
		org, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, orgPath)
		if err != nil {
			t.Fatal(err)
		}
		ps := party.NewService(d, e.c)
		m, err := ps.Create(ctx, staff, party.Input{Name: "王建国", Kind: "在职", PartyOrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ps.LinkUser(ctx, staff, m.ID, "member"); err != nil {
			t.Fatal(err)
		}
		a := e.publish(20, activity.ForAll)
		if _, err := e.s.SignUp(ctx, member, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.s.CurrentCode(ctx, member, a.ID); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a member reading the organiser's code: %v, want EFORBIDDEN", err)
		}
		e.c.Advance(a.Start.Sub(e.c.Now()) - 10*time.Minute) // ten minutes before the start
		code, until, err := e.s.CurrentCode(ctx, staff, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if until.Sub(e.c.Now()) > activity.CodeEvery || !until.After(e.c.Now()) {
			t.Errorf("the code rotates at %v, now %v", until, e.c.Now())
		}
		// Forged codes and check-out before check-in are refused.
		if _, err := e.s.CheckIn(ctx, member, a.ID, "AAAAAAAAAAAAAAAA"); errs.Code(err) != errs.EINVALID {
			t.Errorf("forged code: %v, want EINVALID", err)
		}
		if _, err := e.s.CheckOut(ctx, member, a.ID, code); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("check-out before check-in: %v, want ECONFLICT", err)
		}
		// The resident holding the same code checks in nobody: not signed up.
		if _, err := e.s.CheckIn(ctx, resident, a.ID, code); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("someone else with the code: %v, want ECONFLICT (not signed up)", err)
		}
		// A code of another activity does not open this one.
		b := e.publish(20, activity.ForAll)
		codeB, _, _ := e.s.CurrentCode(ctx, staff, b.ID)
		if _, err := e.s.CheckIn(ctx, member, a.ID, codeB); errs.Code(err) != errs.EINVALID {
			t.Errorf("another activity's code: %v, want EINVALID", err)
		}
		// A photo of the code, replayed after it rotated twice, is refused.
		e.c.Advance(61 * time.Second)
		if _, err := e.s.CheckIn(ctx, member, a.ID, code); errs.Code(err) != errs.EINVALID {
			t.Errorf("replayed code: %v, want EINVALID", err)
		}
		code, _, _ = e.s.CurrentCode(ctx, staff, a.ID)
		g, err := e.s.CheckIn(ctx, member, a.ID, code)
		if err != nil || g.CheckedInAt == nil {
			t.Fatalf("check-in: %+v, %v", g, err)
		}
		if _, err := e.s.CheckIn(ctx, member, a.ID, code); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("checking in twice: %v, want ECONFLICT", err)
		}
		if c, err := e.s.HeadCount(ctx, staff, a.ID); err != nil || c.Present != 1 || c.CheckedIn != 1 {
			t.Errorf("head count: %+v, %v", c, err)
		}
		e.c.Advance(90 * time.Minute)
		code, _, _ = e.s.CurrentCode(ctx, staff, a.ID)
		g, err = e.s.CheckOut(ctx, member, a.ID, code)
		if err != nil || g.Minutes != 90 {
			t.Fatalf("check-out: %+v, %v; want 90 minutes", g, err)
		}
		sv, err := ps.ServiceOf(ctx, member, m.ID)
		if err != nil || sv.Minutes != 90 || len(sv.Lines) != 1 {
			t.Errorf("the member's service: %+v, %v; want 90 minutes from one check-out", sv, err)
		}
		if c, _ := e.s.HeadCount(ctx, staff, a.ID); c.Present != 0 || c.CheckedOut != 1 {
			t.Errorf("head count after check-out: %+v", c)
		}
	})
}

func TestReminderTheDayBefore(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		a := e.publish(0, activity.ForAll)
		ps := e.people(2)
		for _, p := range ps {
			if _, err := e.s.SignUp(ctx, p, a.ID); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := e.s.Cancel(ctx, ps[1], a.ID); err != nil {
			t.Fatal(err)
		}
		q := jobs.New(d, e.c, slog.New(slog.DiscardHandler))
		e.s.RegisterJobs(q)
		count := func() (n int) {
			d.QueryRow(ctx, "SELECT count(*) FROM inbox WHERE entity = 'activity'").Scan(&n)
			return n
		}
		if _, err := q.RunDue(ctx); err != nil || count() != 0 {
			t.Fatalf("before the day: %d reminders, %v", count(), err)
		}
		e.c.Advance(activity.RemindAt(a.Start).Sub(e.c.Now()))
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		var user int64
		d.QueryRow(ctx, "SELECT user_id FROM inbox WHERE entity = 'activity'").Scan(&user)
		if count() != 1 || user != ps[0].UserID {
			t.Errorf("%d reminders (to %d), want one to the confirmed person %d", count(), user, ps[0].UserID)
		}
	})
}
