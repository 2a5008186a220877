package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestTargetsPage: district admins set the rates' targets in percent;
// others read them; a bad entry names its field and changes nothing.
func TestTargetsPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		admin := s.login(t, auth.DistrictAdmin)
		st, body := admin.get("/admin/targets")
		wantStatus(t, "targets", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="tg-response"`, `value="95"`, `aria-current="page">考核目标`)
		resp := admin.submit("/admin/targets", url.Values{"response": {"百分之九十"}, "resolution": {"150"}, "satisfaction": {"90"}})
		wantStatus(t, "bad", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="tg-response-error"`, `value="百分之九十"`)
		if got, _ := s.Demand.Targets(t.Context()); got.Response != 0.95 {
			t.Fatalf("a refused form changed the targets: %+v", got)
		}
		resp = admin.submit("/admin/targets", url.Values{"response": {"98"}, "resolution": {"85"}, "satisfaction": {"92.5"}})
		wantStatus(t, "save", resp.StatusCode, http.StatusSeeOther, resp.Body)
		got, _ := s.Demand.Targets(t.Context())
		if got.Response != 0.98 || got.Resolution != 0.85 || got.Satisfaction != 0.925 {
			t.Fatalf("saved %+v", got)
		}
		_, body = s.login(t, auth.StreetStaff).get("/admin/targets")
		testkit.Contains(t, body, `value="98"`, "只有区管理员可以修改目标")
		if strings.Contains(body, `<button type="submit" class="primary">`) {
			t.Error("a street worker is offered the save button")
		}
	})
}
