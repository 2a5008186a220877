package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"gongzhi/internal/backup"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/jobs"
)

// backupKind is the job of scheduled backups (定时备份): a periodic job on
// the server's queue, so on PostgreSQL one server of several takes each run,
// a failure is kept as the job's error and retried with the queue's backoff,
// and a run missed while the server was down happens at the next start.
const backupKind = "backup.scheduled"

// backupLayout is the time in a scheduled backup's name, in UTC: names sort
// as their times do, and the time is the snapshot's.
const backupLayout = "20060102T150405Z"

// scheduledBackups writes a backup into dir at every run and keeps the
// newest keep of its own backups there.
type scheduledBackups struct {
	db    *db.DB
	clock clock.Clock
	log   *slog.Logger
	dir   string
	keep  int
}

func (m *Main) scheduledBackups() *scheduledBackups {
	return &scheduledBackups{db: m.DB, clock: m.Clock, log: m.Logger, dir: m.Config.BackupDir, keep: m.Config.BackupKeep}
}

// startBackups registers the scheduled backups when --backup-dir and
// --backup-every ask for them. Without them, a scheduled run left pending
// an hour past its time (no server runs backups any more: one that did
// would have taken it within --timer-interval) is cancelled, so it does not
// read as a late job for ever.
func (m *Main) startBackups(ctx context.Context) {
	if m.Config.BackupDir != "" && m.Config.BackupEvery > 0 {
		m.scheduledBackups().register(m.Jobs, m.Config.BackupEvery)
		m.Logger.Info("scheduled backups", "dir", m.Config.BackupDir, "every", m.Config.BackupEvery.String(), "keep", m.Config.BackupKeep)
		return
	}
	err := m.DB.InTx(ctx, func(tx *db.Tx) error {
		var at time.Time
		err := tx.QueryRow(ctx, "SELECT run_at FROM jobs WHERE kind = ? AND key = ? AND state = 'pending'", backupKind, jobs.PeriodicKey).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) || err == nil && at.After(m.Clock.Now().Add(-time.Hour)) {
			return nil
		} else if err != nil {
			return err
		}
		_, err = m.Jobs.Cancel(ctx, tx, backupKind, jobs.PeriodicKey)
		return err
	})
	if err != nil {
		m.Logger.Error("scheduled backups", "err", err)
	}
}

// register runs the backups on q every interval. The lease outlasts a
// backup of a city's database; NoTx: the run reads its own snapshot and
// writes a file, holding no write lock.
func (b *scheduledBackups) register(q *jobs.Queue, every time.Duration) {
	q.Register(backupKind, b.run, jobs.NoTx(), jobs.Lease(6*time.Hour))
	q.Periodic(backupKind, jobs.Every(every))
}

// run writes one backup, gongzhi-TIME.backup (under a temporary name until
// it is complete), then removes the oldest scheduled backups beyond keep.
func (b *scheduledBackups) run(ctx context.Context, _ *db.Tx, _ jobs.Job) error {
	now := b.clock.Now().UTC().Truncate(time.Second)
	start := time.Now()
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return b.failed(fmt.Errorf("backup directory: %w", err))
	}
	path := filepath.Join(b.dir, "gongzhi-"+now.Format(backupLayout)+".backup")
	m, err := backup.WriteFile(ctx, b.db, path, backup.Options{Now: now, Release: Version})
	if err != nil {
		return b.failed(err)
	}
	removed, err := pruneBackups(b.dir, b.keep)
	if err != nil {
		return b.failed(fmt.Errorf("retention: %w", err))
	}
	b.log.Info("scheduled backup", "file", path, "tables", len(m.Sums), "rows", m.Rows(),
		"seconds", time.Since(start).Seconds(), "removed", removed)
	return nil
}

func (b *scheduledBackups) failed(err error) error {
	b.log.Error("scheduled backup failed", "dir", b.dir, "err", err)
	return err
}

// scheduled lists the scheduled backups in dir, oldest first. Other files
// (a backup written by hand or by cron under another name) are not theirs
// to remove.
func scheduled(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if _, ok := scheduledTime(e.Name()); ok && e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// scheduledTime is the snapshot time in a scheduled backup's name.
func scheduledTime(name string) (time.Time, bool) {
	s, ok := strings.CutPrefix(name, "gongzhi-")
	if !ok {
		return time.Time{}, false
	}
	if s, ok = strings.CutSuffix(s, ".backup"); !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(backupLayout, s)
	return t, err == nil
}

// pruneBackups removes the oldest scheduled backups in dir beyond keep, and
// returns their names.
func pruneBackups(dir string, keep int) ([]string, error) {
	names, err := scheduled(dir)
	if err != nil || len(names) <= keep {
		return nil, err
	}
	old := names[:len(names)-keep]
	for _, n := range old {
		if err := os.Remove(filepath.Join(dir, n)); err != nil {
			return nil, err
		}
	}
	return old, nil
}

// newestBackup is the time of the newest complete backup in dir: a
// scheduled backup's snapshot time, or for any other gongzhi-*.backup (one
// cron wrote with gongzhi backup) the time it was last written. Files still
// being written (.gongzhi-….backup.*) do not count. ok is false when there
// is none.
func newestBackup(dir string) (newest time.Time, ok bool, err error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return time.Time{}, false, err
	}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "gongzhi-") || !strings.HasSuffix(name, ".backup") || !e.Type().IsRegular() {
			continue
		}
		t, sched := scheduledTime(name)
		if !sched {
			info, err := e.Info()
			if err != nil {
				continue // removed meanwhile
			}
			t = info.ModTime()
		}
		if !ok || t.After(newest) {
			newest, ok = t, true
		}
	}
	return newest, ok, nil
}

// backupCollector reports at each scrape how old the newest backup in the
// backup directory is. The directory, not a record in the database, is the
// witness: it shows a file that is there to restore (a deleted or never
// written file shows as an old age or none), it sees backups cron writes
// there with gongzhi backup, and gongzhi backup stays a pure reader of the
// database it copies.
type backupCollector struct {
	dir   string
	clock clock.Clock
	age   *prometheus.Desc
}

func newBackupCollector(dir string, c clock.Clock) *backupCollector {
	return &backupCollector{dir: dir, clock: c,
		age: prometheus.NewDesc("gongzhi_backup_age_seconds", "Age of the newest complete backup in --backup-dir (absent while there is none).", nil, nil)}
}

func (c *backupCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.age }

func (c *backupCollector) Collect(ch chan<- prometheus.Metric) {
	t, ok, err := newestBackup(c.dir)
	if err != nil || !ok {
		return
	}
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, max(c.clock.Now().Sub(t).Seconds(), 0))
}
