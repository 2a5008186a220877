package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestDemandPageDialsAndConfirms: staff who see the caller's phone get a
// tel: link to dial it, those who see it masked get none; actions that
// cannot be undone ask first.
func TestDemandPageDialsAndConfirms(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "楼下烧烤店油烟很大")
		page := fmt.Sprintf("/demands/%d", id)
		_, staff := s.login(t, auth.CommunityStaff).get(page)
		testkit.Contains(t, staff, `href="tel:13912345678"`)
		_, auditor := s.login(t, auth.Auditor).get(page)
		if strings.Contains(auditor, "tel:") || !strings.Contains(auditor, "139****5678") {
			t.Error("the auditor gets a tel: link or the phone unmasked")
		}
		forms := regexp.MustCompile(`<form [^>]*data-action="(close|return|mark_unreasonable|merge|dispatch)"[^>]*>`).FindAllStringSubmatch(staff, -1)
		if len(forms) < 2 {
			t.Fatalf("%d action forms on the page", len(forms))
		}
		for _, f := range forms {
			confirms := strings.Contains(f[0], "data-confirm=")
			if confirms != (f[1] != "dispatch") {
				t.Errorf("%s form: data-confirm %v", f[1], confirms)
			}
		}
	})
}

// TestNoStaffMenuForResidents: residents and members get no staff menu (no
// area tree, organisation lists or API tokens); staff do.
func TestNoStaffMenuForResidents(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		for _, r := range []auth.Role{auth.Resident, auth.Member} {
			_, home := s.login(t, r).get("/")
			for _, link := range []string{`href="/tokens"`, `href="/areas"`, `href="/org/party-orgs"`} {
				if strings.Contains(home, link) {
					t.Errorf("%s sees %s", r, link)
				}
			}
		}
		_, staff := s.login(t, auth.GridWorker).get("/")
		testkit.Contains(t, staff, `href="/tokens"`, `href="/areas"`)
	})
}

// TestAreasNamedWithParents: lists and the demand page name a demand's area
// with its parents, not as one 第1网格 among hundreds.
func TestAreasNamedWithParents(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.GridA1, "网格里夜间施工")
		staff := s.login(t, auth.CommunityStaff)
		const label = "湖南路街道 / 东湖居民区 / 第1网格"
		_, list := staff.get("/demands")
		_, page := staff.get(fmt.Sprintf("/demands/%d", id))
		testkit.Contains(t, list, label)
		testkit.Contains(t, page, label)
	})
}
