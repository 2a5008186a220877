package api

import (
	"gongzhi/internal/activity"
	"gongzhi/internal/party"
)

// partySchemas are the named schemas of party members and activities (see namedSchemas).
func partySchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	return []schemaDef{
		{Name: "Member", Type: typeOf[party.Member](), Desc: "A party member (党员). ID numbers are never kept.", Props: map[string]prop{
			"phone":       {Desc: "Masked (138****5678) except for staff of the member's organisation's area and the member."},
			"kind":        {Desc: "在职, 退休, 流动, 离退休干部 … an open set."},
			"age_band":    {Desc: "35岁及以下, 36-45岁, 46-60岁, 61-70岁, 71岁及以上, or a district's own band."},
			"area":        {Desc: "The party organisation's area code."},
			"home_area":   {Desc: "The residential area where the member lives."},
			"reported":    {Desc: "Dual-reported (双报到) to a residential area."},
			"report_area": {Desc: "The residential area reported to."},
			"posts":       {Desc: "Service posts chosen (楼组长助理, 志愿调解 … an open set)."},
		}},
		{Name: "MemberInput", Type: typeOf[party.Input](), In: true, Required: []string{"name", "kind", "party_org_id"}, Props: map[string]prop{
			"kind":      {Desc: "An open set; 在职 members report twice.", More: `{"maxLength":20}`},
			"home_area": {Desc: "A residential area code."},
		}},
		{Name: "MemberReport", Type: typeOf[party.ReportInput](), In: true, Required: []string{"area"}, Props: map[string]prop{
			"area":  {Desc: "A residential area code."},
			"posts": {Desc: "At most 10 posts of at most 20 characters."},
		}},
		{Name: "MemberList", Type: typeOf[list[party.Member]](), Props: listProps},
		{Name: "FollowUp", Type: typeOf[party.FollowUp](), Desc: "Dual-reported members with no verified service in a half-year.", Props: map[string]prop{
			"half":    {Desc: "2026-H1 (January–June) or 2026-H2, Asia/Shanghai."},
			"by_area": {Desc: "Registered and unserved members by residential area reported to."},
			"by_unit": {Desc: "The same by work unit (key empty: no unit)."},
		}},
		{Name: "FollowUpRow", Type: typeOf[party.FollowUpRow]()},
		{Name: "FollowUpGroup", Type: typeOf[party.FollowUpGroup]()},
		{Name: "OrgReport", Type: typeOf[party.OrgReport](), Desc: "A unit's party organisation registered with a residential area (组织双报到).", Props: map[string]prop{
			"status":        {Enum: []string{party.OrgPending, party.OrgConfirmed}},
			"contact_phone": {Desc: "Masked (138****5678)."},
			"offers":        {Desc: "Resources and commitments, one a line."},
			"half":          {Desc: "The half-year of the figures, 2026-H1 or 2026-H2."},
			"served":        {Desc: "The organisation's members with verified service in the area in the half-year."},
			"minutes":       {Desc: "Their verified service minutes there."},
		}},
		{Name: "OrgReportInput", Type: typeOf[party.OrgReportInput](), In: true, Required: []string{"party_org_id", "area", "contact_name"}, Props: map[string]prop{
			"area":   {Desc: "The residential area the organisation sits in."},
			"offers": {Desc: "At most 20 lines of at most 100 characters."},
		}},
		{Name: "OrgReportList", Type: typeOf[list[party.OrgReport]](), Props: listProps},
		{Name: "ServiceLog", Type: typeOf[party.ServiceLog](), Desc: "Service a dual-reported member logged at a post (服务记录).", Props: map[string]prop{
			"status": {Enum: []string{party.LogPending, party.LogApproved, party.LogRejected}},
			"reason": {Desc: "Why a log was rejected."},
			"area":   {Desc: "The residential area the member reported to."},
		}},
		{Name: "ServiceLogInput", Type: typeOf[party.ServiceLogInput](), In: true, Required: []string{"post", "start", "end", "note"}, Props: map[string]prop{
			"post": {Desc: "One of the member's service posts."},
			"end":  {Desc: "Not in the future; at most 12 hours after the start, within 60 days."},
			"note": {More: `{"maxLength":500}`},
		}},
		{Name: "ServiceLogList", Type: typeOf[list[party.ServiceLog]](), Props: listProps},
		{Name: "ServiceLogDecision", Type: typeOf[party.LogDecision](), In: true, Required: []string{"approve"}, Props: map[string]prop{
			"reason": {Desc: "Required when rejecting.", More: `{"maxLength":500}`},
		}},
		{Name: "Activity", Type: typeOf[activity.Activity](), Desc: "A published activity.", Props: map[string]prop{
			"capacity":  {Desc: "Places; 0 means no limit."},
			"audience":  {Enum: activity.Audiences},
			"organiser": {Desc: "The party organisation, unit, service point or service project organising it."},
		}},
		{Name: "ActivityInput", Type: typeOf[activity.Input](), In: true, Required: []string{"title", "start", "end", "place", "audience", "area"}, Props: map[string]prop{
			"audience":   {Enum: activity.Audiences},
			"capacity":   {More: `{"minimum":0,"maximum":100000}`},
			"project_id": {Desc: "A service project (服务项目) in or above the activity's area."},
		}},
		{Name: "ActivityList", Type: typeOf[list[activity.Activity]](), Props: listProps},
		{Name: "Signup", Type: typeOf[activity.Signup](), Desc: "The caller's place in an activity.", Props: map[string]prop{
			"status":   {Enum: activity.Statuses},
			"position": {Desc: "On the waitlist: 1 is next."},
			"minutes":  {Desc: "From check-in to check-out."},
		}},
		{Name: "CheckinCode", Type: typeOf[codeBody](), In: true, Required: []string{"code"}, Props: map[string]prop{
			"code": {Desc: "The code in the URL the organiser's QR code shows."},
		}},
		{Name: "HeadCount", Type: typeOf[activity.Count]()},
	}
}
