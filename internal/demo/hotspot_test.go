package demo_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/lists"
)

// checkDemoHotspots holds the demo's weekly runs to its planted ground
// truth: the bar-street grid's night noise, tripled over the last four
// whole weeks, is found in at least 90% of those weeks' runs with at most
// 10% of all flagged cells false; the lift that breaks again at one address
// is among the last week's recurring problems; and the closed topic's
// measured effect holds the planted halving in its interval.
func checkDemoHotspots(t *testing.T, ctx context.Context, d *db.DB, c *clock.Fake) {
	t.Helper()
	var grid string
	if err := d.QueryRow(ctx, `SELECT min(area_path) FROM demands WHERE category_code = 'noise' AND address LIKE '%酒吧街'`).Scan(&grid); err != nil {
		t.Fatal(err)
	}
	s := hotspot.NewService(d, c, lists.NewService(d, c))
	runs, err := s.Runs(ctx, 100)
	if err != nil || len(runs) != 8 {
		t.Fatalf("runs: %d %v, want the last eight weeks", len(runs), err)
	}
	sys := auth.SystemPrincipal()
	truth, found, flagged, falses := 4, 0, 0, 0
	for i, r := range runs { // newest first: the surge is the first four
		spots, _, err := s.Spots(ctx, sys, hotspot.Filter{Week: r.Week, PerPage: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range spots.Items {
			flagged++
			if sp.AreaPath == grid && sp.Category == "noise" && i < truth {
				found++
			} else {
				falses++
			}
		}
	}
	recall, fdr := float64(found)/float64(truth), float64(falses)/float64(max(flagged, 1))
	t.Logf("demo hot spots: %d of %d planted weeks found, %d of %d flagged false (recall %.2f, FDR %.2f)", found, truth, falses, flagged, recall, fdr)
	if recall < 0.9 || fdr > 0.1 {
		t.Errorf("recall %.2f (want ≥ 0.9), false-discovery rate %.2f (want ≤ 0.1)", recall, fdr)
	}
	reps, _, err := s.Repeats(ctx, sys, hotspot.Filter{PerPage: 500})
	if err != nil {
		t.Fatal(err)
	}
	lift := false
	for _, r := range reps.Items {
		lift = lift || r.Category == "property_elevator" && r.MatchedBy == "address" && r.Description == "3号楼电梯又坏了，老人下不了楼"
	}
	if !lift {
		t.Errorf("the lift that broke again is not among the %d recurring problems", reps.Total)
	}
	topics, err := s.Topics(ctx, sys, hotspot.TopicFilter{Status: "closed"})
	if err != nil || len(topics.Items) != 1 {
		t.Fatalf("closed topics: %+v %v", topics, err)
	}
	tp, err := s.Topic(ctx, sys, topics.Items[0].ID)
	if err != nil || tp.Effect == nil || tp.Project == nil {
		t.Fatalf("topic: %+v %v, want its effect and project", tp, err)
	}
	e := tp.Effect
	t.Logf("demo topic: %s (%d→%d against %d→%d)", tp.Verdict, e.TreatedBefore, e.TreatedAfter, e.ControlBefore, e.ControlAfter)
	if e.Low > 0.5 || e.High < 0.5 || e.Direction != "fell" {
		t.Errorf("topic effect %.2f (%.2f–%.2f) %s; the interval should hold the planted halving", e.Ratio, e.Low, e.High, e.Direction)
	}
}
