package demand

import (
	"slices"
	"sync"
	"time"
)

// figureCache keeps dashboard figures computed in the last FiguresLag.
// Many leaders and workers open the same dashboards (a district's or a
// street's last 30 days), and each computation reads hundreds of rollup
// rows whose pages every commit drops from SQLite's caches; a figure a
// second or two old is as good to a reader as one computed now.
type figureCache struct {
	mu sync.Mutex
	m  map[figureKey]figureEntry
}

type figureKey struct {
	f         StatsFilter
	breakdown bool
}

type figureEntry struct {
	at    time.Time
	stats Stats
	b     Breakdown
}

// maxFigureEntries bounds the cache; past it, it starts again empty.
const maxFigureEntries = 4096

func (s *Service) cachedFigures(k figureKey) (figureEntry, bool) {
	if s.FiguresLag <= 0 {
		return figureEntry{}, false
	}
	now := s.clock.Now()
	s.figures.mu.Lock()
	e, ok := s.figures.m[k]
	s.figures.mu.Unlock()
	if !ok || now.Before(e.at) || now.Sub(e.at) >= s.FiguresLag {
		return figureEntry{}, false
	}
	return e, true
}

func (s *Service) keepFigures(k figureKey, e figureEntry) {
	if s.FiguresLag <= 0 {
		return
	}
	e.at = s.clock.Now()
	s.figures.mu.Lock()
	if s.figures.m == nil || len(s.figures.m) >= maxFigureEntries {
		s.figures.m = map[figureKey]figureEntry{}
	}
	s.figures.m[k] = e
	s.figures.mu.Unlock()
}

// clone copies b's slices, so a caller wording names for its reader
// (InLang) does not change what the cache holds.
func (b Breakdown) clone() Breakdown {
	b.ByCategory, b.ByArea, b.ByDay = slices.Clone(b.ByCategory), slices.Clone(b.ByArea), slices.Clone(b.ByDay)
	return b
}
