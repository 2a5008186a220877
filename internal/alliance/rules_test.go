package alliance_test

import (
	"testing"

	"gongzhi/internal/alliance"
	"gongzhi/internal/errs"
)

func TestFulfil(t *testing.T) {
	for _, c := range []struct {
		name               string
		due, done, notKept []string
		want               alliance.Fulfilment
	}{
		{"none", nil, nil, nil, alliance.Fulfilment{DuePct: 100}},
		{"one open, not due", []string{"2026-12-31"}, []string{""}, []string{""}, alliance.Fulfilment{Total: 1, DuePct: 100}},
		{"one overdue", []string{"2026-11-01"}, []string{""}, []string{""}, alliance.Fulfilment{Total: 1, Overdue: 1, DuePct: 0}},
		{"done on time, done late, overdue, not due",
			[]string{"2026-06-30", "2026-06-30", "2026-09-30", "2027-03-31"}, []string{"2026-06-20", "2026-07-15", "", ""}, []string{"", "", "", ""},
			alliance.Fulfilment{Total: 4, Done: 2, Late: 1, Overdue: 1, DuePct: 67}},
		{"done early, not yet due", []string{"2027-01-31"}, []string{"2026-11-01"}, []string{""}, alliance.Fulfilment{Total: 1, Done: 1, DuePct: 100}},
		{"not kept before its due date counts as due, not overdue", []string{"2027-01-31", "2026-10-31"}, []string{"", "2026-10-01"}, []string{"2026-11-15", ""},
			alliance.Fulfilment{Total: 2, Done: 1, NotKept: 1, DuePct: 50}},
	} {
		if got := alliance.Fulfil(c.due, c.done, c.notKept, "2026-11-30"); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestDay(t *testing.T) {
	if d, err := alliance.Day("due_on", " 2026-07-01 "); err != nil || d.Format("2006-01-02") != "2026-07-01" {
		t.Errorf("%v %v", d, err)
	}
	for _, bad := range []string{"", "2026/07/01", "2026-13-01", "明年"} {
		if _, err := alliance.Day("due_on", bad); errs.Code(err) != errs.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestStatus(t *testing.T) {
	for _, c := range []struct{ done, notKept, want string }{
		{"", "", alliance.StatusOpen},
		{"2026-11-01", "", alliance.StatusKept},
		{"", "2026-11-01", alliance.StatusNotKept},
	} {
		if got := alliance.Status(c.done, c.notKept); got != c.want {
			t.Errorf("Status(%q, %q) = %s, want %s", c.done, c.notKept, got, c.want)
		}
	}
}
