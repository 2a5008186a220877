package api_test

import (
	"gongzhi/internal/auth"
	"gongzhi/internal/testkit"
)

// suggestMatrixRows: anyone signed in may ask for suggestions (category
// names are public; the lead body is decided inside, see the suggest
// package's tests); staff who read demands read the accuracy.
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
	}
}
