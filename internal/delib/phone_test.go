package delib_test

import (
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/phone"
	"gongzhi/internal/testkit"
)

// phoneKit signs phones in through the phone service, codes read from the
// SMS outbox before they are sent.
type phoneKit struct {
	*kit
	ph *phone.Service
}

func newPhoneKit(t *testing.T, d *db.DB) *phoneKit {
	k := newKit(t, d)
	return &phoneKit{kit: k, ph: phone.NewService(d, k.clk, notify.NewService(d, k.clk, notify.Options{SMS: true}))}
}

// signIn puts number on the rolls of areas and returns its session token.
func (k *phoneKit) signIn(number string, areas ...string) string {
	k.t.Helper()
	for _, a := range areas {
		if _, err := k.ph.Add(k.ctx, k.as(auth.DistrictAdmin), phone.EntryInput{Area: a, Phone: number}); err != nil {
			k.t.Fatal(err)
		}
	}
	if _, err := k.ph.SendCode(k.ctx, number, "127.0.0.1"); err != nil {
		k.t.Fatal(err)
	}
	var body string
	if err := k.d.QueryRow(k.ctx, "SELECT body FROM sms_outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1", number).Scan(&body); err != nil {
		k.t.Fatal(err)
	}
	s, err := k.ph.Verify(k.ctx, number, regexp.MustCompile(`\d{6}`).FindString(body), "10.0.0.1")
	if err != nil {
		k.t.Fatal(err)
	}
	return s.Token
}

func (k *phoneKit) resident(token string) phone.Resident {
	k.t.Helper()
	r, err := k.ph.Resident(k.ctx, token)
	if err != nil {
		k.t.Fatal(err)
	}
	return r
}

// rows counts what a refused request must leave alone.
func (k *phoneKit) rows() int {
	k.t.Helper()
	var n int
	if err := k.d.QueryRow(k.ctx, `SELECT (SELECT count(*) FROM topic_phone_supports) + (SELECT count(*) FROM topic_supports) +
		(SELECT COALESCE(sum(supports), 0) FROM topics) + (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM topics)`).Scan(&n); err != nil {
		k.t.Fatal(err)
	}
	return n
}

