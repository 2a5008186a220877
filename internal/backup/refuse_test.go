package backup_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// backupFile writes a backup of the district to a file and returns its path
// and bytes.
func backupFile(t *testing.T) (string, []byte) {
	t.Helper()
	src := testkit.NewDB(t, db.SQLite)
	newDistrict(t, src)
	var b bytes.Buffer
	if _, err := backup.Backup(context.Background(), src, &b, backup.Options{}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "district.backup")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

// rewrite returns the backup with its uncompressed text changed by edit.
func rewrite(t *testing.T, file []byte, edit func(string) string) []byte {
	t.Helper()
	z, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	changed := edit(string(text))
	if changed == string(text) {
		t.Fatal("the edit changed nothing")
	}
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write([]byte(changed))
	w.Close()
	return out.Bytes()
}

// TestRestoreRefuses feeds restore bad files and bad targets: each is
// refused with a message naming the file and what is wrong, and the target
// is left as it was (for a bad file, not even created).
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	good, file := backupFile(t)
	newer := rewrite(t, file, func(s string) string {
		return strings.Replace(s, `"schema":`, `"schema":9`, 1)
	})
	edited := rewrite(t, file, func(s string) string { return strings.Replace(s, "广场舞", "广场午", 1) })
	flipped := bytes.Clone(file)
	flipped[len(flipped)/2] ^= 0x40
	cases := []struct {
		name string
		data []byte
		want []string
	}{
		{"truncated", file[:len(file)/2], []string{"is cut short"}},
		{"flipped byte", flipped, []string{"is damaged"}},
		{"a row edited, gzip intact", edited, []string{"is damaged", "table demands holds", "checksum"}},
		{"newer schema", newer, []string{"holds schema version 9", "newer than this gongzhi's"}},
		{"not a backup", []byte("id,name\n1,x\n"), []string{"is not a gongzhi backup file"}},
		{"empty", nil, []string{"is empty or cut short"}},
	}
	for _, e := range testkit.Engines() {
		t.Run("into "+e.String(), func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "bad.backup")
					os.WriteFile(path, c.data, 0o600)
					to := target(t, e)
					_, err := backup.RestoreFile(ctx, path, to, backup.Options{})
					if errs.Code(err) != errs.EINVALID {
						t.Fatalf("restore: %v, want EINVALID", err)
					}
					t.Log(errs.Message(err))
					testkit.Contains(t, errs.Message(err), append([]string{path}, c.want...)...)
					untouched(t, to)
				})
			}
			t.Run("non-empty target", func(t *testing.T) {
				to := target(t, e)
				d := open(t, to)
				testkit.NewFixture(t, d)
				before := sums(t, d)
				_, err := backup.RestoreFile(ctx, good, to, backup.Options{})
				if errs.Code(err) != errs.ECONFLICT {
					t.Fatalf("restore into a non-empty database: %v, want ECONFLICT", err)
				}
				testkit.Contains(t, errs.Message(err), "not empty", "holds rows")
				equalSums(t, "the non-empty target", before, sums(t, d))
			})
			t.Run("a good file", func(t *testing.T) { // the cases above fail for what they changed
				if _, err := backup.RestoreFile(ctx, good, target(t, e), backup.Options{}); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

// untouched checks a restore that failed wrote nothing: no SQLite file, or
// a PostgreSQL database without tables.
func untouched(t *testing.T, to backup.Target) {
	t.Helper()
	if to.DataDir != "" {
		if _, err := os.Stat(db.SQLitePath(to.DataDir)); err == nil {
			t.Fatalf("a failed restore created %s", db.SQLitePath(to.DataDir))
		}
		return
	}
	d, err := db.Connect(context.Background(), to.DSN, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	d.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").Scan(&n)
	if n != 0 {
		t.Fatalf("a failed restore created %d tables", n)
	}
}

// TestTargets reads --to and refuses what names no database gongzhi runs on.
func TestTargets(t *testing.T) {
	for to, want := range map[string]backup.Target{
		"postgres://u@h/db":      {DSN: "postgres://u@h/db"},
		"postgresql://u@h/db":    {DSN: "postgresql://u@h/db"},
		"sqlite:/srv/gz":         {DataDir: "/srv/gz"},
		"sqlite:/srv/gz/copy.db": {DSN: "/srv/gz/copy.db"},
		"/srv/gz":                {DataDir: "/srv/gz"},
	} {
		if got, err := backup.ParseTarget(to); err != nil || got != want {
			t.Errorf("--to %s: %+v %v, want %+v", to, got, err, want)
		}
	}
	for _, to := range []string{"mysql://u@h/db", "", "sqlite:", "http://example.com/db"} {
		_, err := backup.ParseTarget(to)
		if errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "names no database") {
			t.Errorf("--to %q: %v", to, err)
		}
	}
	if got := (backup.Target{DSN: "postgres://u:secret@h/db"}).String(); strings.Contains(got, "secret") {
		t.Errorf("target named with its password: %s", got)
	}
	// A server that does not answer: named, nothing else happens.
	path, _ := backupFile(t)
	_, err := backup.RestoreFile(context.Background(), path, backup.Target{DSN: "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2"}, backup.Options{})
	if errs.Code(err) != errs.EINVALID || !strings.Contains(errs.Message(err), "cannot open the database postgres://postgres@127.0.0.1:1/none") {
		t.Fatalf("restore to a server that does not answer: %v", err)
	}
}

// TestRestoreOlderSchema restores a backup taken before the newest
// migration: the target is brought to the backup's schema, loaded, checked,
// then migrated to this binary's schema, and equals the original migrated
// the same way; also when the empty target was already at the newest schema.
func TestRestoreOlderSchema(t *testing.T) {
	ctx := context.Background()
	src := testkit.NewDB(t, db.SQLite)
	older := db.SchemaVersion() - 1
	if err := src.MigrateDownTo(ctx, older); err != nil {
		t.Fatal(err)
	}
	testkit.NewFixture(t, src)
	var b bytes.Buffer
	m, err := backup.Backup(ctx, src, &b, backup.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Header.Schema != older {
		t.Fatalf("backup of a database at schema %d says %d", older, m.Header.Schema)
	}
	path := filepath.Join(t.TempDir(), "older.backup")
	os.WriteFile(path, b.Bytes(), 0o600)
	if err := src.Migrate(ctx); err != nil { // what the restored copy must equal
		t.Fatal(err)
	}
	want := sums(t, src)
	for _, e := range testkit.Engines() {
		for _, migrated := range []bool{false, true} {
			to := target(t, e)
			if migrated {
				open(t, to).Close() // an empty database at the newest schema
			}
			if _, err := backup.RestoreFile(ctx, path, to, backup.Options{}); err != nil {
				t.Fatalf("restore into %s (migrated first: %v): %v", e, migrated, err)
			}
			d := open(t, to)
			v, err := db.AppliedVersion(ctx, d)
			if err != nil || v != db.SchemaVersion() {
				t.Fatalf("restored %s at schema %d (%v), want %d", e, v, err, db.SchemaVersion())
			}
			equalSums(t, "restored and migrated", want, sums(t, d))
		}
	}
}
