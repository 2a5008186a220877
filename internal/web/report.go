package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// Residents' pages take small bodies: a description of at most 4,000
// characters (12 KB in UTF-8) and a few short fields; a report with photos
// is multipart and may be as large as demand.MaxUploadBytes.
const (
	reportBodyLimit = 32 << 10
	rateBodyLimit   = 4 << 10
)

// reportFields are the resident form's fields that can carry an error.
var reportFields = []string{"category", "area", "lat", "address", "description", attachmentsField}

// otherCategory is the code of the category filed for "其他 / 不确定"
// (other / not sure): staff re-categorise what lands there. The report
// form offers the choice only while an active category has this code.
const otherCategory = "other"

// reportForm is the data of report.html, the resident's mobile form.
type reportForm struct {
	Category, Area, Address, Lat, Lng, Description, Name, Phone string
	Errors                                                      map[string]string
	General                                                     []string
	Categories                                                  []demand.Category
	Other                                                       bool // "其他 / 不确定" is offered
	// Candidates are the areas a typed name matched, to choose from
	// (area_pick); More is how many more matched.
	Candidates     []string
	More           int
	MaxDescription int
	Limits         uploadLimits
	FilesAgain     bool // files were sent with a refused form: the browser cannot keep them
}

func (s *server) showReport(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f reportForm) error {
	cats, err := s.Demand.Categories(ctx, true)
	if err != nil {
		return err
	}
	f.Categories = cats[:0]
	for _, c := range cats {
		if c.Code == otherCategory { // offered last, as "other / not sure"
			f.Other = true
			continue
		}
		c.Name = rq.categoryName(c)
		f.Categories = append(f.Categories, c)
	}
	f.MaxDescription, f.Limits = demand.MaxDescription, fileLimits
	v := rq.view(r, "report", "report.title", f)
	v.Scripts, v.NoIndex = []string{"report.js", "report-area.js"}, true
	s.render(w, rq, status, "report.html", v)
	return nil
}

// reportForm is the resident's page to raise a demand: no app, no account.
func (s *server) reportForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showReport(r.Context(), w, r, rq, http.StatusOK, reportForm{})
}

// reportDone is the data of report_done.html.
type reportDone struct {
	ID        int64
	TrackPath string
	TrackURL  string
	Files     int    // photos and files filed with it
	Phone     bool   // a phone was left: the number and its last digits find the demand (/track)
	ShortCode string // the short code (ABCD-EFGH), which opens tracking alone at /track
	Mine      bool   // filed while signed in: "我的诉求" lists it
}

