package hotspot_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/hotspot"
	"gongzhi/internal/lists"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// kit is the fixture district with eleven more grids, two categories and
// the services on a clock set in November 2026.
type kit struct {
	t     *testing.T
	ctx   context.Context
	d     *db.DB
	f     *testkit.Fixture
	clk   *clock.Fake
	ds    *demand.Service
	ls    *lists.Service
	s     *hotspot.Service
	grids []string // area codes; grids[0] is the fixture's GridA1
	paths map[string]string
}

func newKit(t *testing.T, d *db.DB) *kit {
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 11, 10, 10, 0, 0, 0, clock.Shanghai))
	k := &kit{t: t, ctx: ctx, d: d, f: testkit.NewFixture(t, d), clk: clk, paths: map[string]string{}}
	k.ds = demand.NewService(d, clk, notify.NewService(d, clk, notify.Options{}))
	k.ls = lists.NewService(d, clk)
	k.s = hotspot.NewService(d, clk, k.ls)
	admin := k.f.Users[auth.DistrictAdmin]
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
		{Code: "lift", Name: "电梯故障", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
	} {
		if _, err := k.ds.SaveCategory(ctx, admin, c); err != nil {
			t.Fatal(err)
		}
	}
	k.grids = []string{testkit.GridA1}
	for i, parent := range []string{testkit.ResA1, testkit.ResA1, testkit.ResA2, testkit.ResA2, testkit.ResA2, testkit.ResB1, testkit.ResB1, testkit.ResB1, testkit.ResB1, testkit.ResB1, testkit.ResB1} {
		code := fmt.Sprintf("%s%02d", parent, 20+i)
		pp, err := area.Path(ctx, d, parent)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(ctx, "INSERT INTO areas (code, parent_code, name, level, path) VALUES (?, ?, ?, 'grid', ?)", code, parent, fmt.Sprintf("第%d网格", 20+i), pp+code[len(parent):]+"/"); err != nil {
			t.Fatal(err)
		}
		k.grids = append(k.grids, code)
	}
	for _, g := range k.grids {
		p, err := area.Path(ctx, d, g)
		if err != nil {
			t.Fatal(err)
		}
		k.paths[g] = p
	}
	return k
}

// rollup adds n demands of category to a grid's rollups on day.
func (k *kit) rollup(grid, category, day string, n int) {
	k.t.Helper()
	if _, err := k.d.Exec(k.ctx, `INSERT INTO demand_rollups (area_path, category_code, day, received) VALUES (?, ?, ?, ?)
		ON CONFLICT (area_path, day, category_code) DO UPDATE SET received = demand_rollups.received + excluded.received`, k.paths[grid], category, day, n); err != nil {
		k.t.Fatal(err)
	}
}

