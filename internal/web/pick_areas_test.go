package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestAreaPicker: the grant forms find an area by its name with its
// parents or by its code, within the admin's scope, and take a code typed
// without JavaScript; text that names no area is refused and nothing changes.
func TestAreaPicker(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		street := s.login(t, auth.StreetStaff)
		ask := func(b *browser, q string) []map[string]string {
			t.Helper()
			resp := b.do(http.MethodGet, "/org/pick/areas?q="+url.QueryEscape(q), nil, "")
			wantStatus(t, q, resp.StatusCode, http.StatusOK, resp.Body)
			var out []map[string]string
			if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
				t.Fatalf("%s: %v", resp.Body, err)
			}
			return out
		}
		got := ask(street, "东湖 第1网格")
		if len(got) != 1 || got[0]["id"] != testkit.GridA1 || got[0]["label"] != "湖南路街道 / 东湖居民区 / 第1网格" {
			t.Fatalf("by names with parents: %v", got)
		}
		if got := ask(street, testkit.ResA1); len(got) != 2 || got[0]["id"] != testkit.ResA1 { // the area and its grid
			t.Fatalf("by code: %v", got)
		}
		if got := ask(street, "天平"); len(got) != 0 { // street B is outside the street worker's scope
			t.Fatalf("outside scope: %v", got)
		}
		if got := ask(street, ""); len(got) != 4 { // the street, its two residential areas and a grid, nothing else
			t.Fatalf("empty q: %d areas %v", len(got), got)
		}

		admin := s.login(t, auth.DistrictAdmin)
		_, body := admin.get("/admin/users/new")
		testkit.Contains(t, body, `id="n-area-value" name="area"`, `name="area_q"`, `data-picker="/org/pick/areas"`)
		form := func(name string) url.Values {
			return url.Values{"username": {name}, "password": {"一二三四五六七八"}, "role": {"grid_worker"}}
		}
		// Chosen from the list (JavaScript): the code in the hidden field.
		f := form("zhang.san")
		f.Set("area", testkit.GridA1)
		f.Set("area_q", "湖南路街道 / 东湖居民区 / 第1网格")
		resp := admin.submit("/admin/users", f)
		wantStatus(t, "picked", resp.StatusCode, http.StatusSeeOther, resp.Body)
		// Typed as a code (no JavaScript).
		f = form("li.si")
		f.Set("area_q", testkit.ResB1)
		resp = admin.submit("/admin/users", f)
		wantStatus(t, "typed code", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "天平居民区", testkit.ResB1)
		// Typed text not chosen: refused, the form keeps the text, no user made.
		f = form("wang.wu")
		f.Set("area_q", "东湖")
		resp = admin.submit("/admin/users", f)
		wantStatus(t, "text only", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `value="东湖"`)
		var n int
		if err := d.QueryRow(t.Context(), "SELECT count(*) FROM users WHERE username = ?", "wang.wu").Scan(&n); err != nil || n != 0 {
			t.Fatalf("user made from an unchosen area: %d %v", n, err)
		}
		// The grant form on a user's page takes the same field.
		page := fmt.Sprintf("/admin/users/%d/grants", s.F.Users[auth.GridWorker].UserID)
		resp = admin.submit(page, url.Values{"role": {"grid_worker"}, "area_q": {testkit.ResA2}})
		wantStatus(t, "grant by typed code", resp.StatusCode, http.StatusSeeOther, resp.Body)
	})
}
