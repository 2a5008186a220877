package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/clock"
	"gongzhi/internal/testkit"
)

// TestBrowserDemandLoop: a resident files on the mobile page without an
// account, a worker dispatches, the handling body signs, contacts and
// resolves, the resident rates through the tracking link, and the
// dashboard's figures move.
func TestBrowserDemandLoop(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := browser(t)
			s := demoStore(t, eng)
			admin := lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout)
			srv := s.serve(t)
			body, _ := json.Marshal(map[string]any{"code": "e2e_noise", "name": "夜间噪音（测试）", "contact_limit": "2h", "resolve_limit": "5wd", "active": true})
			req, _ := http.NewRequest("POST", srv.URL+"/api/v1/demand-categories", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+admin)
			req.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode/100 != 2 {
				t.Fatalf("category: %v %v", resp, err)
			}
			const area = "310104001001"
			today := time.Now().In(clock.Shanghai).Format(time.DateOnly)
			dash := fmt.Sprintf("%s/demands/dashboard?area=%s&from=%s&to=%s", srv.URL, area, today, today)
			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			// The figures' sections as text, read with JavaScript (no waiting on visibility).
			text := func(sel string) string {
				return value(t, ctx, chromedp.Evaluate[string](`document.querySelector('`+sel+`').parentElement.innerText`))
			}

			// The worker looks at today's figures first.
			steps(t, ctx, "sign in as the community worker",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(css(`input[name=username]`)),
				chromedp.SendKeys(css(`input[name=username]`), "community"),
				chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
				chromedp.Submit(css(`input[name=password]`)),
				// The login page has a nav too: wait for a link only a signed-in worker sees.
				chromedp.WaitVisible(css(`nav a[href="/queue"]`)),
				chromedp.Navigate(dash),
				chromedp.WaitVisible(css(`#rates-trend[data-ready="1"]`)),
				chromedp.WaitVisible(css(`#grid-map[data-ready="1"]`)),
			)
			receivedBefore := text(`[data-figure=received]`)
			ratedBefore := text(`[data-rate=satisfaction]`)
			grids := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('#grid-map').dataset.features`))
			if canvases := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#grid-map canvas').length`)); grids == "0" || canvases == 0 {
				t.Fatalf("the grid map drew %s grids on %d canvases", grids, canvases)
			}

			// The intake page's map picker: a click on the first grid fills the area field.
			steps(t, ctx, "intake map picker",
				chromedp.Navigate(srv.URL+"/demands/new"),
				chromedp.WaitVisible(css(`#area-map[data-ready="1"]`)),
			)
			at := value(t, ctx, chromedp.Evaluate[[]float64](`(function () {
				var el = document.getElementById('area-map'), c = echarts.getInstanceByDom(el);
				el.scrollIntoView({block: 'center'}); // as a user scrolls to it: below the fold under a long menu
				var map = echarts.getMap(c.getOption().series[0].map), ring = map.geoJSON.features[0].geometry.coordinates[0];
				var p = c.convertToPixel({seriesIndex: 0}, [(ring[0][0] + ring[2][0]) / 2, (ring[0][1] + ring[2][1]) / 2]);
				var box = el.getBoundingClientRect();
				return [box.left + p[0], box.top + p[1]];
			})()`))
			steps(t, ctx, "pick the first grid", chromedp.MouseClickXY(at[0], at[1]))
			if picked := value(t, ctx, chromedp.Evaluate[string](`document.getElementById('d-area').value`)); !strings.HasSuffix(picked, "第1网格") {
				t.Fatalf("clicking the first grid filled the area with %q", picked)
			}

			// A resident on a phone, in a fresh browser tab with no session.
			rctx, cancel := chromedp.NewContext(ctx)
			defer cancel()
			if err := chromedp.Do(rctx); err != nil { // open the tab without a deadline (chromedp's rule)
				t.Fatal(err)
			}
			photo := filepath.Join(t.TempDir(), "酒吧门口.jpg")
			if err := os.WriteFile(photo, testkit.JPEG(40<<10), 0o600); err != nil {
				t.Fatal(err)
			}
			steps(t, rctx, "resident files on the mobile page",
				chromedp.EmulateViewport(390, 844),
				chromedp.Navigate(srv.URL+"/report"),
				chromedp.WaitVisible(css(`#report-submit`)),
				chromedp.SetValue(css(`#r-category`), "e2e_noise"),
				chromedp.SetValue(css(`#r-area`), area),
				chromedp.SendKeys(css(`#r-description`), "浏览器测试：楼下酒吧每晚十一点后还在放音乐"),
				chromedp.SendKeys(css(`#r-phone`), "13911112222"),
				chromedp.SetUploadFiles(css(`#r-attachments`), []string{photo}),
				chromedp.Click(css(`#report-submit`)),
				chromedp.WaitVisible(css(`a#tracking-link`)),
				chromedp.WaitVisible(css(`#files-received`)),
			)
			track := value(t, rctx, chromedp.Evaluate[string](`document.querySelector('a#tracking-link').href`))
			if !strings.Contains(track, "/t/") {
				t.Fatalf("tracking link %q", track)
			}
			if !strings.HasPrefix(track, "http") {
				track = srv.URL + track
			}

			// Find the new demand through the API and work it in the browser.
			var list struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			srv.get(t, admin, "/api/v1/demands?q=浏览器测试&area="+area, &list)
			if len(list.Items) != 1 {
				t.Fatalf("the resident's demand is not listed: %+v", list)
			}
			page := fmt.Sprintf("%s/demands/%d", srv.URL, list.Items[0].ID)
			act := func(action string, fill ...chromedp.Action[chromedp.Void]) {
				all := []chromedp.Action[chromedp.Void]{chromedp.Navigate(page), chromedp.WaitVisible(css(`form[data-action=` + action + `]`))}
				all = append(all, fill...)
				// #done appears only once the action is saved (the page before the post has a timeline too,
				// so waiting for that raced the post: the resident's tab could open the link before "resolve").
				all = append(all, chromedp.Submit(css(`form[data-action=`+action+`] button[type=submit]`)),
					chromedp.WaitVisible(css(`#done`)))
				steps(t, ctx, action, all...)
			}
			act("dispatch")
			act("sign")
			act("contact", chromedp.SendKeys(css(`form[data-action=contact] [name=note]`), "电话联系了反映人"))
			act("resolve",
				chromedp.Click(css(`form[data-action=resolve] input[name=outcome][value=solved]`)),
				chromedp.SendKeys(css(`form[data-action=resolve] [name=resolution]`), "已约谈酒吧负责人，十点后停止外放"))

			steps(t, rctx, "resident rates through the tracking link",
				chromedp.Navigate(track),
				chromedp.WaitVisible(css(`#rate-form`)),
				chromedp.Click(css(`#rate-satisfied`)),
				chromedp.Click(css(`#solved-yes`)),
				chromedp.Click(css(`#rate-submit`)),
				chromedp.WaitVisible(css(`#rated`)),
			)
			if body := value(t, rctx, chromedp.Text(css(`body`))); strings.Contains(body, "13911112222") || strings.Contains(body, "community") {
				t.Fatalf("the tracking page shows a phone or a staff name:\n%s", body)
			}
			// The photo filed with the report is shown through the link, and served to anyone holding it.
			src := value(t, rctx, chromedp.Evaluate[string](`document.querySelector('#attachment-list img').src`))
			if resp, err := http.Get(src); err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/jpeg" {
				t.Fatalf("the tracking page's photo %s: %v %v", src, resp, err)
			} else {
				resp.Body.Close()
			}

			steps(t, ctx, "dashboard again", chromedp.Navigate(dash), chromedp.WaitVisible(css(`#rates-trend[data-ready="1"]`)))
			if after := text(`[data-figure=received]`); after == receivedBefore {
				t.Fatalf("received did not move: %s", after)
			}
			if after := text(`[data-rate=satisfaction]`); after == ratedBefore {
				t.Fatalf("satisfaction figures did not move: %s", after)
			}
		})
	}
}
