package lists

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
	"gongzhi/internal/week"
)

// Resource is one line of the resources list (资源清单).
type Resource struct {
	ID             int64     `json:"id"`
	Title          string    `json:"title"`
	Detail         string    `json:"detail"`
	Kind           string    `json:"kind"`
	Categories     []string  `json:"categories"`
	ProviderKind   string    `json:"provider_kind"`
	UnitID         *int64    `json:"unit_id,omitempty"`
	ProviderName   string    `json:"provider_name"`
	Area           string    `json:"area"`
	AreaPath       string    `json:"-"`
	Serves         string    `json:"serves"` // the area whose subtree it serves
	ServesPath     string    `json:"-"`
	Capacity       int       `json:"capacity"`
	CapacityUnit   string    `json:"capacity_unit"`
	Used           int       `json:"used"` // capacity taken by active matches
	Windows        string    `json:"windows"`
	AvailableFrom  string    `json:"available_from,omitempty"`
	AvailableUntil string    `json:"available_until,omitempty"`
	Conditions     string    `json:"conditions,omitempty"`
	Address        string    `json:"address,omitempty"`
	Lat            *float64  `json:"lat,omitempty"`
	Lng            *float64  `json:"lng,omitempty"`
	Status         string    `json:"status"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// ResourceInput offers a resource. A unit liaison offers its own unit's
// (UnitID may be left out); staff name any unit in their area, a social
// organisation or a person.
type ResourceInput struct {
	Title          string   `json:"title"`
	Detail         string   `json:"detail,omitempty"`
	Kind           string   `json:"kind"`
	Categories     []string `json:"categories"`
	ProviderKind   string   `json:"provider_kind,omitempty"` // unit (default), social_org, person
	UnitID         *int64   `json:"unit_id,omitempty"`
	ProviderName   string   `json:"provider_name,omitempty"` // required unless a unit offers it
	Area           string   `json:"area,omitempty"`          // where it is; default the unit's area
	Serves         string   `json:"serves,omitempty"`        // the area it serves; default its street
	Capacity       int      `json:"capacity"`
	CapacityUnit   string   `json:"capacity_unit"`
	Windows        string   `json:"windows,omitempty"`
	AvailableFrom  string   `json:"available_from,omitempty"`
	AvailableUntil string   `json:"available_until,omitempty"`
	Conditions     string   `json:"conditions,omitempty"`
	Address        string   `json:"address,omitempty"`
	Lat            *float64 `json:"lat,omitempty"`
	Lng            *float64 `json:"lng,omitempty"`
}

const resourceCols = `r.id, r.title, r.detail, r.kind, r.categories, r.provider_kind, r.unit_id, r.provider_name, r.area_code, r.area_path,
	r.serves_path, r.capacity, r.capacity_unit, r.windows, r.available_from, r.available_until, r.conditions, r.address, r.lat, r.lng,
	r.status, r.created_at, r.updated_at,
	(SELECT COALESCE(sum(m.amount), 0) FROM matches m WHERE m.resource_id = r.id AND m.status IN ('confirmed','accepted'))`

func scanResource(row db.Scanner) (Resource, error) {
	var r Resource
	var cats string
	var unit sql.NullInt64
	var lat, lng sql.NullFloat64
	err := row.Scan(&r.ID, &r.Title, &r.Detail, &r.Kind, &cats, &r.ProviderKind, &unit, &r.ProviderName, &r.Area, &r.AreaPath,
		&r.ServesPath, &r.Capacity, &r.CapacityUnit, &r.Windows, &r.AvailableFrom, &r.AvailableUntil, &r.Conditions, &r.Address, &lat, &lng,
		&r.Status, &r.CreatedAt, &r.UpdatedAt, &r.Used)
	r.Categories = strings.Fields(cats)
	if unit.Valid {
		r.UnitID = &unit.Int64
	}
	if lat.Valid && lng.Valid {
		r.Lat, r.Lng = &lat.Float64, &lng.Float64
	}
	return r, err
}

// Left is the capacity not yet taken by active matches.
func (r Resource) Left() int { return max(0, r.Capacity-r.Used) }

// CreateResource offers a resource.
func (s *Service) CreateResource(ctx context.Context, p *auth.Principal, in ResourceInput) (Resource, error) {
	if err := auth.AuthorizeAny(p, auth.ResourceOffer); err != nil {
		return Resource{}, err
	}
	if in.ProviderKind == "" {
		in.ProviderKind = "unit"
	}
	// A liaison offers for its own unit.
	if in.UnitID == nil && in.ProviderKind == "unit" {
		if units := auth.ScopeUnits(p, auth.ResourceOffer); len(units) == 1 {
			in.UnitID = &units[0]
		}
	}
	var details []errs.Detail
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" || len([]rune(in.Title)) > 100 {
		details = append(details, errs.D("title", "title is required, at most 100 characters"))
	}
	oneOf(&details, "kind", in.Kind, Kinds)
	oneOf(&details, "provider_kind", in.ProviderKind, ProviderKinds)
	oneOf(&details, "capacity_unit", in.CapacityUnit, CapacityUnits)
	in.Categories = dedupeStrings(in.Categories)
	if len(in.Categories) == 0 {
		details = append(details, errs.D("categories", "name at least one need category it serves"))
	}
	for _, c := range in.Categories {
		if !slices.Contains(Categories, c) {
			details = append(details, errs.D("categories", "unknown category %q", c))
		}
	}
	if in.Capacity <= 0 {
		details = append(details, errs.D("capacity", "capacity must be a positive number"))
	}
	if in.ProviderKind == "unit" && in.UnitID == nil {
		details = append(details, errs.D("unit_id", "choose the unit that offers it"))
	}
	if in.ProviderKind != "unit" && strings.TrimSpace(in.ProviderName) == "" {
		details = append(details, errs.D("provider_name", "name who offers it"))
	}
	if _, err := week.Parse("windows", in.Windows); err != nil {
		if e, ok := err.(*errs.Error); ok {
			details = append(details, e.Details...)
		}
	}
	for _, d := range []struct{ field, v string }{{"available_from", in.AvailableFrom}, {"available_until", in.AvailableUntil}} {
		if _, err := time.Parse(time.DateOnly, d.v); d.v != "" && err != nil {
			details = append(details, errs.D(d.field, "%s must be a date such as 2026-12-31", d.field))
		}
	}
	if in.AvailableFrom != "" && in.AvailableUntil != "" && in.AvailableUntil < in.AvailableFrom {
		details = append(details, errs.D("available_until", "the end date is before the start date"))
	}
	if (in.Lat == nil) != (in.Lng == nil) || (in.Lat != nil && (*in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180)) {
		details = append(details, errs.D("lat", "give both latitude and longitude, or neither"))
	}
	if len(details) > 0 {
		return Resource{}, errs.Fields(details)
	}
	now := s.clock.Now()
	r := Resource{Title: in.Title, Detail: strings.TrimSpace(in.Detail), Kind: in.Kind, Categories: in.Categories, ProviderKind: in.ProviderKind,
		UnitID: in.UnitID, ProviderName: strings.TrimSpace(in.ProviderName), Area: in.Area, Serves: in.Serves, Capacity: in.Capacity,
		CapacityUnit: in.CapacityUnit, Windows: strings.TrimSpace(in.Windows), AvailableFrom: in.AvailableFrom, AvailableUntil: in.AvailableUntil,
		Conditions: strings.TrimSpace(in.Conditions), Address: strings.TrimSpace(in.Address), Lat: in.Lat, Lng: in.Lng, Status: "active",
		CreatedAt: now, UpdatedAt: now}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		if r.UnitID != nil {
			var name, code, path string
			if err := tx.QueryRow(ctx, `SELECT name, area_code, area_path FROM units WHERE id = ?`, *r.UnitID).Scan(&name, &code, &path); err != nil {
				return errs.Invalid("unit_id", "no unit %d", *r.UnitID)
			}
			if err := auth.AuthorizeUnit(p, auth.ResourceOffer, path, r.UnitID); err != nil {
				return err
			}
			if r.ProviderName == "" {
				r.ProviderName = name
			}
			if r.Area == "" {
				r.Area = code
			}
		}
		var err error
		if r.AreaPath, err = areaOf(ctx, tx, "area", r.Area); err != nil {
			return err
		}
		if r.UnitID == nil {
			if err := auth.Authorize(p, auth.ResourceOffer, r.AreaPath); err != nil {
				return err
			}
		}
		if r.Serves == "" {
			// By default a resource serves its street: what a unit can reach on foot.
			lineage, err := area.Lineage(ctx, tx, area.AtDepth(r.AreaPath, 2))
			if err != nil {
				return err
			}
			r.Serves = lineage[len(lineage)-1].Code
		}
		if r.ServesPath, err = areaOf(ctx, tx, "serves", r.Serves); err != nil {
			return err
		}
		r.ID, err = db.InsertID(ctx, tx, `INSERT INTO resources (title, detail, kind, categories, provider_kind, unit_id, provider_name, area_code, area_path,
			serves_path, capacity, capacity_unit, windows, available_from, available_until, conditions, address, lat, lng, status, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.Title, r.Detail, r.Kind, strings.Join(r.Categories, " "), r.ProviderKind, r.UnitID, r.ProviderName, r.Area, r.AreaPath,
			r.ServesPath, r.Capacity, r.CapacityUnit, r.Windows, r.AvailableFrom, r.AvailableUntil, r.Conditions, r.Address, r.Lat, r.Lng,
			r.Status, userID(p), now, now)
		if err != nil {
			return errs.Wrap(err, "insert resource")
		}
		if err := search.Put(ctx, tx, resourceDoc(r)); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "resource", r.ID, r.AreaPath, "create", "", r)
	})
	return r, err
}

