package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
	"gongzhi/internal/week"
)

// weekLimit caps the bookings one calendar page reads: a week of an area's
// venues fits with room to spare; past it the page says it shows the first.
const weekLimit = 500

// calendarPage is a week of bookings: every venue of an area, or one venue
// (Venue set) with the form that books it.
type calendarPage struct {
	Week weekNav
	// The area calendar.
	Area   string
	Areas  []areaOption
	Venues []venueWeek      // venues booked this week, each with its booked days
	Quiet  []lists.Resource // venues nobody booked this week
	More   bool             // more bookings than one page holds
	// One venue's calendar.
	Venue    *lists.Resource
	AreaName string
	Days     []calDay // all seven, booked or not
	CanBook  bool
	Form     bookForm
}

// weekNav is the week shown and the links to its neighbours.
type weekNav struct {
	From, To         string // Monday and Sunday, YYYY-MM-DD
	Prev, Next, This string // hrefs
	Current          bool   // the week of today
}

// venueWeek is one venue's booked days on the area calendar.
type venueWeek struct {
	Venue lists.Resource
	Days  []calDay
}

// calDay is one day of a calendar and the bookings that touch it.
type calDay struct {
	Date     string // YYYY-MM-DD
	Weekday  int    // 1 Monday … 7 Sunday
	Today    bool
	Bookings []bookingRow
}

// bookingRow is a booking as a calendar lists it.
type bookingRow struct {
	booking.Booking
	Range string // 19:00–20:30, with dates when it crosses midnight
}

// bookForm books a slot of a venue, as typed.
type bookForm struct {
	Date, Start, End, Purpose, Attendees, ProjectID string
	Hold                                            bool
	Errors                                          map[string]string
	General                                         []string
	Alert                                           string // a clash (409) or a time the venue is closed (422)
}

// startOfWeek is the Monday (00:00, Shanghai) of the week holding t.
func startOfWeek(t time.Time) time.Time { return week.Monday(t, clock.Shanghai) }

// weekParam reads ?week= (any day of the week wanted) as its Monday; no
// parameter is this week.
func (s *server) weekParam(r *http.Request) (time.Time, error) {
	v := r.URL.Query().Get("week")
	if v == "" {
		return startOfWeek(s.Clock.Now()), nil
	}
	d, err := time.ParseInLocation(time.DateOnly, v, clock.Shanghai)
	if err != nil {
		return time.Time{}, errs.Invalid("week", "week must be a date such as 2026-11-30")
	}
	return startOfWeek(d), nil
}

// newWeekNav links the week starting monday and its neighbours from path,
// keeping the query's other parameters.
func (s *server) newWeekNav(path string, q url.Values, monday time.Time) weekNav {
	link := func(d time.Time) string {
		q := cloneValues(q)
		q.Set("week", d.Format(time.DateOnly))
		return path + "?" + q.Encode()
	}
	this := startOfWeek(s.Clock.Now())
	q2 := cloneValues(q)
	q2.Del("week")
	return weekNav{From: monday.Format(time.DateOnly), To: monday.AddDate(0, 0, 6).Format(time.DateOnly),
		Prev: link(monday.AddDate(0, 0, -7)), Next: link(monday.AddDate(0, 0, 7)), This: withQuery(path, q2), Current: monday.Equal(this)}
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		if k != "page" {
			out[k] = append([]string(nil), v...)
		}
	}
	return out
}

// slotRange writes a booking's time: 19:00–20:30 within a day, 22:00–24:00
// up to midnight, with dates when it runs into the next day.
func slotRange(start, end time.Time) string {
	a, b := start.In(clock.Shanghai), end.In(clock.Shanghai)
	switch {
	case a.Format(time.DateOnly) == b.Format(time.DateOnly):
		return a.Format("15:04") + "–" + b.Format("15:04")
	case b.Format("15:04") == "00:00" && b.Sub(a) <= 24*time.Hour && a.AddDate(0, 0, 1).Format(time.DateOnly) == b.Format(time.DateOnly):
		return a.Format("15:04") + "–24:00"
	}
	return a.Format("01-02 15:04") + "–" + b.Format("01-02 15:04")
}

