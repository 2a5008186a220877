package web

// fundSection is the fund capability's pages.
func fundSection() section {
	return section{
		name: "fund",
		routes: func(s *server) []pageRoute {
			return []pageRoute{}
		},
	}
}
