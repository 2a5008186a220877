package api_test

import (
	"context"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// listsMatrixRows are the matrix rows of needs, resources and projects.
// Targets: records in ResA1 vs ResB1 (resources of the unit in each), made
// afresh for every cell that changes one; stats of ResA1 vs the district.
func listsMatrixRows() map[string]matrixRow {
	ctx, sys := context.Background(), auth.SystemPrincipal()
	where := func(out bool) string { return pick(out, testkit.ResA1, testkit.ResB1) }
	need := func(e *env, out bool) string {
		n, err := e.lists.CreateNeed(ctx, sys, lists.NeedInput{Title: "夜间停车", Category: "parking", Area: where(out)})
		if err != nil {
			e.t.Fatal(err)
		}
		return strconv.FormatInt(n.ID, 10)
	}
	resource := func(e *env, out bool) string {
		unit := e.f.Units[pick(out, testkit.UnitInA1, testkit.UnitInB1)]
		r, err := e.lists.CreateResource(ctx, sys, lists.ResourceInput{Title: "停车位", Kind: "parking", Categories: []string{"parking"},
			UnitID: &unit, Capacity: 10, CapacityUnit: "spaces"})
		if err != nil {
			e.t.Fatal(err)
		}
		return strconv.FormatInt(r.ID, 10)
	}
	project := func(e *env, out bool, to ...string) lists.Project {
		p, err := e.lists.CreateProject(ctx, sys, lists.ProjectInput{Title: "楼道微更新", Domain: "livelihood", Area: where(out), Claimable: true,
			Milestones: []string{"方案"}})
		if err != nil {
			e.t.Fatal(err)
		}
		for _, s := range to {
			if p, err = e.lists.MoveProject(ctx, sys, p.ID, s, "", nil); err != nil {
				e.t.Fatal(err)
			}
		}
		return p
	}
	// code is a single-use rating code of a project in ResA1.
	code := func(e *env, p lists.Project) string {
		c, err := e.lists.IssueRatingCodes(ctx, sys, p.ID, 1)
		if err != nil {
			e.t.Fatal(err)
		}
		return c[0].Code
	}
	confirmed := func(e *env, out bool) string {
		n, err := e.lists.CreateNeed(ctx, sys, lists.NeedInput{Title: "夜间停车", Category: "parking", Area: where(out)})
		if err != nil {
			e.t.Fatal(err)
		}
		r, _ := strconv.ParseInt(resource(e, out), 10, 64)
		m, err := e.lists.ConfirmMatch(ctx, sys, n.ID, r)
		if err != nil {
			e.t.Fatal(err)
		}
		return strconv.FormatInt(m.ID, 10)
	}
	answer := func(verb string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/matches/" + confirmed(e, out) + "/" + verb, nil
		}
	}
	id := func(p lists.Project) string { return strconv.FormatInt(p.ID, 10) }
	list := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return path + "?area=" + where(out), nil
		}
	}
	const (
		listIn    = "200 200 200 empty 200 403 403 200"
		listOut   = "200 empty empty empty empty 403 403 200"
		readIn    = "200 200 200 404 200 404 404 200"
		readOut   = "200 404 404 404 404 404 404 200"
		writeIn   = "201 201 201 403 403 403 403 403"
		writeOut  = "201 403 403 403 403 403 403 403"
		changeIn  = "200 200 200 404 403 404 404 403"
		changeOut = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /needs": {"needs of ResA1 vs ResB1", list("/needs"), listIn, listOut},
		"POST /needs": {"a need in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/needs", map[string]any{"title": "助餐", "category": "meals", "area": where(out)}
		}, writeIn, writeOut},
		"GET /needs/{id}": {"a need in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/needs/" + need(e, out), nil
		}, readIn, readOut},
		"POST /needs/{id}/status": {"closing a need in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/needs/" + need(e, out) + "/status", map[string]any{"status": "closed"}
		}, changeIn, changeOut},
		"GET /needs/{id}/candidates": {"a need in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/needs/" + need(e, out) + "/candidates", nil
		}, readIn, readOut},
		"GET /matching/plan": {"the plan of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/matching/plan?area=" + where(out), nil
		}, "200 200 200 403 403 403 403 403", "200 403 403 403 403 403 403 403"},
		// A need the caller cannot see is an unknown reference in the body: 400.
		"POST /matches": {"a need in ResA1 with the ResA1 unit's parking vs the same in ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			n, _ := strconv.ParseInt(need(e, out), 10, 64)
			res, _ := strconv.ParseInt(resource(e, out), 10, 64)
			return "/matches", map[string]any{"need_id": n, "resource_id": res}
		}, "201 201 201 400 403 403 403 403", "201 400 400 400 403 403 403 403"},
		"POST /matches/{id}/accept":  {"a match of the ResA1 unit's resource vs the ResB1 unit's", answer("accept"), "200 200 200 404 200 404 404 403", changeOut},
		"POST /matches/{id}/decline": {"a match of the ResA1 unit's resource vs the ResB1 unit's", answer("decline"), "200 200 200 404 200 404 404 403", changeOut},
		"GET /resources":             {"resources of ResA1 vs ResB1", list("/resources"), listIn, listOut},
		// The liaison offers its own unit's resource, not another unit's.
		"POST /resources": {"a resource of the ResA1 unit vs the ResB1 unit", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/resources", map[string]any{"title": "活动室", "kind": "venue", "categories": []string{"venue", "culture"},
				"unit_id": e.f.Units[pick(out, testkit.UnitInA1, testkit.UnitInB1)], "capacity": 30, "capacity_unit": "people", "windows": "6 09:00-12:00"}
		}, "201 201 201 403 201 403 403 403", writeOut},
		"GET /resources/{id}": {"a resource in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/resources/" + resource(e, out), nil
		}, readIn, readOut},
		"POST /resources/{id}/status": {"pausing a resource in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/resources/" + resource(e, out) + "/status", map[string]any{"status": "paused"}
		}, "200 200 200 404 200 404 404 403", changeOut},
		"GET /projects": {"projects of ResA1 vs ResB1", list("/projects"), listIn, listOut},
		"POST /projects": {"a project in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/projects", map[string]any{"title": "睦邻点", "domain": "culture", "area": where(out), "lead_name": "居委会"}
		}, writeIn, writeOut},
		"GET /projects/{id}": {"a project in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/projects/" + id(project(e, out)), nil
		}, readIn, readOut},
		// Approving takes project.approve: street level and up.
		"POST /projects/{id}/status": {"approving a project in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/projects/" + id(project(e, out)) + "/status", map[string]any{"status": "approved"}
		}, "200 200 403 404 403 404 404 403", changeOut},
		"POST /projects/{id}/claim": {"claiming a ResA1 project for the ResA1 unit vs a ResB1 one for the ResB1 unit", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/projects/" + id(project(e, out)) + "/claim", map[string]any{"unit_id": e.f.Units[pick(out, testkit.UnitInA1, testkit.UnitInB1)]}
		}, "200 200 200 404 200 404 404 403", changeOut},
		"POST /projects/{id}/milestones/{mid}/done": {"a milestone of a project in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			p := project(e, out)
			return "/projects/" + id(p) + "/milestones/" + strconv.FormatInt(p.Milestones[0].ID, 10) + "/done", nil
		}, changeIn, changeOut},
		"GET /stats/projects": {"projects of ResA1 vs the district", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/stats/projects?area=" + pick(out, testkit.ResA1, testkit.District), nil
		}, "200 200 200 403 200 403 403 200", "200 403 403 403 403 403 403 200"},
		// Codes are issued and listed by whoever runs the project (the liaison's unit does not lead this one).
		"GET /projects/{id}/rating-codes": {"the rating codes of a project in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/projects/" + id(project(e, out)) + "/rating-codes", nil
		}, changeIn, changeOut},
		"POST /projects/{id}/rating-codes": {"issuing rating codes for a project in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/projects/" + id(project(e, out)) + "/rating-codes", map[string]any{"count": 3}
		}, "201 201 201 404 403 404 404 403", "201 404 404 404 404 404 404 403"},
		// Public: the code is the key; a made-up one names nothing.
		"GET /project-ratings/{token}": {"a resident's rating code vs a made-up one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/project-ratings/NOTHINGHERE", nil
			}
			return "/project-ratings/" + code(e, project(e, false)), nil
		}, "200 200 200 200 200 200 200 200", "404 404 404 404 404 404 404 404"},
		"POST /project-ratings/{token}": {"rating a finished project vs a running one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			p := pick(out, project(e, false, "approved", "running", "done"), project(e, false, "approved", "running"))
			return "/project-ratings/" + code(e, p), map[string]any{"score": 5}
		}, "200 200 200 200 200 200 200 200", "409 409 409 409 409 409 409 409"},
	}
}
