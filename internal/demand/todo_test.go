package demand_test

import (
	"slices"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestNextStep(t *testing.T) {
	for _, c := range []struct {
		f    demand.Facts
		want demand.Step
	}{
		{demand.Facts{Status: demand.Received}, demand.Step{Action: demand.ActDispatch, By: demand.StepOwner}},
		{demand.Facts{Status: demand.Returned}, demand.Step{Action: demand.ActDispatch, By: demand.StepOwner}},
		{demand.Facts{Status: demand.Dispatched}, demand.Step{Action: demand.ActSign, By: demand.StepLead}},
		{demand.Facts{Status: demand.Signed}, demand.Step{Action: demand.ActContact, By: demand.StepLead}},
		{demand.Facts{Status: demand.InProgress}, demand.Step{Action: demand.ActResolve, By: demand.StepLead}},
		{demand.Facts{Status: demand.InProgress, ExtPending: true}, demand.Step{Action: demand.ActApproveExtension, By: demand.StepOwner}},
		{demand.Facts{Status: demand.Resolved}, demand.Step{Action: demand.ActCallback, By: demand.StepOwner}},
		{demand.Facts{Status: demand.Signed, Unreasonable: "pending", ExtPending: true}, demand.Step{Action: demand.ActApproveUnreasonable, By: demand.StepApprover}},
		{demand.Facts{Status: demand.Received, Unreasonable: "approved"}, demand.Step{Action: demand.ActDispatch, By: demand.StepOwner}},
		{demand.Facts{Status: demand.Closed, Unreasonable: "pending"}, demand.Step{}},
		{demand.Facts{Status: demand.Merged}, demand.Step{}},
	} {
		if got := demand.NextStep(c.f); got != c.want {
			t.Errorf("NextStep(%+v) = %+v, want %+v", c.f, got, c.want)
		}
	}
}

// TestQueueTodoIsMyNextStep: for every role and for staff of other bodies,
// on both engines, the queue's "needs my action" list holds exactly the
// visible demands whose next step is the caller's (MyStep), and "waiting on
// others" holds the rest of the caller's demands.
func TestQueueTodoIsMyNextStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin, community, grid := e.f.Users[auth.DistrictAdmin], e.f.Users[auth.CommunityStaff], e.f.Users[auth.GridWorker]
		users := map[string]*auth.Principal{}
		for _, r := range auth.Roles {
			users[string(r)] = e.f.Users[r]
		}
		users["res_b1"] = e.login(t, "res_b1", string(auth.CommunityStaff), testkit.ResB1)
		users["street_b"] = e.login(t, "street_b", string(auth.StreetStaff), testkit.StreetB)
		file := func(area, text string) int64 { return e.file(t, nil, "noise", area, text).Demand.ID } // residents file: the area owns them
		act := func(p *auth.Principal, id int64, in demand.ActionInput) { e.act(t, p, id, in) }
		ids := map[string]int64{}
		ids["received"] = file(testkit.ResA1, "东湖小区楼道堆物")
		ids["dispatched_grid"] = file(testkit.ResA1, "东湖小区路灯不亮")
		act(community, ids["dispatched_grid"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		ids["returned"] = file(testkit.ResA1, "东湖小区垃圾清运")
		act(community, ids["returned"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		act(grid, ids["returned"], demand.ActionInput{Action: demand.ActReturn, Reason: "非本网格"})
		ids["signed"] = file(testkit.ResA1, "东湖小区噪音扰民")
		act(community, ids["signed"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		act(community, ids["signed"], demand.ActionInput{Action: demand.ActSign})
		ids["extension"] = file(testkit.ResA1, "东湖小区电梯故障")
		act(community, ids["extension"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		act(community, ids["extension"], demand.ActionInput{Action: demand.ActSign})
		act(community, ids["extension"], demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
		due := e.clock.Now().Add(30 * 24 * time.Hour)
		act(community, ids["extension"], demand.ActionInput{Action: demand.ActExtend, Reason: "需采购配件", NewDue: &due})
		ids["resolved"] = file(testkit.ResA1, "东湖小区井盖松动")
		act(community, ids["resolved"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		act(community, ids["resolved"], demand.ActionInput{Action: demand.ActSign})
		act(community, ids["resolved"], demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
		act(community, ids["resolved"], demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已修复"})
		ids["unreasonable"] = file(testkit.ResA1, "要求物业免除全部物业费")
		act(community, ids["unreasonable"], demand.ActionInput{Action: demand.ActMarkUnreasonable, Reason: "不属于诉求范围"})
		ids["unit"] = file(testkit.ResB1, "天平路商铺油烟")
		unit := e.f.Units[testkit.LiaisonUnit]
		act(admin, ids["unit"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResB1, LeadUnit: &unit})
		ids["in_b1"] = file(testkit.ResB1, "天平居民区停车难")
		ids["closed"] = file(testkit.ResA1, "咨询垃圾分类时间")
		act(community, ids["closed"], demand.ActionInput{Action: demand.ActClose, Note: "当场解答"})

		list := func(p *auth.Principal, f demand.ListFilter) []int64 {
			t.Helper()
			f.PerPage = 500
			l, err := e.s.List(e.ctx, p, f)
			if err != nil {
				t.Fatalf("%+v: %v", f, err)
			}
			var out []int64
			for _, x := range l.Items {
				out = append(out, x.ID)
			}
			slices.Sort(out)
			return out
		}
		for name, p := range users {
			visible, err := e.s.List(e.ctx, p, demand.ListFilter{PerPage: 500})
			if errs.Code(err) == errs.EFORBIDDEN { // no demands to read (members, residents): no queue either
				if _, err := e.s.List(e.ctx, p, demand.ListFilter{Queue: "todo"}); errs.Code(err) != errs.EFORBIDDEN {
					t.Errorf("%s reads no demands but its todo answers %v", name, err)
				}
				continue
			} else if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, x := range visible.Items {
				if demand.MyStep(p, &x) {
					want = append(want, x.ID)
				}
			}
			slices.Sort(want)
			todo := list(p, demand.ListFilter{Queue: "todo"})
			if !slices.Equal(todo, want) {
				t.Errorf("%s: todo %v, want the demands whose next step is theirs %v", name, todo, want)
			}
			mine, others := list(p, demand.ListFilter{Mine: true}), list(p, demand.ListFilter{Mine: true, Queue: "others"})
			for _, id := range mine {
				if slices.Contains(todo, id) == slices.Contains(others, id) {
					t.Errorf("%s: demand %d of mine is in todo %v and others %v alike (or in neither)", name, id, slices.Contains(todo, id), slices.Contains(others, id))
				}
			}
			for _, id := range others {
				if !slices.Contains(mine, id) {
					t.Errorf("%s: %d waits on others but is not mine", name, id)
				}
			}
		}
		// What each body's list says, spelled out.
		pick := func(names ...string) []int64 {
			var out []int64
			for _, n := range names {
				out = append(out, ids[n])
			}
			slices.Sort(out)
			return out
		}
		for _, c := range []struct {
			who  string
			want []int64
		}{
			{string(auth.CommunityStaff), pick("received", "returned", "signed", "extension", "resolved")},
			{string(auth.GridWorker), pick("dispatched_grid")},
			{string(auth.StreetStaff), pick("unreasonable")}, // the second person, not the one who marked it
			{string(auth.UnitLiaison), pick("unit")},
			{"res_b1", pick("in_b1", "unit")}, // the owner's dispatchers; the unit's area staff may sign for it too
			{string(auth.Auditor), nil},
		} {
			if got := list(users[c.who], demand.ListFilter{Queue: "todo"}); !slices.Equal(got, c.want) {
				t.Errorf("%s's todo = %v, want %v (ids %v)", c.who, got, c.want, ids)
			}
		}
		if _, err := e.s.List(e.ctx, community, demand.ListFilter{Queue: "others"}); err == nil {
			t.Error("queue=others without mine: no error")
		}
		if _, err := e.s.List(e.ctx, community, demand.ListFilter{Queue: "soon"}); err == nil {
			t.Error("unknown queue: no error")
		}
	})
}

// TestTodoCounts: the home page's figures count the to-do list.
func TestTodoCounts(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, grid := e.f.Users[auth.CommunityStaff], e.f.Users[auth.GridWorker]
		file := func(text string) int64 { return e.file(t, nil, "sanitation", testkit.ResA1, text).Demand.ID }
		file("楼道堆物")      // to dispatch; contact due in 2 hours: due today
		a := file("路灯不亮") // to sign, by the grid
		e.act(t, community, a, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		b := file("垃圾清运") // resolved: to call back
		e.act(t, community, b, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		e.act(t, community, b, demand.ActionInput{Action: demand.ActSign})
		e.act(t, community, b, demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
		e.act(t, community, b, demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已清运"})
		c, err := e.s.Todo(e.ctx, community)
		if err != nil {
			t.Fatal(err)
		}
		if want := (demand.TodoCounts{Total: 2, ToDispatch: 1, ToCallback: 1, DueToday: 1}); c != want {
			t.Errorf("community: %+v, want %+v", c, want)
		}
		if c, _ := e.s.Todo(e.ctx, grid); c.Total != 1 || c.ToSign != 1 {
			t.Errorf("grid: %+v", c)
		}
		e.clock.Advance(3 * time.Hour) // the contact deadlines pass
		e.s.RunDue(e.ctx)
		if c, _ := e.s.Todo(e.ctx, community); c.Overdue != 1 || c.DueToday != 0 {
			t.Errorf("community after 3 hours: %+v", c)
		}
	})
}
