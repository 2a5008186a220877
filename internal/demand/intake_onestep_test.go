package demand_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// Hotline intake on one screen (issue 8 item 1): file and dispatch in one
// transaction, answer on the spot, categories by keyword, areas by name,
// every wrong field named at once, the caller's earlier demands.

// intakeEnv is newEnv with keywords on the categories, a construction
// noise category sharing one of them, and a second 第1网格 (in 复中居民区).
func intakeEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	e := newEnv(t, d)
	admin := e.f.Users[auth.DistrictAdmin]
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", NameEN: "Noise", ContactLimit: "1h", ResolveLimit: "5wd", Keywords: "噪音，吵闹,夜间", Active: true},
		{Code: "noise_build", Name: "施工噪音", NameEN: "Construction noise", ContactLimit: "1h", ResolveLimit: "2wd", Keywords: "施工、工地 打桩 夜间", Active: true},
		{Code: "consult", Name: "咨询建议", ContactLimit: "1wd", ResolveLimit: "5wd", Keywords: "咨询,政策", Active: true},
	} {
		if _, err := e.s.SaveCategory(e.ctx, admin, c); err != nil {
			t.Fatalf("category: %v", err)
		}
	}
	if _, err := d.Exec(e.ctx, "INSERT INTO areas (code, parent_code, name, level, path) VALUES (?, ?, ?, ?, ?)",
		testkit.ResA2+"01", testkit.ResA2, "第1网格", "grid", "/310104/001/002/01/"); err != nil {
		t.Fatal(err)
	}
	return e
}

