package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/cadre"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
	"gongzhi/internal/party"
)

// cadreForm is a form as typed, with its errors.
type cadreForm struct {
	V       map[string]string
	Errors  map[string]string
	General []string
}

func cadreFormOf(r *http.Request, fields ...string) cadreForm {
	f := cadreForm{V: map[string]string{}}
	for _, k := range fields {
		f.V[k] = r.PostFormValue(k)
	}
	return f
}

func cadreInt(s string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(s))
	return n
}

func cadreID(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// thisYear is the current year in Asia/Shanghai.
func (s *server) thisYear() int { return s.Clock.Now().In(clock.Shanghai).Year() }

// cadreListPage is the cadre list with its filters and the add form.
type cadreListPage struct {
	Area, Kind, Batch string
	Areas             []areaOption
	Cadres            []cadre.Cadre
	Pager             pager
	CanWrite          bool
	New               cadreForm
	Year, LastYear    int
}

func (s *server) cadresList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCadres(w, r, rq, http.StatusOK, cadreForm{V: map[string]string{}})
}

func (s *server) showCadres(w http.ResponseWriter, r *http.Request, rq *request, status int, f cadreForm) error {
	q := r.URL.Query()
	d := cadreListPage{Area: q.Get("area"), Kind: q.Get("kind"), Batch: q.Get("batch"), New: f, Year: s.thisYear()}
	d.LastYear = d.Year - 1
	d.CanWrite = auth.AuthorizeAny(rq.P, auth.CadreWrite) == nil
	page := pageParam(r)
	l, err := s.Cadre.List(r.Context(), rq.P, cadre.Filter{Area: d.Area, Kind: d.Kind, Batch: cadreInt(d.Batch), Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Cadres, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	s.render(w, rq, status, "cadre_list.html", rq.view(r, "cadres", "cadre.list.title", d))
	return nil
}

func (s *server) cadreCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := cadreFormOf(r, "kind", "name", "area", "batch", "since", "username")
	c, err := s.Cadre.Create(r.Context(), rq.P, cadre.Input{Kind: f.V["kind"], Name: f.V["name"], Area: f.V["area"], Batch: cadreInt(f.V["batch"]),
		Since: f.V["since"], Username: f.V["username"]})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "kind", "name", "area", "batch", "since", "username")
		return s.showCadres(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/cadres/"+strconv.FormatInt(c.ID, 10))
}

// cadrePageData is one cadre: facts, training with the add form, and the
// evaluation years.
type cadrePageData struct {
	C        cadre.Cadre
	CanWrite bool
	New      cadreForm
	Years    []int
}

func (s *server) cadrePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCadre(w, r, rq, http.StatusOK, cadreForm{V: map[string]string{}})
}

