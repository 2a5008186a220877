package demand_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

func TestShortCodeRules(t *testing.T) {
	seen := map[string]bool{}
	for range 2000 {
		c := demand.NewShortCode()
		if len(c) != demand.CodeLength || strings.Trim(c, demand.CodeAlphabet) != "" {
			t.Fatalf("code %q is not %d characters of the alphabet", c, demand.CodeLength)
		}
		if seen[c] {
			t.Fatalf("code %q drawn twice in 2000 draws", c)
		}
		seen[c] = true
	}
	for _, bad := range []string{"0", "O", "1", "I", "L"} {
		if strings.Contains(demand.CodeAlphabet, bad) {
			t.Errorf("the alphabet holds the look-alike %s", bad)
		}
	}
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"ABCD-EFGH", "ABCDEFGH", true},
		{"abcd efgh", "ABCDEFGH", true},
		{" abCD－efgh ", "ABCDEFGH", true},
		{"23456789", "23456789", true},
		{"ABCD-EFG", "", false},    // too short
		{"ABCD-EFGHJ", "", false},  // too long
		{"ABCD-EFG0", "", false},   // 0 is in no code
		{"ABCD-EFGI", "", false},   // nor I
		{"ABCD-EFG%", "", false},   // nor punctuation
		{"查询码ABCDEFGH", "", false}, // nor Chinese
		{"", "", false},
	}
	for _, c := range cases {
		got, ok := demand.NormalizeCode(c.in)
		if ok != c.ok || ok && got != c.want {
			t.Errorf("NormalizeCode(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
	if got := demand.FormatCode("ABCDEFGH"); got != "ABCD-EFGH" {
		t.Errorf("FormatCode = %q", got)
	}
}

// TestShortCodeTracking: every intake draws a code; typed alone (any case,
// with or without the dash) it opens the tracking page without files or
// rating; staff who handle the demand see it, readers do not; after a
// merge it shows the surviving demand; wrong codes are throttled per address.
func TestShortCodeTracking(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, auditor := e.f.Users[auth.CommunityStaff], e.f.Users[auth.Auditor]
		a := e.file(t, community, "noise", testkit.ResA1, "东湖路夜间施工噪音")
		b := e.file(t, community, "noise", testkit.ResA1, "东湖路工地晚上还在施工")
		if len(a.ShortCode) != demand.CodeLength || a.ShortCode == b.ShortCode {
			t.Fatalf("codes %q and %q", a.ShortCode, b.ShortCode)
		}
		typed := strings.ToLower(demand.FormatCode(a.ShortCode))
		got, err := e.s.TrackByCode(e.ctx, typed, "198.51.100.1")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.Demand.ID || got.CanRate || got.Attachments != nil || got.Description == "" {
			t.Fatalf("tracked by code: %+v", got)
		}

		full, err := e.s.Get(e.ctx, community, a.Demand.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Reporters[0].ShortCode != demand.FormatCode(a.ShortCode) {
			t.Errorf("staff see code %q, want %q", full.Reporters[0].ShortCode, demand.FormatCode(a.ShortCode))
		}
		masked, err := e.s.Get(e.ctx, auditor, a.Demand.ID)
		if err != nil {
			t.Fatal(err)
		}
		if masked.Reporters[0].ShortCode != "" {
			t.Errorf("an auditor sees the code %q", masked.Reporters[0].ShortCode)
		}

		// Merged into b, a's code follows its reporter to b, as the link does.
		e.act(t, community, a.Demand.ID, demand.ActionInput{Action: demand.ActMerge, Target: &b.Demand.ID})
		if got, err := e.s.TrackByCode(e.ctx, a.ShortCode, "198.51.100.1"); err != nil || got.ID != b.Demand.ID {
			t.Fatalf("after the merge: %+v %v", got, err)
		}

		// Malformed is EINVALID and not counted; unknown codes count against the address.
		if _, err := e.s.TrackByCode(e.ctx, "ABC", "198.51.100.2"); errs.Code(err) != errs.EINVALID {
			t.Fatalf("malformed code: %v", err)
		}
		var last error
		for range 10 {
			_, last = e.s.TrackByCode(e.ctx, "ZZZZ-ZZZZ", "198.51.100.2")
			if errs.Code(last) != errs.ENOTFOUND {
				t.Fatalf("unknown code: %v", last)
			}
		}
		if _, err := e.s.TrackByCode(e.ctx, b.ShortCode, "198.51.100.2"); errs.Code(err) != errs.ETOOMANY {
			t.Fatalf("after ten wrong codes the right one is %v, want ETOOMANY", err)
		}
		if _, err := e.s.TrackByCode(e.ctx, b.ShortCode, "198.51.100.3"); err != nil {
			t.Fatalf("another address: %v", err)
		}
		e.clock.Advance(demand.LookupWindow + time.Minute)
		if _, err := e.s.TrackByCode(e.ctx, b.ShortCode, "198.51.100.2"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
	})
}

// TestShortCodeMigration runs migration 00029's back-fill over reports
// without codes: every row gets one of the alphabet, a repeated draw goes
// back to NULL, and FillShortCodes (run when the server starts) gives
// those their own.
func TestShortCodeMigration(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		var ids []int64
		for i := range 5 {
			ids = append(ids, e.file(t, nil, "noise", testkit.ResA1, "噪音 "+strconv.Itoa(i)).Demand.ID)
		}
		b, err := os.ReadFile("../db/migrations/" + d.Dialect.String() + "/00029_tracking_codes.sql")
		if err != nil {
			t.Fatal(err)
		}
		up := string(b)
		var stmts []string
		for _, s := range strings.Split(up[:strings.Index(up, "-- +goose Down")], ";\n") {
			if i := strings.Index(s, "UPDATE demand_reporters"); i >= 0 {
				stmts = append(stmts, s[i:])
			}
		}
		if len(stmts) != 2 {
			t.Fatalf("found %d back-fill statements, want 2", len(stmts))
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.Exec(e.ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec("DROP INDEX demand_reporters_short_code")
		exec("UPDATE demand_reporters SET short_code = NULL")
		exec(stmts[0])
		codes := func() map[int64]*string {
			out := map[int64]*string{}
			rows, err := d.Query(e.ctx, "SELECT original_id, short_code FROM demand_reporters")
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var c *string
				if err := rows.Scan(&id, &c); err != nil {
					t.Fatal(err)
				}
				out[id] = c
			}
			return out
		}
		for id, c := range codes() {
			if c == nil || len(*c) != demand.CodeLength || strings.Trim(*c, demand.CodeAlphabet) != "" {
				t.Fatalf("demand %d: back-filled code %v", id, c)
			}
		}
		// A repeated draw: the later row goes back to NULL.
		exec("UPDATE demand_reporters SET short_code = 'AAAAAAAA' WHERE original_id IN (?, ?)", ids[1], ids[3])
		exec(stmts[1])
		got := codes()
		if got[ids[1]] == nil || *got[ids[1]] != "AAAAAAAA" || got[ids[3]] != nil {
			t.Fatalf("after the repeat: %v and %v", got[ids[1]], got[ids[3]])
		}
		exec("CREATE UNIQUE INDEX demand_reporters_short_code ON demand_reporters(short_code)")
		n, err := e.s.FillShortCodes(e.ctx)
		if err != nil || n != 1 {
			t.Fatalf("FillShortCodes = %d, %v; want 1", n, err)
		}
		seen := map[string]bool{}
		for id, c := range codes() {
			if c == nil || seen[*c] {
				t.Fatalf("demand %d: code %v after the fill", id, c)
			}
			seen[*c] = true
		}
		if got, err := e.s.TrackByCode(e.ctx, *codes()[ids[3]], "203.0.113.9"); err != nil || got.ID != ids[3] {
			t.Fatalf("the filled code tracks %+v %v", got, err)
		}
	})
}

// TestRecategorise moves a demand filed as "other" to noise: the figures
// by category move (all categories together stay), the category filter
// finds it under the new one, the timeline and the audit log record it,
// and while it waits for dispatch the new category's routing rule is
// proposed. Readers may not; a wrong request changes nothing.
func TestRecategorise(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin, community, street, auditor, grid := e.f.Users[auth.DistrictAdmin], e.f.Users[auth.CommunityStaff],
			e.f.Users[auth.StreetStaff], e.f.Users[auth.Auditor], e.f.Users[auth.GridWorker]
		if _, err := e.s.SaveCategory(e.ctx, admin, demand.Category{Code: "other", Name: "其他 / 不确定", ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.SaveRoute(e.ctx, admin, demand.Route{Category: "noise", Area: testkit.StreetA, BodyArea: testkit.GridA1}); err != nil {
			t.Fatal(err)
		}
		f, err := e.s.Intake(e.ctx, nil, demand.NewDemand{Category: "other", Description: "晚上楼下一直有很响的声音", Area: testkit.ResA1,
			Reporter: demand.ReporterInput{Phone: "13900003333"}})
		if err != nil {
			t.Fatal(err)
		}
		id := f.Demand.ID
		day := f.Demand.CreatedAt.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
		stats := func(cat string) demand.Stats {
			t.Helper()
			st, err := e.s.Stats(e.ctx, admin, demand.StatsFilter{Area: testkit.District, From: day, To: day, Category: cat})
			if err != nil {
				t.Fatal(err)
			}
			return st
		}
		gridStats := func(cat string) int {
			st, err := e.s.Stats(e.ctx, admin, demand.StatsFilter{Area: testkit.ResA1, From: day, To: day, Category: cat})
			if err != nil {
				t.Fatal(err)
			}
			return st.Received
		}
		listed := func(cat string) bool {
			l, err := e.s.List(e.ctx, admin, demand.ListFilter{Category: cat, Q: "声音", PerPage: 50})
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range l.Items {
				if x.ID == id {
					return true
				}
			}
			return false
		}
		otherBefore, noiseBefore, allBefore := stats("other"), stats("noise"), stats("")
		if otherBefore.Received != 1 || otherBefore.Open != 1 || !listed("other") || listed("noise") {
			t.Fatalf("before: other %+v, listed under other %v", otherBefore, listed("other"))
		}

		// Refused: a reader, no reason, the same category, an unknown one. Nothing changes.
		try := func(p *auth.Principal, in demand.RecategoriseInput, code string) {
			t.Helper()
			if _, err := e.s.Recategorise(e.ctx, p, id, in); errs.Code(err) != code {
				t.Fatalf("%+v by %s: %v, want %s", in, p.Grants[0].Role, err, code)
			}
		}
		try(auditor, demand.RecategoriseInput{Category: "noise", Reason: "看错了"}, errs.EFORBIDDEN)
		try(grid, demand.RecategoriseInput{Category: "noise", Reason: "看错了"}, errs.ENOTFOUND) // not dispatched to the grid: not its to see
		try(community, demand.RecategoriseInput{Category: "noise"}, errs.EINVALID)
		try(community, demand.RecategoriseInput{Category: "other", Reason: "不变"}, errs.EINVALID)
		try(community, demand.RecategoriseInput{Category: "nonesuch", Reason: "不存在"}, errs.EINVALID)
		if st := stats("other"); st != otherBefore {
			t.Fatalf("a refused change moved the figures: %+v", st)
		}

		res, err := e.s.Recategorise(e.ctx, community, id, demand.RecategoriseInput{Category: "噪音扰民", Reason: "居民说的是夜间施工噪音", Typed: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Demand.Category != "noise" || res.Demand.Status != demand.Received || res.Proposal.Lead != testkit.GridA1 || !res.Proposal.ByRule {
			t.Fatalf("after: category %s status %s proposal %+v", res.Demand.Category, res.Demand.Status, res.Proposal)
		}
		if !res.Demand.ResolveDue.Equal(f.Demand.ResolveDue) || !res.Demand.ContactDue.Equal(f.Demand.ContactDue) {
			t.Errorf("the clocks moved: %v → %v", f.Demand.ResolveDue, res.Demand.ResolveDue)
		}
		other, noise, all := stats("other"), stats("noise"), stats("")
		if other.Received != otherBefore.Received-1 || other.Open != otherBefore.Open-1 ||
			noise.Received != noiseBefore.Received+1 || noise.Open != noiseBefore.Open+1 || all != allBefore {
			t.Fatalf("figures: other %d→%d, noise %d→%d, all %+v → %+v", otherBefore.Received, other.Received, noiseBefore.Received, noise.Received, allBefore, all)
		}
		if gridStats("other") != 0 || gridStats("noise") != 1 {
			t.Errorf("the residential area's figures did not move: other %d noise %d", gridStats("other"), gridStats("noise"))
		}
		if listed("other") || !listed("noise") {
			t.Errorf("search: under other %v, under noise %v", listed("other"), listed("noise"))
		}
		got, err := e.s.Get(e.ctx, community, id)
		if err != nil {
			t.Fatal(err)
		}
		last := got.Events[len(got.Events)-1]
		if last.Action != string(demand.ActRecategorise) || !strings.Contains(last.Note, "其他 / 不确定") || !strings.Contains(last.Note, "噪音扰民") ||
			!strings.Contains(last.Note, "夜间施工") {
			t.Errorf("timeline: %+v", last)
		}
		action, entity, sid := "recategorise", "demand", strconv.FormatInt(id, 10)
		rows, _, err := auth.ListAudit(e.ctx, d, admin, auth.AuditFilter{Action: &action, Entity: &entity, EntityID: &sid})
		if err != nil || len(rows) != 1 || !strings.Contains(rows[0].Before, "other") || !strings.Contains(rows[0].After, "noise") {
			t.Fatalf("audit: %+v %v", rows, err)
		}

		// Dispatched: the street (above the owner) may still change it; no proposal then.
		e.act(t, community, id, demand.ActionInput{Action: demand.ActDispatch})
		res, err = e.s.Recategorise(e.ctx, street, id, demand.RecategoriseInput{Category: "sanitation", Reason: "实为垃圾清运车噪音，归环境卫生"})
		if err != nil || res.Demand.Category != "sanitation" || res.Proposal.Lead != "" || res.Demand.Status != demand.Dispatched {
			t.Fatalf("dispatched: %+v %v", res, err)
		}
		// The grid now leads it and may change it too.
		if _, err := e.s.Recategorise(e.ctx, grid, id, demand.RecategoriseInput{Category: "noise", Reason: "还是噪音"}); err != nil {
			t.Fatalf("the lead body: %v", err)
		}
		if st := stats("sanitation"); st.Received != 0 {
			t.Errorf("sanitation kept %d", st.Received)
		}
		if st := stats("noise"); st.Received != noiseBefore.Received+1 {
			t.Errorf("noise has %d, want %d", st.Received, noiseBefore.Received+1)
		}
	})
}

// TestMyDemands: a resident's own reports, filed while signed in, and no
// one else's; staff filings on a caller's behalf are nobody's "mine"; a
// merge keeps the report in the list, showing the surviving demand.
func TestMyDemands(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		resident, member, community := e.f.Users[auth.Resident], e.f.Users[auth.Member], e.f.Users[auth.CommunityStaff]
		mine := func(text string) demand.Filed {
			f, err := e.s.Intake(e.ctx, nil, demand.NewDemand{Category: "noise", Description: text, Area: testkit.ResA1,
				Reporter: demand.ReporterInput{Phone: "13900004444"}, ReporterUser: resident.UserID})
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		a := mine("楼上装修太吵，电话13900004444")
		b := mine("广场舞音响太响")
		// Staff filing with the same phone: not the resident's (a phone is no proof).
		e.file(t, community, "noise", testkit.ResA1, "同一号码打来的热线")
		if _, err := e.s.Intake(e.ctx, community, demand.NewDemand{Category: "noise", Description: "代填", Area: testkit.ResA1, ReporterUser: resident.UserID}); err != nil {
			t.Fatal(err)
		}
		items, total, err := e.s.MyDemands(e.ctx, resident, 1, 50)
		if err != nil {
			t.Fatal(err)
		}
		if total != 2 || len(items) != 2 || items[0].Number != b.Demand.ID || items[1].Number != a.Demand.ID {
			t.Fatalf("mine: %d %+v", total, items)
		}
		if items[1].ShortCode != a.ShortCode || strings.Contains(items[1].Title, "13900004444") || items[1].Status != demand.Received {
			t.Errorf("line: %+v", items[1])
		}
		if others, n, err := e.s.MyDemands(e.ctx, member, 1, 50); err != nil || n != 0 || len(others) != 0 {
			t.Errorf("another user sees %d: %+v %v", n, others, err)
		}
		if _, _, err := e.s.MyDemands(e.ctx, nil, 1, 50); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Errorf("nobody: %v", err)
		}
		e.act(t, community, b.Demand.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		e.act(t, community, a.Demand.ID, demand.ActionInput{Action: demand.ActMerge, Target: &b.Demand.ID})
		items, _, err = e.s.MyDemands(e.ctx, resident, 1, 1)
		if err != nil || len(items) != 1 {
			t.Fatal(err)
		}
		items2, _, err := e.s.MyDemands(e.ctx, resident, 2, 1)
		if err != nil || len(items2) != 1 || items2[0].Number != a.Demand.ID || items2[0].ID != b.Demand.ID ||
			items2[0].Status != demand.Dispatched || items2[0].LeadArea != testkit.GridA1 {
			t.Fatalf("page 2 after the merge: %+v %v", items2, err)
		}
	})
}

// TestTrackingSMS queues the tracking message: its text has the number,
// the code and the link; the phone must be a mobile number; three a day;
// nothing without a gateway; readers may not, the filer may.
func TestTrackingSMS(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, auditor, grid := e.f.Users[auth.CommunityStaff], e.f.Users[auth.Auditor], e.f.Users[auth.GridWorker]
		f := e.file(t, community, "noise", testkit.ResA1, "夜间施工噪音")
		id := f.Demand.ID

		// No gateway: the button is not offered and the call is refused.
		if e.s.SMSAvailable() || e.s.CanSendSMS(e.ctx, community, f.Demand) {
			t.Fatal("SMS offered without a gateway")
		}
		if _, err := e.s.SendTrackingSMS(e.ctx, community, id); errs.Code(err) != errs.EUNAVAILABLE {
			t.Fatalf("without a gateway: %v", err)
		}

		n := notify.NewService(d, e.clock, notify.Options{SMS: true, BaseURL: "https://gz.example.gov.cn/"})
		s := demand.NewService(d, e.clock, n)
		if !s.SMSAvailable() || !s.CanSendSMS(e.ctx, community, f.Demand) || s.CanSendSMS(e.ctx, auditor, f.Demand) {
			t.Fatal("who may text")
		}
		if _, err := s.SendTrackingSMS(e.ctx, auditor, id); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("an auditor: %v", err)
		}
		sent, err := s.SendTrackingSMS(e.ctx, community, id)
		if err != nil {
			t.Fatal(err)
		}
		if sent.To != "139****2222" || sent.Code != demand.FormatCode(f.ShortCode) {
			t.Fatalf("sent: %+v", sent)
		}
		var to, body, entityID string
		if err := d.QueryRow(e.ctx, "SELECT recipient, body, entity_id FROM sms_outbox").Scan(&to, &body, &entityID); err != nil {
			t.Fatal(err)
		}
		link := "https://gz.example.gov.cn/c/" + f.ShortCode
		if to != "13900002222" || entityID != strconv.FormatInt(id, 10) || !strings.Contains(body, demand.FormatCode(f.ShortCode)) ||
			!strings.Contains(body, link) || !strings.Contains(body, "编号 "+strconv.FormatInt(id, 10)) {
			t.Fatalf("queued to %s: %q", to, body)
		}
		var jobs int
		if err := d.QueryRow(e.ctx, "SELECT count(*) FROM jobs WHERE kind = 'notify.sms'").Scan(&jobs); err != nil || jobs != 1 {
			t.Fatalf("jobs: %d %v", jobs, err)
		}
		got, err := s.Get(e.ctx, community, id)
		if err != nil {
			t.Fatal(err)
		}
		last := got.Events[len(got.Events)-1]
		if last.Action != string(demand.ActSMS) || !strings.Contains(last.Note, "139****2222") || strings.Contains(last.Note, "13900002222") {
			t.Errorf("timeline: %+v", last)
		}
		tracked, err := s.Track(e.ctx, f.Token)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range tracked.Events {
			if ev.Action == string(demand.ActSMS) {
				t.Error("the resident's timeline shows the internal SMS step")
			}
		}

		// Three a day.
		for range 2 {
			if _, err := s.SendTrackingSMS(e.ctx, community, id); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.SendTrackingSMS(e.ctx, community, id); errs.Code(err) != errs.ETOOMANY {
			t.Fatalf("a fourth message: %v", err)
		}
		e.clock.Advance(25 * time.Hour)
		if _, err := s.SendTrackingSMS(e.ctx, community, id); err != nil {
			t.Fatalf("the next day: %v", err)
		}

		// A landline gets no text; a grid worker who filed a demand may text its caller.
		land, err := s.Intake(e.ctx, grid, demand.NewDemand{Category: "noise", Description: "座机来电", Channel: "hotline", Area: testkit.GridA1,
			Reporter: demand.ReporterInput{Phone: "021-64670000"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendTrackingSMS(e.ctx, grid, land.Demand.ID); errs.Code(err) != errs.EINVALID {
			t.Fatalf("a landline: %v", err)
		}
		mobile, err := s.Intake(context.Background(), grid, demand.NewDemand{Category: "noise", Description: "手机来电", Channel: "hotline", Area: testkit.GridA1,
			Reporter: demand.ReporterInput{Phone: "+86 139 0000 5555"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SendTrackingSMS(e.ctx, grid, mobile.Demand.ID); err != nil {
			t.Fatalf("the grid worker who filed it: %v", err)
		}
	})
}
