package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestDemandPageLeadsWithNextStepAndSupervises: the demand page puts the
// form of the step the demand waits for first and folds the rest; a street
// supervisor urges an overdue demand and takes it back from the grid for the
// residential area, from the page.
func TestDemandPageLeadsWithNextStepAndSupervises(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "夜间施工噪音")
		path := fmt.Sprintf("/demands/%d", id)
		community := s.login(t, auth.CommunityStaff)
		_, body := community.get(path)
		first := strings.Index(body, `data-action="`)
		if first < 0 || !strings.HasPrefix(body[first:], `data-action="dispatch"`) {
			t.Fatalf("the first action form is not dispatch")
		}
		testkit.Contains(t, body, `<details class="more-actions">`, "其他操作")
		resp := community.submit(path+"/actions", url.Values{"action": {"dispatch"}, "lead": {testkit.GridA1}})
		wantStatus(t, "dispatch", resp.StatusCode, http.StatusSeeOther, resp.Body)
		s.Clock.Advance(5 * time.Hour)

		street := s.login(t, auth.StreetStaff)
		_, body = street.get(path)
		testkit.Contains(t, body, `data-action="urge"`, `data-action="recall"`, "催办", "撤回改派")
		if _, body = community.get(path); strings.Contains(body, `data-action="urge"`) {
			t.Error("the residential area may urge its own demand")
		}
		resp = street.submit(path+"/actions", url.Values{"action": {"urge"}, "note": {"已超时，请今天联系居民"}})
		wantStatus(t, "urge", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = street.submit(path+"/actions", url.Values{"action": {"recall"}, "lead": {testkit.ResA1}})
		wantStatus(t, "recall without reason", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, `id="act-recall"`, "field-error")
		resp = street.submit(path+"/actions", url.Values{"action": {"recall"}, "lead": {testkit.ResA1}, "reason": {"网格无执法权"}})
		wantStatus(t, "recall", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = street.get(path)
		testkit.Contains(t, body, "已超时，请今天联系居民", "网格无执法权", "东湖居民区")
		_, body = community.get("/queue")
		testkit.Contains(t, body, fmt.Sprintf(`data-demand="%d"`, id), "下一步：签收")
	})
}

// TestTrackNamesHandler: once dispatched, the resident's tracking page names
// the body handling the demand, in the reader's language.
func TestTrackNamesHandler(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, token := s.fileAsResident(t, "noise", testkit.ResA1, "楼上装修噪音")
		r := s.browser(t)
		if _, body := r.get("/t/" + token); strings.Contains(body, `id="handler"`) {
			t.Error("a handler is named before dispatch")
		}
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		_, body := r.get("/t/" + token)
		testkit.Contains(t, body, `<dd id="handler">湖南路街道 / 东湖居民区 / 第1网格</dd>`)
	})
}

// TestDashboardRanksAreas: the child areas' table ranks by a column from its
// header links, without JavaScript.
func TestDashboardRanksAreas(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		s.fileAsResident(t, "noise", testkit.ResA2, "噪音一")
		s.fileAsResident(t, "noise", testkit.ResA2, "噪音二")
		s.fileAsResident(t, "noise", testkit.ResA1, "噪音三")
		street := s.login(t, auth.StreetStaff)
		_, body := street.get("/demands/dashboard?area=" + testkit.StreetA)
		if strings.Index(body, `data-area="`+testkit.ResA1+`"`) > strings.Index(body, `data-area="`+testkit.ResA2+`"`) {
			t.Fatal("in tree order 东湖 comes first")
		}
		testkit.Contains(t, body, `&amp;sort=received#area-table-caption"`)
		_, body = street.get("/demands/dashboard?area=" + testkit.StreetA + "&sort=received")
		if strings.Index(body, `data-area="`+testkit.ResA2+`"`) > strings.Index(body, `data-area="`+testkit.ResA1+`"`) {
			t.Fatal("ranked by received, 复中 (2) does not come first")
		}
		testkit.Contains(t, body, "按受理量排序", `aria-sort="descending"`)
	})
}
