package e2e

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/testkit"
)

// chromium finds the browser; with CI=true a missing browser fails the run
// instead of skipping, so CI can never pass without the browser tests.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI=true but no chromium found: install Debian's chromium and fonts-noto-cjk")
	}
	t.Skip("no chromium; browser tests skipped")
	return ""
}

func browser(t *testing.T) context.Context {
	path := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		// Headless Chromium asks for en-US; a district worker's browser asks for Chinese.
		chromedp.Flag("accept-lang", "zh-CN,zh"),
		chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(ctx); err != nil { // start the browser without a deadline (chromedp's rule)
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// steps runs browser steps with a deadline so a missing element fails instead of hanging.
func steps(t *testing.T, ctx context.Context, what string, s ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(sctx, s...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func value[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestBrowserCoverage: a street worker signs in, opens the coverage dashboard,
// sees the chart drawn, opens an uncovered shop from the drill-down, and
// switches to English and back.
func TestBrowserCoverage(t *testing.T) {
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
				chromedp.WaitVisible(css(`#site-nav a[href="/areas"]`)),
			)
			// Coverage is a tab under the top bar's 区域与单位.
			steps(t, ctx, "coverage dashboard",
				chromedp.Click(css(`#site-nav a[href="/areas"]`)),
				chromedp.WaitVisible(css(`main nav.tabs a[href="/coverage"]`)),
				chromedp.Click(css(`main nav.tabs a[href="/coverage"]`)),
				chromedp.WaitVisible(css(`#coverage-chart[data-ready="1"]`)),
			)
			drawn := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('#coverage-chart canvas, #coverage-chart svg').length`))
			if drawn == 0 {
				t.Fatal("coverage chart has no canvas: ECharts did not draw")
			}
			testkit.Contains(t, value(t, ctx, chromedp.Text(css(`h1`))), "湖南路街道")
			steps(t, ctx, "uncovered shop from the drill-down",
				chromedp.Click(css(`a[data-worklist="shop"]`)),
				chromedp.WaitVisible(css(`a[data-unit]`)),
				chromedp.Click(css(`a[data-unit]`)),
				chromedp.WaitVisible(css(`[data-unit-page]`)),
			)
			unit := value(t, ctx, chromedp.Text(css(`[data-unit-page]`)))
			testkit.Contains(t, unit, "沿街商铺", "未覆盖")
			lang := func() string {
				return value(t, ctx, chromedp.AttributeValue(css(`html`), "lang")).Value
			}
			steps(t, ctx, "switch to English",
				chromedp.Click(css(`button[data-lang="en"]`)),
				chromedp.WaitVisible(css(`button[data-lang="zh-CN"]`)),
			)
			if l := lang(); l != "en" {
				t.Fatalf("after switching to English, html lang = %q", l)
			}
			steps(t, ctx, "switch back to Chinese",
				chromedp.Click(css(`button[data-lang="zh-CN"]`)),
				chromedp.WaitVisible(css(`button[data-lang="en"]`)),
			)
			if l := lang(); l != "zh-CN" {
				t.Fatalf("after switching back, html lang = %q", l)
			}
		})
	}
}
