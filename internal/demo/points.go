package demo

import (
	"context"
	"math/rand/v2"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/points"
)

// demoPointsRules is the demo district's published rule set: verified
// service by the hour (service where a member reported counts more),
// manual items per event, caps so that no one module buys a rank.
var demoPointsRules = []points.Rule{
	{Module: points.ModVolunteer, Per: points.PerHour, Points: 2, WeekCap: 8, MonthCap: 20},
	{Module: points.ModDualReport, Per: points.PerHour, Points: 3, MonthCap: 24},
	{Module: points.ModPairing, Per: points.PerHour, Points: 3, MonthCap: 12},
	{Kind: "退休", Module: points.ModVolunteer, Per: points.PerHour, Points: 2, WeekCap: 6, MonthCap: 16},
	{Module: points.ModStudy, Per: points.PerEvent, Points: 2, MonthCap: 4},
	{Module: points.ModOrgLife, Per: points.PerEvent, Points: 2, MonthCap: 2},
	{Module: points.ModPioneer, Per: points.PerEvent, Points: 5, YearCap: 20},
	{Module: points.ModDeduction, Per: points.PerEvent, Points: -5, YearCap: 20},
}

// writePoints publishes the rule set for this year and the year before
// and computes the ledger from the members' verified service (the party
// step's check-outs); a few study items wait in the approval queue.
func (b *builder) writePoints(ctx context.Context, tx *db.Tx) error {
	rng := rand.New(rand.NewPCG(seedHi, seedLo+47)) // its own stream
	year := b.now.In(clock.Shanghai).Year()
	for _, y := range []int{year - 1, year} {
		if _, err := points.Seed(ctx, tx, b.now, points.RulesetInput{Year: y, Rules: demoPointsRules, Note: "演示规则"}, "区党建办"); err != nil {
			return err
		}
	}
	type member struct {
		id   int64
		path string
	}
	ms, err := db.All(ctx, tx, "SELECT id, area_path FROM members ORDER BY id LIMIT 2000", nil, func(sc db.Scanner) (member, error) {
		var m member
		err := sc.Scan(&m.id, &m.path)
		return m, err
	})
	if err != nil {
		return errs.Wrap(err, "members")
	}
	if len(ms) == 0 {
		return nil
	}
	bi := db.NewBulkInsert(tx, "points_manual", []string{"member_id", "module", "occurred_at", "evidence", "area_path", "status", "proposed_by_name", "proposed_at"})
	for i := range 24 {
		m := ms[rng.IntN(len(ms))]
		at := b.now.Add(-time.Duration(24+rng.IntN(20*24)) * time.Hour)
		if err := bi.Add(ctx, m.id, points.ModStudy, at, []string{"党课签到表", "主题党日记录", "支部学习会记录"}[i%3], m.path, points.Proposed, "居民区党总支", at.Add(2*time.Hour)); err != nil {
			return errs.Wrap(err, "manual points")
		}
	}
	return errs.Wrap(bi.Close(ctx), "manual points")
}
