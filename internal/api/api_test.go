package api_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

type unitJSON struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	Kind            string `json:"kind"`
	Area            string `json:"area"`
	HasPartyOrg     bool   `json:"has_party_org"`
	PlatformCovered bool   `json:"platform_covered"`
	Covered         bool   `json:"covered"`
	Address         string `json:"address"`
	ContactPhone    string `json:"contact_phone"`
}

// TestDoneWhen is the API's acceptance case: a community_staff token reads
// its own residential area's units and coverage, is refused the other
// street's units and the district's figures, and no token gets 401.
func TestDoneWhen(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cs := auth.CommunityStaff

		res := e.as(cs, "GET", "/units?area="+testkit.ResA1, nil)
		if res.status != 200 {
			t.Fatalf("own units: %d %s", res.status, res.body)
		}
		units := decodeJSON[listBody[unitJSON]](t, res)
		var names []string
		for _, u := range units.Items {
			names = append(names, u.Name)
		}
		slices.Sort(names)
		if want := []string{testkit.UnitInA1, "东湖便利店", testkit.TwoNewInA1}; units.Total != 3 || !slices.Equal(names, sortedCopy(want)) {
			t.Errorf("own units = %v (total %d), want %v", names, units.Total, want)
		}
		if res := e.as(cs, "GET", "/units", nil); decodeJSON[listBody[unitJSON]](t, res).Total != 3 {
			t.Errorf("unfiltered list reaches outside ResA1: %s", res.body)
		}
		if res := e.as(cs, "GET", "/stats/coverage?area="+testkit.ResA1, nil); res.status != 200 {
			t.Errorf("own coverage: %d %s", res.status, res.body)
		}

		wantError(t, e.as(cs, "GET", "/units?area="+testkit.StreetB, nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(cs, "GET", "/units?area="+testkit.ResB1, nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(cs, "GET", "/units/"+strconv.FormatInt(e.f.Units[testkit.UnitInB1], 10), nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(cs, "GET", "/stats/coverage?area="+testkit.District, nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(cs, "GET", "/stats/coverage?area="+testkit.StreetB, nil), 403, "EFORBIDDEN", "")

		for _, path := range []string{"/units?area=" + testkit.ResA1, "/stats/coverage?area=" + testkit.ResA1, "/me"} {
			res := e.do("", "GET", path, nil)
			wantError(t, res, 401, "EUNAUTHORIZED", "")
			if got := res.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
				t.Errorf("GET %s without token: WWW-Authenticate %q", path, got)
			}
		}
		res = e.do("gz_notatoken", "GET", "/me", nil)
		wantError(t, res, 401, "EUNAUTHORIZED", "")
		if got := res.header.Get("WWW-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
			t.Errorf("bad token: WWW-Authenticate %q", got)
		}
		wantError(t, e.do("", "GET", "/me", nil), 401, "EUNAUTHORIZED", "")
	})
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	slices.Sort(c)
	return c
}

// TestCoverageShape checks the exact shape of /stats/coverage: area, and groups in
// the order shop, two_new, regional_unit, each with group, total, covered
// and rate, rate null when total is 0; plus children per child area.
func TestCoverageShape(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		type group struct {
			Group   string   `json:"group"`
			Total   int      `json:"total"`
			Covered int      `json:"covered"`
			Rate    *float64 `json:"rate"`
		}
		type coverage struct {
			Area     string  `json:"area"`
			Groups   []group `json:"groups"`
			Children []struct {
				Area   string  `json:"area"`
				Groups []group `json:"groups"`
			} `json:"children"`
		}
		rate := func(f float64) *float64 { return &f }
		cases := []struct {
			role     auth.Role
			area     string
			want     []group
			children []string
		}{
			{auth.DistrictAdmin, testkit.District, []group{
				{"shop", 3, 1, rate(0.3333)}, {"two_new", 3, 2, rate(0.6667)}, {"regional_unit", 1, 1, rate(1)}},
				[]string{testkit.StreetA, testkit.StreetB}},
			{auth.CommunityStaff, testkit.ResA1, []group{
				{"shop", 2, 1, rate(0.5)}, {"two_new", 1, 1, rate(1)}, {"regional_unit", 0, 0, nil}},
				[]string{testkit.GridA1}},
			{auth.GridWorker, testkit.GridA1, []group{
				{"shop", 1, 0, rate(0)}, {"two_new", 0, 0, nil}, {"regional_unit", 0, 0, nil}},
				[]string{}},
		}
		for _, c := range cases {
			res := e.as(c.role, "GET", "/stats/coverage?area="+c.area, nil)
			if res.status != 200 {
				t.Fatalf("%s coverage of %s: %d %s", c.role, c.area, res.status, res.body)
			}
			// The raw shape: every key present, rate null (not absent) when total is 0.
			var raw struct {
				Area   json.RawMessage              `json:"area"`
				Groups []map[string]json.RawMessage `json:"groups"`
			}
			if err := json.Unmarshal(res.body, &raw); err != nil || raw.Area == nil {
				t.Fatalf("not a coverage body: %s", res.body)
			}
			for _, g := range raw.Groups {
				for _, k := range []string{"group", "total", "covered", "rate"} {
					if _, ok := g[k]; !ok {
						t.Errorf("group lacks %q: %s", k, res.body)
					}
				}
				if string(g["total"]) == "0" && string(g["rate"]) != "null" {
					t.Errorf("rate %s with total 0, want null: %s", g["rate"], res.body)
				}
			}
			cov := decodeJSON[coverage](t, res)
			if cov.Area != c.area {
				t.Errorf("area %q, want %q", cov.Area, c.area)
			}
			if len(cov.Groups) != 3 {
				t.Fatalf("%d groups, want 3: %s", len(cov.Groups), res.body)
			}
			for i, w := range c.want {
				g := cov.Groups[i]
				if g.Group != w.Group || g.Total != w.Total || g.Covered != w.Covered || (g.Rate == nil) != (w.Rate == nil) ||
					(g.Rate != nil && *g.Rate != *w.Rate) {
					t.Errorf("%s group %d = %+v (rate %v), want %+v (rate %v)", c.area, i, g, deref(g.Rate), w, deref(w.Rate))
				}
			}
			var kids []string
			for _, ch := range cov.Children {
				kids = append(kids, ch.Area)
				if len(ch.Groups) != 3 {
					t.Errorf("child %s has %d groups", ch.Area, len(ch.Groups))
				}
			}
			if !slices.Equal(kids, c.children) && !(len(kids) == 0 && len(c.children) == 0) {
				t.Errorf("children %v, want %v", kids, c.children)
			}
			if !strings.Contains(res.String(), `"children":[`) {
				t.Errorf("children must be an array, never null: %s", res.body)
			}
		}
		wantError(t, e.as(auth.DistrictAdmin, "GET", "/stats/coverage", nil), 400, "EINVALID", "area")
		wantError(t, e.as(auth.DistrictAdmin, "GET", "/stats/coverage?area=999999", nil), 404, "ENOTFOUND", "")
	})
}

