package web_test

import (
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/demand"
	"gongzhi/internal/jobs"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

const commentRows = "SELECT (SELECT count(*) FROM topic_comments) + (SELECT count(*) FROM topic_comment_reports) + " +
	"(SELECT COALESCE(sum(reports), 0) FROM topic_comments) + (SELECT count(*) FROM audit_log)"

// TestTopicCommentPages: a resident comments under the area's civility
// policy (an empty comment is named and nothing saved); a member reports
// it once (a second report is refused and changes nothing); staff see the
// count, hide it with a public reason that residents read instead of the
// text, and the author deletes it. A unit liaison does not see the topic.
func notContains(t *testing.T, body, s string) {
	t.Helper()
	if strings.Contains(body, s) {
		t.Errorf("the page shows %q", s)
	}
}

func TestTopicCommentPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		worker, resident, member := s.login(t, auth.CommunityStaff), s.login(t, auth.Resident), s.login(t, auth.Member)
		resp := worker.submit("/topic-settings", url.Values{"area": {testkit.ResA1}, "support_threshold": {"10"}, "answer_days": {"10"},
			"civility": {"本小区议事：不骂人，不晒别人家门牌。"}})
		wantStatus(t, "civility policy", resp.StatusCode, http.StatusSeeOther, resp.Body)
		topic := created(t, resident, "raise a topic", "/topics", url.Values{"area": {testkit.ResA1}, "title": {"快递柜占用消防通道"}, "from": {"home"}})

		st, body := resident.get(topic)
		wantStatus(t, "the topic", st, http.StatusOK, body)
		testkit.Contains(t, body, "本小区议事：不骂人，不晒别人家门牌。", `<label for="comment-text">`, `action="`+topic+`/comments"`, "暂无评论")

		before := s.count(t, commentRows)
		resp = resident.submit(topic+"/comments", url.Values{"text": {"  "}})
		wantStatus(t, "an empty comment", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="comment-text-error"`, "请填写评论内容")
		if s.count(t, commentRows) != before {
			t.Fatal("a refused comment was written")
		}
		resp = resident.submit(topic+"/comments", url.Values{"text": {"建议把快递柜移到东门车棚旁边"}})
		wantStatus(t, "comment", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = member.get(topic)
		wantStatus(t, "the thread", st, http.StatusOK, body)
		testkit.Contains(t, body, "建议把快递柜移到东门车棚旁边", "举报理由")
		c := regexp.MustCompile(`action="/topic-comments/(\d+)/report"`).FindStringSubmatch(body)
		if c == nil {
			t.Fatalf("no report form:\n%.3000s", body)
		}
		cid := "/topic-comments/" + c[1]
		tid := topic[len("/topics/"):]
		resp = member.submit(cid+"/report", url.Values{"topic": {tid}, "reason": {"与议题无关"}})
		wantStatus(t, "report", resp.StatusCode, http.StatusSeeOther, resp.Body)
		before = s.count(t, commentRows)
		resp = member.submit(cid+"/report", url.Values{"topic": {tid}, "reason": {"再举报一次"}})
		wantStatus(t, "a second report", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "你已举报过此评论")
		if s.count(t, commentRows) != before {
			t.Fatal("a second report was written")
		}
		if _, body = resident.get(topic); regexp.MustCompile(`被举报 \d 次`).MatchString(body) {
			t.Error("a resident sees the report count")
		}
		_, body = worker.get(topic)
		testkit.Contains(t, body, "被举报 1 次", `action="`+cid+`/hide"`)
		resp = resident.submit(cid+"/hide", url.Values{"topic": {tid}, "reason": {"x"}})
		wantStatus(t, "a resident hiding", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = worker.submit(cid+"/hide", url.Values{"topic": {tid}, "reason": {""}})
		wantStatus(t, "hiding without reason", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请填写隐藏理由")
		resp = worker.submit(cid+"/hide", url.Values{"topic": {tid}, "reason": {"与本议题无关"}})
		wantStatus(t, "hide", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get(topic)
		testkit.Contains(t, body, "已隐藏：与本议题无关")
		notContains(t, body, "建议把快递柜移到东门车棚旁边")
		_, body = worker.get(topic)
		testkit.Contains(t, body, "已隐藏：与本议题无关", "<del>建议把快递柜移到东门车棚旁边</del>", `action="`+cid+`/unhide"`)
		resp = worker.submit(cid+"/unhide", url.Values{"topic": {tid}})
		wantStatus(t, "unhide", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = resident.submit(cid+"/delete", url.Values{"topic": {tid}})
		wantStatus(t, "delete", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get(topic)
		testkit.Contains(t, body, "作者已删除此评论")
		notContains(t, body, "建议把快递柜移到东门车棚旁边")

		liaison := s.login(t, auth.UnitLiaison)
		resp = liaison.submit(topic+"/comments", url.Values{"text": {"路过"}})
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusForbidden {
			t.Errorf("a unit liaison comments: %d", resp.StatusCode)
		}
		resp = worker.submit(topic+"/close", url.Values{"text": {"已协调物业移走"}})
		wantStatus(t, "close", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = resident.submit(topic+"/comments", url.Values{"text": {"还有问题"}})
		wantStatus(t, "a comment on a closed topic", resp.StatusCode, http.StatusConflict, resp.Body)
	})
}

// TestTopicEscalationPages: a topic on the agenda nobody answers goes up
// when the job runs (the clock is moved): the street's staff find it with
// the escalated filter and its page says where it went.
func TestTopicEscalationPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		var q *jobs.Queue
		s := newSite(t, d, func(deps *web.Deps) {
			deps.Delib = delib.NewService(d, deps.Clock)
			deps.Delib.SetNotifier(deps.Notify)
			q = jobs.New(d, deps.Clock, slog.New(slog.DiscardHandler))
			deps.Delib.RegisterJobs(q)
		})
		worker, resident, member, street := s.login(t, auth.CommunityStaff), s.login(t, auth.Resident), s.login(t, auth.Member), s.login(t, auth.StreetStaff)
		resp := worker.submit("/topic-settings", url.Values{"area": {testkit.ResA1}, "support_threshold": {"1"}, "answer_days": {"1"}})
		wantStatus(t, "settings", resp.StatusCode, http.StatusSeeOther, resp.Body)
		topic := created(t, resident, "raise a topic", "/topics", url.Values{"area": {testkit.ResA1}, "title": {"电动车楼道充电"}, "from": {"home"}})
		resp = member.submit(topic+"/support", nil)
		wantStatus(t, "support", resp.StatusCode, http.StatusSeeOther, resp.Body)
		s.Clock.Advance(48 * time.Hour)
		if _, err := q.RunDue(t.Context()); err != nil {
			t.Fatal(err)
		}
		st, body := street.get("/topics?escalated=1")
		wantStatus(t, "escalated topics", st, http.StatusOK, body)
		testkit.Contains(t, body, "电动车楼道充电", `id="tf-escalated" name="escalated" type="checkbox" value="1" checked`)
		st, body = worker.get("/topics?escalated=1")
		wantStatus(t, "the community's escalated topics", st, http.StatusOK, body)
		notContains(t, body, "电动车楼道充电")
		_, body = resident.get(topic)
		testkit.Contains(t, body, "已上报湖南路街道", "逾期上报上级")
		if n := s.count(t, `SELECT count(*) FROM inbox WHERE entity = 'topic' AND user_id = ?`, s.F.Users[auth.StreetStaff].UserID); n != 1 {
			t.Errorf("the street's staff got %d notices, want 1", n)
		}
	})
}

// TestTopicFromDemandsPage: staff make a topic from demand numbers; a
// number outside the area is named on the form and nothing is saved; the
// topic lists the demands by number, without what the residents wrote.
func TestTopicFromDemandsPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		worker := s.login(t, auth.CommunityStaff)
		if _, err := s.Demand.SaveCategory(t.Context(), auth.SystemPrincipal(), demand.Category{Code: "noise", Name: "噪音扰民", ContactLimit: "2h",
			ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		file := func(area string) string {
			f, err := s.Demand.Intake(t.Context(), s.F.Users[auth.DistrictAdmin], demand.NewDemand{Category: "noise", Channel: "hotline", Area: area,
				Description: "楼下烧烤店油烟大，我家电话13900002222"})
			if err != nil {
				t.Fatal(err)
			}
			return strconv.FormatInt(f.Demand.ID, 10)
		}
		a, b, far := file(testkit.ResA1), file(testkit.ResA1), file(testkit.ResB1)
		before := s.count(t, "SELECT count(*) FROM topics")
		resp := worker.submit("/topics", url.Values{"area": {testkit.ResA1}, "title": {"烧烤油烟"}, "demand_ids": {a + ", " + far}})
		wantStatus(t, "a demand of another area", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="st-demands-error"`, "不是本区域内你可查看的诉求")
		if s.count(t, "SELECT count(*) FROM topics") != before {
			t.Fatal("a refused topic was written")
		}
		topic := created(t, worker, "a topic from demands", "/topics", url.Values{"area": {testkit.ResA1}, "title": {"烧烤油烟"}, "demand_ids": {"#" + a + " #" + b}})
		_, body := worker.get(topic)
		testkit.Contains(t, body, `<a href="/demands/`+a+`">#`+a+`</a>`, "#"+b)
		notContains(t, body, "13900002222")
		notContains(t, body, "油烟大")
	})
}