// report files a resident's demand (channel online, no account) and shows
// the private tracking link once. Filings are limited per client address.
func (s *server) report(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	if err := parseForm(w, r, reportBodyLimit); err != nil {
		return err
	}
	if rq.P != nil && !rq.csrfOK(r) { // a signed-in browser's forms carry its token
		return errCSRF()
	}
	files, err := formFiles(r)
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := reportForm{Category: v("category"), Area: v("area"), Address: v("address"), Lat: v("lat"), Lng: v("lng"),
		Description: v("description"), Name: v("name"), Phone: v("phone")}
	if pick := v("area_pick"); pick != "" { // chosen among the candidates of a name that matched several
		f.Area = pick
	}
	ip := clientIP(r, s.TrustedProxies)
	if s.reports.Blocked(ip, reportLimit) {
		f.General = []string{rq.T("report.too_many")}
		return s.showReport(ctx, w, r, rq, http.StatusTooManyRequests, f)
	}
	f.FilesAgain = len(files) > 0
	in := demand.NewDemand{Category: f.Category, Description: f.Description, Address: f.Address,
		Reporter: demand.ReporterInput{Name: f.Name, Phone: f.Phone}, Attachments: files}
	if rq.P != nil && !rq.P.System { // a signed-in resident's own report: "我的诉求" lists it
		in.ReporterUser = rq.P.UserID
	}
	bad := map[string]string{}
	if f.Category == "" {
		bad["category"] = rq.T("report.choose_category")
	}
	if f.Area != "" {
		found, err := s.findReportArea(ctx, rq.Lang, f.Area)
		if err != nil {
			return err
		}
		switch len(found) {
		case 0:
			bad["area"] = rq.T("report.area_none", f.Area)
		case 1:
			in.Area, f.Area = found[0].Code, found[0].Label
		default:
			bad["area"] = rq.T("report.area_several", f.Area, len(found))
			for _, a := range found[:min(len(found), reportCandidates)] {
				f.Candidates = append(f.Candidates, a.Label)
			}
			f.More = len(found) - len(f.Candidates)
		}
	} else {
		lat, okLat := parseCoord(f.Lat)
		lng, okLng := parseCoord(f.Lng)
		if !okLat || !okLng || lat == nil || lng == nil {
			bad["area"] = rq.T("report.choose_area")
		} else {
			in.Lat, in.Lng = lat, lng
		}
	}
	if f.Description == "" {
		bad["description"] = rq.T("report.describe")
	}
	if len(bad) > 0 {
		f.Errors = bad
		return s.showReport(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
	}
	filed, err := s.Demand.Intake(ctx, nil, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, reportFields...)
		if msg := rq.fileErrors(err); msg != "" {
			f.Errors[attachmentsField] = msg
		}
		if msg, ok := f.Errors["lat"]; ok { // coordinates from "use my location" belong to the area choice
			f.Errors["area"] = msg
		}
		return s.showReport(ctx, w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	s.reports.Fail(ip) // counts filings, not failures: the name is the throttle's
	done := reportDone{ID: filed.Demand.ID, TrackPath: "/t/" + filed.Token, TrackURL: s.siteURL(r) + "/t/" + filed.Token,
		Files: len(filed.Demand.Attachments), Phone: f.Phone != "", ShortCode: demand.FormatCode(filed.ShortCode), Mine: in.ReporterUser != 0}
	page := rq.view(r, "report", "report.done_title", done)
	page.NoIndex = true
	s.render(w, rq, http.StatusOK, "report_done.html", page)
	return nil
}

// trackPage is the data of track.html.
type trackPage struct {
	T             *demand.Tracked
	Token         string
	Events        []publicEvent
	Rated         bool   // just rated
	Error         string // why the rating was refused
	Satisfaction  string // the posted values, kept after an error
	Solved        string
	Satisfactions []string
	Files         attachmentList // the files filed with the report, served under the link
	ByNumber      bool           // found by number and phone digits: no link, so no files or rating
	Address       string         // where, as much as may be public (auth.PublicAddress)
}

// publicEvent is one step of the timeline as a resident sees it.
type publicEvent struct {
	demand.Event
	Who string // resident, system or staff, in the reader's language
}

// publicEvents words the timeline for residents: actors by kind only.
// demand.Track already drops staff names and notes and masks the notes'
// personal data (auth.MaskText).
func (rq *request) publicEvents(evs []demand.Event) []publicEvent {
	out := make([]publicEvent, len(evs))
	for i, e := range evs {
		out[i] = publicEvent{Event: e, Who: rq.T("track.actor." + e.ActorKind)}
	}
	return out
}

func (s *server) showTrack(w http.ResponseWriter, r *http.Request, rq *request, status int, page trackPage) error {
	token := r.PathValue("token")
	t, err := s.Demand.Track(r.Context(), token)
	if err != nil {
		return err
	}
	t.InLang(rq.Lang)
	page.T, page.Token, page.Events = t, token, rq.publicEvents(t.Events)
	if page.Address, err = s.publicAddress(r.Context(), t.ID); err != nil {
		return err
	}
	page.Files = attachmentList{Base: "/t/" + token, Items: t.Attachments}
	page.Satisfactions = []string{demand.Satisfied, demand.BasicSatisfied, demand.Dissatisfied}
	v := rq.view(r, "report", "track.title", page)
	v.NoIndex = true
	s.render(w, rq, status, "track.html", v)
	return nil
}

// track is the resident's private tracking page (/t/{token}): progress, the
// public timeline, the answer, and once resolved a rating form.
func (s *server) track(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showTrack(w, r, rq, http.StatusOK, trackPage{Rated: r.URL.Query().Get("rated") == "1"})
}

// rate records the resident's rating through the tracking link, once.
func (s *server) rate(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, rateBodyLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) {
		return errCSRF()
	}
	token := r.PathValue("token")
	page := trackPage{Satisfaction: r.PostFormValue("satisfaction"), Solved: r.PostFormValue("solved")}
	if page.Satisfaction == "" || (page.Solved != "yes" && page.Solved != "no") {
		page.Error = rq.T("track.rate_incomplete")
		return s.showTrack(w, r, rq, http.StatusBadRequest, page)
	}
	_, err := s.Demand.Rate(r.Context(), token, page.Satisfaction, page.Solved == "yes")
	switch code := errs.Code(err); code {
	case "":
		return redirect(w, r, "/t/"+token+"?rated=1")
	case errs.EINVALID, errs.ECONFLICT:
		page.Error = rq.ErrMsg(err)
		return s.showTrack(w, r, rq, statusOf[code], page)
	}
	return err
}

// publicAddress is the demand's address as the tracking page may show it:
// the road and lane, or the residential area, without the door
// (auth.PublicAddress). demand.Tracked does not carry the address, so the
// system principal reads it; only the coarsened form leaves this function.
func (s *server) publicAddress(ctx context.Context, id int64) (string, error) {
	d, err := s.Demand.Get(ctx, auth.SystemPrincipal(), id)
	if err != nil {
		return "", err
	}
	return auth.PublicAddress(d.Address), nil
}

// trackLookupPage is the data of track_lookup.html.
type trackLookupPage struct {
	Number, Last4 string
	Code          string // the short code, typed alone
	Error         string
}

// trackLookupForm asks a resident without the link for the demand's number
// and the last four digits of their phone.
func (s *server) trackLookupForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	v := rq.view(r, "report", "lookup.title", trackLookupPage{Number: r.URL.Query().Get("number")})
	v.NoIndex = true
	s.render(w, rq, http.StatusOK, "track_lookup.html", v)
	return nil
}

