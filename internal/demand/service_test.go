package demand_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

type env struct {
	ctx   context.Context
	f     *testkit.Fixture
	clock *clock.Fake
	s     *demand.Service
	n     *notify.Service
	d     *db.DB
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := &env{ctx: context.Background(), f: testkit.NewFixture(t, d), clock: testkit.Clock(), d: d}
	e.n = notify.NewService(d, e.clock, notify.Options{})
	e.s = demand.NewService(d, e.clock, e.n)
	admin := e.f.Users[auth.DistrictAdmin]
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", ContactLimit: "1m", ResolveLimit: "5wd", Active: true},
		{Code: "sanitation", Name: "环境卫生", ContactLimit: "2h", ResolveLimit: "3wd", Active: true},
		{Code: "property", Name: "物业管理", ContactLimit: "2h", ResolveLimit: "5wd", Active: true},
	} {
		if _, err := e.s.SaveCategory(e.ctx, admin, c); err != nil {
			t.Fatalf("category: %v", err)
		}
	}
	return e
}

func (e *env) file(t *testing.T, p *auth.Principal, cat, area, text string) demand.Filed {
	t.Helper()
	f, err := e.s.Intake(e.ctx, p, demand.NewDemand{Category: cat, Description: text, Channel: "hotline", Area: area,
		Reporter: demand.ReporterInput{Name: "王阿姨", Phone: "13900002222"}})
	if err != nil {
		t.Fatalf("intake: %v", err)
	}
	return f
}

func (e *env) act(t *testing.T, p *auth.Principal, id int64, in demand.ActionInput) *demand.Demand {
	t.Helper()
	d, err := e.s.Act(e.ctx, p, id, in)
	if err != nil {
		t.Fatalf("%s: %v", in.Action, err)
	}
	return d
}

