package org

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"gongzhi/internal/errs"
)

// ImportLimits bound what one unit import may cost, so that a small upload
// cannot take the server's memory or time (an XLSX is a zip: 1 MB can
// unpack to 300 MB). A district has a few thousand units; the limits leave
// several times that and ask for a larger list in several files.
type ImportLimits struct {
	// MaxBytes bounds the file, an XLSX once unpacked, and the text of the
	// cells read from it. A 20,000-row export (12 columns) is a 1 MiB XLSX
	// unpacking to 14 MiB, or a 4 MiB CSV. Default 64 MiB.
	MaxBytes int64
	// MaxRows bounds the data rows (not the header, not blank rows).
	// Default 20,000.
	MaxRows int
	// MaxColumns bounds the columns of a row up to its last value: the
	// import reads 9, an export has 12. Default 60.
	MaxColumns int
	// MaxLineBytes bounds one CSV record (a real one is a few hundred
	// bytes). Default 64 KiB.
	MaxLineBytes int
	// Concurrent is how many imports run at once in this process: the
	// costliest file within the limits (20,000 rows of 60 columns, 56 MiB
	// unpacked) takes 3.5 s and about 200 MiB. Default 2.
	Concurrent int
	// Wait is how long an import waits for a free slot before it is
	// refused with ETOOMANY. Default 5 s; negative means not at all.
	Wait time.Duration
}

// DefaultImportLimits are the limits of a new Service.
var DefaultImportLimits = ImportLimits{MaxBytes: 64 << 20, MaxRows: 20_000, MaxColumns: 60,
	MaxLineBytes: 64 << 10, Concurrent: 2, Wait: 5 * time.Second}

// importGate holds a service's import limits and its slots.
type importGate struct {
	once   sync.Once
	limits ImportLimits
	slots  chan struct{}
}

// SetImportLimits replaces the import limits; zero fields keep the
// defaults. Call it before the service is in use.
func (s *Service) SetImportLimits(l ImportLimits) {
	s.imports.once.Do(func() {})
	s.imports.set(l)
}

func (g *importGate) set(l ImportLimits) {
	d := DefaultImportLimits
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxColumns <= 0 {
		l.MaxColumns = d.MaxColumns
	}
	if l.MaxLineBytes <= 0 {
		l.MaxLineBytes = d.MaxLineBytes
	}
	if l.Concurrent <= 0 {
		l.Concurrent = d.Concurrent
	}
	if l.Wait == 0 {
		l.Wait = d.Wait
	}
	g.limits, g.slots = l, make(chan struct{}, l.Concurrent)
}

// gate returns the import limits and slots, the defaults if none were set.
func (s *Service) gate() *importGate {
	s.imports.once.Do(func() { s.imports.set(ImportLimits{}) })
	return &s.imports
}

// AcquireImport takes one of the import slots, waiting up to the limits'
// Wait, and returns the function that gives it back. ImportUnits takes one;
// so can any other import that reads a large file.
func (s *Service) AcquireImport(ctx context.Context) (release func(), err error) {
	g := s.gate()
	slots := g.slots
	release = func() { <-slots }
	select {
	case slots <- struct{}{}:
		return release, nil
	default:
	}
	if g.limits.Wait > 0 {
		t := time.NewTimer(g.limits.Wait)
		defer t.Stop()
		select {
		case slots <- struct{}{}:
			return release, nil
		case <-ctx.Done():
			return nil, errs.Wrap(ctx.Err(), "wait for an import slot")
		case <-t.C:
		}
	}
	return nil, errs.New(errs.ETOOMANY, "other imports are running; try again in a minute")
}

// errLongRecord is what recordLimiter reads after a record over its limit.
var errLongRecord = errors.New("csv record over the limit")

// recordLimiter passes CSV through and fails once a record (a line, or
// lines joined by a quoted line break) grows longer than max, so that the
// CSV reader never buffers more. It tracks quotes the way the CSV reader
// does: a doubled "" inside a quoted field toggles twice.
type recordLimiter struct {
	r      io.Reader
	max    int
	run    int  // bytes of the current record so far
	quoted bool // inside a quoted field
	line   int  // line breaks seen
	start  int  // line the current record starts on (1-based)
	over   bool
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.over {
		return 0, errLongRecord
	}
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		switch b {
		case '"':
			l.quoted = !l.quoted
		case '\n':
			l.line++
			if !l.quoted {
				l.run, l.start = 0, l.line+1
				continue
			}
		}
		if l.run++; l.run > l.max {
			l.over = true
			return i, errLongRecord
		}
	}
	return n, err
}
