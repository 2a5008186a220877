package api

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi/internal/activity"
	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/party"
)

// codeBody carries the check-in code the phone read from the organiser's screen.
type codeBody struct {
	Code string `json:"code"`
}

func (s *server) listMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Party.List(r.Context(), p, party.Filter{Area: q.Get("area"), Kind: q.Get("kind"), Q: q.Get("q"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in party.Input
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Party.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/members/"+strconv.FormatInt(m.ID, 10), m)
	return nil
}

func (s *server) getMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	m, err := s.Party.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) updateMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	var in party.Input
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Party.Update(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) reportMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	var in party.ReportInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Party.Report(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) memberFollowUp(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := party.FollowUpFilter{Area: q.Get("area"), Half: q.Get("half"), Page: pg.Page, PerPage: pg.PerPage}
	if v := q.Get("unit_id"); v != "" {
		if f.UnitID, err = strconv.ParseInt(v, 10, 64); err != nil || f.UnitID <= 0 {
			return errs.Invalid("unit_id", "unit_id must be a unit's number")
		}
	}
	fu, err := s.Party.FollowUpList(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fu)
	return nil
}

func (s *server) listActivities(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	up, err := optBool(r, "upcoming")
	if err != nil {
		return err
	}
	l, err := s.Activity.List(r.Context(), p, activity.Filter{Area: r.URL.Query().Get("area"), Upcoming: up != nil && *up, Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createActivity(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in activity.Input
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.Activity.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/activities/"+strconv.FormatInt(a.ID, 10), a)
	return nil
}

func (s *server) getActivity(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	a, err := s.Activity.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) signUp(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	var in noFields
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	g, err := s.Activity.SignUp(r.Context(), p, id)
	if err != nil {
		return err
	}
	created(w, Prefix+"/activities/"+strconv.FormatInt(id, 10)+"/signups/me", g)
	return nil
}

func (s *server) cancelSignup(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	g, err := s.Activity.Cancel(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *server) checkIn(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.attend(w, r, p, s.Activity.CheckIn)
}

func (s *server) checkOut(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.attend(w, r, p, s.Activity.CheckOut)
}

func (s *server) attend(w http.ResponseWriter, r *http.Request, p *auth.Principal,
	do func(ctx context.Context, p *auth.Principal, id int64, code string) (activity.Signup, error)) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	var in codeBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := do(r.Context(), p, id, in.Code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *server) activityHeadCount(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "activity")
	if err != nil {
		return err
	}
	c, err := s.Activity.HeadCount(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
