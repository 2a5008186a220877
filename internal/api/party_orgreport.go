package api

import (
	"bytes"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/party"
)

// orgReportFilter reads the registrations' filter from the query.
func orgReportFilter(r *http.Request) (party.OrgReportFilter, error) {
	q := r.URL.Query()
	f := party.OrgReportFilter{Area: q.Get("area"), Status: q.Get("status"), Half: q.Get("half")}
	unserved, err := optBool(r, "unserved")
	if err != nil {
		return f, err
	}
	f.Unserved = unserved != nil && *unserved
	return f, nil
}

func (s *server) listOrgReports(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	f, err := orgReportFilter(r)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = pg.Page, pg.PerPage
	l, _, err := s.Party.OrgReports(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) exportOrgReports(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := orgReportFilter(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Party.OrgReportsXLSX(r.Context(), p, f, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", xlsxType)
	h.Set("Content-Disposition", "attachment; filename=org-reports.xlsx")
	buf.WriteTo(w)
	return nil
}

func (s *server) registerOrg(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in party.OrgReportInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	o, err := s.Party.RegisterOrg(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/org-reports/"+strconv.FormatInt(o.ID, 10), o)
	return nil
}

func (s *server) getOrgReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "registration")
	if err != nil {
		return err
	}
	o, err := s.Party.GetOrgReport(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *server) confirmOrgReport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "registration")
	if err != nil {
		return err
	}
	var in noFields
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	o, err := s.Party.ConfirmOrg(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (s *server) listServiceLogs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Party.ServiceLogs(r.Context(), p, party.ServiceLogFilter{Area: q.Get("area"), Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) logService(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in party.ServiceLogInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.Party.LogService(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/service-logs/"+strconv.FormatInt(l.ID, 10), l)
	return nil
}

func (s *server) decideServiceLog(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "service log")
	if err != nil {
		return err
	}
	var in party.LogDecision
	if err := decode(w, r, &in); err != nil {
		return err
	}
	l, err := s.Party.DecideServiceLog(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}
