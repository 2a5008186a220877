package e2e

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gongzhi/internal/testkit"
)

// reportBudget is what /report may transfer compressed, with the scripts and
// styles it links (issue 8).
const reportBudget = 30 << 10

// TestBrowserResidentReport: on a phone-sized screen, a resident of the demo
// district files a demand on /report, naming the residential area by typing
// part of it and taking the suggestion, then comes back to /track and finds
// the demand with its number and the last four digits of the phone.
// Counted: 4 page loads (the form, filed, the look-up, found) and 2 clicks. A name several places share brings
// the form back with them to choose from, and that page passes axe. The
// page with its scripts and styles transfers at most 30 KB compressed.
func TestBrowserResidentReport(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			browserCtx := browser(t)
			s := demoStore(t, eng)
			srv := s.serve(t)
			weighReport(t, srv.URL)

			ctx, cancel := chromedp.NewContext(browserCtx)
			t.Cleanup(cancel)
			if err := chromedp.Do(ctx); err != nil { // open the tab without a deadline (chromedp's rule)
				t.Fatal(err)
			}
			var loads atomic.Int32
			if err := chromedp.Listen(ctx, func(ev any) {
				if _, ok := ev.(*page.EventLoadEventFired); ok {
					loads.Add(1)
				}
			}); err != nil {
				t.Fatal(err)
			}
			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			const suggestion = "湖南路街道 / 东湖居民区"
			clicks := 0
			steps(t, ctx, "open the report page on a phone",
				chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
				chromedp.Navigate(srv.URL+"/report"),
				chromedp.WaitVisible(css(`#report-submit`)),
			)
			if w := value(t, ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`)); w > 0 {
				t.Errorf("the report page is %d px wider than the phone's screen", w)
			}
			steps(t, ctx, "describe it, type the place and take the suggestion",
				chromedp.SendKeys(css(`#r-description`), "手机测试：小区门口的路灯坏了一周，晚上很黑"),
				chromedp.SetValue(css(`#r-category`), "municipal_light"),
				chromedp.SendKeys(css(`#r-area`), "湖南 东湖"),
				chromedp.WaitReady(css(`#r-area-list option[value="`+suggestion+`"]`)),
				// What the browser does when the resident taps the suggestion.
				chromedp.Evaluate[chromedp.Void](`(() => { const a = document.getElementById('r-area');
					a.value = a.list.options[0].value; a.dispatchEvent(new Event('input', {bubbles: true})); })()`),
				chromedp.SendKeys(css(`#r-address`), "东湖路12弄3号502室"),
				chromedp.SendKeys(css(`#r-phone`), "139 1111 5678"),
			)
			if got := value(t, ctx, chromedp.Evaluate[string](`document.getElementById('r-area').value`)); got != suggestion {
				t.Fatalf("the area box holds %q after taking the first suggestion, want %q", got, suggestion)
			}
			steps(t, ctx, "scroll to the description for the picture", chromedp.Evaluate[chromedp.Void](
				`document.activeElement.blur(); window.scrollTo(0, document.getElementById('r-description').getBoundingClientRect().top + window.scrollY - 48)`))
			docShot(t, ctx, "report-phone")
			steps(t, ctx, "send it",
				chromedp.Click(css(`#report-submit`)),
				chromedp.WaitVisible(css(`a#tracking-link`)),
			)
			clicks++
			href := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('#lookup-hint a').getAttribute('href')`))
			number := strings.TrimPrefix(href, "/track?number=")
			if !regexp.MustCompile(`^\d+$`).MatchString(number) {
				t.Fatalf("the filed page points to %q, want /track?number=…", href)
			}
			docShot(t, ctx, "report-done-phone")

			// Later, without the link: the number and the phone's last four digits.
			steps(t, ctx, "look it up by number",
				chromedp.Navigate(srv.URL+"/track"),
				chromedp.WaitVisible(css(`#lookup-submit`)),
				chromedp.SendKeys(css(`#l-number`), number),
				chromedp.SendKeys(css(`#l-last4`), "5678"),
				chromedp.Click(css(`#lookup-submit`)),
				chromedp.WaitVisible(css(`#timeline`)),
			)
			clicks++
			h1 := value(t, ctx, chromedp.Evaluate[string](`document.querySelector('h1').innerText`))
			where := value(t, ctx, chromedp.Evaluate[string](`(document.getElementById('public-address') || {}).innerText || ''`))
			body := value(t, ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if !strings.Contains(h1, number) || where != "东湖路12弄" || !strings.Contains(body, "东湖居民区") {
				t.Fatalf("the look-up shows %q, address %q:\n%.600s", h1, where, body)
			}
			if strings.Contains(body, "502") || strings.Contains(body, "5678") {
				t.Error("the look-up shows the door number or the phone")
			}
			docShot(t, ctx, "track-phone")
			if n := loads.Load(); n > 4 || clicks != 2 {
				t.Fatalf("%d page loads and %d clicks, want at most 4 and 2", n, clicks)
			}
			t.Logf("report and look-up on a phone: %d page loads, %d clicks", loads.Load(), clicks)

			// A name several places share: the form offers them; the resident picks one.
			// The page in each state passes axe (TestBrowserAccessibility checks it
			// too, behind a demo built within its server's start-up deadline).
			a := newA11y(t, browserCtx, srv.URL)
			a.open("/report")
			a.check("/report")
			steps(t, a.ctx, "send it empty",
				chromedp.Click(css(`#report-submit`)),
				chromedp.WaitVisible(css(`#r-area[aria-invalid="true"]`)),
			)
			a.check("/report with errors")
			a.lang("en")
			a.open("/report")
			a.check("en /report")
			a.onPhone(func() {
				a.open("/report")
				a.check("phone en /report")
			})
			a.lang("zh-CN")
			a.open("/report")
			steps(t, a.ctx, "a grid's name alone",
				chromedp.SendKeys(css(`#r-description`), "网格测试：楼道堆物"),
				chromedp.SetValue(css(`#r-category`), "safety_fire"),
				chromedp.SetValue(css(`#r-area`), "第3网格"),
				chromedp.Click(css(`#report-submit`)),
				chromedp.WaitVisible(css(`#r-area-candidates`)),
			)
			a.check("/report with candidates")
			a.report()
			first := value(t, a.ctx, chromedp.Evaluate[string](`document.querySelector('input[name=area_pick]').value`))
			steps(t, a.ctx, "pick the first",
				chromedp.Click(css(`input[name=area_pick]`)),
				chromedp.Click(css(`#report-submit`)),
				chromedp.WaitVisible(css(`a#tracking-link`)),
			)
			if !strings.HasSuffix(first, "/ 第3网格") {
				t.Errorf("the first candidate is %q", first)
			}
		})
	}
}

