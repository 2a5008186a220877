package web_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// fixturePhone is the contact phone of every fixture unit; it must never
// appear whole in a list.
const fixturePhone = "13812345678"

func TestUnitListFiltersAndSearch(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		community := s.login(t, auth.CommunityStaff)
		all := []string{testkit.UnitInA1, "东湖便利店", testkit.TwoNewInA1, testkit.UnitInA2, testkit.UnitInB1, "天平社工站", "徐汇区图书馆"}
		cases := []struct {
			name  string
			b     *browser
			query string
			want  []string
		}{
			{"community sees its own area", community, "", []string{testkit.UnitInA1, "东湖便利店", testkit.TwoNewInA1}},
			{"name search", admin, "q=" + url.QueryEscape("书店"), []string{testkit.UnitInB1}},
			{"kind", admin, "kind=non_public_enterprise", []string{testkit.TwoNewInA1, testkit.UnitInA2}},
			{"group two_new", admin, "group=two_new", []string{testkit.TwoNewInA1, testkit.UnitInA2, "天平社工站"}},
			{"uncovered shops of a street", admin, "area=" + testkit.StreetA + "&group=shop&covered=false", []string{"东湖便利店"}},
			{"covered in a street", admin, "area=" + testkit.StreetB + "&covered=true", []string{"天平社工站", "徐汇区图书馆"}},
			{"area filter inside scope", community, "area=" + testkit.GridA1, []string{"东湖便利店"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				st, body := c.b.get("/units?" + c.query)
				wantStatus(t, c.name, st, http.StatusOK, body)
				for _, name := range all {
					want := false
					for _, w := range c.want {
						want = want || w == name
					}
					if got := strings.Contains(body, ">"+name+"</a>"); got != want {
						t.Errorf("%s listed = %v, want %v", name, got, want)
					}
				}
				if c.query != "" {
					// The export link carries the same filter.
					q, _ := url.ParseQuery(c.query)
					testkit.Contains(t, body, `href="/units/export.xlsx?`+strings.ReplaceAll(q.Encode(), "&", "&amp;")+`"`)
				}
			})
		}
		st, body := community.get("/units?area=" + testkit.StreetB)
		wantStatus(t, "area outside scope", st, http.StatusNotFound, body)
		st, body = admin.get("/units?kind=castle")
		wantStatus(t, "bad kind", st, http.StatusBadRequest, body)
	})
}

func TestUnitListMasksPhonesAndPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		for i := range 55 {
			name, kind, area := fmt.Sprintf("复中小店%02d", i), "shop", testkit.ResA2
			if _, err := s.Org.CreateUnit(t.Context(), auth.SystemPrincipal(), org.UnitInput{Name: &name, Kind: &kind, Area: &area}); err != nil {
				t.Fatal(err)
			}
		}
		b := s.login(t, auth.DistrictAdmin)
		_, body := b.get("/units")
		if strings.Contains(body, fixturePhone) {
			t.Fatal("the unit list shows a phone unmasked")
		}
		testkit.Contains(t, body, "138****5678", "第 1 / 2 页，共 62 条", `href="/units?page=2"`)
		_, page2 := b.get("/units?page=2")
		testkit.Contains(t, page2, "第 2 / 2 页", `href="/units?page=1"`)
		if strings.Count(page2, "<tr>") != 12+1 { // 12 rows and the header
			t.Errorf("page 2 has %d rows, want 12", strings.Count(page2, "<tr>")-1)
		}
		_, unit := b.get(fmt.Sprintf("/units/%d", s.F.Units[testkit.UnitInA1]))
		if strings.Contains(unit, fixturePhone) {
			t.Fatal("the unit page shows the phone unmasked")
		}
	})
}

func TestUnitExportXLSX(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		resp := s.login(t, auth.CommunityStaff).do(http.MethodGet, "/units/export.xlsx?kind=shop", nil, "")
		wantStatus(t, "export", resp.StatusCode, http.StatusOK, resp.Body[:min(len(resp.Body), 200)])
		if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("content type %q", ct)
		}
		testkit.Contains(t, resp.Header.Get("Content-Disposition"), "attachment", ".xlsx")
		x, err := excelize.OpenReader(bytes.NewReader([]byte(resp.Body)))
		if err != nil {
			t.Fatalf("not an XLSX file: %v", err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range rows[1:] {
			names = append(names, r[1]) // column A is the id
			for _, c := range r {
				if strings.Contains(c, fixturePhone) {
					t.Fatal("the export holds a phone unmasked")
				}
			}
		}
		if got := strings.Join(names, ","); !strings.Contains(got, testkit.UnitInA1) || !strings.Contains(got, "东湖便利店") || len(names) != 2 {
			t.Fatalf("exported %v, want the two shops of the community's area", names)
		}
	})
}

func TestUnitCreateAndEdit(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		units := func() int { return s.count(t, "SELECT count(*) FROM units") }
		before := units()

		st, body := b.get("/units/new?area=" + testkit.ResA1)
		wantStatus(t, "new form", st, http.StatusOK, body)
		testkit.Contains(t, body, `<label for="u-name">`, `name="csrf"`, `<option value="`+testkit.ResA1+`" selected>`)

		bad := []struct {
			name  string
			form  url.Values
			field string
		}{
			{"empty name", url.Values{"name": {"  "}, "kind": {"shop"}, "area": {testkit.ResA1}}, "u-name-error"},
			{"bad number", url.Values{"name": {"新店"}, "kind": {"shop"}, "area": {testkit.ResA1}, "employees": {"十二"}}, "u-employees-error"},
			{"no kind", url.Values{"name": {"新店"}, "area": {testkit.ResA1}}, "u-kind-error"},
			{"area outside scope", url.Values{"name": {"新店"}, "kind": {"shop"}, "area": {testkit.ResB1}}, "u-area-error"},
		}
		for _, c := range bad {
			resp := b.submit("/units", c.form)
			wantStatus(t, c.name, resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
			testkit.Contains(t, resp.Body, `id="`+c.field+`"`, `aria-invalid="true"`, "请按提示修改后再提交")
			if n := units(); n != before {
				t.Fatalf("%s: a unit was created (%d → %d)", c.name, before, n)
			}
		}

		resp := b.submit("/units", url.Values{"name": {"东湖新店"}, "kind": {"shop"}, "area": {testkit.ResA1},
			"has_party_org": {"1"}, "employees": {"12"}, "contact_phone": {"13700001234"}})
		wantStatus(t, "create", resp.StatusCode, http.StatusSeeOther, resp.Body)
		loc := resp.Header.Get("Location")
		st, body = b.get(loc)
		wantStatus(t, "unit page", st, http.StatusOK, body)
		testkit.Contains(t, body, "<article data-unit-page=", "东湖新店", "沿街商铺", "137****1234", "已覆盖")

		resp = b.submit(loc, url.Values{"name": {"东湖新店二号"}, "kind": {"shop"}, "area": {testkit.ResA1}})
		wantStatus(t, "update", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = b.get(loc)
		testkit.Contains(t, body, "东湖新店二号", "未覆盖")
		if n := s.count(t, "SELECT count(*) FROM audit_log WHERE entity = 'unit'"); n != 2 {
			t.Fatalf("%d unit audit rows, want create and update", n)
		}
	})
}
