package party_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

// unitOrg adds a unit's party organisation in an area.
func unitOrg(t *testing.T, d *db.DB, name, code string, unit int64) int64 {
	t.Helper()
	ctx := context.Background()
	path, err := area.Path(ctx, d, code)
	if err != nil {
		t.Fatal(err)
	}
	var u any
	if unit != 0 {
		u = unit
	}
	id, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path, unit_id) VALUES (?, 'unit_party_org', ?, ?, ?)", name, code, path, u)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestOrgReportWhoMay: who registers a unit's organisation with the
// residential area it sits in and who confirms it; nobody confirms their
// own registration, a duplicate is a conflict that changes nothing.
func TestOrgReportWhoMay(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := party.NewService(d, testkit.Clock())
		org := unitOrg(t, d, "湖南路小店党支部", testkit.ResA1, f.Units[testkit.LiaisonUnit])
		in := party.OrgReportInput{PartyOrgID: org, Area: testkit.ResA1, ContactName: "王联络", ContactPhone: "13812345678", Offers: []string{"会议室每周一次\n志愿者 5 名", "会议室每周一次"}}
		for _, c := range []struct {
			role auth.Role
			want string
		}{
			{auth.DistrictAdmin, ""}, {auth.StreetStaff, ""}, {auth.CommunityStaff, ""}, {auth.UnitLiaison, ""},
			{auth.GridWorker, errs.EINVALID}, {auth.Member, errs.EINVALID}, {auth.Resident, errs.EINVALID}, {auth.Auditor, errs.EFORBIDDEN},
		} {
			t.Run("register/"+string(c.role), func(t *testing.T) {
				o, err := s.RegisterOrg(ctx, f.Users[c.role], in)
				if errs.Code(err) != c.want {
					t.Fatalf("%s: %v, want %q", c.role, err, c.want)
				}
				if err != nil {
					if n := count(t, d, "SELECT count(*) FROM org_reports"); n != 0 {
						t.Fatalf("refused registration left %d rows", n)
					}
					return
				}
				if o.Status != party.OrgPending || o.ContactPhone != auth.MaskPhone("13812345678") || !slices.Equal(o.Offers, []string{"会议室每周一次", "志愿者 5 名"}) {
					t.Fatalf("registration %+v", o)
				}
				if _, err := d.Exec(ctx, "DELETE FROM org_reports"); err != nil {
					t.Fatal(err)
				}
			})
		}
		// Another residential area than the one it sits in; a residential
		// area's own party organisation does not register.
		if _, err := s.RegisterOrg(ctx, f.Users[auth.DistrictAdmin], party.OrgReportInput{PartyOrgID: org, Area: testkit.ResB1, ContactName: "王"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("other area: %v", err)
		}
		res := partyOrg(t, d, "东湖居民区党总支", testkit.ResA1)
		if _, err := s.RegisterOrg(ctx, f.Users[auth.DistrictAdmin], party.OrgReportInput{PartyOrgID: res, Area: testkit.ResA1, ContactName: "王"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("residential org: %v", err)
		}

		staff := f.Users[auth.CommunityStaff]
		o, err := s.RegisterOrg(ctx, staff, in)
		if err != nil {
			t.Fatal(err)
		}
		audits := count(t, d, "SELECT count(*) FROM audit_log")
		if _, err := s.RegisterOrg(ctx, f.Users[auth.UnitLiaison], in); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("duplicate: %v", err)
		}
		if n := count(t, d, "SELECT count(*) FROM org_reports"); n != 1 || count(t, d, "SELECT count(*) FROM audit_log") != audits {
			t.Fatalf("duplicate changed something: %d rows", n)
		}
		for _, c := range []struct {
			role auth.Role
			want string
		}{
			{auth.CommunityStaff, errs.EFORBIDDEN}, // registered it
			{auth.UnitLiaison, errs.EFORBIDDEN}, {auth.Member, errs.ENOTFOUND}, {auth.Resident, errs.ENOTFOUND}, {auth.GridWorker, errs.ENOTFOUND},
			{auth.Auditor, errs.EFORBIDDEN},
		} {
			if _, err := s.ConfirmOrg(ctx, f.Users[c.role], o.ID); errs.Code(err) != c.want {
				t.Fatalf("confirm as %s: %v, want %q", c.role, err, c.want)
			}
		}
		if n := count(t, d, "SELECT count(*) FROM org_reports WHERE status = 'pending'"); n != 1 {
			t.Fatal("a refused confirmation changed the registration")
		}
		got, err := s.ConfirmOrg(ctx, f.Users[auth.StreetStaff], o.ID)
		if err != nil || got.Status != party.OrgConfirmed || got.ConfirmedAt == nil {
			t.Fatalf("confirm: %+v %v", got, err)
		}
		if _, err := s.ConfirmOrg(ctx, f.Users[auth.DistrictAdmin], o.ID); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("second confirmation: %v", err)
		}
	})
}

