package org_test

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// TestCoverageCountsFollowChanges: coverage counts are kept between reads,
// but a unit change on this server shows at once, and one made through
// another server (another Service on the same database) within the TTL.
func TestCoverageCountsFollowChanges(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		clk := testkit.Clock()
		here, there := org.NewService(d, clk), org.NewService(d, clk)
		admin := f.Users[auth.DistrictAdmin]
		shops := func(s *org.Service) int {
			t.Helper()
			c, _, err := s.CoverageOf(ctx, admin, testkit.District)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range c.Groups {
				if g.Group == org.GroupShop {
					return g.Total
				}
			}
			return 0
		}
		before := shops(here)
		if n := shops(there); n != before {
			t.Fatalf("two servers disagree: %d and %d", before, n)
		}
		if _, err := here.CreateUnit(ctx, admin, org.UnitInput{Name: ptr("新开面馆"), Kind: ptr("shop"), Area: ptr(testkit.GridA1)}); err != nil {
			t.Fatal(err)
		}
		if n := shops(here); n != before+1 {
			t.Errorf("this server after its own change: %d shops, want %d", n, before+1)
		}
		if n := shops(there); n != before {
			t.Errorf("the other server within the TTL: %d shops, want its kept %d", n, before)
		}
		clk.Advance(11 * time.Second)
		if n := shops(there); n != before+1 {
			t.Errorf("the other server after the TTL: %d shops, want %d", n, before+1)
		}
	})
}
