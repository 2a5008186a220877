package api

import (
	"gongzhi/internal/activity"
	"gongzhi/internal/cadre"
	"gongzhi/internal/party"
)

// cadreSchemas are the named schemas of cadres, mentoring pairs and the
// unit party organisation's service report (see namedSchemas).
func cadreSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	kinds := []string{cadre.Secretary, cadre.YoungCadre}
	return []schemaDef{
		{Name: "Cadre", Type: typeOf[cadre.Cadre](), Desc: "A residential-area secretary (居民区书记) or sent-down young cadre (下沉年轻干部).", Props: map[string]prop{
			"kind":           {Enum: kinds},
			"area":           {Desc: "The residential area served."},
			"batch":          {Desc: "Young cadres: the batch (1, 2 …); secretaries 0."},
			"training_hours": {Desc: "This year's training hours."},
		}},
		{Name: "CadreInput", Type: typeOf[cadre.Input](), In: true, Required: []string{"kind", "name", "area"}, Props: map[string]prop{
			"kind":     {Enum: kinds},
			"area":     {Desc: "A residential area code."},
			"batch":    {Desc: "Required for a young cadre, absent for a secretary.", More: `{"minimum":0,"maximum":99}`},
			"since":    {Desc: "YYYY-MM-DD."},
			"username": {Desc: "The cadre's own sign-in, if any: they then cannot review their own evaluation."},
		}},
		{Name: "CadreList", Type: typeOf[list[cadre.Cadre]](), Props: listProps},
		{Name: "CadreTraining", Type: typeOf[cadre.Training](), Desc: "One course attended."},
		{Name: "CadreTrainingInput", Type: typeOf[cadre.TrainingInput](), In: true, Required: []string{"course", "held_on", "hours"}, Props: map[string]prop{
			"held_on": {Desc: "YYYY-MM-DD."},
			"hours":   {More: `{"minimum":0.25,"maximum":200}`},
		}},
		{Name: "CadreFigures", Type: typeOf[cadre.Figures](), Desc: "What the platform's own records say of the cadre's area in a year; nothing from logins or clicks.", Props: map[string]prop{
			"demands":      {Desc: "Demands received in the area's subtree in the year (merged duplicates and approved unreasonable ones left out)."},
			"on_time":      {Desc: "Of them, resolved by their deadline (an approved extension moves it)."},
			"on_time_rate": {Desc: "on_time / demands in percent with one decimal; empty when there were no demands."},
			"projects":     {Desc: "Service projects of the area's subtree running, done or evaluated in the year."},
			"reported":     {Desc: "Members dual-reported to the area's subtree."},
			"served":       {Desc: "Of them, members with verified service in the year."},
			"served_rate":  {Desc: "served / reported in percent; empty when nobody reported."},
		}},
		{Name: "CadreEvaluation", Type: typeOf[cadre.Evaluation](), Desc: "A cadre's yearly evaluation: the figures as saved, the reviewer's score, review and evidence."},
		{Name: "CadreEvalInput", Type: typeOf[cadre.EvalInput](), In: true, Required: []string{"score", "review", "evidence"}, Props: map[string]prop{
			"score":    {More: `{"minimum":0,"maximum":100}`},
			"evidence": {Desc: "What the score rests on: the figures read, documents, visits."},
		}},
		{Name: "MentoringPair", Type: typeOf[cadre.Pair](), Desc: "A regional unit's party secretary mentoring a two-new organisation's secretary (结对带教)."},
		{Name: "MentoringPairInput", Type: typeOf[cadre.PairInput](), In: true, Required: []string{"mentor_name", "mentor_unit_id", "mentee_name", "mentee_unit_id", "since"}, Props: map[string]prop{
			"mentor_unit_id": {Desc: "A regional unit."},
			"mentee_unit_id": {Desc: "A non-public enterprise or social organisation."},
			"since":          {Desc: "YYYY-MM-DD."},
		}},
		{Name: "MentoringPairList", Type: typeOf[list[cadre.Pair]](), Props: listProps},
		{Name: "MentoringMeeting", Type: typeOf[cadre.Meeting]()},
		{Name: "MentoringMeetingInput", Type: typeOf[cadre.MeetingInput](), In: true, Required: []string{"held_on", "topic"}, Props: map[string]prop{
			"held_on": {Desc: "YYYY-MM-DD, not in the future."},
		}},
		{Name: "UnitServiceReport", Type: typeOf[party.UnitReport](), Desc: "A party organisation's quarter of its members' verified service where they live.", Props: map[string]prop{
			"quarter": {Desc: "2026-Q1 … 2026-Q4, Asia/Shanghai."},
			"served":  {Desc: "Members with verified service in the quarter."},
			"by_area": {Desc: "By residential area reported to; code empty gathers members not reported."},
		}},
		{Name: "UnitServiceReportArea", Type: typeOf[party.UnitReportArea]()},
		{Name: "UnitServiceReportMember", Type: typeOf[party.UnitReportMember]()},
		{Name: "ActivityNotes", Type: typeOf[activity.Notes](), Desc: "An activity's notice (活动须知) and downloadable materials, for its organisers and those signed up."},
		{Name: "ActivityMaterial", Type: typeOf[activity.Material](), Desc: "A file of an activity, without its bytes."},
		{Name: "ActivityNoticeInput", Type: typeOf[noticeBody](), In: true, Required: []string{"notice"}, Props: map[string]prop{
			"notice": {Desc: "Empty clears the notice.", More: `{"maxLength":4000}`},
		}},
	}
}