func (s *server) showCadre(w http.ResponseWriter, r *http.Request, rq *request, status int, f cadreForm) error {
	id := cadreID(r.PathValue("id"))
	c, err := s.Cadre.Get(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	y := s.thisYear()
	d := cadrePageData{C: c, CanWrite: auth.Authorize(rq.P, auth.CadreWrite, c.AreaPath) == nil, New: f, Years: []int{y, y - 1}}
	s.render(w, rq, status, "cadre_page.html", rq.view(r, "cadres", "cadre.page.title", d))
	return nil
}

func (s *server) cadreTraining(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := cadreFormOf(r, "course", "held_on", "hours")
	id := cadreID(r.PathValue("id"))
	hours, _ := strconv.ParseFloat(strings.TrimSpace(f.V["hours"]), 64)
	_, err := s.Cadre.AddTraining(r.Context(), rq.P, id, cadre.TrainingInput{Course: f.V["course"], HeldOn: f.V["held_on"], Hours: hours})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "course", "held_on", "hours")
		return s.showCadre(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/cadres/"+strconv.FormatInt(id, 10))
}

// cadreEvalPage is a cadre's year: the figures computed now, the saved
// evaluation if any, and the reviewer's form.
type cadreEvalPage struct {
	C         cadre.Cadre
	Year      int
	Years     []int
	F         cadre.Figures
	Saved     *cadre.Evaluation
	CanReview bool
	New       cadreForm
}

func (s *server) cadreEval(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCadreEval(w, r, rq, http.StatusOK, cadreForm{V: map[string]string{}})
}

func (s *server) showCadreEval(w http.ResponseWriter, r *http.Request, rq *request, status int, f cadreForm) error {
	ctx := r.Context()
	id := cadreID(r.PathValue("id"))
	c, err := s.Cadre.Get(ctx, rq.P, id)
	if err != nil {
		return err
	}
	y := s.thisYear()
	d := cadreEvalPage{C: c, Year: y, Years: []int{y, y - 1, y - 2}, New: f}
	if v := r.URL.Query().Get("year"); v != "" {
		d.Year = cadreInt(v)
	}
	if d.F, err = s.Cadre.FiguresOf(ctx, rq.P, id, d.Year); err != nil {
		return err
	}
	e, err := s.Cadre.EvaluationOf(ctx, rq.P, id, d.Year)
	switch errs.Code(err) {
	case "":
		d.Saved = &e
		if d.New.V["score"] == "" && d.New.Errors == nil {
			d.New.V = map[string]string{"score": strconv.Itoa(e.Score), "review": e.Review, "evidence": e.Evidence}
		}
	case errs.ENOTFOUND:
	default:
		return err
	}
	d.CanReview = auth.Authorize(rq.P, auth.CadreReview, c.AreaPath) == nil && (c.UserID == nil || *c.UserID != rq.P.UserID)
	s.render(w, rq, status, "cadre_eval.html", rq.view(r, "cadres", "cadre.eval.title", d))
	return nil
}

func (s *server) cadreEvalSave(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := cadreFormOf(r, "score", "review", "evidence")
	id := cadreID(r.PathValue("id"))
	y := cadreInt(r.URL.Query().Get("year"))
	in := cadre.EvalInput{Review: f.V["review"], Evidence: f.V["evidence"]}
	if n, err := strconv.Atoi(strings.TrimSpace(f.V["score"])); err == nil {
		in.Score = &n
	}
	_, err := s.Cadre.Evaluate(r.Context(), rq.P, id, y, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "score", "review", "evidence")
		return s.showCadreEval(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/cadres/"+strconv.FormatInt(id, 10)+"/evaluation?year="+strconv.Itoa(y))
}

func (s *server) cadreEvalExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	y := cadreInt(r.URL.Query().Get("year"))
	var buf bytes.Buffer
	if err := s.Cadre.ExportXLSX(r.Context(), rq.P, y, &buf); err != nil {
		return err
	}
	s.sendPartyXLSX(w, "cadre-evaluations-"+strconv.Itoa(y), &buf)
	return nil
}

// mentoringPage lists the mentoring pairs with the form making one.
type mentoringPage struct {
	Pairs    []cadre.Pair
	Pager    pager
	CanWrite bool
	Mentors  []org.Unit
	Mentees  []org.Unit
	New      cadreForm
}

func (s *server) mentoringList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showMentoring(w, r, rq, http.StatusOK, cadreForm{V: map[string]string{}})
}

func (s *server) showMentoring(w http.ResponseWriter, r *http.Request, rq *request, status int, f cadreForm) error {
	ctx := r.Context()
	d := mentoringPage{New: f, CanWrite: auth.AuthorizeAny(rq.P, auth.CadreWrite) == nil}
	page := pageParam(r)
	l, err := s.Cadre.Pairs(ctx, rq.P, page, perPage)
	if err != nil {
		return err
	}
	d.Pairs, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.CanWrite {
		if d.Mentors, _, err = s.Org.Units(ctx, rq.P, org.UnitFilter{Group: "regional_unit", PerPage: 500}); err != nil {
			return err
		}
		if d.Mentees, _, err = s.Org.Units(ctx, rq.P, org.UnitFilter{Group: "two_new", PerPage: 500}); err != nil {
			return err
		}
	}
	s.render(w, rq, status, "cadre_mentoring.html", rq.view(r, "cadres", "cadre.mentoring.title", d))
	return nil
}

