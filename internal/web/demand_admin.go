package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// categoryFields are the category form's fields that can carry an error.
var categoryFields = []string{"code", "parent", "name", "contact_limit", "resolve_limit", "attributes"}

// categoriesPage is the data of admin_categories.html.
type categoriesPage struct {
	Categories []demand.Category
	Names      map[string]string
	CanEdit    bool
	Saved      string // the code just saved
}

// categoryList shows the category tree with its limits (诉求分类与时限).
func (s *server) categoryList(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandRead); err != nil {
		return err
	}
	cats, err := s.Demand.Categories(r.Context(), false)
	if err != nil {
		return err
	}
	page := categoriesPage{Categories: cats, Names: rq.categoryNames(cats), CanEdit: auth.AuthorizeAny(rq.P, auth.DemandAdmin) == nil,
		Saved: r.URL.Query().Get("saved")}
	v := rq.view(r, "demands", "config.categories.title", page)
	v.Tab = "config"
	s.render(w, rq, http.StatusOK, "admin_categories.html", v)
	return nil
}

// categoryForm is the data of admin_category_form.html.
type categoryForm struct {
	Edit                                 bool
	Code, Parent, Name, NameEN           string
	ContactLimit, ResolveLimit, Keywords string
	Active                               bool
	Parents                              []demand.Category
	Errors                               map[string]string
	General                              []string
}

func (s *server) showCategoryForm(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f categoryForm) error {
	cats, err := s.Demand.Categories(ctx, false)
	if err != nil {
		return err
	}
	for _, c := range cats {
		if c.Code != f.Code && c.Parent == "" { // the tree is two levels deep
			f.Parents = append(f.Parents, c)
		}
	}
	title := "config.category.new"
	if f.Edit {
		title = "config.category.edit"
	}
	v := rq.view(r, "demands", title, f)
	v.Tab = "config"
	s.render(w, rq, status, "admin_category_form.html", v)
	return nil
}

func (s *server) categoryNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandAdmin); err != nil {
		return err
	}
	return s.showCategoryForm(r.Context(), w, r, rq, http.StatusOK, categoryForm{ContactLimit: "2h", ResolveLimit: "5wd", Active: true})
}

func (s *server) categoryEditForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandAdmin); err != nil {
		return err
	}
	c, err := s.Demand.Category(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	f := categoryForm{Edit: true, Code: c.Code, Parent: c.Parent, Name: c.Name, NameEN: c.NameEN, ContactLimit: c.ContactLimit,
		ResolveLimit: c.ResolveLimit, Keywords: c.Keywords, Active: c.Active}
	return s.showCategoryForm(r.Context(), w, r, rq, http.StatusOK, f)
}

// categorySave creates or replaces a category; an edit keeps the extra
// fields (attributes) the form does not show.
func (s *server) categorySave(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := categoryForm{Edit: r.PostFormValue("edit") != "", Code: v("code"), Parent: v("parent"), Name: v("name"), NameEN: v("name_en"),
		ContactLimit: v("contact_limit"), ResolveLimit: v("resolve_limit"), Keywords: v("keywords"), Active: r.PostFormValue("active") != ""}
	c := demand.Category{Code: f.Code, Parent: f.Parent, Name: f.Name, NameEN: f.NameEN, ContactLimit: f.ContactLimit,
		ResolveLimit: f.ResolveLimit, Keywords: f.Keywords, Active: f.Active}
	if old, err := s.Demand.Category(ctx, f.Code); err == nil {
		if !f.Edit {
			f.Errors = map[string]string{"code": rq.T("config.category.code_taken")}
			return s.showCategoryForm(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
		}
		c.Attributes = old.Attributes
	}
	_, err := s.Demand.SaveCategory(ctx, rq.P, c)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, categoryFields...)
		return s.showCategoryForm(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/categories?saved="+url.QueryEscape(c.Code))
}

// routesPage is the data of admin_routes.html.
type routesPage struct {
	Routes     []demand.Route
	CatNames   map[string]string
	AreaNames  map[string]string
	CanEdit    bool
	Categories []demand.Category
	Areas      []areaOption
	Bodies     []areaChoice
	Form       routeForm
	Saved      bool
}

// routeForm is the add-route form.
type routeForm struct {
	Category, Area, Body string
	Errors               map[string]string
	General              []string
}

func (s *server) showRoutes(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, page routesPage) error {
	p := rq.P
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return err
	}
	var err error
	if page.Routes, err = s.Demand.Routes(ctx, p); err != nil {
		return err
	}
	if page.Categories, err = s.Demand.Categories(ctx, false); err != nil {
		return err
	}
	page.CatNames = rq.categoryNames(page.Categories)
	if page.Bodies, err = s.areaChoices(ctx, p); err != nil {
		return err
	}
	page.AreaNames = map[string]string{}
	for _, a := range page.Bodies {
		page.AreaNames[a.Code] = a.Label
	}
	for _, rt := range page.Routes { // a body outside the reader's scope still has a name
		for _, code := range []string{rt.Area, rt.BodyArea} {
			if _, ok := page.AreaNames[code]; !ok {
				page.AreaNames[code] = s.areaName(ctx, rq.Lang, code)
			}
		}
	}
	page.CanEdit = auth.AuthorizeAny(p, auth.DemandDispatch) == nil
	if page.CanEdit {
		if page.Areas, err = s.areaOptions(ctx, p, false); err != nil {
			return err
		}
	}
	v := rq.view(r, "demands", "config.routes.title", page)
	v.Tab = "config"
	s.render(w, rq, status, "admin_routes.html", v)
	return nil
}

