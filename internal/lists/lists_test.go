package lists_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

type env struct {
	t   *testing.T
	f   *testkit.Fixture
	s   *lists.Service
	ctx context.Context
}

func newEnv(t *testing.T, d *db.DB) *env {
	return &env{t: t, f: testkit.NewFixture(t, d), s: lists.NewService(d, testkit.Clock()), ctx: context.Background()}
}

func (e *env) as(r auth.Role) *auth.Principal { return e.f.Users[r] }

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func TestNeeds(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		n, err := e.s.CreateNeed(e.ctx, e.as(auth.CommunityStaff), lists.NeedInput{Title: "夜间停车难", Category: "parking", Area: testkit.ResA1,
			Windows: "1-5 19:00-07:00", Beneficiaries: 30})
		if err != nil {
			t.Fatal(err)
		}
		if n.Status != "open" || n.AreaPath == "" || n.Beneficiaries != 30 || n.Source != "staff" {
			t.Fatalf("need = %+v", n)
		}
		// Every wrong field is named, and nothing is written.
		_, err = e.s.CreateNeed(e.ctx, e.as(auth.CommunityStaff), lists.NeedInput{Category: "flying", Area: testkit.ResA1, Windows: "1-5 19:00-07:00; 3 20:00-21:00", Urgency: "now"})
		wantCode(t, err, errs.EINVALID)
		fields := map[string]bool{}
		for _, d := range err.(*errs.Error).Details {
			fields[d.Field] = true
		}
		for _, f := range []string{"title", "category", "windows", "urgency"} {
			if !fields[f] {
				t.Errorf("error names %v, want %s among them", fields, f)
			}
		}
		// Out of scope: community staff of ResA1 cannot file a need in ResB1; a resident has no lists at all.
		_, err = e.s.CreateNeed(e.ctx, e.as(auth.CommunityStaff), lists.NeedInput{Title: "x", Category: "parking", Area: testkit.ResB1})
		wantCode(t, err, errs.EFORBIDDEN)
		_, err = e.s.CreateNeed(e.ctx, e.as(auth.Resident), lists.NeedInput{Title: "x", Category: "parking", Area: testkit.ResA1})
		wantCode(t, err, errs.EFORBIDDEN)
		if _, _, err := e.s.Need(e.ctx, e.as(auth.Resident), n.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("resident reads a need: %v", err)
		}
		l, err := e.s.Needs(e.ctx, e.as(auth.StreetStaff), lists.ListFilter{Status: "open"})
		if err != nil || l.Total != 1 || l.Items[0].ID != n.ID {
			t.Fatalf("needs = %+v, %v", l, err)
		}
		// Status moves follow the rule; an impossible one is a conflict.
		if _, err := e.s.SetNeedStatus(e.ctx, e.as(auth.CommunityStaff), n.ID, "served", ""); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("open → served: %v", err)
		}
		if n, err = e.s.SetNeedStatus(e.ctx, e.as(auth.CommunityStaff), n.ID, "closed", "已解决"); err != nil || n.Status != "closed" {
			t.Fatalf("close: %+v %v", n, err)
		}
		_, ev, err := e.s.Need(e.ctx, e.as(auth.Auditor), n.ID)
		if err != nil || len(ev) != 2 || ev[1].Action != "status:closed" || ev[1].Note != "已解决" {
			t.Fatalf("timeline = %+v, %v", ev, err)
		}
	})
}

func TestNeedMoves(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		ok       bool
	}{
		{"open", "matched", true}, {"open", "served", false}, {"matched", "served", true}, {"matched", "open", true},
		{"served", "closed", true}, {"served", "open", false}, {"closed", "open", true}, {"closed", "matched", false},
	} {
		if got := lists.NextNeedStatus(tc.from, tc.to); got != tc.ok {
			t.Errorf("%s → %s = %v, want %v", tc.from, tc.to, got, tc.ok)
		}
	}
}

func TestProjectMoves(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		perm     auth.Perm
		lead, ok bool
	}{
		{"proposed", "approved", auth.ProjectApprove, false, true},
		{"proposed", "running", "", false, false},
		{"approved", "running", auth.ListsWrite, true, true},
		{"running", "done", auth.ListsWrite, true, true},
		{"done", "evaluated", auth.ProjectApprove, false, true},
		{"done", "cancelled", "", false, false},
		{"running", "cancelled", auth.ProjectApprove, false, true},
		{"evaluated", "done", "", false, false},
	} {
		perm, lead, ok := lists.ProjectMove(tc.from, tc.to)
		if perm != tc.perm || lead != tc.lead || ok != tc.ok {
			t.Errorf("%s → %s = %s %v %v, want %s %v %v", tc.from, tc.to, perm, lead, ok, tc.perm, tc.lead, tc.ok)
		}
	}
}

