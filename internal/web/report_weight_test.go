package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"gongzhi/internal/app"
	"gongzhi/internal/auth"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// reportBudget is what the resident's report page may transfer, compressed,
// with its own scripts and styles: residents open it on phones, often on
// poor connections (issue 8: it was 25.9 KB of HTML, mostly the area list).
const reportBudget = 30 << 10

// linkedAssets finds the scripts and styles a page links.
var linkedAssets = regexp.MustCompile(`(?:src|href)="(/static/[^"]+\.(?:js|css))"`)

// TestReportPageWeight serves the whole application (app.Main's handler,
// with its compression) over a district of 300 residential areas and sums
// what a browser fetches for /report: the page and every script and style
// it links, as gzip. The page no longer grows with the district.
func TestReportPageWeight(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			dsn, dir := testkit.NewDSN(t, eng)
			cfg := app.DefaultConfig(func(string) string { return "" })
			cfg.DB, cfg.DataDir, cfg.LogLevel = dsn, dir, "error"
			m := app.NewMain(cfg, io.Discard)
			ctx := context.Background()
			if err := m.Open(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { m.Close() })
			testkit.NewFixture(t, m.DB)
			h, err := m.Handler()
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(h)
			t.Cleanup(srv.Close)

			get := func(path string) (gz, raw int, body string) {
				t.Helper()
				for _, enc := range []string{"gzip", ""} {
					req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
					req.Header.Set("Accept-Encoding", enc) // set by hand: the transport leaves the body as sent
					if enc == "" {
						req.Header.Set("Accept-Encoding", "identity")
					}
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						t.Fatal(err)
					}
					b, err := io.ReadAll(resp.Body)
					resp.Body.Close()
					if err != nil || resp.StatusCode != http.StatusOK {
						t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
					}
					if enc == "gzip" {
						if resp.Header.Get("Content-Encoding") != "gzip" {
							t.Errorf("GET %s: not compressed", path)
						}
						gz = len(b)
					} else {
						raw, body = len(b), string(b)
					}
				}
				return gz, raw, body
			}
			weigh := func() (total, totalRaw, html, htmlRaw int) {
				html, htmlRaw, body := get("/report")
				total, totalRaw = html, htmlRaw
				assets := linkedAssets.FindAllStringSubmatch(body, -1)
				if len(assets) < 2 {
					t.Fatalf("the page links %d scripts and styles", len(assets))
				}
				for _, a := range assets {
					gz, raw, _ := get(a[1])
					total, totalRaw = total+gz, totalRaw+raw
				}
				return total, totalRaw, html, htmlRaw
			}
			_, _, _, small := weigh()

			// A district's worth of residential areas (the demo has 306).
			sys := auth.SystemPrincipal()
			for i := range 300 {
				street := []string{testkit.StreetA, testkit.StreetB}[i%2]
				if _, err := m.Org.CreateArea(ctx, sys, org.NewArea{Code: fmt.Sprintf("%s%03d", street, 100+i), Name: fmt.Sprintf("测试%d居民区", i),
					Level: string(org.Residential), Parent: street}); err != nil {
					t.Fatal(err)
				}
			}
			total, totalRaw, html, htmlRaw := weigh()
			t.Logf("/report: HTML %d B (%d B gzip); with its scripts and styles %d B (%d B gzip)", htmlRaw, html, totalRaw, total)
			if total > reportBudget {
				t.Errorf("/report transfers %d B compressed with its scripts and styles, over %d B", total, reportBudget)
			}
			if htmlRaw != small {
				t.Errorf("the page grew from %d B to %d B with 300 more residential areas", small, htmlRaw)
			}
		})
	}
}
