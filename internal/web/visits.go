package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// memberRoles are the kinds of people on a visiting team.
var memberRoles = []string{"cadre", "deputy", "cppcc", "lawyer"}

// Blank rows the forms offer; more members or demands take another post.
const (
	memberRows = 4
	raisedRows = 3
)

// campaignsPage is the data of visits.html.
type campaignsPage struct {
	Campaigns []demand.Campaign
	CanCreate bool
	Areas     []areaOption
	Form      campaignForm
}

// campaignForm is the create-campaign form.
type campaignForm struct {
	Quarter, Area, Name string
	Errors              map[string]string
	General             []string
}

// currentQuarter is this quarter in Shanghai, written 2026Q4.
func (s *server) currentQuarter() string {
	t := s.today()
	return strconv.Itoa(t.Year()) + "Q" + strconv.Itoa((int(t.Month())-1)/3+1)
}

func (s *server) showCampaigns(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f campaignForm) error {
	list, err := s.Demand.Campaigns(ctx, rq.P)
	if err != nil {
		return err
	}
	page := campaignsPage{Campaigns: list, CanCreate: auth.AuthorizeAny(rq.P, auth.DemandDispatch) == nil, Form: f}
	if page.CanCreate {
		if page.Areas, err = s.areaOptions(ctx, rq.P, false); err != nil {
			return err
		}
	}
	v := rq.view(r, "demands", "visits.title", page)
	v.Tab = "visits"
	s.render(w, rq, status, "visits.html", v)
	return nil
}

// campaignList lists the quarterly visiting campaigns (满意在徐汇·服务在基层)
// with a form to start one.
func (s *server) campaignList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCampaigns(r.Context(), w, r, rq, http.StatusOK,
		campaignForm{Quarter: s.currentQuarter(), Area: homeArea(rq.P, auth.DemandDispatch)})
}

// campaignCreate starts a quarter's campaign over an area.
func (s *server) campaignCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := campaignForm{Quarter: strings.TrimSpace(r.PostFormValue("quarter")), Area: r.PostFormValue("area"),
		Name: strings.TrimSpace(r.PostFormValue("name"))}
	c, err := s.Demand.CreateCampaign(r.Context(), rq.P, demand.Campaign{Quarter: f.Quarter, Area: f.Area, Name: f.Name})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "quarter", "area", "name")
		return s.showCampaigns(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/visits/"+strconv.FormatInt(c.ID, 10))
}

// campaignView is the data of visit.html.
type campaignView struct {
	C           demand.Campaign
	Teams       []demand.Team
	Coverage    []demand.AreaVisits
	Unvisited   int
	AreaNames   map[string]string
	CanTeam     bool
	CanRecord   bool
	Categories  []demand.Category
	MemberRoles []string
	Team        teamForm
	Visit       visitForm
	Done        string        // team, visit
	Filed       []filedDemand // the demands a visit just filed, with their tracking links (shown once)
}

// teamForm is the add-team form.
type teamForm struct {
	Name, Org, Area string
	Members         []demand.TeamMember
	Errors          map[string]string
	General         []string
}

// visitForm is the record-visit form and the demands raised on the visit.
type visitForm struct {
	Team, VisitedOn, Met, Raised string
	Demands                      []raisedDemand
	Errors                       map[string]string
	General                      []string
}

// raisedDemand is one demand raised on a visit.
type raisedDemand struct {
	Category, Description string
}

// findCampaign returns the campaign with id among those p may see.
func (s *server) findCampaign(ctx context.Context, p *auth.Principal, id int64) (demand.Campaign, error) {
	list, err := s.Demand.Campaigns(ctx, p)
	if err != nil {
		return demand.Campaign{}, err
	}
	for _, c := range list {
		if c.ID == id {
			return c, nil
		}
	}
	return demand.Campaign{}, errs.New(errs.ENOTFOUND, "campaign not found")
}

func (s *server) showCampaign(w http.ResponseWriter, r *http.Request, rq *request, status int, v campaignView) error {
	ctx, p := r.Context(), rq.P
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if v.C, err = s.findCampaign(ctx, p, id); err != nil {
		return err
	}
	if v.Teams, err = s.Demand.Teams(ctx, p, id); err != nil {
		return err
	}
	if v.Coverage, err = s.Demand.VisitCoverage(ctx, p, id); err != nil {
		return err
	}
	v.AreaNames = map[string]string{}
	for _, a := range v.Coverage {
		v.AreaNames[a.Area] = a.Name
		if a.Visits == 0 {
			v.Unvisited++
		}
	}
	if v.Categories, err = s.Demand.Categories(ctx, true); err != nil {
		return err
	}
	v.CanTeam = auth.AuthorizeAny(p, auth.DemandDispatch) == nil
	v.CanRecord = auth.AuthorizeAny(p, auth.DemandIntake) == nil && len(v.Teams) > 0
	v.MemberRoles = memberRoles
	for len(v.Team.Members) < memberRows {
		v.Team.Members = append(v.Team.Members, demand.TeamMember{})
	}
	for len(v.Visit.Demands) < raisedRows {
		v.Visit.Demands = append(v.Visit.Demands, raisedDemand{})
	}
	if v.Visit.VisitedOn == "" {
		v.Visit.VisitedOn = s.today().Format(time.DateOnly)
		if v.Visit.VisitedOn < v.C.StartsOn || v.Visit.VisitedOn > v.C.EndsOn {
			v.Visit.VisitedOn = v.C.StartsOn
		}
	}
	page := rq.view(r, "demands", "visit.title", v)
	page.Title, page.Tab = v.C.Name, "visits"
	s.render(w, rq, status, "visit.html", page)
	return nil
}