// weekDays lays bookings out over the seven days from monday; a booking
// crossing midnight shows on both days. Days nobody booked are kept only
// when all is set.
func (s *server) weekDays(monday time.Time, bs []booking.Booking, all bool) []calDay {
	today := s.Clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	var out []calDay
	for i := range 7 {
		from, to := monday.AddDate(0, 0, i), monday.AddDate(0, 0, i+1)
		d := calDay{Date: from.Format(time.DateOnly), Weekday: i + 1}
		d.Today = d.Date == today
		for _, b := range bs {
			if b.Start.Before(to) && b.End.After(from) {
				d.Bookings = append(d.Bookings, bookingRow{Booking: b, Range: slotRange(b.Start, b.End)})
			}
		}
		if all || len(d.Bookings) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// bookingCalendar is the area calendar: the week's live bookings of the
// venues in the caller's scope (or the area chosen), by venue and day.
func (s *server) bookingCalendar(w http.ResponseWriter, r *http.Request, rq *request) error {
	monday, err := s.weekParam(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := calendarPage{Area: r.URL.Query().Get("area")}
	l, err := s.Booking.List(ctx, rq.P, booking.Filter{Area: d.Area, From: monday, To: monday.AddDate(0, 0, 7), Live: true, PerPage: weekLimit})
	if err != nil {
		return err
	}
	d.More = l.Total > len(l.Items)
	venues, err := s.Lists.Resources(ctx, rq.P, lists.ListFilter{Kind: "venue", Area: d.Area, PerPage: weekLimit})
	if err != nil {
		return err
	}
	byVenue := map[int64][]booking.Booking{}
	for _, b := range l.Items {
		byVenue[b.ResourceID] = append(byVenue[b.ResourceID], b)
	}
	for _, v := range venues.Items {
		if bs := byVenue[v.ID]; len(bs) > 0 {
			d.Venues = append(d.Venues, venueWeek{Venue: v, Days: s.weekDays(monday, bs, false)})
			delete(byVenue, v.ID)
		} else if v.Status == "active" {
			d.Quiet = append(d.Quiet, v)
		}
	}
	// Bookings of venues the list left out (past its page): by their own title.
	for _, b := range l.Items {
		if bs, ok := byVenue[b.ResourceID]; ok {
			v := lists.Resource{ID: b.ResourceID, Title: b.ResourceTitle, ProviderName: b.Provider}
			d.Venues = append(d.Venues, venueWeek{Venue: v, Days: s.weekDays(monday, bs, false)})
			delete(byVenue, b.ResourceID)
		}
	}
	if d.Areas, err = s.areaOptions(ctx, rq.P, false); err != nil {
		return err
	}
	d.Week = s.newWeekNav("/bookings", r.URL.Query(), monday)
	s.render(w, rq, http.StatusOK, "booking_calendar.html", rq.view(r, "bookings", "booking.calendar.title", d))
	return nil
}

// venueOf reads the venue the path names; other resources are not booked
// by time slot and have no calendar.
func (s *server) venueOf(r *http.Request, rq *request) (lists.Resource, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return lists.Resource{}, err
	}
	res, _, err := s.Lists.Resource(r.Context(), rq.P, id)
	if err != nil {
		return lists.Resource{}, err
	}
	if res.Kind != "venue" {
		return lists.Resource{}, errs.New(errs.ENOTFOUND, "not found")
	}
	return res, nil
}

func (s *server) venueCalendar(w http.ResponseWriter, r *http.Request, rq *request) error {
	res, err := s.venueOf(r, rq)
	if err != nil {
		return err
	}
	monday, err := s.weekParam(r)
	if err != nil {
		return err
	}
	form := bookForm{Date: s.Clock.Now().In(clock.Shanghai).Format(time.DateOnly)}
	if !monday.Equal(startOfWeek(s.Clock.Now())) {
		form.Date = monday.Format(time.DateOnly)
	}
	return s.showVenue(w, r, rq, http.StatusOK, res, monday, form)
}

// showVenue draws one venue's week around form (as a post left it).
func (s *server) showVenue(w http.ResponseWriter, r *http.Request, rq *request, status int, res lists.Resource, monday time.Time, form bookForm) error {
	ctx := r.Context()
	l, err := s.Booking.List(ctx, rq.P, booking.Filter{ResourceID: res.ID, From: monday, To: monday.AddDate(0, 0, 7), Live: true, PerPage: weekLimit})
	if err != nil {
		return err
	}
	path := "/resources/" + strconv.FormatInt(res.ID, 10) + "/bookings"
	q := url.Values{}
	if r.Method == http.MethodGet {
		q = r.URL.Query()
	}
	d := calendarPage{Venue: &res, AreaName: s.areaName(ctx, rq.Lang, res.Area), Days: s.weekDays(monday, l.Items, true),
		More: l.Total > len(l.Items), Form: form, Week: s.newWeekNav(path, q, monday),
		CanBook: auth.AuthorizeUnit(rq.P, auth.BookingWrite, res.AreaPath, res.UnitID) == nil}
	v := rq.view(r, "bookings", "booking.venue.title", d)
	v.Title = res.Title
	s.render(w, rq, status, "booking_calendar.html", v)
	return nil
}

// bookVenue books the slot the venue calendar's form asks for.
// overnightMax is the longest slot the form reads as running past midnight.
const overnightMax = 12 * time.Hour

func (s *server) bookVenue(w http.ResponseWriter, r *http.Request, rq *request) error {
	res, err := s.venueOf(r, rq)
	if err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	form := bookForm{Date: v("date"), Start: v("start"), End: v("end"), Purpose: v("purpose"), Attendees: v("attendees"),
		ProjectID: v("project_id"), Hold: v("hold") != ""}
	monday := startOfWeek(s.Clock.Now())
	in := booking.Input{ResourceID: res.ID, Purpose: form.Purpose, Hold: form.Hold}
	bad := map[string]string{}
	day, err := time.ParseInLocation(time.DateOnly, form.Date, clock.Shanghai)
	if err != nil {
		bad["date"] = rq.T("booking.form.date_format")
	} else {
		monday = startOfWeek(day)
	}
	at := func(field, hhmm string) time.Time {
		t, err := time.ParseInLocation("15:04", hhmm, clock.Shanghai)
		if err != nil {
			bad[field] = rq.T("booking.form.time_format")
			return time.Time{}
		}
		return day.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
	}
	in.Start, in.End = at("start", form.Start), at("end", form.End)
	// An end at or before the start is the next day's (an evening into the
	// night, 00:00 meaning midnight) when that makes at most overnightMax;
	// longer, it is more likely a typing slip, and the rules name it.
	if len(bad) == 0 && !in.End.After(in.Start) && in.End.AddDate(0, 0, 1).Sub(in.Start) <= overnightMax {
		in.End = in.End.AddDate(0, 0, 1)
	}
	if form.Attendees != "" {
		n, err := strconv.Atoi(form.Attendees)
		if err != nil || n < 0 {
			bad["attendees"] = rq.T("form.whole_number")
		}
		in.Attendees = n
	}
	if form.ProjectID != "" {
		id, err := strconv.ParseInt(strings.TrimPrefix(form.ProjectID, "#"), 10, 64)
		if err != nil || id <= 0 {
			bad["project_id"] = rq.T("booking.form.project_format")
		}
		in.ProjectID = &id
	}
	if len(bad) > 0 {
		form.Errors = bad
		return s.showVenue(w, r, rq, http.StatusUnprocessableEntity, res, monday, form)
	}
	b, err := s.Booking.Book(r.Context(), rq.P, in)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/bookings/"+strconv.FormatInt(b.ID, 10)+"?done=booked")
	case errs.EINVALID:
		form.Errors, form.General = rq.fieldErrors(err, "date", "start", "end", "purpose", "attendees", "project_id")
		return s.showVenue(w, r, rq, http.StatusUnprocessableEntity, res, monday, form)
	case errs.ECONFLICT:
		form.Alert = rq.ErrMsg(err)
		return s.showVenue(w, r, rq, http.StatusConflict, res, monday, form)
	case errs.EUNAVAILABLE:
		form.Alert = rq.ErrMsg(err)
		return s.showVenue(w, r, rq, http.StatusUnprocessableEntity, res, monday, form)
	}
	return err
}

// bookingView is one booking's page and what the reader may do with it.
type bookingView struct {
	B          booking.Booking
	Day        string // its date, YYYY-MM-DD
	Weekday    int
	Range      string
	Week       string // the Monday of its week, for the calendar link
	CanConfirm bool
	CanCancel  bool
	Maker      bool // the reader booked it: cancelling needs no reason
	Reason     string
	Errors     map[string]string // the cancel form's
	General    []string
	Alert      string // a decision refused (409)
	Done       string // booked, confirmed, cancelled
}

func (s *server) bookingPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showBooking(w, r, rq, http.StatusOK, &bookingView{})
}

