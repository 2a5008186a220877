package api_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestUnitFilters checks each filter, their combination, the subtree
// meaning of area, and that totals count all pages.
func TestUnitFilters(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cases := []struct {
			query string
			total int
			names []string // when set, exactly these units (any order)
		}{
			{"", 7, nil},
			{"kind=shop", 3, []string{testkit.UnitInA1, "东湖便利店", testkit.UnitInB1}},
			{"kind=" + url.QueryEscape("非公企业"), 2, []string{testkit.TwoNewInA1, testkit.UnitInA2}},
			{"group=two_new", 3, []string{testkit.TwoNewInA1, testkit.UnitInA2, "天平社工站"}},
			{"group=regional_unit", 1, []string{"徐汇区图书馆"}},
			{"q=" + url.QueryEscape("湖南"), 1, []string{testkit.UnitInA1}},
			{"q=" + url.QueryEscape("天平"), 2, []string{testkit.UnitInB1, "天平社工站"}},
			{"q=" + url.QueryEscape("%"), 0, []string{}},
			{"covered=true", 4, []string{testkit.UnitInA1, testkit.TwoNewInA1, "天平社工站", "徐汇区图书馆"}},
			{"covered=false", 3, []string{"东湖便利店", testkit.UnitInA2, testkit.UnitInB1}},
			{"area=" + testkit.ResA1, 3, []string{testkit.UnitInA1, "东湖便利店", testkit.TwoNewInA1}},
			{"area=" + testkit.GridA1, 1, []string{"东湖便利店"}},
			{"area=" + testkit.StreetA, 4, nil},
			{"area=" + testkit.StreetB, 3, []string{testkit.UnitInB1, "天平社工站", "徐汇区图书馆"}},
			{"area=" + testkit.District, 7, nil},
			{"area=" + testkit.StreetA + "&kind=shop&covered=false", 1, []string{"东湖便利店"}},
			{"area=" + testkit.StreetB + "&group=two_new&covered=true", 1, []string{"天平社工站"}},
		}
		for _, c := range cases {
			res := e.as(auth.DistrictAdmin, "GET", "/units?"+c.query, nil)
			if res.status != 200 {
				t.Errorf("?%s: %d %s", c.query, res.status, res.body)
				continue
			}
			l := decodeJSON[listBody[unitJSON]](t, res)
			var names []string
			for _, u := range l.Items {
				names = append(names, u.Name)
			}
			if l.Total != c.total || len(l.Items) != c.total || (c.names != nil && !slices.Equal(sortedCopy(names), sortedCopy(c.names))) {
				t.Errorf("?%s: %v (total %d), want %d %v", c.query, names, l.Total, c.total, c.names)
			}
		}

		// Pages: every unit exactly once, totals on every page.
		var all []int64
		for page := 1; page <= 4; page++ {
			res := e.as(auth.DistrictAdmin, "GET", "/units?per_page=2&page="+strconv.Itoa(page), nil)
			l := decodeJSON[listBody[unitJSON]](t, res)
			if l.Total != 7 || l.Page != page || l.PerPage != 2 {
				t.Errorf("page %d: total %d page %d per_page %d", page, l.Total, l.Page, l.PerPage)
			}
			if want := min(2, 7-2*(page-1)); len(l.Items) != want {
				t.Errorf("page %d has %d items, want %d", page, len(l.Items), want)
			}
			for _, u := range l.Items {
				all = append(all, u.ID)
			}
		}
		slices.Sort(all)
		if len(slices.Compact(all)) != 7 {
			t.Errorf("pages gave ids %v, want 7 distinct", all)
		}
		res := e.as(auth.DistrictAdmin, "GET", "/units?per_page=2&page=9", nil)
		if l := decodeJSON[listBody[unitJSON]](t, res); l.Total != 7 || len(l.Items) != 0 || !strings.Contains(res.String(), `"items":[]`) {
			t.Errorf("page past the end: %s", res.body)
		}
		if l := decodeJSON[listBody[unitJSON]](t, e.as(auth.DistrictAdmin, "GET", "/units", nil)); l.PerPage != 50 || l.Page != 1 {
			t.Errorf("default paging %d/%d, want 1/50", l.Page, l.PerPage)
		}
		if l := decodeJSON[listBody[unitJSON]](t, e.as(auth.DistrictAdmin, "GET", "/units?per_page=500", nil)); l.PerPage != 500 {
			t.Errorf("per_page=500 refused")
		}

		// Areas list: paged the same way, no materialized paths.
		res = e.as(auth.DistrictAdmin, "GET", "/areas?per_page=3&page=2", nil)
		areas := decodeJSON[listBody[map[string]any]](t, res)
		if areas.Total != 7 || len(areas.Items) != 3 || strings.Contains(res.String(), `"path"`) {
			t.Errorf("areas page 2: %s", res.body)
		}
		for _, a := range areas.Items {
			for _, k := range []string{"code", "name", "level", "parent_code"} {
				if _, ok := a[k]; !ok {
					t.Errorf("area lacks %q: %v", k, a)
				}
			}
		}
		res = e.as(auth.Resident, "GET", "/areas?level=grid", nil)
		if l := decodeJSON[listBody[map[string]any]](t, res); l.Total != 1 || l.Items[0]["code"] != testkit.GridA1 {
			t.Errorf("resident's grids: %s", res.body)
		}
		res = e.as(auth.DistrictAdmin, "GET", "/areas/"+testkit.District, nil)
		if a := decodeJSON[map[string]any](t, res); a["parent_code"] != nil || a["level"] != "district" {
			t.Errorf("district: %s", res.body)
		}
	})
}

