package points

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, clock.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

var testRules = Rules{Year: 2026, Version: 1, Rules: []Rule{
	{Module: ModVolunteer, Per: PerHour, Points: 2, WeekCap: 10, MonthCap: 16, YearCap: 30},
	{Kind: "退休", Module: ModVolunteer, Per: PerHour, Points: 3},
	{Module: ModDualReport, Per: PerHour, Points: 4},
	{Module: ModStudy, Per: PerEvent, Points: 5, MonthCap: 5},
	{Module: ModDeduction, Per: PerEvent, Points: -3, YearCap: 5},
}}

func TestCompute(t *testing.T) {
	ev := func(id int64, kind, module, when string, minutes int) Event {
		return Event{Source: "activity", SourceID: id, MemberID: 1, Kind: kind, Module: module, At: at(when), Minutes: minutes}
	}
	type want struct {
		points int
		cap    string
	}
	cases := []struct {
		name   string
		events []Event
		want   []want
	}{
		{"hours pro rata, rounded down", []Event{ev(1, "在职", ModVolunteer, "2026-03-02 10:00", 90)}, []want{{3, ""}}},
		{"week cap cuts the event that crosses it", []Event{
			ev(1, "在职", ModVolunteer, "2026-03-02 10:00", 240), // Monday: 8
			ev(2, "在职", ModVolunteer, "2026-03-04 10:00", 120), // 4, only 2 left
			ev(3, "在职", ModVolunteer, "2026-03-08 10:00", 60),  // Sunday, same ISO week: 0
		}, []want{{8, ""}, {2, "week"}, {0, "week"}}},
		{"a new week starts on Monday in Shanghai", []Event{
			ev(1, "在职", ModVolunteer, "2026-03-08 23:30", 300), // 10
			ev(2, "在职", ModVolunteer, "2026-03-09 00:30", 60),  // next week: 2
		}, []want{{10, ""}, {2, ""}}},
		{"month cap across weeks", []Event{
			ev(1, "在职", ModVolunteer, "2026-03-02 10:00", 300), // 10
			ev(2, "在职", ModVolunteer, "2026-03-10 10:00", 300), // 10, month leaves 6
			ev(3, "在职", ModVolunteer, "2026-04-01 10:00", 60),  // new month: 2
		}, []want{{10, ""}, {6, "month"}, {2, ""}}},
		{"year cap", []Event{
			ev(1, "在职", ModVolunteer, "2026-01-05 10:00", 300), // 10
			ev(2, "在职", ModVolunteer, "2026-02-02 10:00", 300), // 10
			ev(3, "在职", ModVolunteer, "2026-03-02 10:00", 300), // 10 → 30
			ev(4, "在职", ModVolunteer, "2026-04-06 10:00", 60),  // 0
		}, []want{{10, ""}, {10, ""}, {10, ""}, {0, "year"}}},
		{"a kind's own rule wins and has no caps", []Event{ev(1, "退休", ModVolunteer, "2026-03-02 10:00", 600)}, []want{{30, ""}}},
		{"dual-reporting service is its own module", []Event{
			ev(1, "在职", ModVolunteer, "2026-03-02 10:00", 300),
			ev(2, "在职", ModDualReport, "2026-03-02 14:00", 300),
		}, []want{{10, ""}, {20, ""}}},
		{"per event with a month cap", []Event{
			ev(1, "在职", ModStudy, "2026-03-02 10:00", 0),
			ev(2, "在职", ModStudy, "2026-03-20 10:00", 0),
		}, []want{{5, ""}, {0, "month"}}},
		{"deductions are negative, capped by size", []Event{
			ev(1, "在职", ModDeduction, "2026-03-02 10:00", 0),
			ev(2, "在职", ModDeduction, "2026-05-02 10:00", 0),
		}, []want{{-3, ""}, {-2, "year"}}},
		{"no rule, no entry", []Event{ev(1, "在职", ModOrgLife, "2026-03-02 10:00", 0)}, nil},
		{"out of order input is counted by time", []Event{
			ev(2, "在职", ModVolunteer, "2026-03-04 10:00", 120),
			ev(1, "在职", ModVolunteer, "2026-03-02 10:00", 240),
		}, []want{{8, ""}, {2, "week"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []want
			for _, e := range Compute(testRules, c.events) {
				got = append(got, want{e.Points, e.Cap})
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestComputeCapsPerMember(t *testing.T) {
	events := []Event{
		{Source: "activity", SourceID: 1, MemberID: 1, Kind: "在职", Module: ModVolunteer, At: at("2026-03-02 10:00"), Minutes: 600},
		{Source: "activity", SourceID: 2, MemberID: 2, Kind: "在职", Module: ModVolunteer, At: at("2026-03-02 10:00"), Minutes: 600},
	}
	for _, e := range Compute(testRules, events) {
		if e.Points != 10 || e.Cap != "week" {
			t.Errorf("member %d: %d (%s), want 10 capped by week", e.MemberID, e.Points, e.Cap)
		}
	}
}

func TestRulesCheck(t *testing.T) {
	cases := []struct {
		rule Rule
		bad  string
	}{
		{Rule{Module: ModStudy, Per: PerEvent, Points: 2}, ""},
		{Rule{Module: "likes", Per: PerEvent, Points: 1}, "rules[0].module"},
		{Rule{Module: ModStudy, Per: PerHour, Points: 1}, "rules[0].per"},
		{Rule{Module: ModDeduction, Per: PerEvent, Points: 2}, "rules[0].points"},
		{Rule{Module: ModVolunteer, Per: PerHour, Points: -1}, "rules[0].points"},
		{Rule{Module: ModVolunteer, Per: PerHour, Points: 1, WeekCap: -1}, "rules[0].cap"},
	}
	for _, c := range cases {
		bad := fields(Rules{Year: 2026, Rules: []Rule{c.rule}}.Check())
		if c.bad == "" && len(bad) > 0 || c.bad != "" && !bad[c.bad] {
			t.Errorf("%+v: %v, want %q", c.rule, bad, c.bad)
		}
	}
	if bad := fields(Rules{Year: 2026, Rules: []Rule{{Module: ModStudy, Per: PerEvent, Points: 1}, {Module: ModStudy, Per: PerEvent, Points: 2}}}.Check()); !bad["rules[1].module"] {
		t.Errorf("a duplicate rule passed: %v", bad)
	}
}

func TestDiffLeavesUnchangedRows(t *testing.T) {
	e := func(id int64, pts int) Entry { return Entry{MemberID: 1, Key: Key{"activity", id}, Points: pts} }
	live := []Row{{ID: 10, MemberID: 1, Key: Key{"activity", 1}, Points: 4}, {ID: 11, MemberID: 1, Key: Key{"activity", 2}, Points: 2},
		{ID: 12, MemberID: 1, Key: Key{"activity", 3}, Points: 1}}
	got := Diff(live, []Entry{e(1, 4), e(2, 6), e(4, 1)})
	if len(got) != 3 || got[0].Reverse != 11 || got[0].Entry.Points != 6 || got[1].Reverse != 0 || got[1].Entry.Key.SourceID != 4 ||
		got[2].Reverse != 12 || got[2].Entry != nil {
		t.Fatalf("diff %+v", got)
	}
	if d := got[0].Delta() + got[1].Delta() + got[2].Delta(); d != 4 {
		t.Errorf("delta %d, want 4", d)
	}
}

// TestLedgerEqualsRecompute: events arriving in random batches, each batch
// applied to the ledger as Diff does (under rules that may change between
// batches), always leave the same live rows as a recompute from all events
// (seeded, 200 rounds).
func TestLedgerEqualsRecompute(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 10))
	changed := Rules{Year: 2026, Version: 2, Rules: []Rule{
		{Module: ModVolunteer, Per: PerHour, Points: 3, WeekCap: 7},
		{Module: ModDualReport, Per: PerHour, Points: 1, MonthCap: 9},
		{Module: ModPioneer, Per: PerEvent, Points: 4, YearCap: 8},
	}}
	ruleSets := []Rules{testRules, changed}
	kinds := []string{"在职", "退休", "流动"}
	for round := range 200 {
		n := 1 + r.IntN(60)
		var all []Event
		for i := range n {
			all = append(all, Event{Source: []string{"activity", "manual"}[r.IntN(2)], SourceID: int64(i), MemberID: 1 + int64(r.IntN(4)),
				Kind: kinds[r.IntN(3)], Module: Modules[r.IntN(len(Modules))],
				At: at("2026-01-01 08:00").Add(time.Duration(r.IntN(365*24)) * time.Hour), Minutes: 30 + r.IntN(300)})
		}
		// A member's kind is one; make it so.
		for i := range all {
			all[i].Kind = kinds[all[i].MemberID%3]
		}
		var live []Row
		next := int64(1)
		rules := testRules
		seen := []Event{}
		for len(seen) < n {
			k := len(seen) + 1 + r.IntN(n-len(seen))
			seen = append(seen, all[len(seen):k]...)
			rules = ruleSets[r.IntN(2)] // the rules may change between batches too
			live, next = Apply(live, Diff(live, Compute(rules, seen)), next)
		}
		want := Compute(rules, all)
		got := map[Key]int{}
		for _, row := range live {
			if _, dup := got[row.Key]; dup {
				t.Fatalf("round %d: two live rows for %v", round, row.Key)
			}
			got[row.Key] = row.Points
		}
		if len(got) != len(want) {
			t.Fatalf("round %d: %d live rows, want %d", round, len(got), len(want))
		}
		for _, e := range want {
			if got[e.Key] != e.Points {
				t.Fatalf("round %d: %v has %d, recompute %d", round, e.Key, got[e.Key], e.Points)
			}
		}
	}
}

func TestRankWithinKind(t *testing.T) {
	rs := []Ranked{{MemberID: 1, Kind: "在职", Total: 5}, {MemberID: 2, Kind: "退休", Total: 50}, {MemberID: 3, Kind: "在职", Total: 9},
		{MemberID: 4, Kind: "在职", Total: 5}, {MemberID: 5, Kind: "在职", Total: 1}, {MemberID: 6, Kind: "退休", Total: 3}}
	Rank(rs)
	var got []int64
	var ranks []int
	for _, r := range rs {
		got, ranks = append(got, r.MemberID), append(ranks, r.Rank)
	}
	if !slices.Equal(got, []int64{3, 1, 4, 5, 2, 6}) || !slices.Equal(ranks, []int{1, 2, 2, 4, 1, 2}) {
		t.Errorf("order %v ranks %v", got, ranks)
	}
}

func fields(ds []errs.Detail) map[string]bool {
	out := map[string]bool{}
	for _, d := range ds {
		out[d.Field] = true
	}
	return out
}
