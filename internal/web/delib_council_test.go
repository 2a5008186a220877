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
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

const councilRows = "SELECT (SELECT count(*) FROM councils) + (SELECT count(*) FROM council_members) + (SELECT count(*) FROM meetings) + " +
	"(SELECT count(*) FROM meeting_topics) + (SELECT count(*) FROM meeting_decisions) + (SELECT count(*) FROM area_rules) + " +
	"(SELECT count(*) FROM projects) + (SELECT count(*) FROM audit_log)"

// TestCouncilPages (issue 11): staff set up a council (a bad form is
// refused and saves nothing), schedule a meeting, put a resident's topic
// on its agenda, record attendance, minutes and a decision, and make the
// decision a service project and another one a rule; the area's public
// page shows the topic's reason, the meeting, the decisions and the rule
// to anyone signed out, with no names or phones.
func TestCouncilPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		if _, err := s.Demand.SaveCategory(t.Context(), s.F.Users[auth.DistrictAdmin], demand.Category{Code: "lift", Name: "电梯故障",
			ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		worker := s.login(t, auth.CommunityStaff)
		st, body := worker.get("/councils")
		wantStatus(t, "councils", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/councils" aria-current="page"`, `<label for="nc-name">`)

		before := s.count(t, councilRows)
		resp := worker.submit("/councils", url.Values{"area": {testkit.ResA1}, "name": {""}, "term_from": {"2026-01-01"}, "term_to": {"2025-01-01"}})
		wantStatus(t, "a council without a name", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "请填写议事会名称")
		if s.count(t, councilRows) != before {
			t.Fatal("a refused council was written")
		}
		council := created(t, worker, "set up a council", "/councils", url.Values{"area": {testkit.ResA1}, "name": {"绿主妇议事会"},
			"charter": {"居民自治，协商议事。"}, "term_from": {"2026-01-01"}, "term_to": {"2028-12-31"},
			"members": {"王阿姨，13812345678，召集人\n李老师"}})
		st, body = worker.get(council)
		wantStatus(t, "council page", st, http.StatusOK, body)
		testkit.Contains(t, body, "绿主妇议事会", "王阿姨 · 召集人 · 138****5678", "李老师 · 成员")
		if strings.Contains(body, "13812345678") {
			t.Fatal("a member's phone shown in full")
		}

		resident := s.login(t, auth.Resident)
		topic := created(t, resident, "raise a topic", "/topics", url.Values{"area": {testkit.ResA1}, "title": {"楼道堆物清理"}})
		topicID := strings.TrimPrefix(topic, "/topics/")

		at := s.Clock.Now().Add(-2 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		before = s.count(t, councilRows)
		resp = worker.submit(council+"/meetings", url.Values{"title": {"十二月例会"}, "starts_at": {"soon"}, "place": {"居委会"}})
		wantStatus(t, "a meeting without a time", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		if s.count(t, councilRows) != before {
			t.Fatal("a refused meeting was written")
		}
		meeting := created(t, worker, "schedule a meeting", council+"/meetings", url.Values{"title": {"十二月例会"}, "starts_at": {at}, "place": {"居委会二楼"}})
		st, body = worker.get(meeting)
		wantStatus(t, "meeting page", st, http.StatusOK, body)
		testkit.Contains(t, body, `<option value="`+topicID+`">楼道堆物清理`)
		created(t, worker, "put the topic on the agenda", meeting+"/agenda", url.Values{"topic_id": {topicID}})
		resp = worker.submit(meeting+"/agenda", url.Values{"topic_id": {topicID}})
		wantStatus(t, "the topic twice", resp.StatusCode, http.StatusConflict, resp.Body)
		st, body = resident.get(topic)
		wantStatus(t, "topic page", st, http.StatusOK, body)
		testkit.Contains(t, body, "列入议事会议程", "绿主妇议事会 · 十二月例会")

		st, body = worker.get(meeting)
		wantStatus(t, "meeting page", st, http.StatusOK, body)
		member := regexp.MustCompile(`id="mr-p(\d+)"`).FindStringSubmatch(body)
		if member == nil {
			t.Fatalf("no member checkboxes:\n%.2000s", body)
		}
		created(t, worker, "record the meeting", meeting+"/record", url.Values{"attendance": {"15"}, "present": {member[1]}, "minutes": {"同意周末集中清理。"}})
		resp = worker.submit(meeting+"/record", url.Values{"attendance": {"many"}})
		wantStatus(t, "bad attendance", resp.StatusCode, http.StatusBadRequest, resp.Body)
		resp = worker.submit(meeting+"/decisions", url.Values{"text": {"周末集中清理"}, "owner": {""}, "due_on": {"2026-12-20"}})
		wantStatus(t, "a decision without an owner", resp.StatusCode, http.StatusBadRequest, resp.Body)
		created(t, worker, "a decision", meeting+"/decisions", url.Values{"topic_id": {topicID}, "text": {"周末集中清理楼道堆物"}, "owner": {"物业"}, "due_on": {"2026-12-20"}})
		created(t, worker, "another decision", meeting+"/decisions", url.Values{"text": {"楼道不堆物"}, "owner": {"居委会"}, "due_on": {"2026-12-31"}})
		st, body = worker.get(meeting)
		wantStatus(t, "meeting page", st, http.StatusOK, body)
		testkit.Contains(t, body, "出席 15 人", "王阿姨", "跟进：物业，2026-12-20 前", "同意周末集中清理。")
		ids := regexp.MustCompile(`action="/decisions/(\d+)/project"`).FindAllStringSubmatch(body, -1)
		if len(ids) != 2 {
			t.Fatalf("two decisions to turn into something:\n%.3000s", body)
		}
		mid := strings.TrimPrefix(meeting, "/meetings/")
		created(t, worker, "make a project", "/decisions/"+ids[0][1]+"/project", url.Values{"meeting": {mid}, "domain": {"governance"}})
		resp = worker.submit("/decisions/"+ids[0][1]+"/project", url.Values{"meeting": {mid}, "domain": {"governance"}})
		wantStatus(t, "a project twice", resp.StatusCode, http.StatusConflict, resp.Body)
		before = s.count(t, councilRows)
		resp = worker.submit("/decisions/"+ids[1][1]+"/rule", url.Values{"meeting": {mid}, "title": {""}, "body": {"x"}})
		wantStatus(t, "a rule without a title", resp.StatusCode, http.StatusBadRequest, resp.Body)
		if s.count(t, councilRows) != before {
			t.Fatal("a refused rule was written")
		}
		created(t, worker, "publish a rule", "/decisions/"+ids[1][1]+"/rule", url.Values{"meeting": {mid}, "title": {"楼道公约"}, "body": {"楼道不堆物，共同维护。"}})
		st, body = worker.get(meeting)
		wantStatus(t, "meeting page", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/projects/`, "已转为服务项目", "已发布为自治公约")

		// The public page, signed out.
		anon := s.browser(t)
		st, body = anon.get("/area/" + testkit.ResA1)
		wantStatus(t, "public area page", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区", "楼道堆物清理", "绿主妇议事会 · 十二月例会", "周末集中清理楼道堆物", "楼道公约", "楼道不堆物，共同维护。")
		for _, secret := range []string{"王阿姨", "138", "5678"} {
			if strings.Contains(body, secret) {
				t.Fatalf("the public page shows %q", secret)
			}
		}
		st, _ = anon.get("/area/999")
		wantStatus(t, "unknown area", st, http.StatusNotFound, "")
	})
}
