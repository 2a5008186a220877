package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"
	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
	"gongzhi/internal/match"
)

// candidateView is a ranked resource with its reasons in words.
type candidateView struct {
	Resource lists.Resource
	Score    int
	Reasons  []string
}

// reasonText says one part of a score in the reader's language.
func reasonText(rq *request, r match.Reason) string {
	switch r.Code {
	case "area", "urgency":
		return rq.T("match.reason."+r.Code+"."+r.Detail, r.Points)
	case "distance":
		return rq.T("match.reason.distance", fmt.Sprintf("%.1f", r.Value), r.Points)
	case "time", "capacity":
		return rq.T("match.reason."+r.Code, int(r.Value*100+0.5), r.Points)
	default:
		return rq.T("match.reason."+r.Code, r.Points)
	}
}

func reasonTexts(rq *request, rs []match.Reason) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		if r.Points != 0 || r.Code == "category" {
			out = append(out, reasonText(rq, r))
		}
	}
	return out
}

func (s *server) candidateViews(rq *request, cs []lists.Candidate) []candidateView {
	out := make([]candidateView, len(cs))
	for i, c := range cs {
		out[i] = candidateView{Resource: c.Resource, Score: c.Score, Reasons: reasonTexts(rq, c.Reasons)}
	}
	return out
}

// boardPage is the matching board: an area's optimal plan to confirm pair by pair.
type boardPage struct {
	Area      string
	Areas     []areaOption
	Plan      lists.PlanResult
	Reasons   [][]string
	Gain      string // how much better than greedy, in percent
	Confirmed int
}

func (s *server) matchBoard(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.ListsWrite); err != nil {
		return err
	}
	d := boardPage{Area: r.URL.Query().Get("area")}
	if d.Area == "" {
		d.Area = homeArea(rq.P, auth.ListsWrite)
	}
	d.Confirmed, _ = strconv.Atoi(r.URL.Query().Get("confirmed"))
	var err error
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	if d.Plan, err = s.Lists.Plan(r.Context(), rq.P, d.Area); err != nil {
		return err
	}
	for _, p := range d.Plan.Proposals {
		d.Reasons = append(d.Reasons, reasonTexts(rq, p.Reasons))
	}
	if d.Plan.Greedy > 0 && d.Plan.Total > d.Plan.Greedy {
		d.Gain = fmt.Sprintf("%.1f", float64(d.Plan.Total-d.Plan.Greedy)*100/float64(d.Plan.Greedy))
	}
	s.render(w, rq, http.StatusOK, "lists_board.html", rq.view(r, "lists", "lists.board.title", d))
	return nil
}

// matchConfirm confirms one pair (from the board or a need's page).
func (s *server) matchConfirm(w http.ResponseWriter, r *http.Request, rq *request) error {
	need, err1 := strconv.ParseInt(r.PostFormValue("need_id"), 10, 64)
	res, err2 := strconv.ParseInt(r.PostFormValue("resource_id"), 10, 64)
	if err1 != nil || err2 != nil {
		return errs.Invalid("need_id", "choose a need and a resource")
	}
	if _, err := s.Lists.ConfirmMatch(r.Context(), rq.P, need, res); err != nil {
		return err
	}
	if back := r.PostFormValue("back"); back == "board" {
		return redirect(w, r, "/lists/board?area="+r.PostFormValue("area")+"&confirmed="+strconv.FormatInt(need, 10))
	}
	return redirect(w, r, "/needs/"+strconv.FormatInt(need, 10))
}

// matchAnswer is the resource's side accepting or declining a match.
func (s *server) matchAnswer(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.Lists.AnswerMatch(r.Context(), rq.P, id, r.PostFormValue("answer") == "accept")
	if err != nil {
		return err
	}
	return redirect(w, r, "/resources/"+strconv.FormatInt(m.ResourceID, 10))
}

// --- projects

type projectsPage struct {
	Query    listsQuery
	Areas    []areaOption
	Domains  []string
	Levels   []string
	Statuses []string
	Projects []lists.Project
	Pager    pager
	CanWrite bool
	CanClaim bool
	Labels   map[string]string
	Stats    *lists.ProjectStats
	Export   string
}

