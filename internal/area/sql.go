package area

import "gongzhi/internal/db"

// The fragments here are how other packages' queries speak of the tree:
// a record's area path column lies in a subtree (Subtree), or a record's
// area row is joined for its name (Join). The areas table is named nowhere
// else (TestNoAreaSQLElsewhere).

// Subtree returns a condition that col (a materialized path) lies in the
// subtree at path, and its argument. SQLite uses GLOB because its LIKE is
// case-insensitive and would skip the index; PostgreSQL uses LIKE on a
// text_pattern_ops index. Paths hold only digits and '/', so nothing needs escaping.
func Subtree(d db.Dialect, col, path string) (string, any) {
	if d == db.Postgres {
		return col + " LIKE ?", path + "%"
	}
	return col + " GLOB ?", path + "*"
}

// Table is the areas table as alias, for a FROM clause of a query that
// lists areas with figures of their own (visits, the grid map).
func Table(alias string) string { return "areas " + alias }

// Join joins the area whose code is codeCol as alias: " JOIN areas alias
// ON alias.code = codeCol", for a list that shows each row's area name.
func Join(alias, codeCol string) string {
	return " JOIN areas " + alias + " ON " + alias + ".code = " + codeCol
}

// LeftJoin is Join keeping rows without an area (codeCol NULL): a parent's
// name, which the district does not have.
func LeftJoin(alias, codeCol string) string {
	return " LEFT JOIN areas " + alias + " ON " + alias + ".code = " + codeCol
}

// OrderByPath sorts by the path column col in byte order, as the path
// indexes keep it: PostgreSQL's subtree indexes use text_pattern_ops, whose
// order an ORDER BY reaches only through its operator (then a page of an
// area's rows reads the index instead of sorting the subtree).
func OrderByPath(d db.Dialect, col string) string {
	if d == db.Postgres {
		return col + " USING ~<~"
	}
	return col
}