// strings1 reads one text column of a query's rows.
func (e *env) strings1(t *testing.T, q string, args ...any) []string {
	t.Helper()
	rows, err := e.d.Query(e.ctx, q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.d.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// notices counts p's inbox notices with title code, read or not.
func (e *env) notices(t *testing.T, p *auth.Principal, code string) int {
	t.Helper()
	items, _, _, err := e.n.Inbox(e.ctx, p, false, 1, 100)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.TitleCode == code {
			n++
		}
	}
	return n
}

// trail is a demand's timeline and audit trail, as action names.
func (e *env) trail(t *testing.T, id int64) (events, audit []string) {
	t.Helper()
	events = e.strings1(t, "SELECT action FROM demand_events WHERE demand_id = ? ORDER BY id", id)
	audit = e.strings1(t, "SELECT action FROM audit_log WHERE entity = 'demand' AND entity_id = ? ORDER BY id", strconv.FormatInt(id, 10))
	return events, audit
}

func (e *env) stats(t *testing.T, p *auth.Principal, area string) demand.Stats {
	t.Helper()
	day := e.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	st, err := e.s.Stats(e.ctx, p, demand.StatsFilter{Area: area, From: day, To: day})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func fieldsOf(err error) []string {
	var out []string
	for _, d := range errs.DetailsOf(err) {
		out = append(out, d.Field)
	}
	return out
}

func TestIntakeAndDispatchInOneStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		community, street, grid := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff], e.f.Users[auth.GridWorker]
		call := demand.NewDemand{Category: "噪音", Channel: "hotline", Area: "东湖居民区", Description: "楼下烧烤店每天深夜噪音扰民",
			Reporter: demand.ReporterInput{Name: "李先生", Phone: "13800001234"}, Typed: true, Dispatch: true}

		// No routing rule: to the residential area itself, in one transaction with the intake.
		f, err := e.s.Intake(e.ctx, community, call)
		if err != nil {
			t.Fatalf("file and dispatch: %v", err)
		}
		dm := f.Demand
		if dm.Status != demand.Dispatched || dm.Lead != testkit.ResA1 || dm.Owner != testkit.ResA1 || dm.Category != "noise" || f.Token == "" {
			t.Fatalf("filed: status %s lead %s owner %s category %s", dm.Status, dm.Lead, dm.Owner, dm.Category)
		}
		events, audit := e.trail(t, dm.ID)
		if !slices.Equal(events, []string{"receive", "dispatch"}) || !slices.Equal(audit, []string{"create", "dispatch"}) {
			t.Fatalf("timeline %v, audit %v; want receive, dispatch and create, dispatch", events, audit)
		}
		got, err := e.s.Get(e.ctx, community, dm.ID)
		if err != nil || got.Status != demand.Dispatched || got.Lead != testkit.ResA1 {
			t.Fatalf("stored: %+v %v", got, err)
		}
		// Who filed and dispatched it is not told to dispatch it; the lead body is told to sign.
		if n := e.notices(t, community, "notice.new"); n != 0 {
			t.Fatalf("%d new-demand notices to the operator who dispatched it", n)
		}
		if n := e.notices(t, community, "notice.dispatched"); n != 1 {
			t.Fatalf("%d sign notices to the lead body, want 1", n)
		}
		if st := e.stats(t, community, testkit.ResA1); st.Received != 1 || st.Open != 1 {
			t.Fatalf("rollups: %+v", st)
		}

		// A routing rule proposes its body, shown before saving and used on save.
		if _, err := e.s.SaveRoute(e.ctx, street, demand.Route{Category: "noise", Area: testkit.StreetA, BodyArea: testkit.GridA1}); err != nil {
			t.Fatal(err)
		}
		pv, err := e.s.Preview(e.ctx, community, "噪音", "东湖居民区")
		if err != nil || pv.Category.Code != "noise" || pv.Area != testkit.ResA1 || pv.Proposal.Lead != testkit.GridA1 || !pv.Proposal.ByRule {
			t.Fatalf("preview: %+v %v", pv, err)
		}
		f, err = e.s.Intake(e.ctx, community, call)
		if err != nil || f.Demand.Lead != testkit.GridA1 {
			t.Fatalf("dispatched by the rule: %+v %v", f.Demand, err)
		}
		// The operator picks another body by its name with its parents'.
		other := call
		other.Lead = "复中居民区"
		if f, err = e.s.Intake(e.ctx, street, other); err != nil || f.Demand.Lead != testkit.ResA2 || f.Demand.Status != demand.Dispatched {
			t.Fatalf("dispatched to the body chosen: %+v %v", f.Demand, err)
		}

		// A body that is not there refuses the whole call: nothing is filed.
		before := e.count(t, "SELECT count(*) FROM demands") + e.count(t, "SELECT count(*) FROM audit_log")
		bad := call
		bad.Lead, bad.Typed = "310104999", false
		bad.Category, bad.Area = "noise", testkit.ResA1
		if _, err := e.s.Intake(e.ctx, community, bad); errs.Code(err) != errs.EINVALID || !slices.Contains(fieldsOf(err), "lead") {
			t.Fatalf("unknown lead: %v", err)
		}
		if after := e.count(t, "SELECT count(*) FROM demands") + e.count(t, "SELECT count(*) FROM audit_log"); after != before {
			t.Fatalf("a refused dispatch left %d rows", after-before)
		}

		// A grid worker files but does not dispatch: asked to, nothing is filed; otherwise as before.
		mine := call
		mine.Area = testkit.GridA1
		if _, err := e.s.Intake(e.ctx, grid, mine); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("grid worker dispatching: %v", err)
		}
		plain := call
		plain.Dispatch, plain.Area, plain.Category = false, "第1网格", "咨询" // no routing rule: the residential area owns it
		f, err = e.s.Intake(e.ctx, grid, plain)
		if err != nil || f.Demand.Status != demand.Received || f.Demand.Area != testkit.GridA1 {
			t.Fatalf("grid worker filing: %+v %v", f.Demand, err)
		}
		if n := e.notices(t, community, "notice.new"); n != 1 { // the owner hears of what it must dispatch
			t.Fatalf("%d new-demand notices after the grid worker filed, want 1", n)
		}
	})
}

