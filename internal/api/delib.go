package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/delib"
	"gongzhi/internal/errs"
)

// linkItem is a ballot link as the API returns it: the token is shown
// this once, with the page path a household opens it at.
type linkItem struct {
	Household string `json:"household"`
	Token     string `json:"token"`
	Path      string `json:"path"`
}

// linksMade answers a request for ballot links.
type linksMade struct {
	Items []linkItem `json:"items"`
	Total int        `json:"total"`
}

// castAnswer is a ballot's receipt, shown once.
type castAnswer struct {
	Vote    int64  `json:"vote_id"`
	Receipt string `json:"receipt"`
}

// linkCast is a ballot cast by link: the index of the choice.
type linkCast struct {
	Choice int `json:"choice"`
}

// topicText is an answer to a topic, or the reason it is closed.
type topicText struct {
	Text string `json:"text"`
}

// settingsBody sets an area's topic thresholds.
type settingsBody struct {
	SupportThreshold int    `json:"support_threshold"`
	AnswerDays       int    `json:"answer_days"`
	Civility         string `json:"civility"`
}

func (s *server) listVotes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	l, err := s.Delib.ListVotes(r.Context(), p, delib.VoteFilter{Area: q.Get("area"), Status: q.Get("status"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createVote(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in delib.VoteInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.Delib.CreateVote(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/votes/"+strconv.FormatInt(v.ID, 10), v)
	return nil
}

func (s *server) getVote(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "vote")
	if err != nil {
		return err
	}
	v, err := s.Delib.GetVote(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// voteAction serves open, close and cancel.
func voteAction(action string) handlerFunc {
	return func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r, "vote")
		if err != nil {
			return err
		}
		if err := decodeOptional(w, r, &noFields{}); err != nil {
			return err
		}
		do := map[string]func(context.Context, *auth.Principal, int64) (delib.Vote, error){
			"open": s.Delib.OpenVote, "close": s.Delib.CloseVote, "cancel": s.Delib.CancelVote}[action]
		v, err := do(r.Context(), p, id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (s *server) makeLinks(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "vote")
	if err != nil {
		return err
	}
	var in delib.LinksInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	links, err := s.Delib.MakeLinks(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	out := linksMade{Items: make([]linkItem, len(links)), Total: len(links)}
	for i, l := range links {
		out.Items[i] = linkItem{Household: l.Household, Token: l.Token, Path: "/ballot/" + l.Token}
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *server) castBallot(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "vote")
	if err != nil {
		return err
	}
	var in delib.Cast
	if err := decode(w, r, &in); err != nil {
		return err
	}
	receipt, err := s.Delib.Cast(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, castAnswer{Vote: id, Receipt: receipt})
	return nil
}

func (s *server) castByLink(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in linkCast
	if err := decode(w, r, &in); err != nil {
		return err
	}
	token := r.PathValue("token")
	v, _, err := s.Delib.LinkVote(r.Context(), token)
	if err != nil {
		return err
	}
	receipt, err := s.Delib.CastLink(r.Context(), token, in.Choice)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, castAnswer{Vote: v.ID, Receipt: receipt})
	return nil
}

func (s *server) voteReceipts(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	id, err := pathID(r, "vote")
	if err != nil {
		return err
	}
	rs, err := s.Delib.PublishedReceipts(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rs)
	return nil
}

func (s *server) listTopics(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	overdue, err := optBool(r, "overdue")
	if err != nil {
		return err
	}
	escalated, err := optBool(r, "escalated")
	if err != nil {
		return err
	}
	f := delib.TopicFilter{Q: q.Get("q"), Area: q.Get("area"), Status: q.Get("status"), Overdue: overdue != nil && *overdue,
		Escalated: escalated != nil && *escalated, Page: pg.Page, PerPage: pg.PerPage}
	l, err := s.Delib.ListTopics(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) exportTopics(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	overdue, err := optBool(r, "overdue")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	escalated, err := optBool(r, "escalated")
	if err != nil {
		return err
	}
	f := delib.TopicFilter{Q: q.Get("q"), Area: q.Get("area"), Status: q.Get("status"), Overdue: overdue != nil && *overdue, Escalated: escalated != nil && *escalated}
	if err := s.Delib.ExportTopics(r.Context(), p, f, &buf); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename=topics-"+s.Clock.Now().In(clock.Shanghai).Format("20060102")+".xlsx")
	buf.WriteTo(w)
	return nil
}

func (s *server) raiseTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in delib.TopicInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.Delib.RaiseTopic(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/topics/"+strconv.FormatInt(t.ID, 10), t)
	return nil
}

func (s *server) getTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	t, err := s.Delib.GetTopic(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

func (s *server) supportTopic(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "topic")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	t, err := s.Delib.Support(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// decideTopic serves answer and close.
func decideTopic(answer bool) handlerFunc {
	return func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r, "topic")
		if err != nil {
			return err
		}
		var in topicText
		if err := decode(w, r, &in); err != nil {
			return err
		}
		do := s.Delib.CloseTopic
		if answer {
			do = s.Delib.AnswerTopic
		}
		t, err := do(r.Context(), p, id, in.Text)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, t)
		return nil
	}
}

func (s *server) getTopicSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := auth.AuthorizeAny(p, auth.AreaRead); err != nil {
		return err
	}
	st, err := s.Delib.Settings(r.Context(), r.PathValue("area"))
	if errs.Code(err) == errs.ENOTFOUND {
		return errs.New(errs.ENOTFOUND, "area %s not found", r.PathValue("area"))
	} else if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *server) putTopicSettings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in settingsBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.Delib.SetSettings(r.Context(), p, delib.Settings{Area: r.PathValue("area"), SupportThreshold: in.SupportThreshold, AnswerDays: in.AnswerDays,
		Civility: in.Civility})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}
