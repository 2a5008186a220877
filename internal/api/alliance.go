package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
)

func (s *server) listAlliances(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	l, err := s.Alliance.List(r.Context(), p, alliance.Filter{Area: r.URL.Query().Get("area"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createAlliance(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in alliance.Input
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.Alliance.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/alliances/"+strconv.FormatInt(a.ID, 10), a)
	return nil
}

func (s *server) getAlliance(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "alliance")
	if err != nil {
		return err
	}
	a, err := s.Alliance.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) addAllianceMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "alliance")
	if err != nil {
		return err
	}
	var in alliance.MemberInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Alliance.AddMember(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *server) addAllianceCommitment(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "alliance")
	if err != nil {
		return err
	}
	var in alliance.CommitmentInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Alliance.AddCommitment(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (s *server) recordAllianceProgress(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "commitment")
	if err != nil {
		return err
	}
	var in alliance.ProgressInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	a, err := s.Alliance.RecordProgress(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *server) leaveAlliance(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	var in alliance.LeaveInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Alliance.Leave(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) editAllianceCommitment(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "commitment")
	if err != nil {
		return err
	}
	var in alliance.CommitmentEdit
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Alliance.EditCommitment(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) closeAllianceCommitment(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "commitment")
	if err != nil {
		return err
	}
	var in alliance.CloseInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Alliance.CloseCommitment(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}
