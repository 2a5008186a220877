package booking

import (
	"testing"
	"time"

	"gongzhi/internal/errs"
)

func TestCheck(t *testing.T) {
	// Monday 2026-11-30 09:30 in Shanghai.
	now := time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC)
	sh := func(day, hour, minute int) time.Time {
		return time.Date(2026, 11, day, hour, minute, 0, 0, time.FixedZone("CST", 8*3600)).UTC()
	}
	hall := Venue{Kind: "venue", Status: "active", Capacity: 40, Windows: "1-5 18:00-21:00; 6 08:00-12:00", From: "2026-11-01", Until: "2026-12-31"}
	cases := []struct {
		name       string
		v          Venue
		start, end time.Time
		people     int
		code       string
		field      string
	}{
		{"a workday evening", hall, sh(1+30, 19, 0), sh(1+30, 20, 30), 20, "", ""},
		{"Saturday morning, the whole window", hall, sh(5+30, 8, 0), sh(5+30, 12, 0), 0, "", ""},
		{"no start", hall, time.Time{}, sh(31, 20, 0), 0, errs.EINVALID, "start"},
		{"end before start", hall, sh(31, 20, 0), sh(31, 19, 0), 0, errs.EINVALID, "end"},
		{"ten minutes", hall, sh(31, 19, 0), sh(31, 19, 10), 0, errs.EINVALID, "end"},
		{"over a day", hall, sh(31, 19, 0), sh(32, 20, 0), 0, errs.EINVALID, "end"},
		{"in the past", hall, sh(30, 8, 0), sh(30, 9, 0), 0, errs.EINVALID, "start"},
		{"more people than it holds", hall, sh(31, 19, 0), sh(31, 20, 0), 41, errs.EINVALID, "attendees"},
		{"negative people", hall, sh(31, 19, 0), sh(31, 20, 0), -1, errs.EINVALID, "attendees"},
		{"not a venue", Venue{Kind: "parking", Status: "active", Capacity: 10}, sh(31, 19, 0), sh(31, 20, 0), 0, errs.EINVALID, "resource_id"},
		{"outside the evening window", hall, sh(31, 17, 30), sh(31, 19, 0), 0, errs.EUNAVAILABLE, ""},
		{"past the window's end", hall, sh(31, 20, 0), sh(31, 21, 30), 0, errs.EUNAVAILABLE, ""},
		{"Sunday", hall, sh(6+30, 9, 0), sh(6+30, 10, 0), 0, errs.EUNAVAILABLE, ""},
		{"paused", Venue{Kind: "venue", Status: "paused"}, sh(31, 19, 0), sh(31, 20, 0), 0, errs.EUNAVAILABLE, ""},
		{"after the last day", Venue{Kind: "venue", Status: "active", Until: "2026-11-30"}, sh(31, 19, 0), sh(31, 20, 0), 0, errs.EUNAVAILABLE, ""},
		{"before the first day", Venue{Kind: "venue", Status: "active", From: "2026-12-02"}, sh(31, 19, 0), sh(31, 20, 0), 0, errs.EUNAVAILABLE, ""},
		{"no windows: any time", Venue{Kind: "venue", Status: "active"}, sh(31, 3, 0), sh(31, 4, 0), 0, "", ""},
	}
	for _, c := range cases {
		err := Check(c.v, c.start, c.end, now, c.people)
		if errs.Code(err) != c.code && !(c.code == "" && err == nil) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.code)
			continue
		}
		if c.field != "" {
			found := false
			for _, d := range errs.DetailsOf(err) {
				found = found || d.Field == c.field
			}
			if !found {
				t.Errorf("%s: %v names no field %s", c.name, err, c.field)
			}
		}
	}
}

func TestHoldUntil(t *testing.T) {
	now := time.Date(2026, 11, 30, 1, 30, 0, 0, time.UTC)
	if got := HoldUntil(now, now.Add(7*24*time.Hour)); !got.Equal(now.Add(HoldFor)) {
		t.Errorf("a slot next week: hold until %v, want 48 h from now", got)
	}
	if got := HoldUntil(now, now.Add(5*time.Hour)); !got.Equal(now.Add(5 * time.Hour)) {
		t.Errorf("a slot tonight: hold until %v, want the slot's start", got)
	}
}

func TestMove(t *testing.T) {
	cases := []struct {
		from, action, to string
	}{
		{Held, "confirm", Confirmed},
		{Held, "cancel", Cancelled},
		{Confirmed, "cancel", Cancelled},
		{Held, "lapse", Lapsed},
		{Confirmed, "confirm", ""},
		{Confirmed, "lapse", ""},
		{Cancelled, "cancel", ""},
		{Lapsed, "confirm", ""},
		{Cancelled, "confirm", ""},
	}
	for _, c := range cases {
		to, err := Move(c.from, c.action)
		if to != c.to || (c.to == "") != (errs.Code(err) == errs.ECONFLICT) {
			t.Errorf("%s %s: got %q, %v; want %q", c.from, c.action, to, err, c.to)
		}
	}
}