// file takes in a demand at the clock's now; answered ones are closed at once.
func (k *kit) file(grid, category, address, text string, answered bool) int64 {
	k.t.Helper()
	in := demand.NewDemand{Category: category, Description: text, Channel: "hotline", Area: grid, Address: address,
		Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13900002222"}}
	if answered {
		in.Answer = "已当场处理"
	}
	f, err := k.ds.Intake(k.ctx, k.f.Users[auth.DistrictAdmin], in)
	if err != nil {
		k.t.Fatal(err)
	}
	return f.Demand.ID
}

// history writes eight quiet baseline weeks before the week of 2026-11-23
// for every grid, and that week's counts: usual, except for GridA1's noise
// (hot of 9 + filed).
func (k *kit) history(hot int) {
	first := time.Date(2026, 9, 29, 0, 0, 0, 0, time.UTC) // a Tuesday, eight weeks before
	for w := range 9 {
		day := first.AddDate(0, 0, 7*w).Format(time.DateOnly)
		for i, g := range k.grids {
			n := 2 + (i+w)%2
			if w == 8 && i == 0 {
				n = hot
			}
			k.rollup(g, "noise", day, n)
			k.rollup(g, "lift", day, (i+w)%3/2)
		}
	}
	// Residential and street rows of the rollups are not cells.
	k.rollup(testkit.ResA1, "noise", first.AddDate(0, 0, 56).Format(time.DateOnly), 0)
}

func TestRunFindsHotSpotsAndRepeats(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		// A broken lift at one address, fixed on 10 November…
		fixed := k.file(testkit.GridA1, "lift", "东湖路12号", "3号楼电梯坏了，困人", true)
		textFixed := k.file(k.grids[3], "lift", "", "复中小区7号楼电梯门关不上一直报警", true)
		k.clk.Advance(15 * 24 * time.Hour) // Wednesday 25 November
		// …is back on the 25th, and the same words come back elsewhere.
		back := k.file(testkit.GridA1, "lift", "东湖路 12号。", "3号楼电梯又坏了，又困人了", false)
		textBack := k.file(k.grids[3], "lift", "", "复中小区7号楼电梯门关不上一直在报警", false)
		k.file(k.grids[3], "lift", "", "复中小区2号楼楼道灯坏了", false) // a different problem
		for range 3 {
			k.file(testkit.GridA1, "noise", "", "夜里KTV噪音太大", false)
		}
		k.history(9)
		k.clk.Advance(5 * 24 * time.Hour) // Monday 30 November: the weekly run tests the week of the 23rd
		if w := hotspot.LastWeek(k.clk.Now()); w != "2026-11-23" {
			t.Fatalf("last week is %s, want 2026-11-23", w)
		}
		info, err := k.s.Run(k.ctx, "2026-11-23")
		if err != nil {
			t.Fatal(err)
		}
		if info.Flagged != 1 || info.Repeats != 2 || info.Cells < 2*len(k.grids) {
			t.Fatalf("run: %+v; want one hot spot, two repeats, every grid's two categories tested", info)
		}
		street := k.f.Users[auth.StreetStaff]
		spots, week, err := k.s.Spots(k.ctx, street, hotspot.Filter{})
		if err != nil || week != "2026-11-23" || spots.Total != 1 {
			t.Fatalf("spots: %+v %s %v", spots, week, err)
		}
		sp := spots.Items[0]
		if sp.Area != testkit.GridA1 || sp.Category != "noise" || sp.Observed != 12 || sp.Ratio < 3 || sp.Q > hotspot.Alpha || len(sp.Baseline) != hotspot.BaselineWeeks {
			t.Errorf("hot spot: %+v; want GridA1's noise, 12 against about 2.5", sp)
		}
		det, err := k.s.Spot(k.ctx, street, sp.ID)
		if err != nil || len(det.Demands) != 3 {
			t.Errorf("the demands behind it: %+v %v; want the three filed", det.Demands, err)
		}
		reps, _, err := k.s.Repeats(k.ctx, street, hotspot.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]string{}
		for _, r := range reps.Items {
			got[r.DemandID] = fmt.Sprintf("%d %s", r.EarlierID, r.MatchedBy)
		}
		want := map[int64]string{back: fmt.Sprintf("%d address", fixed), textBack: fmt.Sprintf("%d text", textFixed)}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("repeats %v, want %v", got, want)
		}
		// Scope: staff of the other street see none of it; a resident may not look.
		other := &auth.Principal{UserID: 9999, Username: "b_street", Grants: []auth.Grant{{Role: auth.StreetStaff, AreaCode: testkit.StreetB, AreaPath: "/310104/002/"}}}
		if l, _, err := k.s.Spots(k.ctx, other, hotspot.Filter{}); err != nil || l.Total != 0 {
			t.Errorf("other street: %+v %v, want nothing", l, err)
		}
		if _, err := k.s.Spot(k.ctx, other, sp.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("other street opening it: %v, want not found", err)
		}
		if _, _, err := k.s.Spots(k.ctx, k.f.Users[auth.Resident], hotspot.Filter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("resident: %v, want forbidden", err)
		}
		// A rerun of the week replaces it.
		if _, err := k.s.Run(k.ctx, "2026-11-23"); err != nil {
			t.Fatal(err)
		}
		if runs, err := k.s.Runs(k.ctx, 10); err != nil || len(runs) != 1 || runs[0].Flagged != 1 {
			t.Errorf("runs after a rerun: %+v %v, want one", runs, err)
		}
		if _, err := k.s.Run(k.ctx, "2026-11-24"); errs.Code(err) != errs.EINVALID {
			t.Errorf("a Tuesday: %v, want invalid", err)
		}
	})
}