// campaignPage shows a campaign: its teams, the coverage of residential
// areas (not yet visited first), and the forms to add a team and record a visit.
func (s *server) campaignPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	v := campaignView{}
	switch done := r.URL.Query().Get("done"); done {
	case "team", "visit":
		v.Done = done
	}
	return s.showCampaign(w, r, rq, http.StatusOK, v)
}

// teamAdd assigns a team with its named members to a residential area.
func (s *server) teamAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := teamForm{Name: strings.TrimSpace(r.PostFormValue("name")), Org: strings.TrimSpace(r.PostFormValue("org")),
		Area: r.PostFormValue("area")}
	names, roles := r.PostForm["member_name"], r.PostForm["member_role"]
	var members []demand.TeamMember
	for i, n := range names {
		m := demand.TeamMember{Name: strings.TrimSpace(n)}
		if i < len(roles) {
			m.Role = roles[i]
		}
		f.Members = append(f.Members, m)
		if m.Name != "" {
			members = append(members, m)
		}
	}
	_, err = s.Demand.AddTeam(r.Context(), rq.P, demand.Team{Campaign: id, Name: f.Name, Org: f.Org, Area: f.Area, Members: members})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "name", "org", "area", "members")
		return s.showCampaign(w, r, rq, http.StatusUnprocessableEntity, campaignView{Team: f})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/visits/"+strconv.FormatInt(id, 10)+"?done=team")
}

// visitRecord records a visit; each raised demand with a description is
// filed as a linked demand (channel: visit) in the same transaction.
func (s *server) visitRecord(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := visitForm{Team: r.PostFormValue("team"), VisitedOn: strings.TrimSpace(r.PostFormValue("visited_on")),
		Met: strings.TrimSpace(r.PostFormValue("met")), Raised: strings.TrimSpace(r.PostFormValue("raised"))}
	cats, err := s.Demand.Categories(ctx, true)
	if err != nil {
		return err
	}
	descs, catTexts := r.PostForm["demand_description"], r.PostForm["demand_category"]
	var raised []demand.NewDemand
	for i, d := range descs {
		rd := raisedDemand{Description: strings.TrimSpace(d)}
		if i < len(catTexts) {
			rd.Category = strings.TrimSpace(catTexts[i])
		}
		f.Demands = append(f.Demands, rd)
		if rd.Description == "" {
			continue
		}
		code, ok := resolveCategory(cats, rd.Category)
		if !ok {
			code = rd.Category // the service names the unknown category
		}
		raised = append(raised, demand.NewDemand{Category: code, Description: rd.Description})
	}
	teams, err := s.Demand.Teams(ctx, rq.P, id)
	if err != nil {
		return err
	}
	team, _ := strconv.ParseInt(f.Team, 10, 64)
	if !slices.ContainsFunc(teams, func(t demand.Team) bool { return t.ID == team }) { // a team of this campaign only
		f.Errors = map[string]string{"team": rq.T("form.choose_listed")}
		return s.showCampaign(w, r, rq, http.StatusUnprocessableEntity, campaignView{Visit: f})
	}
	rec, err := s.Demand.RecordVisit(ctx, rq.P, demand.VisitRecord{Team: team, VisitedOn: f.VisitedOn, Met: f.Met, Raised: f.Raised}, raised)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "team", "visited_on", "met", "raised")
		return s.showCampaign(w, r, rq, http.StatusUnprocessableEntity, campaignView{Visit: f})
	} else if err != nil {
		return err
	}
	// The tracking links are shown once, here, for the team to hand to the
	// residents who raised the demands; so the page is drawn, not redirected.
	v := campaignView{Done: "visit"}
	for i, d := range rec.Demands {
		fd := filedDemand{ID: d}
		if i < len(rec.Tokens) {
			fd.TrackPath = "/t/" + rec.Tokens[i]
			fd.TrackURL = s.siteURL(r) + fd.TrackPath
		}
		v.Filed = append(v.Filed, fd)
	}
	return s.showCampaign(w, r, rq, http.StatusOK, v)
}
