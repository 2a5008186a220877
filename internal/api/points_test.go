package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPointsAPI walks the points loop over the API: a member checks out of
// an activity, the sync gives verified-service points, the member sees
// them with their reason; manual points are approved by a second person;
// a new rule version is previewed and applied. Each answer is checked
// against its schema.
func TestPointsAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		e := newEnv(t, d)
		pt := pointsOf(e) // a published rule set: volunteer 1 a verified hour, study 2 an item
		act := e.activitySvc()
		aid := e.soonActivity(testkit.ResA1)
		member := e.f.Users[auth.Member]
		code, _, err := act.CurrentCode(ctx, auth.SystemPrincipal(), aid)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := act.SignUp(ctx, member, aid); err != nil {
			t.Fatal(err)
		}
		if _, err := act.CheckIn(ctx, member, aid, code); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(3 * time.Hour)
		if code, _, err = act.CurrentCode(ctx, auth.SystemPrincipal(), aid); err != nil {
			t.Fatal(err)
		}
		if _, err := act.CheckOut(ctx, member, aid, code); err != nil {
			t.Fatal(err)
		}
		if n, err := e.pointsSvc().Sync(ctx); err != nil || n != 1 {
			t.Fatalf("sync: %d %v", n, err)
		}
		res := e.as(auth.Member, "GET", "/me/points", nil)
		conforms(t, "MemberPoints", res)
		mp := decodeJSON[map[string]any](t, res)
		entries, _ := mp["entries"].([]any)
		if res.status != 200 || len(entries) != 1 || entries[0].(map[string]any)["reason"] != "points.hour" || mp["total"].(float64) < 1 {
			t.Fatalf("my points: %d %s", res.status, res.body)
		}
		mid := strconv.FormatInt(int64(mp["member_id"].(float64)), 10)
		conforms(t, "MemberPoints", e.as(auth.CommunityStaff, "GET", "/members/"+mid+"/points?year=2026", nil))
		if res := e.as(auth.CommunityStaff, "GET", "/members/"+mid+"/points?year=abc", nil); res.status != 400 || !strings.Contains(string(res.body), `"field":"year"`) {
			t.Errorf("a bad year: %d %s", res.status, res.body)
		}

		// Manual points: evidence, then another person's approval.
		res = e.as(auth.CommunityStaff, "POST", "/points/manual", map[string]any{"member_id": mp["member_id"], "module": "study",
			"occurred_at": e.clock.Now().Add(-time.Hour), "evidence": ""})
		if res.status != 400 || !strings.Contains(string(res.body), `"field":"evidence"`) {
			t.Errorf("no evidence: %d %s", res.status, res.body)
		}
		res = e.as(auth.CommunityStaff, "POST", "/points/manual", map[string]any{"member_id": mp["member_id"], "module": "study",
			"occurred_at": e.clock.Now().Add(-time.Hour), "evidence": "11月党课签到表"})
		conforms(t, "ManualPoints", res)
		item := strconv.FormatInt(int64(decodeJSON[map[string]any](t, res)["id"].(float64)), 10)
		conforms(t, "ManualPointsList", e.as(auth.StreetStaff, "GET", "/points/manual?status=proposed", nil))
		if res := e.as(auth.CommunityStaff, "POST", "/points/manual/"+item+"/approve", nil); res.status != 409 {
			t.Errorf("the proposer approves: %d %s", res.status, res.body)
		}
		res = e.as(auth.StreetStaff, "POST", "/points/manual/"+item+"/approve", nil)
		conforms(t, "ManualPoints", res)
		after := decodeJSON[map[string]any](t, e.as(auth.Member, "GET", "/me/points", nil))
		if after["total"].(float64) != mp["total"].(float64)+2 {
			t.Errorf("after approval %v, want %v + 2", after["total"], mp["total"])
		}

		// Rules: list, a new version, preview, apply.
		conforms(t, "PointsRulesetList", e.as(auth.Auditor, "GET", "/points/rulesets?year=2026", nil))
		conforms(t, "PointsRuleset", e.as(auth.Auditor, "GET", "/points/rulesets/"+strconv.FormatInt(pt.ruleset, 10), nil))
		res = e.as(auth.DistrictAdmin, "POST", "/points/rulesets", map[string]any{"year": 2026, "rules": []map[string]any{{"module": "likes", "per": "event", "points": 1}}})
		if res.status != 400 || !strings.Contains(string(res.body), "rules[0].module") {
			t.Errorf("a rule on likes: %d %s", res.status, res.body)
		}
		res = e.as(auth.DistrictAdmin, "POST", "/points/rulesets", map[string]any{"year": 2026, "note": "学习加分", "rules": []map[string]any{
			{"module": "volunteer", "per": "hour", "points": 1, "week_cap": 10}, {"module": "study", "per": "event", "points": 5}}})
		conforms(t, "PointsRuleset", res)
		rs := strconv.FormatInt(int64(decodeJSON[map[string]any](t, res)["id"].(float64)), 10)
		res = e.as(auth.DistrictAdmin, "GET", "/points/rulesets/"+rs+"/preview", nil)
		conforms(t, "PointsPreview", res)
		if pv := decodeJSON[map[string]any](t, res); pv["members"].(float64) != 1 {
			t.Errorf("preview: %s", res.body)
		}
		conforms(t, "PointsPreview", e.as(auth.DistrictAdmin, "POST", "/points/rulesets/"+rs+"/apply", nil))
		after = decodeJSON[map[string]any](t, e.as(auth.Member, "GET", "/me/points", nil))
		if after["total"].(float64) != mp["total"].(float64)+5 {
			t.Errorf("after the new rules %v, want %v + 5", after["total"], mp["total"])
		}
		res = e.as(auth.CommunityStaff, "GET", "/points/ranking?kind=在职", nil)
		conforms(t, "PointsRanking", res)
		if !strings.Contains(string(res.body), "积分党员") {
			t.Errorf("ranking: %s", res.body)
		}
		if res := e.as(auth.CommunityStaff, "GET", "/points/export?year=2026", nil); res.status != 200 || !strings.HasPrefix(string(res.body), "PK") {
			t.Errorf("export: %d", res.status)
		}
	})
}
