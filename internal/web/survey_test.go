package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

const surveyRows = "SELECT (SELECT count(*) FROM survey_campaigns) + (SELECT count(*) FROM survey_answers) + (SELECT count(*) FROM audit_log) + " +
	"(SELECT count(*) FROM survey_links WHERE used = TRUE)"

// TestSurveyPages: the street starts a committee's survey (a bad form is
// named and nothing saved) and prints slips; a resident answers by a slip's
// link on a phone with no account; the link refuses a second use with 409
// and nothing changes; the committee's staff read the scores and the
// comment with the phone number masked; the comparison and export open.
func TestSurveyPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		street := s.login(t, auth.StreetStaff)
		st, body := street.get("/surveys")
		wantStatus(t, "surveys", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/surveys" aria-current="page"`, `<label for="ns-period">`)

		now := s.Clock.Now()
		form := func(period string) url.Values {
			return url.Values{"area": {testkit.ResA1}, "period": {period}, "opens_at": {dtl(now.Add(-time.Minute))}, "closes_at": {dtl(now.Add(14 * 24 * time.Hour))}}
		}
		before := s.count(t, surveyRows)
		resp := street.submit("/surveys", form("2026H3"))
		wantStatus(t, "a bad period", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="ns-period-error"`, "周期请写作半年")
		if s.count(t, surveyRows) != before {
			t.Fatal("a refused survey was written")
		}
		page := created(t, street, "start a survey", "/surveys", form("2026H2"))
		resp = street.submit(page+"/links", url.Values{"count": {"3"}})
		wantStatus(t, "slips", resp.StatusCode, http.StatusOK, resp.Body)
		links := regexp.MustCompile(`href="(/survey/[a-z0-9]+)"`).FindAllStringSubmatch(resp.Body, -1)
		if len(links) != 3 || strings.Count(resp.Body, `src="data:image/png;base64,`) != 3 {
			t.Fatalf("three slips with QR codes:\n%.2000s", resp.Body)
		}

		phone := s.browser(t)
		st, body = phone.get(links[0][1])
		wantStatus(t, "questionnaire", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区居委会测评", `name="sat_overall"`, `<label for="aware_members-1">是</label>`)
		answer := url.Values{"aware_members": {"1"}, "aware_office": {"1"}, "aware_work": {"0"}, "part_activity": {"1"}, "part_meeting": {"0"}, "part_vote": {"0"},
			"sat_service": {"4"}, "sat_response": {"4"}, "sat_living": {"3"}, "sat_overall": {"4"}, "comment": {"楼道灯坏了，请联系13812345678"}}
		bad := url.Values{}
		for k, v := range answer {
			bad[k] = v
		}
		bad.Set("sat_overall", "7")
		before = s.count(t, surveyRows)
		resp = phone.post(links[0][1], bad, nil)
		wantStatus(t, "a bad answer", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		if s.count(t, surveyRows) != before {
			t.Fatal("a bad answer was written")
		}
		resp = phone.post(links[0][1], answer, nil)
		wantStatus(t, "answer by link", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "已收到您的问卷")
		before = s.count(t, surveyRows)
		resp = phone.post(links[0][1], answer, nil)
		wantStatus(t, "the link a second time", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "这个测评链接已经用过")
		if s.count(t, surveyRows) != before {
			t.Fatal("a second use changed something")
		}

		committee := s.login(t, auth.CommunityStaff)
		st, body = committee.get(page)
		wantStatus(t, "results", st, http.StatusOK, body)
		testkit.Contains(t, body, "楼道灯坏了", "33.3%", "回收率")
		if strings.Contains(body, "13812345678") || strings.Contains(body, `action="`+page+`/links"`) {
			t.Fatalf("the committee's page shows the phone number or the link form:\n%.3000s", body)
		}
		st, body = committee.get("/survey-scores?area=" + testkit.ResA1)
		wantStatus(t, "trend", st, http.StatusOK, body)
		testkit.Contains(t, body, "2026H2")
		st, body = street.get("/survey-scores?area=" + testkit.StreetA + "&period=2026H2")
		wantStatus(t, "street comparison", st, http.StatusOK, body)
		st, _ = street.get("/survey-scores/export.xlsx?area=" + testkit.StreetA)
		wantStatus(t, "export", st, http.StatusOK, "")
		st, body = phone.get("/survey/nosuchtoken")
		wantStatus(t, "a made-up link", st, http.StatusNotFound, body)
	})
}
