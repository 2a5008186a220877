package api

import (
	"slices"

	"gongzhi/internal/points"
)

// pointsRoutes are the endpoints of party members' points (党员积分制):
// versioned rule sets with a recompute preview, the ledger with reasons,
// rankings within a member kind, manual items with a second person's
// approval, and the year-end XLSX. Points come only from verified events.
func pointsRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	year := Param{Name: "year", Desc: "The year (Asia/Shanghai); this year when absent.", Schema: `{"type":"integer","minimum":2000,"maximum":2100}`}
	rank := []Param{year, {Name: "area", Desc: "Only members of organisations in this area's subtree (unknown: 400)."},
		{Name: "party_org", Desc: "Only members of this party organisation.", Schema: `{"type":"integer"}`},
		{Name: "kind", Desc: "Only this member kind (在职, 退休 … an open set)."}}
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	return []route{
		{Route{Method: "GET", Path: "/points/rulesets", Op: Op{ID: "listPointsRulesets", Tag: "points",
			Summary: "The versions of the district's points rule sets, newest first (points.read).",
			Params:  []Param{{Name: "year", Desc: "Only this year's versions.", Schema: `{"type":"integer","minimum":2000,"maximum":2100}`}},
			Resps:   []Resp{{Status: 200, Desc: "The versions.", Type: typeOf[pointsRulesets]()}},
			Errs:    []int{400, 403}}}, (*server).listPointsRulesets},
		{Route{Method: "POST", Path: "/points/rulesets", Op: Op{ID: "createPointsRuleset", Tag: "points",
			Summary: "A new draft version of a year's rules (points.rules on the district). It changes no points: preview it, then apply it.",
			Desc:    "Modules volunteer, dual_report and pairing count verified service (check-outs; approved pairing visits and calls) by the hour; study, org_life, pioneer and deduction count approved manual items per event. Likes, shares, log-ins, check-in counts and app time are not modules and never will be.",
			Body:    &Body{Type: typeOf[points.RulesetInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The draft.", Type: typeOf[points.Ruleset](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createPointsRuleset},
		{Route{Method: "GET", Path: "/points/rulesets/{id}", Op: Op{ID: "getPointsRuleset", Tag: "points",
			Summary: "One version of a rule set.",
			Resps:   []Resp{{Status: 200, Desc: "The version.", Type: typeOf[points.Ruleset]()}},
			Errs:    []int{404}}}, (*server).getPointsRuleset},
		{Route{Method: "GET", Path: "/points/rulesets/{id}/preview", Op: Op{ID: "previewPointsRuleset", Tag: "points",
			Summary: "Recompute the year under this version and show each member's difference from the ledger; writes nothing (points.rules).",
			Resps:   []Resp{{Status: 200, Desc: "The differences, largest first.", Type: typeOf[points.Preview]()}},
			Errs:    []int{404}}}, (*server).previewPointsRuleset},
		{Route{Method: "POST", Path: "/points/rulesets/{id}/apply", Op: Op{ID: "applyPointsRuleset", Tag: "points",
			Summary: "Publish a draft and write, in one transaction, a reversal and a new row for each entry that differs; the version before is superseded (points.rules). Applied or superseded versions: 409.",
			Body:    &Body{Type: typeOf[noFields](), Desc: "Nothing, or {}.", Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "What was applied.", Type: typeOf[points.Preview]()}},
			Errs:    []int{404, 409}}}, (*server).applyPointsRuleset},
		{Route{Method: "GET", Path: "/points/ranking", Op: Op{ID: "pointsRanking", Tag: "points",
			Summary: "Members in the caller's scope ranked by the year's verified points, within their kind only.",
			Params:  append(slices.Clone(rank), page...),
			Resps:   []Resp{{Status: 200, Desc: "One page of the ranking, by kind then rank (ranks count the whole kind).", Type: typeOf[pointsRanking]()}},
			Errs:    []int{400, 403}}}, (*server).pointsRanking},
		{Route{Method: "GET", Path: "/points/export", Op: Op{ID: "exportPoints", Tag: "points",
			Summary: "The year-end sheet: each member's points by module, total and rank within the kind.",
			Params:  rank,
			Resps: []Resp{{Status: 200, Desc: "The file, as an attachment.", Files: []string{xlsx},
				Headers: []Header{{"Content-Disposition", "attachment; filename=points-YYYY.xlsx"}}}},
			Errs: []int{400, 403}}}, (*server).exportPoints},
		{Route{Method: "GET", Path: "/members/{id}/points", Op: Op{ID: "memberPoints", Tag: "points",
			Summary: "A member's year: total, points by module and every ledger entry with its reason (points.read on the member's organisation's area, or the member).",
			Params:  []Param{year},
			Resps:   []Resp{{Status: 200, Desc: "The member's points.", Type: typeOf[points.MemberPoints]()}},
			Errs:    []int{400, 404}}}, (*server).memberPoints},
		{Route{Method: "GET", Path: "/me/points", Op: Op{ID: "myPoints", Tag: "points",
			Summary: "The signed-in member's own points and why; 404 when the account is not linked to a member.",
			Params:  []Param{year},
			Resps:   []Resp{{Status: 200, Desc: "The member's points.", Type: typeOf[points.MemberPoints]()}},
			Errs:    []int{400, 404}}}, (*server).myPoints},
		{Route{Method: "GET", Path: "/points/manual", Op: Op{ID: "listManualPoints", Tag: "points",
			Summary: "Manual points in the caller's scope, oldest first; status=proposed is the approval queue.",
			Params: append([]Param{{Name: "status", Desc: "Only this status.", Schema: `{"type":"string","enum":["proposed","approved","rejected"]}`},
				{Name: "member", Desc: "Only this member's.", Schema: `{"type":"integer"}`}}, page...),
			Resps: []Resp{{Status: 200, Desc: "One page of items.", Type: typeOf[list[points.ManualItem]]()}},
			Errs:  []int{400, 403}}}, (*server).listManualPoints},
		{Route{Method: "POST", Path: "/points/manual", Op: Op{ID: "proposeManualPoints", Tag: "points",
			Summary: "Propose manual points (study, org_life, pioneer, deduction) with evidence (points.propose on the member's organisation's area). Nothing counts until another person approves.",
			Body:    &Body{Type: typeOf[points.ManualInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The item, proposed.", Type: typeOf[points.ManualItem](), Location: true}},
			Errs:    []int{400, 403, 404, 413}}}, (*server).proposeManualPoints},
		{Route{Method: "POST", Path: "/points/manual/{id}/approve", Op: Op{ID: "approveManualPoints", Tag: "points",
			Summary: "Approve a proposed item (points.approve); the proposer may not (409). The member's year is recomputed in the same transaction.",
			Body:    &Body{Type: typeOf[points.DecisionInput](), Optional: true},
			Resps:   []Resp{{Status: 200, Desc: "The item, approved.", Type: typeOf[points.ManualItem]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).approveManualPoints},
		{Route{Method: "POST", Path: "/points/manual/{id}/reject", Op: Op{ID: "rejectManualPoints", Tag: "points",
			Summary: "Reject a proposed item, saying why (points.approve); the proposer may not (409).",
			Body:    &Body{Type: typeOf[points.DecisionInput]()},
			Resps:   []Resp{{Status: 200, Desc: "The item, rejected.", Type: typeOf[points.ManualItem]()}},
			Errs:    []int{400, 403, 404, 409, 413}}}, (*server).rejectManualPoints},
	}
}
