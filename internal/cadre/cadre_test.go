package cadre_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/cadre"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 4, 0, 0, 0, time.UTC) }

// demand inserts a demand of area code created at c, due at due, resolved
// at res (zero: open); dup marks a merged duplicate.
func demand(t *testing.T, d *db.DB, code string, c, due, res time.Time, dup bool) {
	t.Helper()
	ctx := context.Background()
	path, err := area.Path(ctx, d, code)
	if err != nil {
		t.Fatal(err)
	}
	var resolved any
	status := "accepted"
	if !res.IsZero() {
		resolved, status = res, "resolved"
	}
	if dup {
		status = "merged"
	}
	if _, err := d.Exec(ctx, `INSERT INTO demands (category_code, channel, status, area_code, area_path, description, owner_area, created_at, updated_at,
		contact_due, resolve_due, resolved_at) VALUES ('cx', 'web', ?, ?, ?, '路灯不亮', ?, ?, ?, ?, ?, ?)`,
		status, code, path, code, c, c, c.Add(time.Hour), due, resolved); err != nil {
		t.Fatal(err)
	}
}

func project(t *testing.T, d *db.DB, code, status string, created time.Time, ends string) {
	t.Helper()
	ctx := context.Background()
	path, _ := area.Path(ctx, d, code)
	if _, err := d.Exec(ctx, `INSERT INTO projects (title, domain, level, area_code, area_path, status, ends_on, rate_token, created_at, updated_at)
		VALUES ('加装电梯', 'livelihood', 'residential', ?, ?, ?, ?, ?, ?, ?)`, code, path, status, ends, fmt.Sprintf("tok%d", created.UnixNano()), created, created); err != nil {
		t.Fatal(err)
	}
}

func counts(t *testing.T, d *db.DB) [4]int {
	var n [4]int
	for i, table := range []string{"cadres", "cadre_trainings", "cadre_evaluations", "audit_log"} {
		d.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n[i])
	}
	return n
}

