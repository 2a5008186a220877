package api

import (
	"bytes"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/pairing"
)

// careResponseTimes is the response time of on-call requests by area.
type careResponseTimes struct {
	Days  int                    `json:"days"`
	Areas []pairing.AreaResponse `json:"areas"`
}

func (s *server) listCarePeople(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	un, err := optBool(r, "unpaired")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Pairing.People(r.Context(), p, pairing.PersonFilter{Area: q.Get("area"), Kind: q.Get("kind"), Q: q.Get("q"),
		Unpaired: un != nil && *un, Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) addCarePerson(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in pairing.PersonInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Pairing.AddPerson(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/care-people/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

// importCarePeople serves POST /care-people/import: the XLSX the web page
// takes (columns 类别, 姓名, 居民区, 住址, 电话, 备注), all rows or none.
func (s *server) importCarePeople(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.PairingWrite); err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, pairing.MaxImportBytes+64<<10)
	name, file, err := uploadedFile(r)
	if err != nil {
		return err
	}
	res, err := s.Pairing.Import(r.Context(), p, name, file)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *server) getCarePerson(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "person in care")
	if err != nil {
		return err
	}
	c, err := s.Pairing.GetPerson(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) makeCarePair(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "person in care")
	if err != nil {
		return err
	}
	var in pairing.PairInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	x, err := s.Pairing.MakePair(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (s *server) makeCareLink(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "person in care")
	if err != nil {
		return err
	}
	var in noFields
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	l, err := s.Pairing.MakeLink(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *server) endCarePair(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "pair")
	if err != nil {
		return err
	}
	var in noFields
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	x, err := s.Pairing.EndPair(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (s *server) myCarePairs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	xs, err := s.Pairing.MyPairs(r.Context(), p)
	if err != nil {
		return err
	}
	writeList(w, xs, len(xs), paging{Page: 1, PerPage: max(len(xs), 1)})
	return nil
}

func (s *server) overdueCarePairs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	l, err := s.Pairing.Overdue(r.Context(), p, pairing.GapFilter{Area: r.URL.Query().Get("area"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) exportCareGaps(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var buf bytes.Buffer
	if err := s.Pairing.GapsXLSX(r.Context(), p, r.URL.Query().Get("area"), &buf); err != nil {
		return err
	}
	name := "care-gaps-" + s.Clock.Now().In(clock.Shanghai).Format("20060102") + ".xlsx"
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w) // a client gone mid-download is no error of ours
	return nil
}

func (s *server) logCareVisit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "pair")
	if err != nil {
		return err
	}
	var in pairing.LogInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.Pairing.LogVisit(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, l)
	return nil
}

func (s *server) listCareLogs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := pairing.LogFilter{Area: q.Get("area"), Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage}
	if v := q.Get("pair_id"); v != "" {
		if f.PairID, err = strconv.ParseInt(v, 10, 64); err != nil || f.PairID <= 0 {
			return errs.Invalid("pair_id", "pair_id must be a pair's number")
		}
	}
	l, err := s.Pairing.Logs(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) decideCareLog(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "log")
	if err != nil {
		return err
	}
	var in pairing.Decision
	if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.Pairing.DecideLog(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *server) listCareRequests(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Pairing.Requests(r.Context(), p, pairing.RequestFilter{Area: q.Get("area"), Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) careResponseTimes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	days := 90
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 366 {
			return errs.Invalid("days", "days is 1 to 366")
		}
		days = n
	}
	rt, err := s.Pairing.ResponseTimes(r.Context(), p, r.URL.Query().Get("area"), days)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, careResponseTimes{Days: days, Areas: rt})
	return nil
}

func (s *server) answerCareRequest(action string) func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return func(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r, "request")
		if err != nil {
			return err
		}
		var in noFields
		if err := decodeOptional(w, r, &in); err != nil {
			return err
		}
		x, err := s.Pairing.Answer(r.Context(), p, id, action)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, x)
		return nil
	}
}

func (s *server) ackCareRequest(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.answerCareRequest("ack")(w, r, p)
}

func (s *server) closeCareRequest(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.answerCareRequest("close")(w, r, p)
}

func (s *server) careLink(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	a, err := s.Pairing.ByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (s *server) sendCareRequest(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in pairing.RequestInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sent, err := s.Pairing.SendRequest(r.Context(), r.PathValue("token"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sent)
	return nil
}
