package web

// pointsSection is party members' points (党员积分制): a member's own
// points with every reason (a phone page, linked from /my), and for staff
// the ranking within member kinds with the year-end export, the approval
// queue of manual points, and the rules editor with its recompute preview.
func pointsSection() section {
	return section{
		name:  "points",
		lean:  true,
		pages: []string{"points_my.html", "points_ranking.html", "points_queue.html", "points_rules.html", "points_ruleset.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /my/points", s.page(s.pointsMy)},
				{"GET /points", s.page(s.pointsRanking)},
				{"GET /points/export.xlsx", s.page(s.pointsExport)},
				{"GET /points/queue", s.page(s.pointsQueue)},
				{"POST /points/manual", s.post(formLimit, s.pointsPropose)},
				{"GET /points/pick/members", s.page(s.pickMembers)}, // JSON for picker.js
				{"POST /points/manual/{id}/approve", s.post(formLimit, s.pointsDecide(true))},
				{"POST /points/manual/{id}/reject", s.post(formLimit, s.pointsDecide(false))},
				{"GET /points/rules", s.page(s.pointsRules)},
				{"POST /points/rules", s.post(formLimit, s.pointsRulesCreate)},
				{"GET /points/rules/{id}", s.page(s.pointsRuleset)},
				{"POST /points/rules/{id}/apply", s.post(formLimit, s.pointsApply)},
			}
		},
	}
}
