// Package week holds weekly time windows: when a resource is available
// (night parking 19:00–07:00 on workdays, a hall on Saturday mornings) and
// when a need arises (evenings on workdays). A window set is written as
// people say it, "1-5 19:00-07:00; 6 08:00-12:00", and held as spans of
// minutes since Monday 00:00, so overlap and containment are plain
// arithmetic. Pure functions, no database.
package week

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/errs"
)

// Minutes in a week; a span never reaches past it (a window that crosses
// Sunday midnight is two spans).
const Minutes = 7 * 24 * 60

// Span is [From, To) in minutes since Monday 00:00 local time.
type Span struct{ From, To int }

// Windows is a set of spans, sorted, not overlapping.
type Windows []Span

// rule is one clause as written: days, and a daily time range.
type rule struct {
	days       []int // 1 = Monday … 7 = Sunday
	start, end int   // minutes since midnight; end <= start crosses midnight
}

// Parse reads "1-5 19:00-07:00; 6,7 08:00-12:00" (days 1 = Monday … 7 =
// Sunday, ranges and lists; a time range ending at or before its start runs
// past midnight; "24:00" ends a day). Empty text is no windows. Clauses that
// overlap each other are an error, naming the field.
func Parse(field, text string) (Windows, error) {
	var spans []Span
	for i, clause := range strings.FieldsFunc(text, func(r rune) bool { return r == ';' || r == '；' || r == '\n' }) {
		clause = strings.TrimSpace(clause)
		if clause == "" {
			continue
		}
		r, format := parseRule(clause)
		if format != "" {
			return nil, errs.Invalid(field, format, i+1, clause)
		}
		spans = append(spans, r.spans()...)
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.From - b.From })
	for i := 1; i < len(spans); i++ {
		if spans[i].From < spans[i-1].To {
			return nil, errs.Invalid(field, "time windows overlap at %s: write each time once", label(spans[i].From))
		}
	}
	return Windows(spans), nil
}

// parseRule reads one clause, or returns the message format (taking the
// clause's number and text) of what is wrong with it.
func parseRule(clause string) (rule, string) {
	f := strings.Fields(clause)
	if len(f) != 2 {
		return rule{}, "time window %d (%q): write days then times, such as 1-5 19:00-07:00"
	}
	days, ok := parseDays(f[0])
	if !ok {
		return rule{}, "time window %d (%q): days are 1 (Monday) to 7 (Sunday), such as 1-5 or 6,7"
	}
	from, to, ok := strings.Cut(f[1], "-")
	start, ok1 := parseClock(from)
	end, ok2 := parseClock(to)
	if !ok || !ok1 || !ok2 {
		return rule{}, "time window %d (%q): write the times as 08:00-12:00"
	}
	if start == 24*60 {
		return rule{}, "time window %d (%q): a window cannot start at 24:00"
	}
	return rule{days: days, start: start, end: end}, ""
}

func parseDays(s string) ([]int, bool) {
	var out []int
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err1 := strconv.Atoi(lo)
		b := a
		var err2 error
		if isRange {
			b, err2 = strconv.Atoi(hi)
		}
		if err1 != nil || err2 != nil || a < 1 || b > 7 || a > b {
			return nil, false
		}
		for d := a; d <= b; d++ {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out, true
}

func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(s, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// spans turns a rule into week spans, splitting at Sunday midnight.
func (r rule) spans() []Span {
	var out []Span
	for _, d := range r.days {
		from := (d-1)*24*60 + r.start
		length := r.end - r.start
		if length <= 0 {
			length += 24 * 60
		}
		to := from + length
		if to <= Minutes {
			out = append(out, Span{from, to})
		} else {
			out = append(out, Span{from, Minutes}, Span{0, to - Minutes})
		}
	}
	return out
}

// Minutes is how many minutes of the week the windows cover.
func (w Windows) Minutes() int {
	n := 0
	for _, s := range w {
		n += s.To - s.From
	}
	return n
}

// Overlap is how many minutes a week both window sets share. An empty set
// means "any time": it overlaps the other set wholly.
func Overlap(a, b Windows) int {
	if len(a) == 0 && len(b) == 0 {
		return Minutes
	}
	if len(a) == 0 {
		return b.Minutes()
	}
	if len(b) == 0 {
		return a.Minutes()
	}
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		lo, hi := max(a[i].From, b[j].From), min(a[i].To, b[j].To)
		if hi > lo {
			n += hi - lo
		}
		if a[i].To < b[j].To {
			i++
		} else {
			j++
		}
	}
	return n
}

// Monday is 00:00 on the Monday of the week holding t, in loc.
func Monday(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// Of returns t's minute of the week in loc.
func Of(t time.Time, loc *time.Location) int {
	t = t.In(loc)
	day := (int(t.Weekday()) + 6) % 7 // Monday = 0
	return day*24*60 + t.Hour()*60 + t.Minute()
}

// Contains reports whether [start, end) lies inside the windows, as local
// time in loc; an empty set contains everything, a range longer than a week
// nothing. Spans that touch (a window running past Sunday midnight) count
// as one.
func (w Windows) Contains(start, end time.Time, loc *time.Location) bool {
	if !end.After(start) {
		return false
	}
	if len(w) == 0 {
		return true
	}
	from := start.Truncate(time.Minute)
	length := int((end.Sub(from) + time.Minute - 1) / time.Minute)
	return length <= Minutes && w.covers(Of(from, loc), length)
}

// covers: are the length minutes from minute from (wrapping) all inside?
func (w Windows) covers(from, length int) bool {
	for length > 0 {
		i := slices.IndexFunc(w, func(s Span) bool { return s.From <= from && from < s.To })
		if i < 0 {
			return false
		}
		step := min(length, w[i].To-from)
		length -= step
		from = (from + step) % Minutes
	}
	return true
}

// String writes the windows back as clauses Parse reads, one per span
// ("1 19:00-07:00; 2 19:00-07:00").
func (w Windows) String() string {
	parts := make([]string, len(w))
	for i, s := range w {
		day := s.From / (24 * 60)
		parts[i] = fmt.Sprintf("%d %s-%s", day+1, clock(s.From-day*24*60), clock(s.To-day*24*60))
	}
	return strings.Join(parts, "; ")
}

// clock writes minutes since a day's midnight as HH:MM, past midnight wrapping
// (a span from 19:00 ending 07:00 the next day), a whole day as 24:00.
func clock(m int) string {
	if m == 24*60 {
		return "24:00"
	}
	m %= 24 * 60
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}

// label names a week minute for messages: "day 1 19:00".
func label(m int) string {
	day := m / (24 * 60)
	return fmt.Sprintf("day %d %s", day+1, clock(m-day*24*60))
}
