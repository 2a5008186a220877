package alliance_test

import (
	"context"
	"strings"
	"testing"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// snapshot is the state of members and commitments, to compare before
// and after a refused change.
func snapshot(t *testing.T, d *db.DB) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	var n int
	if err := d.QueryRow(ctx, `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM alliance_progress)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	b.WriteString(strings.Repeat("#", n))
	rows, err := db.All(ctx, d, `SELECT id || ':' || COALESCE(left_on, '-') || ':' || left_reason FROM alliance_members ORDER BY id`, nil,
		func(r db.Scanner) (string, error) {
			var s string
			return s, r.Scan(&s)
		})
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString(strings.Join(rows, ","))
	rows, err = db.All(ctx, d, `SELECT id || ':' || text || ':' || target || ':' || due_on || ':' || COALESCE(done_on, '-') || ':' || COALESCE(not_kept_on, '-') || ':' || close_note
		FROM alliance_commitments ORDER BY id`, nil, func(r db.Scanner) (string, error) {
		var s string
		return s, r.Scan(&s)
	})
	if err != nil {
		t.Fatal(err)
	}
	b.WriteString("|" + strings.Join(rows, ","))
	return b.String()
}

// auditRows returns the audit rows of an action, before and after.
func auditRows(t *testing.T, d *db.DB, action string) [][2]string {
	t.Helper()
	rows, err := db.All(context.Background(), d, `SELECT before, after FROM audit_log WHERE entity = 'alliance' AND action = ? ORDER BY id`, []any{action},
		func(r db.Scanner) ([2]string, error) {
			var x [2]string
			return x, r.Scan(&x[0], &x[1])
		})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMembersLeave: staff who may write the alliance end a membership with
// a date and a reason; the member stays as former with its commitments;
// others may not, and ending twice is a conflict that changes nothing.
func TestMembersLeave(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		clk := testkit.Clock() // 2026-11-30 in Shanghai
		s := alliance.NewService(d, clk)
		sys := auth.SystemPrincipal()
		found := func(area, name string) (alliance.Alliance, alliance.Member, alliance.Commitment) {
			a, err := s.Create(ctx, sys, alliance.Input{Area: area, Name: name, Charter: "共商共建", Criteria: "本区域单位"})
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.AddMember(ctx, sys, a.ID, alliance.MemberInput{Kind: alliance.KindPerson, Name: "王建国", JoinedOn: "2026-01-05"})
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.AddCommitment(ctx, sys, a.ID, alliance.CommitmentInput{MemberID: m.ID, Text: "每月义诊一次", DueOn: "2026-12-31"})
			if err != nil {
				t.Fatal(err)
			}
			return a, m, c
		}
		_, mOut, _ := found(testkit.ResB1, "天平联盟")
		for _, c := range []struct {
			name string
			p    *auth.Principal
			out  bool
			code string
		}{
			{"staff of the area", f.Users[auth.CommunityStaff], false, ""},
			{"staff of the street above", f.Users[auth.StreetStaff], false, ""},
			{"staff of another area", f.Users[auth.CommunityStaff], true, errs.ENOTFOUND},
			{"street staff of another street", f.Users[auth.StreetStaff], true, errs.ENOTFOUND},
			{"a resident", f.Users[auth.Resident], false, errs.ENOTFOUND},
			{"the auditor", f.Users[auth.Auditor], false, errs.EFORBIDDEN},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, m, _ := found(testkit.ResA1, "东湖联盟"+c.name)
				if c.out {
					m = mOut
				}
				before := snapshot(t, d)
				got, err := s.Leave(ctx, c.p, m.ID, alliance.LeaveInput{LeftOn: "2026-11-20", Reason: "迁出本街道"})
				if errs.Code(err) != c.code {
					t.Fatalf("%v, want %q", err, c.code)
				}
				if c.code != "" {
					if snapshot(t, d) != before {
						t.Fatal("a refused leave changed something")
					}
					return
				}
				if got.LeftOn != "2026-11-20" || got.LeftReason != "迁出本街道" {
					t.Errorf("left: %+v", got)
				}
			})
		}

		a, m, c := found(testkit.ResA1, "衡山联盟")
		other, err := s.AddMember(ctx, sys, a.ID, alliance.MemberInput{Kind: alliance.KindOffice, Name: "党群服务站", Place: "衡山路10号"})
		if err != nil {
			t.Fatal(err)
		}
		committee := f.Users[auth.CommunityStaff]
		if _, err := s.RecordProgress(ctx, committee, c.ID, alliance.ProgressInput{Note: "11月义诊一次", DoneOn: "2026-11-10"}); err != nil {
			t.Fatal(err)
		}
		before := snapshot(t, d)
		for name, in := range map[string]alliance.LeaveInput{
			"no reason":           {LeftOn: "2026-11-20"},
			"in the future":       {LeftOn: "2026-12-05", Reason: "x"},
			"before joining":      {LeftOn: "2025-12-31", Reason: "x"},
			"not a date":          {LeftOn: "上个月", Reason: "x"},
			"reason far too long": {Reason: strings.Repeat("长", 501)},
		} {
			if _, err := s.Leave(ctx, committee, m.ID, in); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.Leave(ctx, committee, 99999, alliance.LeaveInput{Reason: "x"}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("unknown member: %v", err)
		}
		if snapshot(t, d) != before {
			t.Fatal("refused leaves changed something")
		}
		audits := len(auditRows(t, d, "member_left"))
		if _, err := s.Leave(ctx, committee, m.ID, alliance.LeaveInput{Reason: "单位搬迁"}); err != nil {
			t.Fatal(err)
		}
		rows := auditRows(t, d, "member_left")
		if len(rows) != audits+1 || !strings.Contains(rows[len(rows)-1][0], `"left_on":null`) || !strings.Contains(rows[len(rows)-1][1], `"left_on":"2026-11-30"`) ||
			!strings.Contains(rows[len(rows)-1][1], "单位搬迁") {
			t.Errorf("audit: %v", rows)
		}
		before = snapshot(t, d)
		if _, err := s.Leave(ctx, committee, m.ID, alliance.LeaveInput{Reason: "再次退出"}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("leaving twice: %v", err)
		}
		if _, err := s.AddCommitment(ctx, committee, a.ID, alliance.CommitmentInput{MemberID: m.ID, Text: "x", DueOn: "2027-01-31"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("a commitment of a former member: %v", err)
		}
		if snapshot(t, d) != before {
			t.Fatal("leaving twice changed something")
		}
		got, err := s.Get(ctx, committee, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Members != 1 || len(got.MemberList) != 1 || got.MemberList[0].ID != other.ID {
			t.Errorf("members: %d %+v", got.Members, got.MemberList)
		}
		if len(got.Former) != 1 || got.Former[0].ID != m.ID || got.Former[0].LeftOn != "2026-11-30" || got.Former[0].LeftReason != "单位搬迁" {
			t.Errorf("former: %+v", got.Former)
		}
		if len(got.Commitments) != 1 || !got.Commitments[0].MemberLeft || len(got.Commitments[0].Progress) != 1 || got.Commitments[0].Status != alliance.StatusOpen {
			t.Errorf("a former member's commitment: %+v", got.Commitments)
		}
		if l, err := s.List(ctx, committee, alliance.Filter{Area: testkit.ResA1}); err != nil {
			t.Fatal(err)
		} else {
			for _, x := range l.Items {
				if x.ID == a.ID && x.Members != 1 {
					t.Errorf("listed members: %d", x.Members)
				}
			}
		}
	})
}

// TestCommitmentsEditAndClose: staff edit an open commitment (audited
// before/after), close it as kept or not kept with a note; a closed one is
// not edited, closed again or added to, and what was done stays.
func TestCommitmentsEditAndClose(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := alliance.NewService(d, testkit.Clock())
		sys := auth.SystemPrincipal()
		str := func(s string) *string { return &s }
		found := func(area, name string) (alliance.Alliance, alliance.Commitment) {
			a, err := s.Create(ctx, sys, alliance.Input{Area: area, Name: name, Charter: "共商共建", Criteria: "本区域单位"})
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.AddMember(ctx, sys, a.ID, alliance.MemberInput{Kind: alliance.KindPerson, Name: "李医生"})
			if err != nil {
				t.Fatal(err)
			}
			c, err := s.AddCommitment(ctx, sys, a.ID, alliance.CommitmentInput{MemberID: m.ID, Text: "每月义诊一次", Target: "全年12次", DueOn: "2026-12-31"})
			if err != nil {
				t.Fatal(err)
			}
			return a, c
		}
		_, cOut := found(testkit.ResB1, "天平联盟")
		for _, c := range []struct {
			name string
			p    *auth.Principal
			out  bool
			code string
		}{
			{"staff of the area", f.Users[auth.CommunityStaff], false, ""},
			{"staff of the street above", f.Users[auth.StreetStaff], false, ""},
			{"staff of another area", f.Users[auth.CommunityStaff], true, errs.ENOTFOUND},
			{"a resident", f.Users[auth.Resident], false, errs.ENOTFOUND},
			{"the auditor", f.Users[auth.Auditor], false, errs.EFORBIDDEN},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, cm := found(testkit.ResA1, "东湖联盟"+c.name)
				if c.out {
					cm = cOut
				}
				before := snapshot(t, d)
				_, err := s.EditCommitment(ctx, c.p, cm.ID, alliance.CommitmentEdit{Target: str("全年10次")})
				if errs.Code(err) != c.code {
					t.Fatalf("edit: %v, want %q", err, c.code)
				}
				_, err = s.CloseCommitment(ctx, c.p, cm.ID, alliance.CloseInput{Outcome: alliance.StatusKept, Note: "全年义诊10次"})
				if errs.Code(err) != c.code {
					t.Fatalf("close: %v, want %q", err, c.code)
				}
				if c.code != "" && snapshot(t, d) != before {
					t.Fatal("a refused edit or close changed something")
				}
			})
		}

		committee := f.Users[auth.CommunityStaff]
		a, c := found(testkit.ResA1, "衡山联盟")
		before := snapshot(t, d)
		for name, in := range map[string]alliance.CommitmentEdit{
			"nothing":         {},
			"empty text":      {Text: str("  ")},
			"bad due date":    {DueOn: str("年底")},
			"target too long": {Target: str(strings.Repeat("长", 501))},
		} {
			if _, err := s.EditCommitment(ctx, committee, c.ID, in); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.EditCommitment(ctx, committee, 99999, alliance.CommitmentEdit{Text: str("x")}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("unknown commitment: %v", err)
		}
		if _, err := s.EditCommitment(ctx, committee, c.ID, alliance.CommitmentEdit{Text: str("每月义诊一次")}); err != nil {
			t.Errorf("an edit that changes nothing: %v", err)
		}
		if snapshot(t, d) != before {
			t.Fatal("refused or empty edits changed something")
		}
		got, err := s.EditCommitment(ctx, committee, c.ID, alliance.CommitmentEdit{Text: str("每月义诊两次"), DueOn: str("2027-01-31")})
		if err != nil {
			t.Fatal(err)
		}
		if got.Text != "每月义诊两次" || got.DueOn != "2027-01-31" || got.Target != "全年12次" || got.Status != alliance.StatusOpen {
			t.Errorf("edited: %+v", got)
		}
		rows := auditRows(t, d, "commitment_edit")
		last := rows[len(rows)-1]
		if !strings.Contains(last[0], `"text":"每月义诊一次"`) || !strings.Contains(last[0], `"due_on":"2026-12-31"`) || strings.Contains(last[0], "target") ||
			!strings.Contains(last[1], `"text":"每月义诊两次"`) || !strings.Contains(last[1], `"due_on":"2027-01-31"`) {
			t.Errorf("edit audit: %v", last)
		}
		if _, err := s.RecordProgress(ctx, committee, c.ID, alliance.ProgressInput{Note: "11月义诊两次"}); err != nil {
			t.Fatal(err)
		}
		before = snapshot(t, d)
		for name, in := range map[string]alliance.CloseInput{
			"no outcome":    {Note: "x"},
			"odd outcome":   {Outcome: "half", Note: "x"},
			"no note":       {Outcome: alliance.StatusNotKept},
			"in the future": {Outcome: alliance.StatusKept, Note: "x", ClosedOn: "2026-12-25"},
		} {
			if _, err := s.CloseCommitment(ctx, committee, c.ID, in); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if snapshot(t, d) != before {
			t.Fatal("refused closes changed something")
		}
		closed, err := s.CloseCommitment(ctx, committee, c.ID, alliance.CloseInput{Outcome: alliance.StatusNotKept, Note: "医生调离，未能坚持", ClosedOn: "2026-11-28"})
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != alliance.StatusNotKept || closed.NotKeptOn != "2026-11-28" || closed.DoneOn != "" || closed.CloseNote != "医生调离，未能坚持" ||
			len(closed.Progress) != 1 || closed.Overdue {
			t.Errorf("closed: %+v", closed)
		}
		rows = auditRows(t, d, "commitment_close")
		if last := rows[len(rows)-1]; !strings.Contains(last[0], `"status":"open"`) || !strings.Contains(last[1], `"status":"not_kept"`) {
			t.Errorf("close audit: %v", last)
		}
		before = snapshot(t, d)
		if _, err := s.EditCommitment(ctx, committee, c.ID, alliance.CommitmentEdit{Text: str("改")}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("editing a closed commitment: %v", err)
		}
		if _, err := s.CloseCommitment(ctx, committee, c.ID, alliance.CloseInput{Outcome: alliance.StatusKept, Note: "x"}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("closing twice: %v", err)
		}
		if _, err := s.RecordProgress(ctx, committee, c.ID, alliance.ProgressInput{Note: "x"}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("progress on a closed commitment: %v", err)
		}
		if snapshot(t, d) != before {
			t.Fatal("changes to a closed commitment changed something")
		}
		// Kept: done_on is the day it closed, and it counts as done.
		m2, err := s.AddMember(ctx, sys, a.ID, alliance.MemberInput{Kind: alliance.KindPerson, Name: "张老师"})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := s.AddCommitment(ctx, sys, a.ID, alliance.CommitmentInput{MemberID: m2.ID, Text: "周末作业辅导", DueOn: "2026-11-01"})
		if err != nil {
			t.Fatal(err)
		}
		if k, err := s.CloseCommitment(ctx, committee, c2.ID, alliance.CloseInput{Outcome: alliance.StatusKept, Note: "辅导20次"}); err != nil ||
			k.DoneOn != "2026-11-30" || k.Status != alliance.StatusKept {
			t.Fatalf("kept: %+v %v", k, err)
		}
		full, err := s.Get(ctx, committee, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.Fulfilment != (alliance.Fulfilment{Total: 2, Done: 1, Late: 1, NotKept: 1, DuePct: 50}) {
			t.Errorf("fulfilment: %+v", full.Fulfilment)
		}
	})
}
