package demand_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestVisibilityOneRule: what a caller opens and what its lists, queue,
// search and counts return come from one rule, for every role of the
// matrix and for bodies named outside the demand's area, on both engines.
func TestVisibilityOneRule(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.f.Users[auth.DistrictAdmin]
		users := map[string]*auth.Principal{}
		for _, r := range auth.Roles {
			users[string(r)] = e.f.Users[r]
		}
		// Staff of the other street and its residential area: bodies the
		// demands below name across the street boundary.
		for name, g := range map[string][2]string{"street_b": {string(auth.StreetStaff), testkit.StreetB},
			"res_b1": {string(auth.CommunityStaff), testkit.ResB1}, "res_a2": {string(auth.CommunityStaff), testkit.ResA2}} {
			users[name] = e.login(t, name, g[0], g[1])
		}
		unit := e.f.Units[testkit.LiaisonUnit]
		if _, err := e.s.SaveCategory(e.ctx, admin, demand.Category{Code: "routed", Name: "跨街路由", ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveRoute(e.ctx, admin, demand.Route{Category: "routed", Area: testkit.ResB1, BodyArea: testkit.ResA2}); err != nil {
			t.Fatal(err)
		}
		dispatch := func(id int64, lead string, co ...string) {
			e.act(t, admin, id, demand.ActionInput{Action: demand.ActDispatch, Lead: lead, CoBodies: co})
		}
		ds := map[string]int64{}
		// A ResA1 demand led by the other street: the case of issue 7.
		ds["lead_b"] = e.file(t, admin, "noise", testkit.ResA1, "湖南路东湖小区夜间施工噪音").Demand.ID
		dispatch(ds["lead_b"], testkit.StreetB)
		ds["dup_b"] = e.file(t, admin, "noise", testkit.ResA1, "湖南路东湖小区夜间施工噪音很大").Demand.ID // its duplicate
		dispatch(ds["dup_b"], testkit.StreetB)
		// A ResA1 demand with the other street's residential area helping.
		ds["co_b1"] = e.file(t, admin, "noise", testkit.ResA1, "东湖路口噪音扰民需要协办").Demand.ID
		dispatch(ds["co_b1"], testkit.ResA1, testkit.ResB1)
		// A co-body taken off again: returned, dispatched without it.
		ds["co_gone"] = e.file(t, admin, "noise", testkit.ResA1, "东湖菜场噪音协办撤回").Demand.ID
		dispatch(ds["co_gone"], testkit.ResA1, testkit.ResB1)
		e.act(t, users[string(auth.CommunityStaff)], ds["co_gone"], demand.ActionInput{Action: demand.ActReturn, Reason: "不属本居委"})
		dispatch(ds["co_gone"], testkit.ResA1)
		// A street-level demand led by a grid below it.
		ds["grid_lead"] = e.file(t, admin, "noise", testkit.StreetA, "街道广场噪音网格处置").Demand.ID
		dispatch(ds["grid_lead"], testkit.GridA1)
		// A ResB1 demand the liaison's unit leads.
		ds["unit"] = e.file(t, admin, "noise", testkit.ResB1, "天平路商铺噪音由单位处理").Demand.ID
		e.act(t, admin, ds["unit"], demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResB1, LeadUnit: &unit})
		// A resident's ResB1 demand whose routing rule makes ResA2 its owner.
		f, err := e.s.Intake(e.ctx, nil, demand.NewDemand{Category: "routed", Area: testkit.ResB1, Description: "天平路噪音路由到复中", Channel: "online"})
		if err != nil {
			t.Fatal(err)
		}
		ds["owner_a2"] = f.Demand.ID
		// Plain ones on either side.
		ds["in_b1"] = e.file(t, admin, "noise", testkit.ResB1, "天平居民区噪音").Demand.ID
		ds["in_a2"] = e.file(t, admin, "noise", testkit.ResA2, "复中居民区噪音").Demand.ID

		// Both engines keep the reach tokens (migration 00018) of the bodies
		// outside each demand's area, and only those.
		reach := func(paths ...string) string {
			var out []string
			for _, p := range paths {
				out = append(out, strings.ReplaceAll(demand.ScopeTokens(p), "p", "r")) // hex has no p
			}
			return strings.Join(out, " ")
		}
		for k, want := range map[string]string{"lead_b": reach("/310104/002/"), "co_b1": reach("/310104/002/001/"), "co_gone": "",
			"grid_lead": reach("/310104/001/001/01/"), "unit": "", "owner_a2": reach("/310104/001/002/"), "in_b1": ""} {
			var got string
			if err := d.QueryRow(e.ctx, "SELECT reach_tokens FROM demands WHERE id = ?", ds[k]).Scan(&got); err != nil || got != want {
				t.Errorf("%s: reach tokens %q, want %q (%v)", k, got, want, err)
			}
		}

		// Who sees what, besides the district-wide roles (admin, auditor).
		want := map[string][]string{
			string(auth.StreetStaff):    {"lead_b", "dup_b", "co_b1", "co_gone", "grid_lead", "owner_a2", "in_a2"},
			string(auth.CommunityStaff): {"lead_b", "dup_b", "co_b1", "co_gone", "grid_lead"}, // its grid leads the street's one
			string(auth.GridWorker):     {"grid_lead"},
			string(auth.UnitLiaison):    {"unit"},
			string(auth.Member):         {},
			string(auth.Resident):       {},
			"street_b":                  {"lead_b", "dup_b", "co_b1", "unit", "owner_a2", "in_b1"},
			"res_b1":                    {"co_b1", "unit", "owner_a2", "in_b1"},
			"res_a2":                    {"owner_a2", "in_a2"},
		}
		all := make([]string, 0, len(ds))
		for k := range ds {
			all = append(all, k)
		}
		want[string(auth.DistrictAdmin)], want[string(auth.Auditor)] = all, all
		for who, p := range users {
			t.Run(who, func(t *testing.T) {
				var wantIDs []int64
				for _, k := range want[who] {
					wantIDs = append(wantIDs, ds[k])
				}
				slices.Sort(wantIDs)
				// Single reads.
				var opened []int64
				for _, id := range ds {
					_, err := e.s.Get(e.ctx, p, id)
					switch {
					case err == nil:
						opened = append(opened, id)
					case errs.Code(err) != errs.ENOTFOUND:
						t.Fatalf("get %d: %v", id, err)
					}
				}
				slices.Sort(opened)
				if !slices.Equal(opened, wantIDs) {
					t.Errorf("opens %v, want %v", opened, wantIDs)
				}
				// Lists, plain and searched (the search answers off the index,
				// the list off the table on PostgreSQL), their counts, and the
				// queue: the same demands, the queue only open ones of its bodies.
				for _, f := range []demand.ListFilter{{}, {Q: "噪音"}, {Status: "open"}, {Sort: "due"}, {Channel: "hotline"}} {
					f.PerPage = 100
					res, err := e.s.List(e.ctx, p, f)
					if auth.AuthorizeAny(p, auth.DemandRead) != nil {
						if errs.Code(err) != errs.EFORBIDDEN {
							t.Fatalf("%+v: %v, want forbidden", f, err)
						}
						continue
					}
					if err != nil {
						t.Fatalf("%+v: %v", f, err)
					}
					got := ids(res.Items)
					wantF := wantIDs
					if f.Channel == "hotline" { // the routed one came in online
						wantF = slices.DeleteFunc(slices.Clone(wantIDs), func(id int64) bool { return id == ds["owner_a2"] })
					}
					if !slices.Equal(got, wantF) || res.Total != len(wantF) {
						t.Errorf("%+v: lists %v (total %d), want %v", f, got, res.Total, wantF)
					}
				}
				if auth.AuthorizeAny(p, auth.DemandRead) != nil {
					return
				}
				// The duplicate check offers only demands the caller may open.
				for _, id := range opened {
					sim, err := e.s.Similar(e.ctx, p, id)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range sim {
						if !slices.Contains(wantIDs, c.ID) {
							t.Errorf("similar to %d offers %d, which it may not open", id, c.ID)
						}
					}
				}
				mine, err := e.s.List(e.ctx, p, demand.ListFilter{Mine: true, PerPage: 100})
				if err != nil {
					t.Fatal(err)
				}
				for _, id := range ids(mine.Items) {
					if !slices.Contains(wantIDs, id) {
						t.Errorf("queue holds %d, which it may not open", id)
					}
				}
				if len(mine.Items) != mine.Total {
					t.Errorf("queue total %d for %d items", mine.Total, len(mine.Items))
				}
			})
		}
		// The lead body outside the area finds its demand in its queue.
		for who, k := range map[string]string{"street_b": "lead_b", "res_b1": "co_b1", "res_a2": "owner_a2", string(auth.GridWorker): "grid_lead", string(auth.UnitLiaison): "unit"} {
			mine, err := e.s.List(e.ctx, users[who], demand.ListFilter{Mine: true, PerPage: 100})
			if err != nil || !slices.Contains(ids(mine.Items), ds[k]) {
				t.Errorf("%s's queue %v lacks %s (%d): %v", who, ids(mine.Items), k, ds[k], err)
			}
		}
		// Its duplicate check finds the other demand it leads there.
		sim, err := e.s.Similar(e.ctx, users["street_b"], ds["lead_b"])
		if err != nil || !slices.ContainsFunc(sim, func(c demand.Similar) bool { return c.ID == ds["dup_b"] }) {
			t.Errorf("street_b's duplicate check of %d: %+v %v, want %d", ds["lead_b"], sim, err, ds["dup_b"])
		}
		// The lead body may sign what it sees in its queue.
		e.act(t, users["street_b"], ds["lead_b"], demand.ActionInput{Action: demand.ActSign})
	})
}

