package api_test

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"sync"
	"time"

	"gongzhi/internal/activity"
	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

// partyTargets are the records the party matrix aims at: a party
// organisation, a dual-reported member and an activity in ResA1 and in ResB1.
type partyTargets struct {
	org, member, activity map[bool]int64 // by out
}

var (
	partyTargetsMu sync.Mutex
	partyTargetsOf = map[*env]*partyTargets{}
)

func (e *env) partySvc() *party.Service { return party.NewService(e.db, e.clock) }

func (e *env) activitySvc() *activity.Service { return activity.NewService(e.db, e.clock, nil) }

// partyOf makes (once per env) and returns the party targets.
func partyOf(e *env) *partyTargets {
	partyTargetsMu.Lock()
	defer partyTargetsMu.Unlock()
	if pt := partyTargetsOf[e]; pt != nil {
		return pt
	}
	ctx, sys := context.Background(), auth.SystemPrincipal()
	pt := &partyTargets{org: map[bool]int64{}, member: map[bool]int64{}, activity: map[bool]int64{}}
	for _, out := range []bool{false, true} {
		code := pick(out, testkit.ResA1, testkit.ResB1)
		path, err := area.Path(ctx, e.db, code)
		if err != nil {
			e.t.Fatal(err)
		}
		org, err := db.InsertID(ctx, e.db, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES (?, 'residential_party_org', ?, ?)", "党总支 "+code, code, path)
		if err != nil {
			e.t.Fatal(err)
		}
		pt.org[out] = org
		m, err := e.partySvc().Create(ctx, sys, party.Input{Name: "党员 " + code, Phone: "13800002222", Kind: "在职", PartyOrgID: org, HomeArea: code})
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := e.partySvc().Report(ctx, sys, m.ID, party.ReportInput{Area: code, Posts: []string{"志愿调解"}}); err != nil {
			e.t.Fatal(err)
		}
		pt.member[out] = m.ID
		pt.activity[out] = e.soonActivity(code)
	}
	partyTargetsOf[e] = pt
	e.t.Cleanup(func() {
		partyTargetsMu.Lock()
		delete(partyTargetsOf, e)
		partyTargetsMu.Unlock()
	})
	return pt
}

// soonActivity publishes an activity in an area starting in half an hour
// (check-in is open), as the system.
func (e *env) soonActivity(code string) int64 {
	e.t.Helper()
	start := e.clock.Now().Add(30 * time.Minute)
	a, err := e.activitySvc().Create(context.Background(), auth.SystemPrincipal(), activity.Input{Title: "志愿服务 " + code, Start: start,
		End: start.Add(2 * time.Hour), Place: "党群服务站", Audience: activity.ForAll, Area: code})
	if err != nil {
		e.t.Fatal(err)
	}
	return a.ID
}

// attendAs prepares an activity of the target area for role: signed up
// (and checked in, for a check-out) where the role may, and returns its
// id and the current code.
func (e *env) attendAs(r auth.Role, out, checkedIn bool) (int64, string) {
	ctx := context.Background()
	id := e.soonActivity(pick(out, testkit.ResA1, testkit.ResB1))
	s := e.activitySvc()
	p := e.f.Users[r]
	code, _, err := s.CurrentCode(ctx, auth.SystemPrincipal(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := s.SignUp(ctx, p, id); err == nil && checkedIn {
		if _, err := s.CheckIn(ctx, p, id, code); err != nil {
			e.t.Fatal(err)
		}
	}
	return id, code
}

// partyMatrixRows are the matrix rows of the party and activity routes.
func partyMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	member := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/members/" + id(partyOf(e).member[out]) + suffix, body
		}
	}
	act := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/activities/" + id(partyOf(e).activity[out]) + suffix, nil
		}
	}
	attend := func(suffix string, checkedIn bool) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			a, code := e.attendAs(r, out, checkedIn)
			return "/activities/" + id(a) + suffix, map[string]any{"code": code}
		}
	}
	const (
		listIn   = "200 200 200 403 403 403 403 200"
		listOut  = "200 empty empty 403 403 403 403 200"
		readIn   = "200 200 200 404 404 404 404 200"
		readOut  = "200 404 404 404 404 404 404 200"
		attendIn = "409 409 409 409 409 200 200 409"
		attendOu = "409 404 404 404 404 404 404 409"
	)
	rows := orgReportMatrixRows()
	maps.Copy(rows, map[string]matrixRow{
		"GET /members": {"members of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			partyOf(e)
			return "/members?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, listIn, listOut},
		"POST /members": {"a member of ResA1's organisation vs ResB1's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/members", map[string]any{"name": m.unique("党员", r, out), "kind": "退休", "party_org_id": partyOf(e).org[out]}
		}, "201 201 201 403 403 403 403 403", "201 400 400 403 403 403 403 403"},
		"GET /members/follow-up": {"the follow-up list of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			partyOf(e)
			return "/members/follow-up?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, listIn, listOut},
		"GET /members/{id}": {"a member of ResA1 vs ResB1", member("", nil), readIn, readOut},
		// A fresh member each time, its kind changed (points recomputed by a job).
		"PUT /members/{id}": {"a fresh member of ResA1's organisation vs ResB1's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			org := partyOf(e).org[out]
			x, err := e.partySvc().Create(context.Background(), auth.SystemPrincipal(), party.Input{Name: m.unique("党员", r, out), Kind: "在职", PartyOrgID: org})
			if err != nil {
				e.t.Fatal(err)
			}
			return "/members/" + id(x.ID), map[string]any{"name": x.Name, "kind": "退休", "party_org_id": org}
		}, "200 200 200 403 403 403 403 403", "200 404 404 403 403 403 403 403"},
		"POST /members/{id}/report": {"a member of ResA1 vs ResB1, reporting where they live", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/members/" + id(partyOf(e).member[out]) + "/report", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "posts": []string{"楼组长助理"}}
		}, "200 200 200 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		"GET /activities": {"activities of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			partyOf(e)
			return "/activities?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, "200 200 200 200 200 200 200 200", "200 empty empty empty empty empty empty 200"},
		"POST /activities": {"an activity of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			start := e.clock.Now().Add(72 * time.Hour)
			return "/activities", map[string]any{"title": m.unique("活动", r, out), "start": start, "end": start.Add(time.Hour),
				"place": "党群服务站", "audience": "all", "capacity": 30, "area": pick(out, testkit.ResA1, testkit.ResB1)}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /activities/{id}": {"an activity of ResA1 vs ResB1", act(""), "200 200 200 200 200 200 200 200", readOut},
		// Only members and residents sign up (activity.join).
		"POST /activities/{id}/signups": {"a fresh activity of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/activities/" + id(e.soonActivity(pick(out, testkit.ResA1, testkit.ResB1))) + "/signups", map[string]any{}
		}, "403 403 403 403 403 201 201 403", "403 404 404 404 404 404 404 403"},
		"DELETE /activities/{id}/signups/me": {"the caller's sign-up of a fresh activity of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			a, _ := e.attendAs(r, out, false)
			return "/activities/" + id(a) + "/signups/me", nil
		}, "404 404 404 404 404 200 200 404", "404 404 404 404 404 404 404 404"},
		// Staff hold the code but are not signed up: 409; the caller's own sign-up only.
		"POST /activities/{id}/checkin":  {"the caller's sign-up of ResA1 vs ResB1, with the current code", attend("/checkin", false), attendIn, attendOu},
		"POST /activities/{id}/checkout": {"the caller's check-in of ResA1 vs ResB1, with the current code", attend("/checkout", true), attendIn, attendOu},
		"GET /activities/{id}/headcount": {"an activity of ResA1 vs ResB1", act("/headcount"), "200 200 200 403 403 403 403 403", "200 404 404 404 404 404 404 403"},
	})
	return rows
}

var _ = fmt.Sprint