// TestTopicsByPhone: a verified phone on a residential area's roll raises
// a topic there and supports it; supports of phones and accounts reach
// the threshold together; one person, one support, either way round;
// outside its areas, or off the roll, a phone is refused and nothing changes.
func TestTopicsByPhone(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newPhoneKit(t, d)
		staff := k.as(auth.CommunityStaff)
		if _, err := k.s.SetSettings(k.ctx, staff, delib.Settings{Area: testkit.ResA1, SupportThreshold: 3, AnswerDays: 5}); err != nil {
			t.Fatal(err)
		}
		aToken := k.signIn("13800138000", testkit.ResA1)
		a := k.resident(aToken)
		b := k.resident(k.signIn("13900139000", testkit.ResA1, testkit.ResA2))
		far := k.resident(k.signIn("13700137000", testkit.ResB1))

		top, err := k.s.RaiseTopicByPhone(k.ctx, a, delib.TopicInput{Area: testkit.ResA1, Title: "东门加装路灯", Body: "晚上看不清台阶"})
		if err != nil || top.RaisedBy != "138****8000" || top.Status != delib.TopicOpen || top.Threshold != 3 {
			t.Fatalf("raised: %+v %v", top, err)
		}
		var raisedBy any
		var byPhone string
		if err := d.QueryRow(k.ctx, "SELECT raised_by, raised_by_phone FROM topics WHERE id = ?", top.ID).Scan(&raisedBy, &byPhone); err != nil || raisedBy != nil || byPhone != "13800138000" {
			t.Fatalf("stored: %v %q %v", raisedBy, byPhone, err)
		}
		before := k.rows()
		k.refused("raising from demands", errs.EFORBIDDEN, func() error {
			_, err := k.s.RaiseTopicByPhone(k.ctx, a, delib.TopicInput{Area: testkit.ResA1, Title: "x", Demands: []int64{1}})
			return err
		})
		k.refused("raising elsewhere", errs.EFORBIDDEN, func() error {
			_, err := k.s.RaiseTopicByPhone(k.ctx, a, delib.TopicInput{Area: testkit.ResB1, Title: "别处的事"})
			return err
		})
		k.refused("supporting outside one's areas", errs.EFORBIDDEN, func() error { _, err := k.s.SupportByPhone(k.ctx, far, top.ID); return err })
		if _, err := k.s.PhoneTopic(k.ctx, far, top.ID); errs.Code(err) != errs.ENOTFOUND {
			t.Fatalf("a far phone reads the topic: %v", err)
		}
		if after := k.rows(); after != before {
			t.Fatalf("refusals changed %d rows", after-before)
		}

		if top, err = k.s.SupportByPhone(k.ctx, a, top.ID); err != nil || top.Supports != 1 {
			t.Fatalf("support: %+v %v", top, err)
		}
		k.refused("supporting twice", errs.ECONFLICT, func() error { _, err := k.s.SupportByPhone(k.ctx, a, top.ID); return err })
		if ok, err := k.s.PhoneSupported(k.ctx, a, top.ID); !ok || err != nil {
			t.Fatalf("supported: %v %v", ok, err)
		}

		// An account whose phone supported is refused, and the other way round.
		withPhone := func(p *auth.Principal, number string) {
			if _, err := d.Exec(k.ctx, "UPDATE users SET phone = ? WHERE id = ?", number, p.UserID); err != nil {
				t.Fatal(err)
			}
		}
		acc := k.kit.resident(testkit.ResA1)
		withPhone(acc, "138-0013-8000")
		k.refused("an account whose phone supports", errs.ECONFLICT, func() error { _, err := k.s.Support(k.ctx, acc, top.ID); return err })
		acc2 := k.kit.resident(testkit.ResA1)
		withPhone(acc2, "+86 139 0013 9000")
		if _, err := k.s.Support(k.ctx, acc2, top.ID); err != nil {
			t.Fatal(err)
		}
		k.refused("a phone whose account supports", errs.ECONFLICT, func() error { _, err := k.s.SupportByPhone(k.ctx, b, top.ID); return err })

		// The third support (an account without a phone) puts it on the agenda.
		if top, err = k.s.Support(k.ctx, k.as(auth.Resident), top.ID); err != nil || top.Status != delib.TopicAgenda || top.Supports != 3 || top.DueAt == nil {
			t.Fatalf("third support: %+v %v", top, err)
		}

		// A phone's topic reaches the agenda by phones alone.
		t2, err := k.s.RaiseTopicByPhone(k.ctx, b, delib.TopicInput{Area: testkit.StreetA, Title: "街道菜场营业时间"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(k.ctx, "UPDATE topics SET threshold = 2 WHERE id = ?", t2.ID); err != nil {
			t.Fatal(err)
		}
		for _, r := range []phone.Resident{a, b} {
			if t2, err = k.s.SupportByPhone(k.ctx, r, t2.ID); err != nil {
				t.Fatal(err)
			}
		}
		if t2.Status != delib.TopicAgenda || len(t2.Events) != 2 || t2.Events[0].By != "139****9000" {
			t.Fatalf("by phones: %+v", t2)
		}

		l, err := k.s.PhoneTopics(k.ctx, b, delib.PhoneTopicFilter{})
		if err != nil || l.Total != 2 || l.Items[0].ID != t2.ID {
			t.Fatalf("b's topics: %+v %v", l, err)
		}
		if l, err := k.s.PhoneTopics(k.ctx, b, delib.PhoneTopicFilter{Mine: true}); err != nil || l.Total != 1 {
			t.Fatalf("b's own: %+v %v", l, err)
		}
		if l, err := k.s.PhoneTopics(k.ctx, far, delib.PhoneTopicFilter{}); err != nil || l.Total != 0 {
			t.Fatalf("far phone's topics: %+v %v", l, err)
		}

		// Audit rows and the public history name the masked phone only.
		var audit string
		if err := d.QueryRow(k.ctx, "SELECT actor_name FROM audit_log WHERE entity = 'topic' AND action = 'support' ORDER BY id LIMIT 1").Scan(&audit); err != nil || audit != "phone 138****8000" {
			t.Fatalf("audit actor %q %v", audit, err)
		}
		var leaks int
		if err := d.QueryRow(k.ctx, "SELECT count(*) FROM audit_log WHERE actor_name LIKE '%13800138000%' OR after LIKE '%13800138000%' OR before LIKE '%13800138000%'").Scan(&leaks); err != nil || leaks != 0 {
			t.Fatalf("%d audit rows show the phone", leaks)
		}

		// Off the roll: refused at once, in the same session.
		if err := k.ph.Remove(k.ctx, staff, testkit.ResA1, "13800138000"); err != nil {
			t.Fatal(err)
		}
		gone := k.resident(aToken)
		t3, err := k.s.RaiseTopicByPhone(k.ctx, b, delib.TopicInput{Area: testkit.ResA1, Title: "楼道堆物"})
		if err != nil {
			t.Fatal(err)
		}
		k.refused("off the roll", errs.EFORBIDDEN, func() error { _, err := k.s.SupportByPhone(k.ctx, gone, t3.ID); return err })
		if _, err := k.s.PhoneTopics(k.ctx, gone, delib.PhoneTopicFilter{}); errs.Code(err) != errs.EFORBIDDEN || !strings.Contains(errs.Message(err), "committee") {
			t.Fatalf("off the roll lists: %v", err)
		}
	})
}

