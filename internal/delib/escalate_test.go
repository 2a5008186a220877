package delib_test

import (
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/delib"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// TestTopicEscalation: a topic on the agenda nobody answers by its due
// time goes up when the job runs (the clock is moved, nothing sleeps):
// the street's staff get an inbox notice, its public history says where it
// went, and the street's staff find it with the escalated filter.
func TestTopicEscalation(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		k.s.SetNotifier(notify.NewService(d, k.clk, notify.Options{}))
		staff, street := k.as(auth.CommunityStaff), k.as(auth.StreetStaff)
		if _, err := k.s.SetSettings(k.ctx, staff, delib.Settings{Area: testkit.ResA1, SupportThreshold: 1, AnswerDays: 1}); err != nil {
			t.Fatal(err)
		}
		top, err := k.s.RaiseTopic(k.ctx, k.as(auth.Resident), delib.TopicInput{Area: testkit.ResA1, Title: "小区广场舞音量太大"})
		if err != nil {
			t.Fatal(err)
		}
		if top, err = k.s.Support(k.ctx, k.as(auth.Member), top.ID); err != nil || top.Status != delib.TopicAgenda {
			t.Fatalf("on the agenda: %+v %v", top, err)
		}
		inbox := func(p *auth.Principal) int {
			var n int
			if err := d.QueryRow(k.ctx, `SELECT count(*) FROM inbox WHERE user_id = ? AND entity = 'topic' AND kind = 'escalation'`, p.UserID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		k.runJobs(23 * time.Hour) // Monday 09:30 + 1 working day: Tuesday 09:30
		if top, _ = k.s.GetTopic(k.ctx, staff, top.ID); top.Overdue || inbox(street) != 0 {
			t.Fatal("escalated before its time")
		}
		k.runJobs(time.Hour)
		top, err = k.s.GetTopic(k.ctx, k.as(auth.Resident), top.ID)
		if err != nil || !top.Overdue || top.EscalatedTo != testkit.StreetA || top.EscalatedToName != "湖南路街道" {
			t.Fatalf("escalated: %+v %v", top, err)
		}
		last := top.Events[len(top.Events)-1]
		if last.Status != "escalated" || last.Reason != "湖南路街道" {
			t.Errorf("the public history says where it went: %+v", top.Events)
		}
		if inbox(street) != 1 || inbox(staff) != 0 {
			t.Errorf("notices: street %d (want 1), the community's own staff %d (want 0)", inbox(street), inbox(staff))
		}
		l, err := k.s.ListTopics(k.ctx, street, delib.TopicFilter{Escalated: true})
		if err != nil || l.Total != 1 || l.Items[0].ID != top.ID {
			t.Errorf("the street's escalated topics: %+v %v", l, err)
		}
		if l, err = k.s.ListTopics(k.ctx, staff, delib.TopicFilter{Escalated: true}); err != nil || l.Total != 0 {
			t.Errorf("the community's staff see topics escalated above them: %d %v", l.Total, err)
		}
		// The job again (a retry) changes nothing.
		k.runJobs(24 * time.Hour)
		if inbox(street) != 1 {
			t.Error("a second notice")
		}
	})
}
