package demand

import (
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/errs"
)

const (
	maxLimitDur      = 365 * 24 * time.Hour
	maxLimitWorkdays = 250 // about a year of working days, matching maxLimitDur
)

// Limit is a category's contact or resolve limit (联系时限/办理时限): either a
// span of clock time (45m, 2h), which runs through nights and holidays like a
// hotline's first-contact promise, or whole working days (5wd), which skip
// weekends and holidays via the Calendar. Exactly one field is set; the zero
// Limit means no limit.
type Limit struct {
	Dur      time.Duration
	Workdays int
}

// ParseLimit reads a category's contact or resolve limit: a Go duration of
// whole seconds ("45m", "2h", "1h30m") or working days ("5wd"). It refuses empty,
// zero and negative limits, bare days ("5d" is ambiguous: 5wd or 120h?) and
// anything over a year (365 days or 250 working days), with an EINVALID
// error on field "limit" that says what to write instead.
func ParseLimit(s string) (Limit, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return Limit{}, errs.Invalid("limit", "a limit is required, e.g. 45m, 2h or 5wd")
	}
	if t[0] == '-' {
		return Limit{}, errs.Invalid("limit", "limit %q must be positive", s)
	}
	lower := strings.ToLower(t)
	if num, ok := strings.CutSuffix(lower, "wd"); ok {
		n, ok := digits(num)
		switch {
		case !ok:
			return Limit{}, errs.Invalid("limit", "limit %q: write working days as a whole number, e.g. 5wd", s)
		case n == 0:
			return Limit{}, errs.Invalid("limit", "limit %q must be positive", s)
		case n > maxLimitWorkdays:
			return Limit{}, errs.Invalid("limit", "limit %q is over a year; use at most %dwd", s, maxLimitWorkdays)
		}
		return Limit{Workdays: n}, nil
	}
	if num, ok := strings.CutSuffix(lower, "d"); ok {
		if n, ok := digits(num); ok {
			return Limit{}, errs.Invalid("limit", "limit %q: use %dwd for working days or %dh for calendar days", s, n, n*24)
		}
	}
	d, err := time.ParseDuration(t)
	switch {
	case err != nil:
		return Limit{}, errs.Invalid("limit", "limit %q: write a duration such as 45m or 2h, or working days such as 5wd", s)
	case d <= 0:
		return Limit{}, errs.Invalid("limit", "limit %q must be positive", s)
	case d%time.Second != 0:
		return Limit{}, errs.Invalid("limit", "limit %q: use whole seconds", s)
	case d > maxLimitDur:
		return Limit{}, errs.Invalid("limit", "limit %q is over a year; use at most %dwd or 8760h", s, maxLimitWorkdays)
	}
	return Limit{Dur: d}, nil
}

// digits parses a short run of ASCII digits; strconv.Atoi alone would take "+5".
func digits(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// String writes the limit as ParseLimit reads it, in its shortest form
// ("1h30m", not Go's "1h30m0s"), so stored and shown limits look as typed.
// The zero Limit is "".
func (l Limit) String() string {
	if l.Workdays > 0 {
		return strconv.Itoa(l.Workdays) + "wd"
	}
	if l.Dur <= 0 {
		return ""
	}
	var b []byte
	d := l.Dur
	for _, u := range []struct {
		unit time.Duration
		sym  byte
	}{{time.Hour, 'h'}, {time.Minute, 'm'}, {time.Second, 's'}} {
		if n := d / u.unit; n > 0 {
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, u.sym)
			d -= n * u.unit
		}
	}
	if d > 0 { // below a second: not produced by ParseLimit, kept exact anyway
		return l.Dur.String()
	}
	return string(b)
}

// Due is the deadline of a limit counted from from (受理时间): clock time is
// simply added; working days go through cal.AddWorkdays (a nil cal counts
// Mon–Fri). The zero Limit returns from.
func (l Limit) Due(from time.Time, cal *Calendar) time.Time {
	if l.Workdays > 0 {
		return cal.AddWorkdays(from, l.Workdays)
	}
	return from.Add(l.Dur)
}
