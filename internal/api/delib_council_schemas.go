package api

import "gongzhi/internal/delib"

// councilSchemas are the named schemas of councils, meetings and the
// area's public page (see namedSchemas).
func councilSchemas() []schemaDef {
	return []schemaDef{
		{Name: "Council", Type: typeOf[delib.Council](), Desc: "A council (议事会) of an area.", Props: map[string]prop{
			"area":          {Desc: "Area code."},
			"term_from":     {Format: "date"},
			"term_to":       {Format: "date"},
			"members":       {Desc: "Conveners first."},
			"members.phone": {Desc: "Masked: 138****5678."},
			"members.role":  {Enum: delib.MemberRoles},
			"meetings":      {Desc: "Newest first (single councils only)."},
		}},
		{Name: "CouncilList", Type: typeOf[councilList](), Props: map[string]prop{"total": {Desc: "Number of councils."}}},
		{Name: "CouncilInput", Type: typeOf[delib.CouncilInput](), In: true, Required: []string{"area", "name", "term_from", "term_to"}, Props: map[string]prop{
			"area":      {Desc: "Area code (delib.write there)."},
			"name":      {More: `{"maxLength":50}`},
			"charter":   {More: `{"maxLength":4000}`},
			"term_from": {Format: "date"},
			"term_to":   {Format: "date", Desc: "Not before term_from."},
		}},
		{Name: "CouncilMemberInput", Type: typeOf[delib.MemberInput](), In: true, Required: []string{"name"}, Props: map[string]prop{
			"name":  {More: `{"maxLength":30}`},
			"phone": {Desc: "7 to 15 digits; shown masked."},
			"role":  {Enum: delib.MemberRoles, Desc: "convener (召集人) or member (成员, the default)."},
		}},
		{Name: "Meeting", Type: typeOf[delib.Meeting](), Desc: "A council's meeting.", Props: map[string]prop{
			"attendance": {Desc: "People present in all."},
			"present":    {Desc: "Council members present (phones masked)."},
			"agenda":     {Desc: "Topics of the council's area on the agenda."},
			"decisions":  {Desc: "In the order recorded."},
		}},
		{Name: "MeetingInput", Type: typeOf[delib.MeetingInput](), In: true, Required: []string{"title", "starts_at", "place"}, Props: map[string]prop{
			"title": {More: `{"maxLength":100}`},
			"place": {More: `{"maxLength":100}`},
		}},
		{Name: "MeetingRecordInput", Type: typeOf[delib.RecordInput](), In: true, Props: map[string]prop{
			"attendance": {Desc: "People present in all; at least the members present.", More: `{"minimum":0}`},
			"present":    {Desc: "Ids of this council's members present."},
			"minutes":    {More: `{"maxLength":20000}`},
		}},
		{Name: "Decision", Type: typeOf[delib.Decision](), Desc: "A meeting's decision and what it became (at most one of project_id, demand_id, rule_id).", Props: map[string]prop{
			"owner":  {Desc: "Who follows it up: a body or post."},
			"due_on": {Format: "date"},
		}},
		{Name: "DecisionInput", Type: typeOf[delib.DecisionInput](), In: true, Required: []string{"text", "owner", "due_on"}, Props: map[string]prop{
			"topic_id": {Desc: "A topic on the meeting's agenda it settles."},
			"text":     {More: `{"maxLength":1000}`},
			"due_on":   {Format: "date"},
		}},
		{Name: "AgendaInput", Type: typeOf[agendaBody](), In: true, Required: []string{"topic_id"}, Props: map[string]prop{
			"topic_id": {Desc: "A topic of the council's area, open or on the agenda."},
		}},
		{Name: "DecisionProjectInput", Type: typeOf[projectBody](), In: true, Props: map[string]prop{
			"domain": {Desc: "The project's domain; governance when left out."},
		}},
		{Name: "DecisionDemandInput", Type: typeOf[demandBody](), In: true, Required: []string{"category"}, Props: map[string]prop{
			"category": {Desc: "An active demand category's code."},
		}},
		{Name: "RuleInput", Type: typeOf[delib.RuleInput](), In: true, Required: []string{"title", "body"}, Props: map[string]prop{
			"title": {More: `{"maxLength":100}`},
			"body":  {More: `{"maxLength":4000}`},
		}},
		{Name: "AreaPage", Type: typeOf[delib.AreaPage](), Desc: "An area's public deliberation page; no personal data.", Props: map[string]prop{
			"topics":     {Desc: "Latest first; reason: the answer, why it closed, or the meeting that takes it up."},
			"upcoming":   {Desc: "Meetings to come, soonest first."},
			"past":       {Desc: "Meetings held, latest first."},
			"votes":      {Desc: "Closed votes; their receipts are at /votes/{id}/receipts."},
			"rules":      {Desc: "Self-governance rules (自治公约), latest first."},
			"area.level": {Enum: []string{"district", "street", "residential", "grid"}},
		}},
	}
}
