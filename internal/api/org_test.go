package api_test

import (
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestOrgCreateAndList creates one record of each organisation kind through
// the API, lists it back with its filters, and checks that bad input is a
// 400 naming the field and leaves every table as it was.
func TestOrgCreateAndList(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		street := auth.StreetStaff
		id := func(r resp) int64 {
			t.Helper()
			if r.status != 201 {
				t.Fatalf("create: %d %s", r.status, r.body)
			}
			return int64(decodeJSON[map[string]any](t, r)["id"].(float64))
		}

		cpc := id(e.as(auth.DistrictAdmin, "POST", "/party-orgs", map[string]any{"name": "湖南路街道社区党委", "kind": "社区党委", "area": testkit.StreetA}))
		res := e.as(street, "POST", "/party-orgs", map[string]any{"name": "东湖居民区党总支", "kind": "residential_party_org", "area": testkit.ResA1,
			"parent_id": cpc, "members": 86})
		po := decodeJSON[map[string]any](t, res)
		if res.status != 201 || po["kind_label"] != "居民区党组织" || po["area_name"] != "东湖居民区" || po["members"] != 86.0 {
			t.Fatalf("party org: %d %s", res.status, res.body)
		}
		branch := id(e.as(street, "POST", "/association", map[string]any{"kind": "branch", "name": "湖南路街道分会", "area": testkit.StreetA, "president_mode": "rotating"}))
		sub := id(e.as(street, "POST", "/association", map[string]any{"kind": "sub_branch", "name": "东湖支会", "area": testkit.ResA1, "parent_id": branch, "president_mode": "double"}))
		res = e.as(street, "POST", "/association/"+strconv.FormatInt(sub, 10)+"/members", map[string]any{"unit_id": e.f.Units[testkit.TwoNewInA1], "role": "president"})
		if res.status != 201 || !strings.HasSuffix(res.header.Get("Location"), "/association/"+strconv.FormatInt(sub, 10)+"/members") {
			t.Fatalf("member: %d %s", res.status, res.body)
		}
		// A sub-branch brings in a unit from elsewhere in its street.
		res = e.as(street, "POST", "/association/"+strconv.FormatInt(sub, 10)+"/members", map[string]any{"unit_id": e.f.Units[testkit.UnitInA2]})
		if res.status != 201 {
			t.Fatalf("member from the street: %d %s", res.status, res.body)
		}
		res = e.as(street, "POST", "/part-time-members", map[string]any{"name": "王建国", "position": "衡山科技公司总经理",
			"party_org_id": cpc, "unit_id": e.f.Units[testkit.TwoNewInA1], "phone": "13812345678"})
		if res.status != 201 || strings.Contains(res.String(), "13812345678") || !strings.Contains(res.String(), "138****5678") {
			t.Fatalf("part-time member (phone must be masked): %d %s", res.status, res.body)
		}
		res = e.as(street, "POST", "/service-points", map[string]any{"name": "东湖党群服务站", "kind": "党群服务站", "area": testkit.ResA1,
			"address": "东湖路 1 号", "opening_hours": "周一至周五 09:00-17:00；周六 09:00-12:00", "services": []string{"政策咨询", "老年助餐"}})
		if sp := decodeJSON[map[string]any](t, res); res.status != 201 || sp["kind"] != "station" || len(sp["services"].([]any)) != 2 {
			t.Fatalf("service point: %d %s", res.status, res.body)
		}

		lists := []struct {
			path  string
			as    auth.Role
			total int
			has   string
		}{
			{"/party-orgs", auth.Member, 1, "东湖居民区党总支"},
			{"/party-orgs?area=" + testkit.StreetA, street, 2, "湖南路街道社区党委"},
			{"/party-orgs?kind=" + "community_party_committee", auth.Auditor, 1, "湖南路街道社区党委"},
			{"/party-orgs?q=" + "%E6%80%BB%E6%94%AF", auth.DistrictAdmin, 1, "东湖居民区党总支"},
			{"/party-orgs?area=" + testkit.StreetB, auth.DistrictAdmin, 0, ""},
			{"/association", street, 2, `"president_mode":"rotating"`},
			{"/association?kind=sub_branch", street, 1, `"member_count":2`},
			{"/association?parent_id=" + strconv.FormatInt(branch, 10), street, 1, "东湖支会"},
			{"/association/" + strconv.FormatInt(sub, 10) + "/members", auth.UnitLiaison, 2, `"role":"president"`},
			{"/part-time-members", street, 1, "138****5678"},
			{"/part-time-members?party_org_id=" + strconv.FormatInt(cpc, 10), auth.Auditor, 1, "王建国"},
			{"/part-time-members?area=" + testkit.ResA1, street, 0, ""},
			{"/service-points?kind=station", auth.GridWorker, 0, ""},
			{"/service-points?area=" + testkit.ResA1 + "&kind=station", auth.Member, 1, "老年助餐"},
			{"/service-points?q=" + "%E5%8A%A9%E9%A4%90", auth.DistrictAdmin, 1, "东湖党群服务站"},
		}
		for _, l := range lists {
			res := e.as(l.as, "GET", l.path, nil)
			body := decodeJSON[listBody[map[string]any]](t, res)
			if res.status != 200 || body.Total != l.total || len(body.Items) != l.total || !strings.Contains(res.String(), l.has) {
				t.Errorf("%s as %s: %d total %d, want %d with %q: %s", l.path, l.as, res.status, body.Total, l.total, l.has, res.body)
			}
			if strings.Contains(res.String(), "13812345678") || strings.Contains(res.String(), `"area_path"`) {
				t.Errorf("%s shows a phone unmasked or a path: %s", l.path, res.body)
			}
		}

		tables := "SELECT (SELECT count(*) FROM party_orgs) + (SELECT count(*) FROM assoc_bodies) + (SELECT count(*) FROM assoc_members) + " +
			"(SELECT count(*) FROM part_time_members) + (SELECT count(*) FROM service_points) + (SELECT count(*) FROM audit_log)"
		before := e.count(tables)
		subMembers := "/association/" + strconv.FormatInt(sub, 10) + "/members"
		bad := []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"party org without a name", "POST", "/party-orgs", map[string]any{"name": " ", "kind": "hub_party_org", "area": testkit.ResA1}, 400, "name"},
			{"party org of an unknown kind", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "club", "area": testkit.ResA1}, 400, "kind"},
			{"party org on the wrong level", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "street_working_committee", "area": testkit.ResA1}, 400, "kind"},
			{"party org in an unknown area", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "hub_party_org", "area": "999"}, 400, "area"},
			{"party org with a typo", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "hub_party_org", "area": testkit.ResA1, "memebers": 3}, 400, "memebers"},
			{"party org with members as text", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "hub_party_org", "area": testkit.ResA1, "members": "三"}, 400, "members"},
			{"party org with negative members", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "hub_party_org", "area": testkit.ResA1, "members": -1}, 400, "members"},
			{"unit party org without its unit", "POST", "/party-orgs", map[string]any{"name": "x", "kind": "unit_party_org", "area": testkit.ResA1}, 400, "unit_id"},
			{"party org list of an unknown kind", "GET", "/party-orgs?kind=club", nil, 400, "kind"},
			{"party org list of an unknown area", "GET", "/party-orgs?area=999", nil, 400, "area"},
			{"party org list out of scope", "GET", "/party-orgs?area=" + testkit.ResB1, nil, 403, ""},
			{"sub-branch without its branch", "POST", "/association", map[string]any{"kind": "sub_branch", "name": "x", "area": testkit.ResA2}, 400, "parent_id"},
			{"branch on a residential area", "POST", "/association", map[string]any{"kind": "branch", "name": "x", "area": testkit.ResA2}, 400, "area"},
			{"triple presidents", "POST", "/association", map[string]any{"kind": "branch", "name": "x", "area": testkit.StreetA, "president_mode": "triple"}, 400, "president_mode"},
			{"association list of an unknown kind", "GET", "/association?kind=club", nil, 400, "kind"},
			{"association list with a bad parent", "GET", "/association?parent_id=abc", nil, 400, "parent_id"},
			{"a member twice", "POST", subMembers, map[string]any{"unit_id": e.f.Units[testkit.TwoNewInA1]}, 400, "unit_id"},
			{"a rotating president in a two-president body", "POST", subMembers, map[string]any{"unit_id": e.f.Units[testkit.UnitInA1],
				"role": "rotating_president", "term_start": "2026-01-01", "term_end": "2026-12-31"}, 400, "role"},
			{"a unit of another street", "POST", subMembers, map[string]any{"unit_id": e.f.Units[testkit.UnitInB1]}, 400, "unit_id"},
			{"a member with an unknown role", "POST", subMembers, map[string]any{"unit_id": e.f.Units[testkit.UnitInA1], "role": "king"}, 400, "role"},
			{"a member with a bad date", "POST", subMembers, map[string]any{"unit_id": e.f.Units[testkit.UnitInA1], "term_start": "2026/1/1"}, 400, "term_start"},
			{"members of no body", "GET", "/association/999999/members", nil, 404, ""},
			{"part-time member without a name", "POST", "/part-time-members", map[string]any{"party_org_id": cpc}, 400, "name"},
			{"part-time member with a bad phone", "POST", "/part-time-members", map[string]any{"name": "李", "party_org_id": cpc, "phone": "call me"}, 400, "phone"},
			{"part-time member of no committee", "POST", "/part-time-members", map[string]any{"name": "李"}, 400, "party_org_id"},
			{"part-time list with a bad committee", "GET", "/part-time-members?party_org_id=0", nil, 400, "party_org_id"},
			{"service point with impossible hours", "POST", "/service-points", map[string]any{"name": "x", "kind": "point", "area": testkit.ResA1, "opening_hours": "周一 17:00-09:00"}, 400, "opening_hours"},
			{"service point of an unknown kind", "POST", "/service-points", map[string]any{"name": "x", "kind": "shed", "area": testkit.ResA1}, 400, "kind"},
			{"service point with services as text", "POST", "/service-points", map[string]any{"name": "x", "kind": "point", "area": testkit.ResA1, "services": "助餐"}, 400, "services"},
			{"service point list of an unknown kind", "GET", "/service-points?kind=shed", nil, 400, "kind"},
			{"service points paged wrong", "GET", "/service-points?per_page=501", nil, 400, "per_page"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				code := map[int]string{400: "EINVALID", 403: "EFORBIDDEN", 404: "ENOTFOUND"}[c.status]
				wantError(t, e.as(street, c.method, c.path, c.body), c.status, code, c.field)
			})
		}
		if after := e.count(tables); after != before {
			t.Fatalf("refused requests changed %d rows", after-before)
		}
	})
}

