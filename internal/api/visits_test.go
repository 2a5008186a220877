package api_test

import (
	"strconv"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

type coverageBody struct {
	Items []struct {
		Area    string `json:"area"`
		Visits  int    `json:"visits"`
		Demands int    `json:"demands"`
	} `json:"items"`
	Total     int `json:"total"`
	Visited   int `json:"visited"`
	Unvisited int `json:"unvisited"`
}

// TestVisits runs a quarter's campaign: teams, a visit that files demands,
// and the coverage list that shows which residential areas are left.
func TestVisits(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		da := auth.DistrictAdmin
		res := e.as(da, "POST", "/visit-campaigns", map[string]any{"quarter": "2026Q4", "area": testkit.District})
		if res.status != 201 {
			t.Fatalf("campaign: %d %s", res.status, res.body)
		}
		conforms(t, "VisitCampaign", res)
		testkit.Contains(t, res.String(), `"starts_on":"2026-10-01"`, `"ends_on":"2026-12-31"`, "满意在徐汇·服务在基层")
		camp := decodeJSON[struct{ ID int64 }](t, res).ID
		base := "/visit-campaigns/" + strconv.FormatInt(camp, 10)
		wantError(t, e.as(da, "POST", "/visit-campaigns", map[string]any{"quarter": "2026Q4", "area": testkit.District}), 400, "EINVALID", "quarter")

		res = e.as(auth.StreetStaff, "POST", base+"/teams", map[string]any{"name": "区司法局走访组", "org": "区司法局党组", "area": testkit.ResA1,
			"members": []map[string]string{{"name": "张律师", "role": "lawyer"}, {"name": "李代表", "role": "deputy"}}})
		if res.status != 201 {
			t.Fatalf("team: %d %s", res.status, res.body)
		}
		conforms(t, "VisitTeam", res)
		team := decodeJSON[struct{ ID int64 }](t, res).ID
		res = e.as(auth.StreetStaff, "GET", base+"/teams", nil)
		conforms(t, "VisitTeamList", res)
		if l := decodeJSON[listBody[any]](t, res); l.Total != 1 {
			t.Errorf("teams: %s", res.body)
		}

		coverage := func() coverageBody {
			res := e.as(auth.StreetStaff, "GET", base+"/coverage", nil)
			conforms(t, "VisitCoverage", res)
			return decodeJSON[coverageBody](t, res)
		}
		if c := coverage(); c.Total != 2 || c.Visited != 0 || c.Unvisited != 2 {
			t.Fatalf("coverage before: %+v", c)
		}

		demands := e.count("SELECT count(*) FROM demands")
		visit := map[string]any{"team": team, "visited_on": "2026-11-28", "met": "居民代表三人", "raised": "加装电梯、楼道堆物",
			"demands": []map[string]any{
				{"category": "sanitation", "description": "楼道堆物影响通行", "reporter": map[string]string{"name": reporterName, "phone": reporterPhone}},
				{"category": "noise", "description": "楼下夜市噪音", "area": testkit.GridA1},
			}}
		res = e.as(auth.CommunityStaff, "POST", "/visits", visit)
		if res.status != 201 {
			t.Fatalf("visit: %d %s", res.status, res.body)
		}
		conforms(t, "Visit", res)
		v := decodeJSON[struct {
			Demands []int64 `json:"demands"`
			Area    string  `json:"area"`
		}](t, res)
		if len(v.Demands) != 2 || v.Area != testkit.ResA1 {
			t.Fatalf("visit: %s", res.body)
		}
		filed := decodeJSON[demandBody](t, e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(v.Demands[0], 10), nil))
		if filed.Area != testkit.ResA1 || filed.Reporters[0].Name != reporterName {
			t.Errorf("visit demand: %+v", filed)
		}
		testkit.Contains(t, e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(v.Demands[1], 10), nil).String(), `"channel":"visit"`, `"area":"`+testkit.GridA1+`"`)
		c := coverage()
		if c.Visited != 1 || c.Unvisited != 1 || c.Items[1].Area != testkit.ResA1 || c.Items[1].Visits != 1 || c.Items[1].Demands != 2 {
			t.Errorf("coverage after: %+v", c)
		}

		// Bad visits store nothing, not even the demands that were fine.
		demands += 2
		visits := e.count("SELECT count(*) FROM visits")
		with := func(k string, val any) map[string]any {
			m := map[string]any{}
			for k, v := range visit {
				m[k] = v
			}
			m[k] = val
			return m
		}
		for _, c := range []struct {
			body   any
			status int
			field  string
		}{
			{with("visited_on", "28/11/2026"), 400, "visited_on"},
			{with("visited_on", "2027-01-05"), 400, "visited_on"},
			{with("met", ""), 400, "met"},
			{with("team", 999999), 400, "team"},
			{with("team", nil), 400, "team"},
			{with("demands", []map[string]any{{"category": "noise", "description": "噪音"}, {"category": "weather", "description": "天气"}}), 400, "demands[1].category"},
			{with("demands", []map[string]any{{"category": "noise", "description": "噪音", "colour": "red"}}), 400, "colour"},
		} {
			wantError(t, e.as(auth.CommunityStaff, "POST", "/visits", c.body), c.status, "EINVALID", c.field)
		}
		if e.count("SELECT count(*) FROM demands") != demands || e.count("SELECT count(*) FROM visits") != visits {
			t.Error("a refused visit stored something")
		}
		wantError(t, e.as(auth.GridWorker, "POST", "/visits", visit), 403, "EFORBIDDEN", "")
		wantError(t, e.as(da, "GET", "/visit-campaigns?quarter=Q4", nil), 400, "EINVALID", "quarter")
		wantError(t, e.as(da, "GET", "/visit-campaigns/999999/coverage", nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(da, "POST", base+"/teams", map[string]any{"name": "x", "area": testkit.StreetA}), 400, "EINVALID", "area")
		res = e.as(da, "GET", "/visit-campaigns?quarter=2026Q4", nil)
		conforms(t, "VisitCampaignList", res)
		if l := decodeJSON[listBody[any]](t, res); l.Total != 1 {
			t.Errorf("campaigns: %s", res.body)
		}
	})
}
