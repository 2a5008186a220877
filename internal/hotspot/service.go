package hotspot

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
	"gongzhi/internal/lists"
)

// JobWeekly tests last week's cells every Monday morning.
const JobWeekly = "hotspot.weekly"

// Service finds hot spots and keeps the monthly topics.
type Service struct {
	db    *db.DB
	clock clock.Clock
	lists *lists.Service
}

// NewService returns the service; topics become projects through ls.
func NewService(d *db.DB, c clock.Clock, ls *lists.Service) *Service {
	return &Service{db: d, clock: c, lists: ls}
}

// RegisterJobs registers the weekly run, at 04:30 on Mondays (Shanghai):
// the week before is whole by then.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	// Outside a transaction: the run reads nine weeks of rollups, then writes in one of its own.
	q.Register(JobWeekly, func(ctx context.Context, _ *db.Tx, _ jobs.Job) error {
		_, err := s.Run(ctx, LastWeek(s.clock.Now()))
		return err
	}, jobs.NoTx())
	q.Periodic(JobWeekly, jobs.Weekly(time.Monday, 4, 30))
}

// RunInfo is one weekly run.
type RunInfo struct {
	ID         int64     `json:"id"`
	Week       string    `json:"week"` // Monday, YYYY-MM-DD
	ComputedAt time.Time `json:"computed_at"`
	Cells      int       `json:"cells"`   // grid × category cells tested
	Flagged    int       `json:"flagged"` // hot spots found
	Repeats    int       `json:"repeats"` // recurring problems found
	Alpha      float64   `json:"alpha"`
}

// weekDays are the first and last days of the baseline and the tested week.
func weekDays(monday string) (from, to time.Time, err error) {
	m, err := time.Parse(time.DateOnly, monday)
	if err != nil || m.Weekday() != time.Monday {
		return time.Time{}, time.Time{}, errs.Invalid("week", "week must be a Monday such as 2026-11-23")
	}
	return m.AddDate(0, 0, -7*BaselineWeeks), m.AddDate(0, 0, 6), nil
}

// LoadSeries reads the grid × category weekly counts of the weeks weeks
// starting on the Monday first from the daily rollups (grids are one level
// of the rollups; the primary key's area path leads, so each grid's days are
// one index range), and the district's grids.
func LoadSeries(ctx context.Context, q db.Querier, first time.Time, weeks int) ([]Series, []area.Area, error) {
	grids, err := area.List(ctx, q, area.Filter{Level: area.Grid, Limit: 1_000_000})
	if err != nil {
		return nil, nil, errs.Wrap(err, "grids")
	}
	byKey := map[[2]string]*Series{}
	type row struct {
		path, cat, day string
		n              int
	}
	last := first.AddDate(0, 0, 7*weeks-1)
	const batch = 500 // grid paths a query (bound parameters stay few on both engines)
	for i := 0; i < len(grids); i += batch {
		part := grids[i:min(i+batch, len(grids))]
		args := []any{first.Format(time.DateOnly), last.Format(time.DateOnly)}
		for _, g := range part {
			args = append(args, g.Path)
		}
		err = db.Each(ctx, q, `SELECT area_path, category_code, day, received FROM demand_rollups
			WHERE day >= ? AND day <= ? AND category_code <> '' AND received > 0 AND area_path IN (?`+strings.Repeat(", ?", len(part)-1)+`)`, args,
			func(r db.Scanner) (row, error) {
				var x row
				err := r.Scan(&x.path, &x.cat, &x.day, &x.n)
				return x, err
			}, func(x row) error {
				d, err := time.Parse(time.DateOnly, x.day)
				if err != nil {
					return errs.Wrap(err, "rollup day")
				}
				k := [2]string{x.path, x.cat}
				c := byKey[k]
				if c == nil {
					c = &Series{Grid: x.path, Category: x.cat, Counts: make([]int, weeks)}
					byKey[k] = c
				}
				c.Counts[int(d.Sub(first).Hours()/24)/7] += x.n
				return nil
			})
		if err != nil {
			return nil, nil, errs.Wrap(err, "rollups")
		}
	}
	out := make([]Series, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, *c)
	}
	// In a fixed order, so equal cells rank the same on every run.
	slices.SortFunc(out, func(a, b Series) int { return cmp.Or(cmp.Compare(a.Grid, b.Grid), cmp.Compare(a.Category, b.Category)) })
	return out, grids, nil
}

