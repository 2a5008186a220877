package e2e

import (
	"bytes"
	"context"
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

// operator is a hotline operator's browser tab that counts what the
// operator does: pages loaded (each navigation of the tab: opening a page,
// and each form the browser submits) and clicks. Typing, Tab and the hints
// fetched while typing count for nothing.
type operator struct {
	t      *testing.T
	ctx    context.Context
	loads  atomic.Int32
	clicks int
}

func newOperator(t *testing.T, ctx context.Context) *operator {
	o := &operator{t: t, ctx: ctx}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*page.EventFrameNavigated); ok && e.Frame.ParentID == "" {
			o.loads.Add(1)
		}
	}); err != nil {
		t.Fatal(err)
	}
	return o
}

// reset starts counting afresh.
func (o *operator) reset() { o.loads.Store(0); o.clicks = 0 }

// click is one click of the operator's.
func (o *operator) click(what, sel string, then ...chromedp.Action[chromedp.Void]) {
	o.t.Helper()
	o.clicks++
	steps(o.t, o.ctx, what, append([]chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(sel))}, then...)...)
}

// TestBrowserIntakeOneScreen (issue 8 item 1): a hotline operator takes a
// call on one screen — the category by a keyword, the area by its name with
// its parent's, the body it goes to proposed as they type, the caller's
// earlier demands shown as the phone is typed — and files and dispatches
// it with one click. Then an enquiry is answered on the spot, also with one
// click. Pages loaded and clicks are counted.
func TestBrowserIntakeOneScreen(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := browser(t)
			s := demoStore(t, eng)
			admin := lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout)
			srv := s.serve(t)
			api := func(method, path string, body any, out any) int {
				t.Helper()
				var rd *bytes.Reader
				if body != nil {
					b, _ := json.Marshal(body)
					rd = bytes.NewReader(b)
				} else {
					rd = bytes.NewReader(nil)
				}
				req, _ := http.NewRequest(method, srv.URL+"/api/v1"+path, rd)
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if out != nil {
					json.NewDecoder(resp.Body).Decode(out)
				}
				return resp.StatusCode
			}
			// The caller called before (the demo's phones begin 13, 15, 17, 18 or 19).
			var earlier struct{ ID int64 }
			if st := api("POST", "/demands", map[string]any{"category": "noise", "channel": "hotline", "area": "310104001001",
				"description": "上周反映过楼下噪音", "reporter": map[string]string{"name": "陈来电", "phone": "16600217788"}}, &earlier); st != 201 {
				t.Fatalf("earlier demand: %d", st)
			}

			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			steps(t, ctx, "sign in as the street's hotline operator",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(css(`input[name=username]`)),
				chromedp.SendKeys(css(`input[name=username]`), "street"),
				chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
				chromedp.Submit(css(`input[name=password]`)),
				chromedp.WaitVisible(css(`nav a[href="/queue"]`)),
			)
			op := newOperator(t, ctx)
			text := func(sel string) string { return value(t, ctx, chromedp.Text(css(sel))) }

			// A call: noise at a grid named with its residential area.
			op.reset()
			steps(t, ctx, "open the intake form",
				chromedp.Navigate(srv.URL+"/demands/new"),
				chromedp.WaitVisible(css(`#d-category`)),
			)
			steps(t, ctx, "type the call",
				chromedp.SendKeys(css(`#d-category`), "噪音"),
				chromedp.SendKeys(css(`#d-area`), "湖南居民区 第3网格"),
				chromedp.WaitVisible(css(`#proposed-lead`)),
				chromedp.SendKeys(css(`#d-description`), "楼下饭店每天夜里排风扇噪音很大，影响休息"),
				chromedp.SendKeys(css(`#d-address`), "湖南路 105 号"),
				chromedp.SendKeys(css(`#d-name`), "陈来电"),
				chromedp.SendKeys(css(`#d-phone`), "166 0021 7788"),
				chromedp.WaitVisible(css(`#callers li[data-caller-demand="`+strconv.FormatInt(earlier.ID, 10)+`"]`)),
			)
			found, proposed := text(`#proposal .found`), text(`#proposed-lead`)
			testkit.Contains(t, found, "噪音扰民", "湖南居民区", "第3网格")
			testkit.Contains(t, proposed, "第3网格")
			if callers := text(`#callers`); strings.Contains(callers, "16600217788") || !strings.Contains(callers, "166****7788") {
				t.Fatalf("the caller's earlier demands show the phone %q", callers)
			}
			op.click("file and dispatch", `#intake-submit`, chromedp.WaitVisible(css(`#filed-dispatched`)))
			callLoads, callClicks := op.loads.Load(), op.clicks
			t.Logf("a call filed and dispatched: %d page loads, %d clicks", callLoads, callClicks)
			if callLoads != 2 || callClicks != 1 {
				t.Errorf("a call took %d page loads and %d clicks, want 2 (the form, the answer to its submission) and 1", callLoads, callClicks)
			}
			number := text(`#filed .filed-number`)
			id := strings.TrimFunc(strings.SplitN(strings.SplitN(number, "#", 2)[1], "。", 2)[0], func(r rune) bool { return r < '0' || r > '9' })
			var got struct {
				Status, Lead, Category, Area, Channel string
			}
			if api("GET", "/demands/"+id, nil, &got); got.Status != "dispatched" || got.Category != "noise" || got.Channel != "hotline" ||
				!strings.HasPrefix(got.Area, "310104001") || got.Lead != got.Area {
				t.Fatalf("demand %s: %+v (want dispatched to its grid, the body proposed)", id, got)
			}
			testkit.Contains(t, text(`#filed-dispatched`), "第3网格")
			// The form is fresh for the next call, the channel kept.
			if v := value(t, ctx, chromedp.Evaluate[string](`document.getElementById('d-description').value + document.getElementById('d-channel').value`)); v != "hotline" {
				t.Fatalf("the next form starts with %q", v)
			}

			// An enquiry answered on the spot.
			op.reset()
			steps(t, ctx, "type the enquiry and the answer",
				chromedp.SendKeys(css(`#d-category`), "咨询"),
				chromedp.SendKeys(css(`#d-area`), "湖南居民区"),
				chromedp.SendKeys(css(`#d-description`), "咨询居住证办理需要哪些材料"),
				chromedp.SendKeys(css(`#d-phone`), "16600218899"),
				chromedp.SendKeys(css(`#d-answer`), "已告知到街道社区事务受理中心办理，需带身份证和租赁合同"),
			)
			op.click("answered on the spot", `#answer-submit`, chromedp.WaitVisible(css(`#filed-answered`)))
			askLoads, askClicks := op.loads.Load(), op.clicks
			t.Logf("an enquiry answered on the spot: %d page loads, %d clicks", askLoads, askClicks)
			if askLoads != 1 || askClicks != 1 {
				t.Errorf("answering took %d page loads and %d clicks, want 1 (on the form already open) and 1", askLoads, askClicks)
			}
			number = text(`#filed .filed-number`)
			id = strings.TrimFunc(strings.SplitN(strings.SplitN(number, "#", 2)[1], "。", 2)[0], func(r rune) bool { return r < '0' || r > '9' })
			var closed struct {
				Status, Outcome, Resolution, Category string
				ContactedAt                           *string `json:"contacted_at"`
			}
			if api("GET", "/demands/"+id, nil, &closed); closed.Status != "closed" || closed.Category != "consult" || closed.Outcome != "solved" ||
				closed.ContactedAt == nil || !strings.Contains(closed.Resolution, "租赁合同") {
				t.Fatalf("demand %s: %+v (want closed, contacted and solved with the answer)", id, closed)
			}
		})
	}
}