// TestOrgFollowUp: the follow-up list of a residential area's registered
// organisations equals, on fixtures, those whose members have no verified
// service there in the half-year.
func TestOrgFollowUp(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		c := testkit.Clock()
		s := party.NewService(d, c)
		admin := f.Users[auth.DistrictAdmin]
		from, _, _ := party.HalfYear(c.Now())
		pathA1, _ := area.Path(ctx, d, testkit.ResA1)
		pathB1, _ := area.Path(ctx, d, testkit.ResB1)
		// Six organisations in ResA1; members of org i: i%3 0 → served in
		// ResA1 this half-year, 1 → served only elsewhere or last
		// half-year, 2 → never served.
		want := map[string]bool{}
		minutes := map[string]int{}
		src := int64(0)
		for i := range 6 {
			name := fmt.Sprintf("单位%d党支部", i)
			org := unitOrg(t, d, name, testkit.ResA1, 0)
			if _, err := s.RegisterOrg(ctx, admin, party.OrgReportInput{PartyOrgID: org, Area: testkit.ResA1, ContactName: "联络人"}); err != nil {
				t.Fatal(err)
			}
			for k := range 2 {
				m, err := s.Create(ctx, admin, party.Input{Name: fmt.Sprintf("党员%d-%d", i, k), Kind: "在职", PartyOrgID: org})
				if err != nil {
					t.Fatal(err)
				}
				err = d.InTx(ctx, func(tx *db.Tx) error {
					src++
					switch i % 3 {
					case 0:
						st := from.Add(time.Duration(48+k) * time.Hour)
						minutes[name] += 60
						return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: src, AreaPath: pathA1 + "01/", Start: st, End: st.Add(time.Hour)})
					case 1:
						st := from.Add(72 * time.Hour)
						if k == 1 {
							st = from.Add(-72 * time.Hour)
						}
						return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: src, AreaPath: pathB1, Start: st, End: st.Add(time.Hour)})
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
			if i%3 != 0 {
				want[name] = true
			}
		}
		all, _, err := s.OrgReports(ctx, f.Users[auth.CommunityStaff], party.OrgReportFilter{Area: testkit.ResA1})
		if err != nil || all.Total != 6 {
			t.Fatalf("registrations: %d %v", all.Total, err)
		}
		for _, o := range all.Items {
			if o.Members != 2 || o.Minutes != minutes[o.PartyOrg] || (o.Served == 0) != want[o.PartyOrg] {
				t.Errorf("%s: members %d served %d minutes %d", o.PartyOrg, o.Members, o.Served, o.Minutes)
			}
		}
		follow, _, err := s.OrgReports(ctx, f.Users[auth.CommunityStaff], party.OrgReportFilter{Area: testkit.ResA1, Unserved: true})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, o := range follow.Items {
			got[o.PartyOrg] = true
		}
		if fmt.Sprint(got) != fmt.Sprint(want) || follow.Total != len(want) {
			t.Fatalf("follow-up %v, want %v", got, want)
		}
		// Out of scope: staff of another street see none.
		other, _, err := s.OrgReports(ctx, f.Users[auth.Auditor], party.OrgReportFilter{Area: testkit.ResB1})
		if err != nil || other.Total != 0 {
			t.Fatalf("ResB1: %d %v", other.Total, err)
		}
		var buf bytes.Buffer
		if err := s.OrgReportsXLSX(ctx, f.Users[auth.CommunityStaff], party.OrgReportFilter{Unserved: true}, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("组织双报到")
		if err != nil || len(rows) != 1+len(want) {
			t.Fatalf("xlsx rows %d %v", len(rows), err)
		}
	})
}
