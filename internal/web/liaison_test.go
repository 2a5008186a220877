package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestLiaisonDemandPages: a unit liaison's pages show the demands dispatched
// to its unit, with the reporter's contact and the handling forms, and
// nothing of the other demands of its residential area: not the page, not
// a row of the queue or the search, not a notice; and no area figures.
func TestLiaisonDemandPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		unit := s.F.Units[testkit.LiaisonUnit]
		other, _ := s.fileAsResident(t, "noise", testkit.ResA1, "楼下烧烤店油烟和噪音很大")
		s.act(t, auth.DistrictAdmin, other, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		mine, _ := s.fileAsResident(t, "noise", testkit.ResA1, "小店门口夜里装卸货噪音很大")
		s.act(t, auth.DistrictAdmin, mine, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.StreetA, LeadUnit: &unit})
		// A row links to the demand; an unread notice opens it through a form.
		links := func(body string, id int64) bool {
			return strings.Contains(body, fmt.Sprintf(`href="/demands/%d"`, id)) || strings.Contains(body, fmt.Sprintf(`value="/demands/%d"`, id))
		}

		b := s.login(t, auth.UnitLiaison)
		st, body := b.get(fmt.Sprintf("/demands/%d", other))
		wantStatus(t, "another demand of the area", st, http.StatusNotFound, body)
		if strings.Contains(body, "13912345678") {
			t.Error("the 404 page shows the reporter's phone")
		}
		resp := b.submit(fmt.Sprintf("/demands/%d/actions", other), url.Values{"action": {"sign"}})
		wantStatus(t, "sign another demand", resp.StatusCode, http.StatusNotFound, resp.Body)

		st, body = b.get(fmt.Sprintf("/demands/%d", mine))
		wantStatus(t, "the unit's demand", st, http.StatusOK, body)
		testkit.Contains(t, body, "王阿姨", "13912345678", `data-action="sign"`)
		if strings.Contains(body, `data-action="close"`) || strings.Contains(body, `data-action="dispatch"`) {
			t.Error("the liaison is offered the owner's actions")
		}
		for _, page := range []string{"/queue", "/demands", "/demands?q=" + url.QueryEscape("噪音"), "/inbox"} {
			st, body := b.get(page)
			wantStatus(t, page, st, http.StatusOK, body)
			if !links(body, mine) {
				t.Errorf("%s does not list the unit's demand", page)
			}
			if links(body, other) {
				t.Errorf("%s lists a demand not dispatched to the unit", page)
			}
			if strings.Contains(body, `href="/demands/dashboard"`) {
				t.Errorf("%s offers the area's figures", page)
			}
		}
		_, body = b.get("/")
		testkit.Contains(t, body, `href="/queue"`, testkit.LiaisonUnit)

		resp = b.submit(fmt.Sprintf("/demands/%d/actions", mine), url.Values{"action": {"sign"}})
		wantStatus(t, "sign the unit's demand", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if st := s.status(t, mine); st != demand.Signed {
			t.Errorf("after signing: %s", st)
		}
	})
}

// TestLiaisonGrantForms: the user forms name a unit liaison's unit with the
// unit picker; a liaison made without one is created, and its page says it
// reaches no demand until a unit is named.
func TestLiaisonGrantForms(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		_, body := admin.get("/admin/users/new")
		testkit.Contains(t, body, `name="unit_id"`, `data-picker="/org/pick/units"`, `data-picker-area="n-area-value"`, `data-picker="/org/pick/areas"`)
		user := url.Values{"username": {"li.lian"}, "password": {"一二三四五六七八"}, "role": {"unit_liaison"}, "area": {testkit.ResA1}}
		bare := url.Values{"username": {"li.bare"}, "password": {"一二三四五六七八"}, "role": {"unit_liaison"}, "area": {testkit.ResA1}}
		resp := admin.submit("/admin/users", bare)
		wantStatus(t, "liaison without unit", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = admin.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "单位联络员", "未指定单位：看不到任何诉求")
		user.Set("unit_id", fmt.Sprint(s.F.Units[testkit.UnitInA1]))
		resp = admin.submit("/admin/users", user)
		wantStatus(t, "liaison with unit", resp.StatusCode, http.StatusSeeOther, resp.Body)
		page := resp.Header.Get("Location")
		_, body = admin.get(page)
		testkit.Contains(t, body, testkit.UnitInA1, `data-picker-area="g-area-value"`, `id="g-area-value" name="area"`)
		resp = admin.submit(page+"/grants", url.Values{"role": {"unit_liaison"}, "area": {testkit.ResB1}, "unit_id": {fmt.Sprint(s.F.Units[testkit.UnitInA1])}})
		wantStatus(t, "a unit outside the area", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "不在授权区域内")
	})
}