// Load reads the cells of the week starting monday: each grid × category's
// counts over its baseline and that week, and the baseline weeks earlier
// runs flagged it in (left out of its baseline).
func Load(ctx context.Context, q db.Querier, monday string) ([]Cell, []area.Area, error) {
	from, _, err := weekDays(monday)
	if err != nil {
		return nil, nil, err
	}
	series, grids, err := LoadSeries(ctx, q, from, BaselineWeeks+1)
	if err != nil {
		return nil, nil, err
	}
	cells := make([]Cell, len(series))
	at := make(map[[2]string]int, len(series))
	for i, x := range series {
		cells[i] = Cell{Grid: x.Grid, Category: x.Category, Counts: x.Counts}
		at[[2]string{x.Grid, x.Category}] = i
	}
	type hotWeek struct{ week, path, cat string }
	err = db.Each(ctx, q, `SELECT week, area_path, category_code FROM hotspot_cells WHERE week >= ? AND week < ?`,
		[]any{from.Format(time.DateOnly), monday}, func(r db.Scanner) (hotWeek, error) {
			var h hotWeek
			err := r.Scan(&h.week, &h.path, &h.cat)
			return h, err
		}, func(h hotWeek) error {
			i, ok := at[[2]string{h.path, h.cat}]
			d, err := time.Parse(time.DateOnly, h.week)
			if !ok || err != nil {
				return nil
			}
			if cells[i].Hot == nil {
				cells[i].Hot = make([]bool, BaselineWeeks)
			}
			if w := int(d.Sub(from).Hours()/24) / 7; w >= 0 && w < BaselineWeeks {
				cells[i].Hot[w] = true
			}
			return nil
		})
	return cells, grids, errs.Wrap(err, "earlier hot spots")
}

// Run tests the week starting monday and stores its hot spots and
// recurring problems, replacing an earlier run of the same week. It reads
// outside a transaction and writes in one.
func (s *Service) Run(ctx context.Context, monday string) (RunInfo, error) {
	cells, grids, err := Load(ctx, s.db, monday)
	if err != nil {
		return RunInfo{}, err
	}
	res := Detect(cells, len(grids), Alpha)
	reps, err := FindRepeats(ctx, s.db, monday)
	if err != nil {
		return RunInfo{}, err
	}
	var info RunInfo
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		info, err = Store(ctx, tx, s.clock.Now(), monday, res, reps, grids)
		return err
	})
	return info, err
}