// weighReport sums what a browser fetches for /report, as gzip: the page
// and the scripts and styles it links.
func weighReport(t *testing.T, base string) {
	t.Helper()
	get := func(path, enc string) ([]byte, http.Header) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, base+path, nil)
		req.Header.Set("Accept-Encoding", enc) // set by hand: the transport leaves the body as sent
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
		}
		return b, resp.Header
	}
	html, _ := get("/report", "identity")
	gz, h := get("/report", "gzip")
	if h.Get("Content-Encoding") != "gzip" {
		t.Fatal("/report is not compressed")
	}
	raw, total := len(html), len(gz)
	for _, m := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+\.(?:js|css))"`).FindAllSubmatch(html, -1) {
		b, _ := get(string(m[1]), "identity")
		z, _ := get(string(m[1]), "gzip")
		raw, total = raw+len(b), total+len(z)
	}
	t.Logf("/report in the demo district: HTML %d B (%d B gzip); with its scripts and styles %d B (%d B gzip)", len(html), len(gz), raw, total)
	if total > reportBudget {
		t.Errorf("/report transfers %d B compressed with its scripts and styles, over %d B", total, reportBudget)
	}
}

// docShot saves the tab's screen as docs/img/name.png for the user guide
// when GONGZHI_DOC_SHOTS is set (so ordinary runs leave the tree alone),
// from the SQLite run only.
func docShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("GONGZHI_DOC_SHOTS") == "" || !strings.HasSuffix(t.Name(), "/sqlite") {
		return
	}
	shot := value(t, ctx, chromedp.CaptureScreenshot())
	img, _, err := image.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join("..", "docs", "img", name+".png"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
