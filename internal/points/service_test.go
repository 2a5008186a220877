package points_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
)

type world struct {
	t       *testing.T
	d       *db.DB
	f       *testkit.Fixture
	s       *points.Service
	inSvc   int64 // 在职, reported to ResA1
	retired int64 // 退休
	next    int64
}

func newWorld(t *testing.T, d *db.DB) *world {
	ctx := context.Background()
	w := &world{t: t, d: d, f: testkit.NewFixture(t, d), s: points.NewService(d, testkit.Clock()), next: 1}
	path, err := area.Path(ctx, d, testkit.ResA1)
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path)
	if err != nil {
		t.Fatal(err)
	}
	ps := party.NewService(d, testkit.Clock())
	sys := auth.SystemPrincipal()
	a, err := ps.Create(ctx, sys, party.Input{Name: "王建国", Kind: "在职", PartyOrgID: org, HomeArea: testkit.ResA1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ps.Report(ctx, sys, a.ID, party.ReportInput{Area: testkit.ResA1, Posts: []string{"志愿调解"}}); err != nil {
		t.Fatal(err)
	}
	b, err := ps.Create(ctx, sys, party.Input{Name: "李秀英", Kind: "退休", PartyOrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	w.inSvc, w.retired = a.ID, b.ID
	return w
}

// service writes a verified service row as an activity check-out does.
func (w *world) service(member int64, code, when string, minutes int) {
	w.t.Helper()
	ctx := context.Background()
	path, err := area.Path(ctx, w.d, code)
	if err != nil {
		w.t.Fatal(err)
	}
	end, _ := time.ParseInLocation("2006-01-02 15:04", when, clock.Shanghai)
	if _, err := w.d.Exec(ctx, `INSERT INTO member_service (member_id, source, source_id, area_path, started_at, ended_at, minutes) VALUES (?, 'activity', ?, ?, ?, ?, ?)`,
		member, w.next, path, end.Add(-time.Duration(minutes)*time.Minute), end, minutes); err != nil {
		w.t.Fatal(err)
	}
	w.next++
}

func (w *world) total(member int64) int {
	w.t.Helper()
	mp, err := w.s.MemberPoints(context.Background(), w.f.Users[auth.CommunityStaff], member, 2026)
	if err != nil {
		w.t.Fatal(err)
	}
	return mp.Total
}

func (w *world) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func TestLedgerRulesAndApprovals(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		admin, street, staff := w.f.Users[auth.DistrictAdmin], w.f.Users[auth.StreetStaff], w.f.Users[auth.CommunityStaff]
		w.service(w.inSvc, testkit.ResA1, "2026-03-02 11:00", 120) // where he reported: dual-reporting service
		w.service(w.inSvc, testkit.ResB1, "2026-03-03 11:00", 180) // elsewhere: volunteer service
		w.service(w.retired, testkit.ResA1, "2026-03-03 11:00", 600)
		v1 := []points.Rule{
			{Module: points.ModVolunteer, Per: points.PerHour, Points: 1, WeekCap: 4},
			{Module: points.ModDualReport, Per: points.PerHour, Points: 2},
			{Module: points.ModStudy, Per: points.PerEvent, Points: 3},
		}
		if _, err := w.s.CreateRuleset(ctx, street, points.RulesetInput{Year: 2026, Rules: v1}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("street staff edit the district's rules: %v", err)
		}
		if _, err := w.s.CreateRuleset(ctx, admin, points.RulesetInput{Year: 2026, Rules: []points.Rule{{Module: "likes", Per: points.PerEvent, Points: 1}}}); errs.Code(err) != errs.EINVALID {
			t.Errorf("a rule on likes: %v", err)
		}
		rs1, err := w.s.CreateRuleset(ctx, admin, points.RulesetInput{Year: 2026, Rules: v1})
		if err != nil {
			t.Fatal(err)
		}
		pv, err := w.s.Preview(ctx, admin, rs1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Members != 2 || pv.Rows != 3 || w.count("SELECT count(*) FROM points_ledger") != 0 {
			t.Fatalf("preview %+v wrote or counted wrong", pv)
		}
		if _, err := w.s.Apply(ctx, admin, rs1.ID); err != nil {
			t.Fatal(err)
		}
		// 2 h dual (4) + 3 h volunteer (3); retired: 10 h capped at 4 a week.
		if a, b := w.total(w.inSvc), w.total(w.retired); a != 7 || b != 4 {
			t.Errorf("totals %d, %d; want 7, 4", a, b)
		}
		if _, err := w.s.Apply(ctx, admin, rs1.ID); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("applying a published rule set again: %v", err)
		}

		// New verified service is picked up once, however often the job runs.
		w.service(w.inSvc, testkit.ResB1, "2026-04-07 11:00", 60)
		if n, err := w.s.Sync(ctx); err != nil || n != 1 {
			t.Fatalf("sync: %d, %v", n, err)
		}
		if n, err := w.s.Sync(ctx); err != nil || n != 0 {
			t.Fatalf("sync again: %d, %v", n, err)
		}
		if got := w.total(w.inSvc); got != 8 {
			t.Errorf("after sync %d, want 8", got)
		}

		// Manual points: evidence, and another person approves.
		if _, err := w.s.Propose(ctx, staff, points.ManualInput{MemberID: w.inSvc, Module: points.ModVolunteer, OccurredAt: time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC), Evidence: "自报服务两小时"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("manual service points: %v", err)
		}
		it, err := w.s.Propose(ctx, staff, points.ManualInput{MemberID: w.inSvc, Module: points.ModStudy, OccurredAt: time.Date(2026, 5, 1, 2, 0, 0, 0, time.UTC), Evidence: "5月党课签到表第3页"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Decide(ctx, staff, it.ID, true, points.DecisionInput{}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("the proposer approved: %v", err)
		}
		if got := w.total(w.inSvc); got != 8 {
			t.Errorf("a proposal moved points: %d", got)
		}
		if _, err := w.s.Decide(ctx, street, it.ID, true, points.DecisionInput{}); err != nil {
			t.Fatal(err)
		}
		if got := w.total(w.inSvc); got != 11 {
			t.Errorf("after approval %d, want 11", got)
		}

		// A new version: volunteer service doubled. The preview shows the
		// difference and changes nothing; applying writes only it.
		v2 := append([]points.Rule{{Module: points.ModVolunteer, Per: points.PerHour, Points: 2, WeekCap: 4}}, v1[1:]...)
		rs2, err := w.s.CreateRuleset(ctx, admin, points.RulesetInput{Year: 2026, Rules: v2, Note: "志愿服务加倍"})
		if err != nil || rs2.Version != 2 {
			t.Fatalf("%+v %v", rs2, err)
		}
		before := w.count("SELECT count(*) FROM points_ledger")
		pv, err = w.s.Preview(ctx, admin, rs2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pv.Members != 1 || pv.Rows != 2 || pv.Diffs[0].Before != 11 || pv.Diffs[0].After != 13 || pv.Diffs[0].MemberID != w.inSvc {
			t.Errorf("preview %+v", pv)
		}
		if w.count("SELECT count(*) FROM points_ledger") != before {
			t.Fatal("the preview wrote")
		}
		if _, err := w.s.Apply(ctx, admin, rs2.ID); err != nil {
			t.Fatal(err)
		}
		// Two reversals and two new rows; the rest untouched.
		if got := w.count("SELECT count(*) FROM points_ledger"); got != before+4 {
			t.Errorf("%d rows, want %d", got, before+4)
		}
		if got := w.count("SELECT count(*) FROM points_ledger l JOIN points_ledger o ON o.id = l.reverses_id WHERE l.points = -o.points AND l.points < 0"); got != 2 {
			t.Errorf("%d reversals mirroring their rows, want 2", got)
		}
		if a, b := w.total(w.inSvc), w.total(w.retired); a != 13 || b != 4 {
			t.Errorf("totals %d, %d; want 13, 4 (3 h doubled is cut to the week cap of 4)", a, b)
		}
		if got := w.count("SELECT count(*) FROM points_rulesets WHERE status = 'superseded' AND id = ?", rs1.ID); got != 1 {
			t.Error("version 1 is not superseded")
		}
		if got := w.count("SELECT count(*) FROM audit_log WHERE entity IN ('points_ruleset', 'points_manual')"); got != 6 {
			t.Errorf("%d audit rows, want 6", got)
		}

		// Ranking within kind, scoped; the year-end export.
		rk, err := w.s.Ranking(ctx, staff, points.RankFilter{Year: 2026})
		if err != nil || len(rk) != 2 || rk[0].Rank != 1 || rk[1].Rank != 1 || rk[0].Kind != "在职" || rk[0].Total != 13 {
			t.Errorf("ranking %+v %v", rk, err)
		}
		var buf bytes.Buffer
		if err := w.s.ExportXLSX(ctx, staff, points.RankFilter{Year: 2026}, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("积分")
		if len(rows) != 3 || rows[1][1] != "王建国" || rows[1][11] != "13" {
			t.Errorf("export %v", rows)
		}
		outside, err := w.f.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: "b_staff", Password: testkit.Password, Role: "community_staff", Area: testkit.ResB1})
		if err != nil {
			t.Fatal(err)
		}
		pb := &auth.Principal{UserID: outside.ID, Username: outside.Username, Grants: outside.Grants}
		if _, err := w.s.MemberPoints(ctx, pb, w.inSvc, 2026); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("another area's staff read the points: %v", err)
		}
		if rk, _ := w.s.Ranking(ctx, pb, points.RankFilter{Year: 2026}); len(rk) != 0 {
			t.Errorf("another area's staff rank %d members", len(rk))
		}
	})
}
