package delib_test

import (
	"fmt"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// commentState sums up the comment tables and the audit log.
func (k *kit) commentState() string {
	k.t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT count(*) FROM topic_comments", "SELECT count(*) FROM topic_comment_reports",
		"SELECT COALESCE(sum(reports), 0) FROM topic_comments", "SELECT count(*) FROM topic_comments WHERE status = 'shown'",
		"SELECT count(*) FROM audit_log"} {
		var n int64
		if err := k.d.QueryRow(k.ctx, q).Scan(&n); err != nil {
			k.t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&b, "%d ", n)
	}
	return b.String()
}

// refusedComment checks a refused comment command answered code and changed nothing.
func (k *kit) refusedComment(what, code string, fn func() error) {
	k.t.Helper()
	before := k.commentState()
	wantCode(k.t, what, fn(), code)
	if after := k.commentState(); after != before {
		k.t.Errorf("%s changed the records: %s → %s", what, before, after)
	}
}

// TestCommentRoles: residents of the topic's area and its staff comment;
// a resident elsewhere does not see the topic; an auditor sees it, reports
// but does not comment; nobody comments on a closed topic.
func TestCommentRoles(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		top, err := k.s.RaiseTopic(k.ctx, k.as(auth.Resident), delib.TopicInput{Area: testkit.ResA1, Title: "楼下共享单车乱停"})
		if err != nil {
			t.Fatal(err)
		}
		far := k.resident(testkit.ResB1)
		for _, c := range []struct {
			who  string
			p    *auth.Principal
			want string // "" allowed, else the error code
		}{
			{"resident of the area", k.as(auth.Resident), ""},
			{"member living in the area", k.as(auth.Member), ""},
			{"community staff", k.as(auth.CommunityStaff), ""},
			{"street staff above", k.as(auth.StreetStaff), ""},
			{"resident of another area", far, errs.ENOTFOUND},
			{"auditor", k.as(auth.Auditor), errs.EFORBIDDEN},
			{"unit liaison", k.as(auth.UnitLiaison), errs.ENOTFOUND},
			{"nobody", nil, errs.EUNAUTHORIZED},
		} {
			if c.want == "" {
				got, err := k.s.AddComment(k.ctx, c.p, top.ID, "  我也觉得应该划线停放  ")
				if err != nil || got.Text != "我也觉得应该划线停放" || !got.Mine || got.Status != delib.CommentShown {
					t.Errorf("%s comments: %+v %v", c.who, got, err)
				}
				continue
			}
			k.refusedComment(c.who+" commenting", c.want, func() error { _, err := k.s.AddComment(k.ctx, c.p, top.ID, "评论"); return err })
		}
		k.refusedComment("an empty comment", errs.EINVALID, func() error { _, err := k.s.AddComment(k.ctx, k.as(auth.Resident), top.ID, "  "); return err })
		k.refusedComment("a comment too long", errs.EINVALID, func() error {
			_, err := k.s.AddComment(k.ctx, k.as(auth.Resident), top.ID, strings.Repeat("长", delib.MaxComment+1))
			return err
		})
		k.refusedComment("a comment on no topic", errs.ENOTFOUND, func() error { _, err := k.s.AddComment(k.ctx, k.as(auth.Resident), 999999, "x"); return err })
		got, err := k.s.GetTopic(k.ctx, k.as(auth.Resident), top.ID)
		if err != nil || len(got.Comments) != 4 || got.Comments[0].Author != "居民" && got.Comments[0].Author == "" {
			t.Fatalf("the thread: %+v %v", got.Comments, err)
		}
		for i := 1; i < len(got.Comments); i++ {
			if got.Comments[i].ID < got.Comments[i-1].ID {
				t.Errorf("the thread is not oldest first: %+v", got.Comments)
			}
		}
		if !got.Comments[2].ByStaff || got.Comments[0].ByStaff {
			t.Errorf("staff comments are marked: %+v", got.Comments)
		}
		if _, err := k.s.CloseTopic(k.ctx, k.as(auth.CommunityStaff), top.ID, "已并入另一议题"); err != nil {
			t.Fatal(err)
		}
		k.refusedComment("a comment on a closed topic", errs.ECONFLICT, func() error {
			_, err := k.s.AddComment(k.ctx, k.as(auth.Resident), top.ID, "还没解决")
			return err
		})
	})
}

