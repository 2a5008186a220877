package booking_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// kit is a fixture district with a venue offered by the liaison's unit.
type kit struct {
	t     *testing.T
	d     *db.DB
	f     *testkit.Fixture
	clk   *clock.Fake
	s     *booking.Service
	q     *jobs.Queue
	ctx   context.Context
	hall  int64 // the liaison's unit's hall: workday evenings, Saturday mornings
	other int64 // a venue on the other street
}

func newKit(t *testing.T, d *db.DB) *kit {
	clk := testkit.Clock() // Monday 2026-11-30 09:30 in Shanghai
	k := &kit{t: t, d: d, f: testkit.NewFixture(t, d), clk: clk, s: booking.NewService(d, clk), ctx: context.Background()}
	k.q = jobs.New(d, clk, slog.New(slog.DiscardHandler))
	k.s.RegisterJobs(k.q)
	ls := lists.NewService(d, clk)
	unit := k.f.Units[testkit.LiaisonUnit]
	hall, err := ls.CreateResource(k.ctx, k.as(auth.UnitLiaison), lists.ResourceInput{Title: "小店二楼活动室", Kind: "venue",
		Categories: []string{"culture"}, UnitID: &unit, Capacity: 30, CapacityUnit: "people", Windows: "1-5 18:00-21:00; 6 08:00-12:00"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ls.CreateResource(k.ctx, auth.SystemPrincipal(), lists.ResourceInput{Title: "天平社区礼堂", Kind: "venue",
		ProviderKind: "social_org", ProviderName: "天平社工站", Area: testkit.ResB1, Categories: []string{"culture"}, Capacity: 100, CapacityUnit: "people"})
	if err != nil {
		t.Fatal(err)
	}
	k.hall, k.other = hall.ID, other.ID
	return k
}

func (k *kit) as(r auth.Role) *auth.Principal { return k.f.Users[r] }

// at is a Shanghai wall time on a day of December 2026 (day 1 is a Tuesday).
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, clock.Shanghai)
}

func (k *kit) book(p *auth.Principal, res int64, start, end time.Time) (booking.Booking, error) {
	return k.s.Book(k.ctx, p, booking.Input{ResourceID: res, Start: start, End: end, Purpose: "居民议事会", Attendees: 12})
}

// state sums up the booking records and the audit log, to show a refused request changed nothing.
func (k *kit) state() string {
	k.t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT count(*) FROM bookings", "SELECT count(*) FROM bookings WHERE status IN ('held','confirmed')",
		"SELECT count(*) FROM audit_log", "SELECT count(*) FROM jobs"} {
		var n int64
		if err := k.d.QueryRow(k.ctx, q).Scan(&n); err != nil {
			k.t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&b, "%d ", n)
	}
	return b.String()
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
	}
}

