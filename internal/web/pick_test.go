package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// pickItem is one match of a picker endpoint.
type pickItem struct {
	ID    int64  `json:"id"`
	Label string `json:"label"`
}

// pick asks a picker endpoint and decodes its answer.
func pick(t *testing.T, b *browser, path string) []pickItem {
	t.Helper()
	resp := b.do(http.MethodGet, path, nil, "")
	wantStatus(t, path, resp.StatusCode, http.StatusOK, resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q", path, ct)
	}
	var items []pickItem
	if err := json.Unmarshal([]byte(resp.Body), &items); err != nil {
		t.Fatalf("%s: %v in %s", path, err, resp.Body)
	}
	return items
}

func labels(items []pickItem) string {
	var out []string
	for _, it := range items {
		out = append(out, it.Label)
	}
	return strings.Join(out, "|")
}

func TestPickers(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		street := s.login(t, auth.StreetStaff)
		community := s.login(t, auth.CommunityStaff)

		t.Run("finds a unit by part of its name", func(t *testing.T) {
			got := pick(t, street, "/org/pick/units?q="+url.QueryEscape("科技"))
			if len(got) != 1 || got[0].ID != s.F.Units[testkit.TwoNewInA1] || got[0].Label != testkit.TwoNewInA1+"（东湖居民区）" {
				t.Fatalf("got %+v", got)
			}
			if got := pick(t, street, "/org/pick/units?q="+url.QueryEscape("没有这个")); len(got) != 0 {
				t.Fatalf("no match: got %+v", got)
			}
			got = pick(t, s.login(t, auth.DistrictAdmin), "/org/pick/units?kind=regional_unit")
			if labels(got) != "徐汇区图书馆（天平路街道）" {
				t.Fatalf("kind filter: got %s", labels(got))
			}
		})

		t.Run("keeps to the user's scope", func(t *testing.T) {
			all := labels(pick(t, community, "/org/pick/units"))
			if !strings.Contains(all, testkit.UnitInA1) || strings.Contains(all, testkit.UnitInB1) || strings.Contains(all, testkit.UnitInA2) {
				t.Fatalf("community staff of %s got %s", testkit.ResA1, all)
			}
			if got := pick(t, community, "/org/pick/units?q="+url.QueryEscape("书店")); len(got) != 0 {
				t.Fatalf("a unit of another street is found: %+v", got)
			}
			st, _ := community.get("/org/pick/units?area=" + testkit.StreetB)
			wantStatus(t, "another street's area", st, http.StatusNotFound, "")
			if _, err := s.Org.CreatePartyOrg(t.Context(), auth.SystemPrincipal(), org.NewPartyOrg{Name: "天平路街道党工委", Kind: "street_working_committee", Area: testkit.StreetB}); err != nil {
				t.Fatal(err)
			}
			if got := pick(t, street, "/org/pick/party-orgs?q="+url.QueryEscape("党工委")); len(got) != 0 {
				t.Fatalf("a party organisation of another street is found: %+v", got)
			}
		})

		t.Run("caps its answer", func(t *testing.T) {
			for i := range 25 {
				name := fmt.Sprintf("东湖测试单位%02d", i)
				if _, err := s.Org.CreateUnit(t.Context(), auth.SystemPrincipal(), org.UnitInput{Name: &name, Kind: ptr("shop"), Area: ptr(testkit.ResA1)}); err != nil {
					t.Fatal(err)
				}
			}
			if got := pick(t, community, "/org/pick/units?q="+url.QueryEscape("测试单位")); len(got) != 20 {
				t.Fatalf("got %d matches, want 20", len(got))
			}
		})

		t.Run("refuses bad input", func(t *testing.T) {
			for _, path := range []string{
				"/org/pick/units?kind=castle",
				"/org/pick/units?q=" + strings.Repeat("长", 101),
				"/org/pick/party-orgs?kind=castle",
				"/org/pick/party-orgs?q=" + strings.Repeat("x", 101),
			} {
				st, body := street.get(path)
				wantStatus(t, path, st, http.StatusBadRequest, body)
			}
			st, _ := s.browser(t).get("/org/pick/units?q=x")
			wantStatus(t, "anonymous", st, http.StatusSeeOther, "")
		})

		t.Run("forms submit the chosen id", func(t *testing.T) {
			unit := itoa(s.F.Units[testkit.TwoNewInA1])
			label := testkit.TwoNewInA1 + "（东湖居民区）"
			base := func(name string) url.Values {
				return url.Values{"name": {name}, "kind": {"unit_party_org"}, "area": {testkit.ResA1}}
			}
			// Chosen from the suggestions: the hidden id and the label.
			f := base("衡山科技公司党支部")
			f.Set("unit_id", unit)
			f.Set("unit_id_q", label)
			created(t, street, "chosen unit", "/org/party-orgs", f)
			var got int64
			if err := d.QueryRow(t.Context(), "SELECT unit_id FROM party_orgs WHERE name = ?", "衡山科技公司党支部").Scan(&got); err != nil || itoa(got) != unit {
				t.Fatalf("unit %d (%v), want %s", got, err, unit)
			}
			// Without JavaScript: the number typed into the text input.
			f = base("衡山科技公司第二党支部")
			f.Set("unit_id_q", unit)
			created(t, street, "unit by number", "/org/party-orgs", f)
			// Typed but not chosen: refused, the text kept.
			f = base("衡山科技公司第三党支部")
			f.Set("unit_id_q", "衡山")
			checkRefused(t, s, street, []badForm{{"text not chosen", "/org/party-orgs", f, "po-unit-error"}})
			// A re-rendered form names the chosen unit and keeps its id.
			f = base(" ")
			f.Set("unit_id", unit)
			resp := street.submit("/org/party-orgs", f)
			wantStatus(t, "re-render", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
			testkit.Contains(t, resp.Body, `name="unit_id" value="`+unit+`"`, `value="`+label+`"`)
			// A unit of another street stays refused by the service.
			f = base("天平路书店党支部")
			f.Set("unit_id", itoa(s.F.Units[testkit.UnitInB1]))
			f.Set("unit_id_q", "天平路书店")
			checkRefused(t, s, street, []badForm{{"unit out of scope", "/org/party-orgs", f, "po-unit-error"}})
		})
	})
}

func ptr(s string) *string { return &s }