// TestPersonalDataMasked checks contact phones are masked in lists and
// exports and for mere readers, and shown whole only to those who may edit.
func TestPersonalDataMasked(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const phone, masked = "13812345678", "138****5678"
		for _, r := range []auth.Role{auth.DistrictAdmin, auth.CommunityStaff, auth.UnitLiaison, auth.Auditor} {
			res := e.as(r, "GET", "/units", nil)
			if strings.Contains(res.String(), phone) {
				t.Errorf("%s: list shows a whole phone: %s", r, res.body)
			}
			for _, u := range decodeJSON[listBody[unitJSON]](t, res).Items {
				if u.ContactPhone != masked {
					t.Errorf("%s: list phone %q, want %q", r, u.ContactPhone, masked)
				}
			}
			if res := e.as(r, "GET", "/units/export?format=csv", nil); strings.Contains(res.String(), phone) || !strings.Contains(res.String(), masked) {
				t.Errorf("%s: export phones not masked: %s", r, res.body)
			}
		}
		path := "/units/" + strconv.FormatInt(e.f.Units[testkit.UnitInA1], 10)
		for r, want := range map[auth.Role]string{auth.CommunityStaff: phone, auth.DistrictAdmin: phone, auth.UnitLiaison: masked, auth.Auditor: masked} {
			if u := decodeJSON[unitJSON](t, e.as(r, "GET", path, nil)); u.ContactPhone != want {
				t.Errorf("%s reads phone %q, want %q", r, u.ContactPhone, want)
			}
		}
		res := e.as(auth.DistrictAdmin, "GET", "/users", nil)
		if strings.Contains(res.String(), "13900001111") || !strings.Contains(res.String(), "139****1111") {
			t.Errorf("users list phones not masked: %s", res.body)
		}
		if strings.Contains(res.String(), "password") || strings.Contains(res.String(), "argon2") {
			t.Errorf("users list shows password data: %s", res.body)
		}
	})
}

