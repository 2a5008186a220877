package web

// bookingSection is the booking capability's pages.
func bookingSection() section {
	return section{
		name: "booking",
		routes: func(s *server) []pageRoute {
			return []pageRoute{}
		},
	}
}
