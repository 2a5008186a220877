package cadre

import (
	"context"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// SeedEvaluation writes a cadre's evaluation of year y in tx with the
// figures computed by the same queries the pages use (the demo builder
// calls it so the demo never re-implements the figures).
func SeedEvaluation(ctx context.Context, tx *db.Tx, now time.Time, cadreID int64, path string, y, score int, review, evidence, reviewer string) error {
	f, err := figures(ctx, tx, tx.Dialect, cadreID, path, y)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO cadre_evaluations (cadre_id, year, demands, answered, on_time, projects, reported, served, training_min,
		score, review, evidence, reviewer_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		cadreID, y, f.Demands, f.Answered, f.OnTime, f.Projects, f.Reported, f.Served, f.TrainingMin, score, review, evidence, reviewer, now, now)
	return errs.Wrap(err, "seed evaluation")
}
