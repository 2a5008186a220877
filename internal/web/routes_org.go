package web

import "gongzhi/internal/auth"

// orgSection is the area tree, organisations, units, coverage and imports.
func orgSection() section {
	return section{
		name: "org",
		nav: []navLink{
			{Section: "areas", Href: "/areas", Key: "nav.areas", group: "nav.group.org", can: func(p *auth.Principal) bool { return isStaff(p) && canAny(auth.AreaRead)(p) }},
			{Section: "org", Href: "/org/party-orgs", Key: "nav.org", group: "nav.group.org", can: func(p *auth.Principal) bool { return isStaff(p) && canAny(auth.OrgRead)(p) }},
			{Section: "units", Href: "/units", Key: "nav.units", group: "nav.group.org", can: canAny(auth.UnitRead)},
			{Section: "coverage", Href: "/coverage", Key: "nav.coverage", group: "nav.group.org", can: canAny(auth.CoverageRead)},
			{Section: "import", Href: "/import", Key: "nav.import", group: "nav.group.org", can: canAny(auth.UnitWrite)},
		},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /areas", s.page(s.areaRoots)},
				{"GET /areas/{code}", s.page(s.areaPage)},
				{"GET /units", s.page(s.unitList)},
				{"GET /units/export.xlsx", s.page(s.unitExport)},
				{"GET /units/new", s.page(s.unitNewForm)},
				{"POST /units", s.post(formLimit, s.unitCreate)},
				{"GET /units/{id}", s.page(s.unitPage)},
				{"GET /units/{id}/edit", s.page(s.unitEditForm)},
				{"POST /units/{id}", s.post(formLimit, s.unitUpdate)},
				{"GET /coverage", s.page(s.coverage)},
				{"GET /org", s.page(s.orgHome)},
				{"GET /org/party-orgs", s.page(s.partyOrgList)},
				{"GET /org/party-orgs/new", s.page(s.partyOrgNewForm)},
				{"POST /org/party-orgs", s.post(formLimit, s.partyOrgCreate)},
				{"GET /org/association", s.page(s.assocList)},
				{"GET /org/association/new", s.page(s.assocNewForm)},
				{"POST /org/association", s.post(formLimit, s.assocCreate)},
				{"GET /org/association/{id}", s.page(s.assocBodyView)},
				{"POST /org/association/{id}/members", s.post(formLimit, s.assocMemberAdd)},
				{"GET /org/part-time-members", s.page(s.partTimeList)},
				{"GET /org/part-time-members/new", s.page(s.partTimeNewForm)},
				{"POST /org/part-time-members", s.post(formLimit, s.partTimeCreate)},
				{"GET /org/service-points", s.page(s.servicePointList)},
				{"GET /org/service-points/new", s.page(s.servicePointNewForm)},
				{"POST /org/service-points", s.post(formLimit, s.servicePointCreate)},
				{"GET /org/pick/units", s.page(s.pickUnits)},          // JSON for picker.js
				{"GET /org/pick/party-orgs", s.page(s.pickPartyOrgs)}, // JSON for picker.js
				{"GET /org/pick/areas", s.page(s.pickAreas)},          // JSON for picker.js
				{"GET /import", s.page(s.importForm)},
				{"GET /import/template.xlsx", s.page(s.importTemplate)},
				{"POST /import", s.page(s.importUpload)}, // parses its own multipart body, checks CSRF itself
				{"POST /import/{id}/confirm", s.post(formLimit, s.importConfirm)},
				{"POST /import/{id}/cancel", s.post(formLimit, s.importCancel)},
			}
		},
	}
}
