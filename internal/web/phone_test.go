package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// withSMS gives the site an SMS gateway (messages are queued, never sent).
func withSMS(d *web.Deps) {
	d.Notify = notify.NewService(d.DB, d.Clock, notify.Options{SMS: true})
}

// TestPhonePages: staff keep the roll (masked list, import refused with
// its cell named, export without a whole number); a resident with no
// account verifies their phone by the texted code, raises a topic,
// supports it once, is refused without the session's CSRF token, and
// signs out.
func TestPhonePages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d, withSMS)
		staff := s.login(t, auth.CommunityStaff)
		resp := staff.submit("/resident-phones", url.Values{"area": {testkit.ResA1}, "phone": {"138 0013 8000"}, "household": {"3号101"}})
		wantStatus(t, "add", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.submit("/resident-phones", url.Values{"area": {testkit.ResA1}, "phone": {"12345"}})
		wantStatus(t, "add a bad number", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "请输入大陆手机号")

		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", staff.csrf)
		mw.WriteField("area", testkit.ResA1)
		fw, _ := mw.CreateFormFile("file", "phones.csv")
		fw.Write([]byte("手机,门牌\n13900139001,1号\n021-1234\n"))
		mw.Close()
		resp = staff.do(http.MethodPost, "/resident-phones/import", &buf, mw.FormDataContentType())
		wantStatus(t, "a bad import", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "第 3 行 A 列")
		st, body := staff.get("/resident-phones?area=" + testkit.ResA1)
		wantStatus(t, "roll", st, http.StatusOK, body)
		testkit.Contains(t, body, "138****8000", "3号101")
		if strings.Contains(body, "13800138000") || strings.Contains(body, "13900139001") {
			t.Fatal("the roll page shows a whole number, or the refused import was kept")
		}
		resp = staff.do(http.MethodGet, "/resident-phones/export.xlsx?area="+testkit.ResA1, nil, "")
		wantStatus(t, "export", resp.StatusCode, http.StatusOK, "")
		if !strings.HasPrefix(resp.Body, "PK") {
			t.Fatal("export is no xlsx")
		}
		if st, _ := s.login(t, auth.Resident).get("/resident-phones"); st != http.StatusForbidden {
			t.Fatalf("a resident reads the roll: %d", st)
		}

		// The resident, no account.
		b := s.browser(t)
		st, body = b.get("/p")
		wantStatus(t, "/p", st, http.StatusOK, body)
		testkit.Contains(t, body, `name="phone"`, "居委会")
		resp = b.post("/p/code", url.Values{"phone": {"13800138000"}}, nil)
		wantStatus(t, "code", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "138****8000", `name="code"`)
		var sms string
		if err := d.QueryRow(t.Context(), "SELECT body FROM sms_outbox WHERE recipient = '13800138000'").Scan(&sms); err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(sms)
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		resp = b.post("/p/verify", url.Values{"phone": {"13800138000"}, "code": {wrong}}, nil)
		wantStatus(t, "wrong code", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "还可以尝试 4 次")
		resp = b.post("/p/verify", url.Values{"phone": {"13800138000"}, "code": {code}}, nil)
		wantStatus(t, "verify", resp.StatusCode, http.StatusSeeOther, resp.Body)
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
			if c.Name == "gz_phone" {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.Path != "/p" || cookie.SameSite != http.SameSiteLaxMode {
			t.Fatalf("phone cookie: %+v", cookie)
		}
		st, body = b.get("/p")
		wantStatus(t, "/p signed in", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区", `action="/p/topics"`)
		csrf := csrfField.FindStringSubmatch(body)[1]

		topics := func() int { return s.count(t, "SELECT count(*) FROM topics") }
		resp = b.post("/p/topics", url.Values{"area": {testkit.ResA1}, "title": {"东门加装路灯"}}, nil)
		wantStatus(t, "raise without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = b.post("/p/topics", url.Values{"csrf": {"x" + csrf}, "area": {testkit.ResA1}, "title": {"东门加装路灯"}}, nil)
		wantStatus(t, "raise with a wrong csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		if topics() != 0 {
			t.Fatal("a refused post raised a topic")
		}
		resp = b.post("/p/topics", url.Values{"csrf": {csrf}, "area": {testkit.ResA1}, "title": {""}}, nil)
		wantStatus(t, "raise without a title", resp.StatusCode, http.StatusBadRequest, resp.Body)
		resp = b.post("/p/topics", url.Values{"csrf": {csrf}, "area": {testkit.ResB1}, "title": {"别处"}}, nil)
		wantStatus(t, "raise elsewhere", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = b.post("/p/topics", url.Values{"csrf": {csrf}, "area": {testkit.ResA1}, "title": {"东门加装路灯"}, "body": {"晚上看不清"}}, nil)
		wantStatus(t, "raise", resp.StatusCode, http.StatusSeeOther, resp.Body)
		where := resp.Header.Get("Location")
		if !strings.HasPrefix(where, "/p/topics/") || topics() != 1 {
			t.Fatalf("raised to %q", where)
		}
		resp = b.post(where+"/support", url.Values{}, nil)
		wantStatus(t, "support without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = b.post(where+"/support", url.Values{"csrf": {csrf}}, nil)
		wantStatus(t, "support", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = b.post(where+"/support", url.Values{"csrf": {csrf}}, nil)
		wantStatus(t, "support again", resp.StatusCode, http.StatusConflict, resp.Body)
		st, body = b.get(where)
		wantStatus(t, "topic", st, http.StatusOK, body)
		testkit.Contains(t, body, "东门加装路灯", "138****8000", "附议 1 / ")
		if strings.Contains(body, "13800138000") {
			t.Fatal("the topic page shows the whole number")
		}
		// The discussion: the comment box under the area's civility policy.
		testkit.Contains(t, body, `action="`+where+`/comments"`, `id="civility"`)
		comments := func() int { return s.count(t, "SELECT count(*) FROM topic_comments") }
		resp = b.post(where+"/comments", url.Values{"text": {"同意"}}, nil)
		wantStatus(t, "comment without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = b.post(where+"/comments", url.Values{"csrf": {csrf}, "text": {"  "}}, nil)
		wantStatus(t, "empty comment", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		if n := comments(); n != 0 {
			t.Fatalf("refused comments wrote %d rows", n)
		}
		resp = b.post(where+"/comments", url.Values{"csrf": {csrf}, "text": {"台阶边上最好也装一盏"}}, nil)
		wantStatus(t, "comment", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = b.get(where)
		wantStatus(t, "topic with a comment", st, http.StatusOK, body)
		testkit.Contains(t, body, "台阶边上最好也装一盏")
		if n := comments(); n != 1 {
			t.Fatalf("%d comments, want 1", n)
		}

		resp = b.post("/p/signout", url.Values{"csrf": {csrf}}, nil)
		wantStatus(t, "sign out", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if st, _ = b.get(where); st != http.StatusSeeOther {
			t.Fatalf("topic page after sign-out: %d", st)
		}
		if n := s.count(t, "SELECT count(*) FROM phone_sessions"); n != 0 {
			t.Fatalf("%d sessions after sign-out", n)
		}
	})
}

// TestPhonePagesWithoutSMS: no gateway, no form.
func TestPhonePagesWithoutSMS(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		st, body := s.browser(t).get("/p")
		wantStatus(t, "/p", st, http.StatusOK, body)
		testkit.Contains(t, body, "短信服务尚未开通")
		if strings.Contains(body, `name="phone"`) {
			t.Fatal("the form shows without a gateway")
		}
	})
}