func TestResources(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// The liaison offers its own unit's night parking without naming the unit.
		r, err := e.s.CreateResource(e.ctx, e.as(auth.UnitLiaison), lists.ResourceInput{Title: "夜间停车位", Kind: "parking", Categories: []string{"parking"},
			Capacity: 40, CapacityUnit: "spaces", Windows: "1-5 19:00-07:00"})
		if err != nil {
			t.Fatal(err)
		}
		if r.UnitID == nil || *r.UnitID != e.f.Units[testkit.LiaisonUnit] || r.ProviderName != testkit.LiaisonUnit || r.Area != testkit.ResA1 || r.Serves != testkit.StreetA {
			t.Fatalf("resource = %+v", r)
		}
		// Another unit's resource is not the liaison's to offer.
		other := e.f.Units[testkit.UnitInA2]
		_, err = e.s.CreateResource(e.ctx, e.as(auth.UnitLiaison), lists.ResourceInput{Title: "会议室", Kind: "venue", Categories: []string{"venue"},
			UnitID: &other, Capacity: 20, CapacityUnit: "people"})
		wantCode(t, err, errs.EFORBIDDEN)
		_, err = e.s.CreateResource(e.ctx, e.as(auth.CommunityStaff), lists.ResourceInput{Title: "会议室", Kind: "venue", Categories: []string{"venue"},
			Capacity: 0, CapacityUnit: "people", Windows: "1 09:00-12:00; 1 11:00-13:00", ProviderKind: "person"})
		wantCode(t, err, errs.EINVALID)
		if len(err.(*errs.Error).Details) < 3 { // capacity, windows, provider_name
			t.Fatalf("details = %+v", err.(*errs.Error).Details)
		}
		// The liaison sees its unit's resources in its list; a grid worker of GridA1 does not see ResA1's.
		l, err := e.s.Resources(e.ctx, e.as(auth.UnitLiaison), lists.ListFilter{})
		if err != nil || l.Total != 1 {
			t.Fatalf("liaison's resources = %d, %v", l.Total, err)
		}
		l, err = e.s.Resources(e.ctx, e.as(auth.GridWorker), lists.ListFilter{})
		if err != nil || l.Total != 0 {
			t.Fatalf("grid worker's resources = %d, %v", l.Total, err)
		}
		if r, err = e.s.SetResourceStatus(e.ctx, e.as(auth.UnitLiaison), r.ID, "paused", "装修"); err != nil || r.Status != "paused" {
			t.Fatalf("pause: %+v %v", r, err)
		}
	})
}

func TestProjects(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		staff := e.as(auth.StreetStaff)
		pr, err := e.s.CreateProject(e.ctx, staff, lists.ProjectInput{Title: "楼道微更新", Domain: "livelihood", Area: testkit.ResA1, Claimable: true,
			BudgetFen: 500000, Milestones: []string{"方案|2026-12-20", "施工"}})
		if err != nil {
			t.Fatal(err)
		}
		if pr.Level != "residential" || pr.Status != "proposed" || len(pr.Milestones) != 2 {
			t.Fatalf("project = %+v", pr)
		}
		// Community staff may not approve; street staff may.
		if _, err := e.s.MoveProject(e.ctx, e.as(auth.CommunityStaff), pr.ID, "approved", "", nil); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("community approves: %v", err)
		}
		if pr, err = e.s.MoveProject(e.ctx, staff, pr.ID, "approved", "同意", nil); err != nil || pr.Status != "approved" {
			t.Fatalf("approve: %v", err)
		}
		// The liaison claims it for its unit; a second claim is a conflict.
		if pr, err = e.s.ClaimProject(e.ctx, e.as(auth.UnitLiaison), pr.ID, nil); err != nil || pr.LeadUnitID == nil || pr.LeadName != testkit.LiaisonUnit {
			t.Fatalf("claim: %+v %v", pr, err)
		}
		if _, err := e.s.ClaimProject(e.ctx, staff, pr.ID, ptr(e.f.Units[testkit.UnitInA2])); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("second claim: %v", err)
		}
		// The lead unit runs it, hands out rating codes, and finishes it; a
		// code rates once, and only once the project is done.
		if _, err := e.s.MoveProject(e.ctx, e.as(auth.UnitLiaison), pr.ID, "running", "", nil); err != nil {
			t.Fatal(err)
		}
		codes, err := e.s.IssueRatingCodes(e.ctx, e.as(auth.UnitLiaison), pr.ID, 3)
		if err != nil || len(codes) != 3 || codes[0].Code == codes[1].Code {
			t.Fatalf("codes = %+v, %v", codes, err)
		}
		wantCode(t, e.s.RateProject(e.ctx, codes[0].Code, 5, ""), errs.ECONFLICT)
		for _, n := range []int{0, 501} {
			_, err := e.s.IssueRatingCodes(e.ctx, staff, pr.ID, n)
			wantCode(t, err, errs.EINVALID)
		}
		_, err = e.s.IssueRatingCodes(e.ctx, e.as(auth.GridWorker), pr.ID, 1)
		wantCode(t, err, errs.ENOTFOUND)
		_, err = e.s.IssueRatingCodes(e.ctx, e.as(auth.Auditor), pr.ID, 1)
		wantCode(t, err, errs.EFORBIDDEN)
		served := 120
		if _, err := e.s.MoveProject(e.ctx, e.as(auth.UnitLiaison), pr.ID, "done", "", &served); err != nil {
			t.Fatal(err)
		}
		for i, score := range []int{5, 4} {
			if err := e.s.RateProject(e.ctx, codes[i].Code, score, "好"); err != nil {
				t.Fatal(err)
			}
		}
		wantCode(t, e.s.RateProject(e.ctx, codes[0].Code, 1, ""), errs.ECONFLICT) // spent
		wantCode(t, e.s.RateProject(e.ctx, codes[2].Code, 6, ""), errs.EINVALID)
		wantCode(t, e.s.RateProject(e.ctx, "ZZZZZZZZZZ", 5, ""), errs.ENOTFOUND)
		rc, err := e.s.ProjectRatingCodes(e.ctx, e.as(auth.UnitLiaison), pr.ID)
		if err != nil || rc.Issued != 3 || rc.Used != 2 || len(rc.Items) != 1 || rc.Items[0].Code != codes[2].Code {
			t.Fatalf("codes after = %+v, %v", rc, err)
		}
		pr, _, err = e.s.Project(e.ctx, staff, pr.ID)
		if err != nil || pr.Rating == nil || pr.Rating.Count != 2 || pr.Rating.Average != 4.5 || pr.Beneficiaries != 120 {
			t.Fatalf("project = %+v %v", pr, err)
		}
		// Out of scope is not found.
		if _, _, err := e.s.Project(e.ctx, e.as(auth.GridWorker), pr.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("grid worker reads ResA1's project: %v", err)
		}
	})
}

