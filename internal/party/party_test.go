package party_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
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

// partyOrg adds a party organisation in an area, as the org capability writes one.
func partyOrg(t *testing.T, d *db.DB, name, code string) int64 {
	t.Helper()
	ctx := context.Background()
	path, err := area.Path(ctx, d, code)
	if err != nil {
		t.Fatal(err)
	}
	id, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES (?, 'residential_party_org', ?, ?)", name, code, path)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestMembersMaskedAndScoped(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := party.NewService(d, testkit.Clock())
		orgA := partyOrg(t, d, "东湖居民区党总支", testkit.ResA1)
		staffA := f.Users[auth.CommunityStaff]
		unit := f.Units[testkit.UnitInA1]
		m, err := s.Create(ctx, staffA, party.Input{Name: "王建国", Phone: "13812345678", Kind: "在职", AgeBand: "36-45岁",
			PartyOrgID: orgA, HomeArea: testkit.ResB1, UnitID: &unit})
		if err != nil {
			t.Fatal(err)
		}
		if m.Phone != "13812345678" {
			t.Errorf("the organisation's own staff see %q, want the whole phone", m.Phone)
		}
		// Staff where the member lives read the member, phone masked.
		u, err := f.Auth.CreateUser(ctx, auth.SystemPrincipal(), auth.NewUser{Username: "b_staff", Password: testkit.Password, Role: "community_staff", Area: testkit.ResB1})
		if err != nil {
			t.Fatal(err)
		}
		staffB := &auth.Principal{UserID: u.ID, Username: u.Username, Grants: u.Grants}
		got, err := s.Get(ctx, staffB, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Phone != "138****5678" {
			t.Errorf("staff of the home area see %q, want it masked", got.Phone)
		}
		l, err := s.List(ctx, staffA, party.Filter{Area: testkit.ResA1, Kind: "在职", Q: "王"})
		if err != nil {
			t.Fatal(err)
		}
		if l.Total != 1 || l.Items[0].Phone != "138****5678" {
			t.Errorf("list: %+v, want one member with a masked phone", l.Items)
		}
		// A member, a resident and a unit liaison read no member list.
		for _, r := range []auth.Role{auth.Member, auth.Resident, auth.UnitLiaison} {
			if _, err := s.List(ctx, f.Users[r], party.Filter{}); errs.Code(err) != errs.EFORBIDDEN {
				t.Errorf("%s lists members: %v, want EFORBIDDEN", r, err)
			}
		}
		// Staff of ResB1 cannot add members to ResA1's organisation.
		if _, err := s.Create(ctx, staffB, party.Input{Name: "李", Kind: "退休", PartyOrgID: orgA}); err == nil {
			t.Error("staff of another area added a member to ResA1's organisation")
		}
		// Linking the member role's user gives the member a home of their own.
		if _, err := s.LinkUser(ctx, staffA, m.ID, "resident"); errs.Code(err) != errs.EINVALID {
			t.Errorf("linking a resident: %v, want EINVALID (member role only)", err)
		}
		if _, err := s.LinkUser(ctx, staffA, m.ID, "member"); err != nil {
			t.Fatal(err)
		}
		own, err := s.ByUser(ctx, f.Users[auth.Member], f.Users[auth.Member].UserID)
		if err != nil || own.ID != m.ID || own.Phone != "13812345678" {
			t.Errorf("the member's own record: %+v, %v", own, err)
		}
		// Dual reporting by the member themself, with posts.
		r, err := s.Report(ctx, f.Users[auth.Member], m.ID, party.ReportInput{Area: testkit.ResB1, Posts: []string{"楼组长助理、志愿调解", "志愿调解"}})
		if err != nil {
			t.Fatal(err)
		}
		if !r.Reported || *r.ReportArea != testkit.ResB1 || !slices.Equal(r.Posts, []string{"志愿调解", "楼组长助理"}) && !slices.Equal(r.Posts, []string{"楼组长助理", "志愿调解"}) {
			t.Errorf("report: %+v", r)
		}
		if _, err := s.Report(ctx, f.Users[auth.Member], m.ID, party.ReportInput{Area: testkit.StreetA}); errs.Code(err) != errs.EINVALID {
			t.Errorf("reporting to a street: %v, want EINVALID", err)
		}
		var audits int
		d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE entity = 'member'").Scan(&audits)
		if audits != 3 {
			t.Errorf("%d audit rows, want 3 (create, link, report)", audits)
		}
	})
}