func deref(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// TestBadInput sends what clients get wrong and checks each is a 400 naming
// the field, and that nothing a failed command touched has changed.
func TestBadInput(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		unit := "/units/" + strconv.FormatInt(e.f.Units[testkit.UnitInA1], 10)
		snapshot := func() string {
			var name, kind, addr, area string
			if err := d.QueryRow(t.Context(), "SELECT name, kind, address, area_code FROM units WHERE id = ?", e.f.Units[testkit.UnitInA1]).
				Scan(&name, &kind, &addr, &area); err != nil {
				t.Fatal(err)
			}
			return strings.Join([]string{name, kind, addr, area,
				strconv.Itoa(e.count("SELECT count(*) FROM units")), strconv.Itoa(e.count("SELECT count(*) FROM audit_log")),
				strconv.Itoa(e.count("SELECT count(*) FROM areas")), strconv.Itoa(e.count("SELECT count(*) FROM users"))}, "|")
		}
		before := snapshot()
		good := map[string]any{"name": "新店", "kind": "shop", "area": testkit.ResA1}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for k, v := range good {
				m[k] = v
			}
			m[k] = v
			return m
		}
		cases := []struct {
			name, method, path string
			body               any
			field              string
		}{
			{"unknown kind in filter", "GET", "/units?kind=bank", nil, "kind"},
			{"unknown area in filter", "GET", "/units?area=999999", nil, "area"},
			{"unknown group", "GET", "/units?group=big", nil, "group"},
			{"covered not a boolean", "GET", "/units?covered=maybe", nil, "covered"},
			{"per_page over 500", "GET", "/units?per_page=501", nil, "per_page"},
			{"per_page zero", "GET", "/units?per_page=0", nil, "per_page"},
			{"page zero", "GET", "/units?page=0", nil, "page"},
			{"page not a number", "GET", "/units?page=two", nil, "page"},
			{"per_page on areas", "GET", "/areas?per_page=501", nil, "per_page"},
			{"unknown level", "GET", "/areas?level=town", nil, "level"},
			{"unknown parent", "GET", "/areas?parent=999999", nil, "parent"},
			{"bad audit date", "GET", "/audit?from=yesterday", nil, "from"},
			{"bad export format", "GET", "/units/export?format=pdf", nil, "format"},
			{"export with unknown kind", "GET", "/units/export?kind=bank", nil, "kind"},
			{"unknown kind in body", "POST", "/units", with("kind", "bank"), "kind"},
			{"unknown area in body", "POST", "/units", with("area", "999999"), "area"},
			{"missing name", "POST", "/units", map[string]any{"kind": "shop", "area": testkit.ResA1}, "name"},
			{"unknown JSON field", "POST", "/units", with("nmae", "x"), "nmae"},
			{"wrong type string", "POST", "/units", with("name", 5), "name"},
			{"wrong type number", "POST", "/units", with("employees", "many"), "employees"},
			{"wrong type bool", "POST", "/units", with("has_party_org", "是"), "has_party_org"},
			{"negative count", "POST", "/units", with("employees", -1), "employees"},
			{"duplicate name", "POST", "/units", with("name", testkit.TwoNewInA1), "name"},
			{"not an object", "POST", "/units", `[1]`, "body"},
			{"broken JSON", "POST", "/units", `{"name":`, "body"},
			{"empty body", "POST", "/units", "", "body"},
			{"two objects", "POST", "/units", `{"name":"a"} {"name":"b"}`, "body"},
			{"patch unknown kind", "PATCH", unit, map[string]any{"kind": "bank", "address": "改了"}, "kind"},
			{"patch duplicate name", "PATCH", unit, map[string]any{"name": testkit.TwoNewInA1, "address": "改了"}, "name"},
			{"patch unknown field", "PATCH", unit, map[string]any{"address": "改了", "colour": "red"}, "colour"},
			{"patch wrong type", "PATCH", unit, map[string]any{"address": "改了", "platform_covered": 1}, "platform_covered"},
			{"area bad level", "POST", "/areas", map[string]any{"code": testkit.ResA1 + "77", "name": "x", "level": "town", "parent": testkit.ResA1}, "level"},
			{"area unknown field", "POST", "/areas", map[string]any{"code": testkit.ResA1 + "77", "name": "x", "level": "grid", "parent": testkit.ResA1, "sort": 1}, "sort"},
			{"user unknown role", "POST", "/users", map[string]any{"username": "neu", "password": testkit.Password, "role": "king", "area": testkit.ResA1}, "role"},
			{"user unknown area", "POST", "/users", map[string]any{"username": "neu", "password": testkit.Password, "role": "resident", "area": "999999"}, "area"},
			{"user short password", "POST", "/users", map[string]any{"username": "neu", "password": "short", "role": "resident", "area": testkit.ResA1}, "password"},
			{"grant unknown role", "POST", "/users/1/grants", map[string]any{"role": "king", "area": testkit.ResA1}, "role"},
			{"token label type", "POST", "/tokens", map[string]any{"label": 7}, "label"},
			{"import without filename", "POST", "/units/import", "name,kind\n", "filename"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantError(t, e.as(auth.DistrictAdmin, c.method, c.path, c.body), 400, "EINVALID", c.field)
			})
		}
		if after := snapshot(); after != before {
			t.Errorf("failed requests changed the database:\nbefore %s\nafter  %s", before, after)
		}
		if strings.Contains(e.logged(), "level=ERROR") {
			t.Errorf("bad input was logged as an internal error:\n%s", e.logged())
		}
	})
}

