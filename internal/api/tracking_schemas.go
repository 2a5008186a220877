package api

import "gongzhi/internal/demand"

// trackingSchemas are the named schemas of issue 8's additions to the
// demand loop: a resident's own demands, a change of category and the
// tracking code by SMS (see namedSchemas).
func trackingSchemas() []schemaDef {
	statuses := []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}
	return []schemaDef{
		{Name: "MyDemand", Type: typeOf[myDemandJSON](), Desc: "One of the caller's own demands (我的诉求): what the tracking page shows, no one's personal data.", Props: map[string]prop{
			"number":      {Desc: "The number the caller was given when reporting."},
			"id":          {Desc: "The demand following the report now: number, or after a merge the surviving demand."},
			"title":       {Desc: "The start of what the caller wrote, long digit runs masked."},
			"status":      {Desc: "received 已受理, dispatched 已派单, returned 已退回, signed 已签收, in_progress 处理中, resolved 已办结, closed 已关闭, merged 已合并.", Enum: statuses},
			"resolve_due": {Desc: "The deadline for resolving it."},
			"handler":     {Desc: "The body handling it with its parents, in the reader's language; empty before dispatch."},
			"short_code":  {Desc: "The short code (查询码) that opens its tracking page, ABCD-EFGH."},
			"track_path":  {Desc: "/c/{code}: the tracking page the short code opens (no files, no rating: those stay with the long link)."},
		}},
		{Name: "MyDemandList", Type: typeOf[myDemandList](), Props: map[string]prop{
			"total":    {Desc: "Number of the caller's demands on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "RecategoriseInput", Type: typeOf[recategoriseBody](), In: true, Required: []string{"category", "reason"}, Example: `{"category":"noise","reason":"居民反映的是夜间施工噪音"}`, Props: map[string]prop{
			"category": {Desc: "The new category: an active category code other than the demand's own."},
			"reason":   {Desc: "Why it belongs there; on the timeline and in the audit log.", More: `{"minLength":1,"maxLength":500}`},
		}},
		{Name: "Recategorised", Type: typeOf[recategorisedJSON](), Desc: "The demand after its category changed.", Props: map[string]prop{
			"proposal": {Desc: "While the demand waits for dispatch (received, returned): the body the new category's routing rule proposes, else the residential area or grid itself; null otherwise."},
		}},
		{Name: "Proposal", Type: typeOf[demand.Proposal](), Desc: "Where a dispatch would go when nobody names a body.", Props: map[string]prop{
			"lead":    {Desc: "Area code of the proposed lead body."},
			"by_rule": {Desc: "True when a routing rule names it; false when it is the demand's own residential area or grid."},
		}},
		{Name: "TrackingSMS", Type: typeOf[smsSentJSON](), Desc: "A tracking text message, queued.", Props: map[string]prop{
			"to":         {Desc: "The caller's phone, masked (139****5678)."},
			"short_code": {Desc: "The short code the message carries, ABCD-EFGH."},
		}},
	}
}
