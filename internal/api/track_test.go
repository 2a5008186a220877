package api_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPublicRoutes pins the routes served without a bearer token: this
// document, the resident's tracking link, a project's rating link, a
// fund's public figures, a ballot link and a vote's published receipts,
// an area's public page, an evaluation link and a care link, nothing else.
func TestPublicRoutes(t *testing.T) {
	var public []string
	for _, rt := range api.Routes() {
		if rt.Public {
			public = append(public, rt.Method+" "+rt.Path)
		}
	}
	want := []string{"GET /openapi.json", "GET /track/{token}", "POST /track/lookup", "POST /track/{token}/rate", "GET /track/{token}/attachments/{aid}",
		"GET /project-ratings/{token}", "POST /project-ratings/{token}", "GET /funds/{id}/public",
		"POST /ballots/{token}", "GET /votes/{id}/receipts", // a household's one-time ballot link; a closed vote's published receipts
		"GET /area-pages/{code}",                                  // an area's public page: topics, meetings, decisions, votes, rules; no one's personal data
		"GET /survey-links/{token}", "POST /survey-links/{token}", // a committee evaluation's one-time link
		"GET /care-links/{token}", "POST /care-links/{token}/requests",
		"POST /phone/code", "POST /phone/verify", "GET /phone/topics", "POST /phone/topics", "POST /phone/topics/{id}/support", "POST /phone/topics/{id}/comments"} // a cared-for person's help link
	if !slices.Equal(public, want) {
		t.Errorf("public routes %v, want exactly %v", public, want)
	}
}

// TestTracking follows a demand through the resident's link: no account,
// no token, and no one's personal data in any answer.
func TestTracking(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		// The resident typed their phone into the text; staff wrote the name into notes.
		f := e.fileDirect(testkit.ResA1, "sanitation", "楼道堆物很多，我的电话"+reporterPhone+"，请联系")
		id := f.Demand.ID
		e.mustAct(auth.CommunityStaff, id, map[string]any{"action": "dispatch", "lead": testkit.ResA1, "note": "请联系" + reporterName})
		e.mustAct(auth.CommunityStaff, id, map[string]any{"action": "sign"})
		e.mustAct(auth.CommunityStaff, id, map[string]any{"action": "contact", "note": "已电话联系" + reporterName + " " + reporterPhone})

		noPersonalData := func(r resp) {
			t.Helper()
			for _, s := range []string{reporterName, reporterPhone, "王**", "community_staff", "district_admin", "13900001111", "reporters", "note"} {
				if strings.Contains(r.String(), s) {
					t.Errorf("public answer shows %q: %s", s, r.body)
				}
			}
		}
		wantError(t, e.do("", "POST", "/track/"+f.Token+"/rate", map[string]any{"satisfaction": "satisfied", "solved": true}), 409, "ECONFLICT", "")
		res := e.do("", "GET", "/track/"+f.Token, nil)
		if res.status != 200 {
			t.Fatalf("track: %d %s", res.status, res.body)
		}
		conforms(t, "Tracked", res)
		noPersonalData(res)
		testkit.Contains(t, res.String(), `"status":"in_progress"`, `"can_rate":false`, "139****5678", `"actor":"工作人员"`)
		// A bearer header, even a bad one, changes nothing on a public route.
		if r := e.do("not-a-token", "GET", "/track/"+f.Token, nil); r.status != 200 {
			t.Errorf("track with a bad bearer token: %d", r.status)
		}

		e.mustAct(auth.CommunityStaff, id, map[string]any{"action": "resolve", "outcome": "solved", "resolution": "已清理，联系" + reporterName})
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"satisfaction": "great", "solved": true}, "satisfaction"},
			{map[string]any{"satisfaction": "satisfied"}, "solved"},
			{map[string]any{"satisfaction": "satisfied", "solved": "yes"}, "solved"},
			{map[string]any{"satisfaction": "satisfied", "solved": true, "name": reporterName}, "name"},
		} {
			wantError(t, e.do("", "POST", "/track/"+f.Token+"/rate", c.body), 400, "EINVALID", c.field)
		}
		// Dissatisfied: back for a second handling, and the link says so.
		res = e.do("", "POST", "/track/"+f.Token+"/rate", map[string]any{"satisfaction": "dissatisfied", "solved": false})
		if res.status != 200 {
			t.Fatalf("rate: %d %s", res.status, res.body)
		}
		conforms(t, "Tracked", res)
		noPersonalData(res)
		testkit.Contains(t, res.String(), `"status":"dispatched"`, `"my_rating":"dissatisfied"`)

		wantError(t, e.do("", "GET", "/track/nosuchtoken", nil), 404, "ENOTFOUND", "")
		wantError(t, e.do("", "POST", "/track/nosuchtoken/rate", map[string]any{"satisfaction": "satisfied", "solved": true}), 404, "ENOTFOUND", "")
	})
}

// TestTrackLookupAPI: a demand is found by its number and the phone's last
// four digits without files or rating; wrong digits are 404 and the sixth
// wrong try on a number is 429 whatever the digits.
func TestTrackLookupAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		f := e.fileDirect(testkit.ResA1, "noise", "夜里楼下烧烤店油烟大")
		body := func(last4 string) map[string]any {
			return map[string]any{"number": f.Demand.ID, "phone_last4": last4}
		}
		res := e.do("", "POST", "/track/lookup", body(reporterPhone[len(reporterPhone)-4:]))
		got := decodeJSON[struct {
			ID          int64 `json:"id"`
			CanRate     bool  `json:"can_rate"`
			Attachments []any `json:"attachments"`
		}](t, res)
		if res.status != 200 || got.ID != f.Demand.ID || got.CanRate || len(got.Attachments) != 0 || strings.Contains(string(res.body), reporterPhone) {
			t.Fatalf("lookup: %d %s", res.status, res.body)
		}
		wantError(t, e.do("", "POST", "/track/lookup", body("12a4")), 400, "EINVALID", "phone_last4")
		for i := range 5 {
			wantError(t, e.do("", "POST", "/track/lookup", body(fmt.Sprintf("%04d", i))), 404, "ENOTFOUND", "")
		}
		wantError(t, e.do("", "POST", "/track/lookup", body(reporterPhone[len(reporterPhone)-4:])), 429, "ETOOMANY", "")
	})
}
