package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/lists"
	"gongzhi/internal/testkit"
)

// TestListsPages walks 三张清单 as its users would: a unit liaison offers
// night parking (a wrong time window is named and nothing is saved), a
// residential-area worker rolls two parking demands up into a need, sees the
// liaison's parking ranked with its reasons and confirms it, starts a
// project from the match, street staff approve it, the liaison accepts the
// match; the matching board, the project list with its figures and the
// export answer; a made-up rating link is not found.
func TestListsPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		ls := lists.NewService(d, s.Clock)
		ctx := context.Background()

		liaison := s.login(t, auth.UnitLiaison)
		st, body := liaison.get("/resources/new")
		wantStatus(t, "offer form", st, http.StatusOK, body)
		if strings.Contains(body, `name="unit_id"`) {
			t.Error("the liaison is asked which unit offers it")
		}
		form := url.Values{"title": {"夜间停车位"}, "kind": {"parking"}, "categories": {"parking"}, "capacity": {"40"},
			"capacity_unit": {"spaces"}, "windows": {"1-5 19:00-07:00; 3 20:00-22:00"}}
		resp := liaison.submit("/resources", form)
		wantStatus(t, "overlapping windows", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="o-windows-error"`)
		if n := s.count(t, "SELECT count(*) FROM resources"); n != 0 {
			t.Fatalf("a refused offer wrote %d resources", n)
		}
		form.Set("windows", "1-5 19:00-07:00")
		resp = liaison.submit("/resources", form)
		wantStatus(t, "offer", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resourcePath := resp.Header.Get("Location")

		d1, _ := s.fileAsResident(t, "noise", testkit.ResA1, "晚上小区里停车难，车停到人行道上")
		d2, _ := s.fileAsResident(t, "noise", testkit.ResA1, "夜里没有车位，停车难")
		worker := s.login(t, auth.CommunityStaff)
		st, body = worker.get("/needs/new?dq=" + url.QueryEscape("停车") + "&area=" + testkit.ResA1)
		wantStatus(t, "roll-up search", st, http.StatusOK, body)
		testkit.Contains(t, body, fmt.Sprintf(`value="%d"`, d1), fmt.Sprintf(`value="%d"`, d2))
		resp = worker.submit("/needs", url.Values{"title": {"居民夜间停车难"}, "category": {"parking"}, "windows": {"1-5 19:00-23:00"},
			"urgency": {"high"}, "demand": {fmt.Sprint(d1), fmt.Sprint(d2)}})
		wantStatus(t, "roll up", resp.StatusCode, http.StatusSeeOther, resp.Body)
		needPath := resp.Header.Get("Location")
		st, body = worker.get(needPath)
		wantStatus(t, "need page", st, http.StatusOK, body)
		// One reporter (the same phone) filed both: one beneficiary. The
		// liaison's parking is suggested with its reasons.
		testkit.Contains(t, body, fmt.Sprintf(`href="/demands/%d"`, d1), "夜间停车位", "类别相符", "action=\"/matches\"")

		var needID, resourceID int64
		fmt.Sscanf(needPath, "/needs/%d", &needID)
		fmt.Sscanf(resourcePath, "/resources/%d", &resourceID)
		n, _, err := ls.Need(ctx, auth.SystemPrincipal(), needID)
		if err != nil || n.Beneficiaries != 1 || n.Area != testkit.ResA1 || len(n.Demands) != 2 {
			t.Fatalf("need = %+v, %v", n, err)
		}
		// Each demand shows the need it fed.
		_, body = worker.get(fmt.Sprintf("/demands/%d", d1))
		testkit.Contains(t, body, fmt.Sprintf(`href="/needs/%d"`, needID))
		st, body = worker.get("/lists/board?area=" + testkit.ResA1)
		wantStatus(t, "board", st, http.StatusOK, body)
		testkit.Contains(t, body, "居民夜间停车难", fmt.Sprintf(`name="resource_id" value="%d"`, resourceID))
		resp = worker.submit("/matches", url.Values{"need_id": {fmt.Sprint(needID)}, "resource_id": {fmt.Sprint(resourceID)}, "back": {"board"}, "area": {testkit.ResA1}})
		wantStatus(t, "confirm", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if n, _, _ := ls.Need(ctx, auth.SystemPrincipal(), needID); n.Status != "matched" {
			t.Fatalf("need after the match: %s", n.Status)
		}
		ms, err := ls.MatchesOfNeed(ctx, auth.SystemPrincipal(), needID)
		if err != nil || len(ms) != 1 {
			t.Fatalf("matches = %+v, %v", ms, err)
		}

		// The liaison sees the match on its resource and accepts it.
		st, body = liaison.get(resourcePath)
		wantStatus(t, "resource page", st, http.StatusOK, body)
		testkit.Contains(t, body, "居民夜间停车难", fmt.Sprintf(`action="/matches/%d/answer"`, ms[0].ID))
		resp = liaison.submit(fmt.Sprintf("/matches/%d/answer", ms[0].ID), url.Values{"answer": {"accept"}})
		wantStatus(t, "accept", resp.StatusCode, http.StatusSeeOther, resp.Body)

		// A project from the match; it is led by the resource's unit, so
		// the form does not offer it for claiming; a wrong budget is named.
		_, body = worker.get(fmt.Sprintf("/projects/new?match=%d", ms[0].ID))
		if strings.Contains(body, `name="claimable"`) {
			t.Error("a project from a match is offered for claiming")
		}
		resp = worker.submit("/projects", url.Values{"match_id": {fmt.Sprint(ms[0].ID)}, "title": {"错时停车"}, "domain": {"livelihood"}, "claimable": {"1"}})
		wantStatus(t, "claimable from a match", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		resp = worker.submit("/projects", url.Values{"match_id": {fmt.Sprint(ms[0].ID)}, "title": {"错时停车"}, "domain": {"livelihood"}, "budget": {"abc"}})
		wantStatus(t, "bad budget", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="p-budget-error"`)
		resp = worker.submit("/projects", url.Values{"match_id": {fmt.Sprint(ms[0].ID)}, "title": {"错时停车"}, "domain": {"livelihood"}, "budget": {"1200.50"}})
		wantStatus(t, "project", resp.StatusCode, http.StatusSeeOther, resp.Body)
		projectPath := resp.Header.Get("Location")
		st, body = worker.get(projectPath)
		wantStatus(t, "project page", st, http.StatusOK, body)
		testkit.Contains(t, body, testkit.LiaisonUnit, "1200.50")
		if strings.Contains(body, `name="status"`) {
			t.Error("community staff are offered to approve the project")
		}
		street := s.login(t, auth.StreetStaff)
		resp = street.submit(projectPath+"/status", url.Values{"status": {"approved"}})
		wantStatus(t, "approve", resp.StatusCode, http.StatusSeeOther, resp.Body)

		// The unit's page shows what it offers and the project it leads.
		_, body = street.get(fmt.Sprintf("/units/%d", s.F.Units[testkit.LiaisonUnit]))
		testkit.Contains(t, body, "夜间停车位", "错时停车")
		for _, page := range []string{"/projects", "/projects?claimable=1", "/needs", "/resources"} {
			st, body := street.get(page)
			wantStatus(t, page, st, http.StatusOK, body)
		}
		_, body = street.get("/projects?area=" + testkit.StreetA)
		testkit.Contains(t, body, "错时停车", "民生服务")
		resp = street.do(http.MethodGet, "/projects/export.xlsx", nil, "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Body, "PK") {
			t.Fatalf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		// Residents have no lists; a made-up rating link names nothing.
		resident := s.login(t, auth.Resident)
		if st, _ := resident.get(needPath); st != http.StatusNotFound {
			t.Errorf("a resident opens a need: %d", st)
		}
		if st, _ := s.browser(t).get("/rate/p/made-up"); st != http.StatusNotFound {
			t.Errorf("a made-up rating link: %d", st)
		}
	})
}
