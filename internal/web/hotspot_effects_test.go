package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestTopicEffectShown: once a monthly topic has been closed four whole
// weeks, its measured effect is on the topic's page, in a box on its
// project's page (with a link to the topic) and in the leaders' dashboard's
// panel of closed topics; before that they say it is not measured yet; a
// reader of projects without hot spots gets no box.
func TestTopicEffectShown(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		const gridA2 = testkit.ResA1 + "02" // the comparison grid
		if _, err := d.Exec(ctx, `INSERT INTO areas (code, parent_code, name, level, path) VALUES (?, ?, '第2网格', 'grid', '/310104/001/001/02/')`, gridA2, testkit.ResA1); err != nil {
			t.Fatal(err)
		}
		path, err := area.Path(ctx, d, testkit.GridA1)
		if err != nil {
			t.Fatal(err)
		}
		// 100 noise demands in each grid over the 8 weeks before the topic's
		// week (2026-11-23); after its close (2026-11-27) 40 in the topic's
		// grid against 100 in the other over 6 weeks: R = 0.4.
		rollup := func(p, day string, n int) {
			t.Helper()
			if _, err := d.Exec(ctx, `INSERT INTO demand_rollups (area_path, category_code, day, received) VALUES (?, 'noise', ?, ?)`, p, day, n); err != nil {
				t.Fatal(err)
			}
		}
		rollup(path, "2026-10-01", 100)
		rollup("/310104/001/001/02/", "2026-10-01", 100)
		rollup(path, "2026-12-10", 40)
		rollup("/310104/001/001/02/", "2026-12-10", 100)
		run, err := db.InsertID(ctx, d, `INSERT INTO hotspot_runs (week, computed_at, cells, flagged, alpha) VALUES ('2026-11-23', ?, 40, 1, 0.05)`, s.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		cell, err := db.InsertID(ctx, d, `INSERT INTO hotspot_cells (run_id, week, area_code, area_path, category_code, observed, expected, p, q, baseline, rank)
			VALUES (?, '2026-11-23', ?, ?, 'noise', 12, 2.5, 0.0000123, 0.001, '2,3,2,3,2,3,2,3', 1)`, run, testkit.GridA1, path)
		if err != nil {
			t.Fatal(err)
		}
		street := s.login(t, auth.StreetStaff)
		resp := street.submit("/monthly-topics", url.Values{"hotspot_id": {strconv.FormatInt(cell, 10)}, "title": {"东湖夜间噪音"}, "owner": {"李书记"}})
		wantStatus(t, "topic", resp.StatusCode, http.StatusSeeOther, resp.Body)
		topic := resp.Header.Get("Location")
		resp = street.submit(topic+"/project", url.Values{"summary": {"KTV隔音改造"}, "milestones": {"约谈经营者"}})
		wantStatus(t, "project", resp.StatusCode, http.StatusSeeOther, resp.Body)
		project, err := db.IDs(ctx, d, `SELECT project_id FROM hotspot_topics WHERE cell_id = ?`, cell)
		if err != nil || len(project) != 1 {
			t.Fatalf("project of the topic: %v %v", project, err)
		}
		projectURL := "/projects/" + strconv.FormatInt(project[0], 10)
		st, body := street.get(projectURL)
		wantStatus(t, "project page of an open topic", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="mtopic-effect-h"`, "课题结束后，这里显示", `href="`+topic+`"`, "查看课题“东湖夜间噪音”")
		resp = street.submit(topic+"/close", url.Values{"closed_on": {"2026-11-27"}})
		wantStatus(t, "close", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = street.get("/demands/dashboard?area=" + testkit.StreetA)
		wantStatus(t, "dashboard before the effect", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="mtopics-h"`, "东湖夜间噪音", "2026-11-27 结束", "课题结束后满四周才衡量成效")

		s.Clock.Advance(6 * 7 * 24 * time.Hour)
		street = s.login(t, auth.StreetStaff)
		const verdict = "与相近网格相比下降了 60%（37%–75%）"
		for _, page := range []string{topic, projectURL, "/demands/dashboard?area=" + testkit.StreetA} {
			st, body = street.get(page)
			wantStatus(t, page, st, http.StatusOK, body)
			testkit.Contains(t, body, verdict)
		}
		testkit.Contains(t, body, `href="`+topic+`"`)
		_, body = street.get(projectURL)
		testkit.Contains(t, body, "每月一题成效："+verdict)

		// A project that is no topic's has no box.
		st, body = street.get("/projects")
		wantStatus(t, "projects", st, http.StatusOK, body)
		if strings.Contains(body, `id="mtopic-effect-h"`) {
			t.Error("the project list shows a topic's box")
		}
	})
}
