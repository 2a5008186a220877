package demand

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

// Day kinds of a CalendarDay.
const (
	KindHoliday = "holiday" // 节假日: a day off, even on a weekday
	KindWorkday = "workday" // 调休上班: a working day, even on a weekend
)

const (
	dateLayout       = "2006-01-02"
	maxDayName       = 64      // runes in a CalendarDay name
	maxCalendarBytes = 1 << 20 // a year's calendar is about 1 KiB
	maxCalendarNotes = 1000    // details reported for one bad file
)

// Calendar knows which dates are working days (工作日历) in Asia/Shanghai:
// holidays are off, make-up working days (调休上班) are on, and every other
// date is a working day from Monday to Friday. A nil *Calendar has no
// holidays, so a rule that forgot to load one still counts Mon–Fri.
type Calendar struct {
	days map[int64]string // civil day number → KindHoliday or KindWorkday
}

// CalendarDay is one exception to the Mon–Fri week: a public holiday (节假日)
// or a weekend day worked in exchange (调休上班), as published each year.
type CalendarDay struct {
	Date string `json:"date"` // 2026-10-01, in Asia/Shanghai
	Kind string `json:"kind"` // KindHoliday or KindWorkday
	Name string `json:"name"` // 国庆节
}

// NewCalendar builds a calendar from its exception days. Every bad entry —
// an unreadable date, an unknown kind, a date listed twice — is reported as
// an EINVALID detail naming the date.
func NewCalendar(days []CalendarDay) (*Calendar, error) {
	c := &Calendar{days: make(map[int64]string, len(days))}
	var bad []errs.Detail
	for i, d := range days {
		t, err := time.Parse(dateLayout, d.Date)
		if err != nil {
			bad = append(bad, errs.D("date", "day %d: date %q must be YYYY-MM-DD", i+1, d.Date))
			continue
		}
		if d.Kind != KindHoliday && d.Kind != KindWorkday {
			bad = append(bad, errs.D("kind", "%s: kind %q must be holiday or workday", d.Date, d.Kind))
			continue
		}
		if utf8.RuneCountInString(d.Name) > maxDayName {
			bad = append(bad, errs.D("name", "%s: name must be at most %d characters", d.Date, maxDayName))
			continue
		}
		dn := dayNumber(t.Date())
		if _, dup := c.days[dn]; dup {
			bad = append(bad, errs.D("date", "%s is listed twice", d.Date))
			continue
		}
		c.days[dn] = d.Kind
	}
	if len(bad) > 0 {
		return nil, errs.Fields(bad)
	}
	return c, nil
}

// IsWorkday reports whether t falls on a working day in Asia/Shanghai:
// holidays are off, make-up working days are on, otherwise Monday to Friday.
func (c *Calendar) IsWorkday(t time.Time) bool {
	return c.isWorkday(dayNumber(t.In(clock.Shanghai).Date()))
}

// AddWorkdays returns the deadline n working days after from, for limits
// such as 5wd (5个工作日). The clock runs only on working days, 24 hours each:
//
//   - from on a working day: the same Asia/Shanghai wall-clock time on the
//     n-th following working day (Thu 15:00 + 1 → Fri 15:00; Fri 15:00 + 1
//     → Mon 15:00);
//   - from on a weekend or holiday: counting starts at 00:00 of the next
//     working day, which is the first of the n, and the deadline is the end
//     of the n-th, written as 00:00 of the next date (Sat 15:00 + 1 → Tue
//     00:00, i.e. the end of Monday).
//
// So a demand received on a day off gets n whole working days, and a later
// receipt never gets an earlier deadline. n ≤ 0 returns from. The result is
// in from's location.
func (c *Calendar) AddWorkdays(from time.Time, n int) time.Time {
	if n <= 0 {
		return from
	}
	t := from.In(clock.Shanghai)
	start := dayNumber(t.Date())
	dn := start
	for left := n; left > 0; {
		dn++
		if c.isWorkday(dn) {
			left--
		}
	}
	var due time.Time
	if c.isWorkday(start) {
		due = time.Date(1970, 1, 1+int(dn), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), clock.Shanghai)
	} else {
		due = time.Date(1970, 1, 2+int(dn), 0, 0, 0, 0, clock.Shanghai)
	}
	return due.In(from.Location())
}

