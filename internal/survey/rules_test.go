package survey_test

import (
	"math"
	"testing"
	"time"

	"gongzhi/internal/errs"
	"gongzhi/internal/survey"
)

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

// TestWilson holds the interval to values worked by hand from
// (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n), z = 1.96 — the first
// row is Newcombe's (1998) textbook example, 0.3968–0.8922.
func TestWilson(t *testing.T) {
	for _, c := range []struct {
		x, n        int
		val, lo, hi float64
		ok          bool
	}{
		{7, 10, 70, 39.68, 89.22, true},
		{0, 10, 0, 0, 27.75, true},
		{10, 10, 100, 72.25, 100, true},
		{1, 2, 50, 9.45, 90.55, true},
		{3, 5, 60, 23.07, 88.24, true},
		{40, 50, 80, 66.96, 88.76, true},
		{0, 0, 0, 0, 0, false},
		{3, 2, 0, 0, 0, false},
	} {
		got := survey.Wilson(c.x, c.n)
		if got.OK != c.ok || !near(got.Value, c.val) || !near(got.Lo, c.lo) || !near(got.Hi, c.hi) {
			t.Errorf("Wilson(%d, %d) = %+v, want %v [%v, %v]", c.x, c.n, got, c.val, c.lo, c.hi)
		}
	}
}

func TestT975(t *testing.T) {
	for _, c := range []struct {
		df   int
		want float64
	}{{1, 12.706}, {4, 2.776}, {30, 2.042}, {40, 2.021}, {60, 2.000}, {120, 1.980}, {100000, 1.960}} {
		if got := survey.T975(c.df); math.Abs(got-c.want) > 0.001 {
			t.Errorf("T975(%d) = %.4f, want %.3f", c.df, got, c.want)
		}
	}
}

func TestMeanT(t *testing.T) {
	for _, c := range []struct {
		name        string
		xs          []float64
		val, lo, hi float64
		ok          bool
	}{
		// mean 66.25, s = √(2312.5/4) = 24.044, half = 2.776 · 24.044/√5 = 29.85
		{"five residents", []float64{68.75, 100, 50, 37.5, 75}, 66.25, 36.40, 96.10, true},
		// mean 50, s = 0: the interval is the point
		{"all alike", []float64{50, 50, 50}, 50, 50, 50, true},
		// mean 87.5, s = 17.68, half = 12.706 · 12.5 = 158.8, clipped to 0–100
		{"two, clipped", []float64{75, 100}, 87.5, 0, 100, true},
		{"one: no interval", []float64{75}, 75, 0, 0, false},
		{"none", nil, 0, 0, 0, false},
	} {
		got := survey.MeanT(c.xs)
		if got.OK != c.ok || !near(got.Value, c.val) || !near(got.Lo, c.lo) || !near(got.Hi, c.hi) {
			t.Errorf("%s: MeanT = %+v, want %v [%v, %v]", c.name, got, c.val, c.lo, c.hi)
		}
	}
}

// fixture is five residents' answers worked by hand: aware (≥2 of 3 yes)
// are 1, 3, 5; took part (any) are 2, 3, 5; satisfaction on 0–100 is
// (sum of four items − 4) · 100/16 = 68.75, 100, 50, 37.5, 75.
func fixture() []survey.Answer {
	y, n := true, false
	return []survey.Answer{
		{AwareMembers: y, AwareOffice: y, AwareWork: n, SatService: 4, SatResponse: 4, SatLiving: 3, SatOverall: 4},
		{AwareMembers: y, PartActivity: y, SatService: 5, SatResponse: 5, SatLiving: 5, SatOverall: 5},
		{AwareMembers: y, AwareOffice: y, AwareWork: y, PartVote: y, SatService: 3, SatResponse: 3, SatLiving: 3, SatOverall: 3},
		{SatService: 2, SatResponse: 3, SatLiving: 2, SatOverall: 3},
		{AwareOffice: y, AwareWork: y, PartMeeting: y, SatService: 4, SatResponse: 3, SatLiving: 4, SatOverall: 5},
	}
}

