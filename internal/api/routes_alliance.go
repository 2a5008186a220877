package api

import "gongzhi/internal/alliance"

// allianceRoutes are the endpoints of alliances (三联盟): an area's alliance
// of units, people and offices with its charter and membership criteria,
// its members' commitments (承诺) and what was done against them.
func allianceRoutes() []route {
	page := []Param{{Ref: "page"}, {Ref: "per_page"}}
	write := []int{400, 403, 404, 409, 413}
	return []route{
		{Route{Method: "GET", Path: "/alliances", Op: Op{ID: "listAlliances", Tag: "alliance",
			Summary: "Alliances in the caller's scope (alliance.read), by name, with their member count and how commitments stand.",
			Params:  append([]Param{{Name: "area", Desc: "Only alliances in this area's subtree (unknown: 400)."}}, page...),
			Resps:   []Resp{{Status: 200, Desc: "One page of alliances.", Type: typeOf[list[alliance.Alliance]]()}},
			Errs:    []int{400, 403}}}, (*server).listAlliances},
		{Route{Method: "POST", Path: "/alliances", Op: Op{ID: "createAlliance", Tag: "alliance",
			Summary: "Found an alliance in an area (alliance.write there) with its charter (章程) and membership criteria; names are unique in an area.",
			Body:    &Body{Type: typeOf[alliance.Input]()},
			Resps:   []Resp{{Status: 201, Desc: "The alliance.", Type: typeOf[alliance.Alliance](), Location: true}},
			Errs:    []int{400, 403, 413}}}, (*server).createAlliance},
		{Route{Method: "GET", Path: "/alliances/{id}", Op: Op{ID: "getAlliance", Tag: "alliance",
			Summary: "One alliance with its members, commitments (due, done, overdue) and what was done against each (alliance.read).",
			Resps:   []Resp{{Status: 200, Desc: "The alliance.", Type: typeOf[alliance.Alliance]()}},
			Errs:    []int{404}}}, (*server).getAlliance},
		{Route{Method: "POST", Path: "/alliances/{id}/members", Op: Op{ID: "addAllianceMember", Tag: "alliance",
			Summary: "Admit a member (alliance.write): a unit of the alliance's area by its id, a person, or an office or service window with where and when it serves.",
			Body:    &Body{Type: typeOf[alliance.MemberInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The member.", Type: typeOf[alliance.Member]()}},
			Errs:    write}}, (*server).addAllianceMember},
		{Route{Method: "POST", Path: "/alliances/{id}/commitments", Op: Op{ID: "addAllianceCommitment", Tag: "alliance",
			Summary: "Record a member's commitment (承诺) with its due date (alliance.write).",
			Body:    &Body{Type: typeOf[alliance.CommitmentInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The commitment.", Type: typeOf[alliance.Commitment]()}},
			Errs:    write}}, (*server).addAllianceCommitment},
		{Route{Method: "POST", Path: "/alliance-commitments/{id}/progress", Op: Op{ID: "recordAllianceProgress", Tag: "alliance",
			Summary: "Record what was done against a commitment (alliance.write); done: true closes it as kept on done_on. A closed commitment takes no more entries (409).",
			Body:    &Body{Type: typeOf[alliance.ProgressInput]()},
			Resps:   []Resp{{Status: 201, Desc: "The alliance, with the entry.", Type: typeOf[alliance.Alliance]()}},
			Errs:    write}}, (*server).recordAllianceProgress},
		{Route{Method: "POST", Path: "/alliance-members/{id}/leave", Op: Op{ID: "leaveAlliance", Tag: "alliance",
			Summary: "End a membership (alliance.write, as admitting): the day and the reason. The member stays in the record as a former member with its commitments; a membership that has ended does not end again (409).",
			Body:    &Body{Type: typeOf[alliance.LeaveInput]()},
			Resps:   []Resp{{Status: 200, Desc: "The former member.", Type: typeOf[alliance.Member]()}},
			Errs:    write}}, (*server).leaveAlliance},
		{Route{Method: "PATCH", Path: "/alliance-commitments/{id}", Op: Op{ID: "editAllianceCommitment", Tag: "alliance",
			Summary: "Change an open commitment's text, target or due date (alliance.write); the audit log keeps each change before and after. A closed commitment is not edited (409).",
			Body:    &Body{Type: typeOf[alliance.CommitmentEdit]()},
			Resps:   []Resp{{Status: 200, Desc: "The commitment after the change.", Type: typeOf[alliance.Commitment]()}},
			Errs:    write}}, (*server).editAllianceCommitment},
		{Route{Method: "POST", Path: "/alliance-commitments/{id}/close", Op: Op{ID: "closeAllianceCommitment", Tag: "alliance",
			Summary: "Close an open commitment as kept or not kept, with a note (alliance.write). What was done against it stays; a closed commitment is not closed again (409).",
			Body:    &Body{Type: typeOf[alliance.CloseInput]()},
			Resps:   []Resp{{Status: 200, Desc: "The closed commitment.", Type: typeOf[alliance.Commitment]()}},
			Errs:    write}}, (*server).closeAllianceCommitment},
	}
}