// TestCommentModeration: reports once each, counts for staff only; staff
// hide with a public reason and show again; the author deletes.
func TestCommentModeration(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		staff, res := k.as(auth.CommunityStaff), k.as(auth.Resident)
		top, err := k.s.RaiseTopic(k.ctx, res, delib.TopicInput{Area: testkit.ResA1, Title: "垃圾分类定时定点"})
		if err != nil {
			t.Fatal(err)
		}
		neighbour := k.resident(testkit.ResA1)
		c, err := k.s.AddComment(k.ctx, neighbour, top.ID, "物业就是不作为，骂人的话")
		if err != nil {
			t.Fatal(err)
		}
		if c.Reports != nil {
			t.Errorf("a resident sees report counts: %+v", c)
		}
		if c, err = k.s.ReportComment(k.ctx, res, c.ID, "人身攻击"); err != nil || !c.Reported || c.Reports != nil {
			t.Fatalf("reported: %+v %v", c, err)
		}
		k.refusedComment("a second report", errs.ECONFLICT, func() error { _, err := k.s.ReportComment(k.ctx, res, c.ID, "再举报"); return err })
		k.refusedComment("a report without reason", errs.EINVALID, func() error { _, err := k.s.ReportComment(k.ctx, staff, c.ID, " "); return err })
		far := k.resident(testkit.ResB1)
		k.refusedComment("a report from elsewhere", errs.ENOTFOUND, func() error { _, err := k.s.ReportComment(k.ctx, far, c.ID, "x"); return err })
		if c, err = k.s.ReportComment(k.ctx, k.as(auth.Auditor), c.ID, "不文明"); err != nil || c.Reports == nil || *c.Reports != 2 {
			t.Fatalf("an auditor reports and sees the count: %+v %v", c, err)
		}
		k.refusedComment("a resident hiding", errs.EFORBIDDEN, func() error { _, err := k.s.HideComment(k.ctx, res, c.ID, "不文明"); return err })
		k.refusedComment("an auditor hiding", errs.EFORBIDDEN, func() error { _, err := k.s.HideComment(k.ctx, k.as(auth.Auditor), c.ID, "不文明"); return err })
		k.refusedComment("hiding without reason", errs.EINVALID, func() error { _, err := k.s.HideComment(k.ctx, staff, c.ID, ""); return err })
		if c, err = k.s.HideComment(k.ctx, staff, c.ID, "含人身攻击，违反文明公约"); err != nil || c.Status != delib.CommentHidden || c.Original == "" {
			t.Fatalf("hidden: %+v %v", c, err)
		}
		k.refusedComment("hiding twice", errs.ECONFLICT, func() error { _, err := k.s.HideComment(k.ctx, staff, c.ID, "again"); return err })
		for who, p := range map[string]*auth.Principal{"resident": res, "author": neighbour} {
			got, err := k.s.GetTopic(k.ctx, p, top.ID)
			if err != nil || len(got.Comments) != 1 {
				t.Fatal(err)
			}
			v := got.Comments[0]
			if v.Text != "" || v.Original != "" || v.HiddenReason != "含人身攻击，违反文明公约" || v.Reports != nil {
				t.Errorf("the %s sees a hidden comment as %+v", who, v)
			}
		}
		got, _ := k.s.GetTopic(k.ctx, staff, top.ID)
		if v := got.Comments[0]; v.Text != "" || v.Original != "物业就是不作为，骂人的话" || v.Reports == nil || *v.Reports != 2 {
			t.Errorf("staff see a hidden comment as %+v", v)
		}
		if c, err = k.s.UnhideComment(k.ctx, staff, c.ID); err != nil || c.Status != delib.CommentShown || c.Text == "" || c.HiddenReason != "" {
			t.Fatalf("shown again: %+v %v", c, err)
		}
		k.refusedComment("someone else deleting", errs.EFORBIDDEN, func() error { _, err := k.s.DeleteComment(k.ctx, res, c.ID); return err })
		k.refusedComment("staff deleting", errs.EFORBIDDEN, func() error { _, err := k.s.DeleteComment(k.ctx, staff, c.ID); return err })
		if c, err = k.s.DeleteComment(k.ctx, neighbour, c.ID); err != nil || c.Status != delib.CommentDeleted || c.Text != "" {
			t.Fatalf("deleted: %+v %v", c, err)
		}
		k.refusedComment("deleting twice", errs.ECONFLICT, func() error { _, err := k.s.DeleteComment(k.ctx, neighbour, c.ID); return err })
		k.refusedComment("hiding a deleted comment", errs.ECONFLICT, func() error { _, err := k.s.HideComment(k.ctx, staff, c.ID, "x"); return err })
		var body string
		if err := d.QueryRow(k.ctx, `SELECT body FROM topic_comments WHERE id = ?`, c.ID).Scan(&body); err != nil || body != "" {
			t.Errorf("a deleted comment's text is kept: %q %v", body, err)
		}
		var n int
		if err := d.QueryRow(k.ctx, `SELECT count(*) FROM audit_log WHERE entity = 'topic_comment'`).Scan(&n); err != nil || n != 6 {
			t.Errorf("audit rows of comments: %d %v, want 6 (create, 2 reports, hide, unhide, delete)", n, err)
		}
	})
}

// TestCommentNameAndCivility: a phone in a display name is masked; the
// area's civility policy is set with its settings and inherited below.
func TestCommentNameAndCivility(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		if _, err := k.f.Auth.CreateUser(k.ctx, auth.SystemPrincipal(), auth.NewUser{Username: "13812345678", DisplayName: "王 13812345678",
			Password: testkit.Password, Role: string(auth.Resident), Area: testkit.ResA1}); err != nil {
			t.Fatal(err)
		}
		_, p, err := k.f.Auth.Login(k.ctx, "13812345678", testkit.Password, "127.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		top, err := k.s.RaiseTopic(k.ctx, p, delib.TopicInput{Area: testkit.ResA1, Title: "加装雨棚"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := k.s.AddComment(k.ctx, p, top.ID, "支持")
		if err != nil || strings.Contains(c.Author, "12345678") || !strings.HasPrefix(c.Author, "王") {
			t.Errorf("the author's name %q (%v) shows a phone", c.Author, err)
		}
		street := k.as(auth.StreetStaff)
		if _, err := k.s.SetSettings(k.ctx, street, delib.Settings{Area: testkit.StreetA, SupportThreshold: 5, AnswerDays: 5, Civility: " 就事论事，不人身攻击。 "}); err != nil {
			t.Fatal(err)
		}
		st, err := k.s.Settings(k.ctx, testkit.ResA1)
		if err != nil || st.Civility != "就事论事，不人身攻击。" {
			t.Errorf("ResA1 inherits the street's policy: %+v %v", st, err)
		}
		wantCode(t, "a policy too long", func() error {
			_, err := k.s.SetSettings(k.ctx, street, delib.Settings{Area: testkit.StreetA, SupportThreshold: 5, AnswerDays: 5, Civility: strings.Repeat("长", delib.MaxCivility+1)})
			return err
		}(), errs.EINVALID)
	})
}
