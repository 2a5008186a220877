package demand_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// shanghai is a wall-clock time in Asia/Shanghai.
func shanghai(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, clock.Shanghai)
}

func calendar2026(t testing.TB) *demand.Calendar {
	t.Helper()
	c, err := demand.NewCalendar(demand.Calendar2026())
	if err != nil {
		t.Fatalf("NewCalendar(Calendar2026()): %v", err)
	}
	return c
}

func TestIsWorkday(t *testing.T) {
	cal := calendar2026(t)
	tests := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"plain Tuesday", shanghai(2026, 3, 10, 10, 0), true},
		{"plain Saturday", shanghai(2026, 3, 7, 10, 0), false},
		{"plain Sunday", shanghai(2026, 3, 8, 10, 0), false},
		{"元旦 on a Thursday", shanghai(2026, 1, 1, 10, 0), false},
		{"元旦 make-up Sunday", shanghai(2026, 1, 4, 10, 0), true},
		{"春节 make-up Saturday before", shanghai(2026, 2, 14, 10, 0), true},
		{"春节 Monday", shanghai(2026, 2, 16, 10, 0), false},
		{"春节 last day, a Monday", shanghai(2026, 2, 23, 23, 59), false},
		{"after 春节", shanghai(2026, 2, 24, 0, 0), true},
		{"春节 make-up Saturday after", shanghai(2026, 2, 28, 10, 0), true},
		{"清明 Monday", shanghai(2026, 4, 6, 10, 0), false},
		{"劳动节 Tuesday", shanghai(2026, 5, 5, 10, 0), false},
		{"劳动节 make-up Saturday", shanghai(2026, 5, 9, 10, 0), true},
		{"端午 Friday", shanghai(2026, 6, 19, 10, 0), false},
		{"中秋 Friday", shanghai(2026, 9, 25, 10, 0), false},
		{"国庆 make-up Sunday", shanghai(2026, 9, 20, 10, 0), true},
		{"国庆 Wednesday", shanghai(2026, 10, 7, 10, 0), false},
		{"after 国庆", shanghai(2026, 10, 8, 10, 0), true},
		{"国庆 make-up Saturday", shanghai(2026, 10, 10, 10, 0), true},
		// 2026-09-30 16:30 UTC is already 1 October in Shanghai.
		{"UTC evening that is 国庆 in Shanghai", time.Date(2026, 9, 30, 16, 30, 0, 0, time.UTC), false},
		{"UTC afternoon still 30 September", time.Date(2026, 9, 30, 15, 59, 0, 0, time.UTC), true},
		{"outside the calendar's year: weekday", shanghai(2027, 10, 1, 10, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cal.IsWorkday(tt.at); got != tt.want {
				t.Errorf("IsWorkday(%s) = %v, want %v", tt.at, got, tt.want)
			}
		})
	}
	var none *demand.Calendar
	if !none.IsWorkday(shanghai(2026, 10, 1, 10, 0)) || none.IsWorkday(shanghai(2026, 10, 10, 10, 0)) {
		t.Error("a nil calendar must count Mon–Fri only")
	}
}

