package api

import (
	"bytes"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/survey"
)

// surveyLinksBody asks for n one-time survey links.
type surveyLinksBody struct {
	Count int `json:"count"`
}

// surveyLink is a survey link as the API returns it: the token is shown
// this once, with the page path a resident opens it at.
type surveyLink struct {
	Token string `json:"token"`
	Path  string `json:"path"`
}

// surveyLinksMade answers a request for survey links.
type surveyLinksMade struct {
	Items []surveyLink `json:"items"`
	Total int          `json:"total"`
}

// surveySMSBody lists the mobile numbers to text survey links to.
type surveySMSBody struct {
	Phones []string `json:"phones"`
}

// surveyResults are a campaign's scores and what residents wrote (masked).
type surveyResults struct {
	Campaign survey.Campaign `json:"campaign"`
	Scores   survey.Scores   `json:"scores"`
	Comments []string        `json:"comments"`
}

// surveyScores are the scores of several campaigns: a committee's periods
// or a street's committees.
type surveyScores struct {
	Items []survey.Result `json:"items"`
	Total int             `json:"total"`
}

// surveyAnswered answers an accepted survey answer.
type surveyAnswered struct {
	Campaign int64 `json:"campaign_id"`
}

func (s *server) listSurveys(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Survey.List(r.Context(), p, survey.Filter{Area: q.Get("area"), Period: q.Get("period"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createSurvey(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in survey.CampaignInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.Survey.CreateCampaign(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/surveys/"+strconv.FormatInt(c.ID, 10), c)
	return nil
}

func (s *server) getSurvey(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "survey campaign")
	if err != nil {
		return err
	}
	c, err := s.Survey.GetCampaign(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) surveyResults(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "survey campaign")
	if err != nil {
		return err
	}
	res, comments, err := s.Survey.Results(r.Context(), p, id)
	if err != nil {
		return err
	}
	if comments == nil {
		comments = []string{}
	}
	writeJSON(w, http.StatusOK, surveyResults{Campaign: res.Campaign, Scores: res.Scores, Comments: comments})
	return nil
}

func (s *server) closeSurvey(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "survey campaign")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	c, err := s.Survey.CloseCampaign(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) makeSurveyLinks(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "survey campaign")
	if err != nil {
		return err
	}
	var in surveyLinksBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	ts, err := s.Survey.MakeLinks(r.Context(), p, id, in.Count)
	if err != nil {
		return err
	}
	out := surveyLinksMade{Items: make([]surveyLink, len(ts)), Total: len(ts)}
	for i, t := range ts {
		out.Items[i] = surveyLink{Token: t, Path: "/survey/" + t}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *server) sendSurveySMS(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "survey campaign")
	if err != nil {
		return err
	}
	var in surveySMSBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sent, err := s.Survey.SendLinks(r.Context(), p, id, in.Phones)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sent)
	return nil
}

func (s *server) surveyByLink(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	c, err := s.Survey.LinkCampaign(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *server) answerSurvey(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in survey.Answer
	if err := decode(w, r, &in); err != nil {
		return err
	}
	token := r.PathValue("token")
	c, err := s.Survey.LinkCampaign(r.Context(), token)
	if err != nil {
		return err
	}
	if err := s.Survey.AnswerLink(r.Context(), token, in); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, surveyAnswered{Campaign: c.ID})
	return nil
}

func (s *server) surveyScoresOf(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	rs, err := s.Survey.Compare(r.Context(), p, survey.Filter{Area: q.Get("area"), Period: q.Get("period")})
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []survey.Result{}
	}
	writeJSON(w, http.StatusOK, surveyScores{Items: rs, Total: len(rs)})
	return nil
}

func (s *server) exportSurveyScores(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	if err := s.Survey.Export(r.Context(), p, survey.Filter{Area: q.Get("area"), Period: q.Get("period")}, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename=surveys-"+s.Clock.Now().In(clock.Shanghai).Format("20060102")+".xlsx")
	buf.WriteTo(w)
	return nil
}
