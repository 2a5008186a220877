package hotspot

import (
	"context"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Spot is a flagged cell of a weekly run: a grid whose demands of one
// category were unusual that week against its own baseline.
type Spot struct {
	ID           int64   `json:"id"`
	Week         string  `json:"week"`
	Area         string  `json:"area"` // the grid's code
	AreaName     string  `json:"area_name"`
	AreaPath     string  `json:"-"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	Observed     int     `json:"observed"`
	Expected     float64 `json:"expected"`
	Ratio        float64 `json:"ratio"` // observed ÷ expected
	P            float64 `json:"p"`     // chance of at least as many in a usual week
	Q            float64 `json:"q"`     // after false-discovery control across all cells
	Baseline     []int   `json:"baseline"`
	Rank         int     `json:"rank"`
	TopicID      *int64  `json:"topic_id,omitempty"` // the monthly topic made of it
}

// Repeat is a demand that brought back a problem resolved before in the
// same place and category.
type Repeat struct {
	ID           int64   `json:"id"`
	Week         string  `json:"week"`
	Area         string  `json:"area"`
	AreaName     string  `json:"area_name"`
	AreaPath     string  `json:"-"`
	Category     string  `json:"category"`
	CategoryName string  `json:"category_name"`
	DemandID     int64   `json:"demand_id"`
	EarlierID    int64   `json:"earlier_id"`
	MatchedBy    string  `json:"matched_by"` // address or text
	Similarity   float64 `json:"similarity"` // bigram Jaccard of the descriptions
	Address      string  `json:"address"`
	Description  string  `json:"description"`
}

// Filter narrows the lists. Week defaults to the latest run's.
type Filter struct {
	Week     string
	Area     string // a code: that area's subtree
	Category string
	Page     int
	PerPage  int
}

// Latest is the newest run, or nil before the first.
func (s *Service) Latest(ctx context.Context) (*RunInfo, error) {
	runs, err := s.Runs(ctx, 1)
	if err != nil || len(runs) == 0 {
		return nil, err
	}
	return &runs[0], nil
}

// Runs are the newest n runs (the district's, not scoped: counts only).
func (s *Service) Runs(ctx context.Context, n int) ([]RunInfo, error) {
	out, err := db.All(ctx, s.db, `SELECT r.id, r.week, r.computed_at, r.cells, r.flagged, r.alpha,
		(SELECT count(*) FROM hotspot_repeats x WHERE x.run_id = r.id) FROM hotspot_runs r ORDER BY r.week DESC LIMIT ?`, []any{n},
		func(r db.Scanner) (RunInfo, error) {
			var i RunInfo
			err := r.Scan(&i.ID, &i.Week, &i.ComputedAt, &i.Cells, &i.Flagged, &i.Alpha, &i.Repeats)
			return i, err
		})
	return out, errs.Wrap(err, "runs")
}

// where scopes a list to p's areas and f.
func (s *Service) where(ctx context.Context, p *auth.Principal, f *Filter, alias string) (db.Where, error) {
	var w db.Where
	if err := auth.AuthorizeAny(p, auth.HotspotRead); err != nil {
		return w, err
	}
	if f.Week == "" {
		latest, err := s.Latest(ctx)
		if err != nil {
			return w, err
		}
		if latest != nil {
			f.Week = latest.Week
		}
	} else if _, _, err := weekDays(f.Week); err != nil {
		return w, err
	}
	w.And(alias+".week = ?", f.Week)
	cond, args := auth.ScopeSQL(s.db.D(), p, auth.HotspotRead, alias+".area_path")
	w.And(cond, args...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return w, errs.Invalid("area", "area %q does not exist", f.Area)
		} else if err != nil {
			return w, err
		}
		c, a := area.Subtree(s.db.D(), alias+".area_path", path)
		w.And(c, a)
	}
	if f.Category != "" {
		w.And(alias+".category_code = ?", f.Category)
	}
	return w, nil
}

const spotCols = `c.id, c.week, c.area_code, a.name, c.area_path, c.category_code, COALESCE(k.name, c.category_code), c.observed, c.expected, c.p, c.q, c.baseline, c.rank,
	(SELECT min(t.id) FROM hotspot_topics t WHERE t.cell_id = c.id)`

func scanSpot(r db.Scanner) (Spot, error) {
	var x Spot
	var base string
	err := r.Scan(&x.ID, &x.Week, &x.Area, &x.AreaName, &x.AreaPath, &x.Category, &x.CategoryName, &x.Observed, &x.Expected, &x.P, &x.Q, &base, &x.Rank, &x.TopicID)
	x.Baseline = splitInts(base)
	if x.Expected > 0 {
		x.Ratio = float64(x.Observed) / x.Expected
	}
	return x, err
}

const spotFrom = `hotspot_cells c` + ` LEFT JOIN demand_categories k ON k.code = c.category_code`

// Spots lists a week's hot spots in the caller's scope, most unusual first.
func (s *Service) Spots(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Spot], string, error) {
	w, err := s.where(ctx, p, &f, "c")
	if err != nil {
		return db.Listed[Spot]{}, "", err
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: spotCols, From: spotFrom + area.Join("a", "c.area_code"), Where: w, Order: "c.rank", Limit: limit, Offset: offset}, scanSpot)
	if l.Items == nil {
		l.Items = []Spot{}
	}
	return l, f.Week, errs.Wrap(err, "hot spots")
}

// Repeats lists a week's recurring problems in the caller's scope.
func (s *Service) Repeats(ctx context.Context, p *auth.Principal, f Filter) (db.Listed[Repeat], string, error) {
	w, err := s.where(ctx, p, &f, "x")
	if err != nil {
		return db.Listed[Repeat]{}, "", err
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{
		Cols:  `x.id, x.week, x.area_code, a.name, x.area_path, x.category_code, COALESCE(k.name, x.category_code), x.demand_id, x.earlier_id, x.matched_by, x.similarity, d.address, d.description`,
		From:  `hotspot_repeats x JOIN demands d ON d.id = x.demand_id LEFT JOIN demand_categories k ON k.code = x.category_code` + area.Join("a", "x.area_code"),
		Where: w, Order: "x.area_path, x.demand_id", Limit: limit, Offset: offset},
		func(r db.Scanner) (Repeat, error) {
			var x Repeat
			err := r.Scan(&x.ID, &x.Week, &x.Area, &x.AreaName, &x.AreaPath, &x.Category, &x.CategoryName, &x.DemandID, &x.EarlierID, &x.MatchedBy, &x.Similarity, &x.Address, &x.Description)
			x.Description = auth.MaskText(x.Description)
			return x, err
		})
	if l.Items == nil {
		l.Items = []Repeat{}
	}
	return l, f.Week, errs.Wrap(err, "recurring problems")
}

// DemandRef is a demand behind a hot spot.
type DemandRef struct {
	ID          int64     `json:"id"`
	Status      string    `json:"status"`
	Address     string    `json:"address"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// SpotDetail is a hot spot with its explanation: the demands behind it
// and its baseline.
type SpotDetail struct {
	Spot
	Demands []DemandRef `json:"demands"`
}

// Spot returns one hot spot with the demands behind it; outside the
// caller's scope it is not found.
func (s *Service) Spot(ctx context.Context, p *auth.Principal, id int64) (SpotDetail, error) {
	if err := auth.AuthorizeAny(p, auth.HotspotRead); err != nil {
		return SpotDetail{}, err
	}
	x, err := scanSpot(s.db.QueryRow(ctx, `SELECT `+spotCols+` FROM `+spotFrom+area.Join("a", "c.area_code")+` WHERE c.id = ?`, id))
	if err != nil {
		return SpotDetail{}, db.NotFound(err, "hot spot")
	}
	if auth.Authorize(p, auth.HotspotRead, x.AreaPath) != nil {
		return SpotDetail{}, errs.New(errs.ENOTFOUND, "hot spot not found")
	}
	d := SpotDetail{Spot: x}
	d.Demands, err = s.demandsIn(ctx, []string{x.AreaPath}, x.Category, x.Week, 7, 200)
	return d, err
}

// demandsIn are the demands of category received in the grids (paths)
// over days days from the Monday week, oldest first, at most limit.
func (s *Service) demandsIn(ctx context.Context, paths []string, category, week string, days, limit int) ([]DemandRef, error) {
	m, err := time.ParseInLocation(time.DateOnly, week, clock.Shanghai)
	if err != nil {
		return nil, errs.Invalid("week", "week must be a date such as 2026-11-23")
	}
	var w db.Where
	w.And("d.category_code = ?", category).And("d.created_at >= ?", m.UTC()).And("d.created_at < ?", m.AddDate(0, 0, days).UTC()).
		And("d.duplicate_of IS NULL")
	var conds []string
	var args []any
	for _, p := range paths {
		c, a := area.Subtree(s.db.D(), "d.area_path", p)
		conds, args = append(conds, c), append(args, a)
	}
	if len(conds) == 0 {
		return []DemandRef{}, nil
	}
	w.And("("+strings.Join(conds, " OR ")+")", args...)
	out, err := db.All(ctx, s.db, `SELECT d.id, d.status, d.address, d.description, d.created_at FROM demands d WHERE `+w.SQL()+` ORDER BY d.created_at LIMIT ?`,
		append(w.Args(), limit), func(r db.Scanner) (DemandRef, error) {
			var x DemandRef
			err := r.Scan(&x.ID, &x.Status, &x.Address, &x.Description, &x.CreatedAt)
			x.Description = auth.MaskText(x.Description)
			return x, err
		})
	if out == nil {
		out = []DemandRef{}
	}
	return out, errs.Wrap(err, "demands of a hot spot")
}
