package search

import (
	"context"
	"slices"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// The shared index (table search_docs): a capability registers each of its
// records with Put in the transaction that changes the record, removes it
// with Delete, and asks Find (a page of refs) or Cond (a condition for its
// own list query). Scope and filters are tokens, so a search within a
// caller's areas with filters is one index look-up on either engine.

// Doc is one record in the shared index.
type Doc struct {
	Kind     string   // the capability's name for its records: "need", "resource", "topic"…
	Ref      int64    // the record's id in its own table
	AreaPath string   // where the record lies; its scope tokens are made from it
	Text     []string // its searchable fields: names, descriptions, addresses
	Tags     []string // its filter tokens, made with Tag (status, category…)
}

// kindTag is the token every record of a kind carries.
func kindTag(kind string) string { return Tag("k", kind) }

// row is d as search_docs' text and tags columns.
func (d Doc) row() (text, tags string, err error) {
	if d.Kind == "" || d.Ref == 0 || !strings.HasPrefix(d.AreaPath, "/") {
		return "", "", errs.New(errs.EINTERNAL, "search: a document needs a kind, a ref and an area path")
	}
	text = Text(strings.Join(d.Text, "\n"))
	tags = strings.Join(append([]string{kindTag(d.Kind), ScopeTokens(d.AreaPath)}, d.Tags...), " ")
	return text, tags, nil
}

// Put adds or replaces d in the index, in tx (the change's transaction).
func Put(ctx context.Context, tx *db.Tx, d Doc) error {
	text, tags, err := d.row()
	if err != nil {
		return err
	}
	if err := Delete(ctx, tx, d.Kind, d.Ref); err != nil {
		return err
	}
	id, err := db.InsertID(ctx, tx, "INSERT INTO search_docs (kind, ref, area_path, text, tags) VALUES (?, ?, ?, ?, ?)",
		d.Kind, d.Ref, d.AreaPath, text, tags)
	if err != nil {
		return errs.Wrap(err, "search index")
	}
	if tx.D() == db.SQLite { // PostgreSQL's vector is a generated column
		if _, err := tx.Exec(ctx, "INSERT INTO search_docs_fts (rowid, text, tags) VALUES (?, ?, ?)", id, text, tags); err != nil {
			return errs.Wrap(err, "search index")
		}
	}
	return nil
}

// PutAll adds docs the index does not hold yet, in tx, by a few multi-row
// statements instead of three per record: a demo build's thousands, or a
// first start after an upgrade.
func PutAll(ctx context.Context, tx *db.Tx, docs []Doc) error {
	if len(docs) == 0 {
		return nil
	}
	var last int64
	if err := tx.QueryRow(ctx, "SELECT COALESCE(max(id), 0) FROM search_docs").Scan(&last); err != nil {
		return errs.Wrap(err, "search index")
	}
	ins := db.NewBulkInsert(tx, "search_docs", []string{"kind", "ref", "area_path", "text", "tags"})
	for _, d := range docs {
		text, tags, err := d.row()
		if err != nil {
			return err
		}
		if err := ins.Add(ctx, d.Kind, d.Ref, d.AreaPath, text, tags); err != nil {
			return errs.Wrap(err, "search index")
		}
	}
	if err := ins.Close(ctx); err != nil {
		return errs.Wrap(err, "search index")
	}
	if tx.D() == db.SQLite {
		if _, err := tx.Exec(ctx, "INSERT INTO search_docs_fts (rowid, text, tags) SELECT id, text, tags FROM search_docs WHERE id > ?", last); err != nil {
			return errs.Wrap(err, "search index")
		}
	}
	return nil
}

// Delete removes a record from the index; a record not in it is no error.
func Delete(ctx context.Context, tx *db.Tx, kind string, ref int64) error {
	if tx.D() == db.SQLite {
		if _, err := tx.Exec(ctx, "DELETE FROM search_docs_fts WHERE rowid IN (SELECT id FROM search_docs WHERE kind = ? AND ref = ?)", kind, ref); err != nil {
			return errs.Wrap(err, "search index")
		}
	}
	_, err := tx.Exec(ctx, "DELETE FROM search_docs WHERE kind = ? AND ref = ?", kind, ref)
	return errs.Wrap(err, "search index")
}

// Query is a search of one kind: the words typed, filter groups (a record
// matches when it holds a token of every group) and the caller's areas:
// pass auth.Scope of the capability's read permission. A record within any
// of them matches; "/" (the system principal) is everywhere, and no areas
// match nothing — a caller without a grant finds nothing.
type Query struct {
	Kind  string
	Q     string
	Tags  [][]string
	Scope []string
}

// where is q as conditions on search_docs (alias s) and, on SQLite, its FTS
// table (alias f), with their arguments.
func (q Query) where(d db.Dialect) (string, []any) {
	terms := Terms(q.Q)
	var indexed []string
	var w db.Where
	for _, t := range terms {
		// A Han character alone is no token of a pair index: it is found
		// inside the stored tokens instead.
		if utf8.RuneCountInString(t) == 1 && t[0] >= utf8.RuneSelf {
			w.And("s.text LIKE ? ESCAPE '\\'", "%"+db.Like(t)+"%")
			continue
		}
		indexed = append(indexed, t)
	}
	groups := append([][]string{{kindTag(q.Kind)}}, q.Tags...)
	if !slices.Contains(q.Scope, "/") {
		scope := []string{"pnone"} // no areas: a token no record holds
		for _, p := range q.Scope {
			scope = append(scope, PathTag(p))
		}
		groups = append(groups, scope)
	}
	expr := Expr(d, "text", "tags", indexed, groups)
	match := "s.tsv @@ to_tsquery('simple', ?)"
	if d == db.SQLite {
		match = "f.search_docs_fts MATCH ?"
	}
	cond := match
	if extra := w.Args(); len(extra) > 0 {
		cond += " AND " + w.SQL()
	}
	return cond, append([]any{expr}, w.Args()...)
}

// from is the tables a query reads.
func from(d db.Dialect) string {
	if d == db.SQLite {
		return "search_docs_fts f JOIN search_docs s ON s.id = f.rowid"
	}
	return "search_docs s"
}

// Find returns one page of the refs of the records matching q, newest
// (highest ref) first, and how many match, counted up to countCap.
func Find(ctx context.Context, qr db.Querier, q Query, limit, offset, countCap int) (db.Listed[int64], error) {
	cond, args := q.where(qr.D())
	var w db.Where
	w.And(cond, args...)
	l, err := db.List(ctx, qr, db.Page{Cols: "s.ref", From: from(qr.D()), Where: w, Order: "s.ref DESC",
		Limit: limit, Offset: offset, CountCap: countCap}, func(r db.Scanner) (int64, error) {
		var ref int64
		err := r.Scan(&ref)
		return ref, err
	})
	return l, errs.Wrap(err, "search")
}

// Cond is q as a condition on a capability's own list query: its records'
// id column refCol IN the matching refs.
func Cond(d db.Dialect, refCol string, q Query) (string, []any) {
	cond, args := q.where(d)
	return refCol + " IN (SELECT s.ref FROM " + from(d) + " WHERE " + cond + ")", args
}

// Refill rebuilds SQLite's copy of the shared index from search_docs, after
// rows were written by other means (a restore, an engine move). PostgreSQL's
// vector is a generated column and needs nothing.
func Refill(ctx context.Context, q db.Querier) error {
	if q.D() != db.SQLite {
		return nil
	}
	if _, err := q.Exec(ctx, "DELETE FROM search_docs_fts"); err != nil {
		return errs.Wrap(err, "empty search index")
	}
	_, err := q.Exec(ctx, "INSERT INTO search_docs_fts (rowid, text, tags) SELECT id, text, tags FROM search_docs")
	return errs.Wrap(err, "fill search index")
}
