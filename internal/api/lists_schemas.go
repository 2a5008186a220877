package api

import (
	"gongzhi/internal/lists"
	"gongzhi/internal/match"
)

// listsSchemas are the named schemas of needs, resources, projects and
// their figures (see namedSchemas).
func listsSchemas() []schemaDef {
	listProps := map[string]prop{
		"total":    {Desc: "Number of matching records on all pages."},
		"page":     {More: `{"minimum":1}`},
		"per_page": {More: `{"minimum":1,"maximum":500}`},
	}
	windows := prop{Desc: "Weekly time windows: clauses of days (1 = Monday … 7 = Sunday, ranges and lists) and a time range, a range ending at or before its start running past midnight; empty means any time.", More: `{"example":"1-5 19:00-07:00; 6 08:00-12:00"}`}
	needStatus := []string{"open", "matched", "served", "closed"}
	projectStatus := []string{"proposed", "approved", "running", "done", "evaluated", "cancelled"}
	return []schemaDef{
		{Name: "ListEvent", Type: typeOf[lists.Event](), Props: map[string]prop{"action": {Desc: "create, status:<to>, claim, milestone."}}},
		{Name: "Need", Type: typeOf[lists.Need](), Desc: "A line of the needs list (需求清单).", Props: map[string]prop{
			"category": {Enum: lists.Categories},
			"area":     {Desc: "Area code."},
			"windows":  windows,
			"urgency":  {Enum: lists.Urgencies},
			"status":   {Enum: needStatus},
			"source":   {Enum: []string{"staff", "demands", "visit"}},
			"demands":  {Desc: "Ids of the demands rolled up into it."},
		}},
		{Name: "NeedDetail", Type: typeOf[needJSON]()},
		{Name: "NeedInput", Type: typeOf[lists.NeedInput](), In: true, Required: []string{"title", "category"}, Props: map[string]prop{
			"title":    {More: `{"maxLength":100}`},
			"category": {Enum: lists.Categories},
			"area":     {Desc: "Area code; may be left out when demands are given."},
			"windows":  windows,
			"urgency":  {Enum: lists.Urgencies, Desc: "Default normal."},
			"source":   {Enum: []string{"staff", "visit"}, Desc: "Default staff; demands when demands are given."},
			"demands":  {Desc: "Demands to roll up (at most 200), each readable by the caller and in no other need."},
		}},
		{Name: "NeedList", Type: typeOf[list[lists.Need]](), Props: listProps},
		{Name: "Resource", Type: typeOf[lists.Resource](), Desc: "A line of the resources list (资源清单).", Props: map[string]prop{
			"kind":          {Enum: lists.Kinds},
			"categories":    {Desc: "Need categories it serves."},
			"provider_kind": {Enum: lists.ProviderKinds},
			"area":          {Desc: "Area code where it is."},
			"serves":        {Desc: "Area code of the subtree it serves."},
			"capacity_unit": {Enum: lists.CapacityUnits},
			"used":          {Desc: "Capacity taken by confirmed or accepted matches."},
			"windows":       windows,
			"status":        {Enum: []string{"active", "paused", "retired"}},
		}},
		{Name: "ResourceDetail", Type: typeOf[resourceJSON]()},
		{Name: "ResourceInput", Type: typeOf[lists.ResourceInput](), In: true, Required: []string{"title", "kind", "categories", "capacity", "capacity_unit"}, Props: map[string]prop{
			"title":           {More: `{"maxLength":100}`},
			"kind":            {Enum: lists.Kinds},
			"categories":      {Desc: "Need categories it serves, at least one.", More: `{"items":{"enum":["parking","venue","elderly_care","meals","childcare","volunteer","legal","medical","psychological","culture","education","environment","employment","materials","funds","other"]}}`},
			"provider_kind":   {Enum: lists.ProviderKinds, Desc: "Default unit."},
			"unit_id":         {Desc: "The offering unit; a unit liaison's own unit when left out."},
			"provider_name":   {Desc: "Required for a social organisation or a person."},
			"area":            {Desc: "Where it is; default the unit's area."},
			"serves":          {Desc: "The area it serves; default its street."},
			"capacity":        {More: `{"minimum":1}`},
			"capacity_unit":   {Enum: lists.CapacityUnits},
			"windows":         windows,
			"available_from":  {Format: "date"},
			"available_until": {Format: "date"},
		}},
		{Name: "ResourceList", Type: typeOf[list[lists.Resource]](), Props: listProps},
		{Name: "Project", Type: typeOf[lists.Project](), Desc: "A service project (项目清单).", Props: map[string]prop{
			"domain":        {Enum: lists.Domains, Desc: "livelihood 民生服务, governance 社会治理, culture 文化体育, environment 环境, safety 平安, other 其他."},
			"level":         {Enum: lists.Levels, Desc: "Where it lands, from its area's level."},
			"area":          {Desc: "Area code."},
			"status":        {Enum: projectStatus},
			"source":        {Enum: []string{"direct", "match", "deliberation", "topic"}},
			"claimable":     {Desc: "Published for units to claim (认领)."},
			"budget_fen":    {Desc: "Budget in fen (1 yuan = 100 fen)."},
			"beneficiaries": {Desc: "Residents it serves (or served, once done)."},
			"starts_on":     {Format: "date"},
			"ends_on":       {Format: "date"},
		}},
		{Name: "ProjectDetail", Type: typeOf[projectJSON]()},
		{Name: "ProjectPartner", Type: typeOf[lists.Partner](), Props: map[string]prop{"role": {Enum: []string{"partner", "claimant"}}}},
		{Name: "ProjectMilestone", Type: typeOf[lists.Milestone](), Props: map[string]prop{"due_on": {Format: "date"}}},
		{Name: "ProjectRating", Type: typeOf[lists.Rating]()},
		{Name: "ProjectInput", Type: typeOf[lists.ProjectInput](), In: true, Required: []string{"title", "domain"}, Props: map[string]prop{
			"title":      {More: `{"maxLength":100}`},
			"domain":     {Enum: lists.Domains},
			"area":       {Desc: "Area code; from a match, the need's area when left out."},
			"budget_fen": {More: `{"minimum":0}`},
			"starts_on":  {Format: "date"},
			"ends_on":    {Format: "date"},
			"milestones": {Desc: "Plan steps: \"title\" or \"title|YYYY-MM-DD\"."},
		}},
		{Name: "ProjectList", Type: typeOf[list[lists.Project]](), Props: listProps},
		{Name: "ProjectStats", Type: typeOf[lists.ProjectStats](), Props: map[string]prop{
			"three_domain_share":          {Desc: "Share of projects in livelihood services, social governance and culture & sports (0..1)."},
			"street_or_residential_share": {Desc: "Share of projects landing at street or residential level (0..1)."},
			"by_street":                   {Desc: "Projects under each child area of the area asked for; areas without any count 0."},
		}},
		{Name: "ProjectDomainCount", Type: typeOf[lists.DomainStat]()},
		{Name: "ProjectLevelCount", Type: typeOf[lists.LevelStat]()},
		{Name: "ProjectAreaCount", Type: typeOf[lists.AreaStat]()},
		{Name: "PublicProject", Type: typeOf[lists.PublicProject](), Desc: "A project as a resident's rating code shows it: no personal data."},
		{Name: "RatingCode", Type: typeOf[lists.RatingCode](), Desc: "One resident's single-use code to rate a project at /rate/p/{code}.", Props: map[string]prop{
			"code":    {Desc: "10 characters of 23456789ABCDEFGHJKMNPQRSTUVWXYZ; typed in any case, spaces and dashes ignored."},
			"used_at": {Desc: "When it rated; absent while unused."},
		}},
		{Name: "RatingCodes", Type: typeOf[lists.RatingCodes](), Desc: "A project's unused codes and how many were issued and used."},
		{Name: "RatingCodesBody", Type: typeOf[ratingCodesBody](), Props: map[string]prop{"count": {Desc: "How many codes, 1–500; a project has at most 5,000."}}},
		{Name: "IssuedRatingCodes", Type: typeOf[issuedCodes]()},
		{Name: "MatchReason", Type: typeOf[match.Reason](), Props: map[string]prop{
			"code":   {Enum: []string{"category", "area", "distance", "time", "capacity", "urgency"}},
			"detail": {Desc: "For area: residential, street or district."},
			"value":  {Desc: "distance: km; time: share of the need's windows covered; capacity: share left."},
		}},
		{Name: "MatchCandidate", Type: typeOf[lists.Candidate]()},
		{Name: "MatchCandidates", Type: typeOf[candidatesJSON]()},
		{Name: "Match", Type: typeOf[lists.Match](), Props: map[string]prop{"status": {Enum: []string{"confirmed", "accepted", "declined", "cancelled"}}}},
		{Name: "MatchPlan", Type: typeOf[lists.PlanResult](), Props: map[string]prop{
			"total":  {Desc: "Sum of the proposals' scores: the most any pairing reaches."},
			"greedy": {Desc: "What picking the best remaining pair one at a time reaches on the same data."},
		}},
		{Name: "MatchProposal", Type: typeOf[lists.Proposal]()},
		{Name: "MatchConfirm", Type: typeOf[matchBody](), In: true, Required: []string{"need_id", "resource_id"}},
		{Name: "StatusChange", Type: typeOf[statusBody](), In: true, Required: []string{"status"}},
		{Name: "ProjectClaim", Type: typeOf[claimBody](), In: true},
		{Name: "ProjectRate", Type: typeOf[projectRateBody](), In: true, Required: []string{"score"}, Props: map[string]prop{
			"score":   {More: `{"minimum":1,"maximum":5}`},
			"comment": {More: `{"maxLength":500}`},
		}},
	}
}
