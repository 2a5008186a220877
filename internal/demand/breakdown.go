package demand

import (
	"cmp"
	"context"
	"sort"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/texts"
)

// Figure is one row of a breakdown: a key (category, area or day) and its figures.
type Figure struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"` // a category's or area's English name, when set
	Stats
}

// InLang words b's names for a reader of lang: English names where set.
func (b *Breakdown) InLang(lang string) {
	if texts.Lang(lang) != texts.EN {
		return
	}
	for _, fs := range [][]Figure{b.ByCategory, b.ByArea} {
		for i := range fs {
			fs[i].Name = cmp.Or(fs[i].NameEN, fs[i].Name)
		}
	}
}

// Breakdown is what the demand dashboard shows for an area and period, all
// read from the rollups: totals, by category (hot categories first), by
// child area (for drill-down and overdue by street) and by day (the trend).
type Breakdown struct {
	Total      Stats    `json:"total"`
	ByCategory []Figure `json:"by_category"`
	ByArea     []Figure `json:"by_area"`
	ByDay      []Figure `json:"by_day"`
}

// Breakdown returns the dashboard figures of an area (district, street or
// residential area) for the inclusive day range.
func (s *Service) Breakdown(ctx context.Context, p *auth.Principal, f StatsFilter) (Breakdown, error) {
	level, path, err := s.statsArea(ctx, p, f)
	if err != nil {
		return Breakdown{}, err
	}
	key := figureKey{f: f, breakdown: true}
	if e, ok := s.cachedFigures(key); ok {
		return e.b.clone(), nil
	}
	b, err := s.breakdown(ctx, f, level, path)
	if err != nil {
		return b, err
	}
	s.keepFigures(key, figureEntry{b: b.clone()})
	return b, nil
}

// breakdown computes the figures of f for the area at path, whose level
// statsArea has checked with the caller's right to read it.
func (s *Service) breakdown(ctx context.Context, f StatsFilter, level, path string) (Breakdown, error) {
	var b Breakdown
	total, err := s.stats(ctx, f, path)
	if err != nil {
		return b, err
	}
	b.Total = total
	if level != "district" && level != "street" && level != "residential" {
		return b, errs.Invalid("area", "the dashboard covers a district, street or residential area")
	}
	sums := `COALESCE(sum(r.received),0), COALESCE(sum(r.response_base),0), COALESCE(sum(r.responded),0), COALESCE(sum(r.rated),0),
		COALESCE(sum(r.solved),0), COALESCE(sum(r.satisfied),0), COALESCE(sum(r.overdue),0), COALESCE(sum(r.open),0)`
	// Rows of one category, or the rows of every category together
	// (AllCategories, what f.Category is when empty).
	cat, args := " AND r.category_code = ?", []any{path, f.From, f.To, f.Category}
	read := func(q string, args ...any) ([]Figure, error) {
		out, err := db.All(ctx, s.db, q, args, func(r db.Scanner) (Figure, error) {
			var x Figure
			err := r.Scan(&x.Key, &x.Name, &x.NameEN, &x.Received, &x.ResponseBase, &x.Responded, &x.Rated, &x.Solved, &x.Satisfied, &x.Overdue, &x.Open)
			x.From, x.To = f.From, f.To
			x.rates()
			return x, err
		})
		return out, errs.Wrap(err, "breakdown")
	}
	byCat, catArgs := "area_path = ? AND category_code <> ''", []any{path}
	if f.Category != "" {
		byCat, catArgs = "area_path = ? AND category_code = ?", []any{path, f.Category}
	}
	src, srcArgs := rollupRows(byCat, catArgs, f.From, f.To)
	if b.ByCategory, err = read(`SELECT r.category_code, c.name, c.name_en, `+sums+` FROM `+src+` r JOIN demand_categories c ON c.code = r.category_code
		GROUP BY r.category_code, c.name, c.name_en`, srcArgs...); err != nil {
		return b, err
	}
	sort.SliceStable(b.ByCategory, func(i, j int) bool { return b.ByCategory[i].Received > b.ByCategory[j].Received })
	if b.ByDay, err = read(`SELECT r.day, r.day, '', `+sums+` FROM demand_rollups r WHERE r.area_path = ? AND r.day >= ? AND r.day <= ?`+cat+
		` GROUP BY r.day ORDER BY r.day`, args...); err != nil {
		return b, err
	}
	if level != "residential" {
		// Child areas have their own rollup rows. Summing them by area_path
		// walks the rollup index in order; joining from areas instead made
		// the database sort every row of every child (5× slower).
		if b.ByArea, err = s.childFigures(ctx, f, sums, read); err != nil {
			return b, err
		}
	} else {
		b.ByArea = []Figure{}
	}
	return b, nil
}

// childFigures is the breakdown by the child areas of f.Area, in path
// order, with zero figures for a child without demands.
func (s *Service) childFigures(ctx context.Context, f StatsFilter, sums string, read func(string, ...any) ([]Figure, error)) ([]Figure, error) {
	children, err := area.Children(ctx, s.db, f.Area)
	if err != nil {
		return nil, err
	}
	var out []Figure
	var paths []string
	for _, a := range children {
		x := Figure{Key: a.Code, Name: a.Name, NameEN: a.NameEN}
		x.From, x.To = f.From, f.To
		x.rates()
		out, paths = append(out, x), append(paths, a.Path)
	}
	if len(out) == 0 {
		return []Figure{}, nil
	}
	in := make([]any, 0, len(paths)+1)
	for _, p := range paths {
		in = append(in, p)
	}
	src, args := rollupRows("area_path IN (?"+strings.Repeat(", ?", len(paths)-1)+") AND category_code = ?", append(in, f.Category), f.From, f.To)
	sumsOf, err := read(`SELECT r.area_path, '', '', `+sums+` FROM `+src+` r GROUP BY r.area_path`, args...)
	if err != nil {
		return nil, err
	}
	byPath := make(map[string]Figure, len(sumsOf))
	for _, x := range sumsOf {
		byPath[x.Key] = x
	}
	for i, p := range paths {
		if x, ok := byPath[p]; ok {
			x.Key, x.Name, x.NameEN = out[i].Key, out[i].Name, out[i].NameEN
			out[i] = x
		}
	}
	return out, nil
}
