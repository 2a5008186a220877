package db

import (
	"context"
	"strings"
)

// Scanner is a row being read: *sql.Rows and *sql.Row both are.
type Scanner interface {
	Scan(dest ...any) error
}

// All runs query and scans every row with scan, closing the rows and
// reporting the first error of the query, a scan or the iteration. It is the
// one loop over rows: callers say only what a row becomes.
func All[T any](ctx context.Context, q Querier, query string, args []any, scan func(Scanner) (T, error)) ([]T, error) {
	out := []T{}
	err := Each(ctx, q, query, args, scan, func(v T) error {
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Each streams a query's rows to fn one by one, for exports too large to
// hold; fn's error stops it and is returned as it is.
func Each[T any](ctx context.Context, q Querier, query string, args []any, scan func(Scanner) (T, error), fn func(T) error) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// IDs reads a query of one integer column.
func IDs(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	return All(ctx, q, query, args, func(r Scanner) (int64, error) {
		var id int64
		err := r.Scan(&id)
		return id, err
	})
}

// Strings reads a query of one text column.
func Strings(ctx context.Context, q Querier, query string, args ...any) ([]string, error) {
	return All(ctx, q, query, args, func(r Scanner) (string, error) {
		var s string
		err := r.Scan(&s)
		return s, err
	})
}

// Where collects the conditions of a query and their arguments, in order.
type Where struct {
	conds []string
	args  []any
}

// And adds a condition (with ? placeholders) and its arguments.
func (w *Where) And(cond string, args ...any) *Where {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
	return w
}

// SQL is the conditions joined by AND; "1=1" when there are none.
func (w *Where) SQL() string {
	if len(w.conds) == 0 {
		return "1=1"
	}
	return strings.Join(w.conds, " AND ")
}

// Args are the arguments of the conditions, in order.
func (w *Where) Args() []any { return w.args }

// Page is one page of a list: its columns, tables, conditions and order,
// which rows (Limit from Offset), and how far to count. Lists that may hold
// hundreds of thousands of rows count up to CountCap and say so (the
// total is then "more than CountCap"), as the demand lists do; 0 counts all.
type Page struct {
	Cols, From, Order string
	Where             Where
	Limit, Offset     int
	CountCap          int
}

// Listed is a page of rows and the list's total.
type Listed[T any] struct {
	Items  []T
	Total  int
	Capped bool // Total is CountCap and more rows match
}

// List counts p's rows and reads its page, scanning each row with scan.
func List[T any](ctx context.Context, q Querier, p Page, scan func(Scanner) (T, error)) (Listed[T], error) {
	var out Listed[T]
	w, args := p.Where.SQL(), p.Where.Args()
	count, countArgs := "SELECT count(*) FROM "+p.From+" WHERE "+w, args
	if p.CountCap > 0 {
		count = "SELECT count(*) FROM (SELECT 1 FROM " + p.From + " WHERE " + w + " LIMIT ?) x"
		countArgs = append(append([]any{}, args...), p.CountCap+1)
	}
	if err := q.QueryRow(ctx, count, countArgs...).Scan(&out.Total); err != nil {
		return out, err
	}
	if p.CountCap > 0 && out.Total > p.CountCap {
		out.Total, out.Capped = p.CountCap, true
	}
	items, err := All(ctx, q, "SELECT "+p.Cols+" FROM "+p.From+" WHERE "+w+" ORDER BY "+p.Order+" LIMIT ? OFFSET ?",
		append(append([]any{}, args...), p.Limit, p.Offset), scan)
	out.Items = items
	return out, err
}