// showBooking draws a booking's page around v (its alert and cancel form
// as a post left them).
func (s *server) showBooking(w http.ResponseWriter, r *http.Request, rq *request, status int, v *bookingView) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if v.B, err = s.Booking.Get(r.Context(), rq.P, id); err != nil {
		return err
	}
	start := v.B.Start.In(clock.Shanghai)
	v.Day, v.Weekday, v.Range = start.Format(time.DateOnly), (int(start.Weekday())+6)%7+1, slotRange(v.B.Start, v.B.End)
	v.Week = startOfWeek(start).Format(time.DateOnly)
	v.CanConfirm = v.B.Status == booking.Held && booking.CanManage(rq.P, v.B)
	v.CanCancel = booking.CanCancel(rq.P, v.B)
	v.Maker = v.B.BookedByID != nil && *v.B.BookedByID == rq.P.UserID
	if v.Done == "" && r.Method == http.MethodGet {
		switch done := r.URL.Query().Get("done"); done {
		case "booked", "confirmed", "cancelled":
			v.Done = done
		}
	}
	s.render(w, rq, status, "booking.html", rq.view(r, "bookings", "booking.title", v))
	return nil
}

func (s *server) bookingConfirm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Booking.Confirm(r.Context(), rq.P, id)
	if errs.Code(err) == errs.ECONFLICT {
		return s.showBooking(w, r, rq, http.StatusConflict, &bookingView{Alert: rq.ErrMsg(err)})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/bookings/"+strconv.FormatInt(id, 10)+"?done=confirmed")
}

func (s *server) bookingCancel(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	_, err = s.Booking.Cancel(r.Context(), rq.P, id, reason)
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/bookings/"+strconv.FormatInt(id, 10)+"?done=cancelled")
	case errs.EINVALID:
		v := &bookingView{Reason: reason}
		v.Errors, v.General = rq.fieldErrors(err, "reason")
		return s.showBooking(w, r, rq, http.StatusUnprocessableEntity, v)
	case errs.ECONFLICT:
		return s.showBooking(w, r, rq, http.StatusConflict, &bookingView{Reason: reason, Alert: rq.ErrMsg(err)})
	}
	return err
}
