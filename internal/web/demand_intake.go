package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// intakeFields are the intake form's fields that can carry their own error.
var intakeFields = []string{"category", "area", "lat", "channel", "description", "address", attachmentsField}

// intakeForm is the data of demand_new.html: the hotline operator's form.
type intakeForm struct {
	Category, Area, Lat, Lng, Channel string
	Description, Address, Name, Phone string
	Errors                            map[string]string
	General                           []string
	Categories                        []demand.Category
	Areas                             []areaChoice
	Channels                          []demand.Channel
	Filed                             *filedDemand // set right after filing
	MaxDescription                    int
	Similar                           similarList // empty until the operator types
	MapURL                            string      // the area picker's grid map (static/grid_map.js)
	Limits                            uploadLimits
	FilesAgain                        bool // files were sent with a refused form: the browser cannot keep them
}

// filedDemand is what the operator reads out once a demand is filed.
type filedDemand struct {
	ID           int64
	CategoryName string
	AreaName     string
	TrackPath    string // /t/{token}
	TrackURL     string // the same, absolute, for an SMS
	Files        int    // photos and files filed with it
}

// showIntake renders the intake form with its choices.
func (s *server) showIntake(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f intakeForm) error {
	var err error
	if f.Categories, err = s.Demand.Categories(ctx, true); err != nil {
		return err
	}
	if f.Areas, err = s.areaChoices(ctx, rq.P); err != nil {
		return err
	}
	f.Channels, f.MaxDescription, f.Limits = demand.Channels, demand.MaxDescription, fileLimits
	for _, a := range f.Areas {
		if a.Code == f.Area { // a code from ?area= shows as the name path
			f.Area = a.Label
		}
	}
	// The map picker starts at the operator's own area: a district's streets, or a street's grids.
	f.MapURL = mapURL(demand.StatsFilter{Area: homeArea(rq.P, auth.DemandIntake)})
	v := rq.view(r, "demands", "intake.title", f)
	v.Tab, v.Scripts, v.Charts = "new", []string{"intake.js", "grid_map.js"}, true
	s.render(w, rq, status, "demand_new.html", v)
	return nil
}

// intakeForm shows the staff intake form (受理登记).
func (s *server) intakeForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandIntake); err != nil {
		return err
	}
	f := intakeForm{Channel: string(demand.Hotline)}
	if code := r.URL.Query().Get("area"); code != "" {
		f.Area = code
	}
	return s.showIntake(r.Context(), w, r, rq, http.StatusOK, f)
}

// readIntake reads the posted intake form.
func readIntake(r *http.Request) intakeForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return intakeForm{Category: v("category"), Area: v("area"), Lat: v("lat"), Lng: v("lng"), Channel: v("channel"),
		Description: v("description"), Address: v("address"), Name: v("reporter_name"), Phone: v("reporter_phone")}
}

