package web

import "gongzhi/internal/auth"

// demandSection is the demand loop (民情诉求) for staff: the queue, intake,
// search, a demand's page, the dashboard, visiting campaigns and the
// loop's settings (categories, routing, the calendar).
func demandSection() section {
	return section{
		name: "demands",
		nav: []navLink{
			{Section: "demands", Href: "/queue", Key: "nav.demands", can: canAny(auth.DemandRead)},
		},
		flags: map[string]func(*auth.Principal) bool{
			"Intake": canAny(auth.DemandIntake),
			// AreaDemands: demands of a whole area, which the figures and
			// visiting campaigns need; a unit liaison reads only its unit's.
			"AreaDemands": func(p *auth.Principal) bool { return len(auth.Scope(p, auth.DemandRead)) > 0 },
		},
		parts: []string{"demand_parts.html", "tracking_parts.html"},
		pages: []string{"demand.html", "demand_dashboard.html", "demand_new.html", "demand_queue.html", "demands.html",
			"visit.html", "visits.html", "admin_calendar.html", "admin_categories.html", "admin_category_form.html", "admin_routes.html", "admin_targets.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /queue", s.page(s.queue)},
				{"GET /demands", s.page(s.demandSearch)},
				{"GET /demands/new", s.page(s.intakeForm)},
				{"POST /demands", s.postFiles(s.intake)}, // multipart: photos filed with the demand
				{"POST /demands/similar", s.post(formLimit, s.similarFragment)},
				{"POST /demands/proposal", s.post(formLimit, s.proposalFragment)},
				{"POST /demands/callers", s.post(formLimit, s.callersFragment)},
				{"GET /demands/dashboard", s.page(s.demandDashboard)},
				{"GET /demands/dashboard/export.xlsx", s.page(s.demandDashboardExport)},
				{"GET /demands/map.json", s.page(s.demandMapJSON)},
				{"GET /demands/{id}", s.page(s.demandPage)},
				{"POST /demands/{id}/actions", s.post(formLimit, s.demandAct)},
				{"POST /demands/{id}/category", s.post(formLimit, s.demandRecategorise)},
				{"POST /demands/{id}/sms", s.post(formLimit, s.demandSMS)},
				{"POST /demands/{id}/attachments", s.postFiles(s.demandAttach)},
				{"GET /demands/{id}/attachments/{aid}", s.page(s.demandFile)},
				{"GET /visits", s.page(s.campaignList)},
				{"POST /visits", s.post(formLimit, s.campaignCreate)},
				{"GET /visits/{id}", s.page(s.campaignPage)},
				{"POST /visits/{id}/teams", s.post(formLimit, s.teamAdd)},
				{"POST /visits/{id}/visits", s.post(formLimit, s.visitRecord)},
				{"GET /admin/categories", s.page(s.categoryList)},
				{"GET /admin/categories/new", s.page(s.categoryNewForm)},
				{"GET /admin/categories/{code}/edit", s.page(s.categoryEditForm)},
				{"POST /admin/categories", s.post(formLimit, s.categorySave)},
				{"GET /admin/routes", s.page(s.routeList)},
				{"POST /admin/routes", s.post(formLimit, s.routeSave)},
				{"GET /admin/targets", s.page(s.targetsForm)},
				{"POST /admin/targets", s.post(formLimit, s.targetsSave)},
				{"GET /admin/calendar", s.page(s.calendarPage)},
				{"POST /admin/calendar", s.page(s.calendarUpload)}, // parses its own multipart body, checks CSRF itself
				{"POST /admin/calendar/{year}", s.post(formLimit, s.calendarLoadNational)},
			}
		},
	}
}

// residentsSection is the resident's side of the loop: reporting without an
// account, following a demand by its link, its number or its short code,
// and a signed-in resident's own demands (我的诉求).
func residentsSection() section {
	return section{
		name:  "residents",
		lean:  true,
		parts: []string{"demand_parts.html"},
		pages: []string{"report.html", "report_done.html", "track.html", "track_lookup.html", "my_demands.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /report", s.public(s.reportForm)},
				{"POST /report", s.public(s.report)},
				{"GET /report/areas", s.public(s.reportAreas)}, // JSON for report-area.js: names only
				{"GET /track", s.public(s.trackLookupForm)},
				{"POST /track", s.public(s.trackLookup)},
				{"GET /t/{token}", s.public(s.track)},
				{"POST /t/{token}/rate", s.public(s.rate)},
				{"GET /t/{token}/attachments/{aid}", s.public(s.trackFile)}, // the link's token is the credential
				{"GET /c/{code}", s.public(s.trackCode)},                    // the short code's link (SMS); throttled like /track
				{"GET /me/demands", s.page(s.myDemands)},
			}
		},
	}
}
