package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/survey"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// postPhones posts the survey SMS form as the page sends it: multipart,
// with the typed list and, when name is set, a file in the field "file".
func (b *browser) postPhones(path, typed, name string, data []byte, withCSRF bool) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if withCSRF {
		mw.WriteField("csrf", b.csrf)
	}
	mw.WriteField("phones", typed)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		b.t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return b.do(http.MethodPost, path, &buf, mw.FormDataContentType())
}

// TestSurveySMSPages: the street sends survey links by SMS from a
// campaign's page, typed and from a CSV file; a bad line or row is named
// and nothing is sent; the result says how many went and were skipped;
// the page counts the messages by state; the committee sees the counts
// but no form; without a gateway there is no form and a post is refused.
func TestSurveySMSPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		gw := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		defer gw.Close()
		var sender *notify.SMSSender
		s := newSite(t, d, func(dp *web.Deps) {
			dp.Survey = survey.NewService(d, dp.Clock)
			dp.Survey.SetSMS(notify.NewService(d, dp.Clock, notify.Options{SMS: true, BaseURL: "https://gz.example.gov.cn"}))
			sender = notify.NewSMSSender(d, dp.Clock, notify.SMSConfig{Gateway: gw.URL, Secret: "web-survey-sms-secret"}, nil)
		})
		street := s.login(t, auth.StreetStaff)
		now := s.Clock.Now()
		page := created(t, street, "start a survey", "/surveys", url.Values{"area": {testkit.ResA1}, "period": {"2026H2"},
			"opens_at": {dtl(now.Add(-time.Minute))}, "closes_at": {dtl(now.Add(14 * 24 * time.Hour))}})
		st, body := street.get(page)
		wantStatus(t, "campaign", st, http.StatusOK, body)
		testkit.Contains(t, body, `action="`+page+`/sms"`, `<label for="ssms-phones">`, `<label for="ssms-file">`, `enctype="multipart/form-data"`)

		rows := "SELECT (SELECT count(*) FROM sms_outbox) + (SELECT count(*) FROM survey_links) + (SELECT count(*) FROM audit_log)"
		before := s.count(t, rows)
		resp := street.postPhones(page+"/sms", "138 0013 8000\n12345", "", nil, true)
		wantStatus(t, "a bad line", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="ssms-error"`, "第 2 行不是内地手机号", "138 0013 8000\n12345</textarea>")
		resp = street.postPhones(page+"/sms", "", "phones.csv", []byte("手机号\n13900139000\n021-64670000\n"), true)
		wantStatus(t, "a bad row", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "phones.csv：第 3 行 A 列：不是内地手机号")
		resp = street.postPhones(page+"/sms", "13800138000", "", nil, false)
		wantStatus(t, "no CSRF token", resp.StatusCode, http.StatusForbidden, resp.Body)
		if s.count(t, rows) != before {
			t.Fatal("a refused list wrote something")
		}

		resp = street.postPhones(page+"/sms", "138 0013 8000\r\n", "phones.csv", []byte("手机号\n13900139000\n13800138000\n"), true)
		wantStatus(t, "send", resp.StatusCode, http.StatusSeeOther, resp.Body)
		loc := resp.Header.Get("Location")
		if loc != page+"?sent=2&skipped=0#sms-sent" {
			t.Fatalf("redirect to %q", loc)
		}
		st, body = street.get(strings.TrimSuffix(loc, "#sms-sent"))
		wantStatus(t, "sent", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="sms-sent"`, "已发送 2 条测评短信，跳过 0 个已发过的号码", "共 2 条（待发送 2，已送达 0，发送失败 0）")
		resp = street.postPhones(page+"/sms", "13900139000\n13800138000", "", nil, true)
		if loc := resp.Header.Get("Location"); loc != page+"?sent=0&skipped=2#sms-sent" {
			t.Fatalf("again: %d %q", resp.StatusCode, loc)
		}
		if n := s.count(t, "SELECT count(*) FROM sms_outbox"); n != 2 {
			t.Fatalf("%d messages, want 2", n)
		}
		if n, err := sender.RunDue(t.Context()); err != nil || n != 2 {
			t.Fatalf("sender: %d %v", n, err)
		}
		committee := s.login(t, auth.CommunityStaff)
		st, body = committee.get(page)
		wantStatus(t, "committee", st, http.StatusOK, body)
		testkit.Contains(t, body, "共 2 条（待发送 0，已送达 2，发送失败 0）")
		if strings.Contains(body, `action="`+page+`/sms"`) || strings.Contains(body, "/survey/") {
			t.Fatal("the committee's page offers the SMS form or shows a link")
		}
		resp = committee.postPhones(page+"/sms", "13700137000", "", nil, true)
		wantStatus(t, "the committee sends", resp.StatusCode, http.StatusForbidden, resp.Body)
	})
}

// TestSurveySMSNoGateway: without a gateway the page offers no SMS form,
// and a post is refused, saying why, with nothing written.
func TestSurveySMSNoGateway(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		street := s.login(t, auth.StreetStaff)
		now := s.Clock.Now()
		page := created(t, street, "start a survey", "/surveys", url.Values{"area": {testkit.ResA1}, "period": {"2026H2"},
			"opens_at": {dtl(now.Add(-time.Minute))}, "closes_at": {dtl(now.Add(14 * 24 * time.Hour))}})
		st, body := street.get(page)
		wantStatus(t, "campaign", st, http.StatusOK, body)
		if strings.Contains(body, "ssms-phones") {
			t.Fatal("the SMS form is offered without a gateway")
		}
		resp := street.postPhones(page+"/sms", "13800138000", "", nil, true)
		wantStatus(t, "no gateway", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "尚未配置短信网关")
		if n := s.count(t, "SELECT count(*) FROM sms_outbox"); n != 0 {
			t.Fatal("a message was queued without a gateway")
		}
	})
}
