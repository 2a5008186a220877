package org_test

import (
	"context"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

func TestPartyOrgAllowedAt(t *testing.T) {
	cases := []struct {
		kind org.PartyOrgKind
		lvl  org.Level
		want bool
	}{
		{org.DistrictCommittee, org.District, true},
		{org.DistrictCommittee, org.Street, false},
		{org.StreetWorkingCommittee, org.Street, true},
		{org.CommunityPartyCommittee, org.Street, true},
		{org.StreetAdminPartyGroup, org.Residential, false},
		{org.ResidentialPartyOrg, org.Residential, true},
		{org.ResidentialPartyOrg, org.Grid, false},
		{org.UnitPartyOrg, org.Grid, true},
		{org.HubPartyOrg, org.Street, true},
		{"nonsense", org.Street, false},
	}
	for _, c := range cases {
		if got := org.PartyOrgAllowedAt(c.kind, c.lvl); got != c.want {
			t.Errorf("PartyOrgAllowedAt(%s, %s) = %v, want %v", c.kind, c.lvl, got, c.want)
		}
	}
	if k, ok := org.ParsePartyOrgKind("枢纽型党组织"); !ok || k != org.HubPartyOrg {
		t.Errorf("label not parsed: %v %v", k, ok)
	}
}

func TestCheckPresidents(t *testing.T) {
	pres := org.AssocMember{Role: org.RolePresident}
	rot := func(from, to string) org.AssocMember {
		return org.AssocMember{Role: org.RoleRotatingPresident, TermStart: from, TermEnd: to}
	}
	cases := []struct {
		name    string
		mode    org.PresidentMode
		members []org.AssocMember
		ok      bool
	}{
		{"single one", org.SinglePresident, []org.AssocMember{pres, {Role: org.RoleMember}}, true},
		{"single two", org.SinglePresident, []org.AssocMember{pres, pres}, false},
		{"double two", org.DoublePresident, []org.AssocMember{pres, pres}, true},
		{"double three", org.DoublePresident, []org.AssocMember{pres, pres, pres}, false},
		{"double rotating", org.DoublePresident, []org.AssocMember{rot("2026-01-01", "2026-12-31")}, false},
		{"rotating turns", org.RotatingPresident, []org.AssocMember{rot("2027-01-01", "2027-12-31"), rot("2026-01-01", "2026-12-31")}, true},
		{"rotating overlap", org.RotatingPresident, []org.AssocMember{rot("2026-01-01", "2026-12-31"), rot("2026-06-01", "2027-05-31")}, false},
		{"rotating no term", org.RotatingPresident, []org.AssocMember{rot("", "")}, false},
		{"rotating plain president", org.RotatingPresident, []org.AssocMember{pres}, false},
		{"unknown mode", "triple", nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := org.CheckPresidents(c.mode, c.members)
			if (err == nil) != c.ok {
				t.Fatalf("CheckPresidents = %v, want ok=%v", err, c.ok)
			}
			if err != nil && errs.Code(err) != errs.EINVALID {
				t.Fatalf("code %s", errs.Code(err))
			}
		})
	}
}

func TestCheckOpeningHoursAndPhone(t *testing.T) {
	hours := []struct {
		in string
		ok bool
	}{
		{"周一至周五 09:00-17:00", true},
		{"周一至周五 09:00-17:00；周六 09:00-12:00", true},
		{"全天开放", true},
		{"", true},
		{"周一至周日 08:30-24:00", true},
		{"周一 17:00-09:00", false},
		{"周一 25:00-26:00", false},
		{"周一 09:75-10:00", false},
	}
	for _, c := range hours {
		if err := org.CheckOpeningHours(c.in); (err == nil) != c.ok {
			t.Errorf("CheckOpeningHours(%q) = %v, want ok=%v", c.in, err, c.ok)
		}
	}
	phones := []struct {
		in string
		ok bool
	}{{"13812345678", true}, {"021-6431 0000", true}, {"+86 (21) 64310000", true}, {"", true}, {"12345", false}, {"call me", false}}
	for _, c := range phones {
		if got := org.ValidPhone(c.in); got != c.ok {
			t.Errorf("ValidPhone(%q) = %v", c.in, got)
		}
	}
}

