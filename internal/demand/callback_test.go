package demand_test

import (
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

func TestCallbackDue(t *testing.T) {
	cal := calendar2026(t)
	for _, c := range []struct {
		name          string
		resolved, due time.Time
	}{
		{"Monday morning: Thursday morning", shanghai(2026, 3, 9, 9, 30), shanghai(2026, 3, 12, 9, 30)},
		{"Thursday afternoon: over the weekend to Tuesday", shanghai(2026, 3, 12, 15, 0), shanghai(2026, 3, 17, 15, 0)},
		{"Saturday: three whole working days, to the end of Wednesday", shanghai(2026, 3, 14, 10, 0), shanghai(2026, 3, 19, 0, 0)},
		{"before 国庆: the holiday week does not count", shanghai(2026, 9, 29, 16, 0), shanghai(2026, 10, 9, 16, 0)},
		{"just before midnight on a Friday", shanghai(2026, 3, 13, 23, 59), shanghai(2026, 3, 18, 23, 59)},
	} {
		if got := demand.CallbackDue(c.resolved, cal); !got.Equal(c.due) {
			t.Errorf("%s: CallbackDue(%s) = %s, want %s", c.name, c.resolved, got.In(c.due.Location()), c.due)
		}
	}
}

// TestCallbackCutoff: a demand resolved before the cutoff has missed its
// callback at now, one resolved at the cutoff has not, for times around
// weekends and holidays.
func TestCallbackCutoff(t *testing.T) {
	cal := calendar2026(t)
	for _, c := range []struct {
		name   string
		now    time.Time
		cutoff time.Time // the first resolve time still in time
	}{
		{"Thursday 09:30: resolved Monday 09:30 is due now", shanghai(2026, 3, 12, 9, 30), shanghai(2026, 3, 9, 9, 30).Add(time.Nanosecond)},
		{"Tuesday 15:00: back over the weekend to Thursday", shanghai(2026, 3, 17, 15, 0), shanghai(2026, 3, 12, 15, 0).Add(time.Nanosecond)},
		// At the end of Wednesday every demand resolved over the weekend is due
		// (it counts from Monday 00:00), and so is one resolved at Monday 00:00.
		{"Thursday 00:00: the weekend's resolutions are due", shanghai(2026, 3, 19, 0, 0), shanghai(2026, 3, 16, 0, 0).Add(time.Nanosecond)},
		{"Sunday: nothing comes due on a day off", shanghai(2026, 3, 15, 12, 0), shanghai(2026, 3, 11, 0, 0)},
		{"after 国庆: before the holiday", shanghai(2026, 10, 9, 16, 0), shanghai(2026, 9, 29, 16, 0).Add(time.Nanosecond)},
	} {
		got := demand.CallbackCutoff(c.now, cal)
		if !got.Equal(c.cutoff) {
			t.Errorf("%s: CallbackCutoff(%s) = %s, want %s", c.name, c.now, got.In(c.cutoff.Location()), c.cutoff)
		}
		// The rule the cutoff stands for, either side of it.
		if !demand.CallbackLapsed(demand.Resolved, ptr(got.Add(-time.Nanosecond)), c.now, cal) || demand.CallbackLapsed(demand.Resolved, &got, c.now, cal) {
			t.Errorf("%s: the cutoff %s does not split lapsed from running callbacks", c.name, got)
		}
	}
	if demand.CallbackLapsed(demand.Closed, ptr(shanghai(2026, 1, 5, 9, 0)), shanghai(2026, 3, 1, 9, 0), cal) {
		t.Error("a closed demand has no callback clock")
	}
}

func ptr[T any](v T) *T { return &v }

// TestCallbackClock: a resolved demand awaits its callback on a clock of
// three working days; the to-do counts show it running, then late; the
// sweep marks it overdue once and tells the street (督办), which climbs to
// the district; a demand resolved again after a dissatisfied callback gets
// a clock of its own. Both engines.
func TestCallbackClock(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, admin := e.f.Users[auth.CommunityStaff], e.f.Users[auth.DistrictAdmin]
		resolve := func(id int64) {
			e.act(t, community, id, demand.ActionInput{Action: demand.ActSign})
			e.act(t, community, id, demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
			e.act(t, community, id, demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已修复"})
		}
		id := e.file(t, nil, "sanitation", testkit.ResA1, "楼道灯坏了").Demand.ID
		e.act(t, community, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		resolve(id) // Monday 09:30 in Shanghai: call back by Thursday 09:30
		c, err := e.s.Todo(e.ctx, community)
		if err != nil || c.ToCallback != 1 || c.CallbackLate != 0 || c.DueToday != 0 {
			t.Fatalf("just resolved: %+v %v", c, err)
		}
		if n, err := e.s.SweepCallbacks(e.ctx); err != nil || n != 0 {
			t.Fatalf("sweep before the deadline: %d %v", n, err)
		}
		e.clock.Advance(3*24*time.Hour - time.Hour) // Thursday 08:30: due today
		if c, _ := e.s.Todo(e.ctx, community); c.ToCallback != 1 || c.CallbackLate != 0 || c.DueToday != 1 {
			t.Fatalf("on the last day: %+v", c)
		}
		got, _ := e.s.Get(e.ctx, admin, id)
		dues, err := e.s.CallbackDues(e.ctx, []demand.Demand{*got})
		if want := got.ResolvedAt.Add(3 * 24 * time.Hour); err != nil || !dues[id].Equal(want) {
			t.Fatalf("callback due %v (%v), want %v", dues[id], err, want)
		}
		e.clock.Advance(2 * time.Hour)
		if c, _ := e.s.Todo(e.ctx, community); c.ToCallback != 1 || c.CallbackLate != 1 || c.DueToday != 0 {
			t.Fatalf("past the deadline: %+v", c)
		}
		if n, err := e.s.SweepCallbacks(e.ctx); err != nil || n != 1 {
			t.Fatalf("sweep after the deadline: %d %v", n, err)
		}
		if n, _ := e.s.SweepCallbacks(e.ctx); n != 0 {
			t.Fatalf("a second sweep marked %d again", n)
		}
		got, _ = e.s.Get(e.ctx, admin, id)
		if !got.Overdue || got.EscalationLevel != 1 || got.Status != demand.Resolved {
			t.Fatalf("after the sweep: overdue %v level %d status %s", got.Overdue, got.EscalationLevel, got.Status)
		}
		if !hasEvent(got, "overdue", "超过回访时限") {
			t.Fatalf("no overdue event for the callback: %+v", got.Events)
		}
		if c, _ := e.s.Todo(e.ctx, community); c.Overdue != 1 {
			t.Fatalf("the lapsed callback is not among the overdue: %+v", c)
		}
		items, _, _, _ := e.n.Inbox(e.ctx, e.f.Users[auth.StreetStaff], true, 1, 50)
		if len(items) == 0 || items[0].Kind != notify.KindEscalation || !strings.Contains(items[0].Title, "督办") {
			t.Fatalf("street inbox: %+v", items)
		}
		// Still no callback after as long again: the district is told.
		e.clock.Advance(4 * 24 * time.Hour)
		if _, err := e.s.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ = e.s.Get(e.ctx, admin, id); got.EscalationLevel != 2 {
			t.Fatalf("still no callback: level %d, want 2", got.EscalationLevel)
		}

		// A dissatisfied callback reopens it; resolved again, it has a new clock.
		solved := false
		e.act(t, community, id, demand.ActionInput{Action: demand.ActCallback, Satisfaction: demand.Dissatisfied, Solved: &solved})
		e.act(t, community, id, demand.ActionInput{Action: demand.ActSign})
		e.act(t, community, id, demand.ActionInput{Action: demand.ActContact, Note: "再次联系"})
		e.act(t, community, id, demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已更换灯具"})
		if c, _ := e.s.Todo(e.ctx, community); c.ToCallback != 1 || c.CallbackLate != 0 {
			t.Fatalf("resolved again: %+v", c)
		}
		if n, _ := e.s.SweepCallbacks(e.ctx); n != 0 {
			t.Fatalf("the second round's fresh clock was marked: %d", n)
		}
		e.clock.Advance(7 * 24 * time.Hour)
		if n, _ := e.s.SweepCallbacks(e.ctx); n != 1 {
			t.Fatalf("the second round's lapse: %d marked, want 1", n)
		}
		solved = true
		if got = e.act(t, community, id, demand.ActionInput{Action: demand.ActCallback, Satisfaction: demand.Satisfied, Solved: &solved}); got.Status != demand.Closed {
			t.Fatalf("after the callback: %s", got.Status)
		}
		e.clock.Advance(30 * 24 * time.Hour)
		if n, _ := e.s.RunDue(e.ctx); n != 0 {
			// A pending escalation of a closed demand may run, but changes nothing.
			if got, _ = e.s.Get(e.ctx, admin, id); got.Status != demand.Closed {
				t.Fatalf("a timer changed the closed demand: %s", got.Status)
			}
		}
		if n, _ := e.s.SweepCallbacks(e.ctx); n != 0 {
			t.Fatalf("closed, yet swept: %d", n)
		}
	})
}

func hasEvent(d *demand.Demand, action, note string) bool {
	for _, ev := range d.Events {
		if ev.Action == action && strings.Contains(ev.Note, note) {
			return true
		}
	}
	return false
}
