package lists

import (
	"context"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
)

// The three lists are found by their words through the shared index
// (search_docs): each record is put there in the transaction that writes it.

func needDoc(n Need) search.Doc {
	return search.Doc{Kind: "need", Ref: n.ID, AreaPath: n.AreaPath, Text: []string{n.Title, n.Detail}}
}

func resourceDoc(r Resource) search.Doc {
	return search.Doc{Kind: "resource", Ref: r.ID, AreaPath: r.AreaPath,
		Text: []string{r.Title, r.Detail, r.ProviderName, r.Conditions, r.Address}}
}

func projectDoc(p Project) search.Doc {
	return search.Doc{Kind: "project", Ref: p.ID, AreaPath: p.AreaPath, Text: []string{p.Title, p.Summary, p.LeadName, p.Funding}}
}

// textCond is a list's words typed as a condition on its id column. The
// index is asked without area scope ("/"): the list's own query already
// holds the caller's scope, which for resources and projects also reaches
// the caller's own unit's records outside its areas.
func textCond(d db.Dialect, kind, idCol, q string) (string, []any) {
	return search.Cond(d, idCol, search.Query{Kind: kind, Q: q, Scope: []string{"/"}})
}

// indexRows are the SQL that reads each kind's searchable fields, for
// records not yet in the index.
var indexRows = []struct {
	kind string
	sql  string
	doc  func(r db.Scanner) (search.Doc, error)
}{
	{"need", `SELECT n.id, n.area_path, n.title, n.detail FROM needs n`, func(r db.Scanner) (search.Doc, error) {
		var n Need
		err := r.Scan(&n.ID, &n.AreaPath, &n.Title, &n.Detail)
		return needDoc(n), err
	}},
	{"resource", `SELECT n.id, n.area_path, n.title, n.detail, n.provider_name, n.conditions, n.address FROM resources n`, func(r db.Scanner) (search.Doc, error) {
		var x Resource
		err := r.Scan(&x.ID, &x.AreaPath, &x.Title, &x.Detail, &x.ProviderName, &x.Conditions, &x.Address)
		return resourceDoc(x), err
	}},
	{"project", `SELECT n.id, n.area_path, n.title, n.summary, n.lead_name, n.funding FROM projects n`, func(r db.Scanner) (search.Doc, error) {
		var p Project
		err := r.Scan(&p.ID, &p.AreaPath, &p.Title, &p.Summary, &p.LeadName, &p.Funding)
		return projectDoc(p), err
	}},
}

// IndexMissing puts every need, resource and project the shared index does
// not hold yet into it, in one transaction: records written before the
// index served the lists, or by bulk (the demo). It returns how many.
func IndexMissing(ctx context.Context, tx *db.Tx) (int, error) {
	var docs []search.Doc
	for _, k := range indexRows {
		ds, err := db.All(ctx, tx, k.sql+` WHERE NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.kind = ? AND s.ref = n.id) ORDER BY n.id`,
			[]any{k.kind}, k.doc)
		if err != nil {
			return 0, errs.Wrap(err, "read "+k.kind+"s to index")
		}
		docs = append(docs, ds...)
	}
	return len(docs), search.PutAll(ctx, tx, docs)
}

// IndexMissing is the package function in a transaction of its own, for
// the server's start after an upgrade.
func (s *Service) IndexMissing(ctx context.Context) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, err = IndexMissing(ctx, tx)
		return err
	})
	return n, err
}
