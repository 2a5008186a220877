package api_test

import (
	"context"
	"strconv"
	"sync"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/party"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
)

// pointsTargets are the records the points matrix aims at: a member linked
// to the fixture's member account, and a published rule set.
type pointsTargets struct {
	ruleset int64
}

var (
	pointsTargetsMu sync.Mutex
	pointsTargetsOf = map[*env]*pointsTargets{}
)

func (e *env) pointsSvc() *points.Service { return points.NewService(e.db, e.clock) }

var matrixRules = []points.Rule{{Module: points.ModVolunteer, Per: points.PerHour, Points: 1, WeekCap: 10}, {Module: points.ModStudy, Per: points.PerEvent, Points: 2}}

// pointsOf makes (once per env) and returns the points targets.
func pointsOf(e *env) *pointsTargets {
	pt0 := partyOf(e)
	pointsTargetsMu.Lock()
	defer pointsTargetsMu.Unlock()
	if pt := pointsTargetsOf[e]; pt != nil {
		return pt
	}
	ctx, sys := context.Background(), auth.SystemPrincipal()
	// The member account's own member record, in ResA1's organisation.
	m, err := e.partySvc().Create(ctx, sys, party.Input{Name: "积分党员", Kind: "在职", PartyOrgID: pt0.org[false]})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.partySvc().LinkUser(ctx, sys, m.ID, e.f.Users[auth.Member].Username); err != nil {
		e.t.Fatal(err)
	}
	rs, err := e.pointsSvc().CreateRuleset(ctx, sys, points.RulesetInput{Year: e.clock.Now().Year(), Rules: matrixRules})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.pointsSvc().Apply(ctx, sys, rs.ID); err != nil {
		e.t.Fatal(err)
	}
	pt := &pointsTargets{ruleset: rs.ID}
	pointsTargetsOf[e] = pt
	e.t.Cleanup(func() {
		pointsTargetsMu.Lock()
		delete(pointsTargetsOf, e)
		pointsTargetsMu.Unlock()
	})
	return pt
}

// manualAsSystem proposes study points for the member of ResA1 or ResB1, as the system.
func (e *env) manualAsSystem(out bool) int64 {
	e.t.Helper()
	it, err := e.pointsSvc().Propose(context.Background(), auth.SystemPrincipal(), points.ManualInput{MemberID: partyOf(e).member[out],
		Module: points.ModStudy, OccurredAt: e.clock.Now().Add(-time.Hour), Evidence: "党课签到表第2页"})
	if err != nil {
		e.t.Fatal(err)
	}
	return it.ID
}

// pointsMatrixRows are the matrix rows of the points routes.
func pointsMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	ruleset := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/points/rulesets/" + id(pointsOf(e).ruleset) + suffix, nil
		}
	}
	ranked := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pointsOf(e)
			return path + "?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}
	}
	decide := func(verb string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/points/manual/" + id(e.manualAsSystem(out)) + "/" + verb, map[string]any{"note": "签到表与记录不符"}
		}
	}
	const (
		readers  = "200 200 200 403 403 403 403 200"
		readIn   = "200 200 200 404 404 404 404 200"
		readOut  = "200 404 404 404 404 404 404 200"
		rules    = "200 403 403 403 403 403 403 403"
		decideIn = "200 200 200 404 404 404 404 403"
		decideOu = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /points/rulesets": {"the district's rule sets (no area)", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pointsOf(e)
			return "/points/rulesets", nil
		}, readers, readers},
		"POST /points/rulesets": {"a draft of the district's rules (no area)", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/points/rulesets", map[string]any{"year": 2026, "rules": matrixRules}
		}, "201 403 403 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /points/rulesets/{id}":         {"the published rule set (no area)", ruleset(""), readIn, readIn},
		"GET /points/rulesets/{id}/preview": {"the published rule set (no area)", ruleset("/preview"), rules, rules},
		"POST /points/rulesets/{id}/apply": {"a fresh draft (no area)", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pointsOf(e)
			rs, err := e.pointsSvc().CreateRuleset(context.Background(), auth.SystemPrincipal(), points.RulesetInput{Year: 2026, Rules: matrixRules})
			if err != nil {
				e.t.Fatal(err)
			}
			return "/points/rulesets/" + id(rs.ID) + "/apply", nil
		}, rules, rules},
		"GET /points/ranking": {"members of ResA1 vs ResB1", ranked("/points/ranking"), readers, "200 empty empty 403 403 403 403 200"},
		"GET /points/export":  {"members of ResA1 vs ResB1", ranked("/points/export"), readers, readers},
		"GET /members/{id}/points": {"a member of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pointsOf(e)
			return "/members/" + id(partyOf(e).member[out]) + "/points", nil
		}, readIn, readOut},
		// Only the member account is linked to a member record.
		"GET /me/points": {"the caller's own member record", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pointsOf(e)
			return "/me/points", nil
		}, "404 404 404 404 404 200 404 404", "404 404 404 404 404 200 404 404"},
		"GET /points/manual": {"manual points of a member of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			e.manualAsSystem(out)
			return "/points/manual?status=proposed&member=" + id(partyOf(e).member[out]), nil
		}, readers, "200 empty empty 403 403 403 403 200"},
		"POST /points/manual": {"study points for a member of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/points/manual", map[string]any{"member_id": partyOf(e).member[out], "module": "study",
				"occurred_at": e.clock.Now().Add(-time.Hour), "evidence": "党课签到表第2页"}
		}, "201 201 201 403 403 403 403 403", "201 404 404 403 403 403 403 403"},
		"POST /points/manual/{id}/approve": {"a proposal for a member of ResA1 vs ResB1", decide("approve"), decideIn, decideOu},
		"POST /points/manual/{id}/reject":  {"a proposal for a member of ResA1 vs ResB1", decide("reject"), decideIn, decideOu},
	}
}
