package web

import "gongzhi/internal/auth"

// bookingSection is venue booking (预约场地): the week's bookings of the
// venues in an area, one venue's week with the form that books it, and one
// booking with the buttons that confirm or cancel it. The section is lean
// (no htmx): its forms are plain posts a phone in a meeting room can send.
func bookingSection() section {
	return section{
		name: "booking",
		nav: []navLink{
			{Section: "bookings", Href: "/bookings", Key: "nav.bookings", group: "nav.group.lists", can: canAny(auth.ListsRead)},
		},
		lean:  true,
		pages: []string{"booking_calendar.html", "booking.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /bookings", s.page(s.bookingCalendar)},
				{"GET /bookings/{id}", s.page(s.bookingPage)},
				{"POST /bookings/{id}/confirm", s.post(formLimit, s.bookingConfirm)},
				{"POST /bookings/{id}/cancel", s.post(formLimit, s.bookingCancel)},
				{"GET /resources/{id}/bookings", s.page(s.venueCalendar)},
				{"POST /resources/{id}/bookings", s.post(formLimit, s.bookVenue)},
			}
		},
	}
}
