package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// lastFiled is the newest demand's area, category and address.
func (s *site) lastFiled(t *testing.T) (area, category, address string) {
	t.Helper()
	if err := s.DB.QueryRow(context.Background(), "SELECT area_code, category_code, address FROM demands ORDER BY id DESC LIMIT 1").
		Scan(&area, &category, &address); err != nil {
		t.Fatal(err)
	}
	return area, category, address
}

// TestReportWithoutJavaScript: a resident whose browser runs no script
// names the residential area by typing it; the server files one match,
// offers several to choose from and refuses none, keeping what was typed.
func TestReportWithoutJavaScript(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		r := s.browser(t)
		st, body := r.get("/report")
		wantStatus(t, "report form", st, http.StatusOK, body)
		testkit.Contains(t, body, `<input id="r-area" name="area" type="text"`, `id="r-address" name="address"`)
		if strings.Contains(body, "<optgroup") || strings.Contains(body, `<select id="r-area"`) {
			t.Error("the form still lists the areas in a <select>")
		}
		// The description comes first, the category after it.
		if i, j := strings.Index(body, `id="r-description"`), strings.Index(body, `id="r-category"`); i < 0 || j < i {
			t.Errorf("the category (at %d) does not follow the description (at %d)", j, i)
		}
		form := func(area string) url.Values {
			return url.Values{"category": {"noise"}, "area": {area}, "description": {"楼下饭店排风扇整夜响"},
				"address": {"东湖路12弄3号502室"}}
		}
		for _, c := range []struct{ typed, want string }{
			{"东湖", testkit.ResA1},
			{"湖南 东湖", testkit.ResA1},
			{"东湖居民区 第1网格", testkit.GridA1},
			{"复中", testkit.ResA2},
			{"天平居委会", testkit.ResB1},
			{"湖南路街道 / 东湖居民区", testkit.ResA1}, // a suggestion, chosen with JavaScript on
		} {
			resp := r.post("/report", form(c.typed), nil)
			wantStatus(t, c.typed, resp.StatusCode, http.StatusOK, resp.Body)
			testkit.Contains(t, resp.Body, `id="tracking-link"`)
			if area, _, addr := s.lastFiled(t); area != c.want || addr != "东湖路12弄3号502室" {
				t.Errorf("%q filed under %s with address %q, want %s", c.typed, area, addr, c.want)
			}
		}

		// A name several areas share: the form comes back offering them.
		resp := r.post("/report", form("湖南"), nil)
		wantStatus(t, "several", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "“湖南”对应 3 个地方", `id="r-area-candidates"`, `name="area_pick" value="湖南路街道 / 东湖居民区"`,
			`name="area_pick" value="湖南路街道 / 复中居民区"`, `name="area_pick" value="湖南路街道 / 东湖居民区 / 第1网格"`,
			`value="湖南"`, `value="东湖路12弄3号502室"`, "楼下饭店排风扇整夜响", `aria-invalid="true"`)
		if strings.Contains(resp.Body, "天平") {
			t.Error("the candidates include another street's area")
		}
		before := s.count(t, "SELECT count(*) FROM demands")
		f := form("湖南")
		f.Set("area_pick", "湖南路街道 / 复中居民区")
		resp = r.post("/report", f, nil)
		wantStatus(t, "chosen", resp.StatusCode, http.StatusOK, resp.Body)
		if area, _, _ := s.lastFiled(t); area != testkit.ResA2 || s.count(t, "SELECT count(*) FROM demands") != before+1 {
			t.Errorf("the chosen candidate filed under %s", area)
		}

		// No match: a clear error; nothing filed; the typed text stays.
		resp = r.post("/report", form("静安寺"), nil)
		wantStatus(t, "none", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "没有找到“静安寺”", `value="静安寺"`)
		if n := s.count(t, "SELECT count(*) FROM demands"); n != before+1 {
			t.Errorf("an unknown area filed a demand")
		}

		// Another error keeps the resolved area, named in full.
		f = form("东湖 第1网格")
		f.Del("description")
		resp = r.post("/report", f, nil)
		wantStatus(t, "no description", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `value="湖南路街道 / 东湖居民区 / 第1网格"`, "请描述情况")

		// In English the names are English where the area has one, and errors too.
		en := s.browser(t)
		resp = en.do(http.MethodPost, "/report", strings.NewReader(form("nowhere").Encode()), "application/x-www-form-urlencoded", "Accept-Language", "en")
		wantStatus(t, "none in English", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "No place is named “nowhere”")
	})
}

