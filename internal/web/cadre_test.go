package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestCadrePages: street staff add a secretary (a bad form is 422 and adds
// nothing), record training, read the evaluation form with the platform's
// figures and save a score; the export answers; a mentoring pair is made
// and a meeting logged; a unit party organisation's quarterly report shows.
func TestCadrePages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		street := s.login(t, auth.StreetStaff)
		resp := street.submit("/cadres", url.Values{"kind": {"young_cadre"}, "name": {"小王"}, "area": {testkit.ResA1}})
		wantStatus(t, "a young cadre without a batch", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请填写下沉年轻干部的批次")
		var n int
		d.QueryRow(ctx, "SELECT count(*) FROM cadres").Scan(&n)
		if n != 0 {
			t.Fatalf("%d cadres after a refused form", n)
		}
		resp = street.submit("/cadres", url.Values{"kind": {"young_cadre"}, "name": {"小王"}, "area": {testkit.ResA1}, "batch": {"2"}})
		wantStatus(t, "add a cadre", resp.StatusCode, http.StatusSeeOther, resp.Body)
		page := resp.Header.Get("Location")
		resp = street.submit(page+"/trainings", url.Values{"course": {"基层治理"}, "held_on": {"2026-05-01"}, "hours": {"2.5"}})
		wantStatus(t, "training", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body := street.get(page)
		wantStatus(t, "cadre page", st, http.StatusOK, body)
		testkit.Contains(t, body, "第 2 批", "基层治理", "2.5")
		st, body = street.get(page + "/evaluation?year=2026")
		wantStatus(t, "evaluation form", st, http.StatusOK, body)
		testkit.Contains(t, body, "受理诉求", "开展服务项目", "报到党员", "保存考核")
		resp = street.submit(page+"/evaluation?year=2026", url.Values{"score": {"101"}, "review": {"好"}, "evidence": {"平台数据"}})
		wantStatus(t, "score 101", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请填写 0 到 100 的评分")
		resp = street.submit(page+"/evaluation?year=2026", url.Values{"score": {"90"}, "review": {"履职认真"}, "evidence": {"平台数据"}})
		wantStatus(t, "evaluate", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = street.get("/cadres/evaluations.xlsx?year=2026")
		wantStatus(t, "export", st, http.StatusOK, body)
		if !strings.HasPrefix(body, "PK") {
			t.Error("the export is not an XLSX file")
		}
		// Community staff read the cadre but may not review.
		community := s.login(t, auth.CommunityStaff)
		st, body = community.get(page + "/evaluation?year=2026")
		wantStatus(t, "evaluation as community staff", st, http.StatusOK, body)
		if strings.Contains(body, "保存考核") {
			t.Error("community staff see the review form")
		}
		resp = street.submit("/mentoring", url.Values{"mentor_name": {"张书记"}, "mentor_unit_id": {"1"}, "mentee_name": {"李书记"},
			"mentee_unit_id": {"1"}, "since": {"2026-03-01"}})
		wantStatus(t, "a shop as mentor", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		var regional, twoNew string
		d.QueryRow(ctx, "SELECT CAST(id AS TEXT) FROM units WHERE kind = 'regional_unit'").Scan(&regional)
		d.QueryRow(ctx, "SELECT CAST(id AS TEXT) FROM units WHERE name = ?", testkit.TwoNewInA1).Scan(&twoNew)
		resp = street.submit("/mentoring", url.Values{"mentor_name": {"张书记"}, "mentor_unit_id": {regional}, "mentee_name": {"李书记"},
			"mentee_unit_id": {twoNew}, "since": {"2026-03-01"}})
		wantStatus(t, "pair", resp.StatusCode, http.StatusSeeOther, resp.Body)
		pair := resp.Header.Get("Location")
		resp = street.submit(pair+"/meetings", url.Values{"held_on": {"2026-04-01"}, "topic": {"三会一课"}})
		wantStatus(t, "meeting", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = street.get("/mentoring")
		wantStatus(t, "mentoring", st, http.StatusOK, body)
		testkit.Contains(t, body, "张书记", "李书记", "2026-04-01")

		path, _ := area.Path(ctx, d, testkit.ResA2)
		org, _ := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('复兴中路公司党支部', 'unit_party_org', ?, ?)", testkit.ResA2, path)
		st, body = street.get("/members/unit-report?org=" + itoa(org))
		wantStatus(t, "unit report", st, http.StatusOK, body)
		testkit.Contains(t, body, "复兴中路公司党支部", "按报到居民区", "导出 Excel")
		st, body = street.get("/members/unit-report.xlsx?org=" + itoa(org))
		wantStatus(t, "unit report xlsx", st, http.StatusOK, body)
	})
}

// TestActivityNotesPages: the organiser posts a notice and a file; the
// signed-up resident reads the notice and downloads the file from the
// activity's link; someone not signed up gets neither.
func TestActivityNotesPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		staff := s.login(t, auth.CommunityStaff)
		start := s.Clock.Now().Add(48 * time.Hour).In(time.FixedZone("CST", 8*3600))
		resp := staff.submit("/activities", url.Values{"title": {"楼道清洁"}, "date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")},
			"end": {start.Add(2 * time.Hour).Format("15:04")}, "place": {"东湖居民区党群服务站"}, "capacity": {"10"}, "audience": {"all"}, "area": {testkit.ResA1}})
		wantStatus(t, "publish", resp.StatusCode, http.StatusSeeOther, resp.Body)
		act := resp.Header.Get("Location")
		resident := s.login(t, auth.Resident)
		resp = resident.submit(act+"/signup", nil)
		wantStatus(t, "sign up", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.submit(act+"/notice", url.Values{"notice": {"请穿运动鞋。"}})
		wantStatus(t, "notice", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.postFiles(act+"/materials", url.Values{"csrf": {staff.csrf}}, upFile{"x.pdf", "application/pdf", []byte("<html>no</html>")})
		wantStatus(t, "an HTML file", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "资料应为 PDF 文件或照片")
		pdf := []byte("%PDF-1.4\n%%EOF\n")
		resp = staff.postFiles(act+"/materials", url.Values{"csrf": {staff.csrf}}, upFile{"路线图.pdf", "application/pdf", pdf})
		wantStatus(t, "a PDF", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body := resident.get(act)
		wantStatus(t, "activity", st, http.StatusOK, body)
		testkit.Contains(t, body, act+"/notes")
		st, body = resident.get(act + "/notes")
		wantStatus(t, "notes", st, http.StatusOK, body)
		testkit.Contains(t, body, "请穿运动鞋。", "路线图.pdf", act+"/materials/1")
		st, body = resident.get(act + "/materials/1")
		wantStatus(t, "download", st, http.StatusOK, body)
		if body != string(pdf) {
			t.Errorf("download: %q", body)
		}
		member := s.login(t, auth.Member)
		st, _ = member.get(act + "/notes")
		wantStatus(t, "notes, not signed up", st, http.StatusNotFound, "")
		st, _ = member.get(act + "/materials/1")
		wantStatus(t, "download, not signed up", st, http.StatusNotFound, "")
	})
}
