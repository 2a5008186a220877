package e2e

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/testkit"
)

// TestBrowserCallerSearch: a hotline operator asks "has this caller called
// before?" by typing the caller's phone into the demand search box, however
// it is spaced, and sees the caller's earlier demands — and not the phone
// in full, nor anyone else's demands.
func TestBrowserCallerSearch(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := browser(t)
			s := demoStore(t, eng)
			admin := lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout)
			srv := s.serve(t)
			post := func(path string, body map[string]any) map[string]any {
				t.Helper()
				b, _ := json.Marshal(body)
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1"+path, bytes.NewReader(b))
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil || resp.StatusCode/100 != 2 {
					t.Fatalf("POST %s: %v %v", path, resp, err)
				}
				defer resp.Body.Close()
				var out map[string]any
				if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
					t.Fatal(err)
				}
				return out
			}
			post("/demand-categories", map[string]any{"code": "e2e_callers", "name": "来电测试", "contact_limit": "2h", "resolve_limit": "5wd", "active": true})
			// The demo's phones begin 13, 15, 17, 18 or 19: 166 is nobody's there.
			file := func(phone, text string) string {
				d := post("/demands", map[string]any{"category": "e2e_callers", "channel": "hotline", "area": "310104001001", "description": text,
					"reporter": map[string]string{"name": "陈来电", "phone": phone}})
				return strconv.FormatInt(int64(d["id"].(float64)), 10)
			}
			first := file("166-0021-7788", "楼道灯坏了一周")
			second := file("16600217788", "楼道灯又坏了")
			other := file("16600219999", "另一位居民反映楼道灯")

			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			rows := func() []string {
				return value(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('tr[data-demand]'), r => r.dataset.demand)`))
			}
			search := func(q string) {
				steps(t, ctx, "search "+q,
					chromedp.Navigate(srv.URL+"/demands"),
					chromedp.WaitVisible(css(`#s-q`)),
					chromedp.SendKeys(css(`#s-q`), q),
					chromedp.Submit(css(`#s-q`)),
					// The answer's page, not the one the words were typed into.
					chromedp.WaitVisible(css(`#s-q[value="`+q+`"]`)),
					chromedp.WaitVisible(css(`tr[data-demand]`)),
				)
			}
			steps(t, ctx, "sign in as the street's hotline operator",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(css(`input[name=username]`)),
				chromedp.SendKeys(css(`input[name=username]`), "street"),
				chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
				chromedp.Submit(css(`input[name=password]`)),
				chromedp.WaitVisible(css(`nav a[href="/queue"]`)),
			)
			search("166 0021 7788")
			if got := rows(); !slices.Equal(got, []string{second, first}) {
				t.Fatalf("the caller's demands: %v, want %v (newest first)", got, []string{second, first})
			}
			page := value(t, ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if strings.Contains(page, "16600217788") || strings.Contains(page, "166-0021-7788") {
				t.Fatalf("the results show the caller's phone in full")
			}
			// The last four digits find them too (with whoever else's number ends so).
			search("7788")
			if got := rows(); !slices.Contains(got, first) || !slices.Contains(got, second) || slices.Contains(got, other) {
				t.Fatalf("by the last four digits: %v, want %s and %s and not %s", got, first, second, other)
			}
			// The operator opens the earlier demand from the results.
			steps(t, ctx, "open the earlier demand",
				chromedp.Click(css(`tr[data-demand="`+first+`"] a`)),
				chromedp.WaitVisible(css(`h1`)),
			)
			if h := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('h1').innerText`)); !strings.Contains(h, first) {
				t.Fatalf("opened %q, want demand %s", h, first)
			}
		})
	}
}
