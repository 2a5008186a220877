package web

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// intakeFields are the intake form's fields that can carry their own
// error, in the order the form shows them, with their element ids and
// labels for the error summary.
var intakeFields = []struct{ name, id, label string }{
	{"category", "d-category", "intake.category"},
	{"area", "d-area", "intake.area"},
	{"description", "d-description", "intake.description"},
	{"address", "d-address", "intake.address"},
	{"reporter", "d-name", "intake.reporter"},
	{attachmentsField, "d-attachments", "files.label"},
	{"lead", "d-lead", "intake.lead"},
	{"answer", "d-answer", "intake.answer"},
	{"channel", "d-channel", "intake.channel"},
	{"lat", "d-lat", "intake.coords"},
}

// intakeForm is the data of demand_new.html: the hotline operator's form.
type intakeForm struct {
	Category, Area, Lat, Lng, Channel string
	Description, Address, Name, Phone string
	Lead, Answer                      string
	Hold                              bool // file only, dispatch later
	Answered                          bool // the "answered on the spot" button was pressed
	CanDispatch                       bool // files and dispatches (or answers) in one step
	Errors                            map[string]string
	Wrong                             []wrongField // Errors in the form's order, for the summary
	General                           []string
	Categories                        []demand.Category
	Areas                             []areaChoice
	Channels                          []demand.Channel
	Filed                             *filedDemand // set right after filing
	SMSSent                           int64        // the tracking message of this demand was just queued
	MaxDescription                    int
	Similar                           similarList  // empty until the operator types
	Proposal                          proposalView // where a dispatch would go, once category and area are known
	Callers                           callerList   // the caller's earlier demands, once a phone is typed
	MapURL                            string       // the area picker's grid map (static/grid_map.js)
	Limits                            uploadLimits
	FilesAgain                        bool // files were sent with a refused form: the browser cannot keep them
}

// MoreOpen says whether the folded channel and coordinates show: when they
// hold something other than the default or are wrong.
func (f intakeForm) MoreOpen() bool {
	return f.Lat != "" || f.Lng != "" || f.Channel != string(demand.Hotline) || f.Errors["channel"] != "" || f.Errors["lat"] != ""
}

// wrongField is one line of the error summary: a link to the field.
type wrongField struct {
	ID, Label, Message string
}

