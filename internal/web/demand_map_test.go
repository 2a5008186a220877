package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestDemandMap: the dashboard links its grid map and the intake page its
// area picker; /demands/map.json serves the map with the session, scoped
// like the dashboard.
func TestDemandMap(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		ctx := context.Background()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for code, ring := range map[string][][2]float64{
				testkit.GridA1:  {{31.20, 121.44}, {31.20, 121.45}, {31.21, 121.45}, {31.21, 121.44}},
				testkit.StreetA: {{31.19, 121.43}, {31.19, 121.47}, {31.22, 121.47}, {31.22, 121.43}},
				testkit.StreetB: {{31.19, 121.47}, {31.19, 121.50}, {31.22, 121.50}, {31.22, 121.47}},
			} {
				if err := demand.SaveShape(ctx, tx, code, ring); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		s.fileAsResident(t, "noise", testkit.GridA1, "楼下夜宵店很吵")
		s.fileAsResident(t, "noise", testkit.GridA1, "楼上夜里装修")
		s.fileAsResident(t, "property", testkit.ResB1, "物业不作为")

		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/demands/dashboard")
		wantStatus(t, "dashboard", st, http.StatusOK, body)
		testkit.Contains(t, body, "网格热力图", `id="grid-map"`, `data-src="/demands/map.json?area=310104&amp;from=2026-11-01&amp;to=2026-11-30"`,
			`<option value="satisfaction_rate">满意率</option>`, "区级地图按街道显示", "/static/grid_map.")

		type mapDoc struct {
			Type     string `json:"type"`
			Level    string `json:"level"`
			Features []struct {
				ID         string `json:"id"`
				Properties struct {
					Received int `json:"received"`
				} `json:"properties"`
			} `json:"features"`
		}
		read := func(b *browser, path string) mapDoc {
			t.Helper()
			resp := b.do(http.MethodGet, path, nil, "")
			wantStatus(t, path, resp.StatusCode, http.StatusOK, resp.Body)
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			var m mapDoc
			if err := json.Unmarshal([]byte(resp.Body), &m); err != nil {
				t.Fatalf("%s: %v: %.300s", path, err, resp.Body)
			}
			return m
		}
		if m := read(admin, "/demands/map.json"); m.Type != "FeatureCollection" || m.Level != "street" || len(m.Features) != 2 ||
			m.Features[0].ID != testkit.StreetA || m.Features[0].Properties.Received != 2 || m.Features[1].Properties.Received != 1 {
			t.Errorf("district map: %+v", m)
		}
		street := s.login(t, auth.StreetStaff)
		if m := read(street, "/demands/map.json?area="+testkit.StreetA+"&from=2026-11-30&to=2026-11-30"); m.Level != "grid" ||
			len(m.Features) != 1 || m.Features[0].ID != testkit.GridA1 || m.Features[0].Properties.Received != 2 {
			t.Errorf("street map: %+v", m)
		}
		for _, c := range []struct {
			role auth.Role
			path string
			want int
		}{
			{auth.StreetStaff, "/demands/map.json?area=" + testkit.StreetB, http.StatusForbidden},
			{auth.Member, "/demands/map.json?area=" + testkit.ResA1, http.StatusForbidden},
			{auth.StreetStaff, "/demands/map.json?area=" + testkit.StreetA + "&from=yesterday", http.StatusBadRequest},
			{auth.StreetStaff, "/demands/map.json?area=999999", http.StatusNotFound},
		} {
			if st, body := s.login(t, c.role).get(c.path); st != c.want {
				t.Errorf("%s as %s: %d, want %d: %.300s", c.path, c.role, st, c.want, body)
			}
		}
		if st, _ := s.browser(t).get("/demands/map.json"); st != http.StatusSeeOther {
			t.Errorf("map without a session: %d", st)
		}

		// The intake page offers the picker after the form, so Tab still goes field by field.
		st, body = street.get("/demands/new")
		wantStatus(t, "intake", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="map-picker"`, `data-src="/demands/map.json?area=`+testkit.StreetA+`"`, "在地图上选择",
			`data-picked="已填入区域：%s"`, "/static/vendor/echarts.min.", "/static/grid_map.", `<option value="湖南路街道/东湖居民区/第1网格" label="`+testkit.GridA1+`">`)
		if strings.Index(body, `id="map-picker"`) < strings.Index(body, "</form>") {
			t.Error("the map picker is inside the form or before it")
		}
	})
}
