package api

import (
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// The demand loop's settings: categories with their limits, routing rules
// and the working-day calendar. Categories and the calendar belong to the
// district (demand.admin on the root); routing rules to the staff who
// dispatch in the area.

// listCategories serves GET /demand-categories[?active=true]. Any signed-in
// caller may read them: Open311 publishes them to everyone anyway.
func (s *server) listCategories(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	active, err := optBool(r, "active")
	if err != nil {
		return err
	}
	cats, err := s.Demand.Categories(r.Context(), active != nil && *active)
	if err != nil {
		return err
	}
	if active != nil && !*active {
		cats = slices.DeleteFunc(cats, func(c demand.Category) bool { return c.Active })
	}
	writeList(w, pageOf(cats, pg), len(cats), pg)
	return nil
}

// categoryInput is the body of POST /demand-categories. active defaults to
// true, so a new category is usable at once.
type categoryInput struct {
	Code         string             `json:"code"`
	Parent       string             `json:"parent"`
	Name         string             `json:"name"`
	NameEN       string             `json:"name_en"`
	ContactLimit string             `json:"contact_limit"`
	ResolveLimit string             `json:"resolve_limit"`
	Keywords     string             `json:"keywords"`
	Attributes   []demand.Attribute `json:"attributes"`
	Active       *bool              `json:"active"`
}

// saveCategory serves POST /demand-categories: it creates the category (201)
// or replaces the one with the same code, every field (200).
func (s *server) saveCategory(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in categoryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.DemandAdmin); err != nil {
		return err
	}
	c := demand.Category{Code: strings.TrimSpace(in.Code), Parent: in.Parent, Name: in.Name, NameEN: in.NameEN,
		ContactLimit: in.ContactLimit, ResolveLimit: in.ResolveLimit, Keywords: in.Keywords, Attributes: in.Attributes,
		Active: in.Active == nil || *in.Active}
	_, err := s.Demand.Category(r.Context(), c.Code)
	exists := err == nil
	if err != nil && errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	saved, err := s.Demand.SaveCategory(r.Context(), p, c)
	if err != nil {
		return err
	}
	if exists {
		writeJSON(w, http.StatusOK, saved)
	} else {
		created(w, "", saved)
	}
	return nil
}

// listRoutes serves GET /demand-routes[?category=&area=]: the routing rules
// in the caller's scope. area keeps the rules set on exactly that area.
func (s *server) listRoutes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := s.knownCategory(r, "category", q.Get("category")); err != nil {
		return err
	}
	if code := q.Get("area"); code != "" {
		if _, err := s.areaPath(r.Context(), "area", code); err != nil {
			return err
		}
	}
	routes, err := s.Demand.Routes(r.Context(), p)
	if err != nil {
		return err
	}
	routes = slices.DeleteFunc(routes, func(rt demand.Route) bool {
		return q.Get("category") != "" && rt.Category != q.Get("category") || q.Get("area") != "" && rt.Area != q.Get("area")
	})
	writeList(w, pageOf(routes, pg), len(routes), pg)
	return nil
}

// routeInput is the body of POST /demand-routes.
type routeInput struct {
	Category string `json:"category"`
	Area     string `json:"area"`
	BodyArea string `json:"body_area"`
	BodyUnit *int64 `json:"body_unit"`
}

// saveRoute serves POST /demand-routes: category in area (and below) goes to
// body_area (optionally a unit there) by default. A new rule is 201; one
// replacing the rule of the same category and area is 200.
func (s *server) saveRoute(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in routeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.DemandDispatch); err != nil {
		return err
	}
	if in.BodyUnit != nil {
		// The service would meet an unknown unit only as a foreign-key error.
		if _, err := s.Org.Unit(r.Context(), p, *in.BodyUnit); errs.Code(err) == errs.ENOTFOUND {
			return errs.Invalid("body_unit", "unit %d not found", *in.BodyUnit)
		} else if err != nil {
			return err
		}
	}
	existed, err := s.hasRoute(r, p, in.Category, in.Area)
	if err != nil {
		return err
	}
	saved, err := s.Demand.SaveRoute(r.Context(), p, demand.Route{Category: in.Category, Area: in.Area, BodyArea: in.BodyArea, BodyUnit: in.BodyUnit})
	if err != nil {
		return err
	}
	if existed {
		writeJSON(w, http.StatusOK, saved)
	} else {
		created(w, "", saved)
	}
	return nil
}

// hasRoute reports whether the caller sees a rule for category in area.
// Whoever may set a rule there may read it, so the answer is exact for them.
func (s *server) hasRoute(r *http.Request, p *auth.Principal, category, area string) (bool, error) {
	routes, err := s.Demand.Routes(r.Context(), p)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(routes, func(rt demand.Route) bool { return rt.Category == category && rt.Area == area }), nil
}

