package api_test

import (
	"context"
	"strconv"
	"sync/atomic"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/testkit"
)

// allianceN numbers the alliances the matrix founds, each with a name of its own.
var allianceN atomic.Int64

// allianceIn founds an alliance in ResA1 (out: ResB1) as the system, with
// one member and one commitment of it.
func (e *env) allianceIn(out bool) (alliance.Alliance, alliance.Member, alliance.Commitment) {
	e.t.Helper()
	ctx, sys := context.Background(), auth.SystemPrincipal()
	s := alliance.NewService(e.db, e.clock)
	a, err := s.Create(ctx, sys, alliance.Input{Area: pick(out, testkit.ResA1, testkit.ResB1), Name: "联盟" + strconv.FormatInt(allianceN.Add(1), 10),
		Charter: "共商共建共享", Criteria: "本区域单位"})
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := s.AddMember(ctx, sys, a.ID, alliance.MemberInput{Kind: alliance.KindPerson, Name: "王建国"})
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := s.AddCommitment(ctx, sys, a.ID, alliance.CommitmentInput{MemberID: m.ID, Text: "每月义诊一次", DueOn: "2026-12-31"})
	if err != nil {
		e.t.Fatal(err)
	}
	return a, m, c
}

// allianceMatrixRows are the matrix rows of alliances. Targets: an
// alliance of ResA1 (the fixture's community staff's area) vs one of ResB1.
func allianceMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	const (
		readIn   = "200 200 200 404 404 404 404 200"
		readOut  = "200 404 404 404 404 404 404 200"
		writeIn  = "201 201 201 404 404 404 404 403"
		writeOut = "201 404 404 404 404 404 404 403"
		// Changes to what is there answer 200.
		changeIn  = "200 200 200 404 404 404 404 403"
		changeOut = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /alliances": {"alliances of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			e.allianceIn(out)
			return "/alliances?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, "200 200 200 403 403 403 403 200", "200 empty empty 403 403 403 403 200"},
		"POST /alliances": {"an alliance in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/alliances", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "name": m.unique("联盟", r, out), "charter": "章程", "criteria": "本区域单位"}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /alliances/{id}": {"an alliance of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			a, _, _ := e.allianceIn(out)
			return "/alliances/" + id(a.ID), nil
		}, readIn, readOut},
		"POST /alliances/{id}/members": {"an alliance of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			a, _, _ := e.allianceIn(out)
			return "/alliances/" + id(a.ID) + "/members", map[string]any{"kind": "office", "name": "党群服务站", "place": "周一至周五 9:00-17:00"}
		}, writeIn, writeOut},
		"POST /alliances/{id}/commitments": {"an alliance of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			a, mem, _ := e.allianceIn(out)
			return "/alliances/" + id(a.ID) + "/commitments", map[string]any{"member_id": mem.ID, "text": "开放会议室", "due_on": "2027-03-31"}
		}, writeIn, writeOut},
		"POST /alliance-commitments/{id}/progress": {"a commitment in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			_, _, c := e.allianceIn(out)
			return "/alliance-commitments/" + id(c.ID) + "/progress", map[string]any{"note": "已义诊一次"}
		}, writeIn, writeOut},
		"POST /alliance-members/{id}/leave": {"a member in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			_, mem, _ := e.allianceIn(out)
			return "/alliance-members/" + id(mem.ID) + "/leave", map[string]any{"reason": "迁出本街道"}
		}, changeIn, changeOut},
		"PATCH /alliance-commitments/{id}": {"a commitment in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			_, _, c := e.allianceIn(out)
			return "/alliance-commitments/" + id(c.ID), map[string]any{"target": "全年12次"}
		}, changeIn, changeOut},
		"POST /alliance-commitments/{id}/close": {"a commitment in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			_, _, c := e.allianceIn(out)
			return "/alliance-commitments/" + id(c.ID) + "/close", map[string]any{"outcome": "kept", "note": "全年义诊12次"}
		}, changeIn, changeOut},
	}
}
