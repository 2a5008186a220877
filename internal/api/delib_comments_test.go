package api_test

import (
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestCommentsOverAPI: a resident comments (a comment too long is a clear
// 400 and changes nothing); a second report is 409; staff hide the comment
// and the topic then shows residents the reason only, staff the original
// and the report count.
func TestCommentsOverAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		topic := "/topics/" + strconv.FormatInt(e.topicIn(false).ID, 10)
		count := func() int {
			var n int
			if err := d.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM topic_comments) + (SELECT count(*) FROM topic_comment_reports)`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if r := e.as(auth.Resident, "POST", topic+"/comments", map[string]any{"text": strings.Repeat("长", 1001)}); r.status != 400 || count() != 0 {
			t.Fatalf("a comment too long: %d %s", r.status, r)
		}
		res := e.as(auth.Resident, "POST", topic+"/comments", map[string]any{"text": "建议周末集中清理"})
		if res.status != 201 {
			t.Fatalf("comment: %d %s", res.status, res)
		}
		conforms(t, "TopicComment", res)
		c := decodeJSON[struct {
			ID int64 `json:"id"`
		}](t, res)
		base := "/topic-comments/" + strconv.FormatInt(c.ID, 10)
		if r := e.as(auth.Member, "POST", base+"/report", map[string]any{"reason": "广告"}); r.status != 200 {
			t.Fatalf("report: %d %s", r.status, r)
		}
		n := count()
		if r := e.as(auth.Member, "POST", base+"/report", map[string]any{"reason": "广告"}); r.status != 409 || count() != n {
			t.Errorf("a second report: %d %s", r.status, r)
		}
		if r := e.as(auth.CommunityStaff, "POST", base+"/hide", map[string]any{"reason": "与议题无关"}); r.status != 200 {
			t.Fatalf("hide: %d %s", r.status, r)
		}
		type view struct {
			Comments []struct {
				Text, Status, Original string
				HiddenReason           string `json:"hidden_reason"`
				Reports                *int
			}
		}
		pub := decodeJSON[view](t, e.as(auth.Resident, "GET", topic, nil))
		if len(pub.Comments) != 1 || pub.Comments[0].Text != "" || pub.Comments[0].Original != "" || pub.Comments[0].HiddenReason != "与议题无关" ||
			pub.Comments[0].Reports != nil || pub.Comments[0].Status != "hidden" {
			t.Errorf("a resident sees %+v", pub.Comments)
		}
		if r := e.as(auth.Resident, "POST", "/topics", map[string]any{"area": testkit.ResA1, "title": "由诉求归集", "demand_ids": []int64{1}}); r.status != 403 {
			t.Errorf("a resident making a topic from demands: %d %s", r.status, r)
		}
		if r := e.as(auth.CommunityStaff, "POST", "/topics", map[string]any{"area": testkit.ResA1, "title": "由诉求归集", "demand_ids": []int64{999999}}); r.status != 400 ||
			!strings.Contains(r.String(), "demand_ids") {
			t.Errorf("a topic from no such demand: %d %s", r.status, r)
		}
		staff := decodeJSON[view](t, e.as(auth.CommunityStaff, "GET", topic, nil))
		if len(staff.Comments) != 1 || staff.Comments[0].Original != "建议周末集中清理" || staff.Comments[0].Reports == nil || *staff.Comments[0].Reports != 1 {
			t.Errorf("staff see %+v", staff.Comments)
		}
	})
}
