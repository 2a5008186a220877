package week

import (
	"testing"
	"time"

	"gongzhi/internal/errs"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		text    string
		minutes int
		want    string // String(), or "" when Parse fails
	}{
		{"", 0, ""},
		{"6 08:00-12:00", 240, "6 08:00-12:00"},
		{"1-5 19:00-07:00", 5 * 12 * 60, "1 19:00-07:00; 2 19:00-07:00; 3 19:00-07:00; 4 19:00-07:00; 5 19:00-07:00"},
		{"7 22:00-06:00", 480, "1 00:00-06:00; 7 22:00-24:00"},
		{"6,7 09:00-11:00；1 08:00-09:00", 300, "1 08:00-09:00; 6 09:00-11:00; 7 09:00-11:00"},
		{"1 00:00-24:00", 1440, "1 00:00-24:00"},
	} {
		w, err := Parse("windows", tc.text)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.text, err)
			continue
		}
		if w.Minutes() != tc.minutes || w.String() != tc.want {
			t.Errorf("Parse(%q) = %q (%d min), want %q (%d min)", tc.text, w.String(), w.Minutes(), tc.want, tc.minutes)
		}
		// What String writes, Parse reads back to the same spans.
		again, err := Parse("windows", w.String())
		if err != nil || again.String() != w.String() {
			t.Errorf("round trip of %q: %q, %v", w.String(), again.String(), err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, text := range []string{
		"1-5",                            // no times
		"0 08:00-09:00",                  // no day 0
		"8 08:00-09:00",                  // no day 8
		"5-1 08:00-09:00",                // backwards range
		"1 8-9",                          // not a time
		"1 08:00-25:00",                  // no 25:00
		"1 08:60-09:00",                  // no minute 60
		"1 24:00-02:00",                  // cannot start at 24:00
		"1-5 08:00-12:00; 3 11:00-13:00", // overlap
		"7 22:00-06:00; 1 05:00-07:00",   // overlap across Sunday midnight
	} {
		_, err := Parse("windows", text)
		if errs.Code(err) != errs.EINVALID {
			t.Errorf("Parse(%q) = %v, want EINVALID", text, err)
		}
	}
}

func TestOverlap(t *testing.T) {
	w := func(s string) Windows {
		v, err := Parse("w", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1-5 19:00-07:00", "1-5 18:00-21:00", 5 * 120},
		{"1-5 19:00-07:00", "6 08:00-12:00", 0},
		{"7 22:00-06:00", "1 05:00-07:00", 60},
		{"", "6 08:00-12:00", 240},
		{"", "", Minutes},
	} {
		if got := Overlap(w(tc.a), w(tc.b)); got != tc.want {
			t.Errorf("Overlap(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := Overlap(w(tc.b), w(tc.a)); got != tc.want {
			t.Errorf("Overlap is not symmetric for %q, %q: %d", tc.b, tc.a, got)
		}
	}
}

func TestContains(t *testing.T) {
	sh := time.FixedZone("CST", 8*3600)
	at := func(day, h, m int) time.Time { return time.Date(2026, 11, 29+day, h, m, 0, 0, sh) } // 2026-11-30 is a Monday
	night, _ := Parse("w", "1-5 19:00-07:00")
	sunday, _ := Parse("w", "7 22:00-06:00")
	for _, tc := range []struct {
		w          Windows
		start, end time.Time
		want       bool
	}{
		{night, at(1, 19, 0), at(2, 7, 0), true},              // Monday night
		{night, at(1, 20, 0), at(1, 22, 30), true},            // inside
		{night, at(1, 18, 30), at(1, 20, 0), false},           // starts before
		{night, at(5, 19, 0), at(6, 8, 0), false},             // ends past Saturday 07:00
		{night, at(6, 19, 0), at(6, 21, 0), false},            // Saturday
		{night, at(1, 19, 0), at(1, 19, 0), false},            // empty range
		{sunday, at(7, 23, 0), at(8, 5, 0), true},             // across Sunday midnight
		{nil, at(1, 0, 0), at(3, 0, 0), true},                 // no windows: any time
		{night, at(1, 19, 0).UTC(), at(1, 23, 0).UTC(), true}, // zone of the times does not matter
	} {
		if got := tc.w.Contains(tc.start, tc.end, sh); got != tc.want {
			t.Errorf("%q contains %v–%v = %v, want %v", tc.w.String(), tc.start, tc.end, got, tc.want)
		}
	}
}
