package web

// surveySection is residents' evaluation of their committee (居委会测评):
// staff pages (campaigns, slips to print, a campaign's results with what
// residents wrote, a committee's periods and a street's committees side by
// side) under 议事, and the questionnaire a resident opens from a slip's QR
// code on a phone, without an account.
func surveySection() section {
	return section{
		name:  "survey",
		lean:  true,
		parts: []string{"survey_parts.html"},
		pages: []string{"survey_list.html", "survey_campaign.html", "survey_slips.html", "survey_scores.html", "survey_answer.html"},
		routes: func(s *server) []pageRoute {
			return []pageRoute{
				{"GET /surveys", s.page(s.surveyList)},
				{"POST /surveys", s.post(formLimit, s.surveyCreate)},
				{"GET /surveys/{id}", s.page(s.surveyPage)},
				{"POST /surveys/{id}/close", s.post(formLimit, s.surveyClose)},
				{"POST /surveys/{id}/links", s.post(formLimit, s.surveyLinks)},
				{"POST /surveys/{id}/sms", s.page(s.surveySMS)}, // multipart: checks its own CSRF token
				{"GET /survey-scores", s.page(s.surveyScores)},
				{"GET /survey-scores/export.xlsx", s.page(s.surveyExport)},
				{"GET /survey/{token}", s.public(s.surveyByLink)},
				{"POST /survey/{token}", s.public(s.surveyAnswer)},
			}
		},
	}
}