func TestAddWorkdays(t *testing.T) {
	cal := calendar2026(t)
	tests := []struct {
		name string
		cal  *demand.Calendar
		from time.Time
		n    int
		want time.Time
	}{
		{"Thursday to Friday", cal, shanghai(2026, 3, 5, 15, 0), 1, shanghai(2026, 3, 6, 15, 0)},
		{"Friday over the weekend", cal, shanghai(2026, 3, 6, 15, 0), 1, shanghai(2026, 3, 9, 15, 0)},
		{"Friday late evening", cal, shanghai(2026, 3, 6, 23, 59), 1, shanghai(2026, 3, 9, 23, 59)},
		{"Saturday: end of Monday", cal, shanghai(2026, 3, 7, 15, 0), 1, shanghai(2026, 3, 10, 0, 0)},
		{"Sunday night: end of Monday", cal, shanghai(2026, 3, 8, 23, 59), 1, shanghai(2026, 3, 10, 0, 0)},
		{"Monday midnight", cal, shanghai(2026, 3, 9, 0, 0), 1, shanghai(2026, 3, 10, 0, 0)},
		{"Saturday, 5 working days", cal, shanghai(2026, 3, 7, 9, 0), 5, shanghai(2026, 3, 14, 0, 0)},
		{"into 国庆", cal, shanghai(2026, 9, 30, 10, 0), 1, shanghai(2026, 10, 8, 10, 0)},
		{"across 国庆", cal, shanghai(2026, 9, 29, 10, 0), 2, shanghai(2026, 9, 30+8, 10, 0)},
		{"received during 国庆", cal, shanghai(2026, 10, 3, 12, 0), 1, shanghai(2026, 10, 9, 0, 0)},
		{"onto a make-up Saturday", cal, shanghai(2026, 10, 9, 9, 0), 1, shanghai(2026, 10, 10, 9, 0)},
		{"from a make-up Sunday", cal, shanghai(2026, 9, 20, 14, 0), 1, shanghai(2026, 9, 21, 14, 0)},
		{"Saturday before a make-up Sunday", cal, shanghai(2026, 9, 19, 14, 0), 1, shanghai(2026, 9, 21, 0, 0)},
		{"before 春节", cal, shanghai(2026, 2, 13, 17, 0), 1, shanghai(2026, 2, 14, 17, 0)},
		{"across 春节", cal, shanghai(2026, 2, 13, 17, 0), 2, shanghai(2026, 2, 24, 17, 0)},
		{"5wd across 劳动节", cal, shanghai(2026, 4, 30, 10, 0), 5, shanghai(2026, 5, 11, 10, 0)},
		{"new year from the year before", cal, shanghai(2025, 12, 31, 10, 0), 1, shanghai(2026, 1, 4, 10, 0)},
		{"nil calendar counts Mon–Fri", nil, shanghai(2026, 9, 30, 10, 0), 1, shanghai(2026, 10, 1, 10, 0)},
		{"zero days", cal, shanghai(2026, 10, 3, 12, 0), 0, shanghai(2026, 10, 3, 12, 0)},
		{"negative days", cal, shanghai(2026, 10, 3, 12, 0), -3, shanghai(2026, 10, 3, 12, 0)},
		{"UTC in, UTC out", cal, time.Date(2026, 9, 30, 16, 30, 0, 0, time.UTC), 1, time.Date(2026, 10, 8, 16, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.AddWorkdays(tt.from, tt.n)
			if !got.Equal(tt.want) {
				t.Errorf("AddWorkdays(%s, %d) = %s, want %s", tt.from, tt.n, got.In(clock.Shanghai), tt.want.In(clock.Shanghai))
			}
			if got.Location() != tt.from.Location() {
				t.Errorf("location = %s, want from's %s", got.Location(), tt.from.Location())
			}
		})
	}
}

// A later receipt never gets an earlier deadline, and every deadline leaves
// at least n working days' worth of time.
func TestAddWorkdaysMonotonic(t *testing.T) {
	cal := calendar2026(t)
	for _, n := range []int{1, 3, 5} {
		var prev time.Time
		for at := shanghai(2025, 12, 20, 0, 0); at.Before(shanghai(2027, 1, 10, 0, 0)); at = at.Add(37 * time.Minute) {
			due := cal.AddWorkdays(at, n)
			if due.Before(prev) {
				t.Fatalf("n=%d: AddWorkdays(%s) = %s, before the previous deadline %s", n, at, due, prev)
			}
			if due.Sub(at) < time.Duration(n)*24*time.Hour {
				t.Fatalf("n=%d: AddWorkdays(%s) = %s, less than %d days later", n, at, due, n)
			}
			prev = due
		}
	}
}

func TestCalendar2026(t *testing.T) {
	days := demand.Calendar2026()
	cal := calendar2026(t)
	kinds := map[string]int{}
	for _, d := range days {
		kinds[d.Kind]++
		if d.Name == "" {
			t.Errorf("%s has no name", d.Date)
		}
		wd := mustParse(t, d.Date).Weekday()
		if d.Kind == demand.KindWorkday && wd != time.Saturday && wd != time.Sunday {
			t.Errorf("make-up workday %s is a %s", d.Date, wd)
		}
	}
	// 元旦 3 + 春节 9 + 清明 3 + 劳动节 5 + 端午 3 + 中秋 3 + 国庆 7 days off; 6 make-up days.
	if kinds[demand.KindHoliday] != 33 || kinds[demand.KindWorkday] != 6 {
		t.Errorf("kinds = %v, want 33 holidays and 6 workdays", kinds)
	}
	// The notice gives weekdays; they pin the dates down.
	for date, want := range map[string]time.Weekday{
		"2026-01-01": time.Thursday, "2026-01-03": time.Saturday, "2026-01-04": time.Sunday,
		"2026-02-14": time.Saturday, "2026-02-15": time.Sunday, "2026-02-23": time.Monday, "2026-02-28": time.Saturday,
		"2026-04-04": time.Saturday, "2026-04-06": time.Monday,
		"2026-05-01": time.Friday, "2026-05-05": time.Tuesday, "2026-05-09": time.Saturday,
		"2026-06-19": time.Friday, "2026-06-21": time.Sunday, "2026-09-25": time.Friday, "2026-09-27": time.Sunday,
		"2026-09-20": time.Sunday, "2026-10-01": time.Thursday, "2026-10-07": time.Wednesday, "2026-10-10": time.Saturday,
	} {
		if got := mustParse(t, date).Weekday(); got != want {
			t.Errorf("%s is a %s, the notice says %s", date, got, want)
		}
	}
	// 261 weekdays − 19 holidays on weekdays + 6 make-up days.
	n := 0
	for d := shanghai(2026, 1, 1, 12, 0); d.Year() == 2026; d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(d) {
			n++
		}
	}
	if n != 248 {
		t.Errorf("2026 has %d working days, want 248", n)
	}
}

