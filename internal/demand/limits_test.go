package demand_test

import (
	"strings"
	"testing"
	"time"

	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in     string
		want   demand.Limit
		String string
	}{
		{"45m", demand.Limit{Dur: 45 * time.Minute}, "45m"},
		{"2h", demand.Limit{Dur: 2 * time.Hour}, "2h"},
		{"1h30m", demand.Limit{Dur: 90 * time.Minute}, "1h30m"},
		{"90m", demand.Limit{Dur: 90 * time.Minute}, "1h30m"},
		{"1m", demand.Limit{Dur: time.Minute}, "1m"},
		{"90s", demand.Limit{Dur: 90 * time.Second}, "1m30s"},
		{"1h0m5s", demand.Limit{Dur: time.Hour + 5*time.Second}, "1h5s"},
		{"8760h", demand.Limit{Dur: 8760 * time.Hour}, "8760h"},
		{"5wd", demand.Limit{Workdays: 5}, "5wd"},
		{"1wd", demand.Limit{Workdays: 1}, "1wd"},
		{"05wd", demand.Limit{Workdays: 5}, "5wd"},
		{" 5WD ", demand.Limit{Workdays: 5}, "5wd"},
		{"250wd", demand.Limit{Workdays: 250}, "250wd"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := demand.ParseLimit(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("ParseLimit(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			if s := got.String(); s != tt.String {
				t.Errorf("String() = %q, want %q", s, tt.String)
			}
			if back, err := demand.ParseLimit(got.String()); err != nil || back != got {
				t.Errorf("ParseLimit(String()) = %+v, %v; want %+v", back, err, got)
			}
		})
	}
}

func TestParseLimitInvalid(t *testing.T) {
	tests := []struct {
		in   string
		says string // part of the message telling what to fix
	}{
		{"", "required"},
		{"   ", "required"},
		{"0", "positive"},
		{"0s", "positive"},
		{"0wd", "positive"},
		{"-5m", "positive"},
		{"-1wd", "positive"},
		{"5d", "use 5wd for working days or 120h"},
		{"1D", "use 1wd for working days or 24h"},
		{"1.5wd", "whole number"},
		{"+5wd", "whole number"},
		{"wd", "whole number"},
		{"5 wd", "whole number"},
		{"1000000wd", "at most 250wd"},
		{"251wd", "at most 250wd"},
		{"8761h", "over a year"},
		{"500ms", "whole seconds"},
		{"1.5s", "whole seconds"},
		{"abc", "45m"},
		{"5w", "45m"},
		{"2 h", "45m"},
		{"五天", "45m"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := demand.ParseLimit(tt.in)
			if errs.Code(err) != errs.EINVALID || got != (demand.Limit{}) {
				t.Fatalf("ParseLimit(%q) = %+v, %v; want EINVALID", tt.in, got, err)
			}
			ds := errs.DetailsOf(err)
			if len(ds) != 1 || ds[0].Field != "limit" || !strings.Contains(ds[0].Message, tt.says) {
				t.Errorf("details = %+v, want field limit saying %q", ds, tt.says)
			}
		})
	}
}

func TestLimitDue(t *testing.T) {
	cal := calendar2026(t)
	eve := shanghai(2026, 9, 30, 10, 0) // the day before 国庆
	tests := []struct {
		name  string
		limit demand.Limit
		cal   *demand.Calendar
		want  time.Time
	}{
		{"duration runs through holidays", demand.Limit{Dur: 48 * time.Hour}, cal, shanghai(2026, 10, 2, 10, 0)},
		{"minutes", demand.Limit{Dur: time.Minute}, cal, shanghai(2026, 9, 30, 10, 1)},
		{"working days skip 国庆", demand.Limit{Workdays: 1}, cal, shanghai(2026, 10, 8, 10, 0)},
		{"working days with a make-up Saturday", demand.Limit{Workdays: 3}, cal, shanghai(2026, 10, 10, 10, 0)},
		{"no calendar: Mon–Fri", demand.Limit{Workdays: 1}, nil, shanghai(2026, 10, 1, 10, 0)},
		{"zero limit", demand.Limit{}, cal, eve},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.limit.Due(eve, tt.cal); !got.Equal(tt.want) {
				t.Errorf("Due = %s, want %s", got, tt.want)
			}
		})
	}
	if s := (demand.Limit{}).String(); s != "" {
		t.Errorf("zero Limit String() = %q, want empty", s)
	}
}
