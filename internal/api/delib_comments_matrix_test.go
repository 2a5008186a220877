package api_test

import (
	"context"
	"strconv"

	"gongzhi/internal/auth"
)

// commentIn writes a comment as the system on a fresh topic of ResA1 (out:
// ResB1), hidden by staff when hide is set.
func (e *env) commentIn(out, hide bool) int64 {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.delibOf().AddComment(ctx, auth.SystemPrincipal(), e.topicIn(out).ID, "楼道灯坏了好几天")
	if err != nil {
		e.t.Fatal(err)
	}
	if hide {
		if _, err := e.delibOf().HideComment(ctx, auth.SystemPrincipal(), c.ID, "与议题无关"); err != nil {
			e.t.Fatal(err)
		}
	}
	return c.ID
}

// commentMatrixRows are the matrix rows of a topic's comments. Targets: a
// fresh comment (or topic) of ResA1 vs one of ResB1.
func commentMatrixRows() map[string]matrixRow {
	comment := func(suffix string, hide bool, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/topic-comments/" + strconv.FormatInt(e.commentIn(out, hide), 10) + suffix, body
		}
	}
	const (
		modIn  = "200 200 200 404 404 403 403 403"
		modOut = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		// Residents of the area and its staff comment; an auditor sees but does not.
		"POST /topics/{id}/comments": {"a fresh topic of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/topics/" + strconv.FormatInt(e.topicIn(out).ID, 10) + "/comments", map[string]any{"text": "同意，" + string(r)}
		}, "201 201 201 404 404 201 201 403", "201 404 404 404 404 404 404 403"},
		"POST /topic-comments/{id}/report": {"a fresh comment of ResA1 vs ResB1", comment("/report", false, map[string]any{"reason": "人身攻击"}),
			"200 200 200 404 404 200 200 200", "200 404 404 404 404 404 404 200"},
		"POST /topic-comments/{id}/hide":   {"a fresh comment of ResA1 vs ResB1", comment("/hide", false, map[string]any{"reason": "不文明"}), modIn, modOut},
		"POST /topic-comments/{id}/unhide": {"a fresh hidden comment of ResA1 vs ResB1", comment("/unhide", true, map[string]any{}), modIn, modOut},
		// Only the author deletes: the system wrote these.
		"DELETE /topic-comments/{id}": {"a fresh comment of ResA1 vs ResB1 by someone else", comment("", false, nil),
			"403 403 403 404 404 403 403 403", "403 404 404 404 404 404 404 403"},
	}
}