// canSeeResource: resources are read by area (lists.read) or by the unit that offers them.
func canSeeResource(p *auth.Principal, r Resource) bool {
	return auth.Authorize(p, auth.ListsRead, r.AreaPath) == nil || (r.UnitID != nil && auth.AuthorizeUnit(p, auth.ResourceOffer, r.AreaPath, r.UnitID) == nil)
}

// Resource returns one resource; outside the caller's scope it is not found.
func (s *Service) Resource(ctx context.Context, p *auth.Principal, id int64) (Resource, []Event, error) {
	r, err := scanResource(s.db.QueryRow(ctx, `SELECT `+resourceCols+` FROM resources r WHERE r.id = ?`, id))
	if err != nil {
		return r, nil, db.NotFound(err, "resource")
	}
	if !canSeeResource(p, r) {
		return Resource{}, nil, errs.New(errs.ENOTFOUND, "no such resource")
	}
	if r.Serves, err = s.codeOf(ctx, r.ServesPath); err != nil {
		return r, nil, err
	}
	ev, err := s.events(ctx, "resource", id)
	return r, ev, errs.Wrap(err, "resource timeline")
}

func (s *Service) codeOf(ctx context.Context, path string) (string, error) {
	l, err := area.Lineage(ctx, s.db, path)
	if err != nil {
		return "", err
	}
	return l[len(l)-1].Code, nil
}

