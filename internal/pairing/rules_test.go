package pairing_test

import (
	"testing"
	"time"

	"gongzhi/internal/errs"
	"gongzhi/internal/pairing"
)

func TestCheckLog(t *testing.T) {
	now := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		kind    string
		at      time.Time
		minutes int
		note    string
		field   string // "" valid
	}{
		{"a visit an hour ago", pairing.KindVisit, now.Add(-time.Hour), 45, "聊天、量血压", ""},
		{"a call", pairing.KindCall, now.Add(-24 * time.Hour), 10, "", ""},
		{"unknown kind", "letter", now, 10, "", "kind"},
		{"no time", pairing.KindVisit, time.Time{}, 10, "", "at"},
		{"in the future", pairing.KindVisit, now.Add(time.Hour), 10, "", "at"},
		{"too long ago", pairing.KindVisit, now.Add(-61 * 24 * time.Hour), 10, "", "at"},
		{"no minutes", pairing.KindVisit, now, 0, "", "minutes"},
		{"a whole day", pairing.KindVisit, now, 9 * 60, "", "minutes"},
		{"a long note", pairing.KindVisit, now, 10, string(make([]rune, 201)), "note"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := pairing.CheckLog(c.kind, c.at, c.minutes, c.note, now)
			if c.field == "" {
				if err != nil {
					t.Fatalf("got %v, want valid", err)
				}
				return
			}
			if errs.Code(err) != errs.EINVALID || !hasField(err, c.field) {
				t.Fatalf("got %v, want EINVALID on %s", err, c.field)
			}
		})
	}
}

func hasField(err error, field string) bool {
	e, ok := err.(*errs.Error)
	if !ok {
		return false
	}
	for _, d := range e.Details {
		if d.Field == field {
			return true
		}
	}
	return false
}

func TestCheckRequest(t *testing.T) {
	for _, c := range []struct {
		body, callback string
		ok             bool
	}{
		{"腿摔了，起不来", "", true},
		{"停水了", "021-5555 1234", true},
		{"  ", "", false},
		{"帮帮忙", "abc", false},
		{string(make([]rune, 501)), "", false},
	} {
		if err := pairing.CheckRequest(c.body, c.callback); (err == nil) != c.ok {
			t.Errorf("CheckRequest(%q, %q) = %v, want ok %v", c.body, c.callback, err, c.ok)
		}
	}
}

func TestOverdue(t *testing.T) {
	now := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	for _, c := range []struct {
		name        string
		start, last time.Time
		want        bool
	}{
		{"new pair, no visit", now.Add(-10 * day), time.Time{}, false},
		{"old pair, no visit", now.Add(-40 * day), time.Time{}, true},
		{"old pair, recent visit", now.Add(-400 * day), now.Add(-29 * day), false},
		{"old pair, old visit", now.Add(-400 * day), now.Add(-31 * day), true},
	} {
		if got := pairing.Overdue(c.start, c.last, now); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPercentile(t *testing.T) {
	m := time.Minute
	ds := []time.Duration{10 * m, 1 * m, 5 * m, 3 * m, 7 * m, 2 * m, 9 * m, 4 * m, 8 * m, 6 * m}
	for _, c := range []struct {
		q    float64
		want time.Duration
	}{{0.5, 5 * m}, {0.9, 9 * m}, {1, 10 * m}, {0.01, 1 * m}} {
		if got := pairing.Percentile(ds, c.q); got != c.want {
			t.Errorf("p%v = %v, want %v", c.q*100, got, c.want)
		}
	}
	if got := pairing.Percentile(nil, 0.5); got != 0 {
		t.Errorf("no durations: %v", got)
	}
}

func TestNextRequest(t *testing.T) {
	for _, c := range []struct {
		from, action, want string
	}{
		{pairing.Open, "ack", pairing.Acknowledged},
		{pairing.Open, "close", pairing.Closed},
		{pairing.Acknowledged, "close", pairing.Closed},
		{pairing.Acknowledged, "ack", ""},
		{pairing.Closed, "close", ""},
	} {
		got, err := pairing.NextRequest(c.from, c.action)
		if got != c.want || (c.want == "") != (errs.Code(err) == errs.ECONFLICT) {
			t.Errorf("NextRequest(%s, %s) = %q, %v; want %q", c.from, c.action, got, err, c.want)
		}
	}
}
