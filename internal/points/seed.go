package points

import (
	"context"
	"encoding/json"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Seed publishes a year's rules and writes its ledger from the verified
// events already stored, in tx: for the demo district, where no person
// applies anything (so no audit row). It returns the rule set's id.
func Seed(ctx context.Context, tx *db.Tx, now time.Time, in RulesetInput, by string) (int64, error) {
	if bad := (Rules{Year: in.Year, Rules: in.Rules}).Check(); len(bad) > 0 {
		return 0, errs.Fields(bad)
	}
	rules, _ := json.Marshal(in.Rules)
	id, err := db.InsertID(ctx, tx, `INSERT INTO points_rulesets (year, version, rules, note, status, created_by_name, created_at, published_at)
		VALUES (?, 1, ?, ?, 'published', ?, ?, ?)`, in.Year, string(rules), in.Note, by, now, now)
	if err != nil {
		return 0, errs.Wrap(err, "insert rule set")
	}
	changes, paths, err := recompute(ctx, tx, Rules{Year: in.Year, Version: 1, Rules: in.Rules}, 0)
	if err != nil {
		return 0, err
	}
	return id, write(ctx, tx, now, id, in.Year, changes, paths)
}
