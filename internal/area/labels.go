package area

import (
	"context"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/db"
)

// The display name of an area with its parents (湖南路街道 / 东湖居民区 /
// 第1网格): what pages show where a bare 第1网格, one of hundreds, or a code
// would leave the reader guessing. The district is left out: everyone
// using gongzhi works in it.

// labelsTTL is how long labels read here may miss another server's new or
// renamed areas; this server's own changes clear them at once (Changed).
const labelsTTL = time.Minute

// Labels names areas with their parents. It is read-only once built, so
// any number of requests may share one.
type Labels struct {
	byCode map[string]Area
}

// NewLabels indexes areas, a whole tree as All returns it.
func NewLabels(areas []Area) *Labels {
	l := &Labels{byCode: make(map[string]Area, len(areas))}
	for _, a := range areas {
		l.byCode[a.Code] = a
	}
	return l
}

// Area returns the area with code, if there is one.
func (l *Labels) Area(code string) (Area, bool) {
	a, ok := l.byCode[code]
	return a, ok
}

// Label is the area's name with its parents below the district, in the
// reader's language ("" for an unknown code).
func (l *Labels) Label(code, lang string) string {
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

// Cache keeps the tree's Labels between requests: a server holds one (the
// org service's) and tells it of every area it creates. The zero Cache is
// empty and ready; it is safe for concurrent use.
type Cache struct {
	mu  sync.Mutex
	gen uint64 // bumped by every Changed
	at  time.Time
	l   *Labels
}

// Labels returns the names of the whole tree (a district has a few
// thousand areas), read again with q when those kept are older than a
// minute at now.
func (c *Cache) Labels(ctx context.Context, q db.Querier, now time.Time) (*Labels, error) {
	c.mu.Lock()
	l, at, gen := c.l, c.at, c.gen
	c.mu.Unlock()
	if l != nil && now.Sub(at) < labelsTTL && !now.Before(at) {
		return l, nil
	}
	all, err := All(ctx, q)
	if err != nil {
		return nil, err
	}
	l = NewLabels(all)
	c.mu.Lock()
	if c.gen == gen { // no area changed while reading: keep them
		c.l, c.at = l, now
	}
	c.mu.Unlock()
	return l, nil
}

// Changed drops the kept labels; call it after an area change commits (a
// reader that began before then does not keep what it read).
func (c *Cache) Changed() {
	c.mu.Lock()
	c.gen++
	c.l = nil
	c.mu.Unlock()
}