// calendarDay is one entry of the working-day calendar as JSON.
type calendarDay struct {
	Date string `json:"date"` // 2026-10-01
	Kind string `json:"kind"` // holiday (节假日) or workday (调休上班)
	Name string `json:"name"` // 国庆节
}

var yearRE = regexp.MustCompile(`^\d{4}$`)

// getCalendar serves GET /calendar[?year=2026]: the holidays and make-up
// working days that working-day limits (5wd) count with. Public knowledge,
// so any signed-in caller may read it.
func (s *server) getCalendar(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	year := r.URL.Query().Get("year")
	if year != "" && !yearRE.MatchString(year) {
		return errs.Invalid("year", "year must be four digits, like 2026")
	}
	days, err := s.Demand.CalendarDays(r.Context())
	if err != nil {
		return err
	}
	out := []calendarDay{}
	for _, d := range days {
		if year == "" || strings.HasPrefix(d.Date, year+"-") {
			out = append(out, calendarDay{Date: d.Date, Kind: d.Kind, Name: d.Name})
		}
	}
	writeList(w, pageOf(out, pg), len(out), pg)
	return nil
}

// calendarResult answers a calendar change: how many days were saved and
// which years they replaced.
type calendarResult struct {
	Saved int      `json:"saved"`
	Years []string `json:"years"`
}

// saveDays stores days, replacing the years they cover.
func (s *server) saveDays(w http.ResponseWriter, r *http.Request, p *auth.Principal, days []demand.CalendarDay) error {
	if err := s.Demand.SaveCalendar(r.Context(), p, days); err != nil {
		return err
	}
	res := calendarResult{Saved: len(days), Years: []string{}}
	for _, d := range days {
		if y := d.Date[:4]; !slices.Contains(res.Years, y) {
			res.Years = append(res.Years, y)
		}
	}
	slices.Sort(res.Years)
	writeJSON(w, http.StatusOK, res)
	return nil
}

// calendarInput is the body of PUT /calendar.
type calendarInput struct {
	Days []calendarDay `json:"days"`
}

// putCalendar serves PUT /calendar {"days":[{date,kind,name}…]}: every year
// the days touch is replaced by them; other years stay.
func (s *server) putCalendar(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in calendarInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.DemandAdmin); err != nil {
		return err
	}
	if len(in.Days) == 0 {
		return errs.Invalid("days", "days is required: the holidays and make-up working days of the years to replace")
	}
	days := make([]demand.CalendarDay, len(in.Days))
	for i, d := range in.Days {
		days[i] = demand.CalendarDay{Date: strings.TrimSpace(d.Date), Kind: d.Kind, Name: strings.TrimSpace(d.Name)}
	}
	return s.saveDays(w, r, p, days)
}

// maxCalendarUpload bounds a calendar upload; the parser itself takes 1 MiB
// of CSV, the rest leaves room for a multipart envelope.
const maxCalendarUpload = 2 << 20

// importCalendar serves POST /calendar/import: a CSV (date,kind,name or
// 日期,类型,名称) as the body or as the multipart field "file". Bad rows are
// a 400 whose details carry row and column; all rows go in or none.
func (s *server) importCalendar(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.DemandAdmin); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCalendarUpload)
	var file io.Reader = r.Body
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		var err error
		if _, file, err = uploadedFile(r); err != nil {
			return err
		}
	}
	days, err := demand.ParseCalendarCSV(file)
	if err != nil {
		return err
	}
	return s.saveDays(w, r, p, days)
}

// targetsInput is the body of PUT /demand-targets: every rate's target.
type targetsInput struct {
	Response     *float64 `json:"response"`
	Resolution   *float64 `json:"resolution"`
	Satisfaction *float64 `json:"satisfaction"`
}

// getTargets serves GET /demand-targets: the rates' targets dashboards compare against.
func (s *server) getTargets(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	t, err := s.Demand.Targets(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// putTargets serves PUT /demand-targets (district demand admins).
func (s *server) putTargets(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in targetsInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var missing []errs.Detail
	for _, f := range []struct {
		name string
		v    *float64
	}{{"response", in.Response}, {"resolution", in.Resolution}, {"satisfaction", in.Satisfaction}} {
		if f.v == nil {
			missing = append(missing, errs.D(f.name, "%s is required: a share above 0 and at most 1", f.name))
		}
	}
	if len(missing) > 0 {
		if err := auth.AuthorizeAny(p, auth.DemandAdmin); err != nil {
			return err
		}
		return errs.Fields(missing)
	}
	t, err := s.Demand.SaveTargets(r.Context(), p, demand.Targets{Response: *in.Response, Resolution: *in.Resolution, Satisfaction: *in.Satisfaction})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
