package api

import (
	"net/http"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
)

// needJSON is a need with its timeline.
type needJSON struct {
	lists.Need
	Timeline []lists.Event `json:"timeline"`
}

// resourceJSON is a resource with its timeline.
type resourceJSON struct {
	lists.Resource
	Timeline []lists.Event `json:"timeline"`
}

// projectJSON is a project with its timeline.
type projectJSON struct {
	lists.Project
	Timeline []lists.Event `json:"timeline"`
}

// statusBody moves a need, resource or project.
type statusBody struct {
	Status        string `json:"status"`
	Note          string `json:"note,omitempty"`
	Beneficiaries *int   `json:"beneficiaries,omitempty"` // projects: how many residents it served
}

// claimBody names the claiming unit (a unit liaison may leave it out).
type claimBody struct {
	UnitID *int64 `json:"unit_id,omitempty"`
}

// projectRateBody is a served resident's rating.
type projectRateBody struct {
	Score   int    `json:"score"`
	Comment string `json:"comment,omitempty"`
}

// listFilter reads the lists' common query parameters.
func listFilter(r *http.Request, kindParam, categoryParam string) (lists.ListFilter, paging, error) {
	pg, err := pagingOf(r)
	if err != nil {
		return lists.ListFilter{}, pg, err
	}
	q := r.URL.Query()
	f := lists.ListFilter{Area: q.Get("area"), Status: q.Get("status"), Q: q.Get("q"), From: q.Get("from"), To: q.Get("to"), Page: pg.Page, PerPage: pg.PerPage}
	if categoryParam != "" {
		f.Category = q.Get(categoryParam)
	}
	if kindParam != "" {
		f.Kind = q.Get(kindParam)
	}
	if v := q.Get("unit_id"); v != "" {
		if f.UnitID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return f, pg, errs.Invalid("unit_id", "unit_id must be a number")
		}
	}
	return f, pg, nil
}

func (s *server) listNeeds(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, pg, err := listFilter(r, "", "category")
	if err != nil {
		return err
	}
	l, err := s.Lists.Needs(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createNeed(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in lists.NeedInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := s.Lists.CreateNeed(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/needs/"+strconv.FormatInt(n.ID, 10), n)
	return nil
}

func (s *server) getNeed(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "need")
	if err != nil {
		return err
	}
	n, ev, err := s.Lists.Need(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, needJSON{n, ev})
	return nil
}

func (s *server) needStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "need")
	if err != nil {
		return err
	}
	var in statusBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	n, err := s.Lists.SetNeedStatus(r.Context(), p, id, in.Status, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *server) listResources(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, pg, err := listFilter(r, "kind", "category")
	if err != nil {
		return err
	}
	l, err := s.Lists.Resources(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createResource(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in lists.ResourceInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.Lists.CreateResource(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/resources/"+strconv.FormatInt(res.ID, 10), res)
	return nil
}

func (s *server) getResource(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "resource")
	if err != nil {
		return err
	}
	res, ev, err := s.Lists.Resource(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resourceJSON{res, ev})
	return nil
}

func (s *server) resourceStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "resource")
	if err != nil {
		return err
	}
	var in statusBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	res, err := s.Lists.SetResourceStatus(r.Context(), p, id, in.Status, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (s *server) listProjects(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, pg, err := listFilter(r, "level", "domain")
	if err != nil {
		return err
	}
	claimable, err := optBool(r, "claimable")
	if err != nil {
		return err
	}
	l, err := s.Lists.Projects(r.Context(), p, lists.ProjectFilter{ListFilter: f, Claimable: claimable != nil && *claimable})
	if err != nil {
		return err
	}
	writeList(w, l.Items, l.Total, pg)
	return nil
}

func (s *server) createProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in lists.ProjectInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pr, err := s.Lists.CreateProject(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/projects/"+strconv.FormatInt(pr.ID, 10), pr)
	return nil
}

func (s *server) getProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "project")
	if err != nil {
		return err
	}
	pr, ev, err := s.Lists.Project(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, projectJSON{pr, ev})
	return nil
}

func (s *server) projectStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "project")
	if err != nil {
		return err
	}
	var in statusBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pr, err := s.Lists.MoveProject(r.Context(), p, id, in.Status, in.Note, in.Beneficiaries)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pr)
	return nil
}

