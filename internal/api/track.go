package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/platform"
)

// The tracking endpoints are the resident's door: no account and no token,
// only the private link's secret in the path. They show progress and
// nobody's personal data.

// trackedJSON is what GET /track/{token} shows. It is built field by field
// from demand.Tracked, so a field added there does not reach the public
// unseen; its free text comes masked (auth.MaskText) from demand.Track.
type trackedJSON struct {
	ID           int64          `json:"id"`
	Category     string         `json:"category"`
	CategoryName string         `json:"category_name"`
	Status       demand.Status  `json:"status"`
	AreaName     string         `json:"area_name"`
	Handler      string         `json:"handler"` // the body handling it, with its parents; "" before dispatch
	Description  string         `json:"description"`
	CreatedAt    time.Time      `json:"created_at"`
	ResolveDue   time.Time      `json:"resolve_due"`
	Outcome      string         `json:"outcome"`
	Resolution   string         `json:"resolution"`
	CanRate      bool           `json:"can_rate"`
	MyRating     string         `json:"my_rating"`
	RatedAt      *time.Time     `json:"rated_at"`
	Events       []trackedEvent `json:"events"`
	Attachments  []trackedFile  `json:"attachments"`
}

// trackedFile is a photo or file the link's holder filed with their report;
// GET /track/{token}/attachments/{id} serves it.
type trackedFile struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	CreatedAt   time.Time `json:"created_at"`
}

// trackedEvent is a step of the public timeline: what happened and when.
// Staff notes are left out: they are written for colleagues and may name
// the people involved; what was done reaches the resident as resolution.
type trackedEvent struct {
	At        time.Time     `json:"at"`
	Actor     string        `json:"actor"`      // the actor's kind worded in the caller's language, never a name
	ActorKind string        `json:"actor_kind"` // resident, staff or system
	Action    string        `json:"action"`
	From      demand.Status `json:"from,omitempty"`
	To        demand.Status `json:"to,omitempty"`
}

// trackedOf is t as the API shows it, worded in lang.
func (s *server) trackedOf(ctx context.Context, t *demand.Tracked, lang string) trackedJSON {
	demand.Localize(t.Events, lang)
	out := trackedJSON{ID: t.ID, Category: t.Category, CategoryName: t.CategoryName, Status: t.Status, AreaName: t.AreaName,
		Description: t.Description, CreatedAt: t.CreatedAt, ResolveDue: t.ResolveDue, Outcome: t.Outcome,
		Resolution: t.Resolution, CanRate: t.CanRate, MyRating: t.MyRating, RatedAt: t.RatedAt, Events: []trackedEvent{},
		Attachments: []trackedFile{}}
	if t.LeadArea != "" {
		if l, err := s.Org.AreaLabels(ctx); err == nil {
			out.Handler = l.Label(t.LeadArea, lang)
		}
	}
	for _, e := range t.Events {
		out.Events = append(out.Events, trackedEvent{At: e.At, Actor: e.Actor, ActorKind: e.ActorKind, Action: e.Action, From: e.From, To: e.To})
	}
	for _, a := range t.Attachments {
		out.Attachments = append(out.Attachments, trackedFile{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, CreatedAt: a.CreatedAt})
	}
	return out
}

// trackedAttachment serves GET /track/{token}/attachments/{aid}: a file the
// link's holder filed with their report. Files staff added later, and
// other reporters' files after a merge, are not found.
func (s *server) trackedAttachment(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid < 1 {
		return errs.New(errs.ENOTFOUND, "attachment not found")
	}
	f, err := s.Demand.TrackedAttachment(r.Context(), r.PathValue("token"), aid)
	if err != nil {
		return err
	}
	f.ServeHTTP(w, r)
	return nil
}

// track serves GET /track/{token}, without a bearer token.
func (s *server) track(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	t, err := s.Demand.Track(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.trackedOf(r.Context(), t, readerLang(r, nil)))
	return nil
}

// rateBody is the body of POST /track/{token}/rate.
type rateBody struct {
	Satisfaction string `json:"satisfaction"`
	Solved       *bool  `json:"solved"`
}

// rate serves POST /track/{token}/rate: the resident's callback through the
// link. The first rating of a resolved demand closes it (or, dissatisfied,
// sends it back for a second handling); each reporter rates once (409 after).
func (s *server) rate(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in rateBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Solved == nil {
		return errs.Invalid("solved", "solved is required: true or false")
	}
	t, err := s.Demand.Rate(r.Context(), r.PathValue("token"), in.Satisfaction, *in.Solved)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.trackedOf(r.Context(), t, readerLang(r, nil)))
	return nil
}

// lookupBody is the body of POST /track/lookup.
type lookupBody struct {
	Number     int64  `json:"number"`
	PhoneLast4 string `json:"phone_last4"`
	// Code is the short code (查询码) alone, instead of number and digits.
	Code string `json:"code,omitempty"`
}

// trackLookup serves POST /track/lookup: a demand by its number and the
// last four digits of the reporter's phone, for residents without the link.
// No files and no rating: those stay with the link.
func (s *server) trackLookup(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in lookupBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Number <= 0 && in.Code == "" {
		return errs.Invalid("number", "number is required: the demand's number (or give code, the short code alone)")
	}
	host := platform.ClientIP(r, s.TrustedProxies)
	var t *demand.Tracked
	var err error
	if in.Code != "" {
		t, err = s.Demand.TrackByCode(r.Context(), in.Code, host)
	} else {
		t, err = s.Demand.TrackByNumber(r.Context(), in.Number, in.PhoneLast4, host)
	}
	if errs.Code(err) == errs.ETOOMANY {
		w.Header().Set("Retry-After", strconv.Itoa(int(demand.LookupWindow.Seconds())))
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, s.trackedOf(r.Context(), t, readerLang(r, nil)))
	return nil
}