func (s *server) projectList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := readListsQuery(r)
	f := q.filter()
	l, err := s.Lists.Projects(r.Context(), rq.P, lists.ProjectFilter{ListFilter: f, Claimable: q.Claimable})
	if err != nil {
		return err
	}
	areas, err := s.areaOptions(r.Context(), rq.P, false)
	if err != nil {
		return err
	}
	d := projectsPage{Query: q, Areas: areas, Domains: lists.Domains, Levels: lists.Levels,
		Statuses: []string{"proposed", "approved", "running", "done", "evaluated", "cancelled"}, Projects: l.Items,
		Pager: newPager(r, q.Page, l.Total), CanWrite: auth.AuthorizeAny(rq.P, auth.ListsWrite) == nil,
		CanClaim: len(auth.ScopeUnits(rq.P, auth.ResourceOffer)) > 0, Labels: labelsOf(areas), Export: q.pageURL("/projects/export.xlsx", 1)}
	area := q.Area
	if area == "" {
		area = homeArea(rq.P, auth.ListsRead)
	}
	if area != "" && !q.Claimable {
		start, end, _ := lists.Period(q.From, q.To) // checked by the list above
		if st, err := s.Lists.Stats(r.Context(), rq.P, area, start, end); err == nil {
			d.Stats = &st
		}
	}
	s.render(w, rq, http.StatusOK, "lists_projects.html", rq.view(r, "projects", "lists.projects.title", d))
	return nil
}

// projectExport writes the matching projects as XLSX (every page).
func (s *server) projectExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := readListsQuery(r)
	f := q.filter()
	f.PerPage = 500
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	head := []any{"编号 ID", "项目 Title", "领域 Domain", "层级 Level", "区域 Area", "状态 Status", "牵头 Lead", "预算(元) Budget", "受益 Beneficiaries", "创建 Created"}
	if err := x.SetSheetRow(sheet, "A1", &head); err != nil {
		return err
	}
	row := 2
	for page := 1; page <= 20; page++ {
		f.Page = page
		l, err := s.Lists.Projects(r.Context(), rq.P, lists.ProjectFilter{ListFilter: f, Claimable: q.Claimable})
		if err != nil {
			return err
		}
		for _, p := range l.Items {
			vals := []any{p.ID, p.Title, rq.T("domain." + p.Domain), rq.T("level." + p.Level), p.Area, rq.T("project.status." + p.Status),
				p.LeadName, float64(p.BudgetFen) / 100, p.Beneficiaries, p.CreatedAt.In(clock.Shanghai).Format(time.DateOnly)}
			if err := x.SetSheetRow(sheet, "A"+strconv.Itoa(row), &vals); err != nil {
				return err
			}
			row++
		}
		if page*f.PerPage >= l.Total {
			break
		}
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=projects-"+time.Now().In(clock.Shanghai).Format("20060102")+".xlsx")
	return x.Write(w)
}

// projectForm proposes a project.
type projectForm struct {
	Title, Summary, Domain, Area, LeadName, Budget, Funding, Beneficiaries, StartsOn, EndsOn, Milestones, MatchID string
	Claimable                                                                                                     bool
	Errors                                                                                                        map[string]string
	General                                                                                                       []string
	Areas                                                                                                         []areaOption
	Domains                                                                                                       []string
}

var projectFields = []string{"title", "summary", "domain", "area", "lead_name", "budget_fen", "funding", "beneficiaries", "starts_on", "ends_on", "milestones", "match_id"}

func (s *server) projectNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.ListsWrite); err != nil {
		return err
	}
	q := r.URL.Query()
	return s.showProjectForm(w, r, rq, http.StatusOK, projectForm{Area: q.Get("area"), MatchID: q.Get("match"), Title: q.Get("title"), Domain: q.Get("domain")})
}

