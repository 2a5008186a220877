package api

import "gongzhi/internal/points"

// pointsSchemas are the named schemas of party members' points (see namedSchemas).
func pointsSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	modules := points.Modules
	return []schemaDef{
		{Name: "PointsRule", Type: typeOf[points.Rule](), Desc: "How one module scores for one member kind.", Props: map[string]prop{
			"kind":      {Desc: "Member kind (在职, 退休 …); empty: kinds without their own rule."},
			"module":    {Enum: modules},
			"per":       {Enum: []string{points.PerHour, points.PerEvent}, Desc: "hour: per verified service hour (volunteer, dual_report, pairing only); event: per event."},
			"points":    {Desc: "Per unit; negative only for deduction.", More: `{"minimum":-100,"maximum":100}`},
			"week_cap":  {Desc: "Most points (absolute) in an ISO week, Asia/Shanghai; 0 none.", More: `{"minimum":0}`},
			"month_cap": {Desc: "Most points in a calendar month; 0 none.", More: `{"minimum":0}`},
			"year_cap":  {Desc: "Most points in the year; 0 none.", More: `{"minimum":0}`},
		}},
		{Name: "PointsRuleset", Type: typeOf[points.Ruleset](), Desc: "One version of a year's rules; a change is a new version.", Props: map[string]prop{
			"status": {Enum: []string{points.Draft, points.Published, points.Superseded}},
		}},
		{Name: "PointsRulesetInput", Type: typeOf[points.RulesetInput](), In: true, Required: []string{"year", "rules"}, Props: map[string]prop{
			"year": {More: `{"minimum":2000,"maximum":2100}`},
			"note": {More: `{"maxLength":500}`},
		}},
		{Name: "PointsRulesetList", Type: typeOf[pointsRulesets]()},
		{Name: "PointsPreview", Type: typeOf[points.Preview](), Desc: "What applying a version changes, before anyone does.", Props: map[string]prop{
			"members": {Desc: "Members whose points change."},
			"rows":    {Desc: "Ledger entries that change (each a reversal and, if still due, a new row)."},
			"diffs":   {Desc: "Per member, largest changes first, at most 500."},
		}},
		{Name: "PointsMemberDiff", Type: typeOf[points.MemberDiff]()},
		{Name: "PointsLedgerEntry", Type: typeOf[points.LedgerEntry](), Desc: "One ledger row; rows are only added.", Props: map[string]prop{
			"reason":      {Desc: "Text code: points.hour, points.event, points.capped, points.reversal."},
			"source":      {Desc: "activity (a verified check-out) or manual (an approved item)."},
			"reverses_id": {Desc: "The row this reversal cancels."},
		}},
		{Name: "MemberPoints", Type: typeOf[points.MemberPoints](), Desc: "A member's year of points, with every entry and its reason."},
		{Name: "PointsRanked", Type: typeOf[points.Ranked](), Props: map[string]prop{"rank": {Desc: "Within the member kind; equal points share a rank."}}},
		{Name: "PointsRanking", Type: typeOf[pointsRanking]()},
		{Name: "ManualPointsInput", Type: typeOf[points.ManualInput](), In: true, Required: []string{"member_id", "module", "occurred_at", "evidence"}, Props: map[string]prop{
			"module":   {Enum: []string{points.ModStudy, points.ModOrgLife, points.ModPioneer, points.ModDeduction}},
			"evidence": {Desc: "What happened and where to check it.", More: `{"minLength":4,"maxLength":1000}`},
		}},
		{Name: "ManualPoints", Type: typeOf[points.ManualItem](), Props: map[string]prop{
			"status": {Enum: []string{points.Proposed, points.Approved, points.Rejected}},
		}},
		{Name: "ManualPointsList", Type: typeOf[list[points.ManualItem]](), Props: listProps},
		{Name: "PointsDecision", Type: typeOf[points.DecisionInput](), In: true, Props: map[string]prop{"note": {Desc: "Why; required to reject.", More: `{"maxLength":500}`}}},
	}
}
