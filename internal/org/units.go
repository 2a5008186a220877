package org

import (
	"context"
	"strconv"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// UnitFilter narrows Units. Nil fields do not filter.
type UnitFilter struct {
	Area    string    // subtree root; empty means everything in scope
	Kind    *UnitKind // one kind
	Group   string    // shop, two_new or regional_unit (coverage groups)
	Q       string    // name contains
	Covered *bool     // covered = has_party_org OR platform_covered
	Page    int
	PerPage int
}

const unitCols = `u.id, u.name, u.kind, u.area_code, a.name, u.area_path, u.has_party_org, u.platform_covered,
	u.address, u.employees, u.party_members, u.contact_phone, u.created_at, u.updated_at`

func scanUnit(sc interface{ Scan(...any) error }) (Unit, error) {
	var u Unit
	err := sc.Scan(&u.ID, &u.Name, &u.Kind, &u.Area, &u.AreaName, &u.AreaPath, &u.HasPartyOrg, &u.PlatformCovered,
		&u.Address, &u.Employees, &u.PartyMembers, &u.ContactPhone, &u.CreatedAt, &u.UpdatedAt)
	u.Covered = u.HasPartyOrg || u.PlatformCovered
	return u, err
}

// unitWhere builds the WHERE clause of a unit list, scoped to p.
func (s *Service) unitWhere(ctx context.Context, p *auth.Principal, f UnitFilter) (string, []any, error) {
	scope, args := auth.ScopeSQL(s.db.Dialect, p, auth.UnitRead, "u.area_path")
	where := []string{scope}
	if f.Area != "" {
		a, err := s.Area(ctx, p, f.Area)
		if err != nil {
			return "", nil, err
		}
		cond, arg := area.Subtree(s.db.Dialect, "u.area_path", a.Path)
		where, args = append(where, cond), append(args, arg)
	}
	if f.Kind != nil {
		if _, ok := ParseKind(string(*f.Kind)); !ok {
			return "", nil, errs.Invalid("kind", "kind must be regional_unit, non_public_enterprise, social_organization or shop")
		}
		where, args = append(where, "u.kind = ?"), append(args, string(*f.Kind))
	}
	switch f.Group {
	case "":
	case "two_new":
		where = append(where, "u.kind IN ('non_public_enterprise','social_organization')")
	case "shop", "regional_unit":
		where, args = append(where, "u.kind = ?"), append(args, f.Group)
	default:
		return "", nil, errs.Invalid("group", "group must be shop, two_new or regional_unit")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		where, args = append(where, "u.name LIKE ? ESCAPE '\\'"), append(args, "%"+db.Like(q)+"%")
	}
	if f.Covered != nil {
		if *f.Covered {
			where = append(where, "(u.has_party_org OR u.platform_covered)")
		} else {
			where = append(where, "NOT (u.has_party_org OR u.platform_covered)")
		}
	}
	return strings.Join(where, " AND "), args, nil
}

// Units lists units in p's scope matching f, phones masked, with the total.
func (s *Service) Units(ctx context.Context, p *auth.Principal, f UnitFilter) ([]Unit, int, error) {
	if err := auth.AuthorizeAny(p, auth.UnitRead); err != nil {
		return nil, 0, err
	}
	where, args, err := s.unitWhere(ctx, p, f)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*) FROM units u WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count units")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	out, err := db.All(ctx, s.db, "SELECT "+unitCols+" FROM units u"+area.Join("a", "u.area_code")+" WHERE "+where+
		" ORDER BY "+area.OrderByPath(s.db.Dialect, "u.area_path")+", u.name, u.id LIMIT ? OFFSET ?", append(args, limit, offset), scanMasked)
	return out, total, errs.Wrap(err, "list units")
}

// EachUnit streams every unit matching f (no paging) to fn, for exports.
func (s *Service) EachUnit(ctx context.Context, p *auth.Principal, f UnitFilter, fn func(Unit) error) error {
	if err := auth.AuthorizeAny(p, auth.UnitRead); err != nil {
		return err
	}
	where, args, err := s.unitWhere(ctx, p, f)
	if err != nil {
		return err
	}
	return db.Each(ctx, s.db, "SELECT "+unitCols+" FROM units u"+area.Join("a", "u.area_code")+" WHERE "+where+
		" ORDER BY "+area.OrderByPath(s.db.Dialect, "u.area_path")+", u.name, u.id", args, func(r db.Scanner) (Unit, error) {
		u, err := scanMasked(r)
		return u, errs.Wrap(err, "export units")
	}, fn)
}

// scanMasked reads a unit for a list or an export: the contact phone masked.
func scanMasked(r db.Scanner) (Unit, error) {
	u, err := scanUnit(r)
	u.ContactPhone = auth.MaskPhone(u.ContactPhone)
	return u, err
}

// Unit returns one unit. Units outside p's scope are not found.
func (s *Service) Unit(ctx context.Context, p *auth.Principal, id int64) (Unit, error) {
	u, err := scanUnit(s.db.QueryRow(ctx, "SELECT "+unitCols+" FROM units u"+area.Join("a", "u.area_code")+" WHERE u.id = ?", id))
	if err != nil {
		return Unit{}, db.NotFound(err, "unit")
	}
	if err := auth.Authorize(p, auth.UnitRead, u.AreaPath); err != nil {
		if errs.Code(err) == errs.EUNAUTHORIZED {
			return Unit{}, err
		}
		return Unit{}, errs.New(errs.ENOTFOUND, "unit not found")
	}
	return u, nil
}

