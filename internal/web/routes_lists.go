package web

import "gongzhi/internal/auth"

// listsSection is 三张清单: the matching board, needs, resources (a unit
// liaison's offer form among them) and service projects.
func listsSection() section {
	return section{
		name: "lists",
		nav: []navLink{
			{Section: "lists", Href: "/needs", Key: "nav.lists", group: "nav.group.lists", can: func(p *auth.Principal) bool { return isStaff(p) && canAny(auth.ListsRead)(p) }},
			{Section: "resources", Href: "/resources", Key: "nav.resources", group: "nav.group.lists", can: canAny(auth.ResourceOffer)},
			{Section: "projects", Href: "/projects", Key: "nav.projects", group: "nav.group.lists", can: canAny(auth.ListsRead)},
		},
		parts: []string{"lists_parts.html"},
		pages: []string{"lists_needs.html", "lists_need.html", "lists_need_form.html", "lists_resources.html", "lists_resource.html",
			"lists_resource_form.html", "lists_board.html", "lists_projects.html", "lists_project.html", "lists_project_form.html",
			"lists_rating_codes.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /needs", s.page(s.needList)},
				{"GET /needs/new", s.page(s.needNewForm)},
				{"POST /needs", s.post(formLimit, s.needCreate)},
				{"GET /needs/{id}", s.page(s.needPage)},
				{"POST /needs/{id}/status", s.post(formLimit, s.needStatus)},
				{"GET /lists/board", s.page(s.matchBoard)},
				{"POST /matches", s.post(formLimit, s.matchConfirm)},
				{"POST /matches/{id}/answer", s.post(formLimit, s.matchAnswer)},
				{"GET /resources", s.page(s.resourceList)},
				{"GET /resources/new", s.page(s.resourceNewForm)},
				{"POST /resources", s.post(formLimit, s.resourceCreate)},
				{"GET /resources/{id}", s.page(s.resourcePage)},
				{"POST /resources/{id}/status", s.post(formLimit, s.resourceStatus)},
				{"GET /projects", s.page(s.projectList)},
				{"GET /projects/export.xlsx", s.page(s.projectExport)},
				{"GET /projects/new", s.page(s.projectNewForm)},
				{"POST /projects", s.post(formLimit, s.projectCreate)},
				{"GET /projects/{id}", s.page(s.projectPage)},
				{"POST /projects/{id}/status", s.post(formLimit, s.projectMove)},
				{"POST /projects/{id}/claim", s.post(formLimit, s.projectClaim)},
				{"GET /projects/{id}/rating-codes", s.page(s.projectRatingCodes)},
				{"POST /projects/{id}/rating-codes", s.post(formLimit, s.issueRatingCodes)},
				{"POST /projects/{id}/milestones/{mid}/done", s.post(formLimit, s.milestoneDone)},
			}
		},
	}
}

// projectRateSection is the rating link residents served by a project
// open on a phone (each their own single-use code): no account, no htmx.
func projectRateSection() section {
	return section{
		name:  "rate",
		lean:  true,
		pages: []string{"lists_rate.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /rate/p/{token}", s.public(s.projectRatePage)},
				{"POST /rate/p/{token}", s.public(s.projectRate)},
			}
		},
	}
}
