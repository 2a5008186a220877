package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi/internal/backup"
	"gongzhi/internal/jobs"
	"gongzhi/internal/testkit"
)

// TestScheduledBackups moves a fake clock through the backup schedule on
// each engine: each run writes a complete backup (backup.CheckFile reads it
// whole) named for its snapshot, retention keeps the newest --backup-keep,
// the age metric reads the newest, a failing run is kept as the job's error
// and retried after the backoff, and with the schedule off a stale pending
// run is cancelled.
func TestScheduledBackups(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn, data := testkit.NewDSN(t, eng)
			dir := filepath.Join(t.TempDir(), "backups")
			cfg := DefaultConfig(func(string) string { return "" })
			cfg.DB, cfg.DataDir, cfg.BackupDir, cfg.BackupEvery, cfg.BackupKeep = dsn, data, dir, 6*time.Hour, 2
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			clk := testkit.Clock()
			m := NewMain(cfg, io.Discard)
			m.Clock = clk
			if err := m.Open(ctx); err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			testkit.NewFixture(t, m.DB)
			m.startBackups(ctx)
			// run runs what is due and returns how many backups there are
			// (other kinds' periodic jobs may run beside them).
			run := func() int {
				t.Helper()
				if _, err := m.Jobs.RunDue(ctx); err != nil {
					t.Fatalf("at %s: %v", clk.Now().Format(time.RFC3339), err)
				}
				got, _ := scheduled(dir)
				return len(got)
			}
			if n := run(); n != 0 {
				t.Fatalf("%d backups at the start, want the first one interval later", n)
			}
			var names []string
			for range 3 {
				clk.Advance(6 * time.Hour)
				if n := run(); n != min(len(names)+1, 2) {
					t.Fatalf("at %s: %d backups", clk.Now().Format(time.RFC3339), n)
				}
				names = append(names, "gongzhi-"+clk.Now().UTC().Format(backupLayout)+".backup")
			}
			got, err := scheduled(dir)
			if err != nil || !slices.Equal(got, names[1:]) {
				t.Fatalf("backups kept: %v %v, want the newest two of %v", got, err, names)
			}
			ents, _ := os.ReadDir(dir)
			if len(ents) != 2 {
				t.Fatalf("the directory holds %d files, want the 2 backups (no temporary files left)", len(ents))
			}
			for _, n := range got {
				man, err := backup.CheckFile(ctx, filepath.Join(dir, n))
				if err != nil {
					t.Fatalf("%s: %v", n, err)
				}
				if at, _ := scheduledTime(n); !man.Header.CreatedAt.Equal(at) || man.Header.Engine != eng.String() || man.Rows() == 0 {
					t.Fatalf("%s holds %+v", n, man.Header)
				}
			}
			if st, _ := os.Stat(filepath.Join(dir, got[1])); st.Mode().Perm() != 0o600 {
				t.Fatalf("a scheduled backup is %v, want 0600 (personal data)", st.Mode().Perm())
			}

			// The metric: the newest backup is 10 minutes old; a backup cron
			// wrote under another name counts by its modification time, and
			// a file still being written does not count.
			reg := prometheus.NewRegistry()
			reg.MustRegister(newBackupCollector(dir, clk))
			clk.Advance(10 * time.Minute)
			if age := gather(t, reg)["gongzhi_backup_age_seconds"]; age != 600 {
				t.Fatalf("gongzhi_backup_age_seconds = %v, want 600", age)
			}
			os.WriteFile(filepath.Join(dir, ".gongzhi-x.backup.123"), nil, 0o600)
			cron := filepath.Join(dir, "gongzhi-2026-11-30.backup")
			os.WriteFile(cron, nil, 0o600)
			os.Chtimes(cron, clk.Now().Add(-time.Minute), clk.Now().Add(-time.Minute))
			if age := gather(t, reg)["gongzhi_backup_age_seconds"]; age != 60 {
				t.Fatalf("gongzhi_backup_age_seconds with a backup cron wrote a minute ago = %v, want 60", age)
			}
			if _, ok := gather(t, prometheusWith(newBackupCollector(t.TempDir(), clk)))["gongzhi_backup_age_seconds"]; ok {
				t.Fatal("an empty backup directory reports an age")
			}
			if got, _ := scheduled(dir); len(got) != 2 {
				t.Fatalf("retention counted other files: %v", got)
			}

			// A failing run: the directory is a file now.
			os.RemoveAll(dir)
			os.WriteFile(dir, []byte("not a directory"), 0o600)
			clk.Advance(6 * time.Hour)
			run()
			var state, lastErr string
			var at time.Time
			if err := m.DB.QueryRow(ctx, "SELECT state, last_error, run_at FROM jobs WHERE kind = ? AND key = ? AND state <> 'done'", backupKind, jobs.PeriodicKey).Scan(&state, &lastErr, &at); err != nil {
				t.Fatal(err)
			}
			if state != jobs.Pending || !strings.Contains(lastErr, "backup directory") || !at.Equal(clk.Now().Add(jobs.DefaultBackoff(1))) {
				t.Fatalf("after a failed backup the job is %s at %s with error %q, want pending a minute later with the error", state, at, lastErr)
			}

			// Scheduling turned off: the run nobody takes is cancelled once it is an hour late.
			m.Config.BackupEvery = 0
			m.startBackups(ctx)
			if n := pendingBackups(t, m); n != 1 {
				t.Fatalf("a backup run due a minute from now was cancelled (%d pending)", n)
			}
			clk.Advance(2 * time.Hour)
			m.startBackups(ctx)
			if n := pendingBackups(t, m); n != 0 {
				t.Fatalf("%d backup runs still pending two hours late with scheduling off", n)
			}
		})
	}
}

func pendingBackups(t *testing.T, m *Main) int {
	t.Helper()
	var n int
	if err := m.DB.QueryRow(context.Background(), "SELECT count(*) FROM jobs WHERE kind = ? AND state = 'pending'", backupKind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func prometheusWith(c prometheus.Collector) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	return reg
}