// Store writes a week's run — its flagged cells (res as Detect returns
// them, flagged first) and recurring problems — in tx, replacing an
// earlier run of the week, with its audit row.
func Store(ctx context.Context, tx *db.Tx, now time.Time, monday string, res []Result, reps []Repeat, grids []area.Area) (RunInfo, error) {
	codeOf := make(map[string]string, len(grids))
	for _, g := range grids {
		codeOf[g.Path] = g.Code
	}
	info := RunInfo{Week: monday, ComputedAt: now.UTC(), Cells: len(res), Repeats: len(reps), Alpha: Alpha}
	for _, r := range res {
		if r.Flagged {
			info.Flagged++
		}
	}
	old := `SELECT id FROM hotspot_runs WHERE week = ?`
	for _, q := range []string{
		`UPDATE hotspot_topics SET cell_id = NULL WHERE cell_id IN (SELECT id FROM hotspot_cells WHERE run_id IN (` + old + `))`,
		`DELETE FROM hotspot_cells WHERE run_id IN (` + old + `)`,
		`DELETE FROM hotspot_repeats WHERE run_id IN (` + old + `)`,
		`DELETE FROM hotspot_runs WHERE week = ?`,
	} {
		if _, err := tx.Exec(ctx, q, monday); err != nil {
			return info, errs.Wrap(err, "replace run")
		}
	}
	var err error
	info.ID, err = db.InsertID(ctx, tx, `INSERT INTO hotspot_runs (week, computed_at, cells, flagged, alpha) VALUES (?, ?, ?, ?, ?)`,
		monday, info.ComputedAt, info.Cells, info.Flagged, info.Alpha)
	if err != nil {
		return info, errs.Wrap(err, "insert run")
	}
	if info.Flagged > 0 {
		b := db.NewBulkInsert(tx, "hotspot_cells", []string{"run_id", "week", "area_code", "area_path", "category_code", "observed", "expected", "p", "q", "baseline", "rank"})
		for i, r := range res[:info.Flagged] {
			if err := b.Add(ctx, info.ID, monday, codeOf[r.Grid], r.Grid, r.Category, r.Observed, r.Expected, r.P, r.Q, joinInts(r.Counts[:len(r.Counts)-1]), i+1); err != nil {
				return info, errs.Wrap(err, "insert cells")
			}
		}
		if err := b.Close(ctx); err != nil {
			return info, errs.Wrap(err, "insert cells")
		}
	}
	for _, r := range reps {
		if _, err := tx.Exec(ctx, `INSERT INTO hotspot_repeats (run_id, week, area_code, area_path, category_code, demand_id, earlier_id, matched_by, similarity)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, info.ID, monday, r.Area, r.AreaPath, r.Category, r.DemandID, r.EarlierID, r.MatchedBy, r.Similarity); err != nil {
			return info, errs.Wrap(err, "insert repeat")
		}
	}
	return info, auth.Record(ctx, tx, now, auth.SystemPrincipal(), auth.Change{Action: "compute", Entity: "hotspot_run",
		EntityID: strconv.FormatInt(info.ID, 10), AreaPath: "/", After: info})
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

func splitInts(s string) []int {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(f); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// FindRepeats finds the week's demands that bring back one resolved earlier in
// the same place and category (same area, by address or text). One join on
// (category, area path), the index duplicate checks use; the week's
// demands are found by their received time (the unary + keeps SQLite off
// the duplicate_of index, which would read every demand), the earlier ones
// by the index's range of received times (a demand open longer than
// RepeatWindow before it was resolved is not looked at).
func FindRepeats(ctx context.Context, q db.Querier, monday string) ([]Repeat, error) {
	m, _ := time.ParseInLocation(time.DateOnly, monday, clock.Shanghai)
	start, end := m.UTC(), m.AddDate(0, 0, 7).UTC()
	type pair struct {
		id                    int64
		code, path, cat, addr string
		text                  string
		at                    time.Time
		past                  Past
		pastText              string
	}
	var out []Repeat
	var cur *pair
	seen := map[int64][]string{}
	var earlier []Past
	flush := func() {
		if cur == nil {
			return
		}
		if e, by, sim, ok := Recurs(cur.addr, Bigrams(cur.text), cur.at, earlier); ok {
			out = append(out, Repeat{Area: cur.code, AreaPath: cur.path, Category: cur.cat, DemandID: cur.id, EarlierID: e.ID, MatchedBy: by, Similarity: sim})
		}
	}
	err := db.Each(ctx, q, `SELECT n.id, n.area_code, n.area_path, n.category_code, n.address, n.description, n.created_at,
			e.id, e.address, e.description, e.resolved_at
		FROM demands n JOIN demands e ON e.category_code = n.category_code AND e.area_path = n.area_path
			AND e.created_at < n.created_at AND e.created_at >= ? AND e.resolved_at IS NOT NULL AND e.resolved_at < n.created_at AND e.resolved_at >= ?
			AND e.duplicate_of IS NULL AND e.id <> n.id
		WHERE n.created_at >= ? AND n.created_at < ? AND +n.duplicate_of IS NULL AND n.status <> 'merged'
		ORDER BY n.id, e.id`, []any{start.Add(-2 * RepeatWindow), start.Add(-RepeatWindow), start, end},
		func(r db.Scanner) (pair, error) {
			var p pair
			err := r.Scan(&p.id, &p.code, &p.path, &p.cat, &p.addr, &p.text, &p.at, &p.past.ID, &p.past.Address, &p.pastText, &p.past.Resolved)
			return p, err
		}, func(p pair) error {
			if cur == nil || cur.id != p.id {
				flush()
				c := p
				cur, earlier = &c, earlier[:0]
			}
			// An earlier demand meets every later one of its place and category: tokenize it once.
			if b, ok := seen[p.past.ID]; ok {
				p.past.Bigrams = b
			} else {
				p.past.Bigrams = Bigrams(p.pastText)
				seen[p.past.ID] = p.past.Bigrams
			}
			earlier = append(earlier, p.past)
			return nil
		})
	if err != nil {
		return nil, errs.Wrap(err, "recurring demands")
	}
	flush()
	return out, nil
}
