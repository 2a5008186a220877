package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// offSite are next values that once left, or could leave, the site once
// http.Redirect had cleaned them.
var offSite = []string{
	"//evil.example/x",
	"/\\evil.example",
	"/./\\evil.example",
	"/a/../\\evil.example",
	"/%5Cevil.example",
	"/%2F%2Fevil.example",
	"/\t/evil.example",
	"/\n/evil.example",
	"https://evil.example/",
	"javascript:alert(1)",
}

// wantLocal fails unless loc is a path on this site.
func wantLocal(t *testing.T, what, loc string) {
	t.Helper()
	u, err := url.Parse(loc)
	if loc == "" || err != nil || u.Scheme != "" || u.Host != "" || strings.ContainsAny(loc, "\\\t\r\n") ||
		!strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
		t.Errorf("%s: Location %q leaves the site", what, loc)
	}
}

func TestLoginRedirectStaysLocal(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.Member)
		for _, next := range offSite {
			// A signed-in visit to the login page goes straight on to next.
			resp := b.do(http.MethodGet, "/login?next="+url.QueryEscape(next), nil, "")
			wantStatus(t, "GET /login next="+next, resp.StatusCode, http.StatusSeeOther, resp.Body)
			wantLocal(t, "GET /login next="+next, resp.Header.Get("Location"))
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("GET /login next=%q went to %q, want /", next, loc)
			}

			anon := s.browser(t)
			resp = anon.post("/login", url.Values{"username": {"member"}, "password": {testkit.Password}, "next": {next}}, nil)
			wantStatus(t, "POST /login next="+next, resp.StatusCode, http.StatusSeeOther, resp.Body)
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("POST /login next=%q went to %q, want /", next, loc)
			}
		}
		// The raw query the finding named, sent exactly as written.
		resp := b.do(http.MethodGet, "/login?next=/./%5Cevil.com", nil, "")
		if loc := resp.Header.Get("Location"); loc != "/" {
			t.Errorf("GET /login?next=/./%%5Cevil.com went to %q, want /", loc)
		}
		// A page on the site is still where the user goes.
		resp = b.do(http.MethodGet, "/login?next="+url.QueryEscape("/demands?x=1"), nil, "")
		if loc := resp.Header.Get("Location"); loc != "/demands?x=1" {
			t.Errorf("GET /login next=/demands?x=1 went to %q", loc)
		}
	})
}

func TestLanguageRedirectStaysLocal(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		anon := s.browser(t)
		b := s.login(t, auth.GridWorker)
		for _, next := range offSite {
			resp := anon.post("/lang", url.Values{"lang": {"en"}, "next": {next}}, nil)
			wantStatus(t, "anonymous POST /lang next="+next, resp.StatusCode, http.StatusSeeOther, resp.Body)
			wantLocal(t, "anonymous POST /lang next="+next, resp.Header.Get("Location"))
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("anonymous POST /lang next=%q went to %q, want /", next, loc)
			}

			resp = b.submit("/lang", url.Values{"lang": {"zh"}, "next": {next}})
			wantStatus(t, "signed-in POST /lang next="+next, resp.StatusCode, http.StatusSeeOther, resp.Body)
			if loc := resp.Header.Get("Location"); loc != "/" {
				t.Errorf("signed-in POST /lang next=%q went to %q, want /", next, loc)
			}
		}
		resp := b.submit("/lang", url.Values{"lang": {"zh"}, "next": {"/demands?x=1"}})
		if loc := resp.Header.Get("Location"); loc != "/demands?x=1" {
			t.Errorf("POST /lang next=/demands?x=1 went to %q", loc)
		}
	})
}