func mustParse(t *testing.T, date string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewCalendarInvalid(t *testing.T) {
	tests := []struct {
		name  string
		days  []demand.CalendarDay
		field string
		says  string
	}{
		{"month 13", []demand.CalendarDay{{Date: "2026-13-01", Kind: "holiday"}}, "date", "2026-13-01"},
		{"slashes", []demand.CalendarDay{{Date: "2026/10/01", Kind: "holiday"}}, "date", "2026/10/01"},
		{"empty date", []demand.CalendarDay{{Date: "", Kind: "holiday"}}, "date", "YYYY-MM-DD"},
		{"unknown kind", []demand.CalendarDay{{Date: "2026-10-01", Kind: "off"}}, "kind", "2026-10-01"},
		{"Chinese kind is for CSV only", []demand.CalendarDay{{Date: "2026-10-01", Kind: "节假日"}}, "kind", "2026-10-01"},
		{"twice", []demand.CalendarDay{{Date: "2026-10-01", Kind: "holiday"}, {Date: "2026-10-01", Kind: "workday"}}, "date", "2026-10-01"},
		{"long name", []demand.CalendarDay{{Date: "2026-10-01", Kind: "holiday", Name: strings.Repeat("节", 65)}}, "name", "2026-10-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := demand.NewCalendar(tt.days)
			if c != nil || errs.Code(err) != errs.EINVALID {
				t.Fatalf("NewCalendar = %v, %v; want EINVALID", c, err)
			}
			ds := errs.DetailsOf(err)
			if len(ds) != 1 || ds[0].Field != tt.field || !strings.Contains(ds[0].Message, tt.says) {
				t.Errorf("details = %+v, want one on %s saying %q", ds, tt.field, tt.says)
			}
		})
	}
	// Every bad day is reported, not just the first.
	_, err := demand.NewCalendar([]demand.CalendarDay{{Date: "x", Kind: "holiday"}, {Date: "2026-10-01", Kind: "holiday"}, {Date: "2026-10-02", Kind: "y"}})
	if ds := errs.DetailsOf(err); len(ds) != 2 {
		t.Errorf("details = %+v, want 2", ds)
	}
	if c, err := demand.NewCalendar(nil); err != nil || !c.IsWorkday(shanghai(2026, 10, 1, 10, 0)) {
		t.Errorf("NewCalendar(nil) = %v, %v; want a Mon–Fri calendar", c, err)
	}
}

