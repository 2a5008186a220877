package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestCategoriesAndRoutes creates, replaces and lists categories and
// routing rules, and checks a routed demand lands with its body.
func TestCategoriesAndRoutes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		da := auth.DistrictAdmin
		cat := map[string]any{"code": "elderly", "name": "养老服务", "name_en": "Elderly care", "contact_limit": "2h", "resolve_limit": "5wd",
			"attributes": []map[string]any{{"code": "age", "name": "年龄", "datatype": "number", "required": true}}}
		res := e.as(da, "POST", "/demand-categories", cat)
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		conforms(t, "DemandCategory", res)
		testkit.Contains(t, res.String(), `"active":true`)
		cat["name"], cat["active"] = "养老助餐", false
		res = e.as(da, "POST", "/demand-categories", cat)
		if res.status != 200 {
			t.Fatalf("replace: %d %s", res.status, res.body)
		}
		res = e.as(auth.StreetStaff, "GET", "/demand-categories", nil)
		conforms(t, "DemandCategoryList", res)
		testkit.Contains(t, res.String(), `"name":"养老助餐"`, `"active":false`)
		if l := decodeJSON[listBody[map[string]any]](t, e.as(da, "GET", "/demand-categories?active=true", nil)); l.Total != 0 {
			t.Errorf("active=true lists the inactive category: %+v", l)
		}
		if l := decodeJSON[listBody[map[string]any]](t, e.as(da, "GET", "/demand-categories?active=false", nil)); l.Total != 1 {
			t.Errorf("active=false: %+v", l)
		}
		wantError(t, e.as(auth.StreetStaff, "POST", "/demand-categories", cat), 403, "EFORBIDDEN", "")
		for field, v := range map[string]any{"contact_limit": "soon", "resolve_limit": "5days", "code": "a b", "name": "", "parent": "nope"} {
			bad := map[string]any{"code": "x1", "name": "x", "contact_limit": "2h", "resolve_limit": "5wd"}
			bad[field] = v
			wantError(t, e.as(da, "POST", "/demand-categories", bad), 400, "EINVALID", field)
		}

		e.seedCategories()
		route := map[string]any{"category": "sanitation", "area": testkit.StreetA, "body_area": testkit.ResA2}
		res = e.as(auth.StreetStaff, "POST", "/demand-routes", route)
		if res.status != 201 {
			t.Fatalf("route: %d %s", res.status, res.body)
		}
		conforms(t, "DemandRoute", res)
		route["body_unit"] = e.f.Units[testkit.UnitInA2]
		if res = e.as(auth.StreetStaff, "POST", "/demand-routes", route); res.status != 200 {
			t.Fatalf("replace route: %d %s", res.status, res.body)
		}
		res = e.as(auth.StreetStaff, "GET", "/demand-routes?category=sanitation", nil)
		conforms(t, "DemandRouteList", res)
		if l := decodeJSON[listBody[struct {
			BodyArea string `json:"body_area"`
			BodyUnit *int64 `json:"body_unit"`
		}]](t, res); l.Total != 1 || l.Items[0].BodyArea != testkit.ResA2 || l.Items[0].BodyUnit == nil {
			t.Errorf("routes: %s", res.body)
		}
		if l := decodeJSON[listBody[any]](t, e.as(auth.StreetStaff, "GET", "/demand-routes?area="+testkit.ResA1, nil)); l.Total != 0 {
			t.Errorf("area filter: %+v", l)
		}
		for field, v := range map[string]any{"category": "weather", "area": "999999", "body_area": "999999", "body_unit": 999999} {
			bad := map[string]any{"category": "sanitation", "area": testkit.StreetA, "body_area": testkit.ResA2}
			bad[field] = v
			wantError(t, e.as(auth.StreetStaff, "POST", "/demand-routes", bad), 400, "EINVALID", field)
		}
		wantError(t, e.as(auth.CommunityStaff, "POST", "/demand-routes", map[string]any{"category": "sanitation", "area": testkit.StreetA, "body_area": testkit.ResA2}), 403, "EFORBIDDEN", "")
		wantError(t, e.as(auth.StreetStaff, "GET", "/demand-routes?category=weather", nil), 400, "EINVALID", "category")

		// A resident's demand in ResA1 goes to the street's rule: ResA2 owns it.
		f := e.fileDirect(testkit.ResA1, "sanitation", "垃圾没人清运")
		if f.Demand.Owner != testkit.ResA2 {
			t.Errorf("owner %s, want the routed body %s", f.Demand.Owner, testkit.ResA2)
		}
	})
}

