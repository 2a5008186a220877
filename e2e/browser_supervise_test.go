package e2e

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gongzhi/internal/testkit"
)

// TestBrowserSuperviseOverdue: a street supervisor opens an overdue demand
// of the demo district from the to-do figures' queue, urges it (催办), then
// takes it back and sends it to another body (撤回改派), confirming the
// dialog. Counted: 3 page loads and 2 clicks after signing in.
func TestBrowserSuperviseOverdue(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := browser(t)
			s := demoStore(t, eng)
			token := lastLine(s.run(t, "", "token", "create", "--username", "street").stdout)
			srv := s.serve(t)
			get := func(path string, out any) {
				t.Helper()
				req, _ := http.NewRequest("GET", srv.URL+"/api/v1"+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("GET %s: %v %v", path, resp, err)
				}
				defer resp.Body.Close()
				if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
					t.Fatal(err)
				}
			}
			// An overdue demand under the street, being handled by a body above the area where it lies.
			var list struct {
				Items []struct {
					ID     int64  `json:"id"`
					Status string `json:"status"`
					Area   string `json:"area"`
					Owner  string `json:"owner"`
					Lead   string `json:"lead"`
				} `json:"items"`
			}
			get("/demands?status=open&overdue=true&per_page=200", &list)
			var id int64
			var to string
			for _, d := range list.Items {
				handled := d.Status == "dispatched" || d.Status == "signed" || d.Status == "in_progress"
				if !handled || d.Lead == "" {
					continue
				}
				// Re-dispatched to the grid where it lies, or else to the
				// residential area that owns it.
				if d.Area != d.Lead {
					id, to = d.ID, d.Area
					break
				}
				if d.Owner != d.Lead && id == 0 {
					id, to = d.ID, d.Owner
				}
			}
			if id == 0 {
				t.Fatalf("the demo has no overdue demand in handling for the street to supervise: %+v", list.Items)
			}
			idStr := strconv.FormatInt(id, 10)

			var loads atomic.Int32
			if err := chromedp.Listen(ctx, func(ev any) {
				if _, ok := ev.(*page.EventLoadEventFired); ok {
					loads.Add(1)
				}
			}); err != nil {
				t.Fatal(err)
			}
			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			steps(t, ctx, "sign in as the street supervisor",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(css(`input[name=username]`)),
				chromedp.SendKeys(css(`input[name=username]`), "street"),
				chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
				chromedp.Submit(css(`input[name=password]`)),
				chromedp.WaitVisible(css(`nav a[href="/queue"]`)),
			)
			loads.Store(0)
			clicks := 0
			steps(t, ctx, "open the overdue demand and urge it",
				chromedp.Navigate(srv.URL+"/demands/"+idStr),
				chromedp.WaitVisible(css(`form[data-action="urge"]`)),
				chromedp.Evaluate[chromedp.Void](`document.querySelector("details.more-actions").open = true; 0`),
				chromedp.SendKeys(css(`#f-urge-note`), "已超时两天，请今天联系居民"),
				chromedp.Click(css(`form[data-action="urge"] button[type=submit]`)),
				chromedp.WaitVisible(css(`#timeline li[data-event="urge"]`)),
			)
			clicks++
			steps(t, ctx, "take it back and send it to the area where it lies",
				chromedp.Evaluate[chromedp.Void](`document.querySelector("details.more-actions").open = true; 0`),
				// The recall asks first (data-confirm); the supervisor says yes.
				chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; 0`),
				chromedp.SendKeys(css(`#f-recall-lead`), to),
				chromedp.SendKeys(css(`#f-recall-reason`), "改由所在网格就近办理"),
				chromedp.Click(css(`form[data-action="recall"] button[type=submit]`)),
				chromedp.WaitVisible(css(`#timeline li[data-event="recall"]`)),
			)
			clicks++
			timeline := value(t, ctx, chromedp.Evaluate[string](`document.body.innerText`))
			for _, want := range []string{"已超时两天，请今天联系居民", "改由所在网格就近办理", "撤回改派", "催办"} {
				if !strings.Contains(timeline, want) {
					t.Errorf("the page after the recall lacks %q", want)
				}
			}
			var after struct {
				Status string `json:"status"`
				Lead   string `json:"lead"`
			}
			get("/demands/"+idStr, &after)
			if after.Status != "dispatched" || after.Lead != to {
				t.Fatalf("after the recall: %+v, want dispatched to %s", after, to)
			}
			if n := loads.Load(); n > 3 || clicks != 2 {
				t.Fatalf("%d page loads and %d clicks, want at most 3 and 2", n, clicks)
			}
			t.Logf("urge and re-dispatch: %d page loads, %d clicks", loads.Load(), clicks)
		})
	}
}
