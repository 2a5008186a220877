package api

import (
	"bytes"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/points"
)

// pointsRanking is the ranking of a year's verified points within each member kind.
type pointsRanking struct {
	Year    int             `json:"year"`
	Items   []points.Ranked `json:"items"`
	Total   int             `json:"total"`
	Page    int             `json:"page"`
	PerPage int             `json:"per_page"`
}

// pointsRulesets is the versions of the rule sets, newest first.
type pointsRulesets struct {
	Items []points.Ruleset `json:"items"`
}

// yearOf reads ?year=, the current year in Shanghai when absent.
func (s *server) yearOf(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return s.Clock.Now().In(clock.Shanghai).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2000 || y > 2100 {
		return 0, errs.Invalid("year", "year must be a year such as 2026")
	}
	return y, nil
}

func (s *server) rankFilter(r *http.Request) (points.RankFilter, error) {
	y, err := s.yearOf(r)
	if err != nil {
		return points.RankFilter{}, err
	}
	q := r.URL.Query()
	f := points.RankFilter{Year: y, Area: q.Get("area"), Kind: q.Get("kind")}
	if v := q.Get("party_org"); v != "" {
		if f.PartyOrg, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, errs.Invalid("party_org", "party_org must be an organisation id")
		}
	}
	return f, nil
}

func (s *server) listPointsRulesets(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	year := 0
	if r.URL.Query().Get("year") != "" {
		var err error
		if year, err = s.yearOf(r); err != nil {
			return err
		}
	}
	l, err := s.Points.Rulesets(r.Context(), p, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pointsRulesets{Items: l})
	return nil
}

func (s *server) createPointsRuleset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in points.RulesetInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	rs, err := s.Points.CreateRuleset(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/points/rulesets/"+strconv.FormatInt(rs.ID, 10), rs)
	return nil
}

func (s *server) getPointsRuleset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "rule set")
	if err != nil {
		return err
	}
	rs, err := s.Points.Ruleset(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rs)
	return nil
}

func (s *server) previewPointsRuleset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "rule set")
	if err != nil {
		return err
	}
	pv, err := s.Points.Preview(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pv)
	return nil
}

func (s *server) applyPointsRuleset(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "rule set")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	pv, err := s.Points.Apply(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pv)
	return nil
}

func (s *server) pointsRanking(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := s.rankFilter(r)
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	l, err := s.Points.RankingPage(r.Context(), p, f, pg.Page, pg.PerPage)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pointsRanking{Year: f.Year, Items: l.Items, Total: l.Total, Page: pg.Page, PerPage: pg.PerPage})
	return nil
}

func (s *server) exportPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := s.rankFilter(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := s.Points.ExportXLSX(r.Context(), p, f, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", `attachment; filename="points-`+strconv.Itoa(f.Year)+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w) // a client gone mid-download is no error of ours
	return nil
}

func (s *server) memberPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "member")
	if err != nil {
		return err
	}
	y, err := s.yearOf(r)
	if err != nil {
		return err
	}
	mp, err := s.Points.MemberPoints(r.Context(), p, id, y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mp)
	return nil
}

func (s *server) myPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	y, err := s.yearOf(r)
	if err != nil {
		return err
	}
	mp, err := s.Points.MyPoints(r.Context(), p, y)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, mp)
	return nil
}

func (s *server) listManualPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := points.ManualFilter{Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage}
	if v := q.Get("member"); v != "" {
		if f.Member, err = strconv.ParseInt(v, 10, 64); err != nil {
			return errs.Invalid("member", "member must be a member id")
		}
	}
	l, err := s.Points.ManualItems(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) proposeManualPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in points.ManualInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	it, err := s.Points.Propose(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/points/manual?member="+strconv.FormatInt(it.MemberID, 10), it)
	return nil
}

func (s *server) approveManualPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.decideManual(w, r, p, true)
}

func (s *server) rejectManualPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.decideManual(w, r, p, false)
}

func (s *server) decideManual(w http.ResponseWriter, r *http.Request, p *auth.Principal, approve bool) error {
	id, err := pathID(r, "manual points")
	if err != nil {
		return err
	}
	var in points.DecisionInput
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	it, err := s.Points.Decide(r.Context(), p, id, approve, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}
