package org

import (
	"context"
	"strings"
	"sync"
	"time"
)

// The display name of an area with its parents (湖南路街道 / 东湖居民区 /
// 第1网格): what pages show where a bare 第1网格, one of hundreds, or a code
// would leave the reader guessing. The district is left out: everyone
// using gongzhi works in it.

// labelsTTL is how long labels read here may miss another server's new or
// renamed areas; this server's own changes clear them at once.
const labelsTTL = time.Minute

// AreaLabels names areas with their parents.
type AreaLabels struct {
	byCode map[string]Area
}

// Label is the area's name with its parents below the district, in the
// reader's language ("" for an unknown code).
func (l *AreaLabels) Label(code, lang string) string {
	a, ok := l.byCode[code]
	if !ok {
		return ""
	}
	var names []string
	for ok && a.Level != District {
		names = append(names, a.NameIn(lang))
		a, ok = l.byCode[a.ParentCode]
	}
	if len(names) == 0 { // the district itself
		return l.byCode[code].NameIn(lang)
	}
	for i, j := 0, len(names)-1; i < j; i, j = i+1, j-1 {
		names[i], names[j] = names[j], names[i]
	}
	return strings.Join(names, " / ")
}

// labelCache keeps the tree's names between requests.
type labelCache struct {
	mu  sync.Mutex
	gen uint64
	at  time.Time
	l   *AreaLabels
}

// areasChanged drops the kept labels; call it after an area change commits.
func (s *Service) areasChanged() {
	s.labels.mu.Lock()
	s.labels.gen++
	s.labels.l = nil
	s.labels.mu.Unlock()
}

// AreaLabels returns the names of the whole tree (a district has a few
// thousand areas), read again at most once a minute.
func (s *Service) AreaLabels(ctx context.Context) (*AreaLabels, error) {
	now := s.clock.Now()
	c := &s.labels
	c.mu.Lock()
	l, at, gen := c.l, c.at, c.gen
	c.mu.Unlock()
	if l != nil && now.Sub(at) < labelsTTL && !now.Before(at) {
		return l, nil
	}
	ix, err := s.LoadAreaIndex(ctx)
	if err != nil {
		return nil, err
	}
	l = &AreaLabels{byCode: ix.byCode}
	c.mu.Lock()
	if c.gen == gen {
		c.l, c.at = l, now
	}
	c.mu.Unlock()
	return l, nil
}
