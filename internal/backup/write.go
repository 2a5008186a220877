package backup

import (
	"context"
	"os"
	"path/filepath"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// WriteFile backs d up into the file at path. The file is written beside
// path under a temporary name (.NAME.*, readable by its owner only), synced,
// and renamed to path only when complete, so path never holds part of a
// backup: a failed or interrupted run leaves whatever path held before.
func WriteFile(ctx context.Context, d *db.DB, path string, opts Options) (*Manifest, error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, errs.New(errs.EINVALID, "cannot write a backup in %s: %s", dir, err.Error())
	}
	tmp := f.Name()
	defer os.Remove(tmp) // gone after the rename; the partial file after a failure
	m, err := Backup(ctx, d, f, opts)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return nil, errs.Wrap(err, "write "+path)
	}
	// The rename lasts a power cut only once the directory is synced.
	if dh, err := os.Open(dir); err == nil {
		dh.Sync()
		dh.Close()
	}
	return m, nil
}
