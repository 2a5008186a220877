package api

import (
	"bytes"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/fund"
)

// reverseBody says why a ledger entry is reversed.
type reverseBody struct {
	Reason string `json:"reason"`
}

// rejectBody says why a disbursement is turned down (optional).
type rejectBody struct {
	Reason string `json:"reason,omitempty"`
}

func (s *server) listFunds(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Fund.Funds(r.Context(), p, fund.FundFilter{Area: q.Get("area"), Q: q.Get("q"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createFund(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in fund.FundInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f, err := s.Fund.CreateFund(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/funds/"+strconv.FormatInt(f.ID, 10), f)
	return nil
}

func (s *server) getFund(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	f, err := s.Fund.Fund(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) listFundEntries(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Fund.Entries(r.Context(), p, id, fund.EntryFilter{Direction: q.Get("direction"), Source: q.Get("source"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) recordFundEntry(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	var in fund.EntryInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := s.Fund.RecordIn(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/fund-entries/"+strconv.FormatInt(e.ID, 10), e)
	return nil
}

func (s *server) getFundEntry(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "entry")
	if err != nil {
		return err
	}
	e, err := s.Fund.Entry(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

func (s *server) reverseFundEntry(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "entry")
	if err != nil {
		return err
	}
	var in reverseBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	e, err := s.Fund.Reverse(r.Context(), p, id, in.Reason)
	if err != nil {
		return err
	}
	created(w, Prefix+"/fund-entries/"+strconv.FormatInt(e.ID, 10), e)
	return nil
}

func (s *server) fundReceipt(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "entry")
	if err != nil {
		return err
	}
	rc, err := s.Fund.Receipt(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}

func (s *server) listDisbursements(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	l, err := s.Fund.Disbursements(r.Context(), p, id, fund.DisbursementFilter{Status: r.URL.Query().Get("status"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) proposeDisbursement(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	var in fund.DisbursementInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := s.Fund.Propose(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/disbursements/"+strconv.FormatInt(d.ID, 10), d)
	return nil
}

func (s *server) getDisbursement(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "disbursement")
	if err != nil {
		return err
	}
	d, err := s.Fund.Disbursement(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) approveDisbursement(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "disbursement")
	if err != nil {
		return err
	}
	var in noFields
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	d, err := s.Fund.Approve(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *server) rejectDisbursement(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "disbursement")
	if err != nil {
		return err
	}
	var in rejectBody
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	d, err := s.Fund.Reject(r.Context(), p, id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// exportFund writes the ledger as XLSX. A fund's ledger is small enough
// to build whole first, so any error is still a JSON error.
func (s *server) exportFund(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Fund.ExportXLSX(r.Context(), p, id, &buf); err != nil {
		return err
	}
	name := "fund-" + strconv.FormatInt(id, 10) + "-" + s.Clock.Now().In(clock.Shanghai).Format("20060102") + ".xlsx"
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w) // a client gone mid-download is no error of ours
	return nil
}

// publicFund is the fund's public figures: no token.
func (s *server) publicFund(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	id, err := pathID(r, "fund")
	if err != nil {
		return err
	}
	pub, err := s.Fund.Public(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pub)
	return nil
}
