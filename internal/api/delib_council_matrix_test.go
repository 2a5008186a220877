package api_test

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// councilsOf is the councils service on the env's database, with its lists
// and demand services.
func (e *env) councilsOf() *delib.Councils {
	return delib.NewCouncils(e.db, e.clock, e.lists, e.demand)
}

// meetingIn makes a council in ResA1 (out: ResB1) with one member, a
// meeting, a topic of the area on its agenda and a decision, as the system.
func (e *env) meetingIn(out bool) (delib.Council, delib.Meeting, delib.Decision) {
	e.t.Helper()
	ctx, sys, cs := context.Background(), auth.SystemPrincipal(), e.councilsOf()
	c, err := cs.CreateCouncil(ctx, sys, delib.CouncilInput{Area: pick(out, testkit.ResA1, testkit.ResB1), Name: "睦邻议事会", TermFrom: "2026-01-01",
		TermTo: "2028-12-31", Members: []delib.MemberInput{{Name: "王阿姨", Phone: "13812345678", Role: delib.Convener}}})
	if err != nil {
		e.t.Fatal(err)
	}
	m, err := cs.CreateMeeting(ctx, sys, c.ID, delib.MeetingInput{Title: "例会", StartsAt: e.clock.Now().Add(24 * time.Hour), Place: "居委会"})
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := cs.AddToAgenda(ctx, sys, m.ID, e.topicIn(out).ID); err != nil {
		e.t.Fatal(err)
	}
	d, err := cs.AddDecision(ctx, sys, m.ID, delib.DecisionInput{Text: "楼道堆物周末清理", Owner: "物业", DueOn: "2026-12-31"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, m, d
}

// councilMatrixRows are the matrix rows of councils and meetings. Targets:
// records of ResA1 (the community staff's area) vs of ResB1.
func councilMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	council := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			c, _, _ := e.meetingIn(out)
			return "/councils/" + id(c.ID) + suffix, body
		}
	}
	meeting := func(suffix string, body func(e *env, out bool) any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			_, mt, _ := e.meetingIn(out)
			var b any
			if body != nil {
				b = body(e, out)
			}
			return "/meetings/" + id(mt.ID) + suffix, b
		}
	}
	decision := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			_, _, d := e.meetingIn(out)
			return "/decisions/" + id(d.ID) + suffix, body
		}
	}
	const (
		readIn    = "200 200 200 404 404 404 404 200"
		readOut   = "200 404 404 404 404 404 404 200"
		actIn     = "200 200 200 404 404 404 404 403"
		actOut    = "200 404 404 404 404 404 404 403"
		createIn  = "201 201 201 404 404 404 404 403"
		createOut = "201 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /councils": {"councils of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/councils?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, "200 200 200 200 403 403 403 200", "200 empty empty empty 403 403 403 200"},
		"POST /councils": {"a council in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/councils", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "name": "议事会" + string(r), "term_from": "2026-01-01", "term_to": "2027-12-31"}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /councils/{id}":          {"a council of ResA1 vs ResB1", council("", nil), readIn, readOut},
		"POST /councils/{id}/members": {"a fresh council of ResA1 vs ResB1", council("/members", map[string]any{"name": "李老师"}), createIn, createOut},
		"POST /councils/{id}/meetings": {"a fresh council of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			c, _, _ := e.meetingIn(out)
			return "/councils/" + id(c.ID) + "/meetings", map[string]any{"title": "临时会议", "starts_at": e.clock.Now().Add(time.Hour), "place": "活动室"}
		}, createIn, createOut},
		"GET /meetings/{id}": {"a meeting of ResA1 vs ResB1", meeting("", nil), readIn, readOut},
		"POST /meetings/{id}/agenda": {"a fresh meeting and topic of ResA1 vs ResB1", meeting("/agenda", func(e *env, out bool) any {
			return map[string]any{"topic_id": e.topicIn(out).ID}
		}), actIn, actOut},
		"PUT /meetings/{id}/record": {"a fresh meeting of ResA1 vs ResB1", meeting("/record", func(e *env, out bool) any {
			return map[string]any{"attendance": 9, "minutes": "议定周末清理。"}
		}), actIn, actOut},
		"POST /meetings/{id}/decisions": {"a fresh meeting of ResA1 vs ResB1", meeting("/decisions", func(e *env, out bool) any {
			return map[string]any{"text": "加装晾衣架", "owner": "居委会", "due_on": "2027-03-31"}
		}), createIn, createOut},
		"POST /decisions/{id}/project": {"a fresh decision of ResA1 vs ResB1", decision("/project", map[string]any{}), actIn, actOut},
		"POST /decisions/{id}/demand": {"a fresh decision of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if _, err := e.demand.Category(context.Background(), "noise"); err != nil {
				e.saveCategory(demand.Category{Code: "noise", Name: "噪音扰民", ContactLimit: "2h", ResolveLimit: "5wd", Active: true})
			}
			_, _, d := e.meetingIn(out)
			return "/decisions/" + id(d.ID) + "/demand", map[string]any{"category": "noise"}
		}, actIn, actOut},
		"POST /decisions/{id}/rule": {"a fresh decision of ResA1 vs ResB1", decision("/rule", map[string]any{"title": "楼道公约", "body": "楼道不堆物。"}), actIn, actOut},
		"GET /area-pages/{code}": {"ResA1's page vs an unknown area", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/area-pages/" + pick(out, testkit.ResA1, "999"), nil
		}, "200 200 200 200 200 200 200 200", "404 404 404 404 404 404 404 404"},
	}
}
