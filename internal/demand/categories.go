package demand

import (
	"context"
	"encoding/json"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Category is a kind of demand (诉求分类) with its SLA limits.
type Category struct {
	Code         string      `json:"code"`
	Parent       string      `json:"parent,omitempty"`
	Name         string      `json:"name"`
	NameEN       string      `json:"name_en,omitempty"`
	ContactLimit string      `json:"contact_limit"`
	ResolveLimit string      `json:"resolve_limit"`
	Keywords     string      `json:"keywords,omitempty"`
	Attributes   []Attribute `json:"attributes,omitempty"`
	Active       bool        `json:"active"`
}

// Attribute is an extra field a category asks for (Open311 attributes).
type Attribute struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	Datatype    string   `json:"datatype"` // string, number, datetime, text, singlevaluelist, multivaluelist
	Required    bool     `json:"required"`
	Values      []string `json:"values,omitempty"`
	Description string   `json:"description,omitempty"`
}

const categoryCols = `code, COALESCE(parent_code, ''), name, name_en, contact_limit, resolve_limit, keywords, attributes, active`

func scanCategory(sc db.Scanner) (Category, error) {
	var c Category
	var attrs string
	err := sc.Scan(&c.Code, &c.Parent, &c.Name, &c.NameEN, &c.ContactLimit, &c.ResolveLimit, &c.Keywords, &attrs, &c.Active)
	if err == nil && attrs != "" {
		err = json.Unmarshal([]byte(attrs), &c.Attributes)
	}
	return c, err
}

// Categories lists categories; they are public (Open311 services need no key).
func (s *Service) Categories(ctx context.Context, activeOnly bool) ([]Category, error) {
	q := "SELECT " + categoryCols + " FROM demand_categories"
	if activeOnly {
		q += " WHERE active"
	}
	out, err := db.All(ctx, s.db, q+" ORDER BY sort, code", nil, scanCategory)
	return out, errs.Wrap(err, "categories")
}

// Category returns one category.
func (s *Service) Category(ctx context.Context, code string) (Category, error) {
	c, err := scanCategory(s.db.QueryRow(ctx, "SELECT "+categoryCols+" FROM demand_categories WHERE code = ?", code))
	if err != nil {
		return c, db.NotFound(err, "category "+code)
	}
	return c, nil
}

var datatypes = map[string]bool{"string": true, "number": true, "datetime": true, "text": true, "singlevaluelist": true, "multivaluelist": true}

func (c *Category) validate() error {
	var ds []errs.Detail
	c.Code, c.Name = strings.TrimSpace(c.Code), strings.TrimSpace(c.Name)
	if c.Code == "" || len(c.Code) > 40 || strings.ContainsAny(c.Code, " /,") {
		ds = append(ds, errs.D("code", "code is required: up to 40 characters without spaces, '/' or ','"))
	}
	if c.Name == "" {
		ds = append(ds, errs.D("name", "name is required"))
	}
	if _, err := ParseLimit(c.ContactLimit); err != nil {
		ds = append(ds, errs.D("contact_limit", "contact_limit must be a duration like 45m or 2h, or working days like 5wd"))
	}
	if _, err := ParseLimit(c.ResolveLimit); err != nil {
		ds = append(ds, errs.D("resolve_limit", "resolve_limit must be a duration like 45m or 2h, or working days like 5wd"))
	}
	for _, a := range c.Attributes {
		if a.Code == "" || !datatypes[a.Datatype] {
			ds = append(ds, errs.D("attributes", "each attribute needs a code and a datatype (string, number, datetime, text, singlevaluelist, multivaluelist)"))
			break
		}
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	return nil
}

// SaveCategory creates or replaces a category (district admin).
func (s *Service) SaveCategory(ctx context.Context, p *auth.Principal, c Category) (Category, error) {
	if err := authorizeDistrict(ctx, s.db, p, auth.DemandAdmin); err != nil {
		return c, err
	}
	if err := c.validate(); err != nil {
		return c, err
	}
	attrs, _ := json.Marshal(c.Attributes)
	if c.Attributes == nil {
		attrs = []byte("[]")
	}
	var parent any
	if c.Parent != "" {
		parent = c.Parent
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		before, err := scanCategory(tx.QueryRow(ctx, "SELECT "+categoryCols+" FROM demand_categories WHERE code = ?", c.Code))
		exists := err == nil
		if exists {
			_, err = tx.Exec(ctx, `UPDATE demand_categories SET parent_code = ?, name = ?, name_en = ?, contact_limit = ?, resolve_limit = ?,
				keywords = ?, attributes = ?, active = ? WHERE code = ?`, parent, c.Name, c.NameEN, c.ContactLimit, c.ResolveLimit, c.Keywords, string(attrs), c.Active, c.Code)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO demand_categories (code, parent_code, name, name_en, contact_limit, resolve_limit, keywords, attributes, active)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Code, parent, c.Name, c.NameEN, c.ContactLimit, c.ResolveLimit, c.Keywords, string(attrs), c.Active)
		}
		if errs.Code(err) == errs.EINVALID {
			return errs.Invalid("parent", "unknown parent category %q", c.Parent)
		} else if err != nil {
			return errs.Wrap(err, "save category")
		}
		ch := auth.Change{Action: "create", Entity: "demand_category", EntityID: c.Code, After: c}
		if exists {
			ch.Action, ch.Before = "update", before
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, ch)
	})
	if err == nil {
		s.sim.lookups.categoriesChanged() // duplicate checks re-read the category tree
	}
	return c, err
}

