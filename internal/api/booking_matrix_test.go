package api_test

import (
	"context"
	"strconv"
	"sync"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// bookingTargets are a venue of the liaison's unit in ResA1 and one of a
// unit in ResB1, open at any time, each with a held booking.
type bookingTargets struct {
	venue, booking map[bool]int64 // by out
	next           int            // hours ahead of the next fresh slot
}

var (
	bookingTargetsMu sync.Mutex
	bookingTargetsOf = map[*env]*bookingTargets{}
)

func bookingsOf(e *env) *bookingTargets {
	bookingTargetsMu.Lock()
	if bt := bookingTargetsOf[e]; bt != nil {
		bookingTargetsMu.Unlock()
		return bt
	}
	bt := &bookingTargets{venue: map[bool]int64{}, booking: map[bool]int64{}, next: 24}
	bookingTargetsOf[e] = bt
	bookingTargetsMu.Unlock()
	for _, out := range []bool{false, true} {
		unit := e.f.Units[pick(out, testkit.UnitInA1, testkit.UnitInB1)]
		r, err := e.lists.CreateResource(context.Background(), auth.SystemPrincipal(), lists.ResourceInput{Title: "活动室 " + strconv.FormatBool(out),
			Kind: "venue", Categories: []string{"culture"}, UnitID: &unit, Capacity: 50, CapacityUnit: "people"})
		if err != nil {
			e.t.Fatal(err)
		}
		bt.venue[out] = r.ID
		bt.booking[out] = e.heldBooking(out)
	}
	e.t.Cleanup(func() {
		bookingTargetsMu.Lock()
		delete(bookingTargetsOf, e)
		bookingTargetsMu.Unlock()
	})
	return bt
}

// slot is a fresh hour of the venues nobody booked yet.
func (e *env) slot() (time.Time, time.Time) {
	bookingTargetsMu.Lock()
	bt := bookingTargetsOf[e]
	bt.next++
	h := bt.next
	bookingTargetsMu.Unlock()
	start := e.clock.Now().Truncate(time.Hour).Add(time.Duration(h) * time.Hour)
	return start, start.Add(30 * time.Minute)
}

// heldBooking books a fresh slot of a target venue as the system: the
// venue is a unit's, so the booking waits for the unit.
func (e *env) heldBooking(out bool) int64 {
	e.t.Helper()
	start, end := e.slot()
	b, err := e.booking.Book(context.Background(), auth.SystemPrincipal(), booking.Input{ResourceID: bookingTargetsOf[e].venue[out],
		Start: start, End: end, Purpose: "居民议事会"})
	if err != nil {
		e.t.Fatal(err)
	}
	return b.ID
}

// bookingMatrixRows are the matrix rows of the booking capability's routes.
// Targets: the venue (and its bookings) of the liaison's unit in ResA1 vs
// a unit's in ResB1; cells that change a booking get a fresh one.
func bookingMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	fresh := func(verb string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			bookingsOf(e)
			return "/bookings/" + id(e.heldBooking(out)) + "/" + verb, body
		}
	}
	const (
		decideIn  = "200 200 200 404 200 404 404 403"
		decideOut = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /bookings": {"bookings in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			bookingsOf(e)
			return "/bookings?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, "200 200 200 empty 200 403 403 200", "200 empty empty empty empty 403 403 200"},
		"POST /bookings": {"a fresh slot of the venue in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			bt := bookingsOf(e)
			start, end := e.slot()
			return "/bookings", map[string]any{"resource_id": bt.venue[out], "start": start, "end": end, "purpose": "党员活动"}
		}, "201 201 201 404 201 404 404 403", "201 404 404 404 404 404 404 403"},
		"GET /bookings/{id}": {"a booking in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/bookings/" + id(bookingsOf(e).booking[out]), nil
		}, "200 200 200 404 200 404 404 200", "200 404 404 404 404 404 404 200"},
		// Deciding is the venue's provider's: its liaison, or staff of its area.
		"POST /bookings/{id}/confirm": {"a fresh hold in ResA1 vs ResB1", fresh("confirm", map[string]any{}), decideIn, decideOut},
		"POST /bookings/{id}/cancel":  {"a fresh hold in ResA1 vs ResB1", fresh("cancel", map[string]any{"reason": "场地检修"}), decideIn, decideOut},
	}
}
