package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

var shortCodeRe = regexp.MustCompile(`id="short-code" lang="en">([A-Z0-9]{4}-[A-Z0-9]{4})<`)

// shortCodeOf reads the short code a page shows.
func shortCodeOf(t *testing.T, body string) string {
	t.Helper()
	m := shortCodeRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no short code on the page:\n%.3000s", body)
	}
	return m[1]
}

// newSMSSite is newDemandSite with an SMS gateway configured.
func newSMSSite(t *testing.T, d *db.DB) *site {
	t.Helper()
	s := newSite(t, d, func(deps *web.Deps) {
		deps.Notify = notify.NewService(d, deps.Clock, notify.Options{SMS: true, BaseURL: "https://gz.example.gov.cn"})
		deps.Demand = demand.NewService(d, deps.Clock, deps.Notify)
	})
	for _, c := range []demand.Category{
		{Code: "noise", Name: "噪音扰民", NameEN: "Noise", ContactLimit: "2h", ResolveLimit: "5wd", Keywords: "噪音 吵闹 扰民", Active: true},
		{Code: "property", Name: "物业管理", NameEN: "Property management", ContactLimit: "4h", ResolveLimit: "10wd", Keywords: "物业 漏水 电梯", Active: true},
	} {
		if _, err := s.Demand.SaveCategory(context.Background(), auth.SystemPrincipal(), c); err != nil {
			t.Fatalf("category %s: %v", c.Code, err)
		}
	}
	return s
}

// TestShortCodeAndSMS: after filing, the operator reads out the short
// code and, with a gateway, texts the link in one click and goes on to the
// next call; the code alone opens tracking (/c/{code}, or typed at
// /track), without the caller's phone, files or rating.
func TestShortCodeAndSMS(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSMSSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		resp := b.submit("/demands", url.Values{"category": {"噪音"}, "area": {"东湖居民区 第1网格"}, "channel": {"hotline"},
			"description": {"楼下烧烤店每天深夜噪音扰民"}, "reporter_phone": {"13800001234"}})
		wantStatus(t, "file", resp.StatusCode, http.StatusOK, resp.Body)
		id, code := filedID(t, resp.Body), shortCodeOf(t, resp.Body)
		testkit.Contains(t, resp.Body, `id="sms-form"`, fmt.Sprintf(`action="/demands/%d/sms"`, id), "138****1234")

		// A landline gets the code but no SMS button.
		land := b.submit("/demands", url.Values{"category": {"噪音"}, "area": {"东湖居民区"}, "description": {"座机来电"}, "reporter_phone": {"021-64670000"}})
		shortCodeOf(t, land.Body)
		if strings.Contains(land.Body, `id="sms-form"`) {
			t.Error("an SMS button for a landline")
		}

		resp = b.submit(fmt.Sprintf("/demands/%d/sms", id), url.Values{"from": {"intake"}})
		wantStatus(t, "send", resp.StatusCode, http.StatusSeeOther, resp.Body)
		next := resp.Header.Get("Location")
		if !strings.HasPrefix(next, fmt.Sprintf("/demands/new?sms=%d", id)) {
			t.Fatalf("after sending: %s", next)
		}
		_, page := b.get(next)
		testkit.Contains(t, page, `id="sms-sent"`, `id="intake-form"`)
		if n := s.count(t, "SELECT count(*) FROM sms_outbox WHERE recipient = '13800001234' AND entity_id = ?", fmt.Sprint(id)); n != 1 {
			t.Fatalf("%d messages queued", n)
		}
		// No CSRF token, no message.
		if r := b.post(fmt.Sprintf("/demands/%d/sms", id), url.Values{}, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("without CSRF: %d", r.StatusCode)
		}

		// The demand page: staff see the code and the button, an auditor neither.
		_, staffPage := b.get(fmt.Sprintf("/demands/%d", id))
		testkit.Contains(t, staffPage, `id="sms-form"`, code, `id="recat-form"`)
		_, auditorPage := s.login(t, auth.Auditor).get(fmt.Sprintf("/demands/%d", id))
		for _, leak := range []string{code, `id="sms-form"`, `id="recat-form"`} {
			if strings.Contains(auditorPage, leak) {
				t.Errorf("the auditor's page shows %s", leak)
			}
		}

		// The code alone, as the SMS link and as typed.
		anon := s.browser(t)
		raw := strings.ReplaceAll(code, "-", "")
		st, tracked := anon.get("/c/" + raw)
		wantStatus(t, "short link", st, http.StatusOK, tracked)
		testkit.Contains(t, tracked, "楼下烧烤店每天深夜噪音扰民", `id="timeline"`)
		for _, leak := range []string{"13800001234", "rate-form", "/t/"} {
			if strings.Contains(tracked, leak) {
				t.Errorf("the short link's page shows %q", leak)
			}
		}
		_, form := anon.get("/track")
		testkit.Contains(t, form, `id="code-form"`, `name="code"`, `id="lookup-form"`)
		r := anon.submit("/track", url.Values{"code": {strings.ToLower(code)}})
		wantStatus(t, "typed code", r.StatusCode, http.StatusOK, r.Body)
		testkit.Contains(t, r.Body, "楼下烧烤店每天深夜噪音扰民")
		r = anon.submit("/track", url.Values{"code": {"ABC"}})
		wantStatus(t, "malformed code", r.StatusCode, http.StatusUnprocessableEntity, r.Body)
		st, body := anon.get("/c/ZZZZZZZZ")
		wantStatus(t, "unknown code", st, http.StatusNotFound, body)
		testkit.Contains(t, body, `id="lookup-error"`, `id="code-form"`)
	})
}

