package db_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

func TestListPagesCountsAndScans(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "CREATE TABLE list_probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL, grp INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= 25; i++ {
			if _, err := d.Exec(ctx, "INSERT INTO list_probe (id, name, grp) VALUES (?, ?, ?)", i, fmt.Sprintf("n%02d", i), i%3); err != nil {
				t.Fatal(err)
			}
		}
		type row struct {
			ID   int
			Name string
		}
		scan := func(r db.Scanner) (row, error) {
			var x row
			err := r.Scan(&x.ID, &x.Name)
			return x, err
		}
		var w db.Where
		w.And("grp = ?", 1).And("id > ?", 3)
		p := db.Page{Cols: "id, name", From: "list_probe", Where: w, Order: "id DESC", Limit: 3, Offset: 1}
		got, err := db.List(ctx, d, p, scan)
		if err != nil {
			t.Fatal(err)
		}
		// grp 1 and id > 3: 4 7 10 13 16 19 22 25 — eight rows; the page skips 25 and takes three.
		if got.Total != 8 || got.Capped || !slices.Equal(got.Items, []row{{22, "n22"}, {19, "n19"}, {16, "n16"}}) {
			t.Fatalf("page = %+v", got)
		}
		p.CountCap = 5
		if got, err = db.List(ctx, d, p, scan); err != nil || got.Total != 5 || !got.Capped || len(got.Items) != 3 {
			t.Fatalf("capped = %+v, %v", got, err)
		}
		p.CountCap, p.Where = 100, db.Where{}
		if got, err = db.List(ctx, d, p, scan); err != nil || got.Total != 25 || got.Capped || got.Items[0].ID != 24 {
			t.Fatalf("no conditions = %+v, %v", got, err)
		}
		names, err := db.Strings(ctx, d, "SELECT name FROM list_probe WHERE id <= ? ORDER BY id", 2)
		if err != nil || !slices.Equal(names, []string{"n01", "n02"}) {
			t.Fatalf("strings = %v, %v", names, err)
		}
		// A failing scan stops the loop with its error; a bad query reports its own.
		if _, err := db.All(ctx, d, "SELECT id FROM list_probe", nil, func(r db.Scanner) (row, error) {
			var x row
			return x, r.Scan(&x.ID, &x.Name)
		}); err == nil {
			t.Fatal("scan of one column into two: no error")
		}
		if _, err := db.All(ctx, d, "SELECT nope FROM list_probe", nil, scan); err == nil {
			t.Fatal("bad query: no error")
		}
		if empty, err := db.All(ctx, d, "SELECT id, name FROM list_probe WHERE id < 0", nil, scan); err != nil || empty == nil || len(empty) != 0 {
			t.Fatalf("no rows = %#v, %v (want an empty, non-nil slice: JSON lists are [] not null)", empty, err)
		}
	})
}
