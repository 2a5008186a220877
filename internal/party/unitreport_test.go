package party_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

func TestQuarter(t *testing.T) {
	for _, c := range []struct {
		in   string
		ok   bool
		from string
	}{{"2026-Q1", true, "2026-01-01"}, {"2026-q4", true, "2026-10-01"}, {"2026-Q5", false, ""}, {"2026-H1", false, ""}, {"Q1", false, ""}} {
		from, to, ok := party.ParseQuarter(c.in)
		if ok != c.ok {
			t.Errorf("%s: ok %v", c.in, ok)
			continue
		}
		if ok && (from.In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly) != c.from || to.Sub(from) < 89*24*time.Hour) {
			t.Errorf("%s: [%v, %v)", c.in, from, to)
		}
	}
}

// TestUnitReportFigures builds a unit's party organisation with members
// reported to two areas or none, served this quarter, last quarter or not,
// and checks each figure of the quarterly report.
func TestUnitReportFigures(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		c := testkit.Clock()
		s := party.NewService(d, c)
		admin := f.Users[auth.DistrictAdmin]
		org := partyOrg(t, d, "复兴中路公司党支部", testkit.ResA2)
		other := partyOrg(t, d, "东湖居民区党总支", testkit.ResA1)
		from, _, _ := party.Quarter(c.Now())
		// 12 members: i%3 0 → ResA1, 1 → ResB1, 2 → not reported;
		// i%4 0 → 90 min this quarter (twice 45), 1 → last quarter only, else none.
		wantServed, wantMinutes, wantUnserved := 0, 0, 0
		byArea := map[string][3]int{}
		for i := range 12 {
			m, err := s.Create(ctx, admin, party.Input{Name: fmt.Sprintf("职工%02d", i), Phone: "13800001234", Kind: "在职", PartyOrgID: org})
			if err != nil {
				t.Fatal(err)
			}
			code := []string{testkit.ResA1, testkit.ResB1, ""}[i%3]
			if code != "" {
				if _, err := s.Report(ctx, admin, m.ID, party.ReportInput{Area: code}); err != nil {
					t.Fatal(err)
				}
			}
			g := byArea[code]
			if code != "" {
				g[0]++
			}
			err = d.InTx(ctx, func(tx *db.Tx) error {
				switch i % 4 {
				case 0:
					for k := range 2 {
						start := from.Add(time.Duration(24*(k+1)) * time.Hour)
						if err := party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: int64(100*i + k), AreaPath: "/310104/", Start: start, End: start.Add(45 * time.Minute)}); err != nil {
							return err
						}
					}
				case 1:
					return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: int64(100 * i), AreaPath: "/310104/", Start: from.Add(-3 * time.Hour), End: from.Add(-time.Hour)})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if i%4 == 0 {
				wantServed++
				wantMinutes += 90
				g[1]++
				g[2] += 90
			} else {
				wantUnserved++
			}
			byArea[code] = g
		}
		// A member of another organisation who served does not count.
		o, err := s.Create(ctx, admin, party.Input{Name: "别人", Kind: "在职", PartyOrgID: other})
		if err != nil {
			t.Fatal(err)
		}
		d.InTx(ctx, func(tx *db.Tx) error {
			return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: o.ID, Source: "activity", SourceID: 9999, AreaPath: "/310104/", Start: from.Add(time.Hour), End: from.Add(2 * time.Hour)})
		})
		rep, err := s.UnitReportOf(ctx, admin, org, "")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Members != 12 || rep.Reported != 8 || rep.Served != wantServed || rep.Minutes != wantMinutes || rep.Hours != party.Hours(wantMinutes) || len(rep.Unserved) != wantUnserved {
			t.Errorf("report: members %d reported %d served %d minutes %d unserved %d; want 12 8 %d %d %d",
				rep.Members, rep.Reported, rep.Served, rep.Minutes, len(rep.Unserved), wantServed, wantMinutes, wantUnserved)
		}
		for _, g := range rep.ByArea {
			if w := byArea[g.Code]; w != [3]int{g.Reported, g.Served, g.Minutes} || g.Hours != party.Hours(g.Minutes) {
				t.Errorf("area %q: %+v, want %v", g.Code, g, w)
			}
		}
		for _, m := range rep.Unserved {
			if m.Phone != "138****1234" {
				t.Errorf("unserved %s shows phone %q, want it masked", m.Name, m.Phone)
			}
		}
		// The previous quarter: only the i%4 == 1 members served.
		_, _, prev := party.Quarter(from.Add(-time.Hour))
		rep2, err := s.UnitReportOf(ctx, admin, org, prev)
		if err != nil || rep2.Served != 3 || rep2.Minutes != 360 {
			t.Errorf("previous quarter %s: served %d minutes %d (%v), want 3 and 360", prev, rep2.Served, rep2.Minutes, err)
		}
		if _, err := s.UnitReportOf(ctx, admin, org, "2026-Q9"); errs.Code(err) != errs.EINVALID {
			t.Errorf("quarter 2026-Q9: %v, want EINVALID", err)
		}
		// Staff of ResB1 do not see ResA2's organisation; a member reads no report.
		u, err := f.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: "b_staff", Password: testkit.Password, Role: "community_staff", Area: testkit.ResB1})
		if err != nil {
			t.Fatal(err)
		}
		staffB := &auth.Principal{UserID: u.ID, Username: u.Username, Grants: u.Grants}
		if _, err := s.UnitReportOf(ctx, staffB, org, ""); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("staff of another street: %v, want ENOTFOUND", err)
		}
		if _, err := s.UnitReportOf(ctx, f.Users[auth.Member], org, ""); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("a member: %v, want EFORBIDDEN", err)
		}
		var b bytes.Buffer
		if err := s.UnitReportXLSX(ctx, f.Users[auth.StreetStaff], org, "", &b); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("本季度未服务")
		if len(rows) != wantUnserved+1 {
			t.Errorf("xlsx: %d rows of members without service, want %d", len(rows)-1, wantUnserved)
		}
	})
}