// authorizeDistrict checks perm on the root of the tree (the district).
func authorizeDistrict(ctx context.Context, q db.Querier, p *auth.Principal, perm auth.Perm) error {
	root, err := area.Root(ctx, q)
	if err != nil {
		return errs.New(errs.EFORBIDDEN, "only a district administrator may change this")
	}
	return auth.Authorize(p, perm, root.Path)
}

// Route sends a category in an area's subtree to a handling body by default.
type Route struct {
	ID       int64  `json:"id"`
	Category string `json:"category"`
	Area     string `json:"area"`
	BodyArea string `json:"body_area"`
	BodyUnit *int64 `json:"body_unit"`
}

// Routes lists routing rules in p's scope.
func (s *Service) Routes(ctx context.Context, p *auth.Principal) ([]Route, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return nil, err
	}
	scope, args := auth.ScopeSQL(s.db.Dialect, p, auth.DemandRead, "area_path")
	out, err := db.All(ctx, s.db, "SELECT "+routeCols+" FROM demand_routes WHERE "+scope+" ORDER BY area_path, category_code", args, scanRoute)
	return out, errs.Wrap(err, "routes")
}

// routeCols are a routing rule's columns, in scanRoute's order.
const routeCols = "id, category_code, area_code, body_area, body_unit_id"

func scanRoute(sc db.Scanner) (Route, error) {
	var r Route
	err := sc.Scan(&r.ID, &r.Category, &r.Area, &r.BodyArea, &r.BodyUnit)
	return r, err
}

// SaveRoute sets the default handling body of a category in an area.
func (s *Service) SaveRoute(ctx context.Context, p *auth.Principal, r Route) (Route, error) {
	path, err := areaPath(ctx, s.db, r.Area, "area")
	if err != nil {
		return r, err
	}
	if err := auth.Authorize(p, auth.DemandDispatch, path); err != nil {
		return r, err
	}
	if _, err := s.Category(ctx, r.Category); err != nil {
		return r, errs.Invalid("category", "unknown category %q", r.Category)
	}
	if _, err := areaPath(ctx, s.db, r.BodyArea, "body_area"); err != nil {
		return r, err
	}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, "DELETE FROM demand_routes WHERE category_code = ? AND area_code = ?", r.Category, r.Area); err != nil {
			return errs.Wrap(err, "route")
		}
		id, err := db.InsertID(ctx, tx, "INSERT INTO demand_routes (category_code, area_code, area_path, body_area, body_unit_id) VALUES (?, ?, ?, ?, ?)",
			r.Category, r.Area, path, r.BodyArea, r.BodyUnit)
		if err != nil {
			return errs.Wrap(err, "route")
		}
		r.ID = id
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "route", Entity: "demand_route", EntityID: r.Category + "@" + r.Area, AreaPath: path, After: r})
	})
	return r, err
}

func areaPath(ctx context.Context, q db.Querier, code, field string) (string, error) {
	path, err := area.Path(ctx, q, code)
	if err != nil {
		return "", errs.Invalid(field, "unknown area code %q", code)
	}
	return path, nil
}

// CalendarDays returns the stored working-day calendar.
func (s *Service) CalendarDays(ctx context.Context) ([]CalendarDay, error) {
	out, err := db.All(ctx, s.db, "SELECT day, kind, name FROM calendar_days ORDER BY day", nil, func(sc db.Scanner) (CalendarDay, error) {
		var d CalendarDay
		err := sc.Scan(&d.Date, &d.Kind, &d.Name)
		return d, err
	})
	return out, errs.Wrap(err, "calendar")
}

func (s *Service) calendar(ctx context.Context) (*Calendar, error) {
	days, err := s.CalendarDays(ctx)
	if err != nil {
		return nil, err
	}
	return NewCalendar(days)
}

// SaveCalendar replaces the calendar entries of the years the given days cover.
func (s *Service) SaveCalendar(ctx context.Context, p *auth.Principal, days []CalendarDay) error {
	if err := authorizeDistrict(ctx, s.db, p, auth.DemandAdmin); err != nil {
		return err
	}
	if _, err := NewCalendar(days); err != nil {
		return err
	}
	years := map[string]bool{}
	for _, d := range days {
		years[d.Date[:4]] = true
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		for y := range years {
			if _, err := tx.Exec(ctx, "DELETE FROM calendar_days WHERE day >= ? AND day <= ?", y+"-01-01", y+"-12-31"); err != nil {
				return errs.Wrap(err, "calendar")
			}
		}
		for _, d := range days {
			if _, err := tx.Exec(ctx, "INSERT INTO calendar_days (day, kind, name) VALUES (?, ?, ?)", d.Date, d.Kind, d.Name); err != nil {
				if errs.Code(err) == errs.ECONFLICT {
					return errs.Invalid("date", "date %s appears twice", d.Date)
				}
				return errs.Wrap(err, "calendar")
			}
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "import", Entity: "calendar", EntityID: strings.Join(keys(years), ","), After: map[string]int{"days": len(days)}})
	})
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
