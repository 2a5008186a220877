package api

import (
	"slices"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
)

// noFields is the body of a call that takes none, such as disabling a
// user: nothing, or {}.
type noFields struct{}

// namedSchemas is every schema of components/schemas: its name, its Go
// type and its words. Seeded from the hand-kept document it replaced; each
// later capability keeps its own in <capability>_schemas.go
// (listsSchemas, bookingSchemas, fundSchemas).
func namedSchemas() []schemaDef {
	return slices.Concat(coreSchemas(), listsSchemas(), bookingSchemas(), fundSchemas(), trackingSchemas(), suggestSchemas(), hotspotSchemas(), partySchemas(), cadreSchemas(), delibSchemas(), surveySchemas(), allianceSchemas(), pointsSchemas(), pairingSchemas(), phoneSchemas())
}

// coreSchemas are the schemas of the area tree, units, organisations,
// users, demands, notices and jobs.
func coreSchemas() []schemaDef {
	return []schemaDef{
		{Name: "Error", Type: typeOf[errorBody](), Desc: "Every error response. Internal errors say only \"internal error\".", Example: `{"error":{"code":"EINVALID","message":"per_page must be a whole number from 1 to 500","details":[{"field":"per_page","message":"per_page must be a whole number from 1 to 500"}]}}`, Props: map[string]prop{
			"error.code":    {Desc: "EINVALID 400, EUNAUTHORIZED 401, EFORBIDDEN 403, ENOTFOUND 404, EMETHOD 405, ECONFLICT 409, ETOOLARGE 413, ETOOMANY 429, EINTERNAL 500.", Enum: []string{"EINVALID", "EUNAUTHORIZED", "EFORBIDDEN", "ENOTFOUND", "EMETHOD", "ECONFLICT", "ETOOLARGE", "ETOOMANY", "EINTERNAL"}},
			"error.message": {Desc: "What went wrong and what to fix."},
			"error.details": {Desc: "The fields (or file cells) at fault; empty when none."},
		}},
		{Name: "ErrorDetail", Type: typeOf[errs.Detail](), Props: map[string]prop{
			"field":  {Desc: "JSON field, query parameter or import column key at fault."},
			"row":    {Desc: "Imports only: spreadsheet row (the header is row 1)."},
			"column": {Desc: "Imports only: the column header as written in the file."},
		}},
		{Name: "Area", Type: typeOf[areaJSON](), Props: map[string]prop{
			"code":        {More: `{"example":"310104001001"}`},
			"name":        {More: `{"example":"东湖居民区"}`},
			"name_en":     {Desc: "The English name the English interface shows; empty when none is set.", More: `{"example":"Donghu Residential Area"}`},
			"level":       {Enum: []string{"district", "street", "residential", "lane", "grid"}},
			"parent_code": {Desc: "null for the district."},
			"children":    {Desc: "Number of child areas."},
		}},
		{Name: "AreaInput", Type: typeOf[areaInput](), In: true, Required: []string{"code", "name", "level"}, Props: map[string]prop{
			"code":    {Desc: "Must extend the parent's code, e.g. 310104001 under 310104."},
			"name_en": {Desc: "Optional English name, for the English interface."},
			"level":   {Enum: []string{"district", "street", "residential", "lane", "grid"}},
			"parent":  {Desc: "Parent area code; omitted only for a district."},
		}},
		{Name: "AreaList", Type: typeOf[list[areaJSON]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "Unit", Type: typeOf[org.Unit](), Props: map[string]prop{
			"kind":             {Desc: "regional_unit 区域单位, non_public_enterprise 非公企业, social_organization 社会组织, shop 沿街商铺. Input also accepts the Chinese labels.", Enum: []string{"regional_unit", "non_public_enterprise", "social_organization", "shop"}},
			"area":             {Desc: "Area code."},
			"has_party_org":    {Desc: "建有党组织"},
			"platform_covered": {Desc: "纳入区域化党建平台"},
			"covered":          {Desc: "has_party_org OR platform_covered."},
			"contact_phone":    {Desc: "Masked (138****5678) in lists and exports and for callers who may only read the unit."},
		}},
		{Name: "UnitInput", Type: typeOf[org.UnitInput](), In: true, Desc: "Creating needs name, kind and area; a PATCH changes only the fields present.", Props: map[string]prop{
			"name":          {More: `{"maxLength":200}`},
			"kind":          {Desc: "regional_unit 区域单位, non_public_enterprise 非公企业, social_organization 社会组织, shop 沿街商铺. Input also accepts the Chinese labels.", Enum: []string{"regional_unit", "non_public_enterprise", "social_organization", "shop"}},
			"area":          {Desc: "Area code."},
			"employees":     {More: `{"minimum":0}`},
			"party_members": {More: `{"minimum":0}`},
		}},
		{Name: "UnitList", Type: typeOf[list[org.Unit]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "ImportResult", Type: typeOf[org.ImportResult]()},
		{Name: "ImportPreview", Type: typeOf[org.ImportPreview](), Desc: "What an import file would add; nothing was written."},
		{Name: "ImportPreviewCount", Type: typeOf[org.PreviewCount](), Props: map[string]prop{"key": {Desc: "An area code (by_area) or a unit kind (by_kind)."}}},
		{Name: "ImportPreviewUnit", Type: typeOf[org.PreviewUnit](), Props: map[string]prop{"row": {Desc: "Spreadsheet row (the header is row 1)."}}},
		{Name: "GroupFigure", Type: typeOf[org.GroupFigure](), Props: map[string]prop{
			"group": {Desc: "two_new = non-public enterprises + social organisations.", Enum: []string{"shop", "two_new", "regional_unit"}},
			"rate":  {Desc: "covered/total to 4 places; null when total is 0."},
		}},
		{Name: "Coverage", Type: typeOf[org.Coverage](), Props: map[string]prop{
			"name_en": {Desc: "The area's English name; empty when none is set."},
			"level":   {Enum: []string{"district", "street", "residential", "lane", "grid"}},
			"groups":  {Desc: "Always shop, two_new, regional_unit in that order.", More: `{"minItems":3,"maxItems":3}`},
		}},
		{Name: "CoverageReport", Type: typeOf[coverageJSON](), Example: `{"area":"310104001001","name":"东湖居民区","name_en":"Donghu Residential Area","level":"residential","groups":[{"group":"shop","total":2,"covered":1,"rate":0.5},{"group":"two_new","total":1,"covered":1,"rate":1},{"group":"regional_unit","total":0,"covered":0,"rate":null}],"children":[]}`, Props: map[string]prop{
			"children": {Desc: "The same figures for each child area."},
		}},
		{Name: "Grant", Type: typeOf[auth.Grant](), Props: map[string]prop{
			"role":    {Enum: []string{"district_admin", "street_staff", "community_staff", "grid_worker", "unit_liaison", "member", "resident", "auditor"}},
			"area":    {Desc: "Area code; the grant reaches its whole subtree."},
			"unit_id": {Desc: "A unit liaison's unit: the liaison reads and handles only the demands dispatched to it (lead_unit)."},
		}},
		{Name: "GrantInput", Type: typeOf[grantInput](), In: true, Required: []string{"role", "area"}, Props: map[string]prop{
			"role":    {Enum: []string{"district_admin", "street_staff", "community_staff", "grid_worker", "unit_liaison", "member", "resident", "auditor"}},
			"unit_id": {Desc: "Required for unit_liaison, refused for other roles: a unit inside the area, whose dispatched demands the liaison reads and handles."},
		}},
		{Name: "User", Type: typeOf[auth.User](), Props: map[string]prop{
			"phone": {Desc: "Masked unless it is the caller's own."},
			"email": {Desc: "Where notices are e-mailed when e-mail is configured; masked unless it is the caller's own."},
		}},
		{Name: "UserInput", Type: typeOf[userInput](), In: true, Required: []string{"username", "password", "role", "area"}, Props: map[string]prop{
			"username": {More: `{"pattern":"^[A-Za-z0-9._-]{2,64}$"}`},
			"email":    {Desc: "Optional; notices are e-mailed here when e-mail is configured.", Format: "email"},
			"password": {Desc: "At least 8 characters (Chinese characters count one each).", More: `{"minLength":8}`},
			"role":     {Enum: []string{"district_admin", "street_staff", "community_staff", "grid_worker", "unit_liaison", "member", "resident", "auditor"}},
			"area":     {Desc: "Area code of the first grant."},
			"unit_id":  {Desc: "Required for unit_liaison, refused for other roles: a unit inside the area, whose dispatched demands the liaison reads and handles."},
		}},
		{Name: "UserList", Type: typeOf[list[auth.User]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "Me", Type: typeOf[meJSON]()},
		{Name: "Token", Type: typeOf[auth.Token](), Props: map[string]prop{
			"prefix":       {Desc: "First characters of the secret, to recognise it (gz_abcdef)."},
			"last_used_at": {Desc: "Updated at most once a minute."},
		}},
		{Name: "NewToken", Type: typeOf[newTokenJSON](), Props: map[string]prop{
			"token": {Desc: "The secret. Shown only in this response; store it now."},
		}},
		{Name: "TokenInput", Type: typeOf[tokenInput](), In: true, Props: map[string]prop{
			"label": {More: `{"maxLength":100}`},
		}},
		{Name: "TokenList", Type: typeOf[list[auth.Token]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "AuditEntry", Type: typeOf[auditJSON](), Props: map[string]prop{
			"action": {More: `{"example":"update"}`},
			"entity": {More: `{"example":"unit"}`},
			"before": {Desc: "The record before the change (personal fields masked); null for creations."},
			"after":  {Desc: "The record after the change; null for deletions."},
		}},
		{Name: "AuditList", Type: typeOf[list[auditJSON]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "PartyOrg", Type: typeOf[org.PartyOrg](), Props: map[string]prop{
			"name":       {More: `{"example":"中共徐汇区湖南路街道社区委员会"}`},
			"kind":       {Enum: []string{"district_committee", "street_working_committee", "community_party_committee", "street_admin_party_group", "residential_party_org", "unit_party_org", "hub_party_org"}},
			"kind_label": {Desc: "The kind in Chinese.", More: `{"example":"社区党委"}`},
			"area":       {Desc: "Area code."},
			"parent_id":  {Desc: "The organisation above this one."},
			"unit_id":    {Desc: "A unit party organisation's unit."},
			"members":    {Desc: "Party members in the organisation.", More: `{"minimum":0}`},
		}},
		{Name: "PartyOrgInput", Type: typeOf[org.NewPartyOrg](), In: true, Required: []string{"name", "kind", "area"}, Props: map[string]prop{
			"name":      {More: `{"maxLength":200}`},
			"kind":      {Desc: "district_committee 区委 (district), street_working_committee 街道党工委, community_party_committee 社区党委, street_admin_party_group 行政党组 (street), residential_party_org 居民区党组织 (residential area), unit_party_org 单位党组织, hub_party_org 枢纽型党组织 (any level). Input also accepts the Chinese labels.", Enum: []string{"district_committee", "street_working_committee", "community_party_committee", "street_admin_party_group", "residential_party_org", "unit_party_org", "hub_party_org"}},
			"area":      {Desc: "Area code; its level must suit the kind."},
			"parent_id": {Desc: "An organisation on this area or above it."},
			"unit_id":   {Desc: "Required for unit_party_org: a unit in the area."},
			"members":   {More: `{"minimum":0,"default":0}`},
		}},
		{Name: "PartyOrgList", Type: typeOf[list[org.PartyOrg]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "AssocBody", Type: typeOf[org.AssocBody](), Props: map[string]prop{
			"kind":           {Enum: []string{"committee", "branch", "sub_branch"}},
			"kind_label":     {Desc: "专业委员会, 分会 or 支会."},
			"name":           {More: `{"example":"湖南路街道分会"}`},
			"field":          {Desc: "A committee's professional field (economy, culture, education…)."},
			"president_mode": {Desc: "single 单一会长, rotating 轮值会长 (rotating presidents), double 双会长 (two presidents).", Enum: []string{"single", "rotating", "double"}},
			"parent_id":      {Desc: "A sub-branch's street branch."},
			"member_count":   {More: `{"minimum":0}`},
		}},
		{Name: "AssocBodyInput", Type: typeOf[org.NewAssocBody](), In: true, Required: []string{"kind", "name", "area"}, Props: map[string]prop{
			"kind":           {Desc: "committee on the district, branch on a street, sub_branch on a residential area.", Enum: []string{"committee", "branch", "sub_branch"}},
			"name":           {More: `{"maxLength":200}`},
			"president_mode": {Desc: "single 单一会长, rotating 轮值会长 (rotating presidents), double 双会长 (two presidents).", Enum: []string{"single", "rotating", "double"}, More: `{"default":"single"}`},
			"parent_id":      {Desc: "Required for a sub_branch, and only for it: the branch of the area's street."},
		}},
		{Name: "AssocBodyList", Type: typeOf[list[org.AssocBody]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "AssocMember", Type: typeOf[org.AssocMember](), Props: map[string]prop{
			"unit_kind":  {Enum: []string{"regional_unit", "non_public_enterprise", "social_organization", "shop"}},
			"role":       {Enum: []string{"member", "president", "rotating_president", "vice_president"}},
			"term_start": {Desc: "YYYY-MM-DD, or empty."},
			"term_end":   {Desc: "YYYY-MM-DD, or empty."},
		}},
		{Name: "AssocMemberInput", Type: typeOf[org.NewAssocMember](), In: true, Required: []string{"unit_id"}, Props: map[string]prop{
			"role":       {Enum: []string{"member", "president", "rotating_president", "vice_president"}, More: `{"default":"member"}`},
			"term_start": {Desc: "Required for a rotating_president.", Format: "date"},
			"term_end":   {Desc: "Required for a rotating_president; not before term_start.", Format: "date"},
		}},
		{Name: "AssocMemberList", Type: typeOf[list[org.AssocMember]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "PartTimeMember", Type: typeOf[org.PartTimeMember](), Props: map[string]prop{
			"name":     {More: `{"example":"王建国"}`},
			"position": {More: `{"example":"徐汇区永嘉小学校长"}`},
			"area":     {Desc: "The committee's area."},
			"phone":    {Desc: "Always masked (138****5678)."},
		}},
		{Name: "PartTimeMemberInput", Type: typeOf[org.NewPartTimeMember](), In: true, Required: []string{"name", "party_org_id"}, Props: map[string]prop{
			"name":         {More: `{"maxLength":50}`},
			"position":     {More: `{"maxLength":200}`},
			"unit_id":      {Desc: "The regional unit the member leads; must lie in the committee's area."},
			"party_org_id": {Desc: "A street working committee, community party committee or residential party organisation."},
			"phone":        {Desc: "7–20 digits with optional + - ( ) and spaces."},
		}},
		{Name: "PartTimeMemberList", Type: typeOf[list[org.PartTimeMember]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "ServicePoint", Type: typeOf[org.ServicePoint](), Props: map[string]prop{
			"name":          {More: `{"example":"东湖居民区党群服务站"}`},
			"kind":          {Enum: []string{"station", "point", "building", "park"}},
			"kind_label":    {More: `{"example":"党群服务站"}`},
			"opening_hours": {More: `{"example":"周一至周五 09:00-17:00；周六 09:00-12:00"}`},
			"services":      {More: `{"example":["政策咨询","老年助餐"]}`},
		}},
		{Name: "ServicePointInput", Type: typeOf[org.NewServicePoint](), In: true, Required: []string{"name", "kind", "area"}, Props: map[string]prop{
			"name":          {More: `{"maxLength":200}`},
			"kind":          {Desc: "station 党群服务站, point 党群服务点, building 楼宇站点, park 园区站点. Input also accepts the Chinese labels.", Enum: []string{"station", "point", "building", "park"}},
			"opening_hours": {Desc: "Free text; every time range in it (09:00-17:00) must be real and end after it starts (24:00 may close a day).", More: `{"maxLength":200}`},
		}},
		{Name: "ServicePointList", Type: typeOf[list[org.ServicePoint]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "PasswordReset", Type: typeOf[passwordInput](), In: true, Required: []string{"password"}, Props: map[string]prop{
			"password": {Desc: "At least 8 characters (Chinese characters count one each).", More: `{"minLength":8}`},
		}},
		{Name: "PasswordChange", Type: typeOf[changePasswordInput](), In: true, Required: []string{"old_password", "new_password"}, Props: map[string]prop{
			"old_password": {Desc: "The current password."},
			"new_password": {Desc: "At least 8 characters, different from the current one.", More: `{"minLength":8}`},
		}},
		{Name: "Empty", Type: typeOf[noFields](), In: true, Desc: "No fields."},
		{Name: "Demand", Type: typeOf[demand.Demand](), Desc: "A demand (民情诉求) and its work order. Lists never include reporters.", Props: map[string]prop{
			"category":         {Desc: "Category code."},
			"category_name_en": {Desc: "The category's English name; empty when none is set."},
			"channel":          {Desc: "visit 走访, hotline 热线, online 网上, grid 网格巡查, meeting 议事会, mailbox 信箱.", Enum: []string{"visit", "hotline", "online", "grid", "meeting", "mailbox"}},
			"status":           {Desc: "received 已受理, dispatched 已派单, returned 已退回, signed 已签收, in_progress 处理中, resolved 已办结, closed 已关闭, merged 已合并.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
			"area":             {Desc: "Area code: the grid or area the demand is about."},
			"area_name_en":     {Desc: "The area's English name; empty when none is set."},
			"description":      {More: `{"maxLength":4000}`},
			"attributes":       {Desc: "Extra fields the category asks for; absent when none."},
			"owner":            {Desc: "Area code of the first receiver, who owns the demand until it is closed."},
			"lead":             {Desc: "Area code of the lead handling body; empty before dispatch."},
			"lead_unit":        {Desc: "A unit as the lead body."},
			"co_bodies":        {Desc: "Area codes of co-handling bodies (协办). Lists leave it null (not loaded); the single GET and actions give the list.", More: `{"nullable":true}`},
			"round":            {Desc: "1, or 2 in the second handling after a dissatisfied callback."},
			"returns":          {Desc: "How many times a body returned it (退回)."},
			"created_at":       {Desc: "When it was received; the limits count from here."},
			"contact_due":      {Desc: "First contact with the resident is due by then."},
			"resolve_due":      {Desc: "Resolution is due by then; only an approved extension moves it."},
			"outcome":          {Desc: "solved 已解决, partly 部分解决, not_solved 未解决; empty until resolved.", Enum: []string{"", "solved", "partly", "not_solved"}},
			"resolution":       {Desc: "What was done."},
			"satisfaction":     {Desc: "The callback's rating: satisfied 满意, basic 基本满意, dissatisfied 不满意; empty until rated.", Enum: []string{"", "satisfied", "basic", "dissatisfied"}},
			"solved":           {Desc: "The resident's word at the callback."},
			"overdue":          {Desc: "A deadline passed before it was met."},
			"escalation_level": {Desc: "0 = none; each level is one step up the area tree (督办).", More: `{"minimum":0}`},
			"extension_due":    {Desc: "A requested new resolve deadline awaiting approval."},
			"duplicate_of":     {Desc: "The demand it was merged into, or null."},
			"unreasonable":     {Desc: "Marked unreasonable (left out of the rates once approved).", Enum: []string{"", "pending", "approved", "refused"}},
			"media_url":        {Desc: "A link to a photo given at intake (Open311 media_url), published as given. Absent when none."},
			"attachments":      {Desc: "Present on a single demand and on a new one filed with files."},
		}},
		{Name: "DemandEvent", Type: typeOf[demand.Event](), Desc: "One step on the timeline.", Props: map[string]prop{
			"actor":      {Desc: "Who took the step: a member of staff's name, or for residents and the system their kind worded in the caller's language (Accept-Language, else the user's language, else Chinese): 居民/Resident, 系统/System."},
			"actor_kind": {Enum: []string{"staff", "resident", "system"}},
			"action":     {Desc: "receive, an action name, merge_in, or a timer step (contact_due, resolve_due, escalate…)."},
			"from":       {Desc: "Status before; absent when unchanged.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
			"to":         {Desc: "Status after; absent when unchanged.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
			"note":       {Desc: "The whole note worded in the caller's language: the system's sentence (note_code) followed by what a person wrote (text). Absent when empty."},
			"note_code":  {Desc: "The system's sentence as a code, e.g. note.received, note.overdue_contact, note.escalated, note.merged_into; absent when the step has none.", More: `{"example":"note.escalated"}`},
			"note_args":  {Desc: "The code's arguments, e.g. {\"level\": \"2\"}; times are RFC 3339. Absent when there are none."},
			"text":       {Desc: "What a person wrote (a reason, a contact note), as written. Absent when empty."},
		}},
		{Name: "Reporter", Type: typeOf[demand.Reporter](), Desc: "A resident who raised the demand; a merged group keeps them all.", Props: map[string]prop{
			"name":         {Desc: "Masked (王**) unless the caller owns or handles the demand."},
			"phone":        {Desc: "Masked (139****5678) unless the caller owns or handles the demand."},
			"satisfaction": {Desc: "This reporter's own rating through the tracking link.", Enum: []string{"", "satisfied", "basic", "dissatisfied"}},
			"original_id":  {Desc: "The demand this reporter filed, before any merge."},
			"short_code":   {Desc: "This report's short code (查询码, ABCD-EFGH), only for those who own or handle the demand."},
		}},
		{Name: "DemandDetail", Type: typeOf[demandDetail](), Desc: "One demand with its timeline and reporters.", Props: map[string]prop{
			"events":      {Desc: "The timeline, oldest first."},
			"attachments": {Desc: "Photos and files, oldest first."},
		}},
		{Name: "DemandCreated", Type: typeOf[demandCreated](), Desc: "The new demand and, once, its tracking link.", Props: map[string]prop{
			"tracking_token": {Desc: "The resident's private tracking token. Shown this once: only its hash is stored."},
			"tracking_url":   {Desc: "/t/{token}: the page where the resident follows and rates the demand without an account."},
			"short_code":     {Desc: "The short code (查询码) to read out, ABCD-EFGH: typed alone at /track (or POST /track/lookup with code) it opens the tracking page, without files or rating."},
			"short_url":      {Desc: "/c/{code}: the page the short code opens, as an SMS carries it."},
		}},
		{Name: "DemandList", Type: typeOf[demandList](), Props: map[string]prop{
			"total":        {Desc: "Number of matching demands on all pages, counted up to 1000 (see total_capped)."},
			"total_capped": {Desc: "True when counting stopped at 1000: more than total match; page on while pages are full."},
			"page":         {More: `{"minimum":1}`},
			"per_page":     {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "ReporterInput", Type: typeOf[demand.ReporterInput](), In: true, Desc: "Who raised it; every field optional. Never shown on public pages.", Props: map[string]prop{
			"name":  {More: `{"maxLength":50}`},
			"phone": {More: `{"maxLength":30}`},
			"email": {More: `{"maxLength":200}`},
		}},
		{Name: "DemandInput", Type: typeOf[demand.NewDemand](), In: true, Required: []string{"category", "description"}, Desc: "A demand to file (API.md). Unknown fields are refused.", Example: `{"category":"noise","description":"楼下饭店油烟和噪音扰民","channel":"hotline","area":"310104001001","address":"东湖路8号","reporter":{"name":"王秀英","phone":"13912345678"}}`, Props: map[string]prop{
			"category":    {Desc: "An active category code."},
			"description": {Desc: "At most 4,000 characters.", More: `{"maxLength":4000}`},
			"channel":     {Desc: "visit 走访, hotline 热线, online 网上, grid 网格巡查, meeting 议事会, mailbox 信箱.", Enum: []string{"visit", "hotline", "online", "grid", "meeting", "mailbox"}, More: `{"default":"online"}`},
			"area":        {Desc: "Area code. Leave out and send lat and lng to place it in the grid whose outline contains the point."},
			"lat":         {Desc: "WGS-84; with lng, instead of area. Outside every grid: 400 naming lat.", More: `{"minimum":-90,"maximum":90}`},
			"lng":         {More: `{"minimum":-180,"maximum":180}`},
			"address":     {More: `{"maxLength":300}`},
			"attributes":  {Desc: "Values of the category's attributes, by attribute code; required ones must be present."},
			"media_url":   {Desc: "An http or https link to a photo (Open311's media_url); published in Open311 as given.", More: `{"maxLength":2000}`},
			"dispatch":    {Desc: "File and dispatch in one step (受理并派单; demand.dispatch where it is filed, else 403): to lead or lead_unit, or, with neither, to the body the category's routing rule names there, else the residential area or grid itself (400 naming lead when there is none). The intake and the dispatch commit together, with both audit rows and timeline events; no 'new demand' notice goes out."},
			"lead":        {Desc: "With dispatch: area code of the lead body. Given alone, it means dispatch too."},
			"lead_unit":   {Desc: "With dispatch: a unit as the lead body."},
			"answer":      {Desc: "Answered on the spot (当场解答; demand.dispatch where it is filed): closes the demand at once with this answer, counted as contacted and resolved (outcome solved). Not with dispatch.", More: `{"maxLength":4000}`},
		}},
		{Name: "DemandTargets", Type: typeOf[demand.Targets](), Desc: "The district's targets for the three rates: a rate at or above its target is met, within 5 points below it near, else below.", Props: map[string]prop{
			"response":     {Desc: "响应率 target, above 0 and at most 1.", More: `{"example":0.95}`},
			"resolution":   {Desc: "解决率 target.", More: `{"example":0.9}`},
			"satisfaction": {Desc: "满意率 target.", More: `{"example":0.9}`},
		}},
		{Name: "DemandTargetsInput", Type: typeOf[targetsInput](), In: true, Required: []string{"response", "resolution", "satisfaction"}, Desc: "Every rate's target, each above 0 and at most 1.", Props: map[string]prop{}},
		{Name: "DemandAction", Type: typeOf[actionBody](), In: true, Required: []string{"action"}, Desc: "One step of the work order. Dispatch, approve_extension, merge, close, reopen and callback belong to the owner's staff (demand.dispatch); sign, return, contact, extend and resolve to the lead body's (demand.handle); approve_unreasonable to a second person at street level or above; urge (催办: presses whoever's step it is, with a note; nothing else changes) and recall (撤回改派: takes a dispatched, signed or in-progress demand from its lead and dispatches it to another body, with a reason) to the supervising levels (demand.approve: street and district).", Example: `{"action":"dispatch","lead":"310104001001","co_bodies":["31010400100101"],"note":"请尽快联系居民"}`, Props: map[string]prop{
			"action":       {Desc: "The step to take.", Enum: []string{"dispatch", "sign", "return", "contact", "extend", "approve_extension", "resolve", "callback", "reopen", "merge", "close", "mark_unreasonable", "approve_unreasonable", "note", "urge", "recall"}},
			"lead":         {Desc: "dispatch: area code of the lead body (default: the category's routing rule). recall: required, another body than the current lead."},
			"lead_unit":    {Desc: "dispatch, recall: a unit as the lead body."},
			"co_bodies":    {Desc: "dispatch, recall: area codes of co-handling bodies."},
			"reason":       {Desc: "Required for return, extend, reopen, mark_unreasonable and recall."},
			"note":         {Desc: "Any action; required for contact, close, note and urge."},
			"new_due":      {Desc: "extend: the requested resolve deadline, after the current one: RFC 3339, or a date meaning the end of that day in Asia/Shanghai."},
			"approve":      {Desc: "approve_extension, approve_unreasonable."},
			"outcome":      {Desc: "resolve.", Enum: []string{"solved", "partly", "not_solved"}},
			"resolution":   {Desc: "resolve: what was done."},
			"satisfaction": {Desc: "callback.", Enum: []string{"satisfied", "basic", "dissatisfied"}},
			"solved":       {Desc: "callback."},
			"target":       {Desc: "merge: the open demand to merge into."},
		}},
		{Name: "SimilarDemand", Type: typeOf[demand.Similar](), Desc: "A likely duplicate (疑似重复).", Props: map[string]prop{
			"score":   {Desc: "How alike: text first, then place, category and age.", More: `{"minimum":0,"maximum":1}`},
			"address": {Desc: "The address given at intake, which tells the same place from a like complaint elsewhere; empty when none."},
			"status":  {Desc: "received 已受理, dispatched 已派单, returned 已退回, signed 已签收, in_progress 处理中, resolved 已办结, closed 已关闭, merged 已合并.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
		}},
		{Name: "SimilarList", Type: typeOf[itemsJSON[demand.Similar]](), Props: map[string]prop{
			"items": {Desc: "Best first, at most 10."},
		}},
		{Name: "SimilarQuery", Type: typeOf[similarQuery](), In: true, Required: []string{"area", "description"}, Props: map[string]prop{
			"category":    {Desc: "Category code; optional, a match in it scores higher."},
			"area":        {Desc: "Area code."},
			"description": {Desc: "The text being typed."},
		}},
		{Name: "DemandAttribute", Type: typeOf[demand.Attribute](), Desc: "An extra field a category asks for (Open311 attribute).", Props: map[string]prop{
			"datatype": {Enum: []string{"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}},
			"values":   {Desc: "For the list types."},
		}},
		{Name: "DemandCategory", Type: typeOf[demand.Category](), Desc: "A category (诉求分类) with its limits.", Props: map[string]prop{
			"code":          {Desc: "Open311 service_code."},
			"parent":        {Desc: "Parent category code; absent at the top."},
			"contact_limit": {Desc: "A Go duration (45m, 2h) or working days (5wd, using the holiday calendar)."},
			"resolve_limit": {Desc: "A Go duration (45m, 2h) or working days (5wd, using the holiday calendar)."},
			"keywords":      {Desc: "Words that find it on the intake form."},
			"active":        {Desc: "Inactive categories take no new demands."},
		}},
		{Name: "DemandCategoryInput", Type: typeOf[categoryInput](), In: true, Required: []string{"code", "name", "contact_limit", "resolve_limit"}, Desc: "A whole category: saving replaces every field of one with the same code.", Example: `{"code":"noise","name":"噪音扰民","name_en":"Noise","contact_limit":"2h","resolve_limit":"5wd"}`, Props: map[string]prop{
			"code":          {Desc: "Up to 40 characters without spaces, '/' or ','.", More: `{"maxLength":40}`},
			"contact_limit": {Desc: "A Go duration (45m, 2h) or working days (5wd, using the holiday calendar)."},
			"resolve_limit": {Desc: "A Go duration (45m, 2h) or working days (5wd, using the holiday calendar)."},
			"active":        {More: `{"default":true}`},
		}},
		{Name: "DemandCategoryList", Type: typeOf[list[demand.Category]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "DemandRoute", Type: typeOf[demand.Route](), Desc: "A routing rule: who gets a category in an area.", Props: map[string]prop{
			"area":      {Desc: "The rule holds in this area and below, unless a nearer area has its own."},
			"body_area": {Desc: "Area code of the body that handles it by default."},
		}},
		{Name: "DemandRouteInput", Type: typeOf[routeInput](), In: true, Required: []string{"category", "area", "body_area"}, Props: map[string]prop{
			"body_unit": {Desc: "Optional: a unit as the body."},
		}},
		{Name: "DemandRouteList", Type: typeOf[list[demand.Route]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "CalendarDay", Type: typeOf[calendarDay](), Desc: "An exception to the Monday–Friday week.", Props: map[string]prop{
			"date": {Desc: "In Asia/Shanghai.", Format: "date"},
			"kind": {Desc: "holiday 节假日 (off even on a weekday) or workday 调休上班 (on even at a weekend).", Enum: []string{"holiday", "workday"}},
			"name": {Desc: "国庆节", More: `{"maxLength":64}`},
		}},
		{Name: "CalendarList", Type: typeOf[list[calendarDay]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "CalendarInput", Type: typeOf[calendarInput](), In: true, Required: []string{"days"}, Desc: "The days of one or more years; each year they touch is replaced whole.", Props: map[string]prop{
			"days": {More: `{"minItems":1}`},
		}},
		{Name: "CalendarResult", Type: typeOf[calendarResult](), Props: map[string]prop{
			"saved": {Desc: "Days stored."},
			"years": {Desc: "The years replaced."},
		}},
		{Name: "DemandStats", Type: typeOf[demand.Stats](), Desc: "The figures and the three rates of an area's subtree over a period (docs/demand-rates.md).", Props: map[string]prop{
			"from":              {Format: "date"},
			"to":                {Desc: "Inclusive.", Format: "date"},
			"category":          {Desc: "Present when the figures are for one category."},
			"received":          {Desc: "受理量: demands received (merged duplicates and approved unreasonable ones excluded)."},
			"response_base":     {Desc: "Demands whose contact limit has passed or that were contacted."},
			"responded":         {Desc: "First contact within the contact limit."},
			"rated":             {Desc: "Rated at the callback."},
			"solved":            {Desc: "Rated and said solved."},
			"satisfied":         {Desc: "Rated satisfied or basically satisfied."},
			"open":              {Desc: "Still being handled."},
			"response_rate":     {Desc: "响应率 = responded / response_base; null when response_base is 0.", More: `{"minimum":0,"maximum":1}`},
			"resolution_rate":   {Desc: "解决率 = solved / rated; null when nothing was rated.", More: `{"minimum":0,"maximum":1}`},
			"satisfaction_rate": {Desc: "满意率 = satisfied / rated; null when nothing was rated.", More: `{"minimum":0,"maximum":1}`},
		}},
		{Name: "DemandFigure", Type: typeOf[demand.Figure](), Props: map[string]prop{
			"key":     {Desc: "Category code, area code or day."},
			"name":    {Desc: "Its name (the day again for days)."},
			"name_en": {Desc: "A category's or area's English name; empty when none is set, and for days."},
		}},
		{Name: "DemandBreakdown", Type: typeOf[demand.Breakdown](), Props: map[string]prop{
			"by_category": {Desc: "Most received first."},
			"by_area":     {Desc: "Each child area; empty for a residential area."},
			"by_day":      {Desc: "Days with demands, in order."},
		}},
		{Name: "DemandMap", Type: typeOf[demand.GridMap](), Desc: "A GeoJSON FeatureCollection (RFC 7946); area, from, to, category, level and borders are foreign members.", Props: map[string]prop{
			"type":     {Enum: []string{"FeatureCollection"}},
			"from":     {Format: "date"},
			"to":       {Desc: "Inclusive.", Format: "date"},
			"category": {Desc: "Present when the figures are for one category."},
			"level":    {Desc: "The level of the features: street for a district, else grid.", Enum: []string{"grid", "street"}},
			"features": {Desc: "In tree order."},
			"borders":  {Desc: "On a map of grids, each residential area's outline: the border of the union of its grids, as closed rings of [longitude, latitude] pairs (several when the grids are apart or leave a hole), with the area's code (id), name and the codes of its grids on the map (grids). Empty on a map of streets."},
		}},
		{Name: "DemandMapFeature", Type: typeOf[demand.MapFeature](), Props: map[string]prop{
			"type":                   {Enum: []string{"Feature"}},
			"id":                     {Desc: "The area code."},
			"geometry.type":          {Enum: []string{"Polygon"}},
			"geometry.coordinates":   {Desc: "One closed ring of [longitude, latitude] pairs, counterclockwise."},
			"properties":             {Desc: "The area's figures over the period (key is its code) and the name of the area above it."},
			"properties.parent_name": {Desc: "The residential area or lane of a grid, the district of a street: grid names repeat."},
		}},
		{Name: "InboxItem", Type: typeOf[notify.Item](), Desc: "A notice in the caller's inbox (站内信).", Props: map[string]prop{
			"kind":       {Desc: "assignment 派单, reminder 临期提醒, escalation 督办, return 退单, extension 延期, callback 回访, info.", Enum: []string{"assignment", "reminder", "escalation", "return", "extension", "callback", "info"}},
			"title":      {Desc: "Worded in the caller's language (Accept-Language, else the user's language, else Chinese)."},
			"title_code": {Desc: "A title the system made, as a code (e.g. notice.dispatched); absent for a title a person wrote."},
			"title_args": {Desc: "The code's arguments, e.g. {\"id\": \"42\"}."},
			"link":       {Desc: "A page of the web app, e.g. /demands/42."},
		}},
		{Name: "InboxList", Type: typeOf[inboxJSON](), Props: map[string]prop{
			"total":    {Desc: "Notices matching (all, or unread only)."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
			"unread":   {Desc: "Unread notices in the whole inbox."},
		}},
		{Name: "InboxRead", Type: typeOf[readInput](), In: true, Desc: "ids or all, not both.", Example: `{"ids":[12,13]}`, Props: map[string]prop{
			"ids": {Desc: "Notices to mark read; ids not the caller's are ignored.", More: `{"maxItems":500}`},
			"all": {Desc: "Mark every notice read."},
		}},
		{Name: "InboxUnread", Type: typeOf[unreadJSON]()},
		{Name: "Webhook", Type: typeOf[notify.Webhook](), Desc: "An endpoint receiving signed events. The secret is never listed.", Props: map[string]prop{
			"events":        {Desc: "Event names (demand.dispatched), families (demand.*) or *."},
			"secret_prefix": {Desc: "The first characters of the secret, to tell which one a receiver holds."},
		}},
		{Name: "WebhookSecret", Type: typeOf[webhookSecret](), Props: map[string]prop{
			"secret": {Desc: "The HMAC signing secret (whsec_…). Shown this once."},
		}},
		{Name: "WebhookInput", Type: typeOf[webhookInput](), In: true, Required: []string{"url"}, Example: `{"url":"https://ops.example.gov.cn/hooks/gongzhi","events":["demand.*"]}`, Props: map[string]prop{
			"url":    {Desc: "Absolute http(s) URL.", More: `{"maxLength":2000}`},
			"events": {Desc: "Default: every event (*)."},
		}},
		{Name: "WebhookPatch", Type: typeOf[webhookPatch](), In: true, Desc: "Absent fields stay as they are.", Props: map[string]prop{
			"url":    {More: `{"maxLength":2000}`},
			"active": {Desc: "Inactive endpoints keep their queued deliveries until switched on."},
		}},
		{Name: "WebhookList", Type: typeOf[list[notify.Webhook]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "WebhookDelivery", Type: typeOf[notify.Delivery](), Props: map[string]prop{
			"payload": {Desc: "The JSON body sent (and signed), as text."},
			"status":  {Enum: []string{"pending", "delivered", "failed"}},
		}},
		{Name: "WebhookDeliveryList", Type: typeOf[list[notify.Delivery]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "Job", Type: typeOf[jobJSON](), Desc: "One background job.", Props: map[string]prop{
			"kind":       {Desc: "What the job does: demand.contact_remind, demand.resolve_remind, demand.contact_due, demand.resolve_due, demand.escalate_contact, demand.escalate_resolve, notify.webhook, notify.email; capabilities add their own."},
			"key":        {Desc: "Makes the job unique per kind while pending: a demand's id for its timers, a delivery's or e-mail's id for sending it."},
			"args":       {Desc: "The handler's input, e.g. {\"demand_id\":42,\"due\":\"…\"}."},
			"state":      {Enum: []string{"pending", "running", "done", "dead", "cancelled"}, Desc: "pending: waiting for run_at; running: a server holds it until run_at (its lease); done; dead: out of attempts; cancelled."},
			"run_at":     {Desc: "When it is due; while running, when its lease ends; once finished, when it was due."},
			"attempts":   {Desc: "How many times a server has started it."},
			"last_error": {Desc: "The last failed attempt's error; empty when none."},
			"done_at":    {Desc: "When it finished (done, dead or cancelled); null before."},
		}},
		{Name: "JobTally", Type: typeOf[jobs.Tally](), Props: map[string]prop{
			"state": {Enum: []string{"pending", "running", "done", "dead", "cancelled"}},
		}},
		{Name: "JobList", Type: typeOf[jobListJSON](), Props: map[string]prop{
			"tallies":  {Desc: "Every job counted by kind and state (not only this page's)."},
			"total":    {Desc: "Number of jobs matching the filters on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "Redelivery", Type: typeOf[redeliveryJSON](), Props: map[string]prop{
			"status": {Enum: []string{"pending"}},
		}},
		{Name: "VisitCampaign", Type: typeOf[demand.Campaign](), Desc: "A quarter's visiting campaign (满意在徐汇·服务在基层).", Props: map[string]prop{
			"quarter":   {More: `{"pattern":"^[0-9]{4}Q[1-4]$"}`},
			"starts_on": {Format: "date"},
			"ends_on":   {Format: "date"},
			"area":      {Desc: "The area every residential area of which is to be visited."},
		}},
		{Name: "VisitCampaignInput", Type: typeOf[campaignInput](), In: true, Required: []string{"quarter", "area"}, Desc: "One campaign per area and quarter.", Example: `{"quarter":"2026Q4","area":"310104"}`, Props: map[string]prop{
			"name":    {Desc: "Default: {quarter} 满意在徐汇·服务在基层."},
			"quarter": {More: `{"pattern":"^[0-9]{4}Q[1-4]$"}`},
		}},
		{Name: "VisitCampaignList", Type: typeOf[list[demand.Campaign]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "TeamMember", Type: typeOf[demand.TeamMember](), Props: map[string]prop{
			"role": {Desc: "cadre 干部, deputy 人大代表, cppcc 政协委员, lawyer 律师.", Enum: []string{"cadre", "deputy", "cppcc", "lawyer"}},
		}},
		{Name: "VisitTeam", Type: typeOf[demand.Team](), Props: map[string]prop{
			"org":  {Desc: "The body's party organisation."},
			"area": {Desc: "The residential area it visits."},
		}},
		{Name: "VisitTeamInput", Type: typeOf[teamInput](), In: true, Required: []string{"name", "area"}, Props: map[string]prop{
			"area": {Desc: "A residential area inside the campaign's area."},
		}},
		{Name: "VisitTeamList", Type: typeOf[list[demand.Team]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "AreaVisits", Type: typeOf[demand.AreaVisits](), Props: map[string]prop{
			"street":     {Desc: "The street's name."},
			"last_visit": {Desc: "Date of the last visit; empty when none."},
			"demands":    {Desc: "Demands filed from its visits."},
		}},
		{Name: "VisitCoverage", Type: typeOf[visitCoverageJSON](), Desc: "Every residential area under the campaign in the caller's scope, the unvisited first.", Props: map[string]prop{
			"total":    {Desc: "Residential areas in the caller's scope."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
			"visited":  {Desc: "Areas with at least one visit."},
		}},
		{Name: "VisitInput", Type: typeOf[visitInput](), In: true, Required: []string{"team", "visited_on", "met"}, Props: map[string]prop{
			"visited_on": {Desc: "A day of the campaign's quarter.", Format: "date"},
			"met":        {Desc: "Who the team met."},
			"raised":     {Desc: "What was raised, in brief."},
			"demands":    {Desc: "Demands to file from the visit (channel visit; area defaults to the team's). A bad one is named demands[i].field."},
		}},
		{Name: "Visit", Type: typeOf[demand.VisitRecord](), Props: map[string]prop{
			"visited_on":      {Format: "date"},
			"demands":         {Desc: "Ids of the demands filed."},
			"tracking_tokens": {Desc: "Private tracking tokens of the demands filed at this visit, in the order of `demands`; shown once, only in the answer to POST /visits."},
		}},
		{Name: "TrackedEvent", Type: typeOf[trackedEvent](), Desc: "A public step: notes are not shown.", Props: map[string]prop{
			"actor":      {Desc: "The actor's kind worded in the caller's language (Accept-Language, else Chinese): 居民/Resident, 工作人员/Staff, 系统/System. Never a name."},
			"actor_kind": {Enum: []string{"staff", "resident", "system"}},
			"from":       {Desc: "received 已受理, dispatched 已派单, returned 已退回, signed 已签收, in_progress 处理中, resolved 已办结, closed 已关闭, merged 已合并.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
			"to":         {Desc: "received 已受理, dispatched 已派单, returned 已退回, signed 已签收, in_progress 处理中, resolved 已办结, closed 已关闭, merged 已合并.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
		}},
		{Name: "Tracked", Type: typeOf[trackedJSON](), Desc: "What the resident sees through the private link: progress, no one's personal data (no reporter, no staff name, no notes).", Props: map[string]prop{
			"status":      {Desc: "received 已受理, dispatched 已派单, returned 已退回, signed 已签收, in_progress 处理中, resolved 已办结, closed 已关闭, merged 已合并.", Enum: []string{"received", "dispatched", "returned", "signed", "in_progress", "resolved", "closed", "merged"}},
			"description": {Desc: "Long digit runs (phone numbers) masked."},
			"handler":     {Desc: "The body handling it (a street, residential area or grid) with its parents, in the reader's language; empty before dispatch."},
			"outcome":     {Enum: []string{"", "solved", "partly", "not_solved"}},
			"resolution":  {Desc: "What was done; digit runs masked."},
			"can_rate":    {Desc: "The holder of this link may rate now."},
			"my_rating":   {Enum: []string{"", "satisfied", "basic", "dissatisfied"}},
			"attachments": {Desc: "Only the files filed with this link's own report: not those staff added later, nor other reporters' after a merge."},
		}},
		{Name: "TrackLookupInput", Type: typeOf[lookupBody](), In: true, Example: `{"number":1024,"phone_last4":"5678"}`, Desc: "number with phone_last4, or code alone.", Props: map[string]prop{
			"number":      {Desc: "The demand's number, as given after reporting."},
			"phone_last4": {Desc: "The last four digits of the phone the demand was reported with.", More: `{"pattern":"^[0-9]{4}$"}`},
			"code":        {Desc: "The short code (查询码) alone, instead of number and phone_last4: eight letters and digits like ABCD-EFGH; case, spaces and dashes do not matter."},
		}},
		{Name: "RateInput", Type: typeOf[rateBody](), In: true, Required: []string{"satisfaction", "solved"}, Example: `{"satisfaction":"satisfied","solved":true}`, Props: map[string]prop{
			"satisfaction": {Desc: "满意, 基本满意, 不满意.", Enum: []string{"satisfied", "basic", "dissatisfied"}},
			"solved":       {Desc: "Was the problem solved?"},
		}},
		{Name: "Attachment", Type: typeOf[demand.Attachment](), Desc: "A photo or file of a demand (附件), without its bytes: GET /demands/{id}/attachments/{aid} serves them.", Props: map[string]prop{
			"name":         {Desc: "The uploaded file's base name, ending in an extension of its real type."},
			"content_type": {Desc: "Detected from the bytes, never taken from the client.", Enum: []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}},
			"size":         {Desc: "Bytes."},
			"sha256":       {Desc: "Hex SHA-256 of the bytes."},
			"at_intake":    {Desc: "Filed with the demand; the reporter sees it through the tracking link."},
		}},
		{Name: "AttachmentList", Type: typeOf[itemsJSON[demand.Attachment]]()},
		{Name: "TrackedAttachment", Type: typeOf[trackedFile](), Desc: "A photo or file the link's holder filed with their report; GET /track/{token}/attachments/{aid} serves it.", Props: map[string]prop{
			"name":         {Desc: "The uploaded file's base name, ending in an extension of its real type."},
			"content_type": {Desc: "Detected from the bytes, never taken from the client.", Enum: []string{"image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf"}},
			"size":         {Desc: "Bytes."},
		}},
		{Name: "Contact", Type: typeOf[auth.ContactChange](), In: true, Props: map[string]prop{
			"phone": {Desc: "Digits, spaces and + - ( ); empty to clear.", More: `{"maxLength":32}`},
			"email": {Desc: "An address like name@example.com; empty to clear."},
		}},
	}
}

// sharedParams are the parameters of components/parameters, by name.
func sharedParams() map[string]Param {
	return map[string]Param{
		"page":          {Name: "page", Desc: "Page number, from 1.", Schema: `{"type":"integer","minimum":1,"default":1}`},
		"per_page":      {Name: "per_page", Desc: "Items per page.", Schema: `{"type":"integer","minimum":1,"maximum":500,"default":50}`},
		"id":            {Name: "id", In: "path", Schema: `{"type":"integer","format":"int64"}`},
		"unitArea":      {Name: "area", Desc: "Only units in this area's subtree. Unknown code: 400; outside the caller's unit scope: 403."},
		"unitKind":      {Name: "kind", Desc: "Only this kind (code or Chinese label).", Schema: `{"type":"string","enum":["regional_unit","non_public_enterprise","social_organization","shop"],"description":"regional_unit 区域单位, non_public_enterprise 非公企业, social_organization 社会组织, shop 沿街商铺. Input also accepts the Chinese labels."}`},
		"unitGroup":     {Name: "group", Desc: "Only this coverage group.", Schema: `{"type":"string","enum":["shop","two_new","regional_unit"]}`},
		"unitQ":         {Name: "q", Desc: "Name contains."},
		"unitCovered":   {Name: "covered", Desc: "Only covered (true) or uncovered (false) units.", Schema: `{"type":"boolean"}`},
		"orgArea":       {Name: "area", Desc: "Only records in this area's subtree. Unknown code: 400; outside the caller's org.read scope: 403."},
		"statsArea":     {Name: "area", Desc: "Area code (its subtree). Unknown: 404; outside the caller's demand scope: 403.", Required: true},
		"statsFrom":     {Name: "from", Desc: "First day, YYYY-MM-DD (Asia/Shanghai). Default: 29 days before to.", Schema: `{"type":"string","format":"date"}`},
		"statsTo":       {Name: "to", Desc: "Last day, inclusive. Default: today.", Schema: `{"type":"string","format":"date"}`},
		"statsCategory": {Name: "category", Desc: "Only this category (unknown: 400)."},
		"token":         {Name: "token", In: "path", Desc: "The secret of the resident's tracking link."},
	}
}

// errorResponses are the error answers of components/responses, all in
// the one error shape.
func errorResponses() []errorResponse {
	return []errorResponse{
		{Status: 400, Name: "BadRequest", Desc: "Invalid input (EINVALID): a malformed or unknown field, a wrong type, a bad query parameter or a bad import cell. details names each field (and for imports row and column)."},
		{Status: 401, Name: "Unauthorized", Desc: "Missing, invalid or revoked bearer token (EUNAUTHORIZED).", Header: Header{"WWW-Authenticate", "Bearer realm=\"gongzhi\""}},
		{Status: 403, Name: "Forbidden", Desc: "The caller's roles do not allow this here (EFORBIDDEN)."},
		{Status: 404, Name: "NotFound", Desc: "No such record, or one the caller may not know of (ENOTFOUND)."},
		{Status: 409, Name: "Conflict", Desc: "Duplicate, or not allowed in the record's current state (ECONFLICT)."},
		{Status: 422, Name: "Unavailable", Desc: "Well formed, but outside what the record offers (EUNAVAILABLE): a booking outside the venue's opening hours or dates, or of a paused venue."},
		{Status: 413, Name: "TooLarge", Desc: "Body over its limit: 1 MiB for JSON, 26 MiB for an upload of photos, 64 MiB for an import file (ETOOLARGE)."},
		{Status: 500, Name: "Internal", Desc: "Our fault (EINTERNAL); logged with the request id, never detailed."},
		{Status: 429, Name: "TooMany", Desc: "Throttled (ETOOMANY): too many failed password checks; wait 15 minutes."},
	}
}

// docTags are the tags of the document: name and description.
func docTags() [][2]string {
	return [][2]string{
		{"meta", ""},
		{"auth", ""},
		{"areas", ""},
		{"units", ""},
		{"org", "The organisation network (组织体系): party organisations, the promotion association, part-time committee members, service points."},
		{"stats", ""},
		{"users", ""},
		{"audit", ""},
		{"demands", "The demand loop (民情诉求): categories, routing, the working-day calendar, intake, the work order, duplicates and search."},
		{"inbox", "The staff inbox (站内信)."},
		{"webhooks", "Outgoing webhooks, HMAC-signed, with a delivery log (district admin)."},
		{"visits", "Visiting campaigns (满意在徐汇·服务在基层)."},
		{"jobs", "Background jobs (后台任务): SLA timers, webhook deliveries, e-mail; the operator's view with retry and cancel (district admin of the district)."},
		{"track", "The resident's private tracking link: public, no token."},
		{"lists", "三张清单: residents' needs, the resources units and others offer, and the matches people confirm between them."},
		{"projects", "Service projects (项目清单) from proposal to residents' evaluation, the claim list, and their figures."},
		{"booking", "Bookings of venue resources inside their opening hours; the database keeps live bookings of a venue from overlapping."},
		{"fund", "The community fund (社区公益基金): an append-only ledger in fen, disbursements with a second approval."},
		{"delib", "Deliberation (自治协商): topics residents raise and support until staff owe an answer, and secret votes whose published receipts let anyone recount the tally."},
		{"survey", "Residents' evaluation of their committee (居委会测评): campaigns per committee and period, anonymous one-time links, scores with 95% intervals."},
		{"alliance", "Alliances (三联盟): charters, membership criteria, members (units, people, offices), their commitments and what was done."},
	}
}

const (
	docTitle = "gongzhi (共治) API"
	// docDescription opens the document: what every call has in common.
	docDescription = "JSON API of gongzhi, party-building-led grassroots governance. Every call but this document, the resident's tracking link (/track/{token}) a project's rating link (/project-ratings/{token}) a fund's public figures (/funds/{id}/public), a household's ballot link (POST /ballots/{token}) and a closed vote's receipts (/votes/{id}/receipts) needs `Authorization: Bearer TOKEN` (make one with `gongzhi token create` or POST /tokens). What a caller may read or change follows their roles and the areas those are granted on (each reaching the area's subtree). Lists answer {\"items\":[…],\"total\":N,\"page\":P,\"per_page\":N} with page (from 1) and per_page (default 50, at most 500). JSON bodies are at most 1 MiB; unknown fields are refused. Errors are {\"error\":{\"code\",\"message\",\"details\"}}; an unknown path is 404 and a wrong method 405 (EMETHOD, with an Allow header), both in the same shape."
)
