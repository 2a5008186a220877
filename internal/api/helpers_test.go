package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/fund"
	"gongzhi/internal/lists"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
)

// env is the API served over real HTTP on a fixture database, mounted under
// /api/v1/ the way app.Main mounts it, with one API token per fixture role.
type env struct {
	t       *testing.T
	f       *testkit.Fixture
	db      *db.DB
	org     *org.Service
	demand  *demand.Service
	notify  *notify.Service
	lists   *lists.Service
	booking *booking.Service
	fund    *fund.Service
	clock   *clock.Fake
	base    string // server URL including /api/v1
	tokens  map[auth.Role]string
	logs    *bytes.Buffer
	logw    *lockedWriter
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	f := testkit.NewFixture(t, d)
	c := testkit.Clock()
	logs := &bytes.Buffer{}
	logw := &lockedWriter{w: logs}
	orgs := org.NewService(d, c)
	// Webhook hosts resolve to a public address without asking DNS, so the
	// tests do not depend on the network.
	notes := notify.NewService(d, c, notify.Options{Targets: notify.Targets{Resolver: publicResolver{}}})
	demands := demand.NewService(d, c, notes)
	lst, bk, fd := lists.NewService(d, c), booking.NewService(d, c), fund.NewService(d, c)
	h := api.New(api.Deps{Services: platform.Services{DB: d, Auth: f.Auth, Org: orgs, Demand: demands, Notify: notes, Clock: c,
		Lists: lst, Booking: bk, Fund: fd, Logger: slog.New(slog.NewTextHandler(logw, nil))}})
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", h)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := &env{t: t, f: f, db: d, org: orgs, demand: demands, notify: notes, lists: lst, booking: bk, fund: fd, clock: c, base: srv.URL + api.Prefix, tokens: map[auth.Role]string{}, logs: logs, logw: logw}
	for _, r := range auth.Roles {
		e.tokens[r] = e.token(f.Users[r])
	}
	return e
}

// lockedWriter lets the server's goroutines log into one buffer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// logged returns what the API logged so far.
func (e *env) logged() string {
	e.logw.mu.Lock()
	defer e.logw.mu.Unlock()
	return e.logs.String()
}

// token makes an API token for p the way a user makes their own.
func (e *env) token(p *auth.Principal) string {
	e.t.Helper()
	secret, _, err := e.f.Auth.CreateToken(context.Background(), p, p.UserID, "t")
	if err != nil {
		e.t.Fatalf("token for %s: %v", p.Username, err)
	}
	return secret
}

// resp is an HTTP answer read whole.
type resp struct {
	status int
	header http.Header
	body   []byte
}

func (r resp) String() string { return string(r.body) }

// multipartBody is a request body sent as multipart/form-data.
type multipartBody struct {
	contentType string
	data        []byte
}

// do sends method path (below /api/v1) with token ("" for none). body is
// sent as is when a string, []byte or multipartBody, else JSON-encoded;
// nil sends nothing.
func (e *env) do(token, method, path string, body any) resp {
	e.t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case multipartBody:
		rd, ctype = bytes.NewReader(b.data), b.contentType
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.base+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return e.send(req)
}

func (e *env) send(req *http.Request) resp {
	e.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("%s %s: read: %v", req.Method, req.URL.Path, err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: b}
}

// as is do with the token of a fixture role.
func (e *env) as(r auth.Role, method, path string, body any) resp {
	e.t.Helper()
	return e.do(e.tokens[r], method, path, body)
}

// decodeJSON decodes the answer, failing the test when it is not JSON.
func decodeJSON[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer is not the JSON expected (%v): %d %s", err, r.status, r.body)
	}
	return v
}

// apiError is the API's one error body.
type apiError struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Details []detail `json:"details"`
	} `json:"error"`
}

type detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Row     int    `json:"row"`
	Column  string `json:"column"`
}

// wantError checks status, the error shape and, when field is not "",
// that the details name it.
func wantError(t *testing.T, r resp, status int, code, field string) apiError {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("error Content-Type %q, want JSON", ct)
	}
	var raw map[string]map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &raw); err != nil || raw["error"] == nil {
		t.Fatalf("error body is not {\"error\":{…}}: %s", r.body)
	}
	for _, k := range []string{"code", "message", "details"} {
		if _, ok := raw["error"][k]; !ok {
			t.Errorf("error body lacks %q: %s", k, r.body)
		}
	}
	ae := decodeJSON[apiError](t, r)
	if ae.Error.Code != code {
		t.Errorf("code %q, want %q: %s", ae.Error.Code, code, r.body)
	}
	if ae.Error.Message == "" {
		t.Errorf("empty message: %s", r.body)
	}
	if field != "" && !slices.ContainsFunc(ae.Error.Details, func(d detail) bool { return d.Field == field }) {
		t.Errorf("details do not name field %q: %s", field, r.body)
	}
	return ae
}

// listBody is a list answer.
type listBody[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
}

// count runs a one-number query.
func (e *env) count(q string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// newUser adds a user with one grant, as the CLI would.
func (e *env) newUser(name string, role auth.Role, area string) *auth.User {
	e.t.Helper()
	u, err := e.f.Auth.CreateUser(context.Background(), auth.SystemPrincipal(), auth.NewUser{
		Username: name, DisplayName: name, Password: testkit.Password, Role: string(role), Area: area, Phone: "13700002222"})
	if err != nil {
		e.t.Fatalf("user %s: %v", name, err)
	}
	return u
}

// publicResolver answers every name with one public address (TEST-NET-3).
type publicResolver struct{}

func (publicResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return []netip.Addr{netip.MustParseAddr("203.0.113.7")}, nil
}
