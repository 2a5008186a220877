package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

func TestLoginLogout(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.browser(t)

		resp := b.do(http.MethodGet, "/units?kind=shop", nil, "")
		wantStatus(t, "anonymous /units", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if loc := resp.Header.Get("Location"); loc != "/login?next="+url.QueryEscape("/units?kind=shop") {
			t.Fatalf("redirect to %q", loc)
		}

		form := url.Values{"username": {"community_staff"}, "password": {testkit.Password}, "next": {"/units?kind=shop"}}
		resp = b.post("/login", form, nil)
		wantStatus(t, "login", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if loc := resp.Header.Get("Location"); loc != "/units?kind=shop" {
			t.Fatalf("after login to %q, want the page asked for", loc)
		}
		cookie := resp.Header.Get("Set-Cookie")
		for _, want := range []string{"gz_session=", "Path=/", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(cookie, want) {
				t.Errorf("session cookie %q lacks %s", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("plain-HTTP cookie marked Secure: %q", cookie)
		}
		b.refreshCSRF()
		st, body := b.get("/")
		wantStatus(t, "home", st, http.StatusOK, body)
		testkit.Contains(t, body, "community_staff", "东湖居民区")

		resp = b.submit("/logout", nil)
		wantStatus(t, "logout", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if st, _ := b.get("/account/password"); st != http.StatusSeeOther {
			t.Fatalf("a staff page after logout = %d, want a redirect to login", st)
		}
		// The front door signed out shows residents how to report, and staff the way in.
		st, body = b.get("/")
		wantStatus(t, "front door signed out", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="welcome-report" href="/report"`, `href="/login"`, "我要反映问题")
		if strings.Contains(body, "community_staff") || strings.Contains(body, "东湖居民区") {
			t.Error("the front door signed out shows the signed-out user's home")
		}
		_, body = b.get("/login")
		testkit.Contains(t, body, `id="login-residents"`, `href="/report"`)
		if n := s.count(t, "SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?", "community_staff"); n != 1 {
			// The fixture itself opened one session; ours must be gone.
			t.Fatalf("%d sessions left, want only the fixture's", n)
		}
	})
}

func TestSecureCookieBehindTLSProxy(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.browser(t)
		form := url.Values{"username": {"resident"}, "password": {testkit.Password}}
		resp := b.post("/login", form, []string{"X-Forwarded-Proto", "https"})
		wantStatus(t, "login", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "Secure") {
			t.Fatalf("cookie behind a TLS proxy is not Secure: %q", c)
		}
	})
}

func TestWrongPasswordAndThrottle(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.browser(t)
		form := url.Values{"username": {"street_staff"}, "password": {"not the password"}}
		resp := b.post("/login", form, nil)
		wantStatus(t, "wrong password", resp.StatusCode, http.StatusUnauthorized, resp.Body)
		testkit.Contains(t, resp.Body, "用户名或密码错误", `value="street_staff"`)
		if strings.Contains(resp.Body, "not the password") {
			t.Fatal("the wrong password is echoed back")
		}
		for range 5 {
			resp = b.post("/login", form, nil)
		}
		wantStatus(t, "throttled", resp.StatusCode, http.StatusTooManyRequests, resp.Body)
		testkit.Contains(t, resp.Body, "登录失败次数过多")
		// Even the right password is refused while throttled.
		resp = b.post("/login", url.Values{"username": {"street_staff"}, "password": {testkit.Password}}, nil)
		wantStatus(t, "right password while throttled", resp.StatusCode, http.StatusTooManyRequests, resp.Body)
	})
}

func TestLoginNextStaysOnSite(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)"} {
			b := s.browser(t)
			resp := b.post("/login", url.Values{"username": {"member"}, "password": {testkit.Password}, "next": {next}}, nil)
			wantStatus(t, "login next="+next, resp.StatusCode, http.StatusSeeOther, resp.Body)
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("next=%q redirected to %q, want /", next, loc)
			}
		}
	})
}

func TestCSRF(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.DistrictAdmin)
		tokens := func() int { return s.count(t, "SELECT count(*) FROM api_tokens") }

		resp := b.post("/tokens", url.Values{"label": {"no csrf"}}, nil)
		wantStatus(t, "post without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		testkit.Contains(t, resp.Body, "没有权限")
		resp = b.post("/tokens", url.Values{"label": {"bad csrf"}, "csrf": {"forged"}}, nil)
		wantStatus(t, "post with a wrong csrf", resp.StatusCode, http.StatusForbidden, resp.Body)

		form := url.Values{"label": {"cross-site"}, "csrf": {b.csrf}}
		resp = b.post("/tokens", form, []string{"Sec-Fetch-Site", "cross-site"})
		wantStatus(t, "cross-site post", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = b.post("/tokens", form, []string{"Origin", "https://evil.example"})
		wantStatus(t, "foreign-origin post", resp.StatusCode, http.StatusForbidden, resp.Body)
		if n := tokens(); n != 0 {
			t.Fatalf("%d tokens created by refused posts", n)
		}

		// A login form posted from another site is refused too (login CSRF).
		anon := s.browser(t)
		resp = anon.post("/login", url.Values{"username": {"member"}, "password": {testkit.Password}}, []string{"Sec-Fetch-Site", "cross-site"})
		wantStatus(t, "cross-site login", resp.StatusCode, http.StatusForbidden, resp.Body)

		resp = b.post("/tokens", url.Values{"label": {"ok"}, "csrf": {b.csrf}}, []string{"Sec-Fetch-Site", "same-origin"})
		wantStatus(t, "same-origin post with csrf", resp.StatusCode, http.StatusOK, resp.Body)
		if n := tokens(); n != 1 {
			t.Fatalf("%d tokens, want 1", n)
		}
	})
}

func TestLanguage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)

		anon := s.browser(t)
		_, body := anon.get("/login")
		testkit.Contains(t, body, `<html lang="zh-CN">`, "登录")

		_, body = anon.get("/login", "Accept-Language", "en-GB,en;q=0.9,zh;q=0.5")
		testkit.Contains(t, body, `<html lang="en">`, "Sign in")
		_, body = anon.get("/login", "Accept-Language", "fr-FR,zh-TW;q=0.8,en;q=0.5")
		testkit.Contains(t, body, `<html lang="zh-CN">`)

		// An anonymous visitor's choice is kept in a cookie.
		resp := anon.post("/lang", url.Values{"lang": {"en"}, "next": {"/login"}}, nil)
		wantStatus(t, "switch language", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = anon.get("/login", "Accept-Language", "zh-CN")
		testkit.Contains(t, body, `<html lang="en">`)

		// A signed-in user's choice follows them to another browser.
		b := s.login(t, auth.GridWorker)
		_, body = b.get("/")
		testkit.Contains(t, body, `<html lang="zh-CN">`)
		resp = b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}}, nil)
		wantStatus(t, "signed-in switch without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = b.submit("/lang", url.Values{"lang": {"en"}, "next": {"/areas"}})
		wantStatus(t, "signed-in switch", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if loc := resp.Header.Get("Location"); loc != "/areas" {
			t.Fatalf("language switch returned to %q", loc)
		}
		other := s.login(t, auth.GridWorker)
		_, body = other.get("/", "Accept-Language", "zh-CN")
		testkit.Contains(t, body, `<html lang="en">`, "Welcome")

		// Languages never leak between users served at the same time.
		zhUser := s.login(t, auth.Member)
		var wg sync.WaitGroup
		bad := make(chan string, 200)
		for _, c := range []struct {
			b    *browser
			want string
		}{{zhUser, `<html lang="zh-CN">`}, {other, `<html lang="en">`}} {
			for range 20 {
				wg.Go(func() {
					req, _ := http.NewRequest(http.MethodGet, s.URL+"/coverage", nil)
					resp, err := c.b.c.Do(req)
					if err != nil {
						bad <- err.Error()
						return
					}
					defer resp.Body.Close()
					body, _ := io.ReadAll(resp.Body)
					if !strings.Contains(string(body), c.want) {
						bad <- "a page lost its language; want " + c.want
					}
				})
			}
		}
		wg.Wait()
		close(bad)
		for msg := range bad {
			t.Fatal(msg)
		}
	})
}
