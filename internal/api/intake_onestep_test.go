package api_test

import (
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// oneStep is what TestIntakeDispatchOrAnswer reads of a filed demand.
type oneStep struct {
	Status  string `json:"status"`
	Lead    string `json:"lead"`
	Outcome string `json:"outcome"`
}

// TestIntakeDispatchOrAnswer: POST /demands takes the intake form's two
// one-step options, dispatch (with an optional lead) and answer.
func TestIntakeDispatchOrAnswer(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		call := func(extra map[string]any) map[string]any {
			body := map[string]any{"category": "noise", "description": "楼下夜间噪音", "channel": "hotline", "area": testkit.GridA1}
			for k, v := range extra {
				body[k] = v
			}
			return body
		}
		res := e.as(auth.CommunityStaff, "POST", "/demands", call(map[string]any{"dispatch": true}))
		if res.status != 201 {
			t.Fatalf("file and dispatch: %d %s", res.status, res.body)
		}
		conforms(t, "DemandCreated", res)
		if got := decodeJSON[oneStep](t, res); got.Status != "dispatched" || got.Lead != testkit.GridA1 {
			t.Fatalf("file and dispatch: %s", res.body)
		}
		res = e.as(auth.CommunityStaff, "POST", "/demands", call(map[string]any{"lead": testkit.ResA1}))
		if got := decodeJSON[oneStep](t, res); res.status != 201 || got.Status != "dispatched" || got.Lead != testkit.ResA1 {
			t.Fatalf("a lead alone dispatches: %d %s", res.status, res.body)
		}
		res = e.as(auth.CommunityStaff, "POST", "/demands", call(map[string]any{"answer": "已当场答复"}))
		if got := decodeJSON[oneStep](t, res); res.status != 201 || got.Status != "closed" || got.Outcome != "solved" {
			t.Fatalf("answered on the spot: %d %s", res.status, res.body)
		}
		wantError(t, e.as(auth.CommunityStaff, "POST", "/demands", call(map[string]any{"answer": "已答复", "dispatch": true})), 400, "EINVALID", "answer")
		wantError(t, e.as(auth.GridWorker, "POST", "/demands", call(map[string]any{"dispatch": true})), 403, "EFORBIDDEN", "")
		if n := e.count("SELECT count(*) FROM demands"); n != 3 {
			t.Fatalf("%d demands filed, want 3", n)
		}
	})
}
