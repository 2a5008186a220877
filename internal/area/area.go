// Package area is the area tree (区域): district → street → residential
// area → (lane →) grid, each node with a materialized path
// (/310104/001/001/01/) so "in this subtree" is one prefix match. It owns
// every query on the areas table, the SQL fragments other packages put in
// their own queries (Subtree, Join), the pure path rules (Chain, AtDepth)
// and the names of areas with their parents (Labels). It knows nothing of
// who may see what: callers authorize (auth) and audit (org) themselves.
package area

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Level is a layer of the area tree.
type Level string

// Area levels, top down. Lanes (弄) are optional, between residential area and grid.
const (
	District    Level = "district"    // 区
	Street      Level = "street"      // 街道/镇
	Residential Level = "residential" // 居民区
	Lane        Level = "lane"        // 弄
	Grid        Level = "grid"        // 网格
)

// ValidLevel reports whether s names a level.
func ValidLevel(s string) bool {
	switch Level(s) {
	case District, Street, Residential, Lane, Grid:
		return true
	}
	return false
}

// Area is a node of the area tree.
type Area struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	NameEN     string `json:"name_en"` // optional; the English interface shows it when set
	Level      Level  `json:"level"`
	ParentCode string `json:"parent_code"`
	Path       string `json:"path"`
	Children   int    `json:"children"` // filled by Get and List; 0 elsewhere
}

// english is texts.EN, the English interface's language; the area tree
// sits below texts and may not import it (a test holds them equal).
const english = "en"

// NameIn is the area's name for a reader of lang: the English name in
// the English interface when it is set, else the name.
func (a Area) NameIn(lang string) string {
	if lang == english && a.NameEN != "" {
		return a.NameEN
	}
	return a.Name
}

// cols are an area's columns (table alias a) in scan's order; withChildren
// adds the count of its children, one index seek on areas_parent each.
const (
	cols         = `a.code, a.name, a.name_en, a.level, COALESCE(a.parent_code, ''), a.path, 0`
	withChildren = `a.code, a.name, a.name_en, a.level, COALESCE(a.parent_code, ''), a.path,
	(SELECT count(*) FROM areas c WHERE c.parent_code = a.code)`
)

func scan(sc interface{ Scan(...any) error }) (Area, error) {
	var a Area
	err := sc.Scan(&a.Code, &a.Name, &a.NameEN, &a.Level, &a.ParentCode, &a.Path, &a.Children)
	return a, err
}

// query reads the areas a query of the columns c returns.
func query(ctx context.Context, q db.Querier, what, c, rest string, args ...any) ([]Area, error) {
	out, err := db.All(ctx, q, "SELECT "+c+" FROM areas a "+rest, args, func(r db.Scanner) (Area, error) { return scan(r) })
	return out, errs.Wrap(err, what)
}

// notFound turns a missing row into ENOTFOUND naming the area.
func notFound(err error, code string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.New(errs.ENOTFOUND, "area %s not found", code)
	}
	return errs.Wrap(err, "area")
}

// Get returns the area with code, with its number of children; ENOTFOUND
// when there is none.
func Get(ctx context.Context, q db.Querier, code string) (Area, error) {
	a, err := scan(q.QueryRow(ctx, "SELECT "+withChildren+" FROM areas a WHERE a.code = ?", code))
	if err != nil {
		return Area{}, notFound(err, code)
	}
	return a, nil
}

// Path returns the path of the area with code; ENOTFOUND when there is none.
func Path(ctx context.Context, q db.Querier, code string) (string, error) {
	_, path, err := LevelPath(ctx, q, code)
	return path, err
}

// LevelPath returns the level and path of the area with code; ENOTFOUND
// when there is none.
func LevelPath(ctx context.Context, q db.Querier, code string) (Level, string, error) {
	var level Level
	var path string
	if err := q.QueryRow(ctx, "SELECT level, path FROM areas WHERE code = ?", code).Scan(&level, &path); err != nil {
		return "", "", notFound(err, code)
	}
	return level, path, nil
}

// Lineage returns the area at path and every area above it, top first, in
// one query (Chain's paths); ENOTFOUND when no area lies at path.
func Lineage(ctx context.Context, q db.Querier, path string) ([]Area, error) {
	chain := Chain(path)
	if len(chain) == 0 {
		return nil, errs.New(errs.ENOTFOUND, "area %s not found", path)
	}
	args := make([]any, len(chain))
	for i, p := range chain {
		args[i] = p
	}
	out, err := query(ctx, q, "area chain", cols, "WHERE a.path IN (?"+strings.Repeat(", ?", len(args)-1)+") ORDER BY a.path", args...)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 || out[len(out)-1].Path != path {
		return nil, errs.New(errs.ENOTFOUND, "area %s not found", path)
	}
	return out, nil
}