func (c *Calendar) isWorkday(dn int64) bool {
	if c != nil {
		switch c.days[dn] {
		case KindHoliday:
			return false
		case KindWorkday:
			return true
		}
	}
	wd := ((dn % 7) + 7 + 4) % 7 // 1970-01-01 was a Thursday (4); Sunday is 0
	return wd != 0 && wd != 6
}

// dayNumber counts civil days since 1970-01-01, so dates compare and step as integers.
func dayNumber(y int, m time.Month, d int) int64 {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// calendarColumns maps accepted header names (English or Chinese) to keys.
var calendarColumns = map[string]string{
	"date": "date", "日期": "date",
	"kind": "kind", "类型": "kind",
	"name": "name", "名称": "name",
}

// calendarKinds maps the words people write in the kind column to a kind.
var calendarKinds = map[string]string{
	"holiday": KindHoliday, "节假日": KindHoliday, "假日": KindHoliday, "放假": KindHoliday, "休": KindHoliday,
	"workday": KindWorkday, "调休上班": KindWorkday, "上班": KindWorkday, "补班": KindWorkday, "班": KindWorkday,
}

// ParseCalendarCSV reads a year's holidays and make-up working days (节假日与
// 调休安排) from CSV with a header row date,kind,name (or 日期,类型,名称, in any
// order; name may be left out, other columns are ignored). Kind is holiday/
// 节假日 or workday/调休上班 (also 放假, 上班, 补班); dates may be written
// 2026-10-01, 2026/10/1 or 2026年10月1日, as spreadsheets reformat them.
// Every bad row is reported at once as an EINVALID detail carrying its row
// (header = 1) and column, so the admin fixes the file in one go.
func ParseCalendarCSV(r io.Reader) ([]CalendarDay, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCalendarBytes+1))
	if err != nil {
		return nil, errs.Wrap(err, "read calendar csv")
	}
	if len(data) > maxCalendarBytes {
		return nil, errs.New(errs.ETOOLARGE, "the calendar file is larger than %d KiB", maxCalendarBytes>>10)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, errs.Invalid("file", "the file is not UTF-8 text; in Excel save it as \"CSV UTF-8\"")
	}
	rows, err := csvRows(data)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, errs.Invalid("file", "the file is empty; the first row must be the header date,kind,name")
	}
	p := calendarParse{header: rows[0].cells, cols: map[string]int{}}
	if err := p.mapHeader(rows[0].n); err != nil {
		return nil, err
	}
	seen := map[string]int{} // date → row
	var out []CalendarDay
	for _, row := range rows[1:] {
		if blank(row.cells) {
			continue
		}
		day, ok := p.day(row)
		if !ok {
			continue
		}
		if at, dup := seen[day.Date]; dup {
			p.bad(row.n, "date", "%s is already on row %d", day.Date, at)
			continue
		}
		seen[day.Date] = row.n
		out = append(out, day)
	}
	if len(p.notes) == 0 && len(out) == 0 {
		return nil, errs.Invalid("file", "the file has a header but no days")
	}
	if len(p.notes) > 0 {
		return nil, p.err()
	}
	return out, nil
}

// csvRow is one record and its spreadsheet row number.
type csvRow struct {
	n     int
	cells []string
}

