package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

var assetURL = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)
var hashedName = regexp.MustCompile(`^/static/[a-z0-9/._-]+\.[0-9a-f]{10}\.(js|css)$`)

func TestAssetsHashedAndImmutable(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.DistrictAdmin)
		seen := map[string]bool{}
		for _, page := range []string{"/", "/coverage", "/import", "/login"} {
			_, body := b.get(page)
			for _, m := range assetURL.FindAllStringSubmatch(body, -1) {
				seen[m[1]] = true
			}
		}
		for _, want := range []string{"app.css", "app.js", "vendor/htmx.min.js", "vendor/echarts.min.js", "charts.js", "upload.js"} {
			found := false
			for u := range seen {
				found = found || strings.HasPrefix(u, "/static/"+strings.TrimSuffix(want, "."+ext(want))+".")
			}
			if !found {
				t.Errorf("no page refers to %s (saw %v)", want, seen)
			}
		}
		for u := range seen {
			if !hashedName.MatchString(u) {
				t.Errorf("asset URL %s carries no content hash", u)
			}
			resp := b.do(http.MethodGet, u, nil, "")
			wantStatus(t, u, resp.StatusCode, http.StatusOK, "")
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "immutable") || !strings.Contains(cc, "max-age=31536000") {
				t.Errorf("%s Cache-Control %q", u, cc)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "javascript") && !strings.Contains(ct, "css") {
				t.Errorf("%s Content-Type %q", u, ct)
			}
			if len(resp.Body) < 100 {
				t.Errorf("%s body has %d bytes", u, len(resp.Body))
			}
		}
		for _, bad := range []string{"/static/app.css", "/static/app.0000000000.css", "/static/vendor/README.md", "/static/vendor/htmx.LICENSE.txt"} {
			if resp := b.do(http.MethodGet, bad, nil, ""); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s: status %d, want 404", bad, resp.StatusCode)
			}
		}
	})
}

func ext(name string) string { return name[strings.LastIndexByte(name, '.')+1:] }