// routeList shows the routing rules (派单规则): which body gets a category
// in an area by default.
func (s *server) routeList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showRoutes(r.Context(), w, r, rq, http.StatusOK, routesPage{Saved: r.URL.Query().Get("saved") != ""})
}

// routeSave sets the default body of a category in an area.
func (s *server) routeSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	f := routeForm{Category: r.PostFormValue("category"), Area: r.PostFormValue("area"), Body: strings.TrimSpace(r.PostFormValue("body"))}
	choices, err := s.areaChoices(ctx, rq.P)
	if err != nil {
		return err
	}
	body, ok := resolveArea(choices, f.Body)
	if !ok {
		f.Errors = map[string]string{"body_area": rq.T("form.choose_listed")}
		return s.showRoutes(ctx, w, r, rq, http.StatusUnprocessableEntity, routesPage{Form: f})
	}
	_, err = s.Demand.SaveRoute(ctx, rq.P, demand.Route{Category: f.Category, Area: f.Area, BodyArea: body})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "category", "area", "body_area")
		return s.showRoutes(ctx, w, r, rq, http.StatusUnprocessableEntity, routesPage{Form: f})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/routes?saved=1")
}

// calendarView is the data of admin_calendar.html.
type calendarView struct {
	Days     []demand.CalendarDay
	CanEdit  bool
	Imported int           // days saved by the last import
	Error    string        // why the file was refused
	Rows     []errs.Detail // every bad cell, by row and column
	Year     int           // the year viewed: ?year=, else this year in Shanghai
	National bool          // gongzhi ships the national schedule of Year
}

func (s *server) showCalendar(w http.ResponseWriter, r *http.Request, rq *request, status int, v calendarView) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandRead); err != nil {
		return err
	}
	days, err := s.Demand.CalendarDays(r.Context())
	if err != nil {
		return err
	}
	v.Days, v.CanEdit = days, auth.AuthorizeAny(rq.P, auth.DemandAdmin) == nil
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1 && y <= 9999 {
		v.Year = y
	} else if v.Year == 0 {
		v.Year = s.today().Year()
	}
	v.National = demand.NationalCalendar(v.Year) != nil
	page := rq.view(r, "demands", "config.calendar.title", v)
	page.Tab = "config"
	s.render(w, rq, status, "admin_calendar.html", page)
	return nil
}

// calendarPage lists the stored holidays and make-up working days (调休).
func (s *server) calendarPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	n, _ := strconv.Atoi(r.URL.Query().Get("imported"))
	return s.showCalendar(w, r, rq, http.StatusOK, calendarView{Imported: max(n, 0)})
}

// calendarUploadLimit caps the calendar upload: the service reads at most
// 1 MiB of CSV; the rest is room for the multipart framing.
const calendarUploadLimit = 1<<20 + 64<<10

