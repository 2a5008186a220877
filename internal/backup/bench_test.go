package backup_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/backup"
	"gongzhi/internal/db"
	"gongzhi/internal/demo"
	"gongzhi/internal/testkit"
)

// BenchmarkDemo times backup, restore and move of the demo district (about
// 100,000 demands, 1.4 million rows) against the engines' own tools on the
// same data in the same run: sqlite3's .backup and VACUUM INTO, pg_dump and
// pg_restore. It moves the district SQLite → PostgreSQL → SQLite, and once
// more to PostgreSQL interrupted half-way and run again, and fails unless
// every table's checksum is the original's after each move. Run it with
// -benchtime 1x (docs/benchmarks.md): each step reads what the one before wrote.
func BenchmarkDemo(b *testing.B) {
	outer := b
	ctx := context.Background()
	_, dir := testkit.NewDSN(b, db.SQLite)
	src := open(b, backup.Target{DataDir: dir})
	c := testkit.Clock()
	if _, err := demo.Build(ctx, src, auth.NewService(src, c, testkit.TestHasher()), c); err != nil {
		b.Fatal(err)
	}
	want := sums(b, src)
	work := b.TempDir()
	file, copyFile := filepath.Join(work, "demo.backup"), filepath.Join(work, "copy.db")
	size := func(b *testing.B, path string) {
		if st, err := os.Stat(path); err == nil {
			b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
		}
	}

	b.Run("backup/sqlite", func(b *testing.B) {
		for range b.N {
			writeBackup(b, src, file)
		}
		size(b, file)
	})
	b.Run("sqlite3 .backup", func(b *testing.B) {
		for range b.N {
			os.Remove(copyFile)
			tool(b, "sqlite3", db.SQLitePath(dir), ".backup '"+copyFile+"'")
		}
		size(b, copyFile)
	})
	b.Run("VACUUM INTO", func(b *testing.B) {
		for range b.N {
			os.Remove(copyFile)
			if _, err := src.Exec(ctx, "VACUUM INTO ?", copyFile); err != nil {
				b.Fatal(err)
			}
		}
		size(b, copyFile)
	})
	b.Run("restore/sqlite", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			to := target(b, db.SQLite)
			b.StartTimer()
			if _, err := backup.RestoreFile(ctx, file, to, backup.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	if len(testkit.Engines()) == 1 {
		return
	}

	var pg *db.DB // the copy the steps after the move read: it outlives the step
	pgURL := ""
	b.Run("move/sqlite→postgres", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			to := target(outer, db.Postgres)
			b.StartTimer()
			if _, err := backup.MoveTo(ctx, src, to, backup.Options{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			if pg == nil {
				pg, pgURL = open(outer, to), to.DSN
				equalSums(b, "moved to postgres", want, sums(b, pg))
			}
			b.StartTimer()
		}
	})
	b.Run("move/sqlite→postgres interrupted, then again", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			to := target(b, db.Postgres)
			b.StartTimer()
			// Cancelled half-way through the largest table, in the middle of its COPY.
			cut, cancel := context.WithCancel(ctx)
			_, err := backup.MoveTo(cut, src, to, backup.Options{Progress: func(p backup.Progress) {
				if p.Table == "demand_events" && p.Done >= p.Total/2 {
					cancel()
				}
			}})
			cancel()
			if err == nil {
				b.Fatal("the interrupted move succeeded")
			}
			b.StopTimer()
			d := open(b, to)
			if name, err := backup.FirstNonEmpty(ctx, d); err != nil || name != "" {
				b.Fatalf("after the interrupted move table %q holds rows (%v)", name, err)
			}
			b.StartTimer()
			if _, err := backup.MoveTo(ctx, src, to, backup.Options{}); err != nil {
				b.Fatalf("the move again: %v", err)
			}
			b.StopTimer()
			equalSums(b, "moved again after the interruption", want, sums(b, d))
			b.StartTimer()
		}
	})
	if pg == nil { // the steps below read the moved copy
		return
	}
	pgFile := filepath.Join(work, "demo-pg.backup")
	b.Run("backup/postgres", func(b *testing.B) {
		for range b.N {
			writeBackup(b, pg, pgFile)
		}
		size(b, pgFile)
	})
	dump := filepath.Join(work, "demo.pgdump")
	b.Run("pg_dump -Fc", func(b *testing.B) {
		for range b.N {
			tool(b, "pg_dump", "-Fc", "-f", dump, pgURL)
		}
		size(b, dump)
	})
	b.Run("restore/postgres", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			to := target(b, db.Postgres)
			b.StartTimer()
			if _, err := backup.RestoreFile(ctx, file, to, backup.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pg_restore", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			to := target(b, db.Postgres)
			b.StartTimer()
			// Plain pg_restore since migration 00028 (before it, the dump had
			// to be replayed through psql with public on the search_path).
			tool(b, "pg_restore", "--no-owner", "--exit-on-error", "-d", to.DSN, dump)
		}
	})
	b.Run("move/postgres→sqlite", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			to := target(b, db.SQLite)
			b.StartTimer()
			if _, err := backup.MoveTo(ctx, pg, to, backup.Options{}); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			equalSums(b, "moved back to sqlite", want, sums(b, open(b, to)))
			b.StartTimer()
		}
	})
}

func writeBackup(b *testing.B, d *db.DB, path string) {
	b.Helper()
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := backup.Backup(context.Background(), d, f, backup.Options{}); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// tool runs an engine's own tool, skipping when it is not installed.
func tool(b *testing.B, name string, args ...string) {
	b.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		b.Skipf("%s is not installed", name)
	}
	if out, err := exec.Command(path, args...).CombinedOutput(); err != nil {
		b.Fatalf("%s: %v\n%s", name, err, out)
	}
}