func TestAnsweredOnTheSpot(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		community, grid := e.f.Users[auth.CommunityStaff], e.f.Users[auth.GridWorker]
		const answer = "已告知居住证办理地点和所需材料"
		call := demand.NewDemand{Category: "政策", Channel: "hotline", Area: testkit.ResA1, Description: "咨询居住证怎么办理",
			Reporter: demand.ReporterInput{Phone: "13800005678"}, Typed: true, Answer: answer}
		f, err := e.s.Intake(e.ctx, community, call)
		if err != nil {
			t.Fatalf("answered on the spot: %v", err)
		}
		dm := f.Demand
		now := e.clock.Now()
		if dm.Status != demand.Closed || dm.Category != "consult" || dm.ContactedAt == nil || !dm.ContactedAt.Equal(now) ||
			dm.ResolvedAt == nil || dm.Outcome != demand.OutcomeSolved || dm.Resolution != answer || dm.ClosedAt == nil || dm.Lead != "" {
			t.Fatalf("closed on the spot: %+v", dm)
		}
		events, audit := e.trail(t, dm.ID)
		if !slices.Equal(events, []string{"receive", "close"}) || !slices.Equal(audit, []string{"create", "close"}) {
			t.Fatalf("timeline %v, audit %v", events, audit)
		}
		if n := e.notices(t, community, "notice.new"); n != 0 {
			t.Fatalf("%d new-demand notices for a demand answered on the spot", n)
		}
		// Contacted at once, within the limit: the response rate counts it; it is no longer open.
		st := e.stats(t, community, testkit.ResA1)
		if st.Received != 1 || st.ResponseBase != 1 || st.Responded != 1 || st.Open != 0 || st.ResponseRate == nil || *st.ResponseRate != 1 ||
			st.Rated != 0 || st.ResolutionRate != nil {
			t.Fatalf("rates after the answer: %+v", st)
		}
		// The resident rates the answer through the tracking link: it counts as the demand's rating.
		tr, err := e.s.Rate(e.ctx, f.Token, demand.Satisfied, true)
		if err != nil || tr.Status != demand.Closed {
			t.Fatalf("rate: %+v %v", tr, err)
		}
		st = e.stats(t, community, testkit.ResA1)
		if st.Rated != 1 || st.Solved != 1 || st.Satisfied != 1 || st.ResolutionRate == nil || *st.ResolutionRate != 1 ||
			st.SatisfactionRate == nil || *st.SatisfactionRate != 1 {
			t.Fatalf("rates after the rating: %+v", st)
		}
		if _, err := e.s.Rate(e.ctx, f.Token, demand.Dissatisfied, false); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("second rating: %v", err)
		}

		// Closing on receipt from the demand's page is the same answer on the spot.
		later := e.file(t, nil, "consult", testkit.ResA1, "咨询垃圾分类投放时间")
		closed := e.act(t, community, later.Demand.ID, demand.ActionInput{Action: demand.ActClose, Note: "已告知投放时间"})
		if closed.ContactedAt == nil || closed.Outcome != demand.OutcomeSolved || closed.Resolution != "已告知投放时间" {
			t.Fatalf("closed on receipt: %+v", closed)
		}
		if st := e.stats(t, community, testkit.ResA1); st.Responded != 2 || st.ResponseBase != 2 {
			t.Fatalf("rates after the second answer: %+v", st)
		}

		// Not with a dispatch, not without dispatching rights, not empty-handed.
		both := call
		both.Dispatch = true
		if _, err := e.s.Intake(e.ctx, community, both); !slices.Contains(fieldsOf(err), "answer") {
			t.Fatalf("answer and dispatch: %v", err)
		}
		gridCall := call
		gridCall.Area = testkit.GridA1
		if _, err := e.s.Intake(e.ctx, grid, gridCall); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("a grid worker answering: %v", err)
		}
		if n := e.count(t, "SELECT count(*) FROM demands"); n != 2 {
			t.Fatalf("%d demands, want 2", n)
		}
	})
}

