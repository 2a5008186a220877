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

func ptr[T any](v T) *T { return &v }

func TestParseKind(t *testing.T) {
	cases := []struct {
		in   string
		want org.UnitKind
		ok   bool
	}{
		{"shop", org.Shop, true}, {"沿街商铺", org.Shop, true}, {"两新组织", "", false},
		{"非公企业", org.NonPublicEnterprise, true}, {"社会组织", org.SocialOrganization, true},
		{"区域单位", org.RegionalUnit, true}, {"", "", false},
	}
	for _, c := range cases {
		if got, ok := org.ParseKind(c.in); got != c.want || ok != c.ok {
			t.Errorf("ParseKind(%q) = %q, %v", c.in, got, c.ok)
		}
	}
}

func TestRate(t *testing.T) {
	if org.Rate(0, 0) != nil {
		t.Fatal("rate of nothing must be nil")
	}
	cases := []struct {
		c, n int
		want float64
	}{{1262, 9873, 0.1278}, {8424, 10074, 0.8362}, {1, 3, 0.3333}, {2, 2, 1}}
	for _, c := range cases {
		if got := *org.Rate(c.c, c.n); got != c.want {
			t.Errorf("Rate(%d,%d) = %v, want %v", c.c, c.n, got, c.want)
		}
	}
}

func TestAreasUnitsCoverage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := testkit.NewFixture(t, d)
		s := org.NewService(d, testkit.Clock())
		street := f.Users[auth.StreetStaff]
		community := f.Users[auth.CommunityStaff]

		// Area tree: scoped lists, not-found outside scope, creation rules.
		areas, err := s.Areas(ctx, street, org.AreaFilter{})
		if err != nil || len(areas) != 4 { // street A, its two residential areas, one grid
			t.Fatalf("street sees %d areas, %v", len(areas), err)
		}
		if _, err := s.Area(ctx, community, testkit.StreetB); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("other street's area: %v", err)
		}
		if _, err := s.CreateArea(ctx, street, org.NewArea{Code: "31010400103", Name: "新网格", Level: "grid", Parent: testkit.ResA1}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("grid code not extending parent by segment accepted? %v", err)
		}
		g, err := s.CreateArea(ctx, street, org.NewArea{Code: testkit.ResA1 + "02", Name: "第2网格", Level: "grid", Parent: testkit.ResA1})
		if err != nil || g.Path != "/310104/001/001/02/" {
			t.Fatalf("create grid: %+v %v", g, err)
		}
		if _, err := s.CreateArea(ctx, street, org.NewArea{Code: testkit.StreetB + "009", Name: "x", Level: "residential", Parent: testkit.StreetB}); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("create outside scope: %v", err)
		}
		if _, err := s.CreateArea(ctx, community, org.NewArea{Code: testkit.ResA1 + "03", Name: "x", Level: "street", Parent: testkit.ResA1}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("street under residential: %v", err)
		}

		// Units: scope, filters, masking.
		units, total, err := s.Units(ctx, community, org.UnitFilter{})
		if err != nil || total != 3 {
			t.Fatalf("community sees %d units, %v", total, err)
		}
		for _, u := range units {
			if u.ContactPhone != "138****5678" {
				t.Fatalf("phone not masked in list: %q", u.ContactPhone)
			}
		}
		_, total, _ = s.Units(ctx, f.Users[auth.DistrictAdmin], org.UnitFilter{Group: "two_new"})
		if total != 3 {
			t.Fatalf("two_new total %d, want 3", total)
		}
		_, total, _ = s.Units(ctx, f.Users[auth.DistrictAdmin], org.UnitFilter{Kind: ptr(org.Shop), Covered: ptr(false)})
		if total != 2 {
			t.Fatalf("uncovered shops %d, want 2", total)
		}
		_, total, _ = s.Units(ctx, f.Users[auth.DistrictAdmin], org.UnitFilter{Q: "书店"})
		if total != 1 {
			t.Fatalf("search 书店: %d", total)
		}
		_, total, _ = s.Units(ctx, f.Users[auth.DistrictAdmin], org.UnitFilter{Q: "%"})
		if total != 0 {
			t.Fatalf("search %%: %d, LIKE wildcards must be escaped", total)
		}
		if _, err := s.Unit(ctx, community, f.Units[testkit.UnitInB1]); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("other street's unit: %v", err)
		}
		if _, _, err := s.Units(ctx, f.Users[auth.Resident], org.UnitFilter{}); errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("resident lists units: %v", err)
		}

		// Create and update, with every field error reported and nothing written on failure.
		_, err = s.CreateUnit(ctx, community, org.UnitInput{Name: ptr(""), Kind: ptr("spaceship"), Area: ptr(testkit.ResA1)})
		if d := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || len(d) != 2 {
			t.Fatalf("bad unit: %v %+v", err, d)
		}
		u, err := s.CreateUnit(ctx, community, org.UnitInput{Name: ptr("新开面馆"), Kind: ptr("沿街商铺"), Area: ptr(testkit.GridA1)})
		if err != nil || u.Kind != org.Shop || u.AreaPath != "/310104/001/001/01/" {
			t.Fatalf("create unit: %+v %v", u, err)
		}
		if _, err := s.CreateUnit(ctx, community, org.UnitInput{Name: ptr("新开面馆"), Kind: ptr("shop"), Area: ptr(testkit.GridA1)}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("duplicate name in area: %v", err)
		}
		if _, err := s.CreateUnit(ctx, community, org.UnitInput{Name: ptr("越界"), Kind: ptr("shop"), Area: ptr(testkit.ResA2)}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("create in sibling area: %v", err)
		}
		u, err = s.UpdateUnit(ctx, community, u.ID, org.UnitInput{PlatformCovered: ptr(true)})
		if err != nil || !u.Covered {
			t.Fatalf("update: %+v %v", u, err)
		}
		if _, err := s.UpdateUnit(ctx, community, u.ID, org.UnitInput{Area: ptr(testkit.ResB1)}); err == nil {
			t.Fatal("moved a unit out of scope")
		}
		entity := "unit"
		rows, _, err := auth.ListAudit(ctx, d, f.Users[auth.Auditor], auth.AuditFilter{Entity: &entity})
		if err != nil || len(rows) != 2 || rows[0].Action != "update" || rows[0].Before == "" {
			t.Fatalf("audit of unit changes: %+v %v", rows, err)
		}

		// Coverage: subtree totals and drill-down by child.
		cov, kids, err := s.CoverageOf(ctx, street, testkit.StreetA)
		if err != nil {
			t.Fatal(err)
		}
		shop := cov.Groups[0]
		if shop.Group != "shop" || shop.Total != 3 || shop.Covered != 2 || *shop.Rate != 0.6667 {
			t.Fatalf("street A shops: %+v", shop)
		}
		if ru := cov.Groups[2]; ru.Total != 0 || ru.Rate != nil {
			t.Fatalf("regional units with none: %+v", ru)
		}
		if len(kids) != 2 || kids[0].Area != testkit.ResA1 || kids[0].Groups[0].Total != 3 || kids[1].Groups[1].Total != 1 {
			t.Fatalf("drill-down: %+v", kids)
		}
		if _, _, err := s.CoverageOf(ctx, community, testkit.District); errs.Code(err) != errs.ENOTFOUND && errs.Code(err) != errs.EFORBIDDEN {
			t.Fatalf("community reads district figures: %v", err)
		}
	})
}