func TestPartiesCreateAndList(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTree(t, d)
		sys := auth.SystemPrincipal()
		dc, err := s.CreatePartyOrg(ctx, sys, org.NewPartyOrg{Name: "中共上海市徐汇区委员会", Kind: "district_committee", Area: district, Members: 100})
		if err != nil {
			t.Fatal(err)
		}
		cpc, err := s.CreatePartyOrg(ctx, sys, org.NewPartyOrg{Name: "中共徐汇区湖南路街道社区委员会", Kind: "社区党委", Area: streetA, ParentID: &dc.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePartyOrg(ctx, sys, org.NewPartyOrg{Name: "永嘉居民区党总支", Kind: "residential_party_org", Area: resA1, ParentID: &cpc.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreatePartyOrg(ctx, sys, org.NewPartyOrg{Name: "宛平居民区党支部", Kind: "residential_party_org", Area: resB1}); err != nil {
			t.Fatal(err)
		}
		unit, err := s.CreateUnit(ctx, sys, org.UnitInput{Name: ptr("徐汇区永嘉小学"), Kind: ptr("regional_unit"), Area: ptr(resA1), HasPartyOrg: ptr(true)})
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateUnit(ctx, sys, org.UnitInput{Name: ptr("宛平菜场"), Kind: ptr("shop"), Area: ptr(resB1)})
		if err != nil {
			t.Fatal(err)
		}
		uo, err := s.CreatePartyOrg(ctx, sys, org.NewPartyOrg{Name: "徐汇区永嘉小学党支部", Kind: "unit_party_org", Area: resA1, UnitID: &unit.ID, ParentID: &cpc.ID})
		if err != nil || uo.UnitName != "徐汇区永嘉小学" {
			t.Fatalf("unit party org: %+v %v", uo, err)
		}

		bad := []struct {
			name string
			in   org.NewPartyOrg
			code string
		}{
			{"wrong level", org.NewPartyOrg{Name: "x", Kind: "street_working_committee", Area: resA1}, errs.EINVALID},
			{"unknown kind", org.NewPartyOrg{Name: "x", Kind: "club", Area: resA1}, errs.EINVALID},
			{"no name", org.NewPartyOrg{Kind: "hub_party_org", Area: resA1}, errs.EINVALID},
			{"unknown area", org.NewPartyOrg{Name: "x", Kind: "hub_party_org", Area: "999"}, errs.EINVALID},
			{"parent below", org.NewPartyOrg{Name: "x", Kind: "community_party_committee", Area: streetB, ParentID: &cpc.ID}, errs.EINVALID},
			{"unit elsewhere", org.NewPartyOrg{Name: "x", Kind: "unit_party_org", Area: resA1, UnitID: &other.ID}, errs.EINVALID},
			{"unit party org without unit", org.NewPartyOrg{Name: "x", Kind: "unit_party_org", Area: resA1}, errs.EINVALID},
		}
		for _, c := range bad {
			if _, err := s.CreatePartyOrg(ctx, sys, c.in); errs.Code(err) != c.code {
				t.Errorf("%s: got %v, want %s", c.name, err, c.code)
			}
		}
		// A community secretary reads but does not write organisations.
		comm := staff(t, s, auth.CommunityStaff, resA1)
		if _, err := s.CreatePartyOrg(ctx, comm, org.NewPartyOrg{Name: "x", Kind: "hub_party_org", Area: resA1}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("community staff create: %v", err)
		}
		street := staff(t, s, auth.StreetStaff, streetA)
		if _, err := s.CreatePartyOrg(ctx, street, org.NewPartyOrg{Name: "x", Kind: "hub_party_org", Area: resB1}); errs.Code(err) == "" {
			t.Errorf("street staff wrote in another street")
		}

		all, total, err := s.PartyOrgs(ctx, sys, org.PartyOrgFilter{})
		if err != nil || total != 5 || len(all) != 5 {
			t.Fatalf("all party orgs: %d %d %v", total, len(all), err)
		}
		mine, total, err := s.PartyOrgs(ctx, comm, org.PartyOrgFilter{})
		if err != nil || total != 2 {
			t.Fatalf("community sees %d (%v), want 2", total, err)
		}
		for _, o := range mine {
			if o.Area != resA1 {
				t.Errorf("out of scope org %s in %s", o.Name, o.Area)
			}
		}
		if _, n, _ := s.PartyOrgs(ctx, sys, org.PartyOrgFilter{Area: streetA, Kind: "residential_party_org"}); n != 1 {
			t.Errorf("filter by area and kind: %d", n)
		}
		if _, _, err := s.PartyOrgs(ctx, comm, org.PartyOrgFilter{Area: streetB}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("other area: %v", err)
		}
		if _, _, err := s.PartyOrgs(ctx, &auth.Principal{Username: "r", Grants: []auth.Grant{{Role: auth.Resident, AreaPath: "/310104/"}}}, org.PartyOrgFilter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("resident lists party orgs: %v", err)
		}

		// Part-time members: phones masked in lists, committee kinds only.
		ptm, err := s.CreatePartTimeMember(ctx, sys, org.NewPartTimeMember{Name: "王建国", Position: "徐汇区永嘉小学校长", UnitID: &unit.ID, PartyOrgID: cpc.ID, Phone: "13812345678"})
		if err != nil || ptm.Area != streetA {
			t.Fatalf("part-time member: %+v %v", ptm, err)
		}
		if _, err := s.CreatePartTimeMember(ctx, sys, org.NewPartTimeMember{Name: "李", PartyOrgID: dc.ID}); errs.Code(err) != errs.EINVALID {
			t.Errorf("part-time member on district committee: %v", err)
		}
		if _, err := s.CreatePartTimeMember(ctx, sys, org.NewPartTimeMember{Name: "李", PartyOrgID: cpc.ID, Phone: "abc"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("bad phone: %v", err)
		}
		pts, n, err := s.PartTimeMembers(ctx, street, org.PartTimeFilter{})
		if err != nil || n != 1 || pts[0].Phone != "138****5678" || pts[0].UnitName != "徐汇区永嘉小学" {
			t.Fatalf("part-time list: %+v %d %v", pts, n, err)
		}
		if _, n, _ := s.PartTimeMembers(ctx, staff(t, s, auth.StreetStaff, streetB), org.PartTimeFilter{}); n != 0 {
			t.Errorf("other street sees %d part-time members", n)
		}

		// Association: committee at district, branch at street, sub-branch under it.
		com, err := s.CreateAssocBody(ctx, sys, org.NewAssocBody{Kind: "committee", Name: "教育专业委员会", Field: "education", Area: district})
		if err != nil {
			t.Fatal(err)
		}
		br, err := s.CreateAssocBody(ctx, sys, org.NewAssocBody{Kind: "branch", Name: "湖南路街道分会", PresidentMode: "rotating", Area: streetA})
		if err != nil {
			t.Fatal(err)
		}
		sub, err := s.CreateAssocBody(ctx, sys, org.NewAssocBody{Kind: "sub_branch", Name: "五原居民区支会", Area: resA2, ParentID: &br.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []org.NewAssocBody{
			{Kind: "committee", Name: "x", Area: streetA},
			{Kind: "sub_branch", Name: "x", Area: resB1, ParentID: &br.ID},
			{Kind: "sub_branch", Name: "x", Area: resA1},
			{Kind: "branch", Name: "x", Area: streetB, PresidentMode: "triple"},
			{Kind: "sub_branch", Name: "x", Area: resA1, ParentID: &com.ID},
		} {
			if _, err := s.CreateAssocBody(ctx, sys, c); errs.Code(err) != errs.EINVALID {
				t.Errorf("bad body %+v: %v", c, err)
			}
		}
		if _, err := s.AddAssocMember(ctx, sys, br.ID, org.NewAssocMember{UnitID: unit.ID, Role: "rotating_president", TermStart: "2026-01-01", TermEnd: "2026-12-31"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAssocMember(ctx, sys, br.ID, org.NewAssocMember{UnitID: unit.ID}); errs.Code(err) != errs.EINVALID {
			t.Errorf("member twice: %v", err)
		}
		if _, err := s.AddAssocMember(ctx, sys, br.ID, org.NewAssocMember{UnitID: other.ID}); errs.Code(err) != errs.EINVALID {
			t.Errorf("unit from another street: %v", err)
		}
		// A sub-branch brings in nearby units from the rest of its street.
		if _, err := s.AddAssocMember(ctx, sys, sub.ID, org.NewAssocMember{UnitID: unit.ID, Role: "president"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAssocMember(ctx, sys, com.ID, org.NewAssocMember{UnitID: other.ID, Role: "president"}); err != nil {
			t.Fatal(err)
		}
		ms, err := s.AssocMembers(ctx, street, br.ID)
		if err != nil || len(ms) != 1 || ms[0].Role != org.RoleRotatingPresident || ms[0].UnitName != "徐汇区永嘉小学" {
			t.Fatalf("members: %+v %v", ms, err)
		}
		if _, err := s.AssocMembers(ctx, staff(t, s, auth.StreetStaff, streetB), br.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("other street reads branch members: %v", err)
		}
		bodies, n, err := s.AssocBodies(ctx, street, org.AssocFilter{})
		if err != nil || n != 2 {
			t.Fatalf("street sees %d bodies (%v), want branch and sub-branch", n, err)
		}
		if bodies[0].MemberCount != 1 {
			t.Errorf("branch member count %d", bodies[0].MemberCount)
		}
		if _, n, _ := s.AssocBodies(ctx, sys, org.AssocFilter{Kind: "committee"}); n != 1 {
			t.Errorf("committees: %d", n)
		}

		// Service points.
		sp, err := s.CreateServicePoint(ctx, sys, org.NewServicePoint{Name: "湖南路街道党群服务站", Kind: "党群服务站", Area: streetA,
			Address: "湖南路 100 号", OpeningHours: "周一至周五 09:00-17:00", Services: []string{"政策咨询", "党员学习"}})
		if err != nil || sp.Kind != org.ServiceStation {
			t.Fatalf("service point: %+v %v", sp, err)
		}
		if _, err := s.CreateServicePoint(ctx, sys, org.NewServicePoint{Name: "x", Kind: "point", Area: resA1, OpeningHours: "周一 18:00-08:00"}); errs.Code(err) != errs.EINVALID {
			t.Errorf("bad hours: %v", err)
		}
		if _, err := s.CreateServicePoint(ctx, sys, org.NewServicePoint{Name: "x", Kind: "kiosk", Area: resA1}); errs.Code(err) != errs.EINVALID {
			t.Errorf("bad kind: %v", err)
		}
		pts2, n, err := s.ServicePoints(ctx, comm, org.ServicePointFilter{})
		if err != nil || n != 0 || len(pts2) != 0 {
			t.Errorf("community sees the street's station: %d %v", n, err)
		}
		list, n, err := s.ServicePoints(ctx, street, org.ServicePointFilter{Q: "咨询"})
		if err != nil || n != 1 || len(list[0].Services) != 2 || list[0].OpeningHours != "周一至周五 09:00-17:00" {
			t.Fatalf("service points: %+v %d %v", list, n, err)
		}

		// Every change wrote its audit row.
		var audits int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM audit_log WHERE entity IN ('party_org','part_time_member','assoc_body','assoc_member','service_point') AND action = 'create'").Scan(&audits); err != nil {
			t.Fatal(err)
		}
		if audits != 5+1+3+3+1 {
			t.Errorf("audit rows %d, want 13", audits)
		}
		var after string
		if err := d.QueryRow(ctx, "SELECT after FROM audit_log WHERE entity = 'part_time_member'").Scan(&after); err != nil {
			t.Fatal(err)
		}
		testkit.Contains(t, after, "138****5678")
	})
}
