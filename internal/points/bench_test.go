package points

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// BenchmarkRecomputeYear recomputes a year for 100,000 members with 24
// verified events each (2.4 million: service twice a month and manual
// items) under new rules, and diffs it against the ledger of the old ones.
// Target (issue 10): ≤ 5 s an operation.
//
//	go test -run '^$' -bench RecomputeYear -benchtime 3x ./internal/points/
func BenchmarkRecomputeYear(b *testing.B) {
	const members, per = 100_000, 24
	r := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"在职", "退休", "流动", "离退休干部"}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	events := make([]Event, 0, members*per)
	for m := range members {
		for i := range per {
			events = append(events, Event{Source: "activity", SourceID: int64(m*per + i), MemberID: int64(m + 1), Kind: kinds[m%4],
				Module: Modules[r.IntN(len(Modules))], At: start.Add(time.Duration(r.IntN(365*24*60)) * time.Minute), Minutes: 30 + r.IntN(240)})
		}
	}
	old := Rules{Year: 2026, Version: 1, Rules: []Rule{
		{Module: ModVolunteer, Per: PerHour, Points: 1, WeekCap: 4, MonthCap: 12, YearCap: 100},
		{Module: ModDualReport, Per: PerHour, Points: 2, MonthCap: 16},
		{Module: ModStudy, Per: PerEvent, Points: 2, MonthCap: 4}, {Module: ModOrgLife, Per: PerEvent, Points: 3},
		{Module: ModPioneer, Per: PerEvent, Points: 5, YearCap: 20}, {Module: ModDeduction, Per: PerEvent, Points: -5},
	}}
	next := slices.Clone(old.Rules)
	next[0].Points = 2
	var live []Row
	for i, e := range Compute(old, slices.Clone(events)) {
		live = append(live, Row{ID: int64(i + 1), MemberID: e.MemberID, Key: e.Key, Points: e.Points})
	}
	b.ResetTimer()
	for b.Loop() {
		evs := slices.Clone(events)
		changes := Diff(live, Compute(Rules{Year: 2026, Version: 2, Rules: next}, evs))
		if len(changes) == 0 {
			b.Fatal("no changes")
		}
	}
}
