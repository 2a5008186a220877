package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// alliancesPage lists the alliances in scope with the form that founds one.
type alliancesPage struct {
	Area      string
	Areas     []areaOption
	Alliances []alliance.Alliance
	Pager     pager
	CanWrite  bool
	New       allianceForm
}

// allianceForm founds an alliance.
type allianceForm struct {
	Area, Name, Charter, Criteria string
	Errors                        map[string]string
	General                       []string
}

func (s *server) allianceList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showAlliances(w, r, rq, http.StatusOK, allianceForm{Area: homeArea(rq.P, auth.AllianceWrite)})
}

func (s *server) showAlliances(w http.ResponseWriter, r *http.Request, rq *request, status int, form allianceForm) error {
	d := alliancesPage{Area: r.URL.Query().Get("area"), New: form, CanWrite: auth.AuthorizeAny(rq.P, auth.AllianceWrite) == nil}
	page := pageParam(r)
	l, err := s.Alliance.List(r.Context(), rq.P, alliance.Filter{Area: d.Area, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Alliances, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	s.render(w, rq, status, "alliance_list.html", rq.view(r, "alliances", "alliance.list.title", d))
	return nil
}

func (s *server) allianceCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := allianceForm{Area: r.PostFormValue("area"), Name: r.PostFormValue("name"), Charter: r.PostFormValue("charter"), Criteria: r.PostFormValue("criteria")}
	a, err := s.Alliance.Create(r.Context(), rq.P, alliance.Input{Area: f.Area, Name: f.Name, Charter: f.Charter, Criteria: f.Criteria})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "area", "name", "charter", "criteria")
		return s.showAlliances(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/alliances/"+strconv.FormatInt(a.ID, 10))
}

// allianceView is one alliance's page with the forms that add to it.
type allianceView struct {
	Alliance alliance.Alliance
	CanWrite bool
	Kinds    []string
	Outcomes []string
	Error    string // what to fix in the last form sent
}

func (s *server) alliancePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showAlliance(w, r, rq, http.StatusOK, id, "")
}

func (s *server) showAlliance(w http.ResponseWriter, r *http.Request, rq *request, status int, id int64, msg string) error {
	a, err := s.Alliance.Get(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := allianceView{Alliance: a, CanWrite: auth.Authorize(rq.P, auth.AllianceWrite, a.AreaPath) == nil, Kinds: alliance.Kinds, Outcomes: alliance.Outcomes, Error: msg}
	s.render(w, rq, status, "alliance_page.html", rq.view(r, "alliances", "alliance.page.title", d))
	return nil
}

// allianceRefused shows the alliance again with what to fix, or passes on
// an error that is not the form's.
func (s *server) allianceRefused(w http.ResponseWriter, r *http.Request, rq *request, id int64, err error) error {
	switch errs.Code(err) {
	case errs.EINVALID:
		return s.showAlliance(w, r, rq, http.StatusUnprocessableEntity, id, rq.ErrMsg(err))
	case errs.ECONFLICT:
		return s.showAlliance(w, r, rq, http.StatusConflict, id, rq.ErrMsg(err))
	}
	return err
}

func (s *server) allianceMember(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := alliance.MemberInput{Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Duty: r.PostFormValue("duty"),
		Place: r.PostFormValue("place"), JoinedOn: r.PostFormValue("joined_on")}
	if u := strings.TrimSpace(r.PostFormValue("unit_id")); u != "" {
		n, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			return s.allianceRefused(w, r, rq, id, errs.Invalid("unit_id", "give the unit's number as on the unit list"))
		}
		in.UnitID = &n
	}
	if _, err := s.Alliance.AddMember(r.Context(), rq.P, id, in); err != nil {
		return s.allianceRefused(w, r, rq, id, err)
	}
	return redirect(w, r, "/alliances/"+strconv.FormatInt(id, 10))
}

func (s *server) allianceCommitment(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	member, _ := strconv.ParseInt(r.PostFormValue("member_id"), 10, 64)
	in := alliance.CommitmentInput{MemberID: member, Text: r.PostFormValue("text"), Target: r.PostFormValue("target"), DueOn: r.PostFormValue("due_on")}
	if _, err := s.Alliance.AddCommitment(r.Context(), rq.P, id, in); err != nil {
		return s.allianceRefused(w, r, rq, id, err)
	}
	return redirect(w, r, "/alliances/"+strconv.FormatInt(id, 10))
}

func (s *server) allianceProgress(w http.ResponseWriter, r *http.Request, rq *request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	aid, _ := strconv.ParseInt(r.PostFormValue("alliance"), 10, 64)
	in := alliance.ProgressInput{Note: r.PostFormValue("note"), DoneOn: r.PostFormValue("done_on"), Done: r.PostFormValue("done") != ""}
	a, err := s.Alliance.RecordProgress(r.Context(), rq.P, cid, in)
	if err != nil {
		if aid > 0 && (errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT) {
			return s.allianceRefused(w, r, rq, aid, err)
		}
		return err
	}
	return redirect(w, r, "/alliances/"+strconv.FormatInt(a.ID, 10))
}

// allianceOf reads the alliance a form came from (a hidden field), so a
// refused form shows that alliance's page again with what to fix.
func allianceOf(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PostFormValue("alliance"), 10, 64)
	return id
}

// allianceChanged answers a form that changed alliance aid: back to its
// page, or the page again with what to fix when the form was refused.
func (s *server) allianceChanged(w http.ResponseWriter, r *http.Request, rq *request, aid int64, err error) error {
	if err != nil {
		if aid > 0 && (errs.Code(err) == errs.EINVALID || errs.Code(err) == errs.ECONFLICT) {
			return s.allianceRefused(w, r, rq, aid, err)
		}
		return err
	}
	return redirect(w, r, "/alliances/"+strconv.FormatInt(aid, 10))
}

func (s *server) allianceLeave(w http.ResponseWriter, r *http.Request, rq *request) error {
	mid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Alliance.Leave(r.Context(), rq.P, mid, alliance.LeaveInput{LeftOn: r.PostFormValue("left_on"), Reason: r.PostFormValue("reason")})
	return s.allianceChanged(w, r, rq, allianceOf(r), err)
}

func (s *server) allianceEditCommitment(w http.ResponseWriter, r *http.Request, rq *request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	text, target, due := r.PostFormValue("text"), r.PostFormValue("target"), r.PostFormValue("due_on")
	_, err = s.Alliance.EditCommitment(r.Context(), rq.P, cid, alliance.CommitmentEdit{Text: &text, Target: &target, DueOn: &due})
	return s.allianceChanged(w, r, rq, allianceOf(r), err)
}

func (s *server) allianceCloseCommitment(w http.ResponseWriter, r *http.Request, rq *request) error {
	cid, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Alliance.CloseCommitment(r.Context(), rq.P, cid, alliance.CloseInput{Outcome: r.PostFormValue("outcome"),
		Note: r.PostFormValue("note"), ClosedOn: r.PostFormValue("closed_on")})
	return s.allianceChanged(w, r, rq, allianceOf(r), err)
}