// TestNoSMSWithoutGateway: without a gateway the code is still read out,
// and no page offers a text message.
func TestNoSMSWithoutGateway(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		resp := b.submit("/demands", url.Values{"category": {"噪音"}, "area": {"东湖居民区"}, "description": {"夜里施工"}, "reporter_phone": {"13800001234"}})
		id := filedID(t, resp.Body)
		shortCodeOf(t, resp.Body)
		_, page := b.get(fmt.Sprintf("/demands/%d", id))
		if strings.Contains(resp.Body, `id="sms-form"`) || strings.Contains(page, `id="sms-form"`) {
			t.Error("an SMS button without a gateway")
		}
		r := b.submit(fmt.Sprintf("/demands/%d/sms", id), nil)
		wantStatus(t, "send anyway", r.StatusCode, http.StatusUnprocessableEntity, r.Body)
		if n := s.count(t, "SELECT count(*) FROM sms_outbox"); n != 0 {
			t.Errorf("%d messages queued", n)
		}
	})
}

// TestMyDemandsPage: a signed-in resident's report lands in "我的诉求",
// reachable from their home page, with its status, handler and tracking
// link; another user's list is empty; signed out it asks for a login.
func TestMyDemandsPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		r := s.login(t, auth.Resident)
		_, home := r.get("/")
		testkit.Contains(t, home, `href="/me/demands"`)
		resp := r.submit("/report", url.Values{"category": {"noise"}, "area": {"东湖"}, "description": {"楼上每晚装修到十一点"}, "phone": {"13900007777"}})
		wantStatus(t, "report", resp.StatusCode, http.StatusOK, resp.Body)
		code := shortCodeOf(t, resp.Body)
		testkit.Contains(t, resp.Body, `id="my-demands-link"`)

		st, page := r.get("/me/demands")
		wantStatus(t, "mine", st, http.StatusOK, page)
		testkit.Contains(t, page, `id="my-demands"`, "楼上每晚装修到十一点", code, `href="/c/`+strings.ReplaceAll(code, "-", "")+`"`, "已受理", "待派单")
		if strings.Contains(page, "13900007777") {
			t.Error("the list shows the phone")
		}
		_, other := s.login(t, auth.Member).get("/me/demands")
		testkit.Contains(t, other, `id="my-demands-none"`)
		if strings.Contains(other, "楼上每晚装修") {
			t.Error("another user sees the resident's demand")
		}
		anonStatus, _ := s.browser(t).get("/me/demands")
		if anonStatus != http.StatusSeeOther {
			t.Errorf("signed out: %d", anonStatus)
		}
	})
}

// TestRecategoriseForm: staff move a demand filed as the wrong category
// from its page; a form without a reason names the field and changes
// nothing; a reader cannot.
func TestRecategoriseForm(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "电梯坏了三天没人修")
		b := s.login(t, auth.CommunityStaff)
		path := fmt.Sprintf("/demands/%d/category", id)
		resp := b.submit(path, url.Values{"category": {"物业管理"}})
		wantStatus(t, "no reason", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, `id="f-recat-reason-error"`, `value="物业管理"`)
		if got, _ := s.Demand.Get(context.Background(), auth.SystemPrincipal(), id); got.Category != "noise" {
			t.Fatalf("a refused form changed the category to %s", got.Category)
		}
		resp = b.submit(path, url.Values{"category": {"物业"}, "reason": {"电梯故障属物业管理"}})
		wantStatus(t, "recategorise", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, page := b.get(resp.Header.Get("Location"))
		testkit.Contains(t, page, `id="recat-done"`, "物业管理", `data-event="recategorise"`, "电梯故障属物业管理")
		if got, _ := s.Demand.Get(context.Background(), auth.SystemPrincipal(), id); got.Category != "property" {
			t.Fatalf("category %s, want property", got.Category)
		}
		a := s.login(t, auth.Auditor)
		r := a.submit(path, url.Values{"category": {"噪音扰民"}, "reason": {"改回"}})
		wantStatus(t, "auditor", r.StatusCode, http.StatusForbidden, r.Body)
	})
}