// TestUserAdminActions disables, enables and resets through the API, and
// lets a user change their own password.
func TestUserAdminActions(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.newUser("wang.grid", auth.GridWorker, testkit.GridA1)
		up := &auth.Principal{UserID: u.ID, Username: u.Username, Grants: u.Grants}
		tok := e.token(up)
		path := "/users/" + strconv.FormatInt(u.ID, 10)

		res := e.as(auth.DistrictAdmin, "POST", path+"/disable", "")
		if v := decodeJSON[map[string]any](t, res); res.status != 200 || v["disabled"] != true || v["phone"] != "137****2222" {
			t.Fatalf("disable: %d %s", res.status, res.body)
		}
		wantError(t, e.do(tok, "GET", "/me", nil), 401, "EUNAUTHORIZED", "")
		res = e.as(auth.DistrictAdmin, "POST", path+"/enable", map[string]any{})
		if v := decodeJSON[map[string]any](t, res); res.status != 200 || v["disabled"] != false {
			t.Fatalf("enable: %d %s", res.status, res.body)
		}
		// Disabling revoked the token for good: the user makes a new one.
		wantError(t, e.do(tok, "GET", "/me", nil), 401, "EUNAUTHORIZED", "")
		tok = e.token(up)
		admin := e.f.Users[auth.DistrictAdmin]
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/users/"+strconv.FormatInt(admin.UserID, 10)+"/disable", nil), 400, "EINVALID", "id")
		wantError(t, e.as(auth.DistrictAdmin, "POST", path+"/disable", map[string]any{"reason": "x"}), 400, "EINVALID", "reason")
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/users/999999/disable", nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(auth.DistrictAdmin, "POST", path+"/password", map[string]any{"password": "短"}), 400, "EINVALID", "password")
		wantError(t, e.as(auth.DistrictAdmin, "POST", path+"/password", map[string]any{}), 400, "EINVALID", "password")
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/users/"+strconv.FormatInt(admin.UserID, 10)+"/password", map[string]any{"password": "新的口令-password"}), 400, "EINVALID", "id")
		if _, _, err := e.f.Auth.Login(t.Context(), "wang.grid", testkit.Password, "10.1.1.1"); err != nil {
			t.Fatalf("a refused reset changed the password: %v", err)
		}
		if res := e.as(auth.DistrictAdmin, "POST", path+"/password", map[string]any{"password": "新的口令-password"}); res.status != 204 {
			t.Fatalf("reset: %d %s", res.status, res.body)
		}
		if _, _, err := e.f.Auth.Login(t.Context(), "wang.grid", "新的口令-password", "10.1.1.1"); err != nil {
			t.Fatalf("reset password refused: %v", err)
		}
		// The reset revoked the user's tokens too.
		wantError(t, e.do(tok, "GET", "/me", nil), 401, "EUNAUTHORIZED", "")
		tok = e.token(up)

		wantError(t, e.do(tok, "POST", "/me/password", map[string]any{"old_password": "wrong-password", "new_password": "另一个口令-password"}), 400, "EINVALID", "old_password")
		wantError(t, e.do(tok, "POST", "/me/password", map[string]any{"old_password": "新的口令-password", "new_password": "短"}), 400, "EINVALID", "new_password")
		wantError(t, e.do(tok, "POST", "/me/password", map[string]any{"old_password": "新的口令-password"}), 400, "EINVALID", "new_password")
		if res := e.do(tok, "POST", "/me/password", map[string]any{"old_password": "新的口令-password", "new_password": "另一个口令-password"}); res.status != 204 {
			t.Fatalf("change: %d %s", res.status, res.body)
		}
		if _, _, err := e.f.Auth.Login(t.Context(), "wang.grid", "另一个口令-password", "10.1.1.1"); err != nil {
			t.Fatalf("changed password refused: %v", err)
		}

		// The user list filters by role and area.
		for _, c := range []struct {
			query string
			total int
		}{
			{"role=grid_worker", 2},
			{"role=grid_worker&area=" + testkit.GridA1, 2},
			{"area=" + testkit.StreetB, 0},
			{"role=auditor&area=" + testkit.District, 1},
		} {
			res := e.as(auth.DistrictAdmin, "GET", "/users?"+c.query, nil)
			if l := decodeJSON[listBody[map[string]any]](t, res); res.status != 200 || l.Total != c.total {
				t.Errorf("/users?%s: %d total %d, want %d", c.query, res.status, l.Total, c.total)
			}
		}
		wantError(t, e.as(auth.DistrictAdmin, "GET", "/users?role=king", nil), 400, "EINVALID", "role")
		wantError(t, e.as(auth.DistrictAdmin, "GET", "/users?area=999", nil), 400, "EINVALID", "area")
	})
}