// TestBookingLifecycle: a street worker books the unit's hall and it is
// held for the unit, which confirms it; clashes are 409, slots outside
// the hall's hours 422, other people's records out of reach; cancelling
// frees the slot.
func TestBookingLifecycle(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		street, liaison := k.as(auth.StreetStaff), k.as(auth.UnitLiaison)
		b, err := k.book(street, k.hall, at(1, 19, 0), at(1, 20, 30))
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != booking.Held || b.HoldUntil == nil || !b.HoldUntil.Equal(at(1, 19, 0)) || b.BookedBy != "street_staff" {
			t.Fatalf("a street worker's booking of a unit's hall tomorrow: %+v, want held until it starts", b)
		}
		if !b.Start.Equal(at(1, 19, 0)) || !b.End.Equal(at(1, 20, 30)) || b.ResourceTitle != "小店二楼活动室" {
			t.Fatalf("booking read back: %+v", b)
		}

		before := k.state()
		_, err = k.book(k.as(auth.CommunityStaff), k.hall, at(1, 20, 0), at(1, 21, 0))
		wantCode(t, "overlapping the hold", err, errs.ECONFLICT)
		if err != nil && !strings.Contains(err.Error(), "2026-12-01 19:00") {
			t.Errorf("the clash names the booking in the way: %v", err)
		}
		_, err = k.book(street, k.hall, at(1, 17, 0), at(1, 18, 30))
		wantCode(t, "before the hall opens", err, errs.EUNAVAILABLE)
		_, err = k.book(street, k.hall, at(6, 9, 0), at(6, 10, 0))
		wantCode(t, "on Sunday", err, errs.EUNAVAILABLE)
		_, err = k.book(street, k.hall, at(2, 20, 0), at(2, 19, 0))
		wantCode(t, "ending before it starts", err, errs.EINVALID)
		_, err = k.s.Book(k.ctx, street, booking.Input{ResourceID: k.hall, Start: at(2, 19, 0), End: at(2, 20, 0)})
		wantCode(t, "no purpose", err, errs.EINVALID)
		_, err = k.book(street, k.other, at(2, 19, 0), at(2, 20, 0))
		wantCode(t, "a venue on another street", err, errs.ENOTFOUND)
		_, err = k.book(k.as(auth.GridWorker), k.hall, at(2, 19, 0), at(2, 20, 0))
		wantCode(t, "a grid worker, whose grid lies below the hall's area", err, errs.ENOTFOUND)
		_, err = k.book(k.as(auth.Auditor), k.hall, at(2, 19, 0), at(2, 20, 0))
		wantCode(t, "the auditor", err, errs.EFORBIDDEN)
		_, err = k.book(nil, k.hall, at(2, 19, 0), at(2, 20, 0))
		wantCode(t, "signed out", err, errs.EUNAUTHORIZED)
		_, err = k.s.Confirm(k.ctx, k.as(auth.Auditor), b.ID)
		wantCode(t, "the auditor confirming", err, errs.EFORBIDDEN)
		if after := k.state(); after != before {
			t.Fatalf("refused requests changed records: %s → %s", before, after)
		}

		// The unit confirms; the liaison's own booking of its hall needs nobody.
		if b, err = k.s.Confirm(k.ctx, liaison, b.ID); err != nil || b.Status != booking.Confirmed || b.HoldUntil != nil || b.DecidedBy != "unit_liaison" {
			t.Fatalf("confirm: %+v, %v", b, err)
		}
		_, err = k.s.Confirm(k.ctx, liaison, b.ID)
		wantCode(t, "confirming twice", err, errs.ECONFLICT)
		own, err := k.book(liaison, k.hall, at(1, 20, 30), at(1, 21, 0))
		if err != nil || own.Status != booking.Confirmed {
			t.Fatalf("the unit books its own hall right after: %+v, %v", own, err)
		}

		// The provider cancels with a reason; the maker needs none.
		_, err = k.s.Cancel(k.ctx, liaison, b.ID, "")
		wantCode(t, "the provider cancelling without a reason", err, errs.EINVALID)
		_, err = k.s.Cancel(k.ctx, k.as(auth.CommunityStaff), own.ID, "")
		wantCode(t, "staff cancelling the unit's booking without a reason", err, errs.EINVALID)
		if c, err := k.s.Cancel(k.ctx, street, b.ID, ""); err != nil || c.Status != booking.Cancelled {
			t.Fatalf("the maker cancels: %+v, %v", c, err)
		}
		again, err := k.book(k.as(auth.CommunityStaff), k.hall, at(1, 19, 0), at(1, 20, 30))
		if err != nil {
			t.Fatalf("the cancelled slot is free again: %v", err)
		}

		// Lists: by resource and week, in scope only.
		l, err := k.s.List(k.ctx, street, booking.Filter{ResourceID: k.hall, From: at(1, 0, 0), To: at(2, 0, 0), Live: true})
		if err != nil || l.Total != 2 || l.Items[0].ID != again.ID || l.Items[1].ID != own.ID {
			t.Fatalf("the hall's live bookings on Tuesday: %+v, %v", l, err)
		}
		l, err = k.s.List(k.ctx, street, booking.Filter{Status: booking.Cancelled})
		if err != nil || l.Total != 1 || l.Items[0].ID != b.ID {
			t.Fatalf("cancelled bookings: %+v, %v", l, err)
		}
		if _, err := k.s.Book(k.ctx, auth.SystemPrincipal(), booking.Input{ResourceID: k.other, Start: at(2, 19, 0), End: at(2, 20, 0), Purpose: "读书会"}); err != nil {
			t.Fatal(err)
		}
		if l, err := k.s.List(k.ctx, street, booking.Filter{}); err != nil || l.Total != 3 {
			t.Fatalf("the street sees its own three bookings, not the other street's: %+v, %v", l.Total, err)
		}
		if l, err := k.s.List(k.ctx, k.as(auth.DistrictAdmin), booking.Filter{Area: testkit.StreetB}); err != nil || l.Total != 1 {
			t.Fatalf("the district, filtered to the other street: %d, %v", l.Total, err)
		}
		_, err = k.s.List(k.ctx, k.as(auth.Resident), booking.Filter{})
		wantCode(t, "a resident listing bookings", err, errs.EFORBIDDEN)
		_, err = k.s.List(k.ctx, street, booking.Filter{Status: "maybe"})
		wantCode(t, "an unknown status", err, errs.EINVALID)
		_, err = k.s.Get(k.ctx, k.as(auth.CommunityStaff), l.Items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		var audits int
		if err := d.QueryRow(k.ctx, "SELECT count(*) FROM audit_log WHERE entity = 'booking'").Scan(&audits); err != nil || audits != 6 {
			t.Fatalf("audit rows for bookings: %d, %v; want 6 (4 bookings, a confirmation, a cancellation)", audits, err)
		}
	})
}

