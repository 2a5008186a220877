package api_test

import (
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestTrackingAfterMerge merges B into A over HTTP, A's text holding phone
// numbers written with spaces, dots, dashes and full-width digits, an
// e-mail and an ID number: B's tracking link, which now shows A, shows
// none of them in full.
func TestTrackingAfterMerge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		a := e.fileDirect(testkit.ResA1, "sanitation", "楼道堆物，请打139 8765 4321或１３９８７６５４３２１，或139.5555.6666、139-5555-6666，"+
			"邮箱a@b.cn，身份证31010419900101123X。2026-12-04 14:30 在88弄3号")
		b := e.fileDirect(testkit.ResA1, "sanitation", "楼道里堆了很多杂物")
		e.mustAct(auth.CommunityStaff, b.Demand.ID, map[string]any{"action": "merge", "target": a.Demand.ID})
		e.mustAct(auth.CommunityStaff, a.Demand.ID, map[string]any{"action": "dispatch", "lead": testkit.ResA1})
		e.mustAct(auth.CommunityStaff, a.Demand.ID, map[string]any{"action": "sign"})
		e.mustAct(auth.CommunityStaff, a.Demand.ID, map[string]any{"action": "contact", "note": "已联系"})
		e.mustAct(auth.CommunityStaff, a.Demand.ID, map[string]any{"action": "resolve", "outcome": "solved",
			"resolution": "已清理，有问题请打 139-5555-6666"})

		res := e.do("", "GET", "/track/"+b.Token, nil)
		if res.status != 200 {
			t.Fatalf("track: %d %s", res.status, res.body)
		}
		conforms(t, "Tracked", res)
		body := res.String()
		for _, p := range []string{"139 8765 4321", "１３９８７６５４３２１", "139.5555.6666", "139-5555-6666", "a@b.cn",
			"31010419900101123X", "8765", "８７６５", "5555"} {
			if strings.Contains(body, p) {
				t.Errorf("B's tracking link shows %q: %s", p, body)
			}
		}
		testkit.Contains(t, body, "139 **** 4321", "１３９****４３２１", "139.****.6666", "a***@b.cn", "310***********123X",
			"2026-12-04 14:30", "88弄3号", "139-****-6666")
		// Staff read the text as written.
		testkit.Contains(t, e.as(auth.CommunityStaff, "GET", "/demands/"+strconv.FormatInt(a.Demand.ID, 10), nil).String(), "139 8765 4321", "a@b.cn")
	})
}