// TestCalendar edits the working-day calendar as JSON and imports it from CSV.
func TestCalendar(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		da := auth.DistrictAdmin
		res := e.as(da, "PUT", "/calendar", map[string]any{"days": []map[string]string{
			{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, {"date": "2027-02-07", "kind": "workday", "name": "春节调休"}}})
		if res.status != 200 {
			t.Fatalf("put: %d %s", res.status, res.body)
		}
		conforms(t, "CalendarResult", res)
		testkit.Contains(t, res.String(), `"saved":2`, `"years":["2027"]`)
		res = e.as(auth.Resident, "GET", "/calendar?year=2027", nil)
		conforms(t, "CalendarList", res)
		testkit.Contains(t, res.String(), `"date":"2027-02-07","kind":"workday","name":"春节调休"`, `"total":2`)

		csv := "日期,类型,名称\n2026-10-01,节假日,国庆节\n2026/10/2,放假,国庆节\n2026年9月28日,调休上班,国庆调休\n"
		res = e.as(da, "POST", "/calendar/import", csv)
		if res.status != 200 {
			t.Fatalf("import: %d %s", res.status, res.body)
		}
		testkit.Contains(t, res.String(), `"saved":3`, `"years":["2026"]`)
		if l := decodeJSON[listBody[any]](t, e.as(da, "GET", "/calendar", nil)); l.Total != 5 {
			t.Errorf("calendar has %d days, want 5", l.Total)
		}

		// Multipart, as a browser form sends it: replaces 2026 only.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "2026.csv")
		fw.Write([]byte("date,kind,name\n2026-01-01,holiday,元旦\n"))
		mw.Close()
		req, _ := http.NewRequest("POST", e.base+"/calendar/import", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.tokens[da])
		if r := e.send(req); r.status != 200 {
			t.Fatalf("multipart import: %d %s", r.status, r.body)
		}
		if l := decodeJSON[listBody[any]](t, e.as(da, "GET", "/calendar?year=2026", nil)); l.Total != 1 {
			t.Errorf("2026 has %d days after the import, want 1", l.Total)
		}

		before := e.count("SELECT count(*) FROM calendar_days")
		ae := wantError(t, e.as(da, "POST", "/calendar/import", "date,kind\n2026-13-01,holiday\n2026-05-01,weekend\n"), 400, "EINVALID", "date")
		if len(ae.Error.Details) != 2 || ae.Error.Details[0].Row != 2 || ae.Error.Details[0].Column != "date" ||
			ae.Error.Details[1].Row != 3 || ae.Error.Details[1].Field != "kind" {
			t.Errorf("details: %+v", ae.Error.Details)
		}
		wantError(t, e.as(da, "POST", "/calendar/import", "day,name\n2026-05-01,劳动节\n"), 400, "EINVALID", "date")
		wantError(t, e.as(da, "PUT", "/calendar", map[string]any{"days": []any{}}), 400, "EINVALID", "days")
		wantError(t, e.as(da, "PUT", "/calendar", map[string]any{"days": []map[string]string{{"date": "2027-1-1", "kind": "holiday"}}}), 400, "EINVALID", "date")
		wantError(t, e.as(da, "PUT", "/calendar", map[string]any{"days": []map[string]string{{"date": "2027-01-01", "kind": "rest"}}}), 400, "EINVALID", "kind")
		wantError(t, e.as(da, "GET", "/calendar?year=27", nil), 400, "EINVALID", "year")
		wantError(t, e.as(auth.StreetStaff, "POST", "/calendar/import", csv), 403, "EFORBIDDEN", "")
		if after := e.count("SELECT count(*) FROM calendar_days"); after != before {
			t.Errorf("failed calendar changes left %d days, had %d", after, before)
		}
	})
}

