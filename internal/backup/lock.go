package backup

import (
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"syscall"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// A restore or move into a database holds its target's copy lock from
// before the target's schema is prepared until the copy is committed, so a
// server started on that database learns that its data is still arriving
// (its /readyz answers 503, and serve waits before it starts), and a second
// restore into the same database is refused. The lock is advisory state the
// engine or the kernel drops when the holder dies, so a crashed restore
// never leaves a server unready for good: on PostgreSQL a session-level
// advisory lock (per database), on SQLite an flock on a file beside the
// database file (FILE.restoring).

// copyLockKey is the PostgreSQL advisory lock key: "gongzhi" and 1.
const copyLockKey int64 = 0x676f6e677a686901

// lockTarget takes d's copy lock and returns its release. A lock another
// restore or move holds is waited for briefly (a server's readiness check
// holds it shared for an instant), then refused naming the target.
func lockTarget(ctx context.Context, d *db.DB, name string) (func(), error) {
	busy := errs.New(errs.ECONFLICT, "another restore or move is running into %s; wait for it to finish", name)
	if d.Dialect == db.Postgres {
		conn, err := d.SQL().Conn(ctx)
		if err != nil {
			return nil, errs.Wrap(err, "connect")
		}
		for try := 0; ; try++ {
			var ok bool
			if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", copyLockKey).Scan(&ok); err != nil {
				conn.Close()
				return nil, errs.Wrap(err, "lock the target")
			}
			if ok {
				return func() {
					conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock($1)", copyLockKey)
					conn.Close()
				}, nil
			}
			if try == 10 {
				conn.Close()
				return nil, busy
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	path, err := sqliteFile(ctx, d)
	if err != nil || path == "" {
		return func() {}, err
	}
	lock := path + ".restoring"
	f, err := os.OpenFile(lock, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, errs.Wrap(err, "lock the target")
	}
	for try := 0; ; try++ {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || try == 10 {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, busy
			}
			return nil, errs.Wrap(err, "lock the target")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return func() {
		// Removed while still held: whoever opens the name afterwards
		// finds no file, so no restore.
		os.Remove(lock)
		f.Close()
	}, nil
}

// RestoreRunning reports whether a restore or move is copying into d now.
func RestoreRunning(ctx context.Context, d *db.DB) (bool, error) {
	if d.Dialect == db.Postgres {
		// A shared try in a transaction of its own: released at its end.
		tx, err := d.SQL().BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return false, err
		}
		defer tx.Rollback()
		var free bool
		err = tx.QueryRowContext(ctx, "SELECT pg_try_advisory_xact_lock_shared($1)", copyLockKey).Scan(&free)
		return !free, err
	}
	path, err := sqliteFile(ctx, d)
	if err != nil || path == "" {
		return false, err
	}
	return restoringFile(path + ".restoring")
}

// restoringFile reports whether the lock file at path is held.
func restoringFile(path string) (bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	} else if err != nil {
		return false, err
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false, nil
}

// sqliteFile is the file of d's main database ("" in memory).
func sqliteFile(ctx context.Context, d *db.DB) (string, error) {
	var path string
	err := d.QueryRow(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&path)
	return path, errs.Wrap(err, "name the database file")
}
