package activity_test

import (
	"testing"
	"time"

	"gongzhi/internal/activity"
	"gongzhi/internal/errs"
)

func TestPlaceAndPromote(t *testing.T) {
	for _, c := range []struct {
		confirmed, capacity int
		want                string
	}{
		{0, 0, activity.Confirmed}, {100, 0, activity.Confirmed}, {0, 1, activity.Confirmed},
		{4, 5, activity.Confirmed}, {5, 5, activity.Waitlisted}, {6, 5, activity.Waitlisted},
	} {
		if got := activity.Place(c.confirmed, c.capacity); got != c.want {
			t.Errorf("Place(%d, %d) = %s, want %s", c.confirmed, c.capacity, got, c.want)
		}
	}
	for _, c := range []struct{ confirmed, capacity, waiting, want int }{
		{4, 5, 3, 1}, {5, 5, 3, 0}, {2, 5, 1, 1}, {0, 0, 7, 7}, {6, 5, 2, 0}, {0, 3, 0, 0},
	} {
		if got := activity.Promotable(c.confirmed, c.capacity, c.waiting); got != c.want {
			t.Errorf("Promotable(%d, %d, %d) = %d, want %d", c.confirmed, c.capacity, c.waiting, got, c.want)
		}
	}
	for _, c := range []struct {
		audience string
		member   bool
		want     bool
	}{{"members", true, true}, {"members", false, false}, {"residents", false, true}, {"all", false, true}, {"all", true, true}} {
		if got := activity.MayJoin(c.audience, c.member); got != c.want {
			t.Errorf("MayJoin(%s, %v) = %v", c.audience, c.member, got)
		}
	}
}

func TestCodeRotates(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	t0 := time.Date(2026, 12, 5, 2, 0, 0, 0, time.UTC) // a window's start
	code := activity.Code(secret, 7, activity.Window(t0))
	for _, c := range []struct {
		name string
		id   int64
		code string
		at   time.Time
		want bool
	}{
		{"current window", 7, code, t0, true},
		{"end of the window", 7, code, t0.Add(29 * time.Second), true},
		{"the window after (previous accepted)", 7, code, t0.Add(30 * time.Second), true},
		{"two windows on: replay refused", 7, code, t0.Add(60 * time.Second), false},
		{"before it was shown", 7, code, t0.Add(-time.Second), false},
		{"another activity's code", 8, code, t0, false},
		{"forged", 7, "AAAAAAAAAAAAAAAA", t0, false},
		{"empty", 7, "", t0, false},
	} {
		if got := activity.CodeValid(secret, c.id, c.code, c.at); got != c.want {
			t.Errorf("%s: CodeValid = %v, want %v", c.name, got, c.want)
		}
	}
	if activity.Code([]byte("another secret, another server!!"), 7, activity.Window(t0)) == code {
		t.Error("the code does not depend on the secret")
	}
	if len(code) != 16 {
		t.Errorf("code %q: want 16 characters", code)
	}
}

func TestStep(t *testing.T) {
	start := time.Date(2026, 12, 6, 6, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	a := func(status string, in, out bool) activity.Attendance {
		return activity.Attendance{Status: status, CheckedIn: in, CheckedOut: out, Start: start, End: end}
	}
	for _, c := range []struct {
		name   string
		a      activity.Attendance
		action string
		at     time.Time
		ok     bool
	}{
		{"check in at the start", a(activity.Confirmed, false, false), "in", start, true},
		{"check in an hour early", a(activity.Confirmed, false, false), "in", start.Add(-time.Hour), true},
		{"too early", a(activity.Confirmed, false, false), "in", start.Add(-61 * time.Minute), false},
		{"after it closed", a(activity.Confirmed, false, false), "in", end.Add(2*time.Hour + time.Second), false},
		{"not signed up", a("", false, false), "in", start, false},
		{"waitlisted", a(activity.Waitlisted, false, false), "in", start, false},
		{"cancelled", a(activity.Cancelled, false, false), "in", start, false},
		{"twice", a(activity.Confirmed, true, false), "in", start, false},
		{"out before in", a(activity.Confirmed, false, false), "out", end, false},
		{"out after in", a(activity.Confirmed, true, false), "out", end, true},
		{"out twice", a(activity.Confirmed, true, true), "out", end, false},
	} {
		err := activity.Step(c.a, c.action, c.at)
		if (err == nil) != c.ok {
			t.Errorf("%s: Step = %v, want ok %v", c.name, err, c.ok)
		}
		if err != nil && errs.Code(err) != errs.ECONFLICT {
			t.Errorf("%s: code %s, want ECONFLICT", c.name, errs.Code(err))
		}
	}
}