// TestHoldLapses: a hold nobody confirms lapses by its job and frees the
// slot; a confirmed one is left alone when its job runs.
func TestHoldLapses(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		street := k.as(auth.StreetStaff)
		lapsing, err := k.book(street, k.hall, at(8, 19, 0), at(8, 20, 0))
		if err != nil {
			t.Fatal(err)
		}
		kept, err := k.book(street, k.hall, at(9, 19, 0), at(9, 20, 0))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.s.Confirm(k.ctx, k.as(auth.CommunityStaff), kept.ID); err != nil {
			t.Fatalf("staff confirm on the unit's behalf: %v", err)
		}
		k.clk.Advance(booking.HoldFor - time.Minute)
		if n, err := k.q.RunDue(k.ctx); err != nil || n != 0 {
			t.Fatalf("before the hold ends: %d jobs ran, %v", n, err)
		}
		k.clk.Advance(time.Minute)
		if _, err := k.q.RunDue(k.ctx); err != nil {
			t.Fatal(err)
		}
		if b, _ := k.s.Get(k.ctx, street, lapsing.ID); b.Status != booking.Lapsed {
			t.Fatalf("after 48 h unconfirmed: %s, want lapsed", b.Status)
		}
		if b, _ := k.s.Get(k.ctx, street, kept.ID); b.Status != booking.Confirmed {
			t.Fatalf("the confirmed booking: %s, want confirmed", b.Status)
		}
		_, err = k.s.Confirm(k.ctx, k.as(auth.UnitLiaison), lapsing.ID)
		wantCode(t, "confirming a lapsed hold", err, errs.ECONFLICT)
		if _, err := k.book(street, k.hall, at(8, 19, 0), at(8, 20, 0)); err != nil {
			t.Fatalf("the lapsed slot is free: %v", err)
		}
		var actor string
		if err := d.QueryRow(k.ctx, "SELECT actor_name FROM audit_log WHERE entity = 'booking' AND action = 'lapse'").Scan(&actor); err != nil || actor != "system" {
			t.Fatalf("the lapse's audit row: %q, %v", actor, err)
		}
	})
}

// TestDatabaseRefusesOverlap: rows written past the service still cannot
// overlap a live booking of the same resource; touching slots, other
// resources and dead bookings do not clash.
func TestDatabaseRefusesOverlap(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		insert := func(res int64, start, end time.Time, status string) error {
			var path string
			if err := d.QueryRow(k.ctx, "SELECT area_path FROM resources WHERE id = ?", res).Scan(&path); err != nil {
				t.Fatal(err)
			}
			now := k.clk.Now()
			_, err := d.Exec(k.ctx, `INSERT INTO bookings (resource_id, area_path, starts_at, ends_at, status, purpose, booked_by_name, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, 'x', 'x', ?, ?)`, res, path, start.UTC(), end.UTC(), status, now, now)
			return db.MapError(err)
		}
		if err := insert(k.hall, at(1, 19, 0), at(1, 20, 0), booking.Confirmed); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "an overlapping confirmed row", insert(k.hall, at(1, 19, 30), at(1, 20, 30), booking.Confirmed), errs.ECONFLICT)
		wantCode(t, "an overlapping held row", insert(k.hall, at(1, 18, 0), at(1, 21, 0), booking.Held), errs.ECONFLICT)
		for name, err := range map[string]error{
			"touching before":        insert(k.hall, at(1, 18, 0), at(1, 19, 0), booking.Held),
			"touching after":         insert(k.hall, at(1, 20, 0), at(1, 21, 0), booking.Confirmed),
			"another resource":       insert(k.other, at(1, 19, 0), at(1, 20, 0), booking.Confirmed),
			"a cancelled row on top": insert(k.hall, at(1, 19, 0), at(1, 20, 0), booking.Cancelled),
		} {
			if err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Reviving a dead booking on top of a live one is refused too.
		_, err := d.Exec(k.ctx, "UPDATE bookings SET status = 'held' WHERE status = 'cancelled'")
		wantCode(t, "reviving a cancelled row", db.MapError(err), errs.ECONFLICT)
	})
}

// TestConcurrentBookings: 50 people book the same slot at once; exactly
// one gets it and the others a clear 409.
func TestConcurrentBookings(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		people := []*auth.Principal{k.as(auth.StreetStaff), k.as(auth.CommunityStaff), k.as(auth.UnitLiaison), k.as(auth.DistrictAdmin)}
		var wg sync.WaitGroup
		var mu sync.Mutex
		codes := map[string]int{}
		for i := range 50 {
			wg.Go(func() {
				// Slightly different slots that all overlap 19:30–20:00.
				_, err := k.book(people[i%len(people)], k.hall, at(3, 19, i%30), at(3, 20, i%30))
				mu.Lock()
				codes[errs.Code(err)]++
				mu.Unlock()
				if err != nil && errs.Code(err) != errs.ECONFLICT {
					t.Errorf("booking %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if codes[""] != 1 || codes[errs.ECONFLICT] != 49 {
			t.Fatalf("50 concurrent bookings: %v, want exactly one success and 49 conflicts", codes)
		}
		var live int
		if err := d.QueryRow(k.ctx, "SELECT count(*) FROM bookings WHERE status IN ('held','confirmed')").Scan(&live); err != nil || live != 1 {
			t.Fatalf("live bookings: %d, %v", live, err)
		}
	})
}
