package party_test

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

func TestCheckServiceLog(t *testing.T) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	posts := []string{"楼组长助理"}
	ok := party.ServiceLogInput{Post: "楼组长助理", Start: now.Add(-3 * time.Hour), End: now.Add(-time.Hour), Note: "走访楼组"}
	for _, c := range []struct {
		name  string
		edit  func(*party.ServiceLogInput)
		field string
	}{
		{"ok", func(*party.ServiceLogInput) {}, ""},
		{"not my post", func(in *party.ServiceLogInput) { in.Post = "志愿调解" }, "post"},
		{"end before start", func(in *party.ServiceLogInput) { in.End = in.Start }, "end"},
		{"too long", func(in *party.ServiceLogInput) { in.Start = in.End.Add(-13 * time.Hour) }, "end"},
		{"future", func(in *party.ServiceLogInput) { in.End = now.Add(time.Hour) }, "end"},
		{"too old", func(in *party.ServiceLogInput) {
			in.Start, in.End = now.AddDate(0, 0, -61), now.AddDate(0, 0, -61).Add(time.Hour)
		}, "start"},
		{"no note", func(in *party.ServiceLogInput) { in.Note = "" }, "note"},
	} {
		in := ok
		c.edit(&in)
		err := party.CheckServiceLog(in, posts, now)
		if c.field == "" && err != nil || c.field != "" && (errs.Code(err) != errs.EINVALID || !hasField(err, c.field)) {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

// TestServiceLogApproval: a dual-reported member logs service at their
// post; the area's staff approve it once (it becomes verified service,
// leaves the follow-up list) or reject it; the member does not approve
// their own.
func TestServiceLogApproval(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		c := testkit.Clock()
		s := party.NewService(d, c)
		staff, me := f.Users[auth.CommunityStaff], f.Users[auth.Member]
		org := unitOrg(t, d, "湖南路小店党支部", testkit.ResA1, 0)
		m, err := s.Create(ctx, staff, party.Input{Name: "李党员", Kind: "在职", PartyOrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.LinkUser(ctx, staff, m.ID, "member"); err != nil {
			t.Fatal(err)
		}
		in := party.ServiceLogInput{Post: "楼组长助理", Start: c.Now().Add(-3 * time.Hour), End: c.Now().Add(-time.Hour), Note: "协助楼组长走访独居老人"}
		if _, err := s.LogService(ctx, me, in); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("not reported yet: %v", err)
		}
		if _, err := s.LogService(ctx, staff, in); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("staff logging for nobody: %v", err)
		}
		if _, err := s.Report(ctx, me, m.ID, party.ReportInput{Area: testkit.ResA1, Posts: []string{"楼组长助理"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.RegisterOrg(ctx, staff, party.OrgReportInput{PartyOrgID: org, Area: testkit.ResA1, ContactName: "王"}); err != nil {
			t.Fatal(err)
		}
		follow := func() (members, orgs int) {
			fu, err := s.FollowUpList(ctx, staff, party.FollowUpFilter{Area: testkit.ResA1})
			if err != nil {
				t.Fatal(err)
			}
			ol, _, err := s.OrgReports(ctx, staff, party.OrgReportFilter{Area: testkit.ResA1, Unserved: true})
			if err != nil {
				t.Fatal(err)
			}
			return fu.Total, ol.Total
		}
		if a, b := follow(); a != 1 || b != 1 {
			t.Fatalf("before: follow-up %d members, %d orgs", a, b)
		}
		l, err := s.LogService(ctx, me, in)
		if err != nil || l.Status != party.LogPending || l.Minutes != 120 {
			t.Fatalf("log: %+v %v", l, err)
		}
		rejected, err := s.LogService(ctx, me, party.ServiceLogInput{Post: "楼组长助理", Start: in.Start.Add(-24 * time.Hour), End: in.End.Add(-24 * time.Hour), Note: "重复"})
		if err != nil {
			t.Fatal(err)
		}
		// The member does not approve their own log; without a reason no rejection.
		if _, err := s.DecideServiceLog(ctx, me, l.ID, party.LogDecision{Approve: true}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("self-approval: %v", err)
		}
		if _, err := s.DecideServiceLog(ctx, staff, rejected.ID, party.LogDecision{}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("rejection without reason: %v", err)
		}
		if _, err := s.DecideServiceLog(ctx, f.Users[auth.Auditor], l.ID, party.LogDecision{Approve: true}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("auditor: %v", err)
		}
		if n := count(t, d, "SELECT count(*) FROM member_service"); n != 0 {
			t.Fatalf("refused decisions wrote %d service rows", n)
		}
		got, err := s.DecideServiceLog(ctx, staff, l.ID, party.LogDecision{Approve: true})
		if err != nil || got.Status != party.LogApproved {
			t.Fatalf("approve: %+v %v", got, err)
		}
		if _, err := s.DecideServiceLog(ctx, f.Users[auth.StreetStaff], l.ID, party.LogDecision{Approve: true}); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("second approval: %v", err)
		}
		if r, err := s.DecideServiceLog(ctx, staff, rejected.ID, party.LogDecision{Reason: "与昨日记录重复"}); err != nil || r.Status != party.LogRejected {
			t.Fatalf("reject: %+v %v", r, err)
		}
		if n := count(t, d, "SELECT count(*) FROM member_service WHERE source = 'service_log'"); n != 1 {
			t.Fatalf("%d service rows, want 1", n)
		}
		sv, err := s.ServiceOf(ctx, me, m.ID)
		if err != nil || sv.Minutes != 120 || len(sv.Lines) != 1 || sv.Lines[0].Source != party.SourceServiceLog {
			t.Fatalf("service: %+v %v", sv, err)
		}
		if a, b := follow(); a != 0 || b != 0 {
			t.Fatalf("after: follow-up %d members, %d orgs", a, b)
		}
		mine, err := s.MyServiceLogs(ctx, me)
		if err != nil || len(mine) != 2 {
			t.Fatalf("my logs: %d %v", len(mine), err)
		}
		pending, err := s.ServiceLogs(ctx, staff, party.ServiceLogFilter{Status: party.LogPending})
		if err != nil || pending.Total != 0 {
			t.Fatalf("pending: %d %v", pending.Total, err)
		}
	})
}

func hasField(err error, field string) bool {
	for _, d := range errs.DetailsOf(err) {
		if d.Field == field {
			return true
		}
	}
	return false
}