func TestScore(t *testing.T) {
	s := survey.Score(fixture(), 8)
	if s.Answers != 5 || s.Links != 8 || !near(s.ResponseRate, 62.5) {
		t.Errorf("counts: %+v", s)
	}
	for name, c := range map[string]struct {
		got         survey.Interval
		val, lo, hi float64
	}{
		"awareness 3/5":     {s.Awareness, 60, 23.07, 88.24},
		"participation 3/5": {s.Participation, 60, 23.07, 88.24},
		"satisfaction":      {s.Satisfaction, 66.25, 36.40, 96.10},
		"aware_members 3/5": {s.Items["aware_members"], 60, 23.07, 88.24},
		"part_vote 1/5":     {s.Items["part_vote"], 20, 3.62, 62.45},
		// sat_overall 4,5,3,3,5 → 75,100,50,50,100: mean 75, s = 25, half = 2.776·25/√5 = 31.04
		"sat_overall": {s.Items["sat_overall"], 75, 43.96, 100},
	} {
		if !c.got.OK || !near(c.got.Value, c.val) || !near(c.got.Lo, c.lo) || !near(c.got.Hi, c.hi) {
			t.Errorf("%s = %+v, want %v [%v, %v]", name, c.got, c.val, c.lo, c.hi)
		}
	}
	if z := survey.Score(nil, 0); z.ResponseRate != 0 || z.Awareness.OK || z.Satisfaction.OK {
		t.Errorf("no answers: %+v", z)
	}
}

func TestCheckAnswer(t *testing.T) {
	ok := survey.Answer{SatService: 1, SatResponse: 5, SatLiving: 3, SatOverall: 3}
	if err := survey.CheckAnswer(ok); err != nil {
		t.Fatal(err)
	}
	bad := ok
	bad.SatLiving = 6
	if errs.Code(survey.CheckAnswer(bad)) != errs.EINVALID {
		t.Error("6 accepted")
	}
	bad = ok
	bad.SatOverall = 0
	if errs.Code(survey.CheckAnswer(bad)) != errs.EINVALID {
		t.Error("0 (unanswered) accepted")
	}
	bad = ok
	bad.Comment = string(make([]rune, survey.MaxComment+1))
	if errs.Code(survey.CheckAnswer(bad)) != errs.EINVALID {
		t.Error("long comment accepted")
	}
}

func TestPeriod(t *testing.T) {
	for _, c := range []struct {
		in       string
		from, to string
	}{{"2026H1", "2026-01-01", "2026-07-01"}, {"2026H2", "2026-07-01", "2027-01-01"}, {"2025Q4", "2025-10-01", "2026-01-01"}} {
		f, to, err := survey.Period(c.in)
		if err != nil || f.Format("2006-01-02") != c.from || to.Format("2006-01-02") != c.to {
			t.Errorf("Period(%s) = %v %v %v", c.in, f, to, err)
		}
	}
	for _, bad := range []string{"", "2026", "2026H3", "26H1", "2026Q5", "2026h1x"} {
		if _, _, err := survey.Period(bad); errs.Code(err) != errs.EINVALID {
			t.Errorf("Period(%q) accepted", bad)
		}
	}
}

func TestCanAnswer(t *testing.T) {
	opens := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	closes := opens.Add(30 * 24 * time.Hour)
	for _, c := range []struct {
		status string
		at     time.Time
		want   string
	}{
		{survey.Open, opens, ""},
		{survey.Open, opens.Add(-time.Minute), errs.ECONFLICT},
		{survey.Open, closes, errs.ECONFLICT},
		{survey.Closed, opens.Add(time.Hour), errs.ECONFLICT},
	} {
		if got := errs.Code(survey.CanAnswer(c.status, opens, closes, c.at)); got != c.want {
			t.Errorf("CanAnswer(%s, %v) = %q, want %q", c.status, c.at, got, c.want)
		}
	}
}