func TestMatchCategory(t *testing.T) {
	cats := []demand.Category{
		{Code: "noise", Name: "噪音扰民", NameEN: "Noise", Keywords: "噪音，吵闹,夜间", Active: true},
		{Code: "noise_build", Name: "施工噪音", NameEN: "Construction noise", Keywords: "施工、工地 打桩 夜间", Active: true},
		{Code: "property", Name: "物业管理", Keywords: "物业 电梯", Active: true},
		{Code: "old", Name: "旧分类", Keywords: "噪音", Active: false},
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"噪音", []string{"noise"}},                // a keyword of one, though another's name holds it
		{"噪音扰民", []string{"noise"}},              // the name
		{"noise_build", []string{"noise_build"}}, // the code
		{"construction NOISE", []string{"noise_build"}},
		{"工地", []string{"noise_build"}},
		{"夜间", []string{"noise", "noise_build"}}, // a keyword of two
		{"噪", []string{"noise", "noise_build"}},  // part of two names
		{"电", []string{"property"}},              // part of a keyword
		{"城堡", nil},
		{"  ", nil},
	} {
		var got []string
		for _, m := range demand.MatchCategory(cats, c.text) {
			got = append(got, m.Code)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("MatchCategory(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}

func TestCategoryByKeyword(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		if c, err := e.s.FindCategory(e.ctx, "噪音"); err != nil || c.Code != "noise" {
			t.Fatalf("unique keyword: %+v %v", c, err)
		}
		_, err := e.s.FindCategory(e.ctx, "夜间")
		if errs.Code(err) != errs.EINVALID || !slices.Equal(fieldsOf(err), []string{"category"}) ||
			!strings.Contains(errs.Message(err), "噪音扰民") || !strings.Contains(errs.Message(err), "施工噪音") {
			t.Fatalf("ambiguous keyword: %v", err)
		}
		if _, err := e.s.FindCategory(e.ctx, "城堡"); errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "城堡") {
			t.Fatalf("no match: %v", err)
		}
		// The form's intake takes a keyword; the API's takes codes only.
		call := demand.NewDemand{Category: "工地", Area: testkit.GridA1, Description: "工地夜间打桩", Typed: true}
		if f, err := e.s.Intake(e.ctx, e.f.Users[auth.GridWorker], call); err != nil || f.Demand.Category != "noise_build" {
			t.Fatalf("intake by keyword: %+v %v", f.Demand, err)
		}
		call.Typed = false
		if _, err := e.s.Intake(e.ctx, e.f.Users[auth.GridWorker], call); !slices.Contains(fieldsOf(err), "category") {
			t.Fatalf("a keyword where a code is expected: %v", err)
		}
	})
}

func TestAreaByNamesWithParents(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		community, street := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff]
		for _, c := range []struct {
			who  *auth.Principal
			text string
			want string
		}{
			{street, "东湖居民区 第1网格", testkit.GridA1},
			{street, "复中居民区 第1网格", testkit.ResA2 + "01"},
			{street, "湖南路街道 / 东湖居民区 / 第1网格", testkit.GridA1}, // the name path a list shows
			{street, "湖南路街道/复中居民区", testkit.ResA2},
			{street, "东湖", testkit.ResA1},            // part of one name
			{street, testkit.GridA1, testkit.GridA1}, // a code
			{community, "第1网格", testkit.GridA1},      // two share the name: the one in the operator's own area
		} {
			if got, err := e.s.FindArea(e.ctx, c.who, c.text); err != nil || got != c.want {
				t.Errorf("FindArea(%s, %q) = %q, %v; want %q", c.who.Username, c.text, got, err, c.want)
			}
		}
		_, err := e.s.FindArea(e.ctx, street, "第1网格") // both in the street's area
		if msg := errs.Message(err); errs.Code(err) != errs.EINVALID || !strings.Contains(msg, "东湖居民区/第1网格") || !strings.Contains(msg, "复中居民区/第1网格") {
			t.Fatalf("ambiguous name: %v", err)
		}
		if _, err := e.s.FindArea(e.ctx, street, "火星居民区"); errs.Code(err) != errs.EINVALID {
			t.Fatalf("no such area: %v", err)
		}
		f, err := e.s.Intake(e.ctx, street, demand.NewDemand{Category: "noise", Area: "复中 第1网格", Description: "夜间施工", Typed: true})
		if err != nil || f.Demand.Area != testkit.ResA2+"01" {
			t.Fatalf("intake by name: %+v %v", f.Demand, err)
		}
	})
}

