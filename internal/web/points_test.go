package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/party"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
)

// TestPointsPages walks the points pages: the member sees every point and
// why on the phone page; a worker proposes study points (no evidence is
// named, nothing saved), cannot approve their own, street staff approve;
// the ranking shows the member within the kind; the district admin writes
// a new rule version, sees the preview and publishes it.
func TestPointsPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx, sys := context.Background(), auth.SystemPrincipal()
		s := newSite(t, d)
		path, err := area.Path(ctx, d, testkit.ResA1)
		if err != nil {
			t.Fatal(err)
		}
		org, err := db.InsertID(ctx, d, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path)
		if err != nil {
			t.Fatal(err)
		}
		ps := party.NewService(d, s.Clock)
		m, err := ps.Create(ctx, sys, party.Input{Name: "王建国", Kind: "在职", PartyOrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ps.LinkUser(ctx, sys, m.ID, s.F.Users[auth.Member].Username); err != nil {
			t.Fatal(err)
		}
		// A verified check-out, as the activity capability writes one.
		end := s.Clock.Now().Add(-24 * time.Hour)
		if _, err := d.Exec(ctx, `INSERT INTO member_service (member_id, source, source_id, area_path, started_at, ended_at, minutes) VALUES (?, 'activity', 1, ?, ?, ?, 120)`,
			m.ID, path, end.Add(-2*time.Hour), end); err != nil {
			t.Fatal(err)
		}
		pts := points.NewService(d, s.Clock)
		rs, err := pts.CreateRuleset(ctx, sys, points.RulesetInput{Year: 2026, Rules: []points.Rule{
			{Module: points.ModVolunteer, Per: points.PerHour, Points: 2}, {Module: points.ModStudy, Per: points.PerEvent, Points: 3}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pts.Apply(ctx, sys, rs.ID); err != nil {
			t.Fatal(err)
		}

		member := s.login(t, auth.Member)
		st, body := member.get("/my")
		wantStatus(t, "my home", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/my/points"`)
		st, body = member.get("/my/points")
		wantStatus(t, "my points", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="my-points">4 分`, "志愿服务：核实服务 120 分钟，每小时 2 分", "来源：活动签退记录")

		worker := s.login(t, auth.CommunityStaff)
		// The member is picked by name; a name typed but not chosen is refused.
		st, body = worker.get("/points/pick/members?q=" + url.QueryEscape("建国"))
		wantStatus(t, "pick members", st, http.StatusOK, body)
		testkit.Contains(t, body, `"id":`+strconv.FormatInt(m.ID, 10), "王建国（在职 · 东湖居民区党总支）")
		if st, body = member.get("/points/pick/members?q=" + url.QueryEscape("建国")); st != http.StatusForbidden {
			t.Errorf("a member picks members: %d %s", st, body)
		}
		resp := worker.submit("/points/manual", url.Values{"member_id_q": {"王建国"}, "module": {"study"}, "date": {"2026-11-20"}, "evidence": {"党课"}})
		wantStatus(t, "a name not chosen", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="pm-member-error"`, `value="王建国"`)
		resp = worker.submit("/points/manual", url.Values{"member_id": {strconv.FormatInt(m.ID, 10)}, "module": {"study"}, "date": {"2026-11-20"}, "evidence": {""}})
		wantStatus(t, "no evidence", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="pm-evidence-error"`, "请写明事项和可核查的依据")
		resp = worker.submit("/points/manual", url.Values{"member_id": {strconv.FormatInt(m.ID, 10)}, "module": {"study"}, "date": {"2026-11-20"}, "evidence": {"11月党课签到表第2页"}})
		wantStatus(t, "propose", resp.StatusCode, http.StatusSeeOther, resp.Body)
		var item int64
		if err := d.QueryRow(ctx, "SELECT id FROM points_manual").Scan(&item); err != nil {
			t.Fatal(err)
		}
		st, body = worker.get("/points/queue")
		wantStatus(t, "queue", st, http.StatusOK, body)
		testkit.Contains(t, body, "11月党课签到表第2页", "须由另一人审核")
		resp = worker.submit("/points/manual/"+strconv.FormatInt(item, 10)+"/approve", url.Values{})
		wantStatus(t, "own approval", resp.StatusCode, http.StatusConflict, resp.Body)
		street := s.login(t, auth.StreetStaff)
		resp = street.submit("/points/manual/"+strconv.FormatInt(item, 10)+"/approve", url.Values{})
		wantStatus(t, "approval", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get("/my/points")
		testkit.Contains(t, body, `id="my-points">7 分`, "学习：每次 3 分")

		st, body = worker.get("/points?kind=在职")
		wantStatus(t, "ranking", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="ranking"`, "王建国", `href="/points/export.xlsx?`)
		// More members than a page: 50 on the first, the rest on the second, ranked as one list.
		for i := range 54 {
			if _, err := ps.Create(ctx, sys, party.Input{Name: fmt.Sprintf("党员%02d", i), Kind: "在职", PartyOrgID: org}); err != nil {
				t.Fatal(err)
			}
		}
		_, body = worker.get("/points?kind=在职")
		if n := strings.Count(body, `<tr data-member=`); n != 50 || !strings.Contains(body, "王建国") {
			t.Errorf("first page: %d rows (want 50, the leader 王建国 first)", n)
		}
		_, body = worker.get("/points?kind=在职&page=2")
		if n := strings.Count(body, `<tr data-member=`); n != 5 || strings.Contains(body, "王建国") {
			t.Errorf("second page: %d rows (want 5, without the leader)", n)
		}
		if strings.Contains(body, "htmx.min.js") {
			t.Error("the points pages load htmx")
		}

		admin := s.login(t, auth.DistrictAdmin)
		st, body = admin.get("/points/rules")
		wantStatus(t, "rules", st, http.StatusOK, body)
		testkit.Contains(t, body, ",volunteer,hour,2,0,0,0")
		resp = admin.submit("/points/rules", url.Values{"year": {"2026"}, "rules": {",volunteer,hour,two"}})
		wantStatus(t, "a bad line", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "第 1 行")
		resp = admin.submit("/points/rules", url.Values{"year": {"2026"}, "note": {"服务加倍"}, "rules": {",volunteer,hour,4,0,0,0\n,study,event,3,0,0,0"}})
		wantStatus(t, "new version", resp.StatusCode, http.StatusSeeOther, resp.Body)
		loc := resp.Header.Get("Location")
		st, body = admin.get(loc)
		wantStatus(t, "preview", st, http.StatusOK, body)
		testkit.Contains(t, body, "发布后 1 名党员的积分会变化", "王建国")
		resp = admin.submit(loc+"/apply", url.Values{})
		wantStatus(t, "apply", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get("/my/points")
		testkit.Contains(t, body, `id="my-points">11 分`, "冲正第")
	})
}
