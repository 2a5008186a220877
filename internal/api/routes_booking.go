package api

import "gongzhi/internal/booking"

// bookingRoutes are the endpoints of venue bookings: a slot inside the
// venue's opening hours, held for the venue's unit or confirmed at once,
// never overlapping another live booking of the venue (the database keeps
// them apart), lapsing when a hold is not confirmed in time.
func bookingRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	return []route{
		{Route{Method: "GET", Path: "/bookings", Op: Op{ID: "listBookings", Tag: "booking",
			Summary: "Bookings of venues in the caller's scope (and of its own unit's venues), by start time; from/to select those overlapping the period — a calendar.",
			Params: append([]Param{{Name: "resource_id", Desc: "Only this venue's bookings.", Schema: `{"type":"integer","minimum":1}`},
				{Name: "area", Desc: "Only venues in this area's subtree (unknown: 400)."},
				{Name: "status", Desc: "Only this status.", Schema: `{"type":"string","enum":["held","confirmed","cancelled","lapsed"]}`},
				{Name: "live", Desc: "true: only held and confirmed bookings (those that hold their slot).", Schema: `{"type":"boolean"}`},
				{Name: "from", Desc: "Bookings ending after this date (Asia/Shanghai) or RFC 3339 time."},
				{Name: "to", Desc: "Bookings starting before this time; a date means the end of that day."}}, page...),
			Resps: []Resp{{Status: 200, Desc: "One page of bookings.", Type: typeOf[list[booking.Booking]]()}},
			Errs:  []int{400, 403}}}, (*server).listBookings},
		{Route{Method: "POST", Path: "/bookings", Op: Op{ID: "createBooking", Tag: "booking",
			Summary: "Book a venue from start to end (booking.write on the venue: staff of its area, or its own unit's liaison).",
			Desc: "Times are read to the minute. The slot must lie inside the venue's weekly opening hours and its available dates (else 422 EUNAVAILABLE), " +
				"start in the future, last 15 minutes to 24 hours, and overlap no held or confirmed booking of the venue (else 409 ECONFLICT naming the booking in the way; " +
				"the database refuses the overlap too, so of concurrent requests for one slot exactly one succeeds). A unit's venue booked by anyone but that unit " +
				"is held for the unit to confirm and lapses at hold_until (48 hours, at most until the slot starts); otherwise it is confirmed at once unless hold is true.",
			Body:  &Body{Type: typeOf[booking.Input]()},
			Resps: []Resp{{Status: 201, Desc: "The booking, held or confirmed.", Type: typeOf[booking.Booking](), Location: true}},
			Errs:  []int{400, 403, 404, 409, 413, 422}}}, (*server).createBooking},
		{Route{Method: "GET", Path: "/bookings/{id}", Op: Op{ID: "getBooking", Tag: "booking",
			Summary: "One booking; outside scope it is not found.",
			Resps:   []Resp{{Status: 200, Desc: "The booking.", Type: typeOf[booking.Booking]()}},
			Errs:    []int{404}}}, (*server).getBooking},
		{Route{Method: "POST", Path: "/bookings/{id}/confirm", Op: Op{ID: "confirmBooking", Tag: "booking",
			Summary: "Confirm a held booking (the venue's provider: its unit's liaison, or staff offering resources in its area); a lapsed, cancelled or confirmed one is 409.",
			Body:    &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The booking, confirmed.", Type: typeOf[booking.Booking]()}},
			Errs:    []int{403, 404, 409, 413}}}, (*server).confirmBooking},
		{Route{Method: "POST", Path: "/bookings/{id}/cancel", Op: Op{ID: "cancelBooking", Tag: "booking",
			Summary: "Cancel a held or confirmed booking, freeing its slot: whoever made it, or the venue's provider, who gives a reason (else 400).",
			Body:    &Body{Type: typeOf[cancelBody](), Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The booking, cancelled.", Type: typeOf[booking.Booking]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).cancelBooking},
	}
}
