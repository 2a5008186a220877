package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// proposeProject proposes a project through the form as b and dates its
// creation at created (a Shanghai wall time); it returns the project's path.
func (s *site) proposeProject(t *testing.T, b *browser, title, domain, area string, served int, created time.Time) string {
	t.Helper()
	resp := b.submit("/projects", url.Values{"title": {title}, "domain": {domain}, "area": {area}, "lead_name": {"社区党群服务中心"},
		"beneficiaries": {fmt.Sprint(served)}})
	wantStatus(t, "propose "+title, resp.StatusCode, http.StatusSeeOther, resp.Body)
	path := resp.Header.Get("Location")
	var id int64
	if _, err := fmt.Sscanf(path, "/projects/%d", &id); err != nil {
		t.Fatalf("propose %s: redirected to %q", title, path)
	}
	if _, err := s.DB.Exec(context.Background(), "UPDATE projects SET created_at = ? WHERE id = ?", created.UTC(), id); err != nil {
		t.Fatal(err)
	}
	return path
}

// projectRow is the row of a projects table keyed key (a domain, a level or an area code).
func projectRow(t *testing.T, page, table, key string) string {
	t.Helper()
	return between(t, between(t, page, `id="`+table+`"`, "</table>"), `data-key="`+key+`"`, "</tr>")
}