func (s *server) showProjectForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f projectForm) error {
	var err error
	if f.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	f.Domains = lists.Domains
	s.render(w, rq, status, "lists_project_form.html", rq.view(r, "projects", "lists.project.new", f))
	return nil
}

func (s *server) projectCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := projectForm{Title: v("title"), Summary: v("summary"), Domain: v("domain"), Area: v("area"), LeadName: v("lead_name"),
		Budget: v("budget"), Funding: v("funding"), Beneficiaries: v("beneficiaries"), StartsOn: v("starts_on"), EndsOn: v("ends_on"),
		Milestones: v("milestones"), MatchID: v("match_id"), Claimable: v("claimable") != ""}
	in := lists.ProjectInput{Title: f.Title, Summary: f.Summary, Domain: f.Domain, Area: f.Area, LeadName: f.LeadName, Claimable: f.Claimable,
		Funding: f.Funding, StartsOn: f.StartsOn, EndsOn: f.EndsOn}
	bad := map[string]string{}
	if f.Budget != "" {
		yuan, err := strconv.ParseFloat(f.Budget, 64)
		if err != nil || yuan < 0 {
			bad["budget_fen"] = rq.T("form.amount")
		}
		in.BudgetFen = int64(yuan*100 + 0.5)
	}
	if f.Beneficiaries != "" {
		n, err := strconv.Atoi(f.Beneficiaries)
		if err != nil || n < 0 {
			bad["beneficiaries"] = rq.T("form.whole_number")
		}
		in.Beneficiaries = n
	}
	if f.MatchID != "" {
		id, err := strconv.ParseInt(f.MatchID, 10, 64)
		if err != nil {
			bad["match_id"] = rq.T("form.whole_number")
		}
		in.MatchID = &id
	}
	for _, line := range strings.Split(f.Milestones, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Milestones = append(in.Milestones, line)
		}
	}
	if len(bad) > 0 {
		f.Errors = bad
		return s.showProjectForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	p, err := s.Lists.CreateProject(r.Context(), rq.P, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, projectFields...)
		return s.showProjectForm(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/projects/"+strconv.FormatInt(p.ID, 10))
}

type projectPage struct {
	Project  lists.Project
	AreaName string
	Timeline []lists.Event
	Moves    []string
	CanClaim bool
	CanWrite bool
	Codes    *lists.RatingCodes // for whoever runs the project: the residents' rating codes
	// CodesDefault is how many codes to offer: one per resident served, or a
	// table's worth before that is known.
	CodesDefault int
	Topic        *mtTopicRow // the monthly topic (每月一题) whose fix the project is, with its measured effect
}

func (s *server) projectPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, ev, err := s.Lists.Project(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := projectPage{Project: p, Timeline: ev, AreaName: s.areaName(r.Context(), rq.Lang, p.Area)}
	if d.Topic, err = s.mtTopicOfProject(r.Context(), rq, id); err != nil {
		return err
	}
	lead := p.LeadUnitID != nil && auth.AuthorizeUnit(rq.P, auth.ResourceOffer, p.AreaPath, p.LeadUnitID) == nil
	for _, to := range []string{"approved", "running", "done", "evaluated", "cancelled"} {
		perm, byLead, ok := lists.ProjectMove(p.Status, to)
		if ok && (auth.Authorize(rq.P, perm, p.AreaPath) == nil || (byLead && lead)) {
			d.Moves = append(d.Moves, to)
		}
	}
	d.CanWrite = auth.Authorize(rq.P, auth.ListsWrite, p.AreaPath) == nil || lead
	d.CanClaim = p.Claimable && p.LeadUnitID == nil && (p.Status == "proposed" || p.Status == "approved") && len(auth.ScopeUnits(rq.P, auth.ResourceOffer)) == 1
	if p.Status != "cancelled" {
		if rc, err := s.Lists.ProjectRatingCodes(r.Context(), rq.P, id); err == nil {
			d.Codes, d.CodesDefault = &rc, 20
			if n := p.Beneficiaries - rc.Issued; n > 0 {
				d.CodesDefault = min(n, 500)
			}
		}
	}
	s.render(w, rq, http.StatusOK, "lists_project.html", rq.view(r, "projects", "lists.project.title", d))
	return nil
}

func (s *server) projectMove(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var served *int
	if v := strings.TrimSpace(r.PostFormValue("beneficiaries")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errs.Invalid("beneficiaries", "beneficiaries cannot be negative")
		}
		served = &n
	}
	if _, err := s.Lists.MoveProject(r.Context(), rq.P, id, r.PostFormValue("status"), r.PostFormValue("note"), served); err != nil {
		return err
	}
	return redirect(w, r, "/projects/"+strconv.FormatInt(id, 10))
}