// calendarUpload imports a year's calendar from CSV: all its days or, with
// every bad row and column listed, none.
func (s *server) calendarUpload(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandAdmin); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, calendarUploadLimit)
	if err := r.ParseMultipartForm(calendarUploadLimit); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return s.showCalendar(w, r, rq, http.StatusRequestEntityTooLarge, calendarView{Error: rq.T("config.calendar.too_large")})
		}
		return s.showCalendar(w, r, rq, http.StatusBadRequest, calendarView{Error: rq.T("import.bad_form")})
	}
	defer r.MultipartForm.RemoveAll()
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return s.showCalendar(w, r, rq, http.StatusBadRequest, calendarView{Error: rq.T("import.no_file")})
	}
	defer file.Close()
	days, err := demand.ParseCalendarCSV(file)
	if err == nil {
		err = s.Demand.SaveCalendar(r.Context(), rq.P, days)
	}
	switch code := errs.Code(err); code {
	case "":
		return redirect(w, r, "/admin/calendar?imported="+strconv.Itoa(len(days)))
	case errs.EINVALID, errs.ETOOLARGE:
		v := calendarView{Error: rq.T("config.calendar.rejected"), Rows: rq.localDetails(err)}
		if len(v.Rows) == 0 {
			v.Error += " " + rq.ErrMsg(err)
		}
		status := http.StatusUnprocessableEntity
		if code == errs.ETOOLARGE {
			status = http.StatusRequestEntityTooLarge
		}
		return s.showCalendar(w, r, rq, status, v)
	}
	return err
}

// calendarLoadNational stores the national holiday schedule of the year in
// the path, for the years gongzhi ships one; other years are imported as CSV.
func (s *server) calendarLoadNational(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandAdmin); err != nil {
		return err
	}
	year, err := strconv.Atoi(r.PathValue("year"))
	days := demand.NationalCalendar(year)
	if err != nil || days == nil {
		return s.showCalendar(w, r, rq, http.StatusNotFound, calendarView{Year: year, Error: rq.T("config.calendar.no_national", r.PathValue("year"))})
	}
	if err := s.Demand.SaveCalendar(r.Context(), rq.P, days); err != nil {
		return err
	}
	return redirect(w, r, "/admin/calendar?year="+strconv.Itoa(year)+"&imported="+strconv.Itoa(len(days)))
}

// targetsPage is the data of admin_targets.html: the rates' targets in
// percent as the form shows them.
type targetsPage struct {
	Response, Resolution, Satisfaction string
	CanEdit                            bool
	Saved                              bool
	Errors                             map[string]string
	General                            []string
}

func percentText(v float64) string { return strconv.FormatFloat(v*100, 'f', -1, 64) }

// targetsForm shows the district's targets for the three rates; district
// demand admins change them.
func (s *server) targetsForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandRead); err != nil {
		return err
	}
	t, err := s.Demand.Targets(r.Context())
	if err != nil {
		return err
	}
	page := targetsPage{Response: percentText(t.Response), Resolution: percentText(t.Resolution), Satisfaction: percentText(t.Satisfaction),
		Saved: r.URL.Query().Get("saved") != ""}
	return s.showTargets(w, r, rq, http.StatusOK, page)
}

func (s *server) showTargets(w http.ResponseWriter, r *http.Request, rq *request, status int, page targetsPage) error {
	page.CanEdit = auth.AuthorizeAny(rq.P, auth.DemandAdmin) == nil
	v := rq.view(r, "demands", "config.targets.title", page)
	v.Tab = "config"
	s.render(w, rq, status, "admin_targets.html", v)
	return nil
}

// targetsSave saves the targets typed in percent (95 for 95%).
func (s *server) targetsSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	page := targetsPage{Response: strings.TrimSpace(r.PostFormValue("response")), Resolution: strings.TrimSpace(r.PostFormValue("resolution")),
		Satisfaction: strings.TrimSpace(r.PostFormValue("satisfaction")), Errors: map[string]string{}}
	var t demand.Targets
	for _, f := range []struct {
		name string
		text string
		to   *float64
	}{{"response", page.Response, &t.Response}, {"resolution", page.Resolution, &t.Resolution}, {"satisfaction", page.Satisfaction, &t.Satisfaction}} {
		v, err := strconv.ParseFloat(strings.TrimSuffix(f.text, "%"), 64)
		if err != nil {
			page.Errors[f.name] = rq.T("config.targets.number")
			continue
		}
		*f.to = v / 100
	}
	if len(page.Errors) > 0 {
		return s.showTargets(w, r, rq, http.StatusUnprocessableEntity, page)
	}
	if _, err := s.Demand.SaveTargets(r.Context(), rq.P, t); errs.Code(err) == errs.EINVALID {
		page.Errors, page.General = rq.fieldErrors(err, "response", "resolution", "satisfaction")
		return s.showTargets(w, r, rq, http.StatusUnprocessableEntity, page)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/targets?saved=1")
}
