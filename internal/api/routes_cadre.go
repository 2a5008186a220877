package api

import (
	"gongzhi/internal/cadre"
	"gongzhi/internal/party"
)

// cadreRoutes are the endpoints of cadres (干部): residential-area
// secretaries and sent-down young cadres with their training and yearly
// evaluation, mentoring pairs (结对带教) with their meetings, and the
// quarterly service report of a unit's party organisation.
func cadreRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	year := Param{Name: "year", Desc: "The year, such as 2025.", Required: true, Schema: `{"type":"integer","minimum":2000,"maximum":2100}`}
	return []route{
		{Route{Method: "GET", Path: "/cadres", Op: Op{ID: "listCadres", Tag: "cadres",
			Summary: "Cadres in the caller's scope (cadre.read): residential-area secretaries and sent-down young cadres, with this year's training hours.",
			Params: append([]Param{{Name: "area", Desc: "Only cadres serving this area's subtree (unknown: 400)."},
				{Name: "kind", Desc: "secretary or young_cadre.", Schema: `{"type":"string","enum":["secretary","young_cadre"]}`},
				{Name: "batch", Desc: "Only young cadres of this batch.", Schema: `{"type":"integer","minimum":1}`}}, page...),
			Resps: []Resp{{Status: 200, Desc: "One page of cadres.", Type: typeOf[list[cadre.Cadre]]()}},
			Errs:  []int{400, 403}}}, (*server).listCadres},
		{Route{Method: "POST", Path: "/cadres", Op: Op{ID: "createCadre", Tag: "cadres",
			Summary: "Add a cadre serving a residential area (cadre.write there); a young cadre has a batch number.",
			Body:    &Body{Type: typeOf[cadre.Input]()},
			Resps:   []Resp{{Status: 201, Desc: "The cadre.", Type: typeOf[cadre.Cadre](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createCadre},
		{Route{Method: "GET", Path: "/cadres/{id}", Op: Op{ID: "getCadre", Tag: "cadres",
			Summary: "One cadre with the training records, newest first; outside the caller's scope it is not found.",
			Resps:   []Resp{{Status: 200, Desc: "The cadre.", Type: typeOf[cadre.Cadre]()}},
			Errs:    []int{404}}}, (*server).getCadre},
		{Route{Method: "POST", Path: "/cadres/{id}/trainings", Op: Op{ID: "addCadreTraining", Tag: "cadres",
			Summary: "Record a course the cadre attended (cadre.write on the cadre's area).",
			Body:    &Body{Type: typeOf[cadre.TrainingInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The training record.", Type: typeOf[cadre.Training]()}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).addCadreTraining},
		{Route{Method: "GET", Path: "/cadres/{id}/figures", Op: Op{ID: "cadreFigures", Tag: "cadres",
			Summary: "The figures of the cadre's area for a year as the platform's own records give them now: demands answered on time and their rate, service projects run, dual-reported members who served, training hours.",
			Desc:    "Nothing is counted from logins, clicks or time in the app.",
			Params:  []Param{year},
			Resps:   []Resp{{Status: 200, Desc: "The figures.", Type: typeOf[cadre.Figures]()}},
			Errs:    []int{400, 404}}}, (*server).cadreFigures},
		{Route{Method: "PUT", Path: "/cadres/{id}/evaluations/{year}", Op: Op{ID: "evaluateCadre", Tag: "cadres",
			Summary: "Write or rewrite the cadre's evaluation of a year (cadre.review, street level and up; never one's own): the figures computed now are saved with the score (0–100), the written review and its evidence.",
			Params:  []Param{{Name: "year", In: "path", Desc: "The year evaluated (it has begun).", Schema: `{"type":"integer","minimum":2000,"maximum":2100}`}},
			Body:    &Body{Type: typeOf[cadre.EvalInput]()},
			Resps:   []Resp{{Status: 200, Desc: "The evaluation.", Type: typeOf[cadre.Evaluation]()}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).evaluateCadre},
		{Route{Method: "GET", Path: "/cadre-evaluations/export", Op: Op{ID: "exportCadreEvaluations", Tag: "cadres",
			Summary: "The saved evaluations of a year in the caller's scope as XLSX: figures, score, review, evidence and reviewer of each cadre.",
			Params:  []Param{year},
			Resps: []Resp{{Status: 200, Desc: "The file, as an attachment.", Files: []string{xlsx},
				Headers: []Header{{"Content-Disposition", "attachment; filename=cadre-evaluations-YYYY.xlsx"}}}},
			Errs: []int{400, 403}}}, (*server).exportCadreEvaluations},
		{Route{Method: "GET", Path: "/mentoring-pairs", Op: Op{ID: "listMentoringPairs", Tag: "cadres",
			Summary: "Mentoring pairs (结对带教) in the caller's scope (by the mentee unit's area), with their meeting counts.",
			Params:  page,
			Resps:   []Resp{{Status: 200, Desc: "One page of pairs.", Type: typeOf[list[cadre.Pair]]()}},
			Errs:    []int{400, 403}}}, (*server).listMentoringPairs},
		{Route{Method: "POST", Path: "/mentoring-pairs", Op: Op{ID: "createMentoringPair", Tag: "cadres",
			Summary: "Pair a regional unit's party secretary with a two-new organisation's secretary (cadre.write on the mentee unit's area).",
			Body:    &Body{Type: typeOf[cadre.PairInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The pair.", Type: typeOf[cadre.Pair](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createMentoringPair},
		{Route{Method: "GET", Path: "/mentoring-pairs/{id}", Op: Op{ID: "getMentoringPair", Tag: "cadres",
			Summary: "One pair with its meetings, newest first.",
			Resps:   []Resp{{Status: 200, Desc: "The pair.", Type: typeOf[cadre.Pair]()}},
			Errs:    []int{404}}}, (*server).getMentoringPair},
		{Route{Method: "POST", Path: "/mentoring-pairs/{id}/meetings", Op: Op{ID: "logMentoringMeeting", Tag: "cadres",
			Summary: "Log a meeting of the pair: date, topic, notes (cadre.write on its area).",
			Body:    &Body{Type: typeOf[cadre.MeetingInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The meeting.", Type: typeOf[cadre.Meeting]()}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).logMentoringMeeting},
		{Route{Method: "GET", Path: "/party-orgs/{id}/service-report", Op: Op{ID: "partyOrgServiceReport", Tag: "party",
			Summary: "The quarterly report of a (work unit's) party organisation on its members' service where they live: members, dual-reported, who served, hours, by residential area, and the members without service (member.read on its area).",
			Params:  []Param{{Name: "quarter", Desc: "2026-Q1 … 2026-Q4; default the current quarter."}},
			Resps:   []Resp{{Status: 200, Desc: "The report; phones masked.", Type: typeOf[party.UnitReport]()}},
			Errs:    []int{400, 403, 404}}}, (*server).partyOrgServiceReport},
		{Route{Method: "GET", Path: "/party-orgs/{id}/service-report/export", Op: Op{ID: "exportPartyOrgServiceReport", Tag: "party",
			Summary: "The same report as XLSX: a sheet of figures by residential area and one of the members without service.",
			Params:  []Param{{Name: "quarter", Desc: "2026-Q1 … 2026-Q4; default the current quarter."}},
			Resps: []Resp{{Status: 200, Desc: "The file, as an attachment.", Files: []string{xlsx},
				Headers: []Header{{"Content-Disposition", "attachment; filename=service-report-ORG-QUARTER.xlsx"}}}},
			Errs: []int{400, 403, 404}}}, (*server).exportPartyOrgServiceReport},
	}
}