func (s *server) claimProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "project")
	if err != nil {
		return err
	}
	var in claimBody
	if err := decodeOptional(w, r, &in); err != nil {
		return err
	}
	pr, err := s.Lists.ClaimProject(r.Context(), p, id, in.UnitID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pr)
	return nil
}

func (s *server) milestoneDone(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "project")
	if err != nil {
		return err
	}
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil {
		return errs.New(errs.ENOTFOUND, "milestone not found")
	}
	if err := decodeOptional(w, r, &noFields{}); err != nil {
		return err
	}
	pr, err := s.Lists.CompleteMilestone(r.Context(), p, id, mid)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pr)
	return nil
}

func (s *server) projectStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.URL.Query().Get("area")
	if code == "" {
		return errs.Invalid("area", "area is required")
	}
	from, err := optTime(r, "from", false)
	if err != nil {
		return err
	}
	to, err := optTime(r, "to", true)
	if err != nil {
		return err
	}
	var f, t time.Time
	if from != nil {
		f = *from
	}
	if to != nil {
		t = *to
	}
	st, err := s.Lists.Stats(r.Context(), p, code, f, t)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// ratingCodesBody asks for single-use rating codes.
type ratingCodesBody struct {
	Count int `json:"count"`
}

// issuedCodes are the codes just issued.
type issuedCodes struct {
	Items []lists.RatingCode `json:"items"`
}

func (s *server) projectRatingCodes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "project")
	if err != nil {
		return err
	}
	rc, err := s.Lists.ProjectRatingCodes(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}

func (s *server) issueRatingCodes(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "project")
	if err != nil {
		return err
	}
	var in ratingCodesBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	codes, err := s.Lists.IssueRatingCodes(r.Context(), p, id, in.Count)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, issuedCodes{Items: codes})
	return nil
}

func (s *server) ratedProject(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	pp, err := s.Lists.ProjectByCode(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pp)
	return nil
}

func (s *server) rateProject(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	var in projectRateBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Lists.RateProject(r.Context(), r.PathValue("token"), in.Score, in.Comment); err != nil {
		return err
	}
	pp, err := s.Lists.ProjectByCode(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pp)
	return nil
}

// matchBody confirms a pair.
type matchBody struct {
	NeedID     int64 `json:"need_id"`
	ResourceID int64 `json:"resource_id"`
}

func (s *server) needCandidates(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "need")
	if err != nil {
		return err
	}
	k := 10
	if v := r.URL.Query().Get("limit"); v != "" {
		if k, err = strconv.Atoi(v); err != nil || k < 1 || k > 100 {
			return errs.Invalid("limit", "limit must be a whole number from 1 to 100")
		}
	}
	cs, err := s.Lists.Candidates(r.Context(), p, id, k)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, candidatesJSON{Items: cs})
	return nil
}

// candidatesJSON is the ranked resources of a need.
type candidatesJSON struct {
	Items []lists.Candidate `json:"items"`
}

func (s *server) matchPlan(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	code := r.URL.Query().Get("area")
	if code == "" {
		return errs.Invalid("area", "area is required")
	}
	plan, err := s.Lists.Plan(r.Context(), p, code)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, plan)
	return nil
}

func (s *server) confirmMatch(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in matchBody
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Lists.ConfirmMatch(r.Context(), p, in.NeedID, in.ResourceID)
	if err != nil {
		return err
	}
	created(w, Prefix+"/needs/"+strconv.FormatInt(in.NeedID, 10), m)
	return nil
}

func answerMatch(accept bool) handlerFunc {
	return func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		id, err := pathID(r, "match")
		if err != nil {
			return err
		}
		if err := decodeOptional(w, r, &noFields{}); err != nil {
			return err
		}
		m, err := s.Lists.AnswerMatch(r.Context(), p, id, accept)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, m)
		return nil
	}
}
