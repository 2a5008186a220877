package org

import (
	"context"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Coverage groups (覆盖): two_new = non-public enterprises + social organisations.
const (
	GroupShop         = "shop"
	GroupTwoNew       = "two_new"
	GroupRegionalUnit = "regional_unit"
)

// Groups lists the coverage groups in the order the coverage API returns them:
// shop, two_new, regional_unit.
var Groups = []string{GroupShop, GroupTwoNew, GroupRegionalUnit}

// GroupOf returns the coverage group of a unit kind.
func GroupOf(k UnitKind) string {
	switch k {
	case Shop:
		return GroupShop
	case NonPublicEnterprise, SocialOrganization:
		return GroupTwoNew
	}
	return GroupRegionalUnit
}

// GroupFigure is coverage of one group: covered = has_party_org OR platform_covered.
type GroupFigure struct {
	Group   string   `json:"group"`
	Total   int      `json:"total"`
	Covered int      `json:"covered"`
	Rate    *float64 `json:"rate"` // nil when Total is 0
}

// Coverage is the figure for one area's subtree.
type Coverage struct {
	Area   string        `json:"area"`
	Name   string        `json:"name"`
	NameEN string        `json:"name_en"` // the area's English name, when set
	Level  Level         `json:"level"`
	Groups []GroupFigure `json:"groups"`
}

// Rate returns covered/total rounded to 4 places, or nil when total is 0.
func Rate(covered, total int) *float64 {
	if total == 0 {
		return nil
	}
	r := float64(int(float64(covered)/float64(total)*10000+0.5)) / 10000
	return &r
}

type tally map[string]*[2]int // group → total, covered

func (t tally) figures() []GroupFigure {
	out := make([]GroupFigure, len(Groups))
	for i, g := range Groups {
		c := t[g]
		if c == nil {
			c = &[2]int{}
		}
		out[i] = GroupFigure{Group: g, Total: c[0], Covered: c[1], Rate: Rate(c[1], c[0])}
	}
	return out
}

// CoverageOf returns coverage for an area's subtree and, for the drill-down,
// for each child area. One grouped query feeds both.
func (s *Service) CoverageOf(ctx context.Context, p *auth.Principal, code string) (Coverage, []Coverage, error) {
	a, err := s.Area(ctx, p, code)
	if err != nil {
		return Coverage{}, nil, err
	}
	if err := auth.Authorize(p, auth.CoverageRead, a.Path); err != nil {
		return Coverage{}, nil, err
	}
	children, err := s.Areas(ctx, p, AreaFilter{Parent: a.Code})
	if err != nil {
		return Coverage{}, nil, err
	}
	counts, err := s.unitCounts(ctx, a.Path)
	if err != nil {
		return Coverage{}, nil, err
	}
	total := tally{}
	byChild := make([]tally, len(children))
	for i := range byChild {
		byChild[i] = tally{}
	}
	add := func(t tally, g string, n, c int) {
		if t[g] == nil {
			t[g] = &[2]int{}
		}
		t[g][0] += n
		t[g][1] += c
	}
	for _, r := range counts {
		g := GroupOf(r.kind)
		add(total, g, r.n, r.covered)
		for i, ch := range children {
			if strings.HasPrefix(r.path, ch.Path) {
				add(byChild[i], g, r.n, r.covered)
				break
			}
		}
	}
	cov := Coverage{Area: a.Code, Name: a.Name, NameEN: a.NameEN, Level: a.Level, Groups: total.figures()}
	kids := make([]Coverage, len(children))
	for i, ch := range children {
		kids[i] = Coverage{Area: ch.Code, Name: ch.Name, NameEN: ch.NameEN, Level: ch.Level, Groups: byChild[i].figures()}
	}
	return cov, kids, nil
}

// unitCount is how many units of a kind an area holds and how many of them are covered.
type unitCount struct {
	path       string
	kind       UnitKind
	n, covered int
}

// countsTTL is how long counts read here may miss another server's unit
// changes; this server's own changes clear them at once.
const countsTTL = 10 * time.Second

// countCache keeps the unit counts of recently read subtrees. Coverage is
// read on every dashboard and counting a district's units costs ~5 ms, while
// units change seldom (an edit, an import).
type countCache struct {
	mu  sync.Mutex
	gen uint64 // bumped by every unit change on this server
	m   map[string]countEntry
}

type countEntry struct {
	at     time.Time
	counts []unitCount
}

// unitsChanged drops every cached count; call it after a unit change commits.
func (s *Service) unitsChanged() {
	s.counts.mu.Lock()
	s.counts.gen++
	s.counts.m = nil
	s.counts.mu.Unlock()
}

// unitCounts returns the counts by area and kind in the subtree at path.
func (s *Service) unitCounts(ctx context.Context, path string) ([]unitCount, error) {
	now := s.clock.Now()
	c := &s.counts
	c.mu.Lock()
	e, ok := c.m[path]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Sub(e.at) < countsTTL && !now.Before(e.at) {
		return e.counts, nil
	}
	cond, arg := area.Subtree(s.db.Dialect, "area_path", path)
	out, err := db.All(ctx, s.db, `SELECT area_path, kind, count(*),
		sum(CASE WHEN has_party_org OR platform_covered THEN 1 ELSE 0 END)
		FROM units WHERE `+cond+` GROUP BY area_path, kind`, []any{arg}, func(sc db.Scanner) (unitCount, error) {
		var r unitCount
		err := sc.Scan(&r.path, &r.kind, &r.n, &r.covered)
		return r, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "coverage")
	}
	c.mu.Lock()
	if c.gen == gen { // no change committed while counting
		if c.m == nil || len(c.m) > 4096 {
			c.m = map[string]countEntry{}
		}
		c.m[path] = countEntry{at: now, counts: out}
	}
	c.mu.Unlock()
	return out, nil
}
