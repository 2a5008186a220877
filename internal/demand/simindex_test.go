package demand_test

import (
	"slices"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// The duplicate check answers from an in-memory index (simindex.go). These
// tests hold it to what it promises: this server's own changes count at
// once, another server's within demand.SimilarStaleness.

const (
	noiseA = "3号楼楼下每天晚上广场舞音响声音太大，严重扰民"
	noiseB = "3号楼楼下广场舞每天晚上声音太大太吵，扰民严重"
)

// similarIDs lists the ids the intake-time duplicate check offers for text.
func similarIDs(t *testing.T, s *demand.Service, p *auth.Principal, category, area, text string) []int64 {
	t.Helper()
	found, err := s.SimilarText(t.Context(), p, category, area, text)
	if err != nil {
		t.Fatal(err)
	}
	ids := []int64{}
	for _, f := range found {
		ids = append(ids, f.ID)
	}
	return ids
}

func TestSimilarSeesOwnChangesAtOnce(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.Users[auth.CommunityStaff]
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); len(ids) != 0 { // loads the (empty) index
			t.Fatalf("similar in an empty district: %v", ids)
		}
		// No clock moves in this test: nothing waits for a catch-up.
		first := e.file(t, c, "noise", testkit.ResA1, noiseA).Demand
		second := e.file(t, c, "noise", testkit.ResA1, noiseA).Demand
		found, err := e.s.SimilarText(e.ctx, c, "noise", testkit.ResA1, noiseB)
		if err != nil || len(found) != 2 || found[0].ID != first.ID || found[0].Score < 0.8 || found[0].Description != noiseA ||
			found[0].Status != demand.Received || found[0].Area != testkit.ResA1 || found[0].Category != "noise" || !found[0].CreatedAt.Equal(first.CreatedAt) {
			t.Fatalf("after two intakes: %+v %v", found, err)
		}
		e.act(t, c, second.ID, demand.ActionInput{Action: demand.ActMerge, Target: &first.ID})
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{first.ID}) {
			t.Fatalf("after merging %d into %d: %v", second.ID, first.ID, ids)
		}
		e.act(t, c, first.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		found, _ = e.s.SimilarText(e.ctx, c, "noise", testkit.ResA1, noiseB)
		if len(found) != 1 || found[0].Status != demand.Dispatched {
			t.Fatalf("after dispatch: %+v", found)
		}
		third := e.file(t, c, "noise", testkit.ResA1, noiseA).Demand
		e.act(t, c, third.ID, demand.ActionInput{Action: demand.ActClose, Note: "当场答复"})
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{first.ID}) {
			t.Fatalf("after closing %d: %v", third.ID, ids)
		}
		// What the catch-up reads back agrees with what was noted.
		e.clock.Advance(demand.SimilarStaleness)
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{first.ID}) {
			t.Fatalf("after a catch-up: %v", ids)
		}
	})
}

func TestSimilarSeesOtherServersWithinStaleness(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.Users[auth.CommunityStaff]
		other := demand.NewService(d, e.clock, nil) // a second server on the same database
		kept := e.file(t, c, "noise", testkit.ResA1, noiseA).Demand
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{kept.ID}) {
			t.Fatalf("before: %v", ids)
		}
		filed, err := other.Intake(e.ctx, c, demand.NewDemand{Category: "noise", Description: noiseA, Channel: "hotline", Area: testkit.ResA1})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Act(e.ctx, c, kept.ID, demand.ActionInput{Action: demand.ActClose, Note: "当场答复"}); err != nil {
			t.Fatal(err)
		}
		// Within the bound this server may still show the old state; at the bound it must not.
		e.clock.Advance(demand.SimilarStaleness - time.Millisecond)
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{kept.ID}) {
			t.Fatalf("within the bound: %v, want the cached %d", ids, kept.ID)
		}
		e.clock.Advance(time.Millisecond)
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{filed.Demand.ID}) {
			t.Fatalf("at the bound: %v, want only %d (filed on the other server; %d closed there)", ids, filed.Demand.ID, kept.ID)
		}
		// A row written by hand, as an import or a repair script would, is caught up the same way.
		if _, err := d.Exec(e.ctx, "UPDATE demands SET status = 'merged', duplicate_of = ?, updated_at = ? WHERE id = ?",
			kept.ID, e.clock.Now().UTC(), filed.Demand.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(demand.SimilarStaleness)
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); len(ids) != 0 {
			t.Fatalf("after an update by hand: %v", ids)
		}
	})
}

func TestSimilarSeesCategoryChangesAtOnce(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.f.Users[auth.DistrictAdmin]
		// The same complaint filed as property management in the next residential area.
		elsewhere := e.file(t, admin, "property", testkit.ResA2, noiseA).Demand
		if ids := similarIDs(t, e.s, admin, "noise", testkit.ResA1, noiseB); len(ids) != 0 {
			t.Fatalf("an unrelated category in another residential area: %v", ids)
		}
		// Make property a sub-category of noise: now related, so a candidate across the street.
		if _, err := e.s.SaveCategory(e.ctx, admin, demand.Category{Code: "property", Parent: "noise", Name: "物业管理", ContactLimit: "2h",
			ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		if ids := similarIDs(t, e.s, admin, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{elsewhere.ID}) {
			t.Fatalf("after relating the categories: %v, want %d", ids, elsewhere.ID)
		}
	})
}

// TestWarmSimilar: serve loads the index at start; a demand another server
// files right after is seen within the staleness bound, not before — the
// index was loaded already.
func TestWarmSimilar(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.Users[auth.CommunityStaff]
		if err := e.s.WarmSimilar(e.ctx); err != nil {
			t.Fatal(err)
		}
		other := demand.NewService(d, e.clock, nil)
		filed, err := other.Intake(e.ctx, c, demand.NewDemand{Category: "noise", Description: noiseA, Channel: "hotline", Area: testkit.ResA1})
		if err != nil {
			t.Fatal(err)
		}
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); len(ids) != 0 {
			t.Fatalf("the index was not loaded by WarmSimilar: the first check read %v", ids)
		}
		e.clock.Advance(demand.SimilarStaleness)
		if ids := similarIDs(t, e.s, c, "noise", testkit.ResA1, noiseB); !slices.Equal(ids, []int64{filed.Demand.ID}) {
			t.Fatalf("after the bound: %v", ids)
		}
	})
}