// trackLookup shows the tracking page's contents (without files and the
// rating, which need the link) for a number and the phone's last digits.
func (s *server) trackLookup(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, rateBodyLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) {
		return errCSRF()
	}
	page := trackLookupPage{Number: strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("number")), "#"), Last4: strings.TrimSpace(r.PostFormValue("last4")),
		Code: strings.TrimSpace(r.PostFormValue("code"))}
	again := func(status int, msg string) error {
		page.Error = msg
		v := rq.view(r, "report", "lookup.title", page)
		v.NoIndex = true
		s.render(w, rq, status, "track_lookup.html", v)
		return nil
	}
	if page.Code != "" && page.Number == "" { // the short code alone
		return s.showByCode(w, r, rq, page.Code, again)
	}
	number, err := strconv.ParseInt(page.Number, 10, 64)
	if err != nil || number <= 0 {
		return again(http.StatusUnprocessableEntity, rq.T("lookup.bad_number"))
	}
	t, err := s.Demand.TrackByNumber(r.Context(), number, page.Last4, clientIP(r, s.TrustedProxies))
	switch errs.Code(err) {
	case "":
	case errs.EINVALID:
		return again(http.StatusUnprocessableEntity, rq.T("lookup.bad_last4"))
	case errs.ETOOMANY:
		w.Header().Set("Retry-After", strconv.Itoa(int(demand.LookupWindow.Seconds())))
		return again(http.StatusTooManyRequests, rq.T("lookup.too_many"))
	case errs.ENOTFOUND:
		return again(http.StatusNotFound, rq.T("lookup.not_found"))
	default:
		return err
	}
	return s.showLookedUp(w, r, rq, t)
}

// showLookedUp shows a demand found by its number or its short code: the
// tracking page without files or rating, which stay with the link.
func (s *server) showLookedUp(w http.ResponseWriter, r *http.Request, rq *request, t *demand.Tracked) error {
	t.InLang(rq.Lang)
	addr, err := s.publicAddress(r.Context(), t.ID)
	if err != nil {
		return err
	}
	v := rq.view(r, "report", "track.title", trackPage{T: t, Events: rq.publicEvents(t.Events), ByNumber: true, Address: addr})
	v.NoIndex = true
	s.render(w, rq, http.StatusOK, "track.html", v)
	return nil
}