// Children returns the areas directly under code, in path order.
func Children(ctx context.Context, q db.Querier, code string) ([]Area, error) {
	return query(ctx, q, "child areas", cols, "WHERE a.parent_code = ? ORDER BY a.path", code)
}

// Roots returns the roots of the tree (the district; a server may hold
// several), in path order.
func Roots(ctx context.Context, q db.Querier) ([]Area, error) {
	return query(ctx, q, "root areas", cols, "WHERE a.parent_code IS NULL ORDER BY a.path")
}

// Root returns the first root of the tree: the district the server serves.
// ENOTFOUND when the tree is empty.
func Root(ctx context.Context, q db.Querier) (Area, error) {
	a, err := scan(q.QueryRow(ctx, "SELECT "+cols+" FROM areas a WHERE a.parent_code IS NULL ORDER BY a.path LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return Area{}, errs.New(errs.ENOTFOUND, "not found")
	}
	return a, errs.Wrap(err, "root area")
}

// RootPaths returns the paths of Roots.
func RootPaths(ctx context.Context, q db.Querier) ([]string, error) {
	roots, err := Roots(ctx, q)
	paths := make([]string, len(roots))
	for i, a := range roots {
		paths[i] = a.Path
	}
	return paths, err
}

// Codes returns the codes of the areas at level, in code order.
func Codes(ctx context.Context, q db.Querier, level Level) ([]string, error) {
	out, err := db.Strings(ctx, q, "SELECT code FROM areas WHERE level = ? ORDER BY code", string(level))
	return out, errs.Wrap(err, "area codes")
}

// Empty reports whether the tree has no area yet (a database nothing was
// loaded into).
func Empty(ctx context.Context, q db.Querier) (bool, error) {
	var n int
	err := q.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM areas LIMIT 1) x").Scan(&n)
	return n == 0, errs.Wrap(err, "count areas")
}

// All returns the whole tree in path order, parents before their children
// (a district has a few thousand areas).
func All(ctx context.Context, q db.Querier) ([]Area, error) {
	return query(ctx, q, "areas", cols, "ORDER BY a.path")
}

// Filter narrows List. Empty fields do not filter.
type Filter struct {
	Level  Level
	Parent string // the parent's code
	Q      string // part of the name or English name
	// Scope, when set, limits the list to a condition on an area path
	// column it is given (auth.ScopeSQL for the caller).
	Scope func(col string) (string, []any)
	Limit int // at most this many; 0: 5000
}

// List returns the areas matching f in path order, with their numbers of children.
func List(ctx context.Context, q db.Querier, f Filter) ([]Area, error) {
	where, args := []string{"1=1"}, []any{}
	if f.Scope != nil {
		c, a := f.Scope("a.path")
		where, args = append(where, c), append(args, a...)
	}
	if f.Level != "" {
		where, args = append(where, "a.level = ?"), append(args, string(f.Level))
	}
	if f.Parent != "" {
		where, args = append(where, "a.parent_code = ?"), append(args, f.Parent)
	}
	if f.Q != "" {
		like := "%" + db.Like(f.Q) + "%"
		where, args = append(where, "(a.name LIKE ? ESCAPE '\\' OR a.name_en LIKE ? ESCAPE '\\')"), append(args, like, like)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 5000
	}
	return query(ctx, q, "areas", withChildren, "WHERE "+strings.Join(where, " AND ")+" ORDER BY a.path LIMIT ?", append(args, limit)...)
}

// Create inserts a into the tree as it is given: the caller has checked
// its place (level under the parent's, code and path extending the
// parent's), authorized and audits it. A taken code is EINVALID on code.
// Readers that keep labels (Cache) must be told once the transaction commits.
func Create(ctx context.Context, tx db.Querier, a Area) error {
	var parent any
	if a.ParentCode != "" {
		parent = a.ParentCode
	}
	_, err := tx.Exec(ctx, "INSERT INTO areas (code, parent_code, name, name_en, level, path) VALUES (?, ?, ?, ?, ?, ?)",
		a.Code, parent, a.Name, a.NameEN, string(a.Level), a.Path)
	if errs.Code(err) == errs.ECONFLICT {
		return errs.Invalid("code", "area code %s already exists", a.Code)
	}
	return errs.Wrap(err, "insert area")
}