// TestUnitWrites creates and patches a unit and checks the answer, the
// Location header and the audit row.
func TestUnitWrites(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cs := auth.CommunityStaff
		res := e.as(cs, "POST", "/units", map[string]any{"name": "东湖茶馆", "kind": "沿街商铺", "area": testkit.GridA1,
			"platform_covered": true, "contact_phone": "021-64330000", "employees": 3})
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		u := decodeJSON[unitJSON](t, res)
		if loc := res.header.Get("Location"); loc != "/api/v1/units/"+strconv.FormatInt(u.ID, 10) {
			t.Errorf("Location %q", loc)
		}
		if u.Kind != "shop" || u.Area != testkit.GridA1 || !u.Covered || u.ContactPhone != "021-64330000" {
			t.Errorf("created %+v", u)
		}
		got := decodeJSON[unitJSON](t, e.as(cs, "GET", res.header.Get("Location")[len("/api/v1"):], nil))
		if got != u {
			t.Errorf("read back %+v, want %+v", got, u)
		}
		res = e.as(cs, "PATCH", "/units/"+strconv.FormatInt(u.ID, 10), map[string]any{"has_party_org": true, "address": "东湖路1号"})
		p := decodeJSON[unitJSON](t, res)
		if res.status != 200 || !p.HasPartyOrg || !p.PlatformCovered || p.Address != "东湖路1号" || p.Name != "东湖茶馆" {
			t.Errorf("patch: %d %s", res.status, res.body)
		}
		// Moving a unit out of the caller's scope is refused and changes nothing.
		wantError(t, e.as(cs, "PATCH", "/units/"+strconv.FormatInt(u.ID, 10), map[string]any{"area": testkit.ResB1}), 403, "EFORBIDDEN", "")
		if got := decodeJSON[unitJSON](t, e.as(cs, "GET", "/units/"+strconv.FormatInt(u.ID, 10), nil)); got.Area != testkit.GridA1 {
			t.Errorf("refused move moved the unit to %s", got.Area)
		}
		// A street may move a unit within the street.
		res = e.as(auth.StreetStaff, "PATCH", "/units/"+strconv.FormatInt(u.ID, 10), map[string]any{"area": testkit.ResA2})
		if res.status != 200 || decodeJSON[unitJSON](t, res).Area != testkit.ResA2 {
			t.Errorf("street move: %d %s", res.status, res.body)
		}
		res = e.as(auth.Auditor, "GET", "/audit?entity=unit&entity_id="+strconv.FormatInt(u.ID, 10), nil)
		audit := decodeJSON[listBody[struct {
			Actor  string         `json:"actor"`
			Action string         `json:"action"`
			After  map[string]any `json:"after"`
		}]](t, res)
		if audit.Total != 3 || audit.Items[0].Actor != "street_staff" || audit.Items[2].Action != "create" || audit.Items[0].After["area"] != testkit.ResA2 {
			t.Errorf("audit: %s", res.body)
		}
		// The unit's create and update, the community worker's token creation and sign-in.
		res = e.as(auth.Auditor, "GET", "/audit?actor=community_staff&from=2026-11-30&to=2026-11-30", nil)
		if l := decodeJSON[listBody[map[string]any]](t, res); l.Total != 4 {
			t.Errorf("audit by actor and day: %s", res.body)
		}
		res = e.as(auth.Auditor, "GET", "/audit?actor=community_staff&from=2026-12-01", nil)
		if l := decodeJSON[listBody[map[string]any]](t, res); l.Total != 0 {
			t.Errorf("audit from a later day: %s", res.body)
		}
	})
}

