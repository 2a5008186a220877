package api

import "gongzhi/internal/survey"

// surveyRoutes are the endpoints of residents' evaluation of their
// committee (居委会测评): campaigns per committee and period, anonymous
// one-time links, the answer by link with no account, and scores with 95%
// confidence intervals over time and across a street's committees.
func surveyRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	filter := []Param{{Name: "area", Desc: "Only campaigns in this area's subtree: a residential area for its periods, a street for its committees (unknown: 400)."},
		{Name: "period", Desc: "Only this period: a half year (2026H2) or a quarter (2026Q3) (malformed: 400)."}}
	opt := &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true}
	token := []Param{{Name: "token", In: "path", Desc: "The link's token, from the printed slip."}}
	return []route{
		{Route{Method: "GET", Path: "/surveys", Op: Op{ID: "listSurveys", Tag: "survey",
			Summary: "Evaluation campaigns in the caller's scope (survey.read), latest opening first, with links made and answers received.",
			Params:  append(append([]Param{}, filter...), page...),
			Resps:   []Resp{{Status: 200, Desc: "One page of campaigns.", Type: typeOf[list[survey.Campaign]]()}},
			Errs:    []int{400, 403}}}, (*server).listSurveys},
		{Route{Method: "POST", Path: "/surveys", Op: Op{ID: "createSurvey", Tag: "survey",
			Summary: "Start the evaluation of a residents' committee (survey.write on its residential area) for a period; a job closes it at closes_at.",
			Desc:    "One campaign per committee and period (a second is 400). The committee's own staff read its results but do not start it or make its links.",
			Body:    &Body{Type: typeOf[survey.CampaignInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The campaign, open.", Type: typeOf[survey.Campaign](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createSurvey},
		{Route{Method: "GET", Path: "/surveys/{id}", Op: Op{ID: "getSurvey", Tag: "survey",
			Summary: "One campaign (survey.read on its area); outside scope it is not found.",
			Resps:   []Resp{{Status: 200, Desc: "The campaign.", Type: typeOf[survey.Campaign]()}},
			Errs:    []int{404}}}, (*server).getSurvey},
		{Route{Method: "GET", Path: "/surveys/{id}/results", Op: Op{ID: "surveyResults", Tag: "survey",
			Summary: "A campaign's scores with 95% intervals and what residents wrote, phone numbers and other personal data masked (survey.read).",
			Desc:    "Awareness: share of respondents answering yes to at least two of three items; participation: share who took part in anything this period; both with Wilson intervals. Satisfaction: mean of four 1–5 items on 0–100 with a Student t interval. Comments come in no order that ties them to a slip.",
			Resps:   []Resp{{Status: 200, Desc: "The scores and comments.", Type: typeOf[surveyResults]()}},
			Errs:    []int{404}}}, (*server).surveyResults},
		{Route{Method: "POST", Path: "/surveys/{id}/close", Op: Op{ID: "closeSurvey", Tag: "survey",
			Summary: "Close an open campaign now (survey.write); a closed one is 409.",
			Body:    opt, Resps: []Resp{{Status: 200, Desc: "The campaign, closed.", Type: typeOf[survey.Campaign]()}},
			Errs: []int{403, 404, 409, 413}}}, (*server).closeSurvey},
		{Route{Method: "POST", Path: "/surveys/{id}/links", Op: Op{ID: "makeSurveyLinks", Tag: "survey",
			Summary: "Make one-time anonymous survey links (survey.write) for a campaign that has not closed; the tokens are shown in this answer only.",
			Desc:    "Only the tokens' hashes are kept, so print the slips now. Each link answers once.",
			Body:    &Body{Type: typeOf[surveyLinksBody]()},
			Resps:   []Resp{{Status: 201, Desc: "The links.", Type: typeOf[surveyLinksMade]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).makeSurveyLinks},
		{Route{Method: "POST", Path: "/surveys/{id}/sms", Op: Op{ID: "sendSurveyLinksBySMS", Tag: "survey",
			Summary: "Text a new one-time survey link to each mobile number (survey.write) for a campaign that has not closed; a number that had one for the campaign is skipped.",
			Desc: "Numbers as typed (138 0013 8000, +86…), mainland mobile numbers only: any other is 400 on phones naming its place in the list (1 = the first), and nothing is sent. " +
				"Each link and its message are written in one transaction and sent after commit; once delivered (or given up) the message keeps no link, and no token is returned, " +
				"so nothing ties a number to its link or answer. 422 EUNAVAILABLE when no SMS gateway (or no --base-url) is configured.",
			Body:  &Body{Type: typeOf[surveySMSBody]()},
			Resps: []Resp{{Status: 201, Desc: "How many links were texted and skipped.", Type: typeOf[survey.Sent]()}},
			Errs:  []int{400, 403, 404, 409, 413, 422}}}, (*server).sendSurveySMS},
		{Route{Method: "GET", Path: "/survey-links/{token}", Public: true, Op: Op{ID: "surveyByLink", Tag: "survey",
			Summary: "What a survey link's holder sees, no token or account: the committee, period, times and whether the link was used.",
			Params:  token,
			Resps:   []Resp{{Status: 200, Desc: "The campaign, as the public sees it.", Type: typeOf[survey.Public]()}},
			Errs:    []int{404}}}, (*server).surveyByLink},
		{Route{Method: "POST", Path: "/survey-links/{token}", Public: true, Op: Op{ID: "answerSurvey", Tag: "survey",
			Summary: "Answer the questionnaire by a one-time link, no token or account. A used link, or a campaign not open, is 409 and changes nothing.",
			Desc:    "The answer is stored apart from the link, with no time and in no order that ties it to the slip.",
			Params:  token,
			Body:    &Body{Type: typeOf[survey.Answer]()},
			Resps:   []Resp{{Status: 201, Desc: "Accepted.", Type: typeOf[surveyAnswered]()}},
			Errs:    []int{400, 404, 409, 413}}}, (*server).answerSurvey},
		{Route{Method: "GET", Path: "/survey-scores", Op: Op{ID: "surveyScores", Tag: "survey",
			Summary: "Scores of the campaigns in scope (survey.read), oldest first: a committee's periods (area = the residential area) or a street's committees (area = the street, period set). At most 500.",
			Params:  filter,
			Resps:   []Resp{{Status: 200, Desc: "The campaigns with their scores.", Type: typeOf[surveyScores]()}},
			Errs:    []int{400, 403}}}, (*server).surveyScoresOf},
		{Route{Method: "GET", Path: "/survey-scores/export", Op: Op{ID: "exportSurveyScores", Tag: "survey",
			Summary: "The same scores as XLSX (survey.read), with a second sheet of residents' comments, personal data masked.",
			Params:  filter,
			Resps: []Resp{{Status: 200, Desc: "The file, as an attachment.", Files: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
				Headers: []Header{{"Content-Disposition", "attachment; filename=surveys-YYYYMMDD.xlsx"}}}},
			Errs: []int{400, 403}}}, (*server).exportSurveyScores},
	}
}
