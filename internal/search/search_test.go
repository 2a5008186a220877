package search_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/search"
	"gongzhi/internal/testkit"
)

func TestTokens(t *testing.T) {
	for _, c := range []struct{ in, bigrams, terms string }{
		{"噪音扰民", "噪音 扰民 音扰", "噪音 扰民 音扰"},
		{"３号楼 Wi-Fi", "3 fi wi 号楼", "3 fi wi 号楼"},
		{"吵", "", "吵"},
		{"", "", ""},
	} {
		if got := strings.Join(search.Bigrams(c.in), " "); got != c.bigrams {
			t.Errorf("Bigrams(%q) = %q, want %q", c.in, got, c.bigrams)
		}
		if got := strings.Join(search.Terms(c.in), " "); got != c.terms {
			t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.terms)
		}
	}
	if got := search.ScopeTokens("/310104/001/"); got != search.PathTag("/310104/")+" "+search.PathTag("/310104/001/") {
		t.Errorf("ScopeTokens = %q", got)
	}
}

// TestIndex registers records of two kinds in the shared index and finds
// them by words, filters and scope on both engines, and checks that each
// engine splits the stored text into exactly the tokens Go made.
func TestIndex(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		put := func(docs ...search.Doc) {
			t.Helper()
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				for _, doc := range docs {
					if err := search.Put(ctx, tx, doc); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		open, done := search.Tag("s", "open"), search.Tag("s", "done")
		put(
			search.Doc{Kind: "need", Ref: 1, AreaPath: "/d/a/", Text: []string{"夜间停车位不足", "东湖小区"}, Tags: []string{open}},
			search.Doc{Kind: "need", Ref: 2, AreaPath: "/d/a/g1/", Text: []string{"老人助餐", "需要午餐配送"}, Tags: []string{open}},
			search.Doc{Kind: "need", Ref: 3, AreaPath: "/d/b/", Text: []string{"停车难", "天平路夜间停车"}, Tags: []string{done}},
			search.Doc{Kind: "resource", Ref: 1, AreaPath: "/d/a/", Text: []string{"夜间停车位 40 个"}},
		)
		find := func(q search.Query) []int64 {
			t.Helper()
			if q.Scope == nil { // the cases below that test scope set it
				q.Scope = []string{"/"}
			}
			l, err := search.Find(ctx, d, q, 50, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			if l.Total != len(l.Items) {
				t.Fatalf("%+v: total %d for %d items", q, l.Total, len(l.Items))
			}
			return l.Items
		}
		for _, c := range []struct {
			q    search.Query
			want []int64
		}{
			{search.Query{Kind: "need", Q: "停车"}, []int64{3, 1}},
			{search.Query{Kind: "need", Q: "夜间 停车"}, []int64{3, 1}},
			{search.Query{Kind: "resource", Q: "停车"}, []int64{1}},
			{search.Query{Kind: "need", Q: "停车", Scope: []string{"/d/a/"}}, []int64{1}},
			{search.Query{Kind: "need", Scope: []string{"/d/a/"}}, []int64{2, 1}},
			{search.Query{Kind: "need", Scope: []string{"/d/a/g1/", "/d/b/"}}, []int64{3, 2}},
			{search.Query{Kind: "need", Scope: []string{}}, []int64{}},
			{search.Query{Kind: "need", Q: "停车", Scope: []string{"/d/"}}, []int64{3, 1}},
			{search.Query{Kind: "need", Tags: [][]string{{open}}}, []int64{2, 1}},
			{search.Query{Kind: "need", Tags: [][]string{{open, done}}}, []int64{3, 2, 1}},
			{search.Query{Kind: "need", Q: "餐"}, []int64{2}}, // a lone character, found inside the pairs
			{search.Query{Kind: "need", Q: "游泳"}, []int64{}},
		} {
			if got := find(c.q); !slices.Equal(got, c.want) {
				t.Errorf("Find(%+v) = %v, want %v", c.q, got, c.want)
			}
		}
		// Cond limits a capability's own query.
		if _, err := d.Exec(ctx, "CREATE TABLE probe_needs (id INTEGER PRIMARY KEY, title TEXT NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 3; i++ {
			if _, err := d.Exec(ctx, "INSERT INTO probe_needs (id, title) VALUES (?, ?)", i, fmt.Sprint("需求", i)); err != nil {
				t.Fatal(err)
			}
		}
		cond, args := search.Cond(d.Dialect, "n.id", search.Query{Kind: "need", Q: "停车", Scope: []string{"/"}})
		// No grant (auth.Scope gives nil): nothing, not everything.
		if l, err := search.Find(ctx, d, search.Query{Kind: "need", Q: "停车"}, 50, 0, 0); err != nil || l.Total != 0 || len(l.Items) != 0 {
			t.Fatalf("no scope found %+v, %v", l, err)
		}
		titles, err := db.Strings(ctx, d, "SELECT n.title FROM probe_needs n WHERE "+cond+" ORDER BY n.id", args...)
		if err != nil || !slices.Equal(titles, []string{"需求1", "需求3"}) {
			t.Fatalf("Cond: %v %v", titles, err)
		}
		// A refill (after a restore) rebuilds what the engine needs.
		if d.Dialect == db.SQLite {
			if _, err := d.Exec(ctx, "DELETE FROM search_docs_fts"); err != nil {
				t.Fatal(err)
			}
		}
		if err := search.Refill(ctx, d); err != nil {
			t.Fatal(err)
		}
		if got := find(search.Query{Kind: "need", Q: "停车"}); !slices.Equal(got, []int64{3, 1}) {
			t.Errorf("after a refill: %v", got)
		}
		// Replacing and deleting.
		put(search.Doc{Kind: "need", Ref: 1, AreaPath: "/d/a/", Text: []string{"电梯加装"}})
		if got := find(search.Query{Kind: "need", Q: "停车"}); !slices.Equal(got, []int64{3}) {
			t.Errorf("after replacing need 1: %v", got)
		}
		if err := d.InTx(ctx, func(tx *db.Tx) error { return search.Delete(ctx, tx, "need", 3) }); err != nil {
			t.Fatal(err)
		}
		if got := find(search.Query{Kind: "need", Q: "停车"}); len(got) != 0 {
			t.Errorf("after deleting need 3: %v", got)
		}

		// The engine's own tokenizer splits the stored text into Go's tokens.
		text := "３号楼Wi-Fi信号差，噪音扰民！café 2026年"
		put(search.Doc{Kind: "probe", Ref: 9, AreaPath: "/d/", Text: []string{text}})
		var engine []string
		if d.Dialect == db.Postgres {
			engine, err = db.Strings(ctx, d, "SELECT unnest(tsvector_to_array(to_tsvector('simple', text))) FROM search_docs WHERE kind = 'probe'")
		} else {
			if _, err := d.Exec(ctx, "CREATE VIRTUAL TABLE probe_vocab USING fts5vocab(search_docs_fts, 'instance')"); err != nil {
				t.Fatal(err)
			}
			engine, err = db.Strings(ctx, d, `SELECT DISTINCT v.term FROM probe_vocab v JOIN search_docs s ON s.id = v.doc
				WHERE s.kind = 'probe' AND v.col = 'text'`)
		}
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(engine)
		want := search.Bigrams(text)
		if d.Dialect == db.SQLite {
			// unicode61 also folds diacritics, in the stored text and in
			// queries alike, so searches still agree.
			want[slices.Index(want, "café")] = "cafe"
			slices.Sort(want)
		}
		if !slices.Equal(engine, want) {
			t.Errorf("engine tokens %v, Go tokens %v", engine, want)
		}
	})
}
