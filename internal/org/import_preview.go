package org

import (
	"bytes"
	"cmp"
	"context"
	"io"
	"slices"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// A worker sees what an import will change before it commits: the file is
// checked as an import would be, nothing is written, and the preview says
// how many units would be added where and of which kind, with the first
// rows. The web page keeps the file as a draft until it is confirmed.

// ImportPreview is what an import of a file would add.
type ImportPreview struct {
	File   string         `json:"file"`
	Rows   int            `json:"rows"`
	ByArea []PreviewCount `json:"by_area"` // by area, most first
	ByKind []PreviewCount `json:"by_kind"`
	Sample []PreviewUnit  `json:"sample"` // the first rows, in file order
}

// PreviewCount is how many units an import adds to an area or of a kind.
type PreviewCount struct {
	Key   string `json:"key"` // an area code or a unit kind
	Count int    `json:"count"`
}

// PreviewUnit is one row an import would add.
type PreviewUnit struct {
	Row  int    `json:"row"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Area string `json:"area"`
}

// previewSample is how many rows a preview shows.
const previewSample = 20

// PreviewUnits checks a file as ImportUnits would (every problem named the
// same way) and says what it would add, writing nothing.
func (s *Service) PreviewUnits(ctx context.Context, p *auth.Principal, filename string, r io.Reader) (ImportPreview, error) {
	pv := ImportPreview{File: filename, ByArea: []PreviewCount{}, ByKind: []PreviewCount{}, Sample: []PreviewUnit{}}
	units, release, err := s.prepareImport(ctx, p, filename, r, nil)
	if err != nil {
		return pv, err
	}
	release()
	pv.Rows = len(units)
	areas, kinds := map[string]int{}, map[string]int{}
	for _, u := range units {
		areas[u.area]++
		kinds[u.kind]++
	}
	counts := func(m map[string]int) []PreviewCount {
		out := make([]PreviewCount, 0, len(m))
		for k, n := range m {
			out = append(out, PreviewCount{k, n})
		}
		slices.SortFunc(out, func(a, b PreviewCount) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Key, b.Key)) })
		return out
	}
	pv.ByArea, pv.ByKind = counts(areas), counts(kinds)
	for _, u := range units[:min(previewSample, len(units))] {
		pv.Sample = append(pv.Sample, PreviewUnit{Row: u.row, Name: u.name, Kind: u.kind, Area: u.area})
	}
	return pv, nil
}

// draftTTL is how long an unconfirmed import waits.
const draftTTL = 24 * time.Hour

// SaveImportDraft keeps a previewed file for its uploader to confirm,
// dropping drafts older than a day.
func (s *Service) SaveImportDraft(ctx context.Context, p *auth.Principal, filename string, data []byte) (int64, error) {
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return 0, err
	}
	if p.UserID == 0 {
		return 0, errs.New(errs.EFORBIDDEN, "only a signed-in user keeps an import to confirm")
	}
	now := s.clock.Now()
	var id int64
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM import_drafts WHERE created_at < ?", now.Add(-draftTTL).UTC()); err != nil {
			return errs.Wrap(err, "old import drafts")
		}
		var err error
		id, err = db.InsertID(ctx, tx, "INSERT INTO import_drafts (user_id, filename, data, created_at) VALUES (?, ?, ?, ?)", p.UserID, filename, data, now.UTC())
		return errs.Wrap(err, "import draft")
	})
	return id, err
}

// ConfirmImportDraft imports a draft its uploader previewed and drops it.
// Another user's draft, or one gone, is not found.
func (s *Service) ConfirmImportDraft(ctx context.Context, p *auth.Principal, id int64) (ImportResult, error) {
	var filename string
	var data []byte
	err := s.db.QueryRow(ctx, "SELECT filename, data FROM import_drafts WHERE id = ? AND user_id = ? AND created_at >= ?",
		id, p.UserID, s.clock.Now().Add(-draftTTL).UTC()).Scan(&filename, &data)
	if err != nil {
		return ImportResult{}, db.NotFound(err, "import draft")
	}
	res, err := s.ImportUnits(ctx, p, filename, bytes.NewReader(data), nil)
	if err != nil {
		return res, err
	}
	return res, s.CancelImportDraft(ctx, p, id)
}

// CancelImportDraft drops the caller's draft.
func (s *Service) CancelImportDraft(ctx context.Context, p *auth.Principal, id int64) error {
	_, err := s.db.Exec(ctx, "DELETE FROM import_drafts WHERE id = ? AND user_id = ?", id, p.UserID)
	return errs.Wrap(err, "import draft")
}