// sheet builds an XLSX of rows.
func sheet(t *testing.T, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := x.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportAllOrNothing(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := party.NewService(d, testkit.Clock())
		partyOrg(t, d, "东湖居民区党总支", testkit.ResA1)
		partyOrg(t, d, "天平居民区党总支", testkit.ResB1)
		staff := f.Users[auth.CommunityStaff]
		const id = "310104198503121234"
		header := []any{"姓名", "手机", "类型", "党组织", "居住居民区", "工作单位", "身份证号"}
		bad := sheet(t, [][]any{header,
			{"张三", "13800001111", "在职", "东湖居民区党总支", "东湖居民区", testkit.UnitInA1, id},
			{"", "12", "退休", "天平居民区党总支", "火星居民区", "", ""},
		})
		_, err := s.Import(ctx, staff, "党员.xlsx", bytes.NewReader(bad))
		if errs.Code(err) != errs.EINVALID {
			t.Fatalf("bad file: %v, want EINVALID", err)
		}
		var cells []string
		for _, dt := range errs.DetailsOf(err) {
			cells = append(cells, fmt.Sprintf("%d:%s", dt.Row, dt.Column))
		}
		// Row 3: the name is missing, the phone too short, the organisation
		// outside the caller's scope, the area unknown.
		want := []string{"3:姓名", "3:手机", "3:党组织", "3:居住居民区"}
		if !slices.Equal(cells, want) {
			t.Errorf("problems at %v, want %v (%v)", cells, want, err)
		}
		var n int
		d.QueryRow(ctx, "SELECT count(*) FROM members").Scan(&n)
		if n != 0 {
			t.Fatalf("%d members after a refused file, want 0", n)
		}
		good := sheet(t, [][]any{header,
			{"张三", "13800001111", "在职", "东湖居民区党总支", "东湖居民区", testkit.UnitInA1, id},
			{"李四", "", "流动党员", "东湖居民区党总支", testkit.ResA2, "", ""},
		})
		res, err := s.Import(ctx, staff, "党员.xlsx", bytes.NewReader(good))
		if err != nil || res.Created != 2 {
			t.Fatalf("good file: %+v, %v", res, err)
		}
		l, err := s.List(ctx, staff, party.Filter{Kind: "在职"})
		if err != nil || l.Total != 1 || l.Items[0].AgeBand != party.AgeBand(1985, testkit.Clock().Now()) {
			t.Errorf("imported: %+v, %v; want 张三 with the age band of 1985", l.Items, err)
		}
		// The ID number is nowhere: not in members, not in the audit log.
		for _, table := range []string{"members", "audit_log"} {
			rows, err := db.Strings(ctx, d, "SELECT "+map[string]string{"members": "name || phone || kind || age_band", "audit_log": "before || after"}[table]+" FROM "+table)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if strings.Contains(r, id) || strings.Contains(r, "1234") && strings.Contains(r, "198503") {
					t.Errorf("%s keeps the ID number: %s", table, r)
				}
			}
		}
		var b bytes.Buffer
		if err := s.ExportXLSX(ctx, staff, party.Filter{}, &b); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&b)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows("Sheet1")
		if len(rows) != 3 || rows[1][2] != "138****1111" && rows[2][2] != "138****1111" {
			t.Errorf("export: %v, want 2 members with masked phones", rows)
		}
	})
}

// TestFollowUpIsZeroService builds members with and without dual reporting
// and with verified service in this half-year, the last one or none, and
// checks the follow-up list is exactly the reported members with no
// service this half-year, counted by area and unit.
func TestFollowUpIsZeroService(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		c := testkit.Clock()
		s := party.NewService(d, c)
		staff := f.Users[auth.DistrictAdmin]
		org := partyOrg(t, d, "东湖居民区党总支", testkit.ResA1)
		from, _, _ := party.HalfYear(c.Now())
		units := []int64{f.Units[testkit.UnitInA1], f.Units[testkit.UnitInA2]}
		homes := []string{testkit.ResA1, testkit.ResA2, testkit.ResB1}
		want := map[int64]bool{}
		byArea := map[string][2]int{}
		for i := range 30 {
			unit := units[i%2]
			m, err := s.Create(ctx, staff, party.Input{Name: fmt.Sprintf("党员%02d", i), Kind: "在职", PartyOrgID: org, UnitID: &unit})
			if err != nil {
				t.Fatal(err)
			}
			reported := i%3 != 0
			home := homes[i%3]
			if reported {
				if _, err := s.Report(ctx, staff, m.ID, party.ReportInput{Area: home, Posts: []string{"志愿调解"}}); err != nil {
					t.Fatal(err)
				}
			}
			served := false
			err = d.InTx(ctx, func(tx *db.Tx) error {
				switch i % 4 {
				case 0: // served this half-year
					served = true
					return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: int64(i), AreaPath: "/310104/", Start: from.Add(time.Hour), End: from.Add(2 * time.Hour)})
				case 1: // served last half-year only
					return party.RecordService(ctx, tx, party.ServiceEvent{MemberID: m.ID, Source: "activity", SourceID: int64(i), AreaPath: "/310104/", Start: from.Add(-3 * time.Hour), End: from.Add(-time.Hour)})
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if reported {
				g := byArea[home]
				g[0]++
				if !served {
					want[m.ID] = true
					g[1]++
				}
				byArea[home] = g
			}
		}
		fu, err := s.FollowUpList(ctx, staff, party.FollowUpFilter{PerPage: 500})
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64]bool{}
		for _, r := range fu.Items {
			got[r.ID] = true
		}
		if fu.Total != len(want) || len(got) != len(want) {
			t.Fatalf("follow-up: %d members (total %d), want %d", len(got), fu.Total, len(want))
		}
		for id := range want {
			if !got[id] {
				t.Errorf("member %d reported and did not serve, missing from the list", id)
			}
		}
		for _, g := range fu.ByArea {
			if w := byArea[g.Key]; w != [2]int{g.Registered, g.Unserved} {
				t.Errorf("area %s: registered %d unserved %d, want %v", g.Key, g.Registered, g.Unserved, w)
			}
		}
		if len(fu.ByUnit) != 2 {
			t.Errorf("by unit: %+v, want the two units", fu.ByUnit)
		}
		// Last half-year: those who served then drop off the list.
		prev, _, _ := party.HalfYear(from.Add(-time.Hour))
		_, _, name := party.HalfYear(prev)
		fu2, err := s.FollowUpList(ctx, staff, party.FollowUpFilter{Half: name, PerPage: 500})
		if err != nil {
			t.Fatal(err)
		}
		if fu2.Total == fu.Total {
			t.Errorf("the previous half-year's list has %d members, as many as this one's", fu2.Total)
		}
		if _, err := s.FollowUpList(ctx, staff, party.FollowUpFilter{Half: "2026-H3"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("half 2026-H3: %v, want EINVALID", err)
		}
	})
}
