package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/survey"
	"gongzhi/internal/testkit"
)

// TestSurveysStep writes the area tree and the surveys alone, times the
// survey step (its share of the demo's budget) and reads the results back
// through the service: every committee scored in 2026H1, some over time.
func TestSurveysStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := testkit.Clock()
		b := newBuilder(c.Now())
		b.generate()
		var took time.Duration
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := b.write(ctx, tx); err != nil {
				return err
			}
			start := time.Now()
			err := b.writeSurveys(ctx, tx)
			took = time.Since(start)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("surveys step on %s: %v", d.Dialect, took) // the demo's 30 s is measured by BenchmarkDemoBuild, not here
		s := survey.NewService(d, c)
		res := len(b.allRes())
		h1, err := s.Compare(ctx, auth.SystemPrincipal(), survey.Filter{Period: "2026H1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(h1) != res {
			t.Fatalf("2026H1: %d campaigns for %d committees", len(h1), res)
		}
		for _, r := range h1 {
			sc := r.Scores
			if r.Campaign.Status != survey.Closed || sc.Answers < 12 || !sc.Satisfaction.OK || sc.ResponseRate < 30 || sc.ResponseRate > 75 {
				t.Fatalf("implausible round: %+v %+v", r.Campaign, sc)
			}
		}
		h2, err := s.Compare(ctx, auth.SystemPrincipal(), survey.Filter{Period: "2025H2"})
		if err != nil || len(h2) == 0 || len(h2) >= res {
			t.Fatalf("2025H2: %d campaigns (%v)", len(h2), err)
		}
	})
}

// TestAllianceStep writes the area tree, units and the alliances alone,
// times the step and reads one alliance back through the service.
func TestAllianceStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		c := testkit.Clock()
		b := newBuilder(c.Now())
		b.generate()
		var took time.Duration
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := b.write(ctx, tx); err != nil {
				return err
			}
			start := time.Now()
			err := b.writeAlliance(ctx, tx)
			took = time.Since(start)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("alliance step on %s: %v", d.Dialect, took)
		s := alliance.NewService(d, c)
		l, err := s.List(ctx, auth.SystemPrincipal(), alliance.Filter{})
		if err != nil || l.Total != 3*len(b.streets) {
			t.Fatalf("alliances: %d for %d streets (%v)", l.Total, len(b.streets), err)
		}
		a, err := s.Get(ctx, auth.SystemPrincipal(), l.Items[0].ID)
		if err != nil || len(a.MemberList) < 3 || a.Fulfilment.Total != len(a.MemberList)+len(a.Former) || len(a.Former) != 1 || a.Fulfilment.Done == 0 {
			t.Fatalf("alliance: %+v %v", a, err)
		}
	})
}
