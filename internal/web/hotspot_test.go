package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestHotspotPages: street staff read the week's hot spots and one's
// explanation, make it the month's topic (a missing owner is named and
// nothing saved), give it its project and close it; residential-area staff
// read the topic but may not change it; a resident may not look.
func TestHotspotPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, err := area.Path(ctx, d, testkit.GridA1)
		if err != nil {
			t.Fatal(err)
		}
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
		st, body := street.get("/hotspots")
		wantStatus(t, "hot spots", st, http.StatusOK, body)
		spot := "/hotspots/" + strconv.FormatInt(cell, 10)
		testkit.Contains(t, body, `href="/hotspots" aria-current="page"`, `href="`+spot+`"`, "第1网格", "1/81,000", "4.8 倍")
		st, body = street.get(spot)
		wantStatus(t, "hot spot", st, http.StatusOK, body)
		testkit.Contains(t, body, "收到 12 件", "预计约 2.5 件", `action="/monthly-topics"`, `name="hotspot_id" value="`+strconv.FormatInt(cell, 10)+`"`)

		rows := "SELECT (SELECT count(*) FROM hotspot_topics) + (SELECT count(*) FROM audit_log)"
		before := s.count(t, rows)
		resp := street.submit("/monthly-topics", url.Values{"hotspot_id": {strconv.FormatInt(cell, 10)}, "title": {"东湖夜间噪音"}, "owner": {""}})
		wantStatus(t, "topic without an owner", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="tp-owner-error"`, "请填写课题牵头人")
		if n := s.count(t, rows); n != before {
			t.Fatalf("a refused topic wrote %d rows", n-before)
		}
		resp = street.submit("/monthly-topics", url.Values{"hotspot_id": {strconv.FormatInt(cell, 10)}, "title": {"东湖夜间噪音"}, "owner": {"李书记"}})
		wantStatus(t, "topic", resp.StatusCode, http.StatusSeeOther, resp.Body)
		topic := resp.Header.Get("Location")
		if !strings.HasPrefix(topic, "/monthly-topics/") {
			t.Fatalf("topic at %q", topic)
		}
		resp = street.submit(topic+"/project", url.Values{"summary": {"KTV隔音改造"}, "milestones": {"约谈经营者\n隔音改造完工|2026-12-20"}})
		wantStatus(t, "project", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = street.get(topic)
		wantStatus(t, "topic page", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖夜间噪音", "李书记", `href="/projects/`, "项目节点完成 0 / 2", `action="`+topic+`/close"`)
		resp = street.submit(topic+"/close", url.Values{"closed_on": {"2026-11-01"}})
		wantStatus(t, "closing before it opened", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "课题不能在开始（2026-11-23）之前结束")
		resp = street.submit(topic+"/close", url.Values{"closed_on": {"2026-11-27"}})
		wantStatus(t, "close", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = street.get("/monthly-topics?status=closed")
		wantStatus(t, "topics", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="`+topic+`"`, "已结束")

		community := s.login(t, auth.CommunityStaff)
		st, body = community.get(topic)
		wantStatus(t, "topic as residential-area staff", st, http.StatusOK, body)
		if strings.Contains(body, `/close"`) || strings.Contains(body, `/project"`) {
			t.Error("residential-area staff get the topic's forms")
		}
		resident := s.login(t, auth.Resident)
		if st, body := resident.get("/hotspots"); st != http.StatusForbidden {
			t.Errorf("resident: %d, want 403\n%.300s", st, body)
		}
	})
}
