package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// TestPageAccess is the page × role table: every page renders for the roles
// that may see it and is refused (403) or hidden (404) for the others.
func TestPageAccess(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		shopA1 := s.F.Units[testkit.UnitInA1]
		community, err := s.F.Auth.UserIDByName(t.Context(), "community_staff")
		if err != nil {
			t.Fatal(err)
		}
		branch, err := s.Org.CreateAssocBody(t.Context(), auth.SystemPrincipal(), org.NewAssocBody{Kind: "branch", Name: "湖南路街道分会", Area: testkit.StreetA})
		if err != nil {
			t.Fatal(err)
		}
		subA1, err := s.Org.CreateAssocBody(t.Context(), auth.SystemPrincipal(), org.NewAssocBody{Kind: "sub_branch", Name: "东湖支会", Area: testkit.ResA1, ParentID: &branch.ID})
		if err != nil {
			t.Fatal(err)
		}
		const (
			ok   = http.StatusOK
			no   = http.StatusForbidden
			hide = http.StatusNotFound
			see  = http.StatusSeeOther
		)
		// Columns: district_admin, street_staff, community_staff, grid_worker,
		// unit_liaison, member, resident, auditor (auth.Roles order).
		table := []struct {
			path string
			want [8]int
		}{
			{"/", [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
			{"/areas/" + testkit.District, [8]int{ok, hide, hide, hide, hide, hide, hide, ok}},
			{"/areas/" + testkit.ResA1, [8]int{ok, ok, ok, hide, ok, ok, ok, ok}},
			{"/areas/" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, hide, hide, ok}},
			{"/units", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/units/export.xlsx", [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{fmt.Sprintf("/units/%d", shopA1), [8]int{ok, ok, ok, hide, ok, hide, hide, ok}},
			{"/units/new", [8]int{ok, ok, ok, no, no, no, no, no}},
			{fmt.Sprintf("/units/%d/edit", shopA1), [8]int{ok, ok, ok, hide, no, hide, hide, no}},
			{"/units/999999", [8]int{hide, hide, hide, hide, hide, hide, hide, hide}},
			{"/coverage", [8]int{ok, ok, ok, ok, no, no, no, ok}},
			{"/coverage?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, no, no, no, ok}},
			{"/org", [8]int{see, see, see, see, see, see, see, see}},
			{"/org/party-orgs", [8]int{ok, ok, ok, ok, ok, ok, no, ok}},
			{"/org/party-orgs?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, hide, no, ok}},
			{"/org/party-orgs?kind=castle", [8]int{400, 400, 400, 400, 400, 400, no, 400}},
			{"/org/party-orgs/new", [8]int{ok, ok, no, no, no, no, no, no}},
			{"/org/association", [8]int{ok, ok, ok, ok, ok, ok, no, ok}},
			{"/org/association?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, hide, no, ok}},
			{fmt.Sprintf("/org/association/%d", subA1.ID), [8]int{ok, ok, ok, hide, ok, ok, hide, ok}},
			{fmt.Sprintf("/org/association/%d", branch.ID), [8]int{ok, ok, hide, hide, hide, hide, hide, ok}},
			{"/org/association/999999", [8]int{hide, hide, hide, hide, hide, hide, hide, hide}},
			{"/org/association/new", [8]int{ok, ok, no, no, no, no, no, no}},
			{"/org/part-time-members", [8]int{ok, ok, ok, ok, ok, ok, no, ok}},
			{"/org/part-time-members?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, hide, no, ok}},
			{"/org/part-time-members/new", [8]int{ok, ok, no, no, no, no, no, no}},
			{"/org/service-points", [8]int{ok, ok, ok, ok, ok, ok, no, ok}},
			{"/org/service-points?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, hide, no, ok}},
			{"/org/service-points/new", [8]int{ok, ok, no, no, no, no, no, no}},
			{"/org/pick/units?q=" + url.QueryEscape("店"), [8]int{ok, ok, ok, ok, ok, no, no, ok}},
			{"/org/pick/units?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, no, no, ok}},
			{"/org/pick/units?kind=castle", [8]int{400, 400, 400, 400, 400, no, no, 400}},
			{"/org/pick/party-orgs?kind=committee", [8]int{ok, ok, ok, ok, ok, ok, no, ok}},
			{"/org/pick/party-orgs?area=" + testkit.StreetB, [8]int{ok, hide, hide, hide, hide, hide, no, ok}},
			{"/org/pick/party-orgs?kind=castle", [8]int{400, 400, 400, 400, 400, 400, no, 400}},
			{"/import", [8]int{ok, ok, ok, no, no, no, no, no}},
			{"/admin/users", [8]int{ok, ok, no, no, no, no, no, ok}},
			{"/admin/users?role=grid_worker&area=" + testkit.StreetA, [8]int{ok, ok, no, no, no, no, no, ok}},
			{"/admin/users?role=king", [8]int{400, 400, no, no, no, no, no, 400}},
			{"/admin/users/new", [8]int{ok, no, no, no, no, no, no, no}},
			{fmt.Sprintf("/admin/users/%d", community), [8]int{ok, ok, no, no, no, no, no, ok}},
			{"/tokens", [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
			{"/account/password", [8]int{ok, ok, ok, ok, ok, ok, ok, ok}},
			{"/audit", [8]int{ok, no, no, no, no, no, no, ok}},
			{"/no/such/page", [8]int{hide, hide, hide, hide, hide, hide, hide, hide}},
		}
		browsers := map[auth.Role]*browser{}
		for _, r := range auth.Roles {
			browsers[r] = s.login(t, r)
		}
		for _, row := range table {
			for i, r := range auth.Roles {
				st, body := browsers[r].get(row.path)
				if st != row.want[i] {
					t.Errorf("%s as %s: status %d, want %d\n%.400s", row.path, r, st, row.want[i], body)
					continue
				}
				if st != ok && st != see && !strings.Contains(body, `<html lang="zh-CN">`) {
					t.Errorf("%s as %s: error page %d is not the localized page", row.path, r, st)
				}
			}
		}

		// /areas opens the tree where the user's grant sits.
		resp := browsers[auth.GridWorker].do(http.MethodGet, "/areas", nil, "")
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/areas/"+testkit.GridA1 {
			t.Errorf("/areas as grid worker: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}

		// Nobody signed in: every page but the front door goes to the login form.
		anon := s.browser(t)
		for _, row := range table[:len(table)-1] {
			want := http.StatusSeeOther
			if row.path == "/" {
				want = http.StatusOK // residents learn how to report and track
			}
			if st, _ := anon.get(row.path); st != want {
				t.Errorf("%s anonymous: status %d, want %d", row.path, st, want)
			}
		}
	})
}

// TestHomePerRole checks each role's dashboard offers that role's work and
// nothing it may not do.
func TestHomePerRole(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		_, admin := s.login(t, auth.DistrictAdmin).get("/")
		testkit.Contains(t, admin, `href="/admin/users"`, `href="/audit"`, `href="/coverage?area=310104"`, "区级管理员", "徐汇区的覆盖情况")
		_, member := s.login(t, auth.Member).get("/")
		testkit.Contains(t, member, "党员", `href="/areas/`+testkit.ResA1+`"`, "即将上线")
		for _, forbidden := range []string{`href="/units`, `href="/coverage`, `href="/admin/users"`, `href="/audit"`, `href="/import"`} {
			if strings.Contains(member, forbidden) {
				t.Errorf("member's home links to %s", forbidden)
			}
		}
		_, liaison := s.login(t, auth.UnitLiaison).get("/")
		testkit.Contains(t, liaison, `href="/units?area=`+testkit.ResA1+`"`)
		if strings.Contains(liaison, `href="/import"`) {
			t.Error("unit liaison's home offers import")
		}
	})
}

func TestAreaBrowser(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		st, body := s.login(t, auth.StreetStaff).get("/areas/" + testkit.ResA1)
		wantStatus(t, "area page", st, http.StatusOK, body)
		// Breadcrumbs: the district is above the street staff's scope, so it is named, not linked.
		testkit.Contains(t, body, "徐汇区", `<a href="/areas/`+testkit.StreetA+`">湖南路街道</a>`, "东湖居民区", "第1网格",
			`href="/units?area=`+testkit.ResA1+`"`, `href="/coverage?area=`+testkit.ResA1+`"`)
		if strings.Contains(body, `href="/areas/`+testkit.District+`"`) {
			t.Error("breadcrumb links to an area outside the user's scope")
		}
		_, body = s.login(t, auth.DistrictAdmin).get("/areas/" + testkit.District)
		testkit.Contains(t, body, "湖南路街道", "天平路街道", `<a href="/areas/`+testkit.StreetB+`">`)
	})
}

func TestErrorPagesLocalized(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.Resident)
		st, body := b.get("/nowhere")
		wantStatus(t, "404", st, http.StatusNotFound, body)
		testkit.Contains(t, body, "找不到页面")
		st, body = b.get("/units")
		wantStatus(t, "403", st, http.StatusForbidden, body)
		testkit.Contains(t, body, "没有权限")
		b.submit("/lang", map[string][]string{"lang": {"en"}})
		_, body = b.get("/units")
		testkit.Contains(t, body, "Not allowed")
	})
}