func TestDemandLoop(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, street := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff]
		filed := e.file(t, nil, "sanitation", testkit.ResA1, "小区门口垃圾箱满了没人清运")
		dm := filed.Demand
		if dm.Status != demand.Received || dm.Owner != testkit.ResA1 || filed.Token == "" {
			t.Fatalf("filed: %+v", dm)
		}
		if want := e.clock.Now().Add(2 * time.Hour); !dm.ContactDue.Equal(want) {
			t.Fatalf("contact due %v, want %v", dm.ContactDue, want)
		}
		// Handling actions before dispatch, or by the wrong role, change nothing.
		if _, err := e.s.Act(e.ctx, community, dm.ID, demand.ActionInput{Action: demand.ActSign}); errs.Code(err) != errs.EFORBIDDEN && errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("sign before dispatch: %v", err)
		}
		if _, err := e.s.Act(e.ctx, e.f.Users[auth.Resident], dm.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1}); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("resident dispatches: %v", err)
		}
		e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		// The grid worker returns it; returns are counted and it goes back to the dispatcher.
		grid := e.f.Users[auth.GridWorker]
		got := e.act(t, grid, dm.ID, demand.ActionInput{Action: demand.ActReturn, Reason: "非本网格"})
		if got.Status != demand.Returned || got.Returns != 1 {
			t.Fatalf("return: %+v", got)
		}
		e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1, CoBodies: []string{testkit.GridA1}})
		e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActSign})
		e.clock.Advance(30 * time.Minute)
		e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActContact, Note: "电话联系王阿姨"})
		newDue := dm.ResolveDue.Add(72 * time.Hour)
		e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActExtend, Reason: "需协调环卫所", NewDue: &newDue})
		// The handling body cannot approve its own extension at residential level? It owns it too, so it may.
		yes := true
		got = e.act(t, street, dm.ID, demand.ActionInput{Action: demand.ActApproveExtension, Approve: &yes})
		if !got.ResolveDue.Equal(newDue) || got.ExtensionDue != nil {
			t.Fatalf("extension: due %v ext %v", got.ResolveDue, got.ExtensionDue)
		}
		if _, err := e.s.Act(e.ctx, community, dm.ID, demand.ActionInput{Action: demand.ActResolve, Outcome: "done"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("bad outcome: %v", err)
		}
		e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已联系环卫清运"})

		// The resident rates through the tracking link, no account.
		tr, err := e.s.Track(e.ctx, filed.Token)
		if err != nil || tr.Status != demand.Resolved || !tr.CanRate {
			t.Fatalf("track: %+v %v", tr, err)
		}
		for _, ev := range tr.Events {
			if strings.Contains(ev.Actor, "community") {
				t.Fatalf("staff name on the public timeline: %+v", ev)
			}
		}
		tr, err = e.s.Rate(e.ctx, filed.Token, "satisfied", true)
		if err != nil || tr.Status != demand.Closed {
			t.Fatalf("rate: %+v %v", tr, err)
		}
		if _, err := e.s.Rate(e.ctx, filed.Token, "satisfied", true); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("second rating: %v", err)
		}
		full, err := e.s.Get(e.ctx, community, dm.ID)
		if err != nil || len(full.Events) < 9 || full.Reporters[0].Phone != "13900002222" {
			t.Fatalf("get: %d events, %+v, %v", len(full.Events), full.Reporters, err)
		}
		masked, _ := e.s.Get(e.ctx, e.f.Users[auth.Auditor], dm.ID)
		if masked.Reporters[0].Phone != "139****2222" || masked.Reporters[0].Name != "王**" {
			t.Fatalf("auditor sees %+v", masked.Reporters[0])
		}
		day := e.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
		st, err := e.s.Stats(e.ctx, street, demand.StatsFilter{Area: testkit.StreetA, From: day, To: day})
		if err != nil || st.Received != 1 || *st.ResponseRate != 1 || *st.SatisfactionRate != 1 || *st.ResolutionRate != 1 {
			t.Fatalf("stats: %+v %v", st, err)
		}
		b, err := e.s.Breakdown(e.ctx, street, demand.StatsFilter{Area: testkit.StreetA, From: day, To: day})
		if err != nil || b.Total.Received != 1 || len(b.ByCategory) != 1 || b.ByCategory[0].Name != "环境卫生" || len(b.ByDay) != 1 {
			t.Fatalf("breakdown: %+v %v", b, err)
		}
		if len(b.ByArea) != 2 || b.ByArea[0].Key != testkit.ResA1 || b.ByArea[0].Received != 1 || b.ByArea[1].Received != 0 {
			t.Fatalf("breakdown by area: %+v", b.ByArea)
		}
		if _, err := e.s.Stats(e.ctx, community, demand.StatsFilter{Area: testkit.District, From: day, To: day}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("community reads district stats: %v", err)
		}
	})
}

func TestDissatisfiedReopensOnce(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.Users[auth.CommunityStaff]
		dm := e.file(t, c, "property", testkit.ResA1, "电梯坏了一周没人修").Demand
		handle := func() {
			e.act(t, c, dm.ID, demand.ActionInput{Action: demand.ActSign})
			e.act(t, c, dm.ID, demand.ActionInput{Action: demand.ActContact, Note: "上门"})
			e.act(t, c, dm.ID, demand.ActionInput{Action: demand.ActResolve, Outcome: "partly", Resolution: "已报修"})
		}
		e.act(t, c, dm.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		handle()
		e.clock.Advance(24 * time.Hour)
		no := false
		got := e.act(t, c, dm.ID, demand.ActionInput{Action: demand.ActCallback, Satisfaction: "dissatisfied", Solved: &no})
		if got.Status != demand.Dispatched || got.Round != 2 || !got.ResolveDue.After(dm.ResolveDue) {
			t.Fatalf("reopen: %+v", got)
		}
		handle()
		got = e.act(t, c, dm.ID, demand.ActionInput{Action: demand.ActCallback, Satisfaction: "dissatisfied", Solved: &no})
		if got.Status != demand.Closed {
			t.Fatalf("second dissatisfied callback: %s", got.Status)
		}
		if _, err := e.s.Act(e.ctx, c, dm.ID, demand.ActionInput{Action: demand.ActReopen, Reason: "again"}); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("third round: %v", err)
		}
	})
}

