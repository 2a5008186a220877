package booking

import (
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/week"
)

// Statuses of a booking. Held and confirmed bookings hold their slot; the
// database keeps those of one resource from overlapping.
const (
	Held      = "held"      // waiting for the venue's provider; lapses at hold_until
	Confirmed = "confirmed" // the provider agreed, or booked it itself
	Cancelled = "cancelled"
	Lapsed    = "lapsed" // a hold nobody confirmed in time
)

// Statuses lists every status, for filters and the API document.
var Statuses = []string{Held, Confirmed, Cancelled, Lapsed}

// Live reports whether a booking in status s holds its slot.
func Live(s string) bool { return s == Held || s == Confirmed }

// HoldFor is how long a hold waits for the provider before it lapses.
const HoldFor = 48 * time.Hour

// MaxLength is the longest single booking; longer use is several bookings.
const MaxLength = 24 * time.Hour

// MaxAhead is how far ahead a venue can be booked.
const MaxAhead = 366 * 24 * time.Hour

// Venue is what the rules need to know of the resource booked.
type Venue struct {
	Kind     string
	Status   string
	Capacity int
	Windows  string // weekly availability (week.Parse); empty: any time
	From     string // YYYY-MM-DD, first day it is available; empty: no start
	Until    string // YYYY-MM-DD, last day; empty: no end
}

// Check decides whether [start, end) can be booked on v at now with
// attendees people: malformed input is EINVALID (400) naming its fields; a
// well-formed slot the venue does not offer is EUNAVAILABLE (422). Times
// are read to the minute.
func Check(v Venue, start, end, now time.Time, attendees int) error {
	var details []errs.Detail
	if v.Kind != "venue" {
		details = append(details, errs.D("resource_id", "only venues are booked by time slot; this resource is %s", v.Kind))
	}
	switch {
	case start.IsZero():
		details = append(details, errs.D("start", "give the start time"))
	case end.IsZero():
		details = append(details, errs.D("end", "give the end time"))
	case !end.After(start):
		details = append(details, errs.D("end", "the end must be after the start"))
	case end.Sub(start) > MaxLength:
		details = append(details, errs.D("end", "a booking is at most 24 hours; book longer use as several bookings"))
	case end.Sub(start) < 15*time.Minute:
		details = append(details, errs.D("end", "a booking is at least 15 minutes"))
	}
	if !start.IsZero() && !start.After(now) {
		details = append(details, errs.D("start", "the start has passed; choose a time to come"))
	} else if start.Sub(now) > MaxAhead {
		details = append(details, errs.D("start", "a venue is booked at most a year ahead"))
	}
	if attendees < 0 {
		details = append(details, errs.D("attendees", "the number of people cannot be negative"))
	} else if v.Capacity > 0 && attendees > v.Capacity {
		details = append(details, errs.D("attendees", "the venue holds %d people, fewer than %d", v.Capacity, attendees))
	}
	if len(details) > 0 {
		return errs.Fields(details)
	}
	if v.Status != "active" {
		return errs.New(errs.EUNAVAILABLE, "the venue is paused or retired and takes no bookings")
	}
	day := func(t time.Time) string { return t.In(clock.Shanghai).Format(time.DateOnly) }
	if v.From != "" && day(start) < v.From {
		return errs.New(errs.EUNAVAILABLE, "the venue is available from %s", v.From)
	}
	if v.Until != "" && day(end.Add(-time.Minute)) > v.Until {
		return errs.New(errs.EUNAVAILABLE, "the venue is available until %s", v.Until)
	}
	w, err := week.Parse("windows", v.Windows)
	if err != nil {
		return errs.Wrap(err, "venue windows")
	}
	if !w.Contains(start, end, clock.Shanghai) {
		return errs.New(errs.EUNAVAILABLE, "the venue is open %s; the time asked lies outside it", v.Windows)
	}
	return nil
}

// HoldUntil is when a hold made at now for a slot starting at start
// lapses: after HoldFor, and no later than the slot itself.
func HoldUntil(now, start time.Time) time.Time {
	if t := now.Add(HoldFor); t.Before(start) {
		return t
	}
	return start
}

// Move decides whether a booking in status from may take action
// (confirm, cancel, lapse), and returns the status it goes to.
func Move(from, action string) (string, error) {
	switch {
	case action == "confirm" && from == Held:
		return Confirmed, nil
	case action == "cancel" && Live(from):
		return Cancelled, nil
	case action == "lapse" && from == Held:
		return Lapsed, nil
	}
	// Messages without the status words, so they read whole in Chinese.
	if action == "cancel" {
		return "", errs.New(errs.ECONFLICT, "the booking was cancelled or lapsed already")
	}
	return "", errs.New(errs.ECONFLICT, "only a booking waiting for confirmation can be confirmed")
}
