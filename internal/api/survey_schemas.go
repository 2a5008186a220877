package api

import "gongzhi/internal/survey"

// surveySchemas are the named schemas of the evaluation's request and
// response types (see namedSchemas).
func surveySchemas() []schemaDef {
	interval := func(what string) prop {
		return prop{Desc: what + " with its 95% confidence interval; ok false (lo and hi zero) when too few answers for one."}
	}
	return []schemaDef{
		{Name: "SurveyCampaign", Type: typeOf[survey.Campaign](), Desc: "An evaluation of a residents' committee (居委会测评) for a period.", Props: map[string]prop{
			"area":    {Desc: "Code of the residential area whose committee is evaluated."},
			"period":  {Desc: "A half year (2026H2) or a quarter (2026Q3).", More: `{"example":"2026H2"}`},
			"status":  {Enum: []string{survey.Open, survey.Closed}, Desc: "open takes answers between opens_at and closes_at; a job closes it at closes_at."},
			"links":   {Desc: "One-time links made."},
			"answers": {Desc: "Answers received."},
		}},
		{Name: "SurveyCampaignList", Type: typeOf[list[survey.Campaign]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "SurveyCampaignInput", Type: typeOf[survey.CampaignInput](), In: true, Required: []string{"area", "period", "opens_at", "closes_at"}, Props: map[string]prop{
			"area":      {Desc: "A residential area's code (survey.write there)."},
			"period":    {Desc: "2026H1, 2026H2, or a quarter such as 2026Q3.", More: `{"pattern":"^20[0-9]{2}(H[12]|Q[1-4])$"}`},
			"opens_at":  {Desc: "RFC 3339, to the minute."},
			"closes_at": {Desc: "RFC 3339, after opens_at and in the future; at most 120 days after opening."},
		}},
		{Name: "SurveyLinksInput", Type: typeOf[surveyLinksBody](), In: true, Required: []string{"count"}, Props: map[string]prop{
			"count": {Desc: "How many links.", More: `{"minimum":1,"maximum":2000}`},
		}},
		{Name: "SurveyLinks", Type: typeOf[surveyLinksMade](), Props: map[string]prop{
			"items.token": {Desc: "Shown this once; only its hash is kept."},
			"items.path":  {Desc: "The page a resident opens: /survey/{token}."},
		}},
		{Name: "SurveySMSInput", Type: typeOf[surveySMSBody](), In: true, Required: []string{"phones"}, Props: map[string]prop{
			"phones": {Desc: "Mainland mobile numbers, as typed; one given twice counts once.", More: `{"minItems":1,"maxItems":2000}`},
		}},
		{Name: "SurveySMSSent", Type: typeOf[survey.Sent](), Desc: "What sending survey links by text message did: counts only, never a link or a number.", Props: map[string]prop{
			"sent":    {Desc: "New links texted."},
			"skipped": {Desc: "Numbers that had a link for the campaign already: not texted again."},
		}},
		{Name: "SurveyPublic", Type: typeOf[survey.Public](), Desc: "A campaign as a link's holder sees it.", Props: map[string]prop{
			"used": {Desc: "The link was used: it answers once."},
		}},
		{Name: "SurveyAnswer", Type: typeOf[survey.Answer](), In: true, Required: []string{"sat_service", "sat_response", "sat_living", "sat_overall"}, Desc: "A resident's questionnaire.", Props: map[string]prop{
			"aware_members": {Desc: "知晓度: knows who the committee's members are."},
			"aware_office":  {Desc: "知晓度: knows where and when to find the committee."},
			"aware_work":    {Desc: "知晓度: knows the committee's recent work."},
			"part_activity": {Desc: "参与度: took part in an activity this period."},
			"part_meeting":  {Desc: "参与度: took part in a meeting or deliberation this period."},
			"part_vote":     {Desc: "参与度: took part in a vote this period."},
			"sat_service":   {Desc: "满意度 with the committee's service, 1 (very dissatisfied) to 5 (very satisfied).", More: `{"minimum":1,"maximum":5}`},
			"sat_response":  {Desc: "满意度 with how demands are answered, 1 to 5.", More: `{"minimum":1,"maximum":5}`},
			"sat_living":    {Desc: "满意度 with the living environment, 1 to 5.", More: `{"minimum":1,"maximum":5}`},
			"sat_overall":   {Desc: "Overall 满意度, 1 to 5.", More: `{"minimum":1,"maximum":5}`},
			"comment":       {Desc: "Optional; staff read it with personal data masked.", More: `{"maxLength":500}`},
		}},
		{Name: "SurveyAnswered", Type: typeOf[surveyAnswered](), Props: map[string]prop{
			"campaign_id": {Desc: "The campaign answered."},
		}},
		{Name: "SurveyInterval", Type: typeOf[survey.Interval](), Desc: "An estimate with its 95% confidence interval, in percent or on 0–100.", Props: map[string]prop{
			"n":  {Desc: "Answers it rests on."},
			"ok": {Desc: "false when there are too few answers for an interval."},
		}},
		{Name: "SurveyScores", Type: typeOf[survey.Scores](), Desc: "A campaign's scores.", Props: map[string]prop{
			"response_rate": {Desc: "Answers over links made, percent."},
			"awareness":     interval("Share of respondents answering yes to at least two of the three awareness items"),
			"participation": interval("Share of respondents who took part in an activity, meeting or vote this period"),
			"satisfaction":  interval("Mean satisfaction on 0–100 (1 → 0, 5 → 100), Student t"),
			"items":         {Desc: "Each item by its answer field's name: yes/no items as Wilson shares, 1–5 items as means on 0–100."},
		}},
		{Name: "SurveyResult", Type: typeOf[survey.Result](), Desc: "A campaign with its scores."},
		{Name: "SurveyResults", Type: typeOf[surveyResults](), Props: map[string]prop{
			"comments": {Desc: "What residents wrote, personal data masked, in no order that ties them to a slip."},
		}},
		{Name: "SurveyScoreList", Type: typeOf[surveyScores](), Props: map[string]prop{
			"total": {Desc: "Number of campaigns scored."},
		}},
	}
}
