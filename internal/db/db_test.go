package db_test

import (
	"context"
	"slices"
	"testing"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

func TestMigrationFoldersMatch(t *testing.T) {
	s, err := db.MigrationNames(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.MigrationNames(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(s) == 0 || !slices.Equal(s, p) {
		t.Fatalf("migration folders differ:\nsqlite:   %v\npostgres: %v", s, p)
	}
}

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b = ?", "a = $1 AND b = $2"},
		{"x = '?' AND y = ?", "x = '?' AND y = $1"},
	}
	for _, c := range cases {
		if got := db.Postgres.Rebind(c.in); got != c.want {
			t.Errorf("Rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := db.SQLite.Rebind(c.in); got != c.in {
			t.Errorf("sqlite Rebind changed %q", c.in)
		}
	}
}

func TestErrorsAndTx(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ins := "INSERT INTO areas (code, name, level, path) VALUES (?, ?, ?, ?)"
		if _, err := d.Exec(ctx, ins, "310104", "徐汇区", "district", "/310104/"); err != nil {
			t.Fatal(err)
		}
		_, err := d.Exec(ctx, ins, "310104", "again", "district", "/x/")
		if errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("duplicate key: got %v, want ECONFLICT", err)
		}
		_, err = d.Exec(ctx, "INSERT INTO areas (code, parent_code, name, level, path) VALUES (?, ?, ?, ?, ?)", "9", "nope", "n", "street", "/9/")
		if errs.Code(err) != errs.EINVALID {
			t.Fatalf("missing parent: got %v, want EINVALID", err)
		}
		// A failed transaction leaves nothing behind.
		err = d.InTx(ctx, func(tx *db.Tx) error {
			if _, err := tx.Exec(ctx, ins, "31010401", "街道", "street", "/310104/01/"); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, ins, "310104", "dup", "district", "/y/")
			return err
		})
		if errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("tx error: %v", err)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT count(*) FROM areas").Scan(&n); err != nil || n != 1 {
			t.Fatalf("after rollback: %d areas, err %v; want 1", n, err)
		}
	})
}

// TestSchemaVersion: the version `gongzhi version` prints is the one a
// migrated database records.
func TestSchemaVersion(t *testing.T) {
	for _, e := range testkit.Engines() {
		t.Run(e.String(), func(t *testing.T) {
			d := testkit.NewDB(t, e)
			var v int64
			if err := d.QueryRow(context.Background(), "SELECT max(version_id) FROM goose_db_version").Scan(&v); err != nil {
				t.Fatal(err)
			}
			if v != db.SchemaVersion() || v < 18 {
				t.Fatalf("database at %d, binary says %d", v, db.SchemaVersion())
			}
		})
	}
}