func TestIntakeNamesEveryWrongField(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		community := e.f.Users[auth.CommunityStaff]
		call := demand.NewDemand{Category: "城堡", Area: "火星居民区", Channel: "fax", Description: " ", Typed: true, Lead: "月球街道"}
		err := e.s.CheckIntake(e.ctx, community, call)
		got := fieldsOf(err)
		for _, f := range []string{"category", "area", "channel", "description", "lead"} {
			if !slices.Contains(got, f) {
				t.Errorf("%s not named: %v", f, got)
			}
		}
		if _, err := e.s.Intake(e.ctx, community, call); !slices.Equal(fieldsOf(err), got) {
			t.Errorf("Intake names %v, CheckIntake %v", fieldsOf(err), got)
		}
		// Codes alike: a wrong area is named beside a wrong category.
		err = e.s.CheckIntake(e.ctx, community, demand.NewDemand{Category: "nope", Area: "310104999", Description: "x"})
		if got := fieldsOf(err); !slices.Equal(got, []string{"category", "area"}) {
			t.Errorf("codes: %v", got)
		}
		if err := e.s.CheckIntake(e.ctx, community, demand.NewDemand{Category: "noise", Area: testkit.ResA1, Description: "x"}); err != nil {
			t.Errorf("a good demand: %v", err)
		}
		if n := e.count(t, "SELECT count(*) FROM demands"); n != 0 {
			t.Fatalf("checking filed %d demands", n)
		}
	})
}

func TestCallerHistory(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		community, auditor := e.f.Users[auth.CommunityStaff], e.f.Users[auth.Auditor]
		// e.file's caller is 13900002222.
		first := e.file(t, nil, "noise", testkit.ResA1, "楼道灯坏了")
		second := e.file(t, nil, "property", testkit.GridA1, "电梯坏了")
		elsewhere := e.file(t, nil, "noise", testkit.ResB1, "另一条街道的诉求") // outside the community's view
		if _, err := e.s.Intake(e.ctx, nil, demand.NewDemand{Category: "noise", Area: testkit.ResA1, Description: "别人的诉求",
			Reporter: demand.ReporterInput{Phone: "13900003333"}}); err != nil {
			t.Fatal(err)
		}
		ids := func(p *auth.Principal, phone string) []int64 {
			t.Helper()
			res, err := e.s.CallerHistory(e.ctx, p, phone, 5)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, x := range res.Items {
				out = append(out, x.ID)
			}
			return out
		}
		want := []int64{second.Demand.ID, first.Demand.ID}
		for _, phone := range []string{"13900002222", "139 0000 2222", "+86 139-0000-2222", "00002222"} {
			if got := ids(community, phone); !slices.Equal(got, want) {
				t.Errorf("%q: %v, want %v (newest first, only what the community sees)", phone, got, want)
			}
		}
		if got := ids(e.f.Users[auth.DistrictAdmin], "13900002222"); len(got) != 3 || got[0] != elsewhere.Demand.ID {
			t.Errorf("the district sees %v", got)
		}
		for _, phone := range []string{"2222", "1390000", "王阿姨", ""} { // too short, not a tail, not a phone
			if got := ids(community, phone); len(got) != 0 {
				t.Errorf("%q finds %v", phone, got)
			}
		}
		if got := ids(auditor, "13900002222"); len(got) != 0 { // readers do not probe phones
			t.Errorf("an auditor finds %v", got)
		}
	})
}

func TestSimilarShowsAddress(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := intakeEnv(t, d)
		f, err := e.s.Intake(e.ctx, nil, demand.NewDemand{Category: "noise", Area: testkit.ResA1, Address: "东湖路 12 号",
			Description: "楼下烧烤店每天晚上噪音很大影响休息"})
		if err != nil {
			t.Fatal(err)
		}
		found, err := e.s.SimilarText(e.ctx, e.f.Users[auth.CommunityStaff], "noise", testkit.ResA1, "楼下烧烤店每天晚上噪音很大")
		if err != nil || len(found) == 0 || found[0].ID != f.Demand.ID || found[0].Address != "东湖路 12 号" || found[0].Area != testkit.ResA1 {
			t.Fatalf("similar: %+v %v", found, err)
		}
	})
}