func (s *server) mentoringCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := cadreFormOf(r, "mentor_name", "mentor_unit_id", "mentee_name", "mentee_unit_id", "since")
	p, err := s.Cadre.CreatePair(r.Context(), rq.P, cadre.PairInput{MentorName: f.V["mentor_name"], MentorUnitID: cadreID(f.V["mentor_unit_id"]),
		MenteeName: f.V["mentee_name"], MenteeUnitID: cadreID(f.V["mentee_unit_id"]), Since: f.V["since"]})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "mentor_name", "mentor_unit_id", "mentee_name", "mentee_unit_id", "since")
		return s.showMentoring(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/mentoring/"+strconv.FormatInt(p.ID, 10))
}

// mentoringPairPage is one pair with its meetings and the form logging one.
type mentoringPairPage struct {
	P        cadre.Pair
	CanWrite bool
	New      cadreForm
}

func (s *server) mentoringPair(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showPair(w, r, rq, http.StatusOK, cadreForm{V: map[string]string{}})
}

func (s *server) showPair(w http.ResponseWriter, r *http.Request, rq *request, status int, f cadreForm) error {
	p, err := s.Cadre.Pair(r.Context(), rq.P, cadreID(r.PathValue("id")))
	if err != nil {
		return err
	}
	d := mentoringPairPage{P: p, New: f, CanWrite: auth.Authorize(rq.P, auth.CadreWrite, p.AreaPath) == nil}
	s.render(w, rq, status, "cadre_pair.html", rq.view(r, "cadres", "cadre.pair.title", d))
	return nil
}

func (s *server) mentoringMeeting(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := cadreFormOf(r, "held_on", "topic", "notes")
	id := cadreID(r.PathValue("id"))
	_, err := s.Cadre.LogMeeting(r.Context(), rq.P, id, cadre.MeetingInput{HeldOn: f.V["held_on"], Topic: f.V["topic"], Notes: f.V["notes"]})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "held_on", "topic", "notes")
		return s.showPair(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/mentoring/"+strconv.FormatInt(id, 10))
}

// unitReportPage is the quarterly service report of a party organisation,
// printable.
type unitReportPage struct {
	Org      string
	Quarter  string
	Orgs     []org.PartyOrg
	Quarters []string
	R        *party.UnitReport
	Export   string
}

func (s *server) unitReport(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := unitReportPage{Org: q.Get("org"), Quarter: q.Get("quarter")}
	var err error
	if d.Orgs, _, err = s.Org.PartyOrgs(ctx, rq.P, org.PartyOrgFilter{PerPage: 500}); err != nil {
		return err
	}
	from, _, this := party.Quarter(s.Clock.Now())
	d.Quarters = []string{this}
	for range 3 {
		var name string
		from, _, name = party.Quarter(from.Add(-1))
		d.Quarters = append(d.Quarters, name)
	}
	if d.Quarter == "" {
		d.Quarter = this
	}
	if d.Org != "" {
		rep, err := s.Party.UnitReportOf(ctx, rq.P, cadreID(d.Org), d.Quarter)
		if err != nil {
			return err
		}
		d.R = &rep
		d.Export = "/members/unit-report.xlsx?org=" + d.Org + "&quarter=" + rep.Quarter
	}
	s.render(w, rq, http.StatusOK, "cadre_unitreport.html", rq.view(r, "members", "cadre.unit_report.title", d))
	return nil
}

func (s *server) unitReportExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	if err := s.Party.UnitReportXLSX(r.Context(), rq.P, cadreID(q.Get("org")), q.Get("quarter"), &buf); err != nil {
		return err
	}
	s.sendPartyXLSX(w, "service-report", &buf)
	return nil
}
