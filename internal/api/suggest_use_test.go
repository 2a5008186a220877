package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestSuggestionUses: a client records the suggestions it showed for a
// demand it filed; the answer says where the filed category stood; a
// second record is 409 and a bad one 400 naming the field, both writing
// nothing; the accuracy's real_use counts it.
func TestSuggestionUses(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		f := e.fileDirect(testkit.ResA1, "sanitation", "楼道垃圾没人清")
		body := map[string]any{"demand_id": f.Demand.ID, "model": "2026-11-30T01:00:00Z",
			"categories": []map[string]any{{"category": "noise", "p": 0.6}, {"category": "sanitation", "p": 0.3}}}
		r := e.as(auth.CommunityStaff, "POST", "/demand-suggestions/uses", body)
		if r.status != http.StatusCreated {
			t.Fatalf("record: %d %s", r.status, r)
		}
		var rec struct {
			Category string `json:"category"`
			Rank     int    `json:"rank"`
		}
		if err := json.Unmarshal(r.body, &rec); err != nil || rec.Category != "sanitation" || rec.Rank != 2 {
			t.Fatalf("recorded %s (%v)", r, err)
		}
		if r := e.as(auth.CommunityStaff, "POST", "/demand-suggestions/uses", body); r.status != http.StatusConflict {
			t.Errorf("twice: %d %s", r.status, r)
		}
		f2 := e.fileDirect(testkit.ResA1, "sanitation", "垃圾桶满了")
		bad := map[string]any{"demand_id": f2.Demand.ID, "model": "m", "categories": []map[string]any{{"category": "noise", "p": 1.5}}}
		if r := e.as(auth.CommunityStaff, "POST", "/demand-suggestions/uses", bad); r.status != http.StatusBadRequest || !json.Valid(r.body) {
			t.Errorf("a bad p: %d %s", r.status, r)
		}
		var n int
		if err := d.QueryRow(t.Context(), "SELECT count(*) FROM suggestion_uses").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d uses (%v), want 1", n, err)
		}
		r = e.as(auth.StreetStaff, "GET", "/demand-suggestions/accuracy", nil)
		var acc struct {
			RealUse struct{ N, Top1, Top3 int } `json:"real_use"`
		}
		if err := json.Unmarshal(r.body, &acc); err != nil || acc.RealUse.N != 1 || acc.RealUse.Top1 != 0 || acc.RealUse.Top3 != 1 {
			t.Fatalf("accuracy %s (%v)", r, err)
		}
	})
}