func (s *server) projectClaim(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Lists.ClaimProject(r.Context(), rq.P, id, nil); err != nil {
		return err
	}
	return redirect(w, r, "/projects/"+strconv.FormatInt(id, 10))
}

func (s *server) milestoneDone(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	mid, err := strconv.ParseInt(r.PathValue("mid"), 10, 64)
	if err != nil {
		return errs.New(errs.ENOTFOUND, "milestone not found")
	}
	if _, err := s.Lists.CompleteMilestone(r.Context(), rq.P, id, mid); err != nil {
		return err
	}
	return redirect(w, r, "/projects/"+strconv.FormatInt(id, 10))
}

// --- residents' rating codes

// ratingSlip is one code as printed: its link and the link's QR code.
type ratingSlip struct {
	Code string
	URL  string
	QR   template.URL // a data: URL of a PNG
}

type ratingCodesPage struct {
	Project lists.Project
	Codes   lists.RatingCodes
	Slips   []ratingSlip
}

// projectRatingCodes is the sheet of a project's unused codes, to print and
// cut into slips for the residents it served.
func (s *server) projectRatingCodes(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, _, err := s.Lists.Project(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	rc, err := s.Lists.ProjectRatingCodes(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := ratingCodesPage{Project: p, Codes: rc}
	for _, c := range rc.Items {
		u := s.siteURL(r) + "/rate/p/" + c.Code
		png, err := qrcode.Encode(u, qrcode.Medium, 192)
		if err != nil {
			return errs.Wrap(err, "qr code")
		}
		d.Slips = append(d.Slips, ratingSlip{Code: c.Code, URL: u, QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))})
	}
	s.render(w, rq, http.StatusOK, "lists_rating_codes.html", rq.view(r, "projects", "lists.codes.title", d))
	return nil
}

func (s *server) issueRatingCodes(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("count")))
	if err != nil {
		return errs.Invalid("count", "type how many codes, 1 to 500")
	}
	if _, err := s.Lists.IssueRatingCodes(r.Context(), rq.P, id, n); err != nil {
		return err
	}
	return redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/rating-codes")
}

// --- the public rating link

type ratePage struct {
	Project lists.PublicProject
	Token   string
	Done    bool
	Error   string
}

func (s *server) projectRatePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	p, err := s.Lists.ProjectByCode(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	v := rq.view(r, "rate", "lists.rate.title", ratePage{Project: p, Token: r.PathValue("token"), Done: r.URL.Query().Get("done") != ""})
	v.NoIndex = true
	s.render(w, rq, http.StatusOK, "lists_rate.html", v)
	return nil
}

func (s *server) projectRate(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, formLimit)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	if rq.P != nil && !rq.csrfOK(r) { // a signed-in browser's forms carry its token
		return errCSRF()
	}
	token := r.PathValue("token")
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	err := s.Lists.RateProject(r.Context(), token, score, r.PostFormValue("comment"))
	if errs.Code(err) == errs.EINVALID {
		p, perr := s.Lists.ProjectByCode(r.Context(), token)
		if perr != nil {
			return perr
		}
		v := rq.view(r, "rate", "lists.rate.title", ratePage{Project: p, Token: token, Error: rq.ErrMsg(err)})
		v.NoIndex = true
		s.render(w, rq, http.StatusUnprocessableEntity, "lists_rate.html", v)
		return nil
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/rate/p/"+token+"?done=1")
}