func TestParseCalendarCSV(t *testing.T) {
	tests := []struct {
		name string
		csv  string
		want []demand.CalendarDay
	}{
		{"English header", "date,kind,name\n2026-10-01,holiday,国庆节\n2026-10-10,workday,国庆节调休上班\n",
			[]demand.CalendarDay{{"2026-10-01", "holiday", "国庆节"}, {"2026-10-10", "workday", "国庆节调休上班"}}},
		{"Chinese header, BOM, CRLF, spreadsheet dates", "\ufeff日期,类型,名称\r\n2026/10/1,节假日,国庆节\r\n2026年10月10日,调休上班,\r\n",
			[]demand.CalendarDay{{"2026-10-01", "holiday", "国庆节"}, {"2026-10-10", "workday", ""}}},
		{"columns in any order, extra columns, spaces", "名称, 备注 ,类型,日期\n 国庆节 ,x, 放假 ,2026.10.2\n,,补班, 2026-9-20\n",
			[]demand.CalendarDay{{"2026-10-02", "holiday", "国庆节"}, {"2026-09-20", "workday", ""}}},
		{"no name column, upper-case kind", "DATE,Kind\n2026-01-01,HOLIDAY\n",
			[]demand.CalendarDay{{"2026-01-01", "holiday", ""}}},
		{"blank rows skipped", "date,kind,name\n\n2026-01-01,holiday,元旦\n,,\n",
			[]demand.CalendarDay{{"2026-01-01", "holiday", "元旦"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := demand.ParseCalendarCSV(strings.NewReader(tt.csv))
			if err != nil {
				t.Fatalf("ParseCalendarCSV: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("day %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if _, err := demand.NewCalendar(got); err != nil {
				t.Errorf("NewCalendar of parsed days: %v", err)
			}
		})
	}
}

func TestParseCalendarCSVInvalid(t *testing.T) {
	type cell struct {
		row         int
		column, key string
		says        string
	}
	tests := []struct {
		name string
		csv  string
		code string
		want []cell
	}{
		{"every bad row reported", "date,kind,name\n" +
			"2026-10-01,holiday,国庆节\n" + // row 2
			"2026-02-30,holiday,x\n" + // row 3: no such day
			"2026-10-02,off,国庆节\n" + // row 4: unknown kind
			"\n" + // row 5: blank
			",holiday,\n" + // row 6: no date
			"2026-10-01,holiday,dup\n" + // row 7: twice
			"2026-10-03,holiday," + strings.Repeat("长", 65) + "\n", // row 8
			errs.EINVALID, []cell{
				{3, "date", "date", "2026-02-30"}, {4, "kind", "kind", "off"}, {6, "date", "date", "required"},
				{7, "date", "date", "row 2"}, {8, "name", "name", "64"},
			}},
		{"Chinese columns named as in the file", "日期,类型\n2026-10-01,休息\n10/01/2026,节假日\n",
			errs.EINVALID, []cell{{2, "类型", "kind", "休息"}, {3, "日期", "date", "10/01/2026"}}},
		{"a quoted line break is one row", "date,kind,name\n2026-10-01,holiday,\"国庆\n节\"\n2026-10-02,nope,\n",
			errs.EINVALID, []cell{{3, "kind", "kind", "nope"}}},
		{"missing columns", "日期,名称\n2026-10-01,国庆节\n", errs.EINVALID, []cell{{1, "类型", "kind", "missing column"}}},
		{"no header at all", "2026-10-01,holiday,国庆节\n", errs.EINVALID, []cell{{1, "日期", "date", "missing column"}, {1, "类型", "kind", "missing column"}}},
		{"column twice", "date,kind,日期\n2026-10-01,holiday,2026-10-02\n", errs.EINVALID, []cell{{1, "日期", "date", "twice"}}},
		{"broken quoting", "date,kind,name\n2026-10-01,holiday,\"国庆\"节\n", errs.EINVALID, []cell{{2, "", "file", "quote"}}},
		{"empty file", "", errs.EINVALID, []cell{{0, "", "file", "empty"}}},
		{"header only", "date,kind,name\n", errs.EINVALID, []cell{{0, "", "file", "no days"}}},
		{"GBK, not UTF-8", "date,kind,name\n2026-10-01,holiday,\xb9\xfa\xc7\xec\n", errs.EINVALID, []cell{{0, "", "file", "UTF-8"}}},
		{"too large", "date,kind,name\n" + strings.Repeat("2026-10-01,holiday,国庆节\n", 50000), errs.ETOOLARGE, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, err := demand.ParseCalendarCSV(strings.NewReader(tt.csv))
			if days != nil || errs.Code(err) != tt.code {
				t.Fatalf("ParseCalendarCSV = %v, %v; want %s", days, err, tt.code)
			}
			ds := errs.DetailsOf(err)
			if len(ds) != len(tt.want) {
				t.Fatalf("details = %+v, want %d", ds, len(tt.want))
			}
			for i, w := range tt.want {
				d := ds[i]
				if d.Row != w.row || d.Column != w.column || d.Field != w.key || !strings.Contains(d.Message, w.says) {
					t.Errorf("detail %d = %+v, want row %d column %q field %q saying %q", i, d, w.row, w.column, w.key, w.says)
				}
			}
		})
	}
	if _, err := demand.ParseCalendarCSV(iotest.ErrReader(errors.New("disk gone"))); errs.Code(err) != errs.EINTERNAL {
		t.Errorf("read error = %v, want EINTERNAL", err)
	}
}

func TestNationalCalendar(t *testing.T) {
	for year, want := range map[int][2]int{2025: {28, 5}, 2026: {33, 6}, 2024: {}, 2027: {}} {
		days := demand.NationalCalendar(year)
		if want == [2]int{} {
			if days != nil {
				t.Errorf("%d: %d days, want none shipped", year, len(days))
			}
			continue
		}
		if _, err := demand.NewCalendar(days); err != nil {
			t.Errorf("%d: %v", year, err)
		}
		var got [2]int
		for _, d := range days {
			wd := mustParse(t, d.Date).Weekday()
			switch {
			case !strings.HasPrefix(d.Date, strconv.Itoa(year)+"-"):
				t.Errorf("%d: %s is another year", year, d.Date)
			case d.Kind == demand.KindHoliday:
				got[0]++
			case wd == time.Saturday || wd == time.Sunday:
				got[1]++
			default:
				t.Errorf("%d: make-up workday %s is a %s", year, d.Date, wd)
			}
		}
		if got != want {
			t.Errorf("%d: %v holidays and workdays, want %v", year, got, want)
		}
	}
}
