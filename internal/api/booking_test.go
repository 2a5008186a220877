package api_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// TestBookingAPI books the liaison's unit's hall through the API as
// ../shared/API.md fixes it: 201, 409 ECONFLICT on an overlap, 422 outside
// the hall's hours; the unit confirms the hold, the maker cancels, and a
// refused request changes nothing.
func TestBookingAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		unit := e.f.Units[testkit.LiaisonUnit]
		hall, err := e.lists.CreateResource(context.Background(), auth.SystemPrincipal(), lists.ResourceInput{Title: "小店二楼活动室", Kind: "venue",
			Categories: []string{"culture"}, UnitID: &unit, Capacity: 30, CapacityUnit: "people", Windows: "1-5 18:00-21:00; 6 08:00-12:00"})
		if err != nil {
			t.Fatal(err)
		}
		// Tuesday 1 December 2026, 19:00–20:30 in Shanghai.
		start := time.Date(2026, 12, 1, 19, 0, 0, 0, clock.Shanghai)
		body := func(from, to time.Time) map[string]any {
			return map[string]any{"resource_id": hall.ID, "start": from.Format(time.RFC3339), "end": to.Format(time.RFC3339), "purpose": "楼组长例会", "attendees": 15}
		}
		res := e.as(auth.StreetStaff, "POST", "/bookings", body(start, start.Add(90*time.Minute)))
		if res.status != 201 || !strings.HasPrefix(res.header.Get("Location"), "/api/v1/bookings/") {
			t.Fatalf("book: %d %s", res.status, res.body)
		}
		conforms(t, "Booking", res)
		b := decodeJSON[booking.Booking](t, res)
		if b.Status != booking.Held || !b.Start.Equal(start) || b.Attendees != 15 {
			t.Fatalf("booked: %+v", b)
		}
		live := func() int { return e.count("SELECT count(*) FROM bookings WHERE status IN ('held','confirmed')") }
		before := live()
		wantError(t, e.as(auth.CommunityStaff, "POST", "/bookings", body(start.Add(time.Hour), start.Add(2*time.Hour))), 409, "ECONFLICT", "")
		wantError(t, e.as(auth.StreetStaff, "POST", "/bookings", body(start.Add(-2*time.Hour), start.Add(-time.Hour))), 422, "EUNAVAILABLE", "")
		wantError(t, e.as(auth.StreetStaff, "POST", "/bookings", body(start, start.Add(-time.Hour))), 400, "EINVALID", "end")
		wantError(t, e.as(auth.StreetStaff, "POST", "/bookings", map[string]any{"resource_id": hall.ID, "start": "tomorrow"}), 400, "EINVALID", "")
		wantError(t, e.as(auth.Auditor, "POST", "/bookings", body(start.Add(24*time.Hour), start.Add(25*time.Hour))), 403, "EFORBIDDEN", "")
		if n := live(); n != before {
			t.Fatalf("refused bookings changed the live count: %d → %d", before, n)
		}

		path := "/bookings/" + strconv.FormatInt(b.ID, 10)
		wantError(t, e.as(auth.StreetStaff, "POST", path+"/cancel", map[string]any{"reason": strings.Repeat("长", 201)}), 400, "EINVALID", "reason")
		res = e.as(auth.UnitLiaison, "POST", path+"/confirm", nil)
		if res.status != 200 || decodeJSON[booking.Booking](t, res).Status != booking.Confirmed {
			t.Fatalf("the unit confirms: %d %s", res.status, res.body)
		}
		wantError(t, e.as(auth.UnitLiaison, "POST", path+"/confirm", nil), 409, "ECONFLICT", "")
		res = e.as(auth.StreetStaff, "GET", "/bookings?resource_id="+strconv.Itoa(int(hall.ID))+"&from=2026-12-01&to=2026-12-01&live=true", nil)
		conforms(t, "BookingList", res)
		if l := decodeJSON[listBody[booking.Booking]](t, res); l.Total != 1 || l.Items[0].ID != b.ID {
			t.Fatalf("Tuesday's live bookings: %s", res.body)
		}
		wantError(t, e.as(auth.StreetStaff, "GET", "/bookings?from=yesterday", nil), 400, "EINVALID", "from")
		res = e.as(auth.StreetStaff, "POST", path+"/cancel", nil)
		if res.status != 200 || decodeJSON[booking.Booking](t, res).Status != booking.Cancelled {
			t.Fatalf("the maker cancels: %d %s", res.status, res.body)
		}
		if n := live(); n != before-1 {
			t.Fatalf("live bookings after the cancellation: %d", n)
		}
	})
}

// TestBookingAPIConcurrent: 50 clients post the same slot at once; exactly
// one gets 201 and the rest 409.
func TestBookingAPIConcurrent(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		hall, err := e.lists.CreateResource(context.Background(), auth.SystemPrincipal(), lists.ResourceInput{Title: "社区礼堂", Kind: "venue",
			ProviderKind: "social_org", ProviderName: "东湖社工站", Area: testkit.ResA1, Categories: []string{"culture"}, Capacity: 200, CapacityUnit: "people"})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Date(2026, 12, 5, 9, 0, 0, 0, clock.Shanghai)
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				role := []auth.Role{auth.StreetStaff, auth.CommunityStaff, auth.DistrictAdmin}[i%3]
				res := e.as(role, "POST", "/bookings", map[string]any{"resource_id": hall.ID, "start": start.Format(time.RFC3339),
					"end": start.Add(2 * time.Hour).Format(time.RFC3339), "purpose": "睦邻节"})
				mu.Lock()
				statuses[res.status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		if statuses[201] != 1 || statuses[409] != 49 {
			t.Fatalf("50 concurrent bookings of one slot: %v, want one 201 and 49 409", statuses)
		}
	})
}
