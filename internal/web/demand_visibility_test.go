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
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestOutsideLeadPages: a street named lead body of another street's
// demand finds it on its queue, list and search pages and opens it; a
// street worker's search box finds a caller's demands by phone and name,
// an auditor's does not.
func TestOutsideLeadPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "东湖路夜间施工噪音")
		s.act(t, auth.DistrictAdmin, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.StreetB})
		if _, err := s.F.Auth.CreateUser(context.Background(), auth.SystemPrincipal(), auth.NewUser{Username: "street_b", DisplayName: "天平路街道",
			Password: testkit.Password, Role: string(auth.StreetStaff), Area: testkit.StreetB}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		b.signIn("street_b", testkit.Password)
		row := fmt.Sprintf(`data-demand="%d"`, id)
		for _, path := range []string{"/queue", "/demands", "/demands?q=" + url.QueryEscape("噪音")} {
			st, body := b.get(path)
			wantStatus(t, path, st, http.StatusOK, body)
			testkit.Contains(t, body, row)
		}
		st, body := b.get(fmt.Sprintf("/demands/%d", id))
		wantStatus(t, "demand page", st, http.StatusOK, body)

		for _, c := range []struct {
			role  auth.Role
			q     string
			found bool
		}{
			{auth.StreetStaff, "13912345678", true}, {auth.StreetStaff, "139 1234 5678", true}, {auth.StreetStaff, "5678", true},
			{auth.StreetStaff, "王阿姨", true}, {auth.StreetStaff, fmt.Sprintf("#%d", id), true}, {auth.StreetStaff, "13900000000", false},
			{auth.Auditor, "13912345678", false}, {auth.Auditor, "王阿姨", false}, {auth.Auditor, fmt.Sprintf("#%d", id), true},
		} {
			st, body := s.login(t, c.role).get("/demands?q=" + url.QueryEscape(c.q))
			wantStatus(t, c.q, st, http.StatusOK, body)
			if strings.Contains(body, row) != c.found {
				t.Errorf("%s searching %q: found %v, want %v", c.role, c.q, !c.found, c.found)
			}
		}
	})
}
