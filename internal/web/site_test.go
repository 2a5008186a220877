package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// site is the web surface over a fixture district, served on a real port.
type site struct {
	URL    string
	F      *testkit.Fixture
	DB     *db.DB
	Org    *org.Service
	Demand *demand.Service
	Notify *notify.Service
	Clock  *clock.Fake
}

// newSite serves web.New over a fresh fixture district in d.
func newSite(t *testing.T, d *db.DB, tweak ...func(*web.Deps)) *site {
	t.Helper()
	f := testkit.NewFixture(t, d)
	clk := testkit.Clock()
	nt := notify.NewService(d, clk, notify.Options{})
	deps := web.Deps{Services: platform.Services{DB: d, Auth: f.Auth, Org: org.NewService(d, clk), Clock: clk,
		Demand: demand.NewService(d, clk, nt), Notify: nt,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	for _, fn := range tweak {
		fn(&deps)
	}
	h, err := web.New(deps)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &site{URL: srv.URL, F: f, DB: d, Org: deps.Org, Demand: deps.Demand, Notify: nt, Clock: clk}
}

// browser is a cookie-keeping client that does not follow redirects, so
// tests see every 303.
type browser struct {
	t    *testing.T
	s    *site
	c    *http.Client
	csrf string
}

func (s *site) browser(t *testing.T) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &browser{t: t, s: s, c: c}
}

// login signs in as the fixture user of role through the real form.
func (s *site) login(t *testing.T, role auth.Role) *browser {
	t.Helper()
	b := s.browser(t)
	b.signIn(string(role), testkit.Password)
	return b
}

// signIn posts the login form and fails the test unless it redirects.
func (b *browser) signIn(username, password string) {
	b.t.Helper()
	if st, _ := b.get("/login"); st != http.StatusOK {
		b.t.Fatalf("GET /login = %d", st)
	}
	resp := b.post("/login", url.Values{"username": {username}, "password": {password}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d: %.500s", username, resp.StatusCode, resp.Body)
	}
	b.refreshCSRF()
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// refreshCSRF reads the session's CSRF token from the home page.
func (b *browser) refreshCSRF() {
	b.t.Helper()
	_, body := b.get("/")
	m := csrfField.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no csrf field on the home page:\n%.1000s", body)
	}
	b.csrf = m[1]
}

// get fetches path and returns the status and body.
func (b *browser) get(path string, headers ...string) (int, string) {
	b.t.Helper()
	resp := b.do(http.MethodGet, path, nil, "", headers...)
	return resp.StatusCode, resp.Body
}

// response is a finished response with its body read.
type response struct {
	StatusCode int
	Header     http.Header
	Body       string
}

func (b *browser) do(method, path string, body io.Reader, ctype string, headers ...string) response {
	b.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, b.s.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return response{StatusCode: resp.StatusCode, Header: resp.Header, Body: string(raw)}
}

// post sends a urlencoded form as is (no csrf added).
func (b *browser) post(path string, form url.Values, headers []string) response {
	b.t.Helper()
	return b.do(http.MethodPost, path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded", headers...)
}

// submit sends a form with the session's CSRF token, as a page's form would.
func (b *browser) submit(path string, form url.Values) response {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.post(path, form, nil)
}

// count runs a count query on the site's database.
func (s *site) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// wantStatus fails unless got is want, showing the start of the body.
func wantStatus(t *testing.T, what string, got, want int, body string) {
	t.Helper()
	if got != want {
		t.Fatalf("%s: status %d, want %d:\n%.1500s", what, got, want, body)
	}
}