// Resources lists resources in p's scope (and those of p's own unit).
func (s *Service) Resources(ctx context.Context, p *auth.Principal, f ListFilter) (db.Listed[Resource], error) {
	if err := auth.AuthorizeAny(p, auth.ListsRead); err != nil {
		return db.Listed[Resource]{}, err
	}
	var w db.Where
	cond, args := auth.ScopeSQL(s.db.Dialect, p, auth.ListsRead, "r.area_path")
	if units := auth.ScopeUnits(p, auth.ResourceOffer); len(units) > 0 {
		in, uargs := inList(units)
		cond, args = "("+cond+" OR r.unit_id IN ("+in+"))", append(args, uargs...)
	}
	w.And(cond, args...)
	if err := s.common(ctx, &w, f, "resource", "r"); err != nil {
		return db.Listed[Resource]{}, err
	}
	if f.Status != "" {
		w.And("r.status = ?", f.Status)
	}
	if f.Kind != "" {
		w.And("r.kind = ?", f.Kind)
	}
	if f.Category != "" {
		w.And("(' ' || r.categories || ' ') LIKE ?", "% "+db.Like(f.Category)+" %")
	}
	if f.UnitID != 0 {
		w.And("r.unit_id = ?", f.UnitID)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: resourceCols, From: "resources r", Where: w, Order: "r.id DESC", Limit: limit, Offset: offset}, scanResource)
	return l, errs.Wrap(err, "list resources")
}

// SetResourceStatus pauses, resumes or retires a resource (by its unit or staff).
func (s *Service) SetResourceStatus(ctx context.Context, p *auth.Principal, id int64, to, note string) (Resource, error) {
	if !slices.Contains([]string{"active", "paused", "retired"}, to) {
		return Resource{}, errs.Invalid("status", "status must be active, paused or retired")
	}
	var r Resource
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		r, err = scanResource(tx.QueryRow(ctx, `SELECT `+resourceCols+` FROM resources r WHERE r.id = ?`, id))
		if err != nil {
			return db.NotFound(err, "resource")
		}
		if !canSeeResource(p, r) {
			return errs.New(errs.ENOTFOUND, "no such resource")
		}
		if err := auth.AuthorizeUnit(p, auth.ResourceOffer, r.AreaPath, r.UnitID); err != nil {
			return err
		}
		if r.Status == "retired" {
			return errs.New(errs.ECONFLICT, "a retired resource stays retired: offer it again")
		}
		now := s.clock.Now()
		r.Status, r.UpdatedAt = to, now
		if _, err := tx.Exec(ctx, `UPDATE resources SET status = ?, updated_at = ? WHERE id = ?`, to, now, id); err != nil {
			return errs.Wrap(err, "update resource")
		}
		return record(ctx, tx, now, p, "resource", id, r.AreaPath, "status:"+to, strings.TrimSpace(note), r)
	})
	return r, err
}

func dedupeStrings(in []string) []string {
	out := []string{}
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
