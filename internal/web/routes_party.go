package web

import "gongzhi/internal/auth"

// partySection is party members (党员) with dual reporting (双报到) and its
// follow-up list, a member's own phone page, and activities with sign-up,
// the organiser's screen with the rotating QR code and live head count,
// and the check-in page a phone opens from that code.
func partySection() section {
	return section{
		name: "party",
		nav: []navLink{
			{Section: "members", Href: "/members", Key: "nav.members", group: "nav.group.party", can: canAny(auth.MemberRead)},
			// A member's own phone page; residents need no menu (they reach
			// activities by the links they are sent).
			{Section: "my", Href: "/my", Key: "nav.my", can: func(p *auth.Principal) bool { return p.HasRole(auth.Member) }},
		},
		parts: []string{"party_parts.html"},
		pages: []string{"party_members.html", "party_member.html", "party_followup.html", "party_my.html", "party_orgreports.html", "party_servicelogs.html",
			"activity_list.html", "activity_page.html", "activity_screen.html", "activity_checkin.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /members", s.page(s.membersList)},
				{"POST /members", s.post(formLimit, s.memberCreate)},
				{"POST /members/import", s.page(s.memberImport)},
				{"GET /members/export.xlsx", s.page(s.membersExport)},
				{"GET /members/template.xlsx", s.page(s.membersTemplate)},
				{"GET /members/follow-up", s.page(s.followUp)},
				{"GET /members/follow-up.xlsx", s.page(s.followUpExport)},
				{"GET /members/org-reports", s.page(s.orgReports)},
				{"GET /members/org-reports.xlsx", s.page(s.orgReportsExport)},
				{"POST /members/org-reports", s.post(formLimit, s.orgReportCreate)},
				{"POST /members/org-reports/{id}/confirm", s.post(formLimit, s.orgReportConfirm)},
				{"GET /members/service-logs", s.page(s.serviceLogs)},
				{"POST /members/service-logs/{id}/decide", s.post(formLimit, s.serviceLogDecide)},
				{"POST /my/service-logs", s.post(formLimit, s.myServiceLog)},
				{"GET /members/{id}", s.page(s.partyMemberPage)},
				{"POST /members/{id}/report", s.post(formLimit, s.memberReport)},
				{"POST /members/{id}/link", s.post(formLimit, s.memberLink)},
				{"POST /members/{id}/edit", s.post(formLimit, s.memberEdit)},
				{"GET /my", s.page(s.myHome)},
				{"GET /activities", s.page(s.activitiesList)},
				{"POST /activities", s.post(formLimit, s.activityCreate)},
				{"GET /activities/{id}", s.page(s.activityPage)},
				{"POST /activities/{id}/signup", s.post(formLimit, s.activitySignup)},
				{"POST /activities/{id}/cancel", s.post(formLimit, s.activityCancel)},
				{"GET /activities/{id}/screen", s.page(s.activityScreen)},
				{"GET /activities/{id}/live", s.page(s.activityLive)},
				{"GET /checkin/{id}", s.page(s.checkinPage)},
				{"POST /checkin/{id}", s.post(formLimit, s.checkinPost)},
			}
		},
	}
}
