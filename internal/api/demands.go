package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// demandCreated answers POST /demands: the demand and, this once, the
// resident's private tracking token with the page that shows it. Only a hash
// of the token is stored, so it cannot be shown again.
type demandCreated struct {
	*demand.Demand
	TrackingToken string `json:"tracking_token"`
	TrackingURL   string `json:"tracking_url"`
	// ShortCode (查询码, ABCD-EFGH) opens the tracking page alone, typed at
	// /track or followed as ShortURL; staff read it out to a caller.
	ShortCode string `json:"short_code,omitempty"`
	ShortURL  string `json:"short_url,omitempty"`
}

// demandDetail is one demand as GET /demands/{id} shows it: the timeline,
// the attachments and the reporters are always present, even when empty.
type demandDetail struct {
	*demand.Demand
	Events      []demand.Event      `json:"events"`
	Attachments []demand.Attachment `json:"attachments"`
	Reporters   []demand.Reporter   `json:"reporters"`
}

// itemsJSON is a short list that is never paged: {"items":[…],"total":N}.
type itemsJSON[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

func itemsOf[T any](items []T) itemsJSON[T] {
	if items == nil {
		items = []T{}
	}
	return itemsJSON[T]{Items: items, Total: len(items)}
}

// createDemand serves POST /demands: staff file a demand on a resident's
// behalf (hotline, visit, grid patrol…), with photos when the body is
// multipart. Bad fields are 400 naming each.
func (s *server) createDemand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return err // before reading a body that may hold 26 MiB of photos
	}
	in, err := newDemandOf(w, r)
	if err != nil {
		return err
	}
	f, err := s.Demand.Intake(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/demands/"+strconv.FormatInt(f.Demand.ID, 10),
		demandCreated{Demand: f.Demand, TrackingToken: f.Token, TrackingURL: "/t/" + f.Token,
			ShortCode: demand.FormatCode(f.ShortCode), ShortURL: demand.TrackPath(f.ShortCode)})
	return nil
}

// listDemands serves GET /demands: one page of the demands in the caller's
// scope, filtered and searched in SQL. Reporters are never listed.
func (s *server) listDemands(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := demand.ListFilter{Q: q.Get("q"), Status: q.Get("status"), Area: q.Get("area"), Category: q.Get("category"),
		Channel: q.Get("channel"), From: q.Get("from"), To: q.Get("to"), Sort: q.Get("sort"), Page: pg.Page, PerPage: pg.PerPage}
	if f.Overdue, err = optBool(r, "overdue"); err != nil {
		return err
	}
	mine, err := optBool(r, "mine")
	if err != nil {
		return err
	}
	f.Mine = mine != nil && *mine
	f.Queue = q.Get("queue")
	if err := s.knownCategory(r, "category", f.Category); err != nil {
		return err
	}
	res, err := s.Demand.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, demandList{Items: res.Items, Total: res.Total, TotalCapped: res.TotalCapped, Page: pg.Page, PerPage: pg.PerPage})
	return nil
}

// knownCategory refuses a category code that names nothing, so a typo in a
// filter is a 400 rather than an empty answer. Categories are public.
func (s *server) knownCategory(r *http.Request, field, code string) error {
	if code == "" {
		return nil
	}
	if _, err := s.Demand.Category(r.Context(), code); errs.Code(err) == errs.ENOTFOUND {
		return errs.Invalid(field, "unknown category %q", code)
	} else if err != nil {
		return err
	}
	return nil
}

// getDemand serves GET /demands/{id} with its timeline. Reporters' names
// and phones are masked unless the caller owns or handles the demand.
func (s *server) getDemand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	d, err := s.Demand.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, detailOf(d, readerLang(r, p)))
	return nil
}

// detailOf is d as the API shows it, its timeline worded in lang.
func detailOf(d *demand.Demand, lang string) demandDetail {
	demand.Localize(d.Events, lang)
	out := demandDetail{Demand: d, Events: d.Events, Attachments: d.Attachments, Reporters: d.Reporters}
	if out.Events == nil {
		out.Events = []demand.Event{}
	}
	if out.Attachments == nil {
		out.Attachments = []demand.Attachment{}
	}
	if out.Reporters == nil {
		out.Reporters = []demand.Reporter{}
	}
	return out
}

// actionBody is the body of POST /demands/{id}/actions: demand.ActionInput
// with new_due read here, so a date alone (2026-12-10, meaning the end of
// that day in Shanghai) is accepted and a bad one is a 400 naming new_due.
type actionBody struct {
	demand.ActionInput
	NewDue *string `json:"new_due"`
}

// actOnDemand serves POST /demands/{id}/actions. The service checks scope
// (404), role (403), state (409) and fields (400) in one transaction, so a
// refused action changes nothing. The answer is the demand as GET shows it.
func (s *server) actOnDemand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	var body actionBody
	if err := decode(w, r, &body); err != nil {
		return err
	}
	in := body.ActionInput
	if body.NewDue != nil {
		t, err := deadline(*body.NewDue)
		if err != nil {
			return err
		}
		in.NewDue = &t
	}
	d, err := s.Demand.Act(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	// Show the timeline with the new step; the caller saw the demand a moment
	// ago, so it is still theirs to see.
	if full, err := s.Demand.Get(r.Context(), p, id); err == nil {
		d = full
	}
	writeJSON(w, http.StatusOK, detailOf(d, readerLang(r, p)))
	return nil
}

// deadline reads a new due time: RFC 3339, or a date meaning the end of that day.
func deadline(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.ParseInLocation(time.DateOnly, v, clock.Shanghai); err == nil {
		return t.AddDate(0, 0, 1).Add(-time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return t, errs.Invalid("new_due", "new_due must be a date (2026-12-10) or a time (2026-12-10T18:00:00+08:00)")
	}
	return t, nil
}

// similarDemands serves GET /demands/{id}/similar: open demands nearby that
// look like this one, best first, with a score from 0 to 1.
func (s *server) similarDemands(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "demand")
	if err != nil {
		return err
	}
	items, err := s.Demand.Similar(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, itemsOf(items))
	return nil
}

// similarQuery is the body of POST /demands/similar.
type similarQuery struct {
	Category    string `json:"category"`
	Area        string `json:"area"`
	Description string `json:"description"`
}

// similarText serves POST /demands/similar: the duplicate check the intake
// form runs before a demand is filed. It reads only; nothing is stored.
func (s *server) similarText(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in similarQuery
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return err
	}
	var ds []errs.Detail
	if strings.TrimSpace(in.Area) == "" {
		ds = append(ds, errs.D("area", "area is required: the code of the area the demand is about"))
	}
	if strings.TrimSpace(in.Description) == "" {
		ds = append(ds, errs.D("description", "description is required"))
	}
	if err := s.knownCategory(r, "category", in.Category); err != nil {
		ds = append(ds, errs.DetailsOf(err)...)
	}
	if len(ds) > 0 {
		return errs.Fields(ds)
	}
	items, err := s.Demand.SimilarText(r.Context(), p, in.Category, in.Area, in.Description)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, itemsOf(items))
	return nil
}

// demandList is a page of demands; total_capped says a search stopped
// counting at demand.CountCap.
type demandList struct {
	Items       []demand.Demand `json:"items"`
	Total       int             `json:"total"`
	TotalCapped bool            `json:"total_capped"`
	Page        int             `json:"page"`
	PerPage     int             `json:"per_page"`
}
