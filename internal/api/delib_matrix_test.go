package api_test

import (
	"context"
	"maps"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/delib"
	"gongzhi/internal/testkit"
)

// delibOf is deliberation on the env's database and clock, acting as the
// system to make the records the matrix aims at.
func (e *env) delibOf() *delib.Service { return delib.NewService(e.db, e.clock) }

// voteIn makes a vote in ResA1 (out: ResB1) as the system: open now unless
// later, residents voting signed in.
func (e *env) voteIn(out, later bool) delib.Vote {
	e.t.Helper()
	opens := e.clock.Now()
	if later {
		opens = opens.Add(24 * time.Hour)
	}
	v, err := e.delibOf().CreateVote(context.Background(), auth.SystemPrincipal(), delib.VoteInput{Area: pick(out, testkit.ResA1, testkit.ResB1),
		Question: "是否同意更换小区大门？", Choices: []string{"同意", "不同意"}, OpensAt: opens, ClosesAt: opens.Add(72 * time.Hour), Residents: true, ThresholdPct: 50})
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// topicIn raises a topic in ResA1 (out: ResB1) as the system.
func (e *env) topicIn(out bool) delib.Topic {
	e.t.Helper()
	t, err := e.delibOf().RaiseTopic(context.Background(), auth.SystemPrincipal(), delib.TopicInput{Area: pick(out, testkit.ResA1, testkit.ResB1), Title: "楼道堆物清理"})
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

// delibMatrixRows are the matrix rows of deliberation's routes. Targets: a
// vote or topic of ResA1 (where the fixture's member and resident live)
// vs one of ResB1; cells that change one get a fresh one.
func delibMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	vote := func(suffix string, later bool, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/votes/" + id(e.voteIn(out, later).ID) + suffix, body
		}
	}
	topic := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/topics/" + id(e.topicIn(out).ID) + suffix, body
		}
	}
	area := func(prefix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return prefix + pick(out, testkit.ResA1, testkit.ResB1), body
		}
	}
	const (
		readIn    = "200 200 200 404 404 200 200 200"
		readOut   = "200 404 404 404 404 404 404 200"
		actIn     = "200 200 200 404 404 404 404 403"
		actOut    = "200 404 404 404 404 404 404 403"
		createIn  = "201 201 201 403 403 403 403 403"
		createOut = "201 403 403 403 403 403 403 403"
	)
	rows := map[string]matrixRow{
		"GET /votes": {"votes of ResA1 vs ResB1", area("/votes?area=", nil), "200 200 200 200 403 403 403 200", "200 empty empty empty 403 403 403 200"},
		"POST /votes": {"a vote in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			now := e.clock.Now()
			return "/votes", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "question": "议题 " + string(r), "choices": []string{"同意", "不同意"},
				"opens_at": now.Add(time.Hour), "closes_at": now.Add(48 * time.Hour), "threshold_pct": 50}
		}, createIn, createOut},
		"GET /votes/{id}":         {"a vote of ResA1 vs ResB1", vote("", false, nil), readIn, readOut},
		"POST /votes/{id}/open":   {"a fresh scheduled vote of ResA1 vs ResB1", vote("/open", true, map[string]any{}), actIn, actOut},
		"POST /votes/{id}/close":  {"a fresh open vote of ResA1 vs ResB1", vote("/close", false, map[string]any{}), actIn, actOut},
		"POST /votes/{id}/cancel": {"a fresh scheduled vote of ResA1 vs ResB1", vote("/cancel", true, map[string]any{}), actIn, actOut},
		"POST /votes/{id}/links": {"a fresh vote of ResA1 vs ResB1", vote("/links", false, map[string]any{"count": 2}),
			"201 201 201 404 404 404 404 403", "201 404 404 404 404 404 404 403"},
		// Staff and auditors see the vote but do not vote; residents of ResA1 do.
		"POST /votes/{id}/ballots": {"a fresh open vote of ResA1 vs ResB1", vote("/ballots", false, map[string]any{"choice": 0}),
			"403 403 403 404 404 201 201 403", "403 404 404 404 404 403 403 403"},
		// Public: a fresh link votes; a made-up one names nothing.
		"POST /ballots/{token}": {"a fresh link vs a made-up one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/ballots/nosuchtoken", map[string]any{"choice": 0}
			}
			links, err := e.delibOf().MakeLinks(context.Background(), auth.SystemPrincipal(), e.voteIn(false, false).ID, delib.LinksInput{Count: 1})
			if err != nil {
				e.t.Fatal(err)
			}
			return "/ballots/" + links[0].Token, map[string]any{"choice": 1}
		}, "201 201 201 201 201 201 201 201", "404 404 404 404 404 404 404 404"},
		// Public once closed; before, 409 for everyone.
		"GET /votes/{id}/receipts": {"a closed vote vs an open one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			v := e.voteIn(false, false)
			if !out {
				if _, err := e.delibOf().CloseVote(context.Background(), auth.SystemPrincipal(), v.ID); err != nil {
					e.t.Fatal(err)
				}
			}
			return "/votes/" + id(v.ID) + "/receipts", nil
		}, "200 200 200 200 200 200 200 200", "409 409 409 409 409 409 409 409"},
		"GET /topics": {"topics of ResA1 vs ResB1", area("/topics?area=", nil), "200 200 200 200 403 200 200 200", "200 empty empty empty 403 empty empty 200"},
		"POST /topics": {"a topic in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/topics", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "title": m.unique("议题", r, out)}
		}, "201 201 201 403 403 201 201 403", createOut},
		"GET /topics/export": {"topics of ResA1 vs ResB1", area("/topics/export?area=", nil), "200 200 200 200 403 403 403 200", "200 200 200 200 403 403 403 200"},
		"GET /topics/{id}":   {"a topic of ResA1 vs ResB1", topic("", nil), readIn, readOut},
		"POST /topics/{id}/support": {"a fresh topic of ResA1 vs ResB1", topic("/support", map[string]any{}),
			"403 403 403 404 404 200 200 403", "403 404 404 404 404 403 403 403"},
		"POST /topics/{id}/answer": {"a fresh topic of ResA1 vs ResB1", topic("/answer", map[string]any{"text": "已协调物业处理"}),
			"200 200 200 404 404 403 403 403", actOut},
		"POST /topics/{id}/close": {"a fresh topic of ResA1 vs ResB1", topic("/close", map[string]any{"text": "与另一议题重复"}),
			"200 200 200 404 404 403 403 403", actOut},
		"GET /topic-settings/{area}": {"ResA1's settings vs ResB1's", area("/topic-settings/", nil),
			"200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"},
		"PUT /topic-settings/{area}": {"ResA1's settings vs ResB1's", area("/topic-settings/", map[string]any{"support_threshold": 12, "answer_days": 10}),
			"200 200 200 403 403 403 403 403", "200 403 403 403 403 403 403 403"},
	}
	maps.Copy(rows, councilMatrixRows()) // councils and meetings: delib_council_matrix_test.go
	maps.Copy(rows, commentMatrixRows()) // comments: delib_comments_matrix_test.go
	return rows
}