// TestTopicLife: street staff make the hot spot the month's topic, give it
// its root-cause project (a project of the lists capability, linked), see
// its demands as they come, close it, and read its effect once four whole
// weeks have passed.
func TestTopicLife(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		k.clk.Advance(15 * 24 * time.Hour) // Wednesday 25 November
		for range 3 {
			k.file(testkit.GridA1, "noise", "", "夜里KTV噪音太大", false)
		}
		k.history(9)
		k.clk.Advance(5 * 24 * time.Hour)
		if _, err := k.s.Run(k.ctx, "2026-11-23"); err != nil {
			t.Fatal(err)
		}
		street, community := k.f.Users[auth.StreetStaff], k.f.Users[auth.CommunityStaff]
		spots, _, err := k.s.Spots(k.ctx, street, hotspot.Filter{})
		if err != nil || len(spots.Items) != 1 {
			t.Fatalf("spots: %+v %v", spots, err)
		}
		spot := spots.Items[0].ID
		in := hotspot.TopicInput{HotspotID: spot, Title: "东湖第1网格夜间噪音", Owner: "李书记"}
		if _, err := k.s.CreateTopic(k.ctx, community, in); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("residential-area staff making a topic: %v, want forbidden", err)
		}
		if _, err := k.s.CreateTopic(k.ctx, street, hotspot.TopicInput{HotspotID: spot}); errs.Code(err) != errs.EINVALID {
			t.Errorf("no title or owner: %v, want invalid", err)
		}
		tp, err := k.s.CreateTopic(k.ctx, street, in)
		if err != nil {
			t.Fatal(err)
		}
		if tp.Area != testkit.StreetA || tp.Month != "2026-11" || tp.OpenedOn != "2026-11-23" || fmt.Sprint(tp.Grids) != "["+testkit.GridA1+"]" {
			t.Errorf("topic: %+v", tp)
		}
		if _, err := k.s.CreateTopic(k.ctx, street, in); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("the same hot spot again: %v, want conflict", err)
		}
		tp, err = k.s.CreateProject(k.ctx, street, tp.ID, hotspot.ProjectInput{Summary: "KTV隔音改造", Milestones: []string{"约谈经营者", "隔音改造完工|2026-12-20"}})
		if err != nil {
			t.Fatal(err)
		}
		if tp.Project == nil || tp.Project.Title != in.Title || tp.Project.LeadName != "李书记" || len(tp.Project.Milestones) != 2 || tp.Progress.Milestones != 2 {
			t.Fatalf("project: %+v", tp.Project)
		}
		if _, err := k.s.CreateProject(k.ctx, street, tp.ID, hotspot.ProjectInput{}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("a second project: %v, want conflict", err)
		}
		// A new demand in the grid and category is linked as it comes.
		k.file(testkit.GridA1, "noise", "", "KTV还是很吵", false)
		tp, err = k.s.Topic(k.ctx, street, tp.ID)
		if err != nil || tp.Progress.Demands != 4 || tp.Progress.Open != 4 {
			t.Fatalf("progress: %+v %v, want four open demands", tp.Progress, err)
		}
		if _, err := k.s.CloseTopic(k.ctx, street, tp.ID, "2026-11-01"); errs.Code(err) != errs.EINVALID {
			t.Errorf("closing before it opened: %v, want invalid", err)
		}
		tp, err = k.s.CloseTopic(k.ctx, street, tp.ID, "2026-11-27")
		if err != nil || tp.Status != "closed" || tp.Effect != nil {
			t.Fatalf("closed: %+v %v; no effect yet", tp, err)
		}
		// Five quiet weeks after: GridA1 has one noise demand a week, the others as before.
		for w := range 5 {
			day := time.Date(2026, 12, 1+7*w, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
			for i, g := range k.grids {
				n := 2 + (i+w)%2
				if i == 0 {
					n = 1
				}
				k.rollup(g, "noise", day, n)
			}
		}
		k.clk.Advance(37 * 24 * time.Hour) // Wednesday 6 January 2027
		tp, err = k.s.Topic(k.ctx, street, tp.ID)
		if err != nil || tp.Effect == nil {
			t.Fatalf("effect: %+v %v", tp, err)
		}
		// Before: eight weeks of 2,3,2,3… = 20 in each grid (GridA1's hot week is
		// the topic's own, not before it); after: five weeks of 1 in GridA1 and the
		// demand filed on 30 November, 13 or 12 in each of the other eleven.
		e := tp.Effect
		want := hotspot.DiD(20, 6, 220, 138)
		if e.TreatedBefore != 20 || e.TreatedAfter != 6 || e.ControlBefore != 220 || e.ControlAfter != 138 || *e != want || tp.Verdict != want.Sentence() {
			t.Errorf("effect %+v %q, want %+v", *e, tp.Verdict, want)
		}
		other := &auth.Principal{UserID: 9999, Username: "b_street", Grants: []auth.Grant{{Role: auth.StreetStaff, AreaCode: testkit.StreetB, AreaPath: "/310104/002/"}}}
		if _, err := k.s.Topic(k.ctx, other, tp.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("other street: %v, want not found", err)
		}
		if l, err := k.s.Topics(k.ctx, street, hotspot.TopicFilter{Status: "closed"}); err != nil || l.Total != 1 {
			t.Errorf("topics: %+v %v", l, err)
		}
	})
}