func TestOverdueEscalates(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		// Filed by the district itself: 督办 still starts at the street above the residential area.
		dm := e.file(t, e.f.Users[auth.DistrictAdmin], "noise", testkit.ResA1, "楼下广场舞音响太吵").Demand
		if n, err := e.s.RunDue(e.ctx); err != nil || n != 0 {
			t.Fatalf("nothing due yet: %d %v", n, err)
		}
		e.clock.Advance(61 * time.Second)
		if _, err := e.s.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		got, _ := e.s.Get(e.ctx, e.f.Users[auth.DistrictAdmin], dm.ID)
		if !got.Overdue || got.EscalationLevel != 1 {
			t.Fatalf("after the contact limit: overdue %v level %d", got.Overdue, got.EscalationLevel)
		}
		items, _, unread, err := e.n.Inbox(e.ctx, e.f.Users[auth.StreetStaff], true, 1, 50)
		if err != nil || unread == 0 || !strings.Contains(items[0].Title, "督办") {
			t.Fatalf("street inbox: %+v %d %v", items, unread, err)
		}
		escalations := func(p *auth.Principal) int {
			items, _, _, _ := e.n.Inbox(e.ctx, p, true, 1, 50)
			n := 0
			for _, it := range items {
				if it.Kind == notify.KindEscalation {
					n++
				}
			}
			return n
		}
		if n := escalations(e.f.Users[auth.DistrictAdmin]); n != 0 {
			t.Fatalf("district told before level 2: %d", n)
		}
		e.clock.Advance(61 * time.Second)
		e.s.RunDue(e.ctx)
		got, _ = e.s.Get(e.ctx, e.f.Users[auth.DistrictAdmin], dm.ID)
		if got.EscalationLevel != 2 {
			t.Fatalf("still overdue: level %d, want 2", got.EscalationLevel)
		}
		if escalations(e.f.Users[auth.DistrictAdmin]) == 0 {
			t.Fatal("district not told at level 2")
		}
		e.clock.Advance(time.Hour)
		if n, _ := e.s.RunDue(e.ctx); n != 0 {
			t.Fatalf("escalated past the district: %d timers fired", n)
		}
		// The rates see the missed contact.
		day := got.CreatedAt.In(clock.Shanghai).Format(time.DateOnly)
		st, _ := e.s.Stats(e.ctx, e.f.Users[auth.DistrictAdmin], demand.StatsFilter{Area: testkit.District, From: day, To: day})
		if st.ResponseBase != 1 || st.Responded != 0 || *st.ResponseRate != 0 || st.Overdue != 1 {
			t.Fatalf("stats after a missed contact: %+v", st)
		}
	})
}

func TestSimilarSearchMerge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		c := e.f.Users[auth.CommunityStaff]
		texts := []string{"3号楼楼下每天晚上广场舞音响声音太大，严重扰民", "3号楼楼下广场舞每天晚上声音太大太吵，扰民严重", "3号楼下面广场舞音响声音太大，晚上睡不着"}
		var ids []int64
		for _, tx := range texts {
			ids = append(ids, e.file(t, c, "noise", testkit.ResA1, tx).Demand.ID)
		}
		other := e.file(t, c, "sanitation", testkit.ResA1, "小区门口的垃圾箱满了没人清运，气味很大").Demand.ID
		for _, id := range ids[1:] {
			sim, err := e.s.Similar(e.ctx, c, id)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, s := range sim {
				if s.ID == ids[0] && s.Score >= 0.8 {
					found = true
				}
				if s.ID == other && s.Score >= 0.5 {
					t.Fatalf("unrelated complaint scored %v", s.Score)
				}
			}
			if !found {
				t.Fatalf("demand %d: first complaint not similar enough: %+v", id, sim)
			}
		}
		if res, err := e.s.List(e.ctx, c, demand.ListFilter{Q: "广场舞"}); err != nil || res.Total != 3 || len(res.Items) != 3 {
			t.Fatalf("search 广场舞: %+v %v", res, err)
		}
		if res, err := e.s.List(e.ctx, c, demand.ListFilter{Q: "垃圾"}); err != nil || res.Total != 1 {
			t.Fatalf("search 垃圾: %+v %v", res, err)
		}
		if res, err := e.s.List(e.ctx, c, demand.ListFilter{Q: "噪音"}); err != nil || res.Total != 0 {
			t.Fatalf("search 噪音 (in no text): %+v %v", res, err)
		}
		// Merge keeps every reporter on the surviving demand; the group counts once.
		for _, id := range ids[1:] {
			e.act(t, c, id, demand.ActionInput{Action: demand.ActMerge, Target: &ids[0]})
		}
		first, _ := e.s.Get(e.ctx, c, ids[0])
		if len(first.Reporters) != 3 {
			t.Fatalf("reporters after merge: %d", len(first.Reporters))
		}
		day := first.CreatedAt.In(clock.Shanghai).Format(time.DateOnly)
		st, _ := e.s.Stats(e.ctx, c, demand.StatsFilter{Area: testkit.ResA1, From: day, To: day})
		if st.Received != 2 {
			t.Fatalf("received after merging 3 into 1 plus 1 other: %d, want 2", st.Received)
		}
		if _, err := e.s.Act(e.ctx, c, ids[0], demand.ActionInput{Action: demand.ActMerge, Target: &ids[1]}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("merge into a merged demand: %v", err)
		}
	})
}