// intake files a demand from the form and shows its number and the
// resident's tracking link, with a fresh form for the next call.
func (s *server) intake(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return err
	}
	f := readIntake(r)
	in, bad, err := s.intakeInput(ctx, rq, f)
	if err != nil {
		return err
	}
	if in.Attachments, err = formFiles(r); err != nil {
		return err
	}
	f.FilesAgain = len(in.Attachments) > 0
	if len(bad) > 0 {
		f.Errors = bad
		return s.showIntake(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
	}
	filed, err := s.Demand.Intake(ctx, p, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, intakeFields...)
		if msg := rq.fileErrors(err); msg != "" {
			f.Errors[attachmentsField] = msg
		}
		return s.showIntake(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	d := filed.Demand
	next := intakeForm{Channel: f.Channel, Filed: &filedDemand{ID: d.ID, CategoryName: d.CategoryName, AreaName: d.AreaName,
		TrackPath: "/t/" + filed.Token, TrackURL: s.siteURL(r) + "/t/" + filed.Token, Files: len(d.Attachments)}}
	if next.Filed.AreaName == "" {
		next.Filed.AreaName = d.Area
	}
	return s.showIntake(ctx, w, r, rq, http.StatusOK, next)
}

// intakeInput turns the form into a NewDemand, resolving the typed category
// and area. Problems found here come back as field errors.
func (s *server) intakeInput(ctx context.Context, rq *request, f intakeForm) (demand.NewDemand, map[string]string, error) {
	in := demand.NewDemand{Channel: f.Channel, Description: f.Description, Address: f.Address,
		Reporter: demand.ReporterInput{Name: f.Name, Phone: f.Phone}}
	bad := map[string]string{}
	cats, err := s.Demand.Categories(ctx, true)
	if err != nil {
		return in, nil, err
	}
	if f.Category == "" {
		bad["category"] = rq.T("form.required")
	} else if code, ok := resolveCategory(cats, f.Category); ok {
		in.Category = code
	} else {
		bad["category"] = rq.T("form.choose_listed")
	}
	lat, okLat := parseCoord(f.Lat)
	lng, okLng := parseCoord(f.Lng)
	switch {
	case f.Area != "":
		choices, err := s.areaChoices(ctx, rq.P)
		if err != nil {
			return in, nil, err
		}
		if code, ok := resolveArea(choices, f.Area); ok {
			in.Area = code
		} else {
			bad["area"] = rq.T("form.choose_listed")
		}
	case !okLat || !okLng || (lat == nil) != (lng == nil):
		bad["lat"] = rq.T("intake.bad_coords")
	case lat == nil:
		bad["area"] = rq.T("intake.area_or_coords")
	default:
		in.Lat, in.Lng = lat, lng
	}
	if len(bad) > 0 && f.Description == "" {
		bad["description"] = rq.T("form.required")
	}
	return in, bad, nil
}

// siteURL is this site's address as the browser reached it, for links
// read out or sent by SMS.
func (s *server) siteURL(r *http.Request) string {
	scheme := "http"
	if s.secure(r) {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// similarList is the data of the "similar-list" fragment.
type similarList struct {
	Searched bool
	Message  string // why nothing could be searched, in the user's language
	Items    []similarItem
}

// similarItem is one likely duplicate.
type similarItem struct {
	demand.Similar
	CategoryName string
}

// similarFragment answers the intake page's htmx request as the operator
// types: open demands nearby that look like the text so far.
func (s *server) similarFragment(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return err
	}
	text := strings.TrimSpace(r.PostFormValue("description"))
	out := similarList{}
	if utf8.RuneCountInString(text) >= 4 {
		cats, err := s.Demand.Categories(ctx, false)
		if err != nil {
			return err
		}
		choices, err := s.areaChoices(ctx, p)
		if err != nil {
			return err
		}
		area, ok := resolveArea(choices, r.PostFormValue("area"))
		if !ok {
			area = homeArea(p, auth.DemandRead) // the whole scope, until an area is typed
		}
		category, _ := resolveCategory(cats, r.PostFormValue("category"))
		found, err := s.Demand.SimilarText(ctx, p, category, area, text)
		switch code := errs.Code(err); code {
		case "":
			out.Searched = true
			names := rq.categoryNames(cats)
			for _, f := range found {
				out.Items = append(out.Items, similarItem{Similar: f, CategoryName: names[f.Category]})
			}
		case errs.EINVALID, errs.EFORBIDDEN, errs.ENOTFOUND:
			out.Message = rq.ErrMsg(err)
		default:
			return err
		}
	}
	s.fragment(w, rq, "demand_new.html", "similar-list", out)
	return nil
}

// fragment renders one named template of page without the layout, for
// htmx to swap into the page.
func (s *server) fragment(w http.ResponseWriter, rq *request, page, name string, data any) {
	t, err := s.tpl.clone(page, rq.cat)
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, name, data)
	}
	if err != nil {
		s.Logger.Error("render fragment", "page", page, "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	buf.WriteTo(w)
}