// TestCommentsByPhone: a verified phone discusses a topic of its areas,
// named by its masked phone; staff hide its comment like any other; empty,
// too long, outside its areas or on a closed topic it is refused and
// nothing is written.
func TestCommentsByPhone(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newPhoneKit(t, d)
		staff := k.as(auth.CommunityStaff)
		a := k.resident(k.signIn("13800138000", testkit.ResA1))
		far := k.resident(k.signIn("13700137000", testkit.ResB1))
		top, err := k.s.RaiseTopicByPhone(k.ctx, a, delib.TopicInput{Area: testkit.ResA1, Title: "楼道堆物清理"})
		if err != nil {
			t.Fatal(err)
		}
		comments := func() int {
			var n int
			if err := d.QueryRow(k.ctx, "SELECT count(*) FROM topic_comments").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			what string
			r    phone.Resident
			text string
			code string
		}{
			{"empty", a, "  ", errs.EINVALID},
			{"too long", a, strings.Repeat("长", delib.MaxComment+1), errs.EINVALID},
			{"outside its areas", far, "我也同意", errs.ENOTFOUND},
		} {
			if _, err := k.s.AddCommentByPhone(k.ctx, c.r, top.ID, c.text); errs.Code(err) != c.code {
				t.Errorf("%s: %v, want %s", c.what, err, c.code)
			}
		}
		if n := comments(); n != 0 {
			t.Fatalf("refused comments wrote %d rows", n)
		}
		c, err := k.s.AddCommentByPhone(k.ctx, a, top.ID, "三楼楼道堆了很多纸箱，有火灾隐患")
		if err != nil || c.Author != "138****8000" || c.Text != "三楼楼道堆了很多纸箱，有火灾隐患" {
			t.Fatalf("comment: %+v %v", c, err)
		}
		if _, err := k.s.HideComment(k.ctx, staff, c.ID, "与议题无关"); err != nil {
			t.Fatalf("staff hide a phone's comment: %v", err)
		}
		got, err := k.s.PhoneTopic(k.ctx, a, top.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range got.Comments {
			if strings.Contains(x.Text, "纸箱") {
				t.Errorf("a hidden comment shows its text to phones: %+v", x)
			}
		}
		if _, err := k.s.CloseTopic(k.ctx, staff, top.ID, "已清理"); err != nil {
			t.Fatal(err)
		}
		if _, err := k.s.AddCommentByPhone(k.ctx, a, top.ID, "谢谢"); errs.Code(err) != errs.ECONFLICT || comments() != 1 {
			t.Errorf("a closed topic took a comment: %v, %d comments", err, comments())
		}
	})
}
