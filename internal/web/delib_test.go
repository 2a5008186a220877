package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

const delibRows = "SELECT (SELECT count(*) FROM votes) + (SELECT count(*) FROM vote_ballots) + (SELECT count(*) FROM vote_voters) + " +
	"(SELECT count(*) FROM topics) + (SELECT count(*) FROM topic_supports) + (SELECT count(*) FROM audit_log)"

var receiptRe = regexp.MustCompile(`id="receipt">([0-9A-Z]{10})<`)

// TestDelibPages walks votes and topics as their users would: a worker
// calls a vote (a bad form is named and nothing saved) and prints ballot
// slips; a household votes by its link with no account and gets a
// receipt, the link then refuses a second ballot; a resident votes signed
// in from the 议事 page; the worker closes the vote and anyone finds a
// receipt on the public page. A resident raises a topic, a member
// supports it, staff answer it.
func TestDelibPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		worker := s.login(t, auth.CommunityStaff)
		st, body := worker.get("/votes")
		wantStatus(t, "votes", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/votes" aria-current="page"`, `<label for="nv-question">`, "同意\n不同意\n弃权")

		now := s.Clock.Now()
		form := func(q string) url.Values {
			return url.Values{"area": {testkit.ResA1}, "question": {q}, "choices": {"同意\r\n不同意"}, "opens_at": {dtl(now.Add(-time.Minute))},
				"closes_at": {dtl(now.Add(72 * time.Hour))}, "residents": {"1"}, "quorum": {"0"}, "threshold_pct": {"50"}}
		}
		before := s.count(t, delibRows)
		resp := worker.submit("/votes", form(""))
		wantStatus(t, "a vote without a question", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="nv-question-error"`, "请填写表决事项")
		if s.count(t, delibRows) != before {
			t.Fatal("a refused vote was written")
		}
		vote := created(t, worker, "call a vote", "/votes", form("是否同意在小区东门加装门禁？"))
		st, body = worker.get(vote)
		wantStatus(t, "vote page", st, http.StatusOK, body)
		testkit.Contains(t, body, "投票中", "一次性投票链接", `action="`+vote+`/close"`)

		resp = worker.submit(vote+"/links", url.Values{"households": {"3号楼201室\n3号楼202室"}})
		wantStatus(t, "ballot slips", resp.StatusCode, http.StatusOK, resp.Body)
		links := regexp.MustCompile(`href="(/ballot/[a-z0-9]+)"`).FindAllStringSubmatch(resp.Body, -1)
		if len(links) != 2 || strings.Count(resp.Body, `src="data:image/png;base64,`) != 2 {
			t.Fatalf("two slips with QR codes:\n%.2000s", resp.Body)
		}

		household := s.browser(t)
		st, body = household.get(links[0][1])
		wantStatus(t, "ballot by link", st, http.StatusOK, body)
		testkit.Contains(t, body, "是否同意在小区东门加装门禁？", `<label for="choice-0">同意</label>`)
		resp = household.post(links[0][1], url.Values{"choice": {"0"}}, nil)
		wantStatus(t, "vote by link", resp.StatusCode, http.StatusOK, resp.Body)
		m := receiptRe.FindStringSubmatch(resp.Body)
		if m == nil {
			t.Fatalf("no receipt:\n%.1500s", resp.Body)
		}
		before = s.count(t, delibRows)
		resp = household.post(links[0][1], url.Values{"choice": {"1"}}, nil)
		wantStatus(t, "the link a second time", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "该投票链接已使用过")
		if s.count(t, delibRows) != before {
			t.Fatal("a refused ballot was written")
		}

		resident := s.login(t, auth.Resident)
		st, body = resident.get("/")
		wantStatus(t, "a resident's home", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/delib"`)
		st, body = resident.get("/delib")
		wantStatus(t, "议事", st, http.StatusOK, body)
		ballot := vote + "/ballot"
		testkit.Contains(t, body, `href="`+ballot+`"`)
		resp = resident.submit(ballot, url.Values{"choice": {"1"}})
		wantStatus(t, "vote signed in", resp.StatusCode, http.StatusOK, resp.Body)
		if receiptRe.FindStringSubmatch(resp.Body) == nil {
			t.Fatalf("no receipt:\n%.1500s", resp.Body)
		}
		resp = resident.submit(ballot, url.Values{"choice": {"0"}})
		wantStatus(t, "voting twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "您已经投过票")

		id := strings.TrimPrefix(vote, "/votes/")
		st, body = household.get("/vote/" + id)
		wantStatus(t, "the open vote's public page", st, http.StatusOK, body)
		testkit.Contains(t, body, "表决进行中")
		if strings.Contains(body, m[1]) {
			t.Fatal("a receipt is shown before the vote closes")
		}
		resp = worker.submit(vote+"/close", nil)
		wantStatus(t, "close", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = household.get("/vote/" + id + "?receipt=" + strings.ToLower(m[1]))
		wantStatus(t, "public result", st, http.StatusOK, body)
		testkit.Contains(t, body, "未通过", "有效票 2 张", "回执 "+m[1]+" 已计入，选项：同意", `href="/vote/`+id+`/receipts.csv"`)
		// The page's find box posts the receipt: the address keeps none.
		resp = household.post("/vote/"+id, url.Values{"receipt": {strings.ToLower(m[1])}}, nil)
		wantStatus(t, "receipt looked up by the form", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "回执 "+m[1]+" 已计入，选项：同意", `<form method="post" action="/vote/`+id+`#found"`)
		st, body = household.get("/vote/" + id + "/receipts.csv")
		if st != http.StatusOK || strings.Count(body, "\n") != 3 || !strings.Contains(body, m[1]+`,"同意"`) {
			t.Errorf("receipts CSV: %d %q", st, body)
		}

		// Topics.
		before = s.count(t, delibRows)
		resp = resident.submit("/topics", url.Values{"area": {testkit.ResA1}, "title": {""}, "from": {"home"}})
		wantStatus(t, "a topic without a title", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="rt-title-error"`)
		if s.count(t, delibRows) != before {
			t.Fatal("a refused topic was written")
		}
		topic := created(t, resident, "raise a topic", "/topics", url.Values{"area": {testkit.ResA1}, "title": {"小区东门路灯不亮"}, "from": {"home"}})
		member := s.login(t, auth.Member)
		resp = member.submit(topic+"/support", nil)
		wantStatus(t, "support", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = member.submit(topic+"/support", nil)
		wantStatus(t, "support twice", resp.StatusCode, http.StatusConflict, resp.Body)
		st, body = worker.get("/topics")
		wantStatus(t, "topics", st, http.StatusOK, body)
		testkit.Contains(t, body, "小区东门路灯不亮", "1/10", `<label for="ts-threshold">`, `href="/topics/export.xlsx?`)
		resp = worker.do(http.MethodGet, "/topics/export.xlsx?status=open", nil, "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Body, "PK") || !strings.Contains(resp.Header.Get("Content-Disposition"), "topics-") {
			t.Errorf("topics export: %d %q", resp.StatusCode, resp.Header)
		}
		resp = worker.submit(topic+"/answer", url.Values{"text": {""}})
		wantStatus(t, "an empty answer", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		resp = worker.submit(topic+"/answer", url.Values{"text": {"已报修，本周内修复"}})
		wantStatus(t, "answer", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = resident.get(topic)
		wantStatus(t, "the answered topic", st, http.StatusOK, body)
		testkit.Contains(t, body, "已报修，本周内修复", "已答复", "提出议题")
	})
}

// dtl writes t as a datetime-local form value in Shanghai time.
func dtl(t time.Time) string { return t.In(clock.Shanghai).Format("2006-01-02T15:04") }
