package api_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/survey"
	"gongzhi/internal/testkit"
)

// surveyOf is the evaluation service on the env's database and clock.
func (e *env) surveyOf() *survey.Service { return survey.NewService(e.db, e.clock) }

// surveyN numbers the campaigns the matrix starts, each in a period of its own.
var surveyN atomic.Int64

// surveyIn starts a campaign in ResA1 (out: ResB1) as the system, for a
// period no other cell uses.
func (e *env) surveyIn(out bool) survey.Campaign {
	e.t.Helper()
	n := int(surveyN.Add(1))
	now := e.clock.Now()
	period := strconv.Itoa(2030+n/4) + "Q" + strconv.Itoa(n%4+1)
	c, err := e.surveyOf().CreateCampaign(context.Background(), auth.SystemPrincipal(), survey.CampaignInput{Area: pick(out, testkit.ResA1, testkit.ResB1),
		Period: period, OpensAt: now, ClosesAt: now.Add(14 * 24 * time.Hour)})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// surveyMatrixRows are the matrix rows of the evaluation's routes. Targets:
// a campaign of ResA1 (the fixture's community staff's committee) vs one
// of ResB1. The committee reads its own results but does not run them.
func surveyMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	camp := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/surveys/" + id(e.surveyIn(out).ID) + suffix, body
		}
	}
	area := func(prefix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return prefix + pick(out, testkit.ResA1, testkit.ResB1), nil
		}
	}
	link := func(method string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			var body any
			if method == "POST" {
				body = map[string]any{"aware_members": true, "sat_service": 4, "sat_response": 3, "sat_living": 4, "sat_overall": 4}
			}
			if out {
				return "/survey-links/nosuchtoken", body
			}
			ts, err := e.surveyOf().MakeLinks(context.Background(), auth.SystemPrincipal(), e.surveyIn(false).ID, 1)
			if err != nil {
				e.t.Fatal(err)
			}
			return "/survey-links/" + ts[0], body
		}
	}
	periods := map[auth.Role]string{auth.DistrictAdmin: "2027H1", auth.StreetStaff: "2027H2", auth.CommunityStaff: "2028H1", auth.GridWorker: "2028H2",
		auth.UnitLiaison: "2029H1", auth.Member: "2029H2", auth.Resident: "2026Q1", auth.Auditor: "2026Q2"}
	const (
		readIn  = "200 200 200 404 404 404 404 200"
		readOut = "200 404 404 404 404 404 404 200"
		listIn  = "200 200 200 403 403 403 403 200"
		listOut = "200 empty empty 403 403 403 403 200"
	)
	return map[string]matrixRow{
		"GET /surveys": {"campaigns of ResA1 vs ResB1", area("/surveys?area="), listIn, listOut},
		"POST /surveys": {"a campaign in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			now := e.clock.Now()
			return "/surveys", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "period": periods[r],
				"opens_at": now, "closes_at": now.Add(14 * 24 * time.Hour)}
		}, "201 201 403 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /surveys/{id}":         {"a campaign of ResA1 vs ResB1", camp("", nil), readIn, readOut},
		"GET /surveys/{id}/results": {"a campaign of ResA1 vs ResB1", camp("/results", nil), readIn, readOut},
		"POST /surveys/{id}/close": {"a fresh campaign of ResA1 vs ResB1", camp("/close", map[string]any{}),
			"200 200 403 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		"POST /surveys/{id}/links": {"a fresh campaign of ResA1 vs ResB1", camp("/links", map[string]any{"count": 2}),
			"201 201 403 404 404 404 404 403", "201 404 404 404 404 404 404 403"},
		// No gateway in the tests: those who may send get 422 EUNAVAILABLE.
		"POST /surveys/{id}/sms": {"a fresh campaign of ResA1 vs ResB1", camp("/sms", map[string]any{"phones": []string{"13800138000"}}),
			"422 422 403 404 404 404 404 403", "422 404 404 404 404 404 404 403"},
		// Public: a fresh link answers; a made-up one names nothing.
		"GET /survey-links/{token}":  {"a fresh link vs a made-up one", link("GET"), "200 200 200 200 200 200 200 200", "404 404 404 404 404 404 404 404"},
		"POST /survey-links/{token}": {"a fresh link vs a made-up one", link("POST"), "201 201 201 201 201 201 201 201", "404 404 404 404 404 404 404 404"},
		"GET /survey-scores":         {"scores of ResA1 vs ResB1", area("/survey-scores?area="), listIn, listOut},
		"GET /survey-scores/export":  {"scores of ResA1 vs ResB1", area("/survey-scores/export?area="), listIn, listIn},
	}
}
