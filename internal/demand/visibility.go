package demand

import (
	"context"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
)

// visibility is the one rule of which demands a caller sees (可见范围): what
// Get, Act and the attachment calls open, and what List returns, searches
// and counts — the queue ("mine") included. A caller sees
//   - the demands lying in the areas where it reads demands (auth.Scope),
//   - the demands dispatched to the units of its unit-bound grants (a unit
//     liaison's, auth.ScopeUnits), and
//   - the demands whose owner, lead body or co-handling body lies in the
//     areas where it handles demands, wherever the demand lies: a street
//     named lead body of a demand in another street works on it, so it
//     finds it in its queue, lists, search and counts, not only by its link.
//
// The third part is read off the reach tokens of migration 00018 (r<hex of
// an area path> for every body outside the demand's area and each of the
// body's ancestors), so it is an index lookup on both engines. The area
// figures of the dashboard (rollups by the demand's area) stay figures of
// the demands lying in an area; a body's caseload elsewhere is counted by
// its lists (DemandList.Total).
type visibility struct {
	p      *auth.Principal
	all    bool     // every demand: the system, or areas covering every top area
	areas  []string // area paths where p reads every demand
	units  []int64  // units whose demands p reads
	bodies []string // area paths where p handles: demands whose bodies lie there
}

// visibilityOf works out p's visibility once per call.
func visibilityOf(ctx context.Context, q db.Querier, p *auth.Principal) (visibility, error) {
	v := visibility{p: p, areas: auth.Scope(p, auth.DemandRead), units: auth.ScopeUnits(p, auth.DemandRead),
		bodies: auth.Scope(p, auth.DemandHandle)}
	if len(v.areas) == 0 {
		return v, nil
	}
	all, err := coversAll(ctx, q, v.areas)
	if v.all = all; err != nil || all {
		return v, err
	}
	return v, v.dropIdleBodies(ctx, q)
}

// dropIdleBodies forgets v.bodies when no demand has a body in them while
// lying outside that body's area: the common case, whose lists then ask
// what they asked before (the reach condition would match nothing). One
// probe of the search index. On PostgreSQL the probe counts every match:
// with a LIMIT the planner expects an early match among the rows and walks
// the table (440 ms at a million demands) instead of asking the index.
func (v *visibility) dropIdleBodies(ctx context.Context, q db.Querier) error {
	if len(v.bodies) == 0 {
		return nil
	}
	_, arg := v.reachSQL(q.D())
	probe := "SELECT count(*) FROM (SELECT 1 FROM demands_fts WHERE demands_fts MATCH ? LIMIT 1) x"
	if q.D() == db.Postgres {
		probe = "SELECT count(*) FROM demands d WHERE d.search_tsv @@ to_tsquery('simple', ?)"
	}
	var n int
	if err := q.QueryRow(ctx, probe, arg).Scan(&n); err != nil {
		return errs.Wrap(err, "visibility")
	}
	if n == 0 {
		v.bodies = nil
	}
	return nil
}

// reachSQL is the condition "a body of the demand lies in v.bodies, outside
// the demand's area", read off the search index.
func (v visibility) reachSQL(d db.Dialect) (string, any) {
	reach := make([]string, len(v.bodies))
	for i, path := range v.bodies {
		reach[i] = reachTag(path)
	}
	return search.Match(d, "d.id", "demands_fts", "d.search_tsv"), search.Expr(d, "search_text", "search_tags", nil, [][]string{reach})
}

