package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLogsRedactTrackingTokens requests every route that carries a
// resident's tracking token and checks the token never reaches the access
// log or the error log, while the redacted path does.
func TestLogsRedactTrackingTokens(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		f := testkit.NewFixture(t, d)
		logs := &syncBuffer{}
		m := app.NewMain(app.DefaultConfig(func(string) string { return "" }), logs)
		m.DB, m.Clock, m.Hasher, m.Auth = d, testkit.Clock(), f.Hasher, f.Auth
		m.Org = org.NewService(d, m.Clock)
		m.Notify = notify.NewService(d, m.Clock, notify.Options{})
		m.Demand = demand.NewService(d, m.Clock, m.Notify)
		ctx := context.Background()
		if _, err := m.Demand.SaveCategory(ctx, auth.SystemPrincipal(), demand.Category{Code: "noise", Name: "噪音扰民", NameEN: "Noise",
			ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
			t.Fatal(err)
		}
		filed, err := m.Demand.Intake(ctx, nil, demand.NewDemand{Category: "noise", Area: testkit.ResA1, Description: "楼上夜里很吵"})
		if err != nil {
			t.Fatal(err)
		}
		tok := filed.Token
		h, err := m.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)

		send := func(method, path string) int {
			t.Helper()
			req, err := http.NewRequestWithContext(ctx, method, srv.URL+path, strings.NewReader(""))
			if err != nil {
				t.Fatal(err)
			}
			if method == http.MethodPost {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		paths := []struct{ method, path, redacted string }{
			{"GET", "/t/" + tok, "/t/[redacted]"},
			{"POST", "/t/" + tok + "/rate", "/t/[redacted]/rate"},
			{"GET", "/t/" + tok + "/attachments/1", "/t/[redacted]/attachments/1"},
			{"GET", "/api/v1/track/" + tok, "/api/v1/track/[redacted]"},
			{"POST", "/api/v1/track/" + tok + "/rate", "/api/v1/track/[redacted]/rate"},
			{"GET", "/api/v1/track/" + tok + "/attachments/1", "/api/v1/track/[redacted]/attachments/1"},
		}
		for _, p := range paths {
			send(p.method, p.path)
		}
		if st := send("GET", "/t/"+tok); st != http.StatusOK {
			t.Fatalf("GET /t/<token> = %d, want 200 (a real link)", st)
		}
		access := logs.String()
		for _, p := range paths {
			if !strings.Contains(access, "path="+p.redacted+" ") {
				t.Errorf("access log lacks path=%s:\n%s", p.redacted, access)
			}
		}

		// With the timeline's table gone the same links fail inside, after
		// the token was found; the error lines name the path too.
		if _, err := d.Exec(ctx, "ALTER TABLE demand_events RENAME TO demand_events_gone"); err != nil {
			t.Fatal(err)
		}
		if st := send("GET", "/t/"+tok); st != http.StatusInternalServerError {
			t.Fatalf("GET /t/<token> with no timeline table = %d, want 500", st)
		}
		if st := send("GET", "/api/v1/track/"+tok); st != http.StatusInternalServerError {
			t.Fatalf("GET /api/v1/track/<token> with no timeline table = %d, want 500", st)
		}
		all := logs.String()
		for _, msg := range []string{"msg=page ", `msg="api error"`} {
			if !strings.Contains(all, msg) {
				t.Errorf("no %s line in the log:\n%s", msg, all)
			}
		}
		if strings.Contains(all, tok) {
			t.Errorf("the tracking token %s is in the log:\n%s", tok, all)
		}
		if n := strings.Count(all, "[redacted]"); n < len(paths)+4 {
			t.Errorf("%d redacted paths in the log, want at least %d:\n%s", n, len(paths)+4, all)
		}
	})
}
