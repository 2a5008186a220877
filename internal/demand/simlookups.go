package demand

import (
	"context"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
)

// simLookups caches what a duplicate check needs besides the demands: the
// path of each area asked about, and each category's related categories.
// An area's path never changes and areas are never deleted, so a cached
// path never goes stale (an unknown code is asked of the database every
// time, so a new area works at once). The category tree is re-read when
// this server saves a category, and otherwise after categoryStaleness.
type simLookups struct {
	mu     sync.RWMutex
	paths  map[string]string // area code → path
	cats   map[string]catRelation
	catsAt time.Time // clock time the tree was read
	catsOf uint64    // value of gen when it was read
	gen    uint64    // bumped by every category saved here
}

// catRelation is a category's related categories and its parent, as
// relatedCategories returns them.
type catRelation struct {
	related map[string]bool
	parent  string
}

// areaPath returns an area's path.
func (l *simLookups) areaPath(ctx context.Context, q db.Querier, code string) (string, error) {
	l.mu.RLock()
	path, ok := l.paths[code]
	l.mu.RUnlock()
	if ok {
		return path, nil
	}
	path, err := area.Path(ctx, q, code)
	if err != nil {
		return "", err
	}
	l.mu.Lock()
	if l.paths == nil {
		l.paths = map[string]string{}
	}
	l.paths[code] = path
	l.mu.Unlock()
	return path, nil
}

// categoriesChanged drops the category tree after a category was saved.
func (l *simLookups) categoriesChanged() {
	l.mu.Lock()
	l.gen++
	l.mu.Unlock()
}

// relation returns what relatedCategories returns for code, reading the
// category tree with read when the cached one is stale. A tree read while
// a category was being saved is used once and not kept.
func (l *simLookups) relation(ctx context.Context, now time.Time, code string, read func(context.Context) ([]Category, error)) (catRelation, error) {
	l.mu.RLock()
	cats, gen := l.cats, l.gen
	fresh := cats != nil && l.catsOf == gen && !now.Before(l.catsAt) && now.Sub(l.catsAt) < categoryStaleness
	l.mu.RUnlock()
	if !fresh {
		all, err := read(ctx)
		if err != nil {
			return catRelation{}, err
		}
		cats = relations(all)
		l.mu.Lock()
		if l.gen == gen {
			l.cats, l.catsAt, l.catsOf = cats, now, gen
		}
		l.mu.Unlock()
	}
	if r, ok := cats[code]; ok {
		return r, nil
	}
	return catRelation{related: map[string]bool{code: true}}, nil
}

// relations computes every category's relation: the category, its parent,
// its children and its siblings (complaints about a lift and about the
// property company may be one).
func relations(cats []Category) map[string]catRelation {
	exists := map[string]bool{}
	children := map[string][]string{}
	for _, c := range cats {
		exists[c.Code] = true
		if c.Parent != "" {
			children[c.Parent] = append(children[c.Parent], c.Code)
		}
	}
	out := make(map[string]catRelation, len(cats))
	for _, c := range cats {
		rel := map[string]bool{c.Code: true}
		for _, k := range children[c.Code] {
			rel[k] = true
		}
		if c.Parent != "" {
			if exists[c.Parent] {
				rel[c.Parent] = true
			}
			for _, k := range children[c.Parent] {
				rel[k] = true
			}
		}
		out[c.Code] = catRelation{related: rel, parent: c.Parent}
	}
	return out
}
