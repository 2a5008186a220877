package api

import (
	"bytes"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/cadre"
	"gongzhi/internal/errs"
)

// yearOf reads a year from s (a query or path value).
func yearOf(s string) (int, error) {
	y, err := strconv.Atoi(s)
	if err != nil || !cadre.ValidYear(y) {
		return 0, errs.Invalid("year", "give a year such as 2025")
	}
	return y, nil
}

func (s *server) listCadres(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := cadre.Filter{Area: q.Get("area"), Kind: q.Get("kind"), Page: pg.Page, PerPage: pg.PerPage}
	if v := q.Get("batch"); v != "" {
		if f.Batch, err = strconv.Atoi(v); err != nil || f.Batch < 1 {
			return errs.Invalid("batch", "batch is a whole number from 1")
		}
	}
	l, err := s.Cadre.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createCadre(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in cadre.Input
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Cadre.Create(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/cadres/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

func (s *server) getCadre(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "cadre")
	if err != nil {
		return err
	}
	c, err := s.Cadre.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) addCadreTraining(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "cadre")
	if err != nil {
		return err
	}
	var in cadre.TrainingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.Cadre.AddTraining(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, t)
	return nil
}

func (s *server) cadreFigures(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "cadre")
	if err != nil {
		return err
	}
	y, err := yearOf(r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	f, err := s.Cadre.FiguresOf(r.Context(), p, id, y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) evaluateCadre(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "cadre")
	if err != nil {
		return err
	}
	y, err := yearOf(r.PathValue("year"))
	if err != nil {
		return err
	}
	var in cadre.EvalInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := s.Cadre.Evaluate(r.Context(), p, id, y, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *server) exportCadreEvaluations(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	y, err := yearOf(r.URL.Query().Get("year"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Cadre.ExportXLSX(r.Context(), p, y, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", "attachment; filename=cadre-evaluations-"+strconv.Itoa(y)+".xlsx")
	buf.WriteTo(w)
	return nil
}

func (s *server) listMentoringPairs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	l, err := s.Cadre.Pairs(r.Context(), p, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createMentoringPair(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in cadre.PairInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pr, err := s.Cadre.CreatePair(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/mentoring-pairs/"+strconv.FormatInt(pr.ID, 10), pr)
	return nil
}

func (s *server) getMentoringPair(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "mentoring pair")
	if err != nil {
		return err
	}
	pr, err := s.Cadre.Pair(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pr)
	return nil
}

func (s *server) logMentoringMeeting(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "mentoring pair")
	if err != nil {
		return err
	}
	var in cadre.MeetingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Cadre.LogMeeting(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, m)
	return nil
}

func (s *server) partyOrgServiceReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "party organisation")
	if err != nil {
		return err
	}
	rep, err := s.Party.UnitReportOf(r.Context(), p, id, r.URL.Query().Get("quarter"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

func (s *server) exportPartyOrgServiceReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "party organisation")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Party.UnitReportXLSX(r.Context(), p, id, r.URL.Query().Get("quarter"), &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", "attachment; filename=service-report-"+strconv.FormatInt(id, 10)+".xlsx")
	buf.WriteTo(w)
	return nil
}
