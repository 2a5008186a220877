package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/testkit"
)

// TestBrowserPicker: at the demo district's scale (tens of thousands of
// units) a street worker finds a unit by typing part of its name into the
// party organisation form's picker, chooses it and saves the organisation.
func TestBrowserPicker(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := browser(t)
			srv := demoStore(t, eng).serve(t)
			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			steps(t, ctx, "sign in",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(css(`input[name=username]`)),
				chromedp.SendKeys(css(`input[name=username]`), "street"),
				chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
				chromedp.Submit(css(`input[name=password]`)),
				chromedp.WaitVisible(css(`nav a[href="/queue"]`)),
				chromedp.Navigate(srv.URL+"/org/party-orgs/new"),
				chromedp.WaitVisible(css(`#po-unit`)),
			)
			// Typing asks the endpoint (after a pause) and fills the datalist.
			steps(t, ctx, "type part of a name",
				chromedp.SendKeys(css(`#po-unit`), "有限公司"),
				// The first focus already offered some units; wait for the typed text's matches.
				chromedp.Poll[chromedp.Void](`(function () {
					var o = Array.from(document.querySelectorAll('#po-unit-list option'));
					return o.length > 0 && o.every(x => x.value.includes('有限公司'));
				})()`),
			)
			opts := value(t, ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#po-unit-list option'), o => o.value)`))
			if len(opts) != 20 {
				t.Fatalf("a district-scale search offers %d suggestions, want the cap of 20", len(opts))
			}
			for _, o := range opts {
				if !strings.Contains(o, "有限公司") || !strings.Contains(o, "（") {
					t.Fatalf("suggestion %q does not match the typed text or lacks its area", o)
				}
			}
			// Choosing a suggestion (what the datalist does) fills the hidden id.
			picked := value(t, ctx, chromedp.Evaluate[string](`(function () {
				var i = document.getElementById('po-unit');
				i.value = document.querySelector('#po-unit-list option').value;
				i.dispatchEvent(new Event('input', {bubbles: true}));
				return document.querySelector('input[name=unit_id]').value;
			})()`))
			if picked == "" {
				t.Fatal("choosing a suggestion left the unit id empty")
			}
			steps(t, ctx, "save the unit party organisation",
				chromedp.SendKeys(css(`#po-name`), "选择器测试党支部"),
				chromedp.SetValue(css(`#po-kind`), "unit_party_org"),
				chromedp.Submit(css(`#po-name`)),
				chromedp.WaitVisible(css(`#f-q`)), // the list the form leads back to
				chromedp.Navigate(srv.URL+"/org/party-orgs?q="+url.QueryEscape("选择器测试")),
				chromedp.WaitVisible(css(`table.list`)),
			)
			unit := strings.SplitN(opts[0], "（", 2)[0]
			testkit.Contains(t, value(t, ctx, chromedp.Evaluate[string](`document.body.innerText`)), unit)
		})
	}
}