// login creates a user with one grant and signs it in.
func (e *env) login(t *testing.T, name, role, area string) *auth.Principal {
	t.Helper()
	if _, err := e.f.Auth.CreateUser(e.ctx, auth.SystemPrincipal(), auth.NewUser{Username: name, DisplayName: name,
		Password: testkit.Password, Role: role, Area: area}); err != nil {
		t.Fatal(err)
	}
	_, p, err := e.f.Auth.Login(e.ctx, name, testkit.Password, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// ids are the ids of a page of demands, sorted.
func ids(ds []demand.Demand) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	slices.Sort(out)
	return out
}

// TestCallerSearch: a hotline operator's search finds a caller's earlier
// demands by the demand's number, the caller's phone (as typed, the full
// number or its tail) and name, only among the demands it sees, on both
// engines; readers and the system do not match callers.
func TestCallerSearch(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin, operator := e.f.Users[auth.DistrictAdmin], e.f.Users[auth.StreetStaff]
		filed := func(area, name, phone, text string) int64 {
			t.Helper()
			f, err := e.s.Intake(e.ctx, admin, demand.NewDemand{Category: "noise", Description: text, Channel: "hotline", Area: area,
				Reporter: demand.ReporterInput{Name: name, Phone: phone}})
			if err != nil {
				t.Fatal(err)
			}
			return f.Demand.ID
		}
		first := filed(testkit.ResA1, "王芳", "138-0013-8000", "楼下酒吧噪音")
		second := filed(testkit.ResA2, "王芳", "13800138000", "广场舞音响太响")
		other := filed(testkit.ResB1, "王芳", "+86 138 0013 8000", "天平路施工噪音") // the other street's
		stranger := filed(testkit.ResA1, "李四", "13911112222", "电梯坏了")
		ledByB := filed(testkit.ResA1, "赵六", "13722223333", "东湖路夜市噪音")
		e.act(t, admin, ledByB, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.StreetB})
		streetB := e.login(t, "street_b", string(auth.StreetStaff), testkit.StreetB)
		find := func(p *auth.Principal, q string) []int64 {
			t.Helper()
			res, err := e.s.List(e.ctx, p, demand.ListFilter{Q: q, PerPage: 100})
			if err != nil {
				t.Fatalf("%q: %v", q, err)
			}
			got := make([]int64, len(res.Items))
			for i, dm := range res.Items {
				got[i] = dm.ID
			}
			if res.Total != len(got) {
				t.Errorf("%q: total %d for %v", q, res.Total, got)
			}
			return got
		}
		for _, c := range []struct {
			who  *auth.Principal
			q    string
			want []int64 // newest first
		}{
			{operator, "13800138000", []int64{second, first}},
			{operator, "138 0013 8000", []int64{second, first}},
			{operator, "+8613800138000", []int64{second, first}},
			{operator, "8000", []int64{second, first}},
			{operator, "0138000", []int64{second, first}},
			{operator, "王芳", []int64{second, first}},
			{operator, "李四", []int64{stranger}},
			{operator, "#" + strconv.FormatInt(stranger, 10), []int64{stranger}},
			{operator, strconv.FormatInt(other, 10), nil}, // not its street's: a number it cannot see finds nothing
			{operator, "噪音", []int64{ledByB, first}},      // words as before
			{operator, "13900000000", nil},
			{admin, "13800138000", []int64{other, second, first}},
			{streetB, "13722223333", []int64{ledByB}}, // the lead body finds its caller outside its street
			{streetB, "王芳", []int64{other}},
			{e.f.Users[auth.Auditor], "13800138000", nil}, // reads masked phones: may not probe them
			{e.f.Users[auth.Auditor], "王芳", nil},
			{auth.SystemPrincipal(), "13800138000", nil}, // Open311 and the CLI never match callers
		} {
			if got := find(c.who, c.q); !slices.Equal(got, c.want) {
				t.Errorf("%s searching %q: %v, want %v", c.who.Name(), c.q, got, c.want)
			}
		}
		// The list shows no one's phone; the demand page masks it for readers as before.
		dm, err := e.s.Get(e.ctx, e.f.Users[auth.Auditor], first)
		if err != nil || len(dm.Reporters) != 1 || dm.Reporters[0].Phone == "138-0013-8000" {
			t.Fatalf("auditor reads %+v: %v", dm, err)
		}
	})
}