// TestReportTrackingAddress: the address a resident gives is kept in full
// for staff and shown on the tracking page only as the road and lane.
func TestReportTrackingAddress(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		r := s.browser(t)
		resp := r.post("/report", url.Values{"category": {"noise"}, "area": {"东湖"}, "description": {"路灯不亮"},
			"address": {"湖南路88弄3号502室"}, "phone": {"13911112222"}}, nil)
		wantStatus(t, "report", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, `id="lookup-hint"`, `href="/track?number=`)
		m := trackingLink.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("no tracking link:\n%.2000s", resp.Body)
		}
		_, body := r.get("/t/" + m[1])
		testkit.Contains(t, body, `<dd id="public-address">湖南路88弄</dd>`)
		if strings.Contains(body, "502") {
			t.Error("the tracking page shows the door number")
		}
		var id string
		if err := s.DB.QueryRow(t.Context(), "SELECT CAST(max(id) AS TEXT) FROM demands").Scan(&id); err != nil {
			t.Fatal(err)
		}
		resp = r.post("/track", url.Values{"number": {id}, "last4": {"2222"}}, nil)
		wantStatus(t, "look-up", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, `<dd id="public-address">湖南路88弄</dd>`)
		// Without a phone there is no look-up by number to point to.
		resp = r.post("/report", url.Values{"category": {"noise"}, "area": {"东湖"}, "description": {"路灯不亮"}}, nil)
		wantStatus(t, "report without phone", resp.StatusCode, http.StatusOK, resp.Body)
		if strings.Contains(resp.Body, `id="lookup-hint"`) {
			t.Error("the look-up hint shows without a phone")
		}
	})
}

// TestReportOtherCategory: "其他 / 不确定" is offered, last, while a category
// coded other exists, and files under it; without one it is not offered.
func TestReportOtherCategory(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		r := s.browser(t)
		_, body := r.get("/report")
		if strings.Contains(body, `value="other"`) {
			t.Error("other / not sure is offered without a category to file it under")
		}
		if _, err := s.Demand.SaveCategory(t.Context(), auth.SystemPrincipal(), demand.Category{Code: "other", Name: "其他", NameEN: "Other",
			ContactLimit: "4h", ResolveLimit: "10wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		_, body = r.get("/report")
		testkit.Contains(t, body, `<option value="other">其他 / 不确定</option>`, `id="r-category-hint"`)
		if strings.Count(body, `value="other"`) != 1 || strings.Index(body, `value="other"`) < strings.Index(body, `value="property"`) {
			t.Error("other / not sure is not offered once, last")
		}
		resp := r.post("/report", url.Values{"category": {"other"}, "area": {"东湖"}, "description": {"不知道该找谁：小区门口的树倒了"}}, nil)
		wantStatus(t, "other", resp.StatusCode, http.StatusOK, resp.Body)
		if _, cat, _ := s.lastFiled(t); cat != "other" {
			t.Errorf("filed under %q", cat)
		}
		_, body = r.get("/report", "Accept-Language", "en")
		testkit.Contains(t, body, `<option value="other">Other / not sure</option>`)
	})
}

// TestReportAreaSuggestions: /report/areas gives anyone the names (with
// parents, in the reader's language) of the areas a text names, best
// first, at most 20, and nothing else.
func TestReportAreaSuggestions(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		r := s.browser(t)
		ask := func(q string, headers ...string) []string {
			t.Helper()
			resp := r.do(http.MethodGet, "/report/areas?q="+url.QueryEscape(q), nil, "", headers...)
			wantStatus(t, q, resp.StatusCode, http.StatusOK, resp.Body)
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Fatalf("%q: content type %q", q, ct)
			}
			for _, code := range []string{testkit.ResA1, testkit.GridA1, testkit.StreetA} {
				if strings.Contains(resp.Body, code) {
					t.Fatalf("%q: the answer holds area code %s: %s", q, code, resp.Body)
				}
			}
			var out []string
			if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
				t.Fatalf("%q: %v in %s", q, err, resp.Body)
			}
			return out
		}
		if got := ask("湖南 东湖"); len(got) != 2 || got[0] != "湖南路街道 / 东湖居民区" || got[1] != "湖南路街道 / 东湖居民区 / 第1网格" {
			t.Errorf("湖南 东湖: %q", got)
		}
		if got := ask("居民区"); len(got) != 4 { // three residential areas and the grid, not the streets or the district
			t.Errorf("居民区: %q", got)
		}
		if got := ask(""); len(got) != 0 {
			t.Errorf("empty: %q", got)
		}
		if got := ask("静安"); len(got) != 0 {
			t.Errorf("静安: %q", got)
		}
		if _, err := s.Org.CreateArea(t.Context(), auth.SystemPrincipal(), org.NewArea{Code: testkit.StreetB + "002", Name: "建国居民区",
			NameEN: "Jianguo Residential Area", Level: "residential", Parent: testkit.StreetB}); err != nil {
			t.Fatal(err)
		}
		if got := ask("jianguo", "Accept-Language", "en"); len(got) != 1 || got[0] != "天平路街道 / Jianguo Residential Area" {
			t.Errorf("jianguo in English: %q", got)
		}
		if got := ask("建国"); len(got) != 1 || got[0] != "天平路街道 / 建国居民区" {
			t.Errorf("建国 in Chinese: %q", got)
		}
	})
}
