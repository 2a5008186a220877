package demand

import (
	"context"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// counts is what one demand adds to the rollups; the three rates are
// ratios of these (docs/demand-rates.md defines them).
type counts struct {
	Received     int // 受理量
	ResponseBase int // contact limit passed, or contacted
	Responded    int // first contact within the contact limit
	Rated        int // the resident gave a rating
	Solved       int // the resident said it was solved
	Satisfied    int // satisfied or basically satisfied
	Overdue      int // missed a deadline
	Open         int // still being handled
}

// contribution is a demand's share of the figures. Merged duplicates and
// approved unreasonable demands count for nothing: a merged group counts once.
func contribution(d *Demand) counts {
	if d.DuplicateOf != nil || d.Status == Merged || d.Unreasonable == "approved" {
		return counts{}
	}
	c := counts{Received: 1}
	if d.ContactedAt != nil || d.contactLapsed {
		c.ResponseBase = 1
	}
	if d.ContactedAt != nil && !d.ContactedAt.After(d.ContactDue) {
		c.Responded = 1
	}
	if d.Satisfaction != "" {
		c.Rated = 1
		if d.Solved != nil && *d.Solved {
			c.Solved = 1
		}
		if d.Satisfaction == Satisfied || d.Satisfaction == BasicSatisfied {
			c.Satisfied = 1
		}
	}
	if d.Overdue {
		c.Overdue = 1
	}
	if d.Status.Open() {
		c.Open = 1
	}
	return c
}

func (a counts) minus(b counts) counts {
	return counts{a.Received - b.Received, a.ResponseBase - b.ResponseBase, a.Responded - b.Responded, a.Rated - b.Rated,
		a.Solved - b.Solved, a.Satisfied - b.Satisfied, a.Overdue - b.Overdue, a.Open - b.Open}
}

func (a counts) zero() bool { return a == counts{} }

// dayOf is the Shanghai calendar day a demand was received.
func dayOf(t time.Time) string { return t.In(clock.Shanghai).Format(time.DateOnly) }

// rollup applies the change from before to after to the rollups, in tx.
// before is nil for a new demand.
//
// Each area and day also has a row of every category together
// (AllCategories): figures without a category filter read it, one row a day
// instead of one per category.
func rollup(ctx context.Context, tx *db.Tx, before, after *Demand) error {
	var b counts
	if before != nil {
		b = contribution(before)
	}
	delta := contribution(after).minus(b)
	if delta.zero() {
		return nil
	}
	paths := rollupPaths(after.AreaPath)
	var rows []string
	var args []any
	for _, path := range paths {
		for _, cat := range []string{after.Category, AllCategories} {
			rows = append(rows, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
			args = append(args, path, cat, dayOf(after.CreatedAt), delta.Received, delta.ResponseBase, delta.Responded, delta.Rated,
				delta.Solved, delta.Satisfied, delta.Overdue, delta.Open)
		}
	}
	// The same rows go into the monthly rollups, the day cut to its month
	// (the third of each row's eleven values).
	for _, t := range []struct{ table, period string }{{"demand_rollups", "day"}, {"demand_rollups_monthly", "month"}} {
		_, err := tx.Exec(ctx, `INSERT INTO `+t.table+` (area_path, category_code, `+t.period+`, received, response_base, responded, rated, solved, satisfied, overdue, open)
		VALUES `+strings.Join(rows, ", ")+`
		ON CONFLICT (area_path, `+t.period+`, category_code) DO UPDATE SET
		received = `+t.table+`.received + excluded.received, response_base = `+t.table+`.response_base + excluded.response_base,
		responded = `+t.table+`.responded + excluded.responded, rated = `+t.table+`.rated + excluded.rated,
		solved = `+t.table+`.solved + excluded.solved, satisfied = `+t.table+`.satisfied + excluded.satisfied,
		overdue = `+t.table+`.overdue + excluded.overdue, open = `+t.table+`.open + excluded.open`, args...)
		if err != nil {
			return errs.Wrap(err, "rollup")
		}
		for i := 2; i < len(args); i += 11 {
			args[i] = args[i].(string)[:7]
		}
	}
	return nil
}

// rollupSpans splits the inclusive day range [from, to] (YYYY-MM-DD) into
// the runs of days read from the daily rollups (the partial months at
// either end, at most two) and the whole months between them (YYYY-MM,
// inclusive; nil when none) read from the monthly rollups.
func rollupSpans(from, to string) (days [][2]string, months *[2]string) {
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return [][2]string{{from, to}}, nil
	}
	firstFull := f
	if f.Day() != 1 {
		firstFull = time.Date(f.Year(), f.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	lastFull := t // the last day of the last whole month
	if next := t.AddDate(0, 0, 1); next.Day() != 1 {
		lastFull = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
	}
	if lastFull.Before(firstFull) {
		return [][2]string{{from, to}}, nil
	}
	if f.Before(firstFull) {
		days = append(days, [2]string{from, firstFull.AddDate(0, 0, -1).Format(time.DateOnly)})
	}
	if lastFull.Before(t) {
		days = append(days, [2]string{lastFull.AddDate(0, 0, 1).Format(time.DateOnly), to})
	}
	return days, &[2]string{firstFull.Format("2006-01"), lastFull.Format("2006-01")}
}

// rollupCounts are the count columns of both rollup tables.
const rollupCounts = "received, response_base, responded, rated, solved, satisfied, overdue, open"

// rollupRows is a FROM source (use it with an alias) of the rollup rows of
// [from, to] that match cond, a condition on area_path and category_code
// with condArgs: whole months from the monthly rollups, the rest from the
// daily ones. Its columns are area_path, category_code and the counts.
func rollupRows(cond string, condArgs []any, from, to string) (string, []any) {
	days, months := rollupSpans(from, to)
	var parts []string
	var args []any
	for _, d := range days {
		parts = append(parts, "SELECT area_path, category_code, "+rollupCounts+" FROM demand_rollups WHERE "+cond+" AND day >= ? AND day <= ?")
		args = append(append(args, condArgs...), d[0], d[1])
	}
	if months != nil {
		parts = append(parts, "SELECT area_path, category_code, "+rollupCounts+" FROM demand_rollups_monthly WHERE "+cond+" AND month >= ? AND month <= ?")
		args = append(append(args, condArgs...), months[0], months[1])
	}
	return "(" + strings.Join(parts, " UNION ALL ") + ")", args
}

// AllCategories is the category_code of the rollup rows that hold every
// category of an area and day together.
const AllCategories = ""

// Stats are the figures for an area, category and period.
type Stats struct {
	Area             string   `json:"area"`
	From             string   `json:"from"`
	To               string   `json:"to"`
	Category         string   `json:"category,omitempty"`
	Received         int      `json:"received"`
	ResponseBase     int      `json:"response_base"`
	Responded        int      `json:"responded"`
	Rated            int      `json:"rated"`
	Solved           int      `json:"solved"`
	Satisfied        int      `json:"satisfied"`
	Overdue          int      `json:"overdue"`
	Open             int      `json:"open"`
	ResponseRate     *float64 `json:"response_rate"`
	ResolutionRate   *float64 `json:"resolution_rate"`
	SatisfactionRate *float64 `json:"satisfaction_rate"`
}

func ratio(n, d int) *float64 {
	if d == 0 {
		return nil
	}
	r := float64(int(float64(n)/float64(d)*10000+0.5)) / 10000
	return &r
}

func (s *Stats) rates() {
	s.ResponseRate = ratio(s.Responded, s.ResponseBase)
	s.ResolutionRate = ratio(s.Solved, s.Rated)
	s.SatisfactionRate = ratio(s.Satisfied, s.Rated)
}

// StatsFilter selects the figures: an area (its subtree), an inclusive day range, optionally a category.
type StatsFilter struct {
	Area     string
	From, To string // YYYY-MM-DD in Asia/Shanghai
	Category string
}

// statsArea checks a filter and the caller's right to read the area's
// figures, and returns the area's level and path.
func (s *Service) statsArea(ctx context.Context, p *auth.Principal, f StatsFilter) (level, path string, err error) {
	if f.Area == "" {
		return "", "", errs.Invalid("area", "area is required: the code of the area to report on")
	}
	level, path, err = levelOf(ctx, s.db, f.Area)
	if err != nil {
		return "", "", errs.New(errs.ENOTFOUND, "area %s not found", f.Area)
	}
	if err := auth.Authorize(p, auth.DemandRead, path); err != nil {
		return "", "", err
	}
	for _, v := range []struct{ field, val string }{{"from", f.From}, {"to", f.To}} {
		if _, err := time.Parse(time.DateOnly, v.val); err != nil {
			return "", "", errs.Invalid(v.field, "%s must be a date like 2026-01-01", v.field)
		}
	}
	if f.To < f.From {
		return "", "", errs.Invalid("to", "to must be after from")
	}
	return level, path, nil
}

// Stats returns the three rates of an area from the rollups, which are kept
// at every level of the tree, so the demands table is never scanned.
func (s *Service) Stats(ctx context.Context, p *auth.Principal, f StatsFilter) (Stats, error) {
	_, path, err := s.statsArea(ctx, p, f)
	if err != nil {
		return Stats{Area: f.Area, From: f.From, To: f.To, Category: f.Category}, err
	}
	return s.stats(ctx, f, path)
}

// stats is Stats for the area at path, once statsArea has allowed it.
func (s *Service) stats(ctx context.Context, f StatsFilter, path string) (Stats, error) {
	st := Stats{Area: f.Area, From: f.From, To: f.To, Category: f.Category}
	key := figureKey{f: f}
	if e, ok := s.cachedFigures(key); ok {
		return e.stats, nil
	}
	src, args := rollupRows("area_path = ? AND category_code = ?", []any{path, f.Category}, f.From, f.To)
	row := s.db.QueryRow(ctx, `SELECT COALESCE(sum(received),0), COALESCE(sum(response_base),0), COALESCE(sum(responded),0),
		COALESCE(sum(rated),0), COALESCE(sum(solved),0), COALESCE(sum(satisfied),0), COALESCE(sum(overdue),0), COALESCE(sum(open),0)
		FROM `+src+` r`, args...)
	if err := row.Scan(&st.Received, &st.ResponseBase, &st.Responded, &st.Rated, &st.Solved, &st.Satisfied, &st.Overdue, &st.Open); err != nil {
		return st, errs.Wrap(err, "stats")
	}
	st.rates()
	s.keepFigures(key, figureEntry{stats: st})
	return st, nil
}
