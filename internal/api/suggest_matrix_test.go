package api_test

import (
	"gongzhi/internal/auth"
	"gongzhi/internal/testkit"
)

// suggestMatrixRows: anyone signed in may ask for suggestions (category
// names are public; the lead body is decided inside, see the suggest
// package's tests); staff who read demands read the accuracy; those who
// take in demands record the suggestions shown for one in their intake
// scope (a grid worker's is the grid, so ResA1's demand is not found).
func suggestMatrixRows() map[string]matrixRow {
	return map[string]matrixRow{
		"POST /demand-suggestions": {"a description in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demand-suggestions", map[string]any{"description": "楼上装修噪音太大", "area": pick(out, testkit.ResA1, testkit.ResB1)}
		},
			"200 200 200 200 200 200 200 200",
			"200 200 200 200 200 200 200 200"},
		"GET /demand-suggestions/accuracy": {"the model's record", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demand-suggestions/accuracy", nil
		},
			"200 200 200 200 200 403 403 200",
			"200 200 200 200 200 403 403 200"},
		"POST /demand-suggestions/uses": {"the suggestions shown for a new demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(pick(out, testkit.ResA1, testkit.ResB1), "noise", m.unique("噪音", r, out))
			return "/demand-suggestions/uses", map[string]any{"demand_id": f.Demand.ID, "model": "2026-11-30T01:00:00Z",
				"categories": []map[string]any{{"category": "noise", "p": 0.8}, {"category": "leak", "p": 0.1}}}
		},
			"201 201 201 404 403 403 403 403",
			"201 404 404 404 403 403 403 403"},
	}
}
