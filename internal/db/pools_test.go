package db_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// Reads outside a transaction run on SQLite's read pool with prepared
// statements kept; what a committed write changed must show at once, a
// write sent through QueryRow (INSERT … RETURNING) must still be written,
// and statements past the cache's bound must still answer right.
func TestReadPoolSeesWritesAndKeepsStatements(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, "CREATE TABLE pool_probe (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)"); err != nil {
			t.Fatal(err)
		}
		count := func() int {
			var n int
			if err := d.QueryRow(ctx, "SELECT count(*) FROM pool_probe").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for i := 1; i <= 5; i++ {
			if err := d.InTx(ctx, func(tx *db.Tx) error {
				_, err := tx.Exec(ctx, "INSERT INTO pool_probe (id, n) VALUES (?, ?)", i, i*10)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if got := count(); got != i {
				t.Fatalf("after %d commits the read pool counts %d rows", i, got)
			}
		}
		id, err := db.InsertID(ctx, d, "INSERT INTO pool_probe (id, n) VALUES (?, ?)", 6, 60)
		if err != nil || id != 6 {
			t.Fatalf("INSERT … RETURNING through QueryRow: id %d, err %v", id, err)
		}
		if got := count(); got != 6 {
			t.Fatalf("after INSERT … RETURNING: %d rows, want 6", got)
		}
		// More distinct statements than the cache keeps, each answered right.
		for i := range 1200 {
			var got int
			q := fmt.Sprintf("SELECT n + %d FROM pool_probe WHERE id = ?", i)
			if err := d.QueryRow(ctx, q, 1+i%6).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if want := (1+i%6)*10 + i; got != want {
				t.Fatalf("statement %d: %d, want %d", i, got, want)
			}
		}
		// Readers beside a writer: every read sees a whole number of
		// committed rows, never fewer than before.
		var wg sync.WaitGroup
		errc := make(chan error, 8)
		wg.Go(func() {
			for i := 7; i <= 56; i++ {
				if err := d.InTx(ctx, func(tx *db.Tx) error {
					_, err := tx.Exec(ctx, "INSERT INTO pool_probe (id, n) VALUES (?, ?)", i, i*10)
					return err
				}); err != nil {
					errc <- err
					return
				}
			}
		})
		for range 4 {
			wg.Go(func() {
				last := 0
				for range 50 {
					rows, err := d.Query(ctx, "SELECT id FROM pool_probe ORDER BY id")
					if err != nil {
						errc <- err
						return
					}
					n := 0
					for rows.Next() {
						n++
					}
					rows.Close()
					if n < last || n < 6 {
						errc <- fmt.Errorf("a read saw %d rows after one saw %d", n, last)
						return
					}
					last = n
				}
			})
		}
		wg.Wait()
		close(errc)
		for err := range errc {
			t.Fatal(err)
		}
		if got := count(); got != 56 {
			t.Fatalf("%d rows at the end, want 56", got)
		}
	})
}
