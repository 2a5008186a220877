package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// orgRows counts every row the organisation forms could write, audit included.
const orgRows = "SELECT (SELECT count(*) FROM party_orgs) + (SELECT count(*) FROM assoc_bodies) + (SELECT count(*) FROM assoc_members) + " +
	"(SELECT count(*) FROM part_time_members) + (SELECT count(*) FROM service_points) + (SELECT count(*) FROM audit_log)"

// badForm is a refused post: the form comes back with the field's error
// next to it and nothing is written.
type badForm struct {
	name, path string
	form       url.Values
	errorID    string
}

func checkRefused(t *testing.T, s *site, b *browser, cases []badForm) {
	t.Helper()
	for _, c := range cases {
		before := s.count(t, orgRows)
		resp := b.submit(c.path, c.form)
		wantStatus(t, c.name, resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="`+c.errorID+`"`, `aria-invalid="true"`, "请按提示修改后再提交", `name="csrf"`)
		if after := s.count(t, orgRows); after != before {
			t.Fatalf("%s: %d rows written by a refused form", c.name, after-before)
		}
	}
}

// created posts a valid form and returns where it leads.
func created(t *testing.T, b *browser, what, path string, form url.Values) string {
	t.Helper()
	resp := b.submit(path, form)
	wantStatus(t, what, resp.StatusCode, http.StatusSeeOther, resp.Body)
	return resp.Header.Get("Location")
}

func TestOrgPartyOrgsAndPartTimeMembers(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.StreetStaff)

		st, body := b.get("/org/party-orgs/new?area=" + testkit.ResA1)
		wantStatus(t, "new form", st, http.StatusOK, body)
		testkit.Contains(t, body, `<label for="po-name">`, `name="csrf"`, `<option value="`+testkit.ResA1+`" selected>`, "居民区党组织",
			`<label for="po-unit">`, `<input type="hidden" id="po-unit-value" name="unit_id" value="" data-picker-value>`, `name="unit_id_q"`,
			`list="po-unit-list" data-picker="/org/pick/units"`, `data-picker-area="po-area"`, `data-picker="/org/pick/party-orgs"`, "/static/picker.")

		ok := url.Values{"name": {"东湖居民区党总支"}, "kind": {"residential_party_org"}, "area": {testkit.ResA1}, "members": {"86"}}
		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vals := range ok {
				f[key] = append([]string(nil), vals...)
			}
			f.Set(k, v)
			return f
		}
		checkRefused(t, s, b, []badForm{
			{"empty name", "/org/party-orgs", with("name", " "), "po-name-error"},
			{"kind on the wrong level", "/org/party-orgs", with("kind", "street_working_committee"), "po-kind-error"},
			{"members not a number", "/org/party-orgs", with("members", "八十六"), "po-members-error"},
			{"unit party org without its unit", "/org/party-orgs", with("kind", "unit_party_org"), "po-unit-error"},
			{"area of another street", "/org/party-orgs", with("area", testkit.ResB1), "po-area-error"},
			{"parent not a choice", "/org/party-orgs", with("parent_id", "abc"), "po-parent-error"},
		})
		loc := created(t, b, "create party org", "/org/party-orgs", ok)
		if loc != "/org/party-orgs?area="+testkit.ResA1 {
			t.Fatalf("after creating: to %q", loc)
		}
		st, body = b.get(loc)
		wantStatus(t, "list", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区党总支", "居民区党组织", ">86<", `aria-current="page">党组织</a>`)
		created(t, b, "unit party org", "/org/party-orgs", url.Values{"name": {"衡山科技公司党支部"}, "kind": {"unit_party_org"},
			"area": {testkit.ResA1}, "unit_id": {itoa(s.F.Units[testkit.TwoNewInA1])}})
		_, body = b.get("/org/party-orgs?kind=unit_party_org")
		testkit.Contains(t, body, "衡山科技公司党支部", ">"+testkit.TwoNewInA1+"</a>")
		if strings.Contains(body, "东湖居民区党总支") {
			t.Error("kind filter ignored")
		}

		// Part-time members sit on a committee; phones are masked in the list.
		_, body = b.get("/org/part-time-members/new?area=" + testkit.ResA1)
		source := regexp.MustCompile(`id="pt-org" name="party_org_id_q"[^>]*data-picker="([^"]+)"`).FindStringSubmatch(body)
		if source == nil {
			t.Fatalf("the part-time member form has no committee picker:\n%s", body)
		}
		committee := regexp.MustCompile(`\{"id":(\d+),"label":"东湖居民区党总支（东湖居民区）"\}`).FindStringSubmatch(func() string {
			_, body := b.get(html.UnescapeString(source[1]) + "&q=" + url.QueryEscape("党总支"))
			return body
		}())
		if committee == nil {
			t.Fatal("the committee is not offered by the part-time member form's picker")
		}
		pt := url.Values{"name": {"王建国"}, "position": {"衡山科技公司总经理"}, "party_org_id": {committee[1]}, "phone": {"13812345678"}}
		checkRefused(t, s, b, []badForm{
			{"no name", "/org/part-time-members", url.Values{"party_org_id": {committee[1]}}, "pt-name-error"},
			{"bad phone", "/org/part-time-members", url.Values{"name": {"李"}, "party_org_id": {committee[1]}, "phone": {"call me"}}, "pt-phone-error"},
			{"no committee", "/org/part-time-members", url.Values{"name": {"李"}}, "pt-org-error"},
		})
		loc = created(t, b, "create part-time member", "/org/part-time-members", pt)
		_, body = b.get(loc)
		testkit.Contains(t, body, "王建国", "衡山科技公司总经理", "东湖居民区党总支", "138****5678")
		if strings.Contains(body, "13812345678") {
			t.Fatal("the part-time member list shows a phone unmasked")
		}

		// Readers see the lists and no create forms; their posts are refused.
		member := s.login(t, auth.Member)
		st, body = member.get("/org/party-orgs")
		wantStatus(t, "member reads", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区党总支", `href="/org/party-orgs"`)
		if strings.Contains(body, "/org/party-orgs/new") {
			t.Error("a member is offered the create form")
		}
		resp := member.submit("/org/party-orgs", ok)
		wantStatus(t, "member creates", resp.StatusCode, http.StatusForbidden, resp.Body)
		_, home := s.login(t, auth.Resident).get("/")
		if strings.Contains(home, `href="/org/`) {
			t.Error("a resident's top bar links to the organisation section")
		}
	})
}