// TestEvaluationFigures builds a residential area's year of demands,
// projects, dual-reported members' service and a cadre's training, and
// checks each figure the evaluation shows and saves.
func TestEvaluationFigures(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		c := testkit.Clock() // 2026-11-30
		s := cadre.NewService(d, c)
		street := f.Users[auth.StreetStaff]
		if _, err := d.Exec(ctx, "INSERT INTO demand_categories (code, name, contact_limit, resolve_limit) VALUES ('cx', '市容', '24h', '5d')"); err != nil {
			t.Fatal(err)
		}
		// Demands of 2026 in ResA1's subtree: 2 on time, 1 late, 1 open;
		// not counted: a merged duplicate, one of ResA2, one of 2025.
		due := func(t time.Time) time.Time { return t.Add(5 * 24 * time.Hour) }
		for _, x := range []struct {
			code    string
			created time.Time
			late    int // 0 open, 1 on time, 2 late
			dup     bool
		}{{testkit.ResA1, at(2026, 3, 1), 1, false}, {testkit.GridA1, at(2026, 6, 1), 1, false}, {testkit.ResA1, at(2026, 7, 1), 2, false},
			{testkit.ResA1, at(2026, 11, 1), 0, false}, {testkit.ResA1, at(2026, 4, 1), 1, true}, {testkit.ResA2, at(2026, 4, 1), 1, false},
			{testkit.ResA1, at(2025, 4, 1), 1, false}} {
			var res time.Time
			switch x.late {
			case 1:
				res = x.created.Add(48 * time.Hour)
			case 2:
				res = due(x.created).Add(time.Hour)
			}
			demand(t, d, x.code, x.created, due(x.created), res, x.dup)
		}
		// Projects: running and done-in-2026 count; proposed, ended in 2025, ResB1 do not.
		project(t, d, testkit.ResA1, "running", at(2026, 2, 1), "")
		project(t, d, testkit.ResA1, "done", at(2025, 9, 1), "2026-03-31")
		project(t, d, testkit.ResA1, "proposed", at(2026, 2, 2), "")
		project(t, d, testkit.ResA1, "done", at(2025, 2, 1), "2025-12-01")
		project(t, d, testkit.ResB1, "running", at(2026, 2, 3), "")
		// Three members reported to ResA1: two served in 2026, one in 2025 only.
		ps := party.NewService(d, c)
		path, _ := area.Path(ctx, d, testkit.ResA1)
		org, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path)
		if err != nil {
			t.Fatal(err)
		}
		for i, when := range []time.Time{at(2026, 5, 1), at(2026, 9, 1), at(2025, 9, 1)} {
			m, err := ps.Create(ctx, f.Users[auth.DistrictAdmin], party.Input{Name: fmt.Sprintf("党员%d", i), Kind: "在职", PartyOrgID: org})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ps.Report(ctx, f.Users[auth.DistrictAdmin], m.ID, party.ReportInput{Area: testkit.ResA1}); err != nil {
				t.Fatal(err)
			}
			d.InTx(ctx, func(tx *db.Tx) error {
				return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: int64(i + 1), AreaPath: path, Start: when, End: when.Add(2 * time.Hour)})
			})
		}
		sec, err := s.Create(ctx, street, cadre.Input{Kind: cadre.Secretary, Name: "李书记", Area: testkit.ResA1, Since: "2021-06-01", Username: "community_staff"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tr := range []cadre.TrainingInput{{"基层治理专题班", "2026-04-10", 1.5}, {"民情诉求办理", "2026-09-02", 2}, {"去年的课", "2025-10-01", 8}} {
			if _, err := s.AddTraining(ctx, street, sec.ID, tr); err != nil {
				t.Fatal(err)
			}
		}
		fig, err := s.FiguresOf(ctx, street, sec.ID, 2026)
		if err != nil {
			t.Fatal(err)
		}
		want := cadre.Figures{Year: 2026, Demands: 4, Answered: 3, OnTime: 2, OnTimeR: "50.0", Projects: 2, Reported: 3, Served: 2, ServedR: "66.7", TrainingMin: 210, TrainingH: "3.5"}
		if fig != want {
			t.Errorf("figures:\n got %+v\nwant %+v", fig, want)
		}
		// The cadre's own sign-in reads the figures but does not review itself.
		score := 88
		in := cadre.EvalInput{Score: &score, Review: "诉求办理及时，报到党员服务仍需跟进", Evidence: "平台数据；走访记录3次"}
		if _, err := s.Evaluate(ctx, f.Users[auth.CommunityStaff], sec.ID, 2026, in); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("community staff review: %v, want EFORBIDDEN", err)
		}
		// Bad input: 4xx, nothing written.
		before := counts(t, d)
		bad := 101
		for name, call := range map[string]func() error{
			"score 101": func() error {
				_, err := s.Evaluate(ctx, street, sec.ID, 2026, cadre.EvalInput{Score: &bad, Review: "x", Evidence: "y"})
				return err
			},
			"no score": func() error {
				_, err := s.Evaluate(ctx, street, sec.ID, 2026, cadre.EvalInput{Review: "x", Evidence: "y"})
				return err
			},
			"no evidence": func() error {
				_, err := s.Evaluate(ctx, street, sec.ID, 2026, cadre.EvalInput{Score: &score, Review: "x"})
				return err
			},
			"future year": func() error { _, err := s.Evaluate(ctx, street, sec.ID, 2027, in); return err },
			"training 0 h": func() error {
				_, err := s.AddTraining(ctx, street, sec.ID, cadre.TrainingInput{Course: "x", HeldOn: "2026-01-01"})
				return err
			},
			"training date": func() error {
				_, err := s.AddTraining(ctx, street, sec.ID, cadre.TrainingInput{Course: "x", HeldOn: "2026-13-01", Hours: 1})
				return err
			},
			"street as area": func() error {
				_, err := s.Create(ctx, street, cadre.Input{Kind: cadre.Secretary, Name: "x", Area: testkit.StreetA})
				return err
			},
			"no batch": func() error {
				_, err := s.Create(ctx, street, cadre.Input{Kind: cadre.YoungCadre, Name: "x", Area: testkit.ResA1})
				return err
			},
			"bad kind": func() error {
				_, err := s.Create(ctx, street, cadre.Input{Kind: "boss", Name: "x", Area: testkit.ResA1})
				return err
			},
		} {
			if err := call(); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
		if after := counts(t, d); after != before {
			t.Errorf("refused input changed rows: %v → %v", before, after)
		}
		e, err := s.Evaluate(ctx, street, sec.ID, 2026, in)
		if err != nil {
			t.Fatal(err)
		}
		if e.Figures != want || e.Score != 88 || e.Reviewer == "" {
			t.Errorf("evaluation: %+v", e)
		}
		// A young cadre of batch 2 in ResB1: outside street A's scope.
		yc, err := s.Create(ctx, f.Users[auth.DistrictAdmin], cadre.Input{Kind: cadre.YoungCadre, Name: "小王", Area: testkit.ResB1, Batch: 2})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Get(ctx, street, yc.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("street A reads ResB1's cadre: %v, want ENOTFOUND", err)
		}
		if _, err := s.Evaluate(ctx, street, yc.ID, 2026, in); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("street A reviews ResB1's cadre: %v, want ENOTFOUND", err)
		}
		l, err := s.List(ctx, f.Users[auth.DistrictAdmin], cadre.Filter{Kind: cadre.YoungCadre, Batch: 2})
		if err != nil || l.Total != 1 || l.Items[0].ID != yc.ID {
			t.Errorf("young cadres of batch 2: %+v, %v", l, err)
		}
		l, err = s.List(ctx, street, cadre.Filter{})
		if err != nil || l.Total != 1 || l.Items[0].TrainingH != "3.5" {
			t.Errorf("street A's cadres: %+v, %v; want 李书记 with 3.5 hours this year", l.Items, err)
		}
		for _, r := range []auth.Role{auth.Member, auth.Resident, auth.UnitLiaison, auth.GridWorker} {
			if _, err := s.List(ctx, f.Users[r], cadre.Filter{}); errs.Code(err) != errs.EFORBIDDEN {
				t.Errorf("%s lists cadres: %v, want EFORBIDDEN", r, err)
			}
		}
		var b bytes.Buffer
		if err := s.ExportXLSX(ctx, f.Users[auth.DistrictAdmin], 2026, &b); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("2026年度考核")
		if len(rows) != 2 || rows[1][0] != "李书记" || rows[1][7] != "50.0" || rows[1][13] != "88" {
			t.Errorf("export: %v", rows)
		}
	})
}

