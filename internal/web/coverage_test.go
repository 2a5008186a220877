package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

var chartJSON = regexp.MustCompile(`(?s)<script type="application/json" id="coverage-data">(.*?)</script>`)

func TestCoverageDashboard(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/coverage")
		wantStatus(t, "coverage", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="coverage-chart"`, "/static/vendor/echarts.min.", "/static/charts.",
			"徐汇区覆盖情况", "沿街商铺", "两新组织", "区域单位")
		// One work list of uncovered units per group, for the whole district…
		for _, g := range []string{"shop", "two_new", "regional_unit"} {
			testkit.Contains(t, body, `data-worklist="`+g+`" href="/units?area=310104&amp;covered=false&amp;group=`+g+`"`)
		}
		// …and per street in the table (the accessible twin of the chart).
		testkit.Contains(t, body, `href="/units?area=`+testkit.StreetB+`&amp;covered=false&amp;group=shop"`,
			`<a href="/coverage?area=`+testkit.StreetA+`">湖南路街道</a>`)
		// District shops: 3 in all, 1 covered.
		testkit.Contains(t, body, "33.3%", "已覆盖 1 / 共 3")

		m := chartJSON.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no chart data")
		}
		var chart struct {
			Areas  []struct{ Code, Name string }
			Drill  bool
			Series []struct {
				Group string
				Rates []*float64
				Total []int
			}
		}
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &chart); err != nil {
			t.Fatalf("chart data: %v\n%s", err, m[1])
		}
		if len(chart.Areas) != 2 || chart.Areas[0].Code != testkit.StreetA || chart.Areas[1].Code != testkit.StreetB || !chart.Drill {
			t.Fatalf("chart areas %+v, want the two streets with drill-down", chart.Areas)
		}
		if len(chart.Series) != 3 || chart.Series[0].Group != "shop" || chart.Series[0].Total[0] != 2 || *chart.Series[0].Rates[0] != 50 {
			t.Fatalf("chart series %+v", chart.Series)
		}

		// Street staff open on their street, with its residential areas as bars.
		_, body = s.login(t, auth.StreetStaff).get("/coverage")
		testkit.Contains(t, body, "湖南路街道覆盖情况", `"code":"`+testkit.ResA1+`"`, `"code":"`+testkit.ResA2+`"`)

		// ECharts (1 MB) loads only on pages with charts.
		_, units := admin.get("/units")
		if strings.Contains(units, "echarts") {
			t.Fatal("the unit list loads ECharts")
		}
	})
}
