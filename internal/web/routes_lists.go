package web

// listsSection is the lists capability's pages.
func listsSection() section {
	return section{
		name: "lists",
		routes: func(s *server) []pageRoute {
			return []pageRoute{}
		},
	}
}