func TestOrgAssociation(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.StreetStaff)
		checkRefused(t, s, b, []badForm{
			{"no name", "/org/association", url.Values{"kind": {"branch"}, "area": {testkit.StreetA}}, "ab-name-error"},
			{"branch on a residential area", "/org/association", url.Values{"kind": {"branch"}, "name": {"x"}, "area": {testkit.ResA1}}, "ab-area-error"},
			{"sub-branch without its branch", "/org/association", url.Values{"kind": {"sub_branch"}, "name": {"x"}, "area": {testkit.ResA1}}, "ab-parent-error"},
			{"no kind", "/org/association", url.Values{"name": {"x"}, "area": {testkit.StreetA}}, "ab-kind-error"},
		})
		branch := created(t, b, "branch", "/org/association", url.Values{"kind": {"branch"}, "name": {"湖南路街道分会"}, "area": {testkit.StreetA},
			"president_mode": {"rotating"}})
		st, body := b.get(branch)
		wantStatus(t, "branch page", st, http.StatusOK, body)
		testkit.Contains(t, body, "湖南路街道分会", "轮值会长", `id="add-member"`, "还没有成员单位")
		branchID := strings.TrimPrefix(branch, "/org/association/")
		sub := created(t, b, "sub-branch", "/org/association", url.Values{"kind": {"sub_branch"}, "name": {"东湖支会"}, "area": {testkit.ResA1},
			"president_mode": {"double"}, "parent_id": {branchID}})

		// A sub-branch brings in units from its whole street; presidents follow its mode.
		st, body = b.get(sub)
		wantStatus(t, "sub-branch page", st, http.StatusOK, body)
		testkit.Contains(t, body, "双会长", "湖南路街道分会", `data-picker="/org/pick/units?area=`+testkit.StreetA+`"`)
		_, found := b.get("/org/pick/units?area=" + testkit.StreetA)
		testkit.Contains(t, found, testkit.UnitInA2)
		if strings.Contains(found, testkit.UnitInB1) {
			t.Error("a unit of another street is offered")
		}
		checkRefused(t, s, b, []badForm{
			{"no unit", sub + "/members", url.Values{"role": {"member"}}, "am-unit-error"},
			{"unit of another street", sub + "/members", url.Values{"unit_id": {itoa(s.F.Units[testkit.UnitInB1])}}, "am-unit-error"},
			{"rotating president in a two-president body", sub + "/members", url.Values{"unit_id": {itoa(s.F.Units[testkit.UnitInA2])},
				"role": {"rotating_president"}, "term_start": {"2026-01-01"}, "term_end": {"2026-12-31"}}, "am-role-error"},
			{"a term that ends before it starts", sub + "/members", url.Values{"unit_id": {itoa(s.F.Units[testkit.UnitInA2])},
				"term_start": {"2026-12-31"}, "term_end": {"2026-01-01"}}, "am-end-error"},
		})
		created(t, b, "president", sub+"/members", url.Values{"unit_id": {itoa(s.F.Units[testkit.TwoNewInA1])}, "role": {"president"}})
		created(t, b, "member from the street", sub+"/members", url.Values{"unit_id": {itoa(s.F.Units[testkit.UnitInA2])}})
		created(t, b, "rotating president", branch+"/members", url.Values{"unit_id": {itoa(s.F.Units[testkit.UnitInA1])},
			"role": {"rotating_president"}, "term_start": {"2026-01-01"}, "term_end": {"2026-12-31"}})

		// The tree: the branch, then its sub-branch with members and how each is led, in Chinese.
		community := s.login(t, auth.CommunityStaff)
		st, body = community.get("/org/association")
		wantStatus(t, "community reads the association", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖支会", "双会长", "会长单位", testkit.TwoNewInA1, testkit.UnitInA2, "2 家成员单位")
		if strings.Contains(body, "/org/association/new") || strings.Contains(body, "#add-member") {
			t.Error("community staff are offered association forms")
		}
		_, body = b.get("/org/association?area=" + testkit.StreetA)
		bi, si := strings.Index(body, "湖南路街道分会"), strings.Index(body, "东湖支会")
		if bi < 0 || si < bi || !strings.Contains(body, "轮值会长单位") || !strings.Contains(body, "2026-01-01–2026-12-31") {
			t.Fatalf("the branch must come before its sub-branch, with its rotating president's term:\n%.3000s", body)
		}
		resp := community.submit(sub+"/members", url.Values{"unit_id": {itoa(s.F.Units["东湖便利店"])}})
		wantStatus(t, "community adds a member", resp.StatusCode, http.StatusForbidden, resp.Body)
	})
}

func TestOrgServicePointsAndAreaPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.DistrictAdmin)
		checkRefused(t, s, b, []badForm{
			{"impossible hours", "/org/service-points", url.Values{"name": {"x"}, "kind": {"point"}, "area": {testkit.ResA1}, "opening_hours": {"周一 17:00-09:00"}}, "sp-hours-error"},
			{"no kind", "/org/service-points", url.Values{"name": {"x"}, "area": {testkit.ResA1}}, "sp-kind-error"},
			{"no area", "/org/service-points", url.Values{"name": {"x"}, "kind": {"point"}}, "sp-area-error"},
		})
		loc := created(t, b, "service point", "/org/service-points", url.Values{"name": {"东湖党群服务站"}, "kind": {"station"}, "area": {testkit.ResA1},
			"address": {"东湖路 1 号"}, "opening_hours": {"周一至周五 09:00-17:00；周六 09:00-12:00"}, "services": {"政策咨询、老年助餐\n法律援助"}})

		// Members read service points as cards on their phones.
		member := s.login(t, auth.Member)
		st, body := member.get(loc)
		wantStatus(t, "member reads service points", st, http.StatusOK, body)
		testkit.Contains(t, body, `class="sp-cards"`, "东湖党群服务站", "党群服务站", "东湖路 1 号", "周六 09:00-12:00",
			"<li>政策咨询</li>", "<li>老年助餐</li>", "<li>法律援助</li>")
		_, body = member.get("/org/service-points?kind=park")
		testkit.Contains(t, body, "没有符合条件的记录")
		st, body = member.get("/org/service-points?kind=shed")
		wantStatus(t, "bad kind", st, http.StatusBadRequest, body)

		created(t, b, "party org", "/org/party-orgs", url.Values{"name": {"东湖居民区党总支"}, "kind": {"residential_party_org"}, "area": {testkit.ResA1}})
		_, body = member.get("/areas/" + testkit.ResA1)
		testkit.Contains(t, body, "党组织 1 个", "党群服务阵地 1 处", `href="/org/party-orgs?area=`+testkit.ResA1+`"`, `href="/org/service-points?area=`+testkit.ResA1+`"`)
		_, body = b.get("/areas/" + testkit.StreetB)
		testkit.Contains(t, body, "党组织 0 个", "党群服务阵地 0 处")
		_, body = s.login(t, auth.Resident).get("/areas/" + testkit.ResA1)
		if strings.Contains(body, "党组织") {
			t.Error("a resident's area page shows the organisation counts")
		}

		// English reads the same page in English.
		en := s.login(t, auth.Auditor)
		en.submit("/lang", url.Values{"lang": {"en"}})
		_, body = en.get("/org/service-points")
		testkit.Contains(t, body, "Party-mass service station", "Opening hours", "Organisation")
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
