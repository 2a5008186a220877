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

// TestTrackPageAfterMerge merges B into A through the staff form, A's text
// holding phone numbers written with spaces, dots, dashes and full-width
// digits, an e-mail and an ID number: B's tracking page, which now shows
// A, shows none of them in full.
func TestTrackPageAfterMerge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		a, _ := s.fileAsResident(t, "noise", testkit.ResA1, "楼上装修太吵，请打139 8765 4321或１３９８７６５４３２１，或139.5555.6666、139-5555-6666，"+
			"邮箱a@b.cn，身份证31010419900101123X。2026-12-04 14:30 在88弄3号")
		b, tokenB := s.fileAsResident(t, "noise", testkit.ResA1, "楼上装修噪音很大")
		staff := s.login(t, auth.CommunityStaff)
		resp := staff.submit(fmt.Sprintf("/demands/%d/actions", b), url.Values{"action": {"merge"}, "target": {fmt.Sprint(a)}})
		wantStatus(t, "merge", resp.StatusCode, http.StatusSeeOther, resp.Body)
		s.act(t, auth.CommunityStaff, a, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		s.act(t, auth.CommunityStaff, a, demand.ActionInput{Action: demand.ActSign})
		s.act(t, auth.CommunityStaff, a, demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
		s.act(t, auth.CommunityStaff, a, demand.ActionInput{Action: demand.ActResolve, Outcome: demand.OutcomeSolved,
			Resolution: "已约谈施工方，有问题请打 139-5555-6666"})

		st, body := s.browser(t).get("/t/" + tokenB)
		wantStatus(t, "track", st, http.StatusOK, body)
		for _, p := range []string{"139 8765 4321", "１３９８７６５４３２１", "139.5555.6666", "139-5555-6666", "a@b.cn",
			"31010419900101123X", "8765", "８７６５", "5555"} {
			if strings.Contains(body, p) {
				t.Errorf("B's tracking page shows %q", p)
			}
		}
		testkit.Contains(t, body, "139 **** 4321", "１３９****４３２１", "139.****.6666", "a***@b.cn", "310***********123X",
			"2026-12-04 14:30", "88弄3号", "已约谈施工方，有问题请打 139-****-6666")
		// Staff pages show the text as written.
		_, page := staff.get(fmt.Sprintf("/demands/%d", a))
		testkit.Contains(t, page, "139 8765 4321", "a@b.cn")
	})
}
