package web

import "gongzhi/internal/auth"

// cadreSection is cadres (干部): residential-area secretaries and sent-down
// young cadres with training and the yearly evaluation, mentoring pairs
// (结对带教) with their meetings, and the quarterly service report of a
// unit's party organisation (under 党员).
func cadreSection() section {
	return section{
		name: "cadre",
		nav: []navLink{
			{Section: "cadres", Href: "/cadres", Key: "nav.cadres", group: "nav.group.party", can: canAny(auth.CadreRead)},
		},
		parts: []string{"cadre_parts.html"},
		pages: []string{"cadre_list.html", "cadre_page.html", "cadre_eval.html", "cadre_mentoring.html", "cadre_pair.html", "cadre_unitreport.html", "cadre_activity_notes.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /cadres", s.page(s.cadresList)},
				{"POST /cadres", s.post(formLimit, s.cadreCreate)},
				{"GET /cadres/evaluations.xlsx", s.page(s.cadreEvalExport)},
				{"GET /cadres/{id}", s.page(s.cadrePage)},
				{"POST /cadres/{id}/trainings", s.post(formLimit, s.cadreTraining)},
				{"GET /cadres/{id}/evaluation", s.page(s.cadreEval)},
				{"POST /cadres/{id}/evaluation", s.post(formLimit, s.cadreEvalSave)},
				{"GET /mentoring", s.page(s.mentoringList)},
				{"POST /mentoring", s.post(formLimit, s.mentoringCreate)},
				{"GET /mentoring/{id}", s.page(s.mentoringPair)},
				{"POST /mentoring/{id}/meetings", s.post(formLimit, s.mentoringMeeting)},
				{"GET /members/unit-report", s.page(s.unitReport)},
				{"GET /members/unit-report.xlsx", s.page(s.unitReportExport)},
				// An activity's notice and materials (活动须知, 资料下载).
				{"GET /activities/{id}/notes", s.page(s.activityNotes)},
				{"POST /activities/{id}/notice", s.post(formLimit, s.activityNoticeSave)},
				{"POST /activities/{id}/materials", s.postFiles(s.activityMaterialAdd)},
				{"GET /activities/{id}/materials/{mid}", s.page(s.activityMaterial)},
			}
		},
	}
}
