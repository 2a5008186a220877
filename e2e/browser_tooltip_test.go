package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"gongzhi/internal/clock"
	"gongzhi/internal/testkit"
)

// Names as people could type them: the charts' tooltips are HTML, so these
// must show as text and never become elements. The plain part of each
// finds the tooltip to check, whatever became of the markup.
const (
	evilArea     = `<img src=x onerror="window.__pwned=1">` + areaMark
	areaMark     = "东湖新村"
	evilCategory = `<b>x</b>` + categoryMark
	categoryMark = "夜间噪音"
)

// tipJS defines window.__tip(id, x, y): it shows chart id's tooltip for
// the point x, y of the chart, as a hover there would. A point rather than a
// data index, because ECharts shows nothing for an index whose value is
// empty (an area with no units yet).
const tipJS = `window.__tip = function (id, x, y) {
	var c = echarts.getInstanceByDom(document.getElementById(id));
	c.dispatchAction({type: 'showTip', x: x, y: y});
	return true;
}; true`

// at is a JavaScript expression giving the pixel, within chart id, of the
// category index returns on a category axis (axis "x" or "y"), halfway
// across the other; null when index is negative.
func at(id, axis, index string) string {
	other := map[string]string{"x": "el.clientHeight / 2", "y": "el.clientWidth / 2"}[axis]
	return fmt.Sprintf(`(function () {
		var el = document.getElementById(%q), c = echarts.getInstanceByDom(el), i = %s;
		if (i < 0) return null;
		var p = c.convertToPixel({%sAxisIndex: 0}, i);
		return %q === 'x' ? [p, %s] : [%s, p];
	})()`, id, index, axis, axis, other, other)
}

// tipOf is a JavaScript expression, for Poll, that finds the visible tooltip
// of chart id holding mark and describes it; null until there is one.
func tipOf(id, mark string) string {
	return fmt.Sprintf(`(function () {
		var el = document.getElementById(%q);
		var tips = Array.prototype.filter.call(el.children, function (n) {
			return n.tagName === 'DIV' && !n.querySelector('canvas') && n.style.display !== 'none';
		});
		for (var i = 0; i < tips.length; i++) {
			if (tips[i].textContent.indexOf(%s) >= 0) {
				return {text: tips[i].textContent, html: tips[i].innerHTML,
					injected: tips[i].querySelectorAll('img, b, script, iframe').length};
			}
		}
		return null;
	})()`, id, jsString(mark))
}

// tooltip is what tipOf reports.
type tooltip struct {
	Text     string `json:"text"`
	HTML     string `json:"html"`
	Injected int    `json:"injected"`
}