func TestProjectStats(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sys := auth.SystemPrincipal()
		for _, x := range []struct{ domain, area string }{
			{"livelihood", testkit.ResA1}, {"governance", testkit.StreetA}, {"culture", testkit.ResB1}, {"environment", testkit.District},
		} {
			if _, err := e.s.CreateProject(e.ctx, sys, lists.ProjectInput{Title: x.domain, Domain: x.domain, Area: x.area, LeadName: "街道"}); err != nil {
				t.Fatal(err)
			}
		}
		st, err := e.s.Stats(e.ctx, e.as(auth.DistrictAdmin), testkit.District, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Total != 4 || *st.ThreeDomainShare != 0.75 || *st.StreetOrResidentialShare != 0.75 || len(st.ByStreet) != 2 || st.ByStreet[0].Count != 2 {
			t.Fatalf("stats = %+v", st)
		}
		// The list keeps the projects created in a period of the district's days.
		for _, c := range []struct {
			from, to string
			want     int
		}{{"2026-11-30", "2026-11-30", 4}, {"", "2026-11-29", 0}, {"2026-12-01", "", 0}, {"", "", 4}} {
			l, err := e.s.Projects(e.ctx, sys, lists.ProjectFilter{ListFilter: lists.ListFilter{From: c.from, To: c.to}})
			if err != nil || l.Total != c.want {
				t.Errorf("projects %s..%s = %d, %v; want %d", c.from, c.to, l.Total, err, c.want)
			}
		}
		_, err = e.s.Projects(e.ctx, sys, lists.ProjectFilter{ListFilter: lists.ListFilter{From: "11/30"}})
		wantCode(t, err, errs.EINVALID)
		// A child area without a project is listed with none.
		st, err = e.s.Stats(e.ctx, e.as(auth.StreetStaff), testkit.StreetA, time.Time{}, time.Time{})
		if err != nil || st.Total != 2 || len(st.ByStreet) != 2 || st.ByStreet[0] != (lists.AreaStat{Area: testkit.ResA1, Name: "东湖居民区", Count: 1}) ||
			st.ByStreet[1].Area != testkit.ResA2 || st.ByStreet[1].Count != 0 {
			t.Fatalf("street stats = %+v, %v", st, err)
		}
		if _, err := e.s.Stats(e.ctx, e.as(auth.CommunityStaff), testkit.District, time.Time{}, time.Time{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("community staff reads the district: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// TestRatingCodeOnce: 20 taps of one code at once give one rating.
func TestRatingCodeOnce(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		sys := auth.SystemPrincipal()
		pr, err := e.s.CreateProject(e.ctx, sys, lists.ProjectInput{Title: "睦邻点", Domain: "culture", Area: testkit.ResA1, LeadName: "居委会"})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"approved", "running", "done"} {
			if _, err := e.s.MoveProject(e.ctx, sys, pr.ID, to, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		codes, err := e.s.IssueRatingCodes(e.ctx, sys, pr.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		results := make([]error, 20)
		for i := range results {
			wg.Go(func() { results[i] = e.s.RateProject(e.ctx, codes[0].Code, 4, "") })
		}
		wg.Wait()
		ok := 0
		for _, err := range results {
			switch {
			case err == nil:
				ok++
			case errs.Code(err) != errs.ECONFLICT:
				t.Errorf("tap: %v", err)
			}
		}
		var n int
		if err := d.QueryRow(e.ctx, "SELECT count(*) FROM project_ratings WHERE project_id = ?", pr.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if ok != 1 || n != 1 {
			t.Fatalf("%d taps succeeded, %d ratings stored; want 1 and 1", ok, n)
		}
	})
}
