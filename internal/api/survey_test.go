package api_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestSurveyOverAPI runs a committee survey through the API: the street
// starts it and makes links; a resident answers by link with no token; the
// second use of the link is 409 and changes nothing; bad answers and bad
// campaigns are 400 and change nothing; the committee reads the scores
// and the comment, the phone number in it masked.
func TestSurveyOverAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		now := e.clock.Now()
		rows := func() int {
			var n int
			if err := d.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM survey_campaigns) + (SELECT count(*) FROM survey_answers) +
				(SELECT count(*) FROM survey_links WHERE used = ?) + (SELECT count(*) FROM audit_log)`, true).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := rows()
		for _, bad := range []map[string]any{
			{"area": testkit.ResA1, "period": "2026H3", "opens_at": now, "closes_at": now.Add(time.Hour)},
			{"area": testkit.StreetA, "period": "2026H2", "opens_at": now, "closes_at": now.Add(time.Hour)},
			{"area": testkit.ResA1, "period": "2026H2", "opens_at": now, "closes_at": now.Add(-time.Hour)},
			{"area": testkit.ResA1, "period": "2026H2", "opens_at": now, "closes_at": now.Add(time.Hour), "extra": 1},
		} {
			if r := e.as(auth.StreetStaff, "POST", "/surveys", bad); r.status != 400 {
				t.Errorf("bad campaign %v: %d %s", bad, r.status, r)
			}
		}
		if rows() != before {
			t.Fatal("bad campaigns changed something")
		}
		res := e.as(auth.StreetStaff, "POST", "/surveys", map[string]any{"area": testkit.ResA1, "period": "2026H2", "opens_at": now, "closes_at": now.Add(14 * 24 * time.Hour)})
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res)
		}
		conforms(t, "SurveyCampaign", res)
		c := decodeJSON[struct {
			ID int64 `json:"id"`
		}](t, res)
		base := "/surveys/" + strconv.FormatInt(c.ID, 10)
		res = e.as(auth.StreetStaff, "POST", base+"/links", map[string]any{"count": 4})
		conforms(t, "SurveyLinks", res)
		links := decodeJSON[struct {
			Items []struct{ Token, Path string }
		}](t, res)
		if res.status != 201 || len(links.Items) != 4 {
			t.Fatalf("links: %d %s", res.status, res)
		}
		link := "/survey-links/" + links.Items[0].Token
		answer := map[string]any{"aware_members": true, "aware_office": true, "part_vote": true, "sat_service": 5, "sat_response": 4, "sat_living": 4, "sat_overall": 5,
			"comment": "希望多办活动，我的电话 139 1234 5678"}
		before = rows()
		for _, bad := range []map[string]any{{"sat_service": 5}, {"aware_members": true, "sat_service": 6, "sat_response": 4, "sat_living": 4, "sat_overall": 5}} {
			if r := e.do("", "POST", link, bad); r.status != 400 {
				t.Errorf("bad answer %v: %d %s", bad, r.status, r)
			}
		}
		if rows() != before {
			t.Fatal("bad answers changed something")
		}
		if r := e.do("", "POST", link, answer); r.status != 201 {
			t.Fatalf("answer: %d %s", r.status, r)
		}
		before = rows()
		if r := e.do("", "POST", link, answer); r.status != 409 || !strings.Contains(r.String(), "ECONFLICT") {
			t.Errorf("second use: %d %s", r.status, r)
		}
		if rows() != before {
			t.Fatal("a second use changed something")
		}
		if r := e.do("", "GET", link, nil); r.status != 200 || !strings.Contains(r.String(), `"used":true`) {
			t.Errorf("used link: %d %s", r.status, r)
		}
		res = e.as(auth.CommunityStaff, "GET", base+"/results", nil)
		conforms(t, "SurveyResults", res)
		if res.status != 200 || strings.Contains(res.String(), "1234") || !strings.Contains(res.String(), "希望多办活动") || !strings.Contains(res.String(), `"answers":1`) {
			t.Errorf("results: %d %s", res.status, res)
		}
		res = e.as(auth.StreetStaff, "GET", "/survey-scores?area="+testkit.StreetA+"&period=2026H2", nil)
		conforms(t, "SurveyScoreList", res)
		if res.status != 200 || !strings.Contains(res.String(), `"total":1`) {
			t.Errorf("scores: %d %s", res.status, res)
		}
		if r := e.as(auth.StreetStaff, "GET", "/survey-scores?period=2026X", nil); r.status != 400 {
			t.Errorf("bad period: %d %s", r.status, r)
		}
	})
}