// TestBrowserChartTooltipsEscapeNames: an area and a category named with
// HTML show in the coverage and demand dashboards' tooltips as literal text,
// with no element made from them.
func TestBrowserChartTooltipsEscapeNames(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := browser(t)
			s := demoStore(t, eng)
			admin := lastLine(s.run(t, "", "token", "create", "--username", "admin").stdout)
			srv := s.serve(t)
			post := func(path string, v any) {
				t.Helper()
				body, _ := json.Marshal(v)
				req, _ := http.NewRequest("POST", srv.URL+"/api/v1"+path, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("POST %s: %v", path, err)
				}
				resp.Body.Close()
				if resp.StatusCode/100 != 2 {
					t.Fatalf("POST %s: status %d", path, resp.StatusCode)
				}
			}
			const street, area = "310104001", "310104001099"
			post("/areas", map[string]any{"code": area, "name": evilArea, "level": "residential", "parent": street})
			post("/demand-categories", map[string]any{"code": "e2e_evil", "name": evilCategory, "contact_limit": "2h", "resolve_limit": "5wd", "active": true})
			post("/demands", map[string]any{"category": "e2e_evil", "area": area, "channel": "hotline", "description": "浏览器测试：名称里有标签"})

			css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
			steps(t, ctx, "sign in as the street worker",
				chromedp.Navigate(srv.URL+"/login"),
				chromedp.WaitVisible(css(`input[name=username]`)),
				chromedp.SendKeys(css(`input[name=username]`), "street"),
				chromedp.SendKeys(css(`input[name=password]`), "gongzhi-demo-2026"),
				chromedp.Submit(css(`input[name=password]`)),
				chromedp.WaitVisible(css(`#site-nav a[href="/areas"]`)),
			)
			// check shows chart id's tooltip for one item and wants the
			// names in it as text, and no element made of them.
			check := func(what, id, point, mark string, names ...string) {
				t.Helper()
				xy := value(t, ctx, chromedp.Evaluate[[]float64](point))
				if len(xy) != 2 {
					t.Fatalf("%s: the chart has no item for the names", what)
				}
				value(t, ctx, chromedp.Evaluate[bool](tipJS))
				value(t, ctx, chromedp.Evaluate[bool](fmt.Sprintf(`window.__tip(%q, %f, %f)`, id, xy[0], xy[1])))
				tip := value(t, ctx, chromedp.Poll[tooltip](tipOf(id, mark), chromedp.WithPollingTimeout(20*time.Second)))
				for _, n := range names {
					if !strings.Contains(tip.Text, n) {
						t.Errorf("%s: tooltip text %q lacks %q", what, tip.Text, n)
					}
				}
				if tip.Injected != 0 {
					t.Errorf("%s: the tooltip holds %d elements made from a name:\n%s", what, tip.Injected, tip.HTML)
				}
			}
			noInjection := func(what string) {
				t.Helper()
				n := value(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll('img[src="x"]').length +
					Array.prototype.filter.call(document.querySelectorAll('b'), function (b) { return b.textContent === 'x'; }).length +
					(window.__pwned ? 100 : 0)`))
				if n != 0 {
					t.Errorf("%s: %d injected elements (or a handler ran) on the page", what, n)
				}
			}

			steps(t, ctx, "coverage dashboard",
				chromedp.Navigate(srv.URL+"/coverage?area="+street),
				chromedp.WaitVisible(css(`#coverage-chart[data-ready="1"]`)),
			)
			check("coverage chart", "coverage-chart", at("coverage-chart", "x",
				`JSON.parse(document.getElementById('coverage-data').textContent).areas.findIndex(function (a) { return a.code === '`+area+`'; })`),
				areaMark, evilArea)
			noInjection("coverage dashboard")

			today := time.Now().In(clock.Shanghai).Format(time.DateOnly)
			steps(t, ctx, "demand dashboard",
				chromedp.Navigate(fmt.Sprintf("%s/demands/dashboard?area=%s&from=%s&to=%s", srv.URL, street, today, today)),
				chromedp.WaitVisible(css(`#hot-categories[data-ready="1"]`)),
				chromedp.WaitVisible(css(`#overdue-by-area[data-ready="1"]`)),
				chromedp.WaitVisible(css(`#heat-map[data-ready="1"]`)),
			)
			const data = `JSON.parse(document.getElementById('dashboard-data').textContent)`
			check("hot categories", "hot-categories", at("hot-categories", "y",
				`c.getOption().yAxis[0].data.indexOf(`+jsString(evilCategory)+`)`),
				categoryMark, evilCategory)
			check("overdue by area", "overdue-by-area", at("overdue-by-area", "x",
				data+`.areas.findIndex(function (a) { return a.code === '`+area+`'; })`),
				areaMark, evilArea)
			check("heat map", "heat-map", `(function () {
				var d = `+data+`, c = echarts.getInstanceByDom(document.getElementById('heat-map'));
				var ai = d.areas.findIndex(function (a) { return a.code === '`+area+`'; });
				var ci = d.heat_cats.indexOf(`+jsString(evilCategory)+`);
				return ai < 0 || ci < 0 ? null : c.convertToPixel({seriesIndex: 0}, [ci, ai]);
			})()`, areaMark, evilArea, evilCategory)
			noInjection("demand dashboard")
		})
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
