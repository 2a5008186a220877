package api_test

import (
	"context"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// trackingMatrixRows are the matrix rows of issue 8's tracking and
// category endpoints. Targets: a new demand in ResA1 vs one in ResB1; for
// "my demands", the caller's own report vs another user's.
func trackingMatrixRows() map[string]matrixRow {
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	area := func(out bool) string { return pick(out, testkit.ResA1, testkit.ResB1) }
	return map[string]matrixRow{
		// Those who dispatch or handle it; readers (auditors) see it but may not (403); the rest do not see it (404).
		"POST /demands/{id}/category": {"moving a new noise demand in ResA1 vs ResB1 to sanitation", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(area(out), "noise", m.unique("噪音", r, out))
			return "/demands/" + id(f.Demand.ID) + "/category", map[string]any{"category": "sanitation", "reason": "归环境卫生"}
		}, "200 200 200 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		// No gateway in the tests: those who may text get 422 EUNAVAILABLE.
		"POST /demands/{id}/tracking-sms": {"texting the caller of a new demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(area(out), "noise", m.unique("噪音", r, out))
			return "/demands/" + id(f.Demand.ID) + "/tracking-sms", nil
		}, "422 422 422 404 404 404 404 403", "422 404 404 404 404 404 404 403"},
		// Everyone signed in lists their own; TestMyDemandsAPI checks nobody sees another's.
		"GET /me/demands": {"the caller's own report vs another user's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			owner := pick(out, e.f.Users[r].UserID, m.bStaff.ID)
			if _, err := e.demand.Intake(context.Background(), nil, demand.NewDemand{Category: "noise", Description: m.unique("我的", r, out),
				Area: testkit.ResA1, ReporterUser: owner}); err != nil {
				e.t.Fatal(err)
			}
			return "/me/demands", nil
		}, "200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"},
	}
}
