package alliance_test

import (
	"context"
	"testing"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestAlliance founds an alliance with its charter and criteria, admits a
// unit, a person and a service window, records commitments and what was
// done, and holds bad input and scope to 4xx that change nothing.
func TestAlliance(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		clk := testkit.Clock() // 2026-11-30 in Shanghai
		s := alliance.NewService(d, clk)
		street, committee := f.Users[auth.StreetStaff], f.Users[auth.CommunityStaff]
		count := func() int {
			var n int
			if err := d.QueryRow(ctx, `SELECT (SELECT count(*) FROM alliances) + (SELECT count(*) FROM alliance_members) +
				(SELECT count(*) FROM alliance_commitments) + (SELECT count(*) FROM alliance_progress) + (SELECT count(*) FROM audit_log)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := count()
		for name, c := range map[string]struct {
			p    *auth.Principal
			in   alliance.Input
			code string
		}{
			"no charter":   {street, alliance.Input{Area: testkit.StreetA, Name: "商圈党建联盟", Criteria: "商圈内单位"}, errs.EINVALID},
			"unknown area": {street, alliance.Input{Area: "999", Name: "商圈党建联盟", Charter: "章程", Criteria: "商圈内单位"}, errs.EINVALID},
			"other street": {street, alliance.Input{Area: testkit.StreetB, Name: "商圈党建联盟", Charter: "章程", Criteria: "商圈内单位"}, errs.EFORBIDDEN},
			"a resident":   {f.Users[auth.Resident], alliance.Input{Area: testkit.ResA1, Name: "x", Charter: "x", Criteria: "x"}, errs.EFORBIDDEN},
		} {
			if _, err := s.Create(ctx, c.p, c.in); errs.Code(err) != c.code {
				t.Errorf("%s: %v, want %s", name, err, c.code)
			}
		}
		if count() != before {
			t.Fatal("refused alliances changed something")
		}
		a, err := s.Create(ctx, street, alliance.Input{Area: testkit.StreetA, Name: "商圈党建联盟", Charter: "共商共建共享，每季度召开一次联席会议。", Criteria: "在本街道经营的单位，承诺至少一项公益服务"})
		if err != nil {
			t.Fatal(err)
		}
		unit := f.Units[testkit.UnitInA1]
		shop, err := s.AddMember(ctx, street, a.ID, alliance.MemberInput{Kind: alliance.KindUnit, UnitID: &unit, Duty: "理事单位"})
		if err != nil || shop.Name != testkit.UnitInA1 {
			t.Fatalf("unit member: %+v %v", shop, err)
		}
		if _, err := s.AddMember(ctx, street, a.ID, alliance.MemberInput{Kind: alliance.KindPerson, Name: "王建国", Duty: "联络员"}); err != nil {
			t.Fatal(err)
		}
		window, err := s.AddMember(ctx, street, a.ID, alliance.MemberInput{Kind: alliance.KindOffice, Name: "党群服务站", Place: "衡山路10号 周一至周五 9:00-17:00"})
		if err != nil {
			t.Fatal(err)
		}
		before = count()
		outUnit := f.Units[testkit.UnitInB1]
		for name, in := range map[string]alliance.MemberInput{
			"unit of another street": {Kind: alliance.KindUnit, UnitID: &outUnit},
			"office without place":   {Kind: alliance.KindOffice, Name: "窗口"},
			"bad kind":               {Kind: "club", Name: "x"},
			"bad date":               {Kind: alliance.KindPerson, Name: "李", JoinedOn: "去年"},
		} {
			if _, err := s.AddMember(ctx, street, a.ID, in); errs.Code(err) != errs.EINVALID {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := s.AddCommitment(ctx, street, a.ID, alliance.CommitmentInput{MemberID: 9999, Text: "x", DueOn: "2026-12-31"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("commitment of a stranger: %v", err)
		}
		if count() != before {
			t.Fatal("refused members changed something")
		}
		c1, err := s.AddCommitment(ctx, street, a.ID, alliance.CommitmentInput{MemberID: shop.ID, Text: "每月为独居老人提供一次免费理发", DueOn: "2026-10-31"})
		if err != nil {
			t.Fatal(err)
		}
		c2, err := s.AddCommitment(ctx, street, a.ID, alliance.CommitmentInput{MemberID: window.ID, Text: "开放会议室供居民议事", DueOn: "2026-12-31"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddCommitment(ctx, street, a.ID, alliance.CommitmentInput{MemberID: shop.ID, Text: "捐赠图书", DueOn: "2026-11-01"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RecordProgress(ctx, street, c1.ID, alliance.ProgressInput{Note: "10月已为12位老人理发", DoneOn: "2026-10-20"}); err != nil {
			t.Fatal(err)
		}
		got, err := s.RecordProgress(ctx, street, c2.ID, alliance.ProgressInput{Note: "会议室已开放三次", Done: true})
		if err != nil {
			t.Fatal(err)
		}
		// c2 done today, c1 overdue (due 10-31, not marked done), the book gift overdue.
		if got.Fulfilment != (alliance.Fulfilment{Total: 3, Done: 1, Overdue: 2, DuePct: 33}) || got.Members != 3 || len(got.Commitments) != 3 {
			t.Fatalf("fulfilment: %+v", got.Fulfilment)
		}
		if got.Commitments[0].ID != c1.ID || len(got.Commitments[0].Progress) != 1 || !got.Commitments[0].Overdue {
			t.Errorf("c1: %+v", got.Commitments[0])
		}
		before = count()
		if _, err := s.RecordProgress(ctx, street, c2.ID, alliance.ProgressInput{Note: "again"}); errs.Code(err) != errs.ECONFLICT {
			t.Errorf("progress after fulfilment: %v", err)
		}
		if _, err := s.RecordProgress(ctx, street, c1.ID, alliance.ProgressInput{Note: "x", DoneOn: clk.Now().AddDate(0, 0, 3).Format("2006-01-02")}); errs.Code(err) != errs.EINVALID {
			t.Errorf("progress in the future: %v", err)
		}
		if _, err := s.RecordProgress(ctx, committee, c1.ID, alliance.ProgressInput{Note: "x"}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("a committee below the street's alliance: %v", err) // it reads alliances of its own area only
		}
		if count() != before {
			t.Fatal("refused progress changed something")
		}
		if l, err := s.List(ctx, f.Users[auth.Auditor], alliance.Filter{}); err != nil || l.Total != 1 {
			t.Errorf("auditor's list: %+v %v", l, err)
		}
		if l, err := s.List(ctx, committee, alliance.Filter{}); err != nil || l.Total != 0 {
			t.Errorf("committee's list: %+v %v", l, err)
		}
	})
}