// UnitInput creates or patches a unit; nil fields are left as they are.
type UnitInput struct {
	Name            *string `json:"name"`
	Kind            *string `json:"kind"`
	Area            *string `json:"area"`
	HasPartyOrg     *bool   `json:"has_party_org"`
	PlatformCovered *bool   `json:"platform_covered"`
	Address         *string `json:"address"`
	Employees       *int    `json:"employees"`
	PartyMembers    *int    `json:"party_members"`
	ContactPhone    *string `json:"contact_phone"`
}

// apply validates in and copies it onto u, collecting every field error.
func (s *Service) apply(ctx context.Context, p *auth.Principal, u *Unit, in UnitInput) error {
	var details []errs.Detail
	bad := func(field, format string, args ...any) { details = append(details, errs.D(field, format, args...)) }
	if in.Name != nil {
		u.Name = strings.TrimSpace(*in.Name)
		if u.Name == "" || len([]rune(u.Name)) > 200 {
			bad("name", "name is required, at most 200 characters")
		}
	}
	if in.Kind != nil {
		k, ok := ParseKind(*in.Kind)
		if !ok {
			bad("kind", "kind must be regional_unit, non_public_enterprise, social_organization or shop")
		}
		u.Kind = k
	}
	if in.Area != nil {
		a, err := s.Area(ctx, p, *in.Area)
		if err != nil {
			bad("area", "unknown area code %q", *in.Area)
		} else {
			u.Area, u.AreaName, u.AreaPath = a.Code, a.Name, a.Path
		}
	}
	if in.HasPartyOrg != nil {
		u.HasPartyOrg = *in.HasPartyOrg
	}
	if in.PlatformCovered != nil {
		u.PlatformCovered = *in.PlatformCovered
	}
	if in.Address != nil {
		u.Address = strings.TrimSpace(*in.Address)
	}
	if in.Employees != nil {
		if *in.Employees < 0 {
			bad("employees", "employees cannot be negative")
		}
		u.Employees = *in.Employees
	}
	if in.PartyMembers != nil {
		if *in.PartyMembers < 0 {
			bad("party_members", "party_members cannot be negative")
		}
		u.PartyMembers = *in.PartyMembers
	}
	if in.ContactPhone != nil {
		u.ContactPhone = strings.TrimSpace(*in.ContactPhone)
	}
	if u.Name == "" && in.Name == nil {
		bad("name", "name is required")
	}
	if u.Kind == "" && in.Kind == nil {
		bad("kind", "kind is required")
	}
	if u.Area == "" && in.Area == nil {
		bad("area", "area is required")
	}
	u.Covered = u.HasPartyOrg || u.PlatformCovered
	if len(details) > 0 {
		return errs.Fields(details)
	}
	return nil
}

// CreateUnit adds a unit.
func (s *Service) CreateUnit(ctx context.Context, p *auth.Principal, in UnitInput) (Unit, error) {
	var u Unit
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return u, err
	}
	if err := s.apply(ctx, p, &u, in); err != nil {
		return u, err
	}
	if err := auth.Authorize(p, auth.UnitWrite, u.AreaPath); err != nil {
		return u, err
	}
	now := s.clock.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO units (name, kind, area_code, area_path, has_party_org, platform_covered, address,
			employees, party_members, contact_phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			u.Name, string(u.Kind), u.Area, u.AreaPath, u.HasPartyOrg, u.PlatformCovered, u.Address, u.Employees, u.PartyMembers, u.ContactPhone, now, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("name", "a unit named %q already exists in this area", u.Name)
		} else if err != nil {
			return errs.Wrap(err, "insert unit")
		}
		u.ID = id
		return auth.Record(ctx, tx, now, p, auth.Change{Action: "create", Entity: "unit", EntityID: strconv.FormatInt(id, 10), AreaPath: u.AreaPath, After: u})
	})
	s.unitsChanged()
	return u, err
}

// UpdateUnit patches a unit. Moving it needs write access at both ends.
func (s *Service) UpdateUnit(ctx context.Context, p *auth.Principal, id int64, in UnitInput) (Unit, error) {
	before, err := s.Unit(ctx, p, id)
	if err != nil {
		return Unit{}, err
	}
	if err := auth.Authorize(p, auth.UnitWrite, before.AreaPath); err != nil {
		return Unit{}, err
	}
	u := before
	if err := s.apply(ctx, p, &u, in); err != nil {
		return Unit{}, err
	}
	if err := auth.Authorize(p, auth.UnitWrite, u.AreaPath); err != nil {
		return Unit{}, err
	}
	u.UpdatedAt = s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE units SET name = ?, kind = ?, area_code = ?, area_path = ?, has_party_org = ?, platform_covered = ?,
			address = ?, employees = ?, party_members = ?, contact_phone = ?, updated_at = ? WHERE id = ?`,
			u.Name, string(u.Kind), u.Area, u.AreaPath, u.HasPartyOrg, u.PlatformCovered, u.Address, u.Employees, u.PartyMembers, u.ContactPhone, u.UpdatedAt, id)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("name", "a unit named %q already exists in this area", u.Name)
		} else if err != nil {
			return errs.Wrap(err, "update unit")
		}
		return auth.Record(ctx, tx, u.UpdatedAt, p, auth.Change{Action: "update", Entity: "unit", EntityID: strconv.FormatInt(id, 10), AreaPath: u.AreaPath, Before: before, After: u})
	})
	s.unitsChanged()
	return u, err
}