func TestMentoringPairs(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := cadre.NewService(d, testkit.Clock())
		admin := f.Users[auth.DistrictAdmin]
		regional, twoNew := f.Units["徐汇区图书馆"], f.Units[testkit.TwoNewInA1]
		before := counts(t, d)
		for name, in := range map[string]cadre.PairInput{
			"mentor not regional": {MentorName: "张", MentorUnitID: twoNew, MenteeName: "李", MenteeUnitID: twoNew, Since: "2026-03-01"},
			"mentee a shop":       {MentorName: "张", MentorUnitID: regional, MenteeName: "李", MenteeUnitID: f.Units[testkit.UnitInA1], Since: "2026-03-01"},
			"no date":             {MentorName: "张", MentorUnitID: regional, MenteeName: "李", MenteeUnitID: twoNew},
			"no unit":             {MentorName: "张", MentorUnitID: 99999, MenteeName: "李", MenteeUnitID: twoNew, Since: "2026-03-01"},
		} {
			if _, err := s.CreatePair(ctx, admin, in); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v, want EINVALID", name, err)
			}
		}
		if after := counts(t, d); after != before {
			t.Errorf("refused pairs changed rows: %v → %v", before, after)
		}
		p, err := s.CreatePair(ctx, admin, cadre.PairInput{MentorName: "张书记", MentorUnitID: regional, MenteeName: "李书记", MenteeUnitID: twoNew, Since: "2026-03-01"})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []cadre.MeetingInput{{"2026-04-02", "支部规范化建设", "对照清单逐项过"}, {"2026-06-18", "三会一课", ""}} {
			if _, err := s.LogMeeting(ctx, f.Users[auth.StreetStaff], p.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.LogMeeting(ctx, f.Users[auth.StreetStaff], p.ID, cadre.MeetingInput{HeldOn: "2026-06-18"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("a meeting without a topic: %v, want EINVALID", err)
		}
		if _, err := s.LogMeeting(ctx, f.Users[auth.CommunityStaff], p.ID, cadre.MeetingInput{HeldOn: "2026-06-18", Topic: "x"}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("community staff log a meeting: %v, want EFORBIDDEN", err)
		}
		got, err := s.Pair(ctx, f.Users[auth.CommunityStaff], p.ID)
		if err != nil || got.Meetings != 2 || got.LastMet != "2026-06-18" || len(got.Log) != 2 || got.Log[0].Topic != "三会一课" {
			t.Errorf("pair: %+v, %v", got, err)
		}
		l, err := s.Pairs(ctx, f.Users[auth.Auditor], 1, 50)
		if err != nil || l.Total != 1 {
			t.Errorf("auditor's pairs: %+v, %v", l, err)
		}
	})
}