// TestUnitFiles exports as CSV and XLSX and imports raw and multipart
// files, all or nothing, with bad cells named by row and column.
func TestUnitFiles(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cs := auth.CommunityStaff

		res := e.as(cs, "GET", "/units/export?format=csv&kind=shop", nil)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(res.header.Get("Content-Disposition"), "units-20261130.csv") {
			t.Fatalf("csv export: %d %v %s", res.status, res.header, res.body)
		}
		if lines := strings.Split(strings.TrimSpace(res.String()), "\n"); len(lines) != 3 ||
			!strings.Contains(res.String(), testkit.UnitInA1) || strings.Contains(res.String(), testkit.UnitInB1) {
			t.Errorf("csv export of ResA1 shops: %s", res.body)
		}
		res = e.as(auth.DistrictAdmin, "GET", "/units/export?area="+testkit.StreetB, nil)
		if res.status != 200 || res.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("xlsx export: %d %v", res.status, res.header)
		}
		x, err := excelize.OpenReader(bytes.NewReader(res.body))
		if err != nil {
			t.Fatalf("xlsx export does not open: %v", err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		x.Close()
		if err != nil || len(rows) != 4 {
			t.Errorf("xlsx export of StreetB: %d rows (%v), want header + 3", len(rows), err)
		}

		before := e.count("SELECT count(*) FROM units")
		csv := "名称,类型,所属区域,建有党组织,纳入区域化党建平台\n" +
			"东湖面馆,沿街商铺,徐汇区/湖南路街道/东湖居民区,否,是\n" +
			"东湖律所,非公企业," + testkit.GridA1 + ",是,否\n"
		res = e.as(cs, "POST", "/units/import?filename=units.csv", csv)
		if res.status != 200 || res.String() != `{"file":"units.csv","rows":2,"created":2}`+"\n" {
			t.Fatalf("raw import: %d %s", res.status, res.body)
		}
		if n := e.count("SELECT count(*) FROM units"); n != before+2 {
			t.Errorf("%d units after import, want %d", n, before+2)
		}

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", `C:\Users\staff\新单位.csv`)
		fw.Write([]byte("name,kind,area,has_party_org,platform_covered\n东湖书店,shop," + testkit.ResA1 + ",0,1\n"))
		mw.Close()
		req, _ := http.NewRequest("POST", e.base+"/units/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.tokens[cs])
		res = e.send(req)
		if res.status != 200 || !strings.Contains(res.String(), `"file":"新单位.csv"`) || !strings.Contains(res.String(), `"created":1`) {
			t.Fatalf("multipart import: %d %s", res.status, res.body)
		}

		before = e.count("SELECT count(*) FROM units")
		audits := e.count("SELECT count(*) FROM audit_log")
		bad := "name,kind,area,has_party_org,platform_covered\n好单位,shop," + testkit.ResA1 + ",否,否\n坏单位,bank," + testkit.ResA1 + ",否,否\n外面,shop," + testkit.ResB1 + ",否,否\n"
		ae := wantError(t, e.as(cs, "POST", "/units/import?filename=bad.csv", bad), 400, "EINVALID", "kind")
		var cells []string
		for _, dt := range ae.Error.Details {
			cells = append(cells, strconv.Itoa(dt.Row)+":"+dt.Column)
		}
		if !slices.Equal(cells, []string{"3:kind", "4:area"}) {
			t.Errorf("bad cells %v, want 3:kind and 4:area: %+v", cells, ae.Error.Details)
		}
		if e.count("SELECT count(*) FROM units") != before || e.count("SELECT count(*) FROM audit_log") != audits {
			t.Error("a refused import changed the database")
		}

		wantError(t, e.as(auth.Auditor, "POST", "/units/import?filename=units.csv", csv), 403, "EFORBIDDEN", "")
		var empty bytes.Buffer
		mw = multipart.NewWriter(&empty)
		mw.WriteField("other", "x")
		mw.Close()
		req, _ = http.NewRequest("POST", e.base+"/units/import", &empty)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.tokens[cs])
		wantError(t, e.send(req), 400, "EINVALID", "file")
	})
}

// TestImportTooLarge sends a file over the 64 MiB upload limit and gets 413
// in the error shape, with nothing imported.
func TestImportTooLarge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		before := e.count("SELECT count(*) FROM units")
		header := "name,kind,area,has_party_org,platform_covered\n"
		row := "大单位,shop," + testkit.ResA1 + ",否,否\n"
		body := io.MultiReader(strings.NewReader(header), &repeatReader{s: row, left: 65 << 20})
		req, _ := http.NewRequest("POST", e.base+"/units/import?filename=big.csv", body)
		req.Header.Set("Authorization", "Bearer "+e.tokens[auth.DistrictAdmin])
		wantError(t, e.send(req), 413, "ETOOLARGE", "")
		if e.count("SELECT count(*) FROM units") != before {
			t.Error("an oversized import created units")
		}
	})
}

// repeatReader yields s over and over, left bytes in all.
type repeatReader struct {
	s    string
	left int
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:min(len(p), n+r.left)], r.s[r.off:])
		n += c
		r.left -= c
		r.off = (r.off + c) % len(r.s)
	}
	return n, nil
}