// TestDemandStatsAPI checks the figures' filters, the breakdown and the
// XLSX export with its Chinese sheets.
func TestDemandStatsAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		e.fileDirect(testkit.ResA1, "noise", "楼下KTV噪音")
		e.fileDirect(testkit.ResA2, "sanitation", "垃圾没人清运")
		e.fileDirect(testkit.ResB1, "noise", "广场舞噪音")
		ss := auth.StreetStaff
		get := func(q string) statsBody {
			res := e.as(ss, "GET", "/stats/demands?"+q, nil)
			if res.status != 200 {
				t.Fatalf("stats %s: %d %s", q, res.status, res.body)
			}
			conforms(t, "DemandStats", res)
			return decodeJSON[statsBody](t, res)
		}
		if s := get("area=" + testkit.StreetA); s.Received != 2 {
			t.Errorf("street A received %d", s.Received)
		}
		if s := get("area=" + testkit.StreetA + "&category=noise"); s.Received != 1 {
			t.Errorf("street A noise received %d", s.Received)
		}
		if s := get("area=" + testkit.StreetA + "&from=2026-12-01&to=2026-12-31"); s.Received != 0 || s.From != "2026-12-01" {
			t.Errorf("December: %+v", s)
		}
		if s := get("area=" + testkit.GridA1); s.Received != 0 {
			t.Errorf("grid (no demand filed there) received %d", s.Received)
		}
		if s := get("area=" + testkit.StreetA + "&to=2026-11-30"); s.From != "2026-11-01" || s.Received != 2 {
			t.Errorf("to alone: %+v", s)
		}
		res := e.as(ss, "GET", "/stats/demands/breakdown?area="+testkit.StreetA, nil)
		conforms(t, "DemandBreakdown", res)
		b := decodeJSON[struct {
			ByCategory []struct{ Key string } `json:"by_category"`
			ByArea     []struct {
				Key      string
				Received int
			} `json:"by_area"`
			ByDay []struct{ Key string } `json:"by_day"`
		}](t, res)
		if len(b.ByCategory) != 2 || len(b.ByArea) != 2 || len(b.ByDay) != 1 || b.ByDay[0].Key != "2026-11-30" {
			t.Errorf("breakdown: %s", res.body)
		}

		for _, c := range []struct {
			query  string
			status int
			code   string
			field  string
		}{
			{"", 400, "EINVALID", "area"},
			{"area=999999", 404, "ENOTFOUND", ""},
			{"area=" + testkit.StreetA + "&from=yesterday", 400, "EINVALID", "from"},
			{"area=" + testkit.StreetA + "&to=2026-13-01", 400, "EINVALID", "to"},
			{"area=" + testkit.StreetA + "&from=2026-12-01&to=2026-11-01", 400, "EINVALID", "to"},
			{"area=" + testkit.StreetA + "&category=weather", 400, "EINVALID", "category"},
			{"area=" + testkit.StreetB, 403, "EFORBIDDEN", ""},
		} {
			for _, p := range []string{"/stats/demands", "/stats/demands/breakdown", "/stats/demands/export.xlsx"} {
				wantError(t, e.as(ss, "GET", p+"?"+c.query, nil), c.status, c.code, c.field)
			}
		}
		wantError(t, e.as(ss, "GET", "/stats/demands/breakdown?area="+testkit.GridA1, nil), 400, "EINVALID", "area")

		res = e.as(ss, "GET", "/stats/demands/export.xlsx?area="+testkit.StreetA+"&from=2026-11-01&to=2026-11-30", nil)
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/vnd.openxmlformats") {
			t.Fatalf("export: %d %v %.200s", res.status, res.header, res.body)
		}
		testkit.Contains(t, res.header.Get("Content-Disposition"), "demand-stats-"+testkit.StreetA+"-2026-11-01-2026-11-30.xlsx")
		checkStatsWorkbook(t, res.body)
	})
}

// checkStatsWorkbook opens the export and checks its sheets, headers and figures.
func checkStatsWorkbook(t *testing.T, b []byte) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("export is not a workbook: %v", err)
	}
	defer x.Close()
	if got, want := x.GetSheetList(), []string{"汇总", "分类", "区域", "每日"}; !slices.Equal(got, want) {
		t.Fatalf("sheets %v, want %v", got, want)
	}
	rows := func(sheet string) [][]string {
		r, err := x.GetRows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	sum := rows("汇总")
	if len(sum) != 2 || sum[0][0] != "区域代码" || !slices.Contains(sum[0], "受理量") || !slices.Contains(sum[0], "满意率") {
		t.Fatalf("汇总: %v", sum)
	}
	col := slices.Index(sum[0], "受理量")
	if sum[1][0] != testkit.StreetA || sum[1][1] != "湖南路街道" || sum[1][col] != "2" {
		t.Errorf("汇总 row: %v", sum[1])
	}
	if r := rows("分类"); len(r) != 3 || r[0][0] != "分类代码" {
		t.Errorf("分类: %v", r)
	}
	if r := rows("区域"); len(r) != 3 || r[1][0] != testkit.ResA1 || r[2][0] != testkit.ResA2 {
		t.Errorf("区域: %v", r)
	}
	if r := rows("每日"); len(r) != 2 || r[0][0] != "日期" || r[1][0] != "2026-11-30" {
		t.Errorf("每日: %v", r)
	}
}