// TestDashboardProjects: the leaders' dashboard shows the service projects
// created in its area and period: the count, the residents served, the two
// shares against DOMAIN.md's 75% and 70%, and tables by domain, landing
// level and child area whose rows open the project list filtered to them.
// The period is the dashboard's inclusive dates in Shanghai, a cancelled
// project does not count, and a reader without the lists has no section.
func TestDashboardProjects(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		at := func(day string, hour, minute int) time.Time {
			x, err := time.ParseInLocation(time.DateOnly, day, clock.Shanghai)
			if err != nil {
				t.Fatal(err)
			}
			return x.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
		}
		// The fixture's today is 2026-11-30 (Shanghai): the dashboard opens on 11-01 … 11-30.
		s.proposeProject(t, admin, "老人助餐点", "livelihood", testkit.ResA1, 30, at("2026-11-30", 9, 0))
		// Ten minutes into the period in Shanghai, still 10-31 in UTC.
		s.proposeProject(t, admin, "街道运动会", "culture", testkit.StreetA, 20, at("2026-11-01", 0, 10))
		s.proposeProject(t, admin, "垃圾分类宣传", "environment", testkit.District, 10, at("2026-11-15", 12, 0))
		// Half an hour before the period.
		s.proposeProject(t, admin, "楼组议事会", "governance", testkit.ResB1, 100, at("2026-10-31", 23, 30))
		cancelled := s.proposeProject(t, admin, "夜间巡逻", "safety", testkit.ResB1, 500, at("2026-11-20", 8, 0))
		resp := admin.submit(cancelled+"/status", url.Values{"status": {"cancelled"}})
		wantStatus(t, "cancel", resp.StatusCode, http.StatusSeeOther, resp.Body)

		t.Run("district, default period", func(t *testing.T) {
			st, page := admin.get("/demands/dashboard")
			wantStatus(t, "dashboard", st, http.StatusOK, page)
			part := between(t, page, `id="proj-h"`, "</section>\n")
			testkit.Contains(t, part, "服务项目", "统计 2026-11-01 至 2026-11-30 期间新建的项目")
			testkit.Contains(t, page, `data-project="total">3</p>`, `data-project="beneficiaries">60</p>`,
				`href="/projects?area=310104&amp;from=2026-11-01&amp;to=2026-11-30"`, "查看徐汇区的项目清单",
				// Livelihood and culture out of three: 66.7%, more than five points under 75%.
				`class="figure standing-below" aria-labelledby="proj-three"`, `data-project="three">66.7%</p>`,
				`data-standing="below">低于参照值 75%`,
				// Residential and street out of three: 66.7%, within five points of 70%.
				`class="figure standing-near" aria-labelledby="proj-low"`, `data-project="low">66.7%</p>`,
				`data-standing="near">接近参照值 70%`,
				"75% 属于民生服务、社会治理和文化体育，70% 落地在街道和居民区层面",
				`<caption>徐汇区服务项目（按领域）</caption>`, `<caption>徐汇区服务项目（按落地层级）</caption>`,
				`<caption>徐汇区各下级区域的服务项目</caption>`, `<th scope="col" class="num">占比</th>`)
			for _, c := range []struct{ table, key, link, name, count, share string }{
				{"proj-domains", "livelihood", "/projects?area=310104&amp;category=livelihood&amp;from=2026-11-01&amp;to=2026-11-30", "民生服务", "1", "33.3%"},
				{"proj-domains", "culture", "/projects?area=310104&amp;category=culture&amp;from=2026-11-01&amp;to=2026-11-30", "文化体育", "1", "33.3%"},
				{"proj-domains", "governance", "/projects?area=310104&amp;category=governance&amp;from=2026-11-01&amp;to=2026-11-30", "社会治理", "0", "0.0%"},
				{"proj-domains", "safety", "/projects?area=310104&amp;category=safety&amp;from=2026-11-01&amp;to=2026-11-30", "平安", "0", "0.0%"},
				{"proj-levels", "district", "/projects?area=310104&amp;from=2026-11-01&amp;kind=district&amp;to=2026-11-30", "区", "1", "33.3%"},
				{"proj-levels", "street", "/projects?area=310104&amp;from=2026-11-01&amp;kind=street&amp;to=2026-11-30", "街道/镇", "1", "33.3%"},
				{"proj-levels", "residential", "/projects?area=310104&amp;from=2026-11-01&amp;kind=residential&amp;to=2026-11-30", "居民区", "1", "33.3%"},
				// The district's own project lies under no street.
				{"proj-areas", testkit.StreetA, "/projects?area=" + testkit.StreetA + "&amp;from=2026-11-01&amp;to=2026-11-30", "湖南路街道", "2", "66.7%"},
				// A street whose only projects are outside the period or cancelled counts none.
				{"proj-areas", testkit.StreetB, "/projects?area=" + testkit.StreetB + "&amp;from=2026-11-01&amp;to=2026-11-30", "天平路街道", "0", "0.0%"},
			} {
				row := projectRow(t, page, c.table, c.key)
				testkit.Contains(t, row, `<th scope="row" data-label="`, `<a href="`+c.link+`">`+c.name+"</a>",
					`data-label="项目数">`+c.count+"</td>", `data-label="占比">`+c.share+"</td>")
			}
			// A row's link opens the list it counts, in the same period: the
			// governance project of 10-31 is not in the district's list of it.
			st, list := admin.get("/projects?area=310104&category=livelihood&from=2026-11-01&to=2026-11-30")
			wantStatus(t, "domain list", st, http.StatusOK, list)
			testkit.Contains(t, list, "老人助餐点")
			if strings.Contains(list, "街道运动会") || strings.Contains(list, "垃圾分类宣传") {
				t.Error("the livelihood list shows projects of other domains")
			}
			_, list = admin.get("/projects?area=310104&category=governance&from=2026-11-01&to=2026-11-30")
			if strings.Contains(list, "楼组议事会") {
				t.Error("the list of the period shows a project of the day before")
			}
			_, list = admin.get("/projects?area=310104&category=governance")
			testkit.Contains(t, list, "楼组议事会")
			if st, _ := admin.get("/projects?from=November"); st != http.StatusBadRequest {
				t.Errorf("a made-up date: %d", st)
			}
			_, list = admin.get("/projects?area=310104&kind=street")
			testkit.Contains(t, list, "街道运动会")
			if strings.Contains(list, "老人助餐点") {
				t.Error("the street-level list shows a residential project")
			}
		})

		t.Run("period bounds in Shanghai", func(t *testing.T) {
			// One day earlier takes in the governance project (Shanghai 10-31 23:30).
			_, page := admin.get("/demands/dashboard?area=310104&from=2026-10-31&to=2026-11-30")
			testkit.Contains(t, page, `data-project="total">4</p>`, `data-project="beneficiaries">160</p>`,
				`data-project="three">75.0%</p>`, `data-standing="met">达到参照值 75%`,
				`data-project="low">75.0%</p>`, `data-standing="met">达到参照值 70%`)
			testkit.Contains(t, projectRow(t, page, "proj-areas", testkit.StreetB), "天平路街道", `data-label="项目数">1</td>`)
			testkit.Contains(t, projectRow(t, page, "proj-domains", "governance"), `data-label="项目数">1</td>`)
			// 10-31 alone: the project 10 minutes into 11-01 in Shanghai is out, though both fall on 10-31 in UTC.
			_, page = admin.get("/demands/dashboard?area=310104&from=2026-10-31&to=2026-10-31")
			testkit.Contains(t, page, `data-project="total">1</p>`, `data-project="beneficiaries">100</p>`)
			// 11-30 is in: the period's last day counts whole.
			_, page = admin.get("/demands/dashboard?area=310104&from=2026-11-30&to=2026-11-30")
			testkit.Contains(t, page, `data-project="total">1</p>`, `data-project="beneficiaries">30</p>`)
			// A period without projects: no rates, no tables, and it says so.
			_, page = admin.get("/demands/dashboard?area=310104&from=2026-01-01&to=2026-01-31")
			testkit.Contains(t, page, `data-project="total">0</p>`, `data-project="three">—</p>`,
				`data-standing="none">本期没有项目（参照值 75%）`, "该期间没有新建的服务项目。")
			if strings.Contains(page, "dash-projects-table") {
				t.Error("an empty period shows the projects' tables")
			}
		})

		t.Run("street", func(t *testing.T) {
			st, page := s.login(t, auth.StreetStaff).get("/demands/dashboard")
			wantStatus(t, "street dashboard", st, http.StatusOK, page)
			testkit.Contains(t, page, `data-project="total">2</p>`, `data-project="beneficiaries">50</p>`,
				`data-project="three">100.0%</p>`, `data-standing="met">达到参照值 75%`,
				`href="/projects?area=310104001&amp;category=culture&amp;from=2026-11-01&amp;to=2026-11-30"`, "<caption>湖南路街道各下级区域的服务项目</caption>")
			// The street's children are its residential areas.
			testkit.Contains(t, projectRow(t, page, "proj-areas", testkit.ResA1), "东湖居民区", `data-label="项目数">1</td>`, "50.0%")
		})

		t.Run("grid: totals only, projects still shown", func(t *testing.T) {
			st, page := s.login(t, auth.GridWorker).get("/demands/dashboard")
			wantStatus(t, "grid dashboard", st, http.StatusOK, page)
			testkit.Contains(t, page, "网格和弄只显示合计", `id="proj-h"`, `data-project="total">0</p>`)
		})

		t.Run("English", func(t *testing.T) {
			for code, en := range map[string]string{testkit.District: "Xuhui District", testkit.StreetA: "Hunan Road Subdistrict", testkit.StreetB: "Tianping Road Subdistrict"} {
				if _, err := d.Exec(context.Background(), "UPDATE areas SET name_en = ? WHERE code = ?", en, code); err != nil {
					t.Fatal(err)
				}
			}
			s.Clock.Advance(2 * time.Minute) // the area labels are read again at most once a minute
			b := s.login(t, auth.DistrictAdmin)
			b.submit("/lang", url.Values{"lang": {"en"}})
			_, page := b.get("/demands/dashboard?area=310104&from=2026-11-01&to=2026-11-30")
			part := between(t, page, `id="proj-h"`, `<p class="hint">A name opens`)
			testkit.Contains(t, part, "Service projects", "Projects created from 2026-11-01 to 2026-11-30",
				"Below the benchmark of 75%", "Close to the benchmark of 70%", "Open the project list of Xuhui District",
				"Service projects of Xuhui District by domain", "Livelihood services", "Hunan Road Subdistrict")
			if h := han(part); h != "" {
				t.Errorf("Chinese in the English projects section: %s", h)
			}
		})

		t.Run("no lists, no section", func(t *testing.T) {
			// A resident may read neither demands' figures nor the lists.
			st, page := s.login(t, auth.Resident).get("/demands/dashboard")
			if st == http.StatusOK {
				t.Fatalf("a resident opens the dashboard")
			}
			if strings.Contains(page, `id="proj-h"`) || strings.Contains(page, "data-project=") {
				t.Error("a resident is shown the projects' figures")
			}
		})
	})
}