func TestIntakeValidation(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		long := strings.Repeat("吵", demand.MaxDescription+1)
		lat, lng := 10.0, 10.0
		cases := []struct {
			name  string
			in    demand.NewDemand
			field string
		}{
			{"unknown category", demand.NewDemand{Category: "ufo", Description: "x", Area: testkit.ResA1}, "category"},
			{"too long", demand.NewDemand{Category: "noise", Description: long, Area: testkit.ResA1}, "description"},
			{"empty", demand.NewDemand{Category: "noise", Description: " ", Area: testkit.ResA1}, "description"},
			{"bad channel", demand.NewDemand{Category: "noise", Description: "x", Channel: "fax", Area: testkit.ResA1}, "channel"},
			{"outside the district", demand.NewDemand{Category: "noise", Description: "x", Lat: &lat, Lng: &lng}, "lat"},
			{"no place", demand.NewDemand{Category: "noise", Description: "x"}, "area"},
			{"unknown area", demand.NewDemand{Category: "noise", Description: "x", Area: "999"}, "area"},
		}
		for _, c := range cases {
			_, err := e.s.Intake(e.ctx, nil, c.in)
			ds := errs.DetailsOf(err)
			if errs.Code(err) != errs.EINVALID || len(ds) == 0 || ds[0].Field != c.field {
				t.Errorf("%s: %v %+v, want field %s", c.name, err, ds, c.field)
			}
		}
		if res, err := e.s.List(e.ctx, e.f.Users[auth.DistrictAdmin], demand.ListFilter{}); err != nil || res.Total != 0 {
			t.Fatalf("bad intakes stored demands: %+v %v", res, err)
		}
		// Staff may only file inside their scope.
		_, err := e.s.Intake(e.ctx, e.f.Users[auth.CommunityStaff], demand.NewDemand{Category: "noise", Description: "x", Area: testkit.ResB1})
		if errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("intake outside scope: %v", err)
		}
	})
}

func TestDispatchByRoutingRule(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		street, community := e.f.Users[auth.StreetStaff], e.f.Users[auth.CommunityStaff]
		dm := e.file(t, community, "property", testkit.ResA1, "楼道灯坏了").Demand
		if _, err := e.s.Act(e.ctx, community, dm.ID, demand.ActionInput{Action: demand.ActDispatch}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("dispatch with no lead and no rule: %v", err)
		}
		if _, err := e.s.SaveRoute(e.ctx, street, demand.Route{Category: "property", Area: testkit.StreetA, BodyArea: testkit.GridA1}); err != nil {
			t.Fatal(err)
		}
		got := e.act(t, community, dm.ID, demand.ActionInput{Action: demand.ActDispatch})
		if got.Lead != testkit.GridA1 || got.Status != demand.Dispatched {
			t.Fatalf("dispatched by rule to %q (%s), want %s", got.Lead, got.Status, testkit.GridA1)
		}
		full, _ := e.s.Get(e.ctx, community, dm.ID)
		if full.Events[0].Note != "渠道：热线" {
			t.Fatalf("receipt note %q", full.Events[0].Note)
		}
	})
}