// filedDemand is what the operator reads out once a demand is filed.
type filedDemand struct {
	ID           int64
	CategoryName string
	AreaName     string
	LeadName     string // dispatched to
	Answered     bool   // closed, answered on the spot
	TrackPath    string // /t/{token}
	TrackURL     string // the same, absolute, for an SMS
	Files        int    // photos and files filed with it
	ShortCode    string // the short code to read out (ABCD-EFGH): typed alone at /track it opens tracking
	CanSMS       bool   // a gateway is configured and the caller left a mobile number
	Phone        string // the caller's phone, masked, where the message would go
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
	f.CanDispatch = auth.AuthorizeAny(rq.P, auth.DemandDispatch) == nil
	for _, a := range f.Areas {
		if a.Code == f.Area { // a code from ?area= shows as the name path
			f.Area = a.Label
		}
	}
	for _, fl := range intakeFields {
		if msg := f.Errors[fl.name]; msg != "" {
			f.Wrong = append(f.Wrong, wrongField{ID: fl.id, Label: rq.T(fl.label), Message: msg})
		}
	}
	if f.Filed == nil && (f.Category != "" || f.Area != "") {
		if f.Proposal, err = s.proposal(ctx, rq, f.Category, f.Area); err != nil {
			return err
		}
	}
	if f.Filed == nil && f.Phone != "" {
		if f.Callers, err = s.callers(ctx, rq, f.Phone); err != nil {
			return err
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
	if id, err := strconv.ParseInt(r.URL.Query().Get("sms"), 10, 64); err == nil && id > 0 {
		f.SMSSent = id // back from "send the link by SMS"
	}
	return s.showIntake(r.Context(), w, r, rq, http.StatusOK, f)
}

// readIntake reads the posted intake form.
func readIntake(r *http.Request) intakeForm {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	return intakeForm{Category: v("category"), Area: v("area"), Lat: v("lat"), Lng: v("lng"), Channel: v("channel"),
		Description: v("description"), Address: v("address"), Name: v("reporter_name"), Phone: v("reporter_phone"),
		Lead: v("lead"), Answer: v("answer"), Hold: v("hold") != "", Answered: v("answered") != ""}
}

// intake files a demand from the form and shows its number and the
// resident's tracking link, with a fresh form for the next call. Staff who
// dispatch file and dispatch it in one step (or close it, answered on the
// spot); a refused form names every wrong field and files nothing.
func (s *server) intake(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return err
	}
	f := readIntake(r)
	in, bad := s.intakeInput(rq, f)
	var err error
	if in.Attachments, err = formFiles(r); err != nil {
		return err
	}
	f.FilesAgain = len(in.Attachments) > 0
	var filed demand.Filed
	if len(bad) > 0 {
		err = s.Demand.CheckIntake(ctx, p, in)
	} else {
		filed, err = s.Demand.Intake(ctx, p, in)
	}
	if errs.Code(err) == errs.EINVALID || err == nil && len(bad) > 0 {
		names := make([]string, len(intakeFields))
		for i, fl := range intakeFields {
			names[i] = fl.name
		}
		f.Errors, f.General = map[string]string{}, nil
		if err != nil {
			f.Errors, f.General = rq.fieldErrors(err, names...)
			if msg := rq.fileErrors(err); msg != "" {
				f.Errors[attachmentsField] = msg
			}
		}
		if bad["lat"] != "" && f.Area == "" {
			delete(f.Errors, "area") // "area or coordinates": the coordinates are what is wrong
		}
		for k, v := range bad {
			f.Errors[k] = v
		}
		return s.showIntake(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	d := filed.Demand
	s.recordSuggested(ctx, rq, r.PostFormValue("suggested"), d.ID)
	next := intakeForm{Channel: f.Channel, Filed: &filedDemand{ID: d.ID, CategoryName: d.CategoryName, AreaName: s.areaName(ctx, rq.Lang, d.Area),
		Answered: d.Status == demand.Closed, TrackPath: "/t/" + filed.Token, TrackURL: s.siteURL(r) + "/t/" + filed.Token, Files: len(d.Attachments),
		ShortCode: demand.FormatCode(filed.ShortCode), CanSMS: s.Demand.SMSAvailable() && canText(f.Phone), Phone: auth.MaskPhone(f.Phone)}}
	if rq.Lang == langEN && d.CategoryNameEN != "" {
		next.Filed.CategoryName = d.CategoryNameEN
	}
	if d.Status == demand.Dispatched {
		next.Filed.LeadName = s.bodyName(ctx, rq, d.Lead, d.LeadUnit)
	}
	return s.showIntake(ctx, w, r, rq, http.StatusOK, next)
}

// intakeInput turns the form into a NewDemand: the typed category, area
// and body go to the service as typed (it looks them up); what only the
// page can check comes back as field errors.
func (s *server) intakeInput(rq *request, f intakeForm) (demand.NewDemand, map[string]string) {
	in := demand.NewDemand{Category: f.Category, Area: f.Area, Channel: f.Channel, Description: f.Description, Address: f.Address,
		Reporter: demand.ReporterInput{Name: f.Name, Phone: f.Phone}, Typed: true}
	bad := map[string]string{}
	if f.Area == "" {
		lat, okLat := parseCoord(f.Lat)
		lng, okLng := parseCoord(f.Lng)
		if !okLat || !okLng || (lat == nil) != (lng == nil) {
			bad["lat"] = rq.T("intake.bad_coords")
		} else {
			in.Lat, in.Lng = lat, lng
		}
	}
	switch {
	case f.Answered && f.Answer == "":
		bad["answer"] = rq.T("intake.answer_required")
	case f.Answered:
		in.Answer = f.Answer
	case !f.Hold && auth.AuthorizeAny(rq.P, auth.DemandDispatch) == nil:
		in.Dispatch, in.Lead = true, f.Lead
	}
	return in, bad
}

// bodyName names a handling body: a unit's name, or the area's name path.
func (s *server) bodyName(ctx context.Context, rq *request, area string, unit *int64) string {
	if unit != nil {
		if u, err := s.Org.Unit(ctx, rq.P, *unit); err == nil {
			return u.Name
		}
	}
	return s.areaName(ctx, rq.Lang, area)
}

// proposalView is the data of the "intake-proposal" fragment: what the
// typed category and area name, and where a dispatch on save goes.
type proposalView struct {
	Checked     bool     // a category or an area was typed
	Category    string   // the category found, in the reader's language
	Area        string   // the area found, as its name path
	Lead        string   // the proposed body; "" when there is none
	ByRule      bool     // a routing rule names it
	Problems    []string // why a text names nothing or several things
	CanDispatch bool
}

// proposal looks up the typed category and area and the body a dispatch
// would go to.
func (s *server) proposal(ctx context.Context, rq *request, category, area string) (proposalView, error) {
	v := proposalView{Checked: category != "" || area != "", CanDispatch: auth.AuthorizeAny(rq.P, auth.DemandDispatch) == nil}
	if !v.Checked {
		return v, nil
	}
	pv, err := s.Demand.Preview(ctx, rq.P, category, area)
	switch errs.Code(err) {
	case "":
	case errs.EINVALID:
		for _, d := range rq.localDetails(err) {
			v.Problems = append(v.Problems, d.Message)
		}
	default:
		return v, err
	}
	if pv.Category.Code != "" {
		v.Category = rq.categoryName(pv.Category)
	}
	if pv.Area != "" {
		v.Area = s.areaName(ctx, rq.Lang, pv.Area)
	}
	if pv.Proposal.Lead != "" {
		v.Lead, v.ByRule = s.bodyName(ctx, rq, pv.Proposal.Lead, pv.Proposal.LeadUnit), pv.Proposal.ByRule
	}
	return v, nil
}

// proposalFragment answers the intake page as the operator types the
// category or the area: what they name and where the demand would go.
func (s *server) proposalFragment(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandIntake); err != nil {
		return err
	}
	v, err := s.proposal(r.Context(), rq, strings.TrimSpace(r.PostFormValue("category")), strings.TrimSpace(r.PostFormValue("area")))
	if err != nil {
		return err
	}
	s.fragment(w, rq, "demand_new.html", "intake-proposal", v)
	return nil
}

// callerShown is how many of a caller's earlier demands the intake page lists.
const callerShown = 5

// callerList is the data of the "caller-list" fragment.
type callerList struct {
	Searched bool
	Phone    string // its digits; the page shows them masked
	Total    int
	Capped   bool
	Items    []callerItem
}

// callerItem is one earlier demand of the caller.
type callerItem struct {
	ID                     int64
	CategoryName, AreaName string
	Address, Description   string
	Status                 demand.Status
	CreatedAt              time.Time
}

// callers lists the earlier demands of the caller whose phone is typed,
// among the demands the operator sees.
func (s *server) callers(ctx context.Context, rq *request, phone string) (callerList, error) {
	out := callerList{Phone: phone}
	res, err := s.Demand.CallerHistory(ctx, rq.P, phone, callerShown)
	if err != nil {
		return out, err
	}
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone)
	out.Searched, out.Phone = len(digits) >= demand.MinCallerDigits, digits
	out.Total, out.Capped = res.Total, res.TotalCapped
	for _, d := range res.Items {
		d.InLang(rq.Lang)
		out.Items = append(out.Items, callerItem{ID: d.ID, CategoryName: d.CategoryName, AreaName: s.areaName(ctx, rq.Lang, d.Area),
			Address: d.Address, Description: d.Description, Status: d.Status, CreatedAt: d.CreatedAt})
	}
	return out, nil
}

// callersFragment answers the intake page as the operator types the
// caller's phone: the caller's earlier demands.
func (s *server) callersFragment(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandIntake); err != nil {
		return err
	}
	v, err := s.callers(r.Context(), rq, strings.TrimSpace(r.PostFormValue("reporter_phone")))
	if err != nil {
		return err
	}
	s.fragment(w, rq, "demand_new.html", "caller-list", v)
	return nil
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

// similarItem is one likely duplicate, with its place spelled out: an
// operator tells the same complaint from a like one by where it is.
type similarItem struct {
	demand.Similar
	CategoryName string
	AreaName     string // name path
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
		area := homeArea(p, auth.DemandRead) // the whole scope, until an area is typed
		if typed := strings.TrimSpace(r.PostFormValue("area")); typed != "" {
			code, err := s.Demand.FindArea(ctx, p, typed)
			if err == nil {
				area = code
			} else if errs.Code(err) != errs.EINVALID {
				return err
			}
		}
		var category string
		if found := demand.MatchCategory(cats, r.PostFormValue("category")); len(found) == 1 {
			category = found[0].Code
		}
		found, err := s.Demand.SimilarText(ctx, p, category, area, text)
		switch code := errs.Code(err); code {
		case "":
			out.Searched = true
			names := rq.categoryNames(cats)
			for _, f := range found {
				out.Items = append(out.Items, similarItem{Similar: f, CategoryName: names[f.Category], AreaName: s.areaName(ctx, rq.Lang, f.Area)})
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
