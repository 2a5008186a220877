package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/booking"
	"gongzhi/internal/errs"
)

// cancelBody says why a booking is cancelled (required of the venue's
// provider cancelling someone else's booking).
type cancelBody struct {
	Reason string `json:"reason,omitempty"`
}

func (s *server) listBookings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := booking.Filter{Area: q.Get("area"), Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage}
	if v := q.Get("resource_id"); v != "" {
		if f.ResourceID, err = strconv.ParseInt(v, 10, 64); err != nil || f.ResourceID < 1 {
			return errs.Invalid("resource_id", "resource_id must be a resource's id")
		}
	}
	live, err := optBool(r, "live")
	if err != nil {
		return err
	}
	f.Live = live != nil && *live
	from, err := optTime(r, "from", false)
	if err != nil {
		return err
	}
	to, err := optTime(r, "to", true)
	if err != nil {
		return err
	}
	if from != nil {
		f.From = *from
	}
	if to != nil {
		f.To = *to
	}
	l, err := s.Booking.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createBooking(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in booking.Input
	if err := decode(w, r, &in); err != nil {
		return err
	}
	b, err := s.Booking.Book(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/bookings/"+strconv.FormatInt(b.ID, 10), b)
	return nil
}

func (s *server) getBooking(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "booking")
	if err != nil {
		return err
	}
	b, err := s.Booking.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *server) confirmBooking(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "booking")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	b, err := s.Booking.Confirm(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *server) cancelBooking(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "booking")
	if err != nil {
		return err
	}
	var in cancelBody
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	b, err := s.Booking.Cancel(r.Context(), p, id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