// csvRows splits data into records. A spreadsheet shows blank lines as rows
// and a quoted line break as one cell, so row numbers follow the lines
// where records start, not the record count.
func csvRows(data []byte) ([]csvRow, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out []csvRow
	row, lastLine := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			at := row + pe.StartLine - lastLine
			d := errs.D("file", "%v", pe.Err)
			d.Row = at
			return nil, &errs.Error{Code: errs.EINVALID, Message: fmt.Sprintf("row %d: %v", at, pe.Err),
				Details: []errs.Detail{d}, Format: "row %d: %v", Args: []any{at, pe.Err}}
		} else if err != nil {
			return nil, errs.Wrap(err, "read calendar csv")
		}
		start, _ := r.FieldPos(0)
		row += start - lastLine
		end, _ := r.FieldPos(len(rec) - 1)
		lastLine = end + strings.Count(rec[len(rec)-1], "\n")
		out = append(out, csvRow{n: row, cells: rec})
	}
}

// calendarParse collects the problems of one ParseCalendarCSV call.
type calendarParse struct {
	header []string
	cols   map[string]int // column key → index
	notes  []errs.Detail
}

func (p *calendarParse) mapHeader(row int) error {
	for i, h := range p.header {
		k := calendarColumns[strings.ToLower(strings.TrimSpace(h))]
		if k == "" {
			continue
		}
		if _, dup := p.cols[k]; dup {
			p.note(row, strings.TrimSpace(h), k, "column appears twice")
			continue
		}
		p.cols[k] = i
	}
	for _, c := range []struct{ key, label string }{{"date", "日期"}, {"kind", "类型"}} {
		if _, ok := p.cols[c.key]; !ok {
			p.note(row, c.label, c.key, "missing column %s (%s)", c.label, c.key)
		}
	}
	if len(p.notes) > 0 {
		return p.err()
	}
	return nil
}

// day validates one data row; problems are noted and ok is false.
func (p *calendarParse) day(row csvRow) (CalendarDay, bool) {
	cell := func(key string) string {
		i, ok := p.cols[key]
		if !ok || i >= len(row.cells) {
			return ""
		}
		return strings.TrimSpace(strings.TrimPrefix(row.cells[i], "'"))
	}
	ok := true
	date, rawDate := "", cell("date")
	if rawDate == "" {
		p.bad(row.n, "date", "date is required")
		ok = false
	} else if date = normalDate(rawDate); date == "" {
		p.bad(row.n, "date", "date %q must be YYYY-MM-DD", rawDate)
		ok = false
	}
	rawKind := cell("kind")
	kind := calendarKinds[strings.ToLower(rawKind)]
	if kind == "" {
		p.bad(row.n, "kind", "kind %q must be 节假日 (holiday) or 调休上班 (workday)", rawKind)
		ok = false
	}
	name := cell("name")
	if utf8.RuneCountInString(name) > maxDayName {
		p.bad(row.n, "name", "name must be at most %d characters", maxDayName)
		ok = false
	}
	return CalendarDay{Date: date, Kind: kind, Name: name}, ok
}

// bad notes a problem in the cell of column key on row.
func (p *calendarParse) bad(row int, key, format string, args ...any) {
	p.note(row, strings.TrimSpace(p.header[p.cols[key]]), key, format, args...)
}

func (p *calendarParse) note(row int, column, key, format string, args ...any) {
	if len(p.notes) >= maxCalendarNotes {
		return
	}
	d := errs.D(key, format, args...)
	d.Row, d.Column = row, column
	p.notes = append(p.notes, d)
}

// err reports every problem, the first one in the message.
func (p *calendarParse) err() error {
	e := errs.Fields(p.notes)
	first := p.notes[0]
	e.Message = fmt.Sprintf("row %d, column %s: %s", first.Row, first.Column, first.Message)
	return e
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// normalDate turns 2026-10-01, 2026/10/1, 2026.10.1 or 2026年10月1日 into
// 2026-10-01, or returns "" when it is not a real date.
func normalDate(s string) string {
	s = strings.TrimSuffix(s, "日")
	s = strings.NewReplacer("年", "-", "月", "-", "/", "-", ".", "-").Replace(s)
	parts := strings.Split(s, "-")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) > 2 || len(parts[2]) > 2 {
		return ""
	}
	var n [3]int
	for i, part := range parts {
		v, err := strconv.Atoi(part)
		if err != nil || v < 0 || part == "" || part[0] == '+' {
			return ""
		}
		n[i] = v
	}
	t := time.Date(n[0], time.Month(n[1]), n[2], 0, 0, 0, 0, time.UTC)
	if t.Year() != n[0] || int(t.Month()) != n[1] || t.Day() != n[2] {
		return ""
	}
	return t.Format(dateLayout)
}