// sql is the rule as a condition on demands d, with its arguments, and as
// search-index tokens (an OR; nil when some part has none: a unit's
// demands are found by the demands_lead_unit index, not by tokens). An
// empty token list means every demand.
func (v visibility) sql(d db.Dialect) (cond string, args []any, tags []string) {
	if v.all {
		// Every demand: no condition at all. A subtree test on the root
		// matched every row anyway but led SQLite to walk the area index
		// and sort a district's demands for a plain newest-first page
		// (136 ms instead of under 1 ms at 100,000 demands).
		return "1=1", nil, []string{}
	}
	var conds []string
	tags = []string{}
	if len(v.areas) > 0 {
		c, a := auth.ScopeSQL(d, v.p, auth.DemandRead, "d.area_path")
		conds, args = append(conds, c), append(args, a...)
	}
	for _, path := range v.areas {
		tags = append(tags, search.PathTag(path))
	}
	for _, path := range v.bodies {
		tags = append(tags, reachTag(path))
	}
	if len(v.units) > 0 {
		tags = nil
	}
	if c, a := v.beyondAreas(d); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	if len(conds) == 0 {
		return "1=0", nil, nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args, tags
}

// beyondAreas is the part of the rule that is not an area subtree: the
// demands of p's units and those its bodies work on outside their area
// ("" when p has neither).
func (v visibility) beyondAreas(d db.Dialect) (string, []any) {
	var conds []string
	var args []any
	if len(v.bodies) > 0 {
		c, a := v.reachSQL(d)
		conds, args = append(conds, c), append(args, a)
	}
	if len(v.units) > 0 {
		conds = append(conds, "d.lead_unit_id IN (?"+strings.Repeat(", ?", len(v.units)-1)+")")
		for _, u := range v.units {
			args = append(args, u)
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// visibleIn returns the open demands under path that p sees, for the
// duplicate check, which scores demands from memory (simindex.go): a
// function of a demand's id and area path.
func (s *Service) visibleIn(ctx context.Context, p *auth.Principal, path string) (func(id int64, path string) bool, error) {
	v, err := visibilityOf(ctx, s.db, p)
	if err != nil || v.all {
		return func(int64, string) bool { return true }, err
	}
	beyond := map[int64]bool{}
	if c, args := v.beyondAreas(s.db.Dialect); c != "" {
		sub, a := area.Subtree(s.db.Dialect, "d.area_path", path)
		ids, err := db.IDs(ctx, s.db, "SELECT d.id FROM demands d WHERE "+c+" AND "+sub+" AND "+openSQL, append(args, a)...)
		if err != nil {
			return nil, errs.Wrap(err, "visible demands")
		}
		for _, id := range ids {
			beyond[id] = true
		}
	}
	return func(id int64, path string) bool {
		return beyond[id] || auth.Authorize(v.p, auth.DemandRead, path) == nil
	}, nil
}

// reachTag is the token of the demands with a body inside an area subtree,
// lying outside that body's area (migration 00018).
func reachTag(path string) string { return "r" + search.PathTag(path)[1:] }

// canSee hides demands the caller may not see: not found, not forbidden.
// It asks the database the list's own question about this one demand, so
// what a caller opens and what its lists return cannot drift apart.
func (s *Service) canSee(ctx context.Context, q db.Querier, p *auth.Principal, d *Demand) error {
	if p == nil {
		return errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	v, err := visibilityOf(ctx, q, p)
	if err != nil {
		return err
	}
	cond, args, _ := v.sql(q.D())
	var n int
	if err := q.QueryRow(ctx, "SELECT count(*) FROM demands d WHERE d.id = ? AND "+cond, append([]any{d.ID}, args...)...).Scan(&n); err != nil {
		return errs.Wrap(err, "visibility")
	}
	if n == 0 {
		return errs.New(errs.ENOTFOUND, "demand not found")
	}
	return nil
}

// coversAll reports whether scope paths include every top-level area, so
// every demand is in scope and the index needs no area tokens.
func coversAll(ctx context.Context, q db.Querier, scope []string) (bool, error) {
	in := map[string]bool{}
	for _, p := range scope {
		if p == "/" {
			return true, nil
		}
		in[p] = true
	}
	roots, err := area.RootPaths(ctx, q)
	if err != nil {
		return false, err
	}
	for _, path := range roots {
		if !in[path] {
			return false, nil
		}
	}
	return true, nil
}
