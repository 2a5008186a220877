package org

import (
	"context"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// AreaFilter narrows Areas. Empty fields do not filter.
type AreaFilter struct {
	Level  string
	Parent string
	Q      string
}

// Areas lists areas p may see, in tree order.
func (s *Service) Areas(ctx context.Context, p *auth.Principal, f AreaFilter) ([]Area, error) {
	if err := auth.AuthorizeAny(p, auth.AreaRead); err != nil {
		return nil, err
	}
	if f.Level != "" && !ValidLevel(f.Level) {
		return nil, errs.Invalid("level", "level must be district, street, residential, lane or grid")
	}
	return area.List(ctx, s.db, area.Filter{Level: Level(f.Level), Parent: f.Parent, Q: f.Q,
		Scope: func(col string) (string, []any) { return auth.ScopeSQL(s.db.Dialect, p, auth.AreaRead, col) }})
}

// Area returns one area if p may see it. Areas outside scope are "not found"
// so their existence does not leak.
func (s *Service) Area(ctx context.Context, p *auth.Principal, code string) (Area, error) {
	a, err := area.Get(ctx, s.db, code)
	if err != nil {
		return Area{}, err
	}
	if err := auth.Authorize(p, auth.AreaRead, a.Path); err != nil {
		if errs.Code(err) == errs.EUNAUTHORIZED {
			return Area{}, err
		}
		return Area{}, errs.New(errs.ENOTFOUND, "area %s not found", code)
	}
	return a, nil
}

// Ancestors returns the chain from the district down to the area's parent,
// for breadcrumbs. Names of ancestors are not secret.
func (s *Service) Ancestors(ctx context.Context, a Area) ([]Area, error) {
	if a.ParentCode == "" {
		return nil, nil
	}
	line, err := area.Lineage(ctx, s.db, a.Path)
	if err != nil {
		return nil, err
	}
	return line[:len(line)-1], nil
}

// NewArea is what CreateArea takes.
type NewArea struct {
	Code   string
	Name   string
	NameEN string // optional English name
	Level  string
	Parent string // empty only for a district
}

// childLevel says which levels may sit under which.
var childLevel = map[Level][]Level{
	District: {Street}, Street: {Residential}, Residential: {Lane, Grid}, Lane: {Grid},
}

// CreateArea adds a node to the tree. The code must extend the parent's code
// so codes stay readable (310104 → 310104004 → 310104004017).
func (s *Service) CreateArea(ctx context.Context, p *auth.Principal, in NewArea) (Area, error) {
	var a Area
	in.Name, in.NameEN = strings.TrimSpace(in.Name), strings.TrimSpace(in.NameEN)
	if in.Name == "" {
		return a, errs.Invalid("name", "name is required")
	}
	if len([]rune(in.Name)) > 100 || len([]rune(in.NameEN)) > 100 {
		return a, errs.Invalid("name", "a name may be at most 100 characters")
	}
	if !ValidLevel(in.Level) {
		return a, errs.Invalid("level", "level must be district, street, residential, lane or grid")
	}
	if in.Code == "" || strings.ContainsAny(in.Code, "/ ") {
		return a, errs.Invalid("code", "code is required and may not contain '/' or spaces")
	}
	path := "/" + in.Code + "/"
	if in.Parent != "" {
		parent, err := s.Area(ctx, p, in.Parent)
		if err != nil {
			return a, err
		}
		ok := false
		for _, l := range childLevel[parent.Level] {
			ok = ok || l == Level(in.Level)
		}
		if !ok {
			return a, errs.Invalid("level", "a %s cannot sit under a %s", in.Level, parent.Level)
		}
		if !strings.HasPrefix(in.Code, parent.Code) || len(in.Code) == len(parent.Code) {
			return a, errs.Invalid("code", "code must start with the parent's code %s", parent.Code)
		}
		path = parent.Path + strings.TrimPrefix(in.Code, parent.Code) + "/"
		if err := auth.Authorize(p, auth.OrgWrite, parent.Path); err != nil {
			return a, err
		}
	} else if Level(in.Level) != District {
		return a, errs.Invalid("parent", "only a district has no parent")
	} else if err := auth.Authorize(p, auth.OrgWrite, path); err != nil {
		return a, err
	}
	a = Area{Code: in.Code, Name: in.Name, NameEN: in.NameEN, Level: Level(in.Level), ParentCode: in.Parent, Path: path}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if err := area.Create(ctx, tx, a); err != nil {
			return err
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "create", Entity: "area", EntityID: a.Code, AreaPath: a.Path, After: a})
	})
	s.areasChanged()
	return a, err
}

// AreaIndex resolves area codes and full name paths (徐汇区/湖南路街道/…) to areas.
type AreaIndex struct {
	byCode map[string]Area
	byName map[string]Area
}

// LoadAreaIndex reads the whole tree once (a district has a few thousand nodes).
func (s *Service) LoadAreaIndex(ctx context.Context) (*AreaIndex, error) {
	all, err := area.All(ctx, s.db)
	if err != nil {
		return nil, err
	}
	ix := &AreaIndex{byCode: map[string]Area{}, byName: map[string]Area{}}
	for _, a := range all {
		ix.byCode[a.Code] = a
		// Parents sort before children by path, so the parent's name path is known.
		name := a.Name
		if par, ok := ix.byCode[a.ParentCode]; ok {
			name = ix.fullName(par) + "/" + a.Name
		}
		ix.byName[name] = a
	}
	return ix, nil
}

func (ix *AreaIndex) fullName(a Area) string {
	parts := []string{a.Name}
	for a.ParentCode != "" {
		a = ix.byCode[a.ParentCode]
		parts = append([]string{a.Name}, parts...)
	}
	return strings.Join(parts, "/")
}

// Lookup finds an area by code or by full name path.
func (ix *AreaIndex) Lookup(s string) (Area, bool) {
	s = strings.TrimSpace(s)
	if a, ok := ix.byCode[s]; ok {
		return a, true
	}
	a, ok := ix.byName[strings.Trim(s, "/")]
	return a, ok
}