// TestRouting checks unknown paths, wrong methods and oversized bodies
// answer in the one JSON error shape.
func TestRouting(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		da := auth.DistrictAdmin
		wantError(t, e.as(da, "GET", "/nope", nil), 404, "ENOTFOUND", "")
		wantError(t, e.do("", "GET", "/nope/deeper", nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(da, "GET", "/units/abc", nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(da, "GET", "/units/999999", nil), 404, "ENOTFOUND", "")
		for _, c := range []struct{ method, path, allow string }{
			{"DELETE", "/areas", "GET, POST"},
			{"PUT", "/units/1", "GET, PATCH"},
			{"DELETE", "/units/import", "POST"},
			{"POST", "/stats/coverage", "GET"},
			{"POST", "/openapi.json", "GET"},
		} {
			res := e.as(da, c.method, c.path, nil)
			wantError(t, res, http.StatusMethodNotAllowed, "EMETHOD", "")
			if got := res.header.Get("Allow"); got != c.allow {
				t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
			}
		}
		big := `{"name":"` + strings.Repeat("大", 1<<19) + `","kind":"shop","area":"` + testkit.ResA1 + `"}`
		n := e.count("SELECT count(*) FROM units")
		wantError(t, e.as(da, "POST", "/units", big), 413, "ETOOLARGE", "")
		if e.count("SELECT count(*) FROM units") != n {
			t.Error("an oversized body created a unit")
		}
		res := e.as(da, "GET", "/me", nil)
		if res.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", res.header.Get("Cache-Control"))
		}
	})
}

// TestMe shows the caller and their grants.
func TestMe(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		res := e.as(auth.CommunityStaff, "GET", "/me", nil)
		me := decodeJSON[struct {
			Username    string       `json:"username"`
			DisplayName string       `json:"display_name"`
			Grants      []auth.Grant `json:"grants"`
		}](t, res)
		if me.Username != "community_staff" || me.DisplayName != "community_staff" || len(me.Grants) != 1 ||
			me.Grants[0].Role != auth.CommunityStaff || me.Grants[0].AreaCode != testkit.ResA1 || me.Grants[0].AreaName != "东湖居民区" {
			t.Errorf("me = %+v", me)
		}
		if strings.Contains(res.String(), "/310104/") {
			t.Errorf("me leaks area paths: %s", res.body)
		}
	})
}
