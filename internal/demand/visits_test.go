package demand_test

import (
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestQuarterDates(t *testing.T) {
	cases := []struct{ q, start, end string }{
		{"2026Q1", "2026-01-01", "2026-03-31"}, {"2026Q4", "2026-10-01", "2026-12-31"}, {"2024Q1", "2024-01-01", "2024-03-31"},
	}
	for _, c := range cases {
		s, e, ok := demand.QuarterDates(c.q)
		if !ok || s != c.start || e != c.end {
			t.Errorf("%s: %s %s %v", c.q, s, e, ok)
		}
	}
	for _, bad := range []string{"2026Q5", "2026-Q1", "Q1"} {
		if _, _, ok := demand.QuarterDates(bad); ok {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestVisitingCampaign(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin, street, community := e.f.Users[auth.DistrictAdmin], e.f.Users[auth.StreetStaff], e.f.Users[auth.CommunityStaff]
		c, err := e.s.CreateCampaign(e.ctx, admin, demand.Campaign{Quarter: "2026Q4", Area: testkit.District})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.CreateCampaign(e.ctx, admin, demand.Campaign{Quarter: "2026Q4", Area: testkit.District}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("second campaign for the quarter: %v", err)
		}
		team, err := e.s.AddTeam(e.ctx, street, demand.Team{Campaign: c.ID, Name: "区民政局党组一队", Org: "区民政局机关党委", Area: testkit.ResA1,
			Members: []demand.TeamMember{{Name: "李代表", Role: "deputy"}, {Name: "赵律师", Role: "lawyer"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.AddTeam(e.ctx, street, demand.Team{Campaign: c.ID, Name: "x", Area: testkit.StreetA}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("team on a street: %v", err)
		}
		if _, err := e.s.RecordVisit(e.ctx, community, demand.VisitRecord{Team: team.ID, VisitedOn: "2026-09-30", Met: "居民代表"}, nil); errs.Code(err) != errs.EINVALID {
			t.Fatalf("visit outside the quarter: %v", err)
		}
		// A bad raised demand stores neither the visit nor any demand.
		_, err = e.s.RecordVisit(e.ctx, community, demand.VisitRecord{Team: team.ID, VisitedOn: "2026-11-28", Met: "楼组长"},
			[]demand.NewDemand{{Category: "noise", Description: "夜间施工噪音"}, {Category: "ufo", Description: "x"}})
		if ds := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || ds[0].Field != "demands[1].category" {
			t.Fatalf("bad raised demand: %v %+v", err, ds)
		}
		v, err := e.s.RecordVisit(e.ctx, community, demand.VisitRecord{Team: team.ID, VisitedOn: "2026-11-28", Met: "楼组长和居民 12 人", Raised: "夜间施工、停车难"},
			[]demand.NewDemand{{Category: "noise", Description: "夜间施工噪音扰民"}, {Category: "property", Description: "小区停车位不足"}})
		if err != nil || len(v.Demands) != 2 {
			t.Fatalf("visit: %+v %v", v, err)
		}
		got, _ := e.s.Get(e.ctx, community, v.Demands[0])
		if got.Channel != demand.Visit || got.Area != testkit.ResA1 {
			t.Fatalf("raised demand: %+v", got)
		}
		cov, err := e.s.VisitCoverage(e.ctx, street, c.ID)
		if err != nil || len(cov) != 2 {
			t.Fatalf("street coverage: %+v %v", cov, err)
		}
		if cov[0].Area != testkit.ResA2 || cov[0].Visits != 0 || cov[1].Visits != 1 || cov[1].Demands != 2 || cov[1].LastVisit != "2026-11-28" {
			t.Fatalf("unvisited first, then visited: %+v", cov)
		}
		all, _ := e.s.VisitCoverage(e.ctx, admin, c.ID)
		if len(all) != 3 {
			t.Fatalf("district coverage rows: %d", len(all))
		}
	})
}
