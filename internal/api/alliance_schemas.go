package api

import "gongzhi/internal/alliance"

// allianceSchemas are the named schemas of alliances (see namedSchemas).
func allianceSchemas() []schemaDef {
	date := prop{Desc: "A date, 2026-07-01.", Format: "date"}
	return []schemaDef{
		{Name: "Alliance", Type: typeOf[alliance.Alliance](), Desc: "An alliance (联盟) of an area.", Props: map[string]prop{
			"area":           {Desc: "Area code."},
			"charter":        {Desc: "The charter (章程)."},
			"criteria":       {Desc: "Who may join (membership criteria)."},
			"members":        {Desc: "Number of current members."},
			"member_list":    {Desc: "The current members; in lists, left out."},
			"former_members": {Desc: "Members who left, with the day and the reason; in lists, left out."},
			"commitments":    {Desc: "Commitments by due date, with what was done; in lists, left out."},
		}},
		{Name: "AllianceList", Type: typeOf[list[alliance.Alliance]](), Props: map[string]prop{
			"total":    {Desc: "Number of matching records on all pages."},
			"page":     {More: `{"minimum":1}`},
			"per_page": {More: `{"minimum":1,"maximum":500}`},
		}},
		{Name: "AllianceFulfilment", Type: typeOf[alliance.Fulfilment](), Desc: "How members stand against their commitments (承诺兑现).", Props: map[string]prop{
			"late":     {Desc: "Done after the due date."},
			"not_kept": {Desc: "Closed as not kept."},
			"overdue":  {Desc: "Open and due before today."},
			"due_pct":  {Desc: "Done of those due by today or closed, percent; 100 when none is due."},
		}},
		{Name: "AllianceInput", Type: typeOf[alliance.Input](), In: true, Required: []string{"area", "name", "charter", "criteria"}, Props: map[string]prop{
			"area":     {Desc: "Area code (alliance.write there)."},
			"name":     {More: `{"maxLength":100}`},
			"charter":  {More: `{"maxLength":10000}`},
			"criteria": {More: `{"maxLength":4000}`},
		}},
		{Name: "AllianceMember", Type: typeOf[alliance.Member](), Props: map[string]prop{
			"kind":        {Enum: alliance.Kinds},
			"unit_id":     {Desc: "The unit, for a unit member; null otherwise."},
			"duty":        {Desc: "Its part in the alliance (理事单位, 联络员…)."},
			"place":       {Desc: "An office's or window's address and hours."},
			"joined_on":   date,
			"left_on":     {Desc: "The day the member left; empty while a member."},
			"left_reason": {Desc: "Why the member left; empty while a member."},
		}},
		{Name: "AllianceMemberInput", Type: typeOf[alliance.MemberInput](), In: true, Required: []string{"kind"}, Props: map[string]prop{
			"kind":      {Enum: alliance.Kinds},
			"name":      {Desc: "A person's or office's name; a unit's comes from the unit list.", More: `{"maxLength":100}`},
			"unit_id":   {Desc: "Required for a unit: a unit of the alliance's area."},
			"duty":      {More: `{"maxLength":100}`},
			"place":     {Desc: "Required for an office.", More: `{"maxLength":200}`},
			"joined_on": {Desc: "A date, 2026-07-01; today when left out.", Format: "date"},
		}},
		{Name: "AllianceCommitment", Type: typeOf[alliance.Commitment](), Desc: "A member's commitment (承诺).", Props: map[string]prop{
			"member":      {Desc: "The member's name."},
			"member_left": {Desc: "The member has left the alliance."},
			"target":      {Desc: "What counts as kept; may be empty."},
			"due_on":      date,
			"status":      {Enum: []string{alliance.StatusOpen, alliance.StatusKept, alliance.StatusNotKept}},
			"done_on":     {Desc: "The day it was closed as kept; empty until then."},
			"not_kept_on": {Desc: "The day it was closed as not kept; empty unless so."},
			"close_note":  {Desc: "The note written when it was closed; empty for one closed by a progress entry."},
			"overdue":     {Desc: "Open and due before today."},
		}},
		{Name: "AllianceProgress", Type: typeOf[alliance.Progress](), Desc: "What was done against a commitment.", Props: map[string]prop{
			"done_on": date,
			"by":      {Desc: "Who recorded it."},
		}},
		{Name: "AllianceCommitmentInput", Type: typeOf[alliance.CommitmentInput](), In: true, Required: []string{"member_id", "text", "due_on"}, Props: map[string]prop{
			"member_id": {Desc: "A member of this alliance."},
			"text":      {More: `{"maxLength":1000}`},
			"target":    {Desc: "What counts as kept.", More: `{"maxLength":500}`},
			"due_on":    date,
		}},
		{Name: "AllianceLeaveInput", Type: typeOf[alliance.LeaveInput](), In: true, Required: []string{"reason"}, Props: map[string]prop{
			"left_on": {Desc: "A date, 2026-07-01, not after today nor before the member joined; today when left out.", Format: "date"},
			"reason":  {Desc: "Why the member leaves.", More: `{"maxLength":500}`},
		}},
		{Name: "AllianceCommitmentEdit", Type: typeOf[alliance.CommitmentEdit](), In: true, Desc: "Absent fields stay as they are; at least one is given.", Props: map[string]prop{
			"text":   {More: `{"maxLength":1000}`},
			"target": {Desc: "What counts as kept; empty clears it.", More: `{"maxLength":500}`},
			"due_on": date,
		}},
		{Name: "AllianceCloseInput", Type: typeOf[alliance.CloseInput](), In: true, Required: []string{"outcome", "note"}, Props: map[string]prop{
			"outcome":   {Enum: alliance.Outcomes},
			"note":      {Desc: "How the commitment ends.", More: `{"maxLength":2000}`},
			"closed_on": {Desc: "A date, 2026-07-01, not after today; today when left out.", Format: "date"},
		}},
		{Name: "AllianceProgressInput", Type: typeOf[alliance.ProgressInput](), In: true, Required: []string{"note"}, Props: map[string]prop{
			"note":    {More: `{"maxLength":2000}`},
			"done_on": {Desc: "A date, 2026-07-01, not after today; today when left out.", Format: "date"},
			"done":    {Desc: "The commitment is kept: it closes on done_on."},
		}},
	}
}
