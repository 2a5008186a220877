package web

import "gongzhi/internal/auth"

// allianceSection is alliances (三联盟): the alliances of the areas in
// scope, each with its charter, membership criteria, members (units,
// people, offices and service windows) and their commitments with what was
// done against them; staff who run an alliance add to it from its page,
// end memberships (former members stay, shown apart), and edit and close
// commitments.
func allianceSection() section {
	return section{
		name: "alliance",
		nav: []navLink{
			{Section: "alliances", Href: "/alliances", Key: "nav.alliances", group: "nav.group.org", can: canAny(auth.AllianceRead)},
		},
		lean:  true,
		pages: []string{"alliance_list.html", "alliance_page.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /alliances", s.page(s.allianceList)},
				{"POST /alliances", s.post(formLimit, s.allianceCreate)},
				{"GET /alliances/{id}", s.page(s.alliancePage)},
				{"POST /alliances/{id}/members", s.post(formLimit, s.allianceMember)},
				{"POST /alliances/{id}/commitments", s.post(formLimit, s.allianceCommitment)},
				{"POST /alliance-commitments/{id}/progress", s.post(formLimit, s.allianceProgress)},
				{"POST /alliance-members/{id}/leave", s.post(formLimit, s.allianceLeave)},
				{"POST /alliance-commitments/{id}/edit", s.post(formLimit, s.allianceEditCommitment)},
				{"POST /alliance-commitments/{id}/close", s.post(formLimit, s.allianceCloseCommitment)},
			}
		},
	}
}
