package api_test

import (
	"context"
	"strconv"
	"sync"

	"gongzhi/internal/auth"
	"gongzhi/internal/cadre"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// cadreTargets are the records the cadre matrix aims at: a secretary and a
// mentoring pair in ResA1 (in) and in ResB1 (out).
type cadreTargets struct {
	cadre, pair map[bool]int64 // by out
	material    map[bool]int64 // a file of partyOf's activity, by out
}

var (
	cadreTargetsMu sync.Mutex
	cadreTargetsOf = map[*env]*cadreTargets{}
)

// cadreOf makes (once per env) and returns the cadre targets.
func cadreOf(e *env) *cadreTargets {
	cadreTargetsMu.Lock()
	defer cadreTargetsMu.Unlock()
	if ct := cadreTargetsOf[e]; ct != nil {
		return ct
	}
	ctx, sys := context.Background(), auth.SystemPrincipal()
	s := cadre.NewService(e.db, e.clock)
	ct := &cadreTargets{cadre: map[bool]int64{}, pair: map[bool]int64{}}
	for _, out := range []bool{false, true} {
		c, err := s.Create(ctx, sys, cadre.Input{Kind: cadre.Secretary, Name: "书记 " + pick(out, "in", "out"), Area: pick(out, testkit.ResA1, testkit.ResB1)})
		if err != nil {
			e.t.Fatal(err)
		}
		ct.cadre[out] = c.ID
		p, err := s.CreatePair(ctx, sys, cadre.PairInput{MentorName: "张", MentorUnitID: e.f.Units["徐汇区图书馆"], MenteeName: "李",
			MenteeUnitID: e.f.Units[pick(out, testkit.TwoNewInA1, "天平社工站")], Since: "2026-03-01"})
		if err != nil {
			e.t.Fatal(err)
		}
		ct.pair[out] = p.ID
	}
	cadreTargetsOf[e] = ct
	e.t.Cleanup(func() {
		cadreTargetsMu.Lock()
		delete(cadreTargetsOf, e)
		cadreTargetsMu.Unlock()
	})
	return ct
}

// materialOf attaches (once per env and target) a file to the party
// targets' activity and returns its id.
func materialOf(e *env, out bool) int64 {
	ct := cadreOf(e)
	cadreTargetsMu.Lock()
	defer cadreTargetsMu.Unlock()
	if ct.material == nil {
		ct.material = map[bool]int64{}
	}
	if n, ok := ct.material[out]; ok {
		return n
	}
	mt, err := e.activitySvc().AddMaterial(context.Background(), auth.SystemPrincipal(), partyOf(e).activity[out],
		demand.File{Name: "路线图.pdf", Data: []byte("%PDF-1.4\n%%EOF\n")})
	if err != nil {
		e.t.Fatal(err)
	}
	ct.material[out] = mt.ID
	return mt.ID
}

// cadreMatrixRows are the matrix rows of the cadre routes and of the unit
// party organisation's service report.
func cadreMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	at := func(pre, suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			ct := cadreOf(e)
			n := ct.cadre[out]
			if pre == "/mentoring-pairs/" {
				n = ct.pair[out]
			}
			return pre + id(n) + suffix, body
		}
	}
	org := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/party-orgs/" + id(partyOf(e).org[out]) + suffix, nil
		}
	}
	act := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/activities/" + id(partyOf(e).activity[out]) + suffix, body
		}
	}
	const (
		listed  = "200 200 200 403 403 403 403 200"
		readIn  = "200 200 200 404 404 404 404 200"
		readOut = "200 404 404 404 404 404 404 200"
		addIn   = "201 201 403 404 404 404 404 403"
		addOut  = "201 404 404 404 404 404 404 403"
		member  = "200 404 404 403 403 403 403 200"
	)
	return map[string]matrixRow{
		"GET /cadres": {"cadres of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			cadreOf(e)
			return "/cadres?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, listed, "200 empty empty 403 403 403 403 200"},
		"POST /cadres": {"a secretary of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/cadres", map[string]any{"kind": "secretary", "name": m.unique("书记", r, out), "area": pick(out, testkit.ResA1, testkit.ResB1)}
		}, "201 201 403 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /cadres/{id}":            {"a cadre of ResA1 vs ResB1", at("/cadres/", "", nil), readIn, readOut},
		"POST /cadres/{id}/trainings": {"a cadre of ResA1 vs ResB1", at("/cadres/", "/trainings", map[string]any{"course": "基层治理", "held_on": "2026-05-01", "hours": 2}), addIn, addOut},
		"GET /cadres/{id}/figures":    {"a cadre of ResA1 vs ResB1", at("/cadres/", "/figures?year=2026", nil), readIn, readOut},
		"PUT /cadres/{id}/evaluations/{year}": {"a cadre of ResA1 vs ResB1", at("/cadres/", "/evaluations/2026",
			map[string]any{"score": 90, "review": "认真履职", "evidence": "平台数据"}), "200 200 403 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		"GET /cadre-evaluations/export": {"the year's evaluations (scoped by rows)", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/cadre-evaluations/export?year=2026", nil
		}, listed, listed},
		"GET /mentoring-pairs": {"the pairs (scoped by rows)", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			cadreOf(e)
			return "/mentoring-pairs", nil
		}, listed, listed},
		"POST /mentoring-pairs": {"a pair mentoring a two-new unit of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/mentoring-pairs", map[string]any{"mentor_name": m.unique("张", r, out), "mentor_unit_id": e.f.Units["徐汇区图书馆"], "mentee_name": "李",
				"mentee_unit_id": e.f.Units[pick(out, testkit.TwoNewInA1, "天平社工站")], "since": "2026-03-01"}
		}, "201 201 403 403 403 403 403 403", "201 400 403 403 403 403 403 403"},
		"GET /mentoring-pairs/{id}":           {"a pair of ResA1 vs ResB1", at("/mentoring-pairs/", "", nil), readIn, readOut},
		"POST /mentoring-pairs/{id}/meetings": {"a pair of ResA1 vs ResB1", at("/mentoring-pairs/", "/meetings", map[string]any{"held_on": "2026-05-01", "topic": "三会一课"}), addIn, addOut},
		// An activity's notice and files: organisers and those signed up
		// (nobody in the matrix is signed up to these activities).
		"GET /activities/{id}/notes": {"an activity of ResA1 vs ResB1", act("/notes", nil), "200 200 200 404 404 404 404 404", "200 404 404 404 404 404 404 404"},
		"PUT /activities/{id}/notice": {"an activity of ResA1 vs ResB1", act("/notice", map[string]any{"notice": "请穿运动鞋"}),
			"200 200 200 403 403 403 403 403", "200 404 404 404 404 404 404 403"},
		"POST /activities/{id}/materials": {"an activity of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/activities/" + id(partyOf(e).activity[out]) + "/materials", upload(part{"须知.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n")})
		}, "201 201 201 403 403 403 403 403", "201 404 404 404 404 404 404 403"},
		"GET /activities/{id}/materials/{mid}": {"a file of the ResA1 vs the ResB1 activity", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/activities/" + id(partyOf(e).activity[out]) + "/materials/" + id(materialOf(e, out)), nil
		}, "200 200 200 404 404 404 404 404", "200 404 404 404 404 404 404 404"},
		"GET /party-orgs/{id}/service-report":        {"the organisation of ResA1 vs ResB1", org("/service-report"), "200 200 200 403 403 403 403 200", member},
		"GET /party-orgs/{id}/service-report/export": {"the organisation of ResA1 vs ResB1", org("/service-report/export"), "200 200 200 403 403 403 403 200", member},
	}
}