// NationalCalendar is the national schedule gongzhi ships for a year, or
// nil when it ships none; other years are imported as CSV.
func NationalCalendar(year int) []CalendarDay {
	switch year {
	case 2025:
		return Calendar2025()
	case 2026:
		return Calendar2026()
	}
	return nil
}

// Calendar2025 is the 2025 holiday and make-up working day schedule (2025年
// 部分节假日安排), the first under the revised national holiday rules
// (春节 and 劳动节 one day longer). The demo's year of demands reaches back
// into 2025, so its working-day limits need it.
func Calendar2025() []CalendarDay {
	var s schedule
	s.holiday("元旦", "2025-01-01", "2025-01-01")      // 周三，不调休
	s.holiday("春节", "2025-01-28", "2025-02-04")      // 除夕（周二）至正月初七（周二），共 8 天
	s.workday("春节", "2025-01-26", "2025-02-08")      // 周日、周六
	s.holiday("清明节", "2025-04-04", "2025-04-06")     // 周五至周日
	s.holiday("劳动节", "2025-05-01", "2025-05-05")     // 周四至周一，共 5 天
	s.workday("劳动节", "2025-04-27")                   // 周日
	s.holiday("端午节", "2025-05-31", "2025-06-02")     // 周六至周一
	s.holiday("国庆节、中秋节", "2025-10-01", "2025-10-08") // 周三至周三，共 8 天
	s.workday("国庆节、中秋节", "2025-09-28", "2025-10-11") // 周日、周六
	return s
}

// Calendar2026 is the 2026 holiday and make-up working day schedule (2026年
// 部分节假日安排) published by the General Office of the State Council on
// 2025-11-04 and checked against the Xinhua text of the notice.
func Calendar2026() []CalendarDay {
	var s schedule
	s.holiday("元旦", "2026-01-01", "2026-01-03") // 周四至周六
	s.workday("元旦", "2026-01-04")               // 周日
	s.holiday("春节", "2026-02-15", "2026-02-23") // 腊月二十八至正月初七, 9 days
	s.workday("春节", "2026-02-14", "2026-02-28") // 周六, 周六
	s.holiday("清明节", "2026-04-04", "2026-04-06")
	s.holiday("劳动节", "2026-05-01", "2026-05-05")
	s.workday("劳动节", "2026-05-09") // 周六
	s.holiday("端午节", "2026-06-19", "2026-06-21")
	s.holiday("中秋节", "2026-09-25", "2026-09-27")
	s.holiday("国庆节", "2026-10-01", "2026-10-07")
	s.workday("国庆节", "2026-09-20", "2026-10-10") // 周日, 周六
	return s
}

// schedule is a national schedule being written down, in the notice's order.
type schedule []CalendarDay

// holiday adds the days off from first to last, inclusive.
func (s *schedule) holiday(name, first, last string) {
	for d := mustDate(first); !d.After(mustDate(last)); d = d.AddDate(0, 0, 1) {
		*s = append(*s, CalendarDay{Date: d.Format(dateLayout), Kind: KindHoliday, Name: name})
	}
}

// workday adds the make-up working days (调休上班) of a holiday.
func (s *schedule) workday(name string, dates ...string) {
	for _, d := range dates {
		*s = append(*s, CalendarDay{Date: d, Kind: KindWorkday, Name: name + "调休上班"})
	}
}

func mustDate(s string) time.Time {
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}
