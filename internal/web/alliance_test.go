package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

const allianceRows = "SELECT (SELECT count(*) FROM alliances) + (SELECT count(*) FROM alliance_members) + (SELECT count(*) FROM alliance_commitments) + (SELECT count(*) FROM alliance_progress)"

// TestAlliancePages: street staff found an alliance (a form without a
// charter is named and nothing saved), admit a service window, record its
// commitment and what was done; the auditor reads it; bad input changes nothing.
func TestAlliancePages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		street := s.login(t, auth.StreetStaff)
		st, body := street.get("/alliances")
		wantStatus(t, "alliances", st, http.StatusOK, body)
		testkit.Contains(t, body, `<label for="na-charter">`)
		before := s.count(t, allianceRows)
		resp := street.submit("/alliances", url.Values{"area": {testkit.StreetA}, "name": {"商圈服务联盟"}, "criteria": {"商户"}})
		wantStatus(t, "no charter", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="na-charter-error"`, "请填写联盟章程")
		if s.count(t, allianceRows) != before {
			t.Fatal("a refused alliance was written")
		}
		page := created(t, street, "found an alliance", "/alliances", url.Values{"area": {testkit.StreetA}, "name": {"商圈服务联盟"},
			"charter": {"商户与居委会携手服务居民"}, "criteria": {"在街道内经营一年以上的商户"}})
		resp = street.submit(page+"/members", url.Values{"kind": {"office"}, "name": {"党群服务站"}})
		wantStatus(t, "a window without its place", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请写明服务窗口的地点和服务时间")
		resp = street.submit(page+"/members", url.Values{"kind": {"office"}, "name": {"党群服务站"}, "place": {"衡山路10号 9:00-17:00"}})
		wantStatus(t, "admit a window", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		testkit.Contains(t, body, "党群服务站", "衡山路10号")
		m := regexpFind(t, `<option value="(\d+)">党群服务站</option>`, body)
		resp = street.submit(page+"/commitments", url.Values{"member_id": {m}, "text": {"开放会议室供居民议事"}, "due_on": {"2026-12-31"}})
		wantStatus(t, "a commitment", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		c := regexpFind(t, `action="/alliance-commitments/(\d+)/progress"`, body)
		resp = street.submit("/alliance-commitments/"+c+"/progress", url.Values{"note": {"已开放三次"}, "done": {"1"}})
		wantStatus(t, "what was done", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(page)
		testkit.Contains(t, body, "已开放三次", "已兑现")
		auditor := s.login(t, auth.Auditor)
		st, body = auditor.get(page)
		wantStatus(t, "auditor reads", st, http.StatusOK, body)
		testkit.Contains(t, body, "商户与居委会携手服务居民", "开放会议室供居民议事")
	})
}

// regexpFind returns the first group of pattern in body, or fails.
func regexpFind(t *testing.T, pattern, body string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in:\n%.3000s", pattern, body)
	}
	return m[1]
}
