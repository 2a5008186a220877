package api

import (
	"net/http"
	"slices"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// Visiting campaigns (满意在徐汇·服务在基层): each quarter, teams visit every
// residential area; what residents raise becomes demands.

// listCampaigns serves GET /visit-campaigns[?quarter=2026Q4]: campaigns over
// the caller's areas or above them, newest first.
func (s *server) listCampaigns(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	quarter := r.URL.Query().Get("quarter")
	if _, _, ok := demand.QuarterDates(quarter); quarter != "" && !ok {
		return errs.Invalid("quarter", "quarter must look like 2026Q4")
	}
	cs, err := s.Demand.Campaigns(r.Context(), p)
	if err != nil {
		return err
	}
	if quarter != "" {
		cs = slices.DeleteFunc(cs, func(c demand.Campaign) bool { return c.Quarter != quarter })
	}
	writeList(w, pageOf(cs, pg), len(cs), pg)
	return nil
}

// campaignInput is the body of POST /visit-campaigns.
type campaignInput struct {
	Name    string `json:"name"` // defaults to "{quarter} 满意在徐汇·服务在基层"
	Quarter string `json:"quarter"`
	Area    string `json:"area"`
}

// createCampaign serves POST /visit-campaigns: one campaign per area and quarter.
func (s *server) createCampaign(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in campaignInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.DemandDispatch); err != nil {
		return err
	}
	c, err := s.Demand.CreateCampaign(r.Context(), p, demand.Campaign{Name: in.Name, Quarter: in.Quarter, Area: in.Area})
	if err != nil {
		return err
	}
	created(w, "", c)
	return nil
}

// listTeams serves GET /visit-campaigns/{id}/teams: the campaign's teams in
// the caller's scope.
func (s *server) listTeams(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	teams, err := s.Demand.Teams(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeList(w, pageOf(teams, pg), len(teams), pg)
	return nil
}

// teamInput is the body of POST /visit-campaigns/{id}/teams.
type teamInput struct {
	Name    string              `json:"name"`
	Org     string              `json:"org"`
	Members []demand.TeamMember `json:"members"`
	Area    string              `json:"area"` // the residential area the team visits
}

// addTeam serves POST /visit-campaigns/{id}/teams.
func (s *server) addTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	var in teamInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.Demand.AddTeam(r.Context(), p, demand.Team{Campaign: id, Name: in.Name, Org: in.Org, Members: in.Members, Area: in.Area})
	if err != nil {
		return err
	}
	created(w, "", t)
	return nil
}

// visitCoverageJSON is the work list of a campaign: every residential area in
// the caller's scope, the unvisited first, with the totals over all pages.
type visitCoverageJSON struct {
	list[demand.AreaVisits]
	Visited   int `json:"visited"`
	Unvisited int `json:"unvisited"`
}

// visitCoverage serves GET /visit-campaigns/{id}/coverage.
func (s *server) visitCoverage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "campaign")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	areas, err := s.Demand.VisitCoverage(r.Context(), p, id)
	if err != nil {
		return err
	}
	out := visitCoverageJSON{list: list[demand.AreaVisits]{Items: pageOf(areas, pg), Total: len(areas), Page: pg.Page, PerPage: pg.PerPage}}
	for _, a := range areas {
		if a.Visits > 0 {
			out.Visited++
		} else {
			out.Unvisited++
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// visitInput is the body of POST /visits: one visit and the demands raised
// there, filed with channel visit in the team's residential area unless
// they name their own.
type visitInput struct {
	Team      int64              `json:"team"`
	VisitedOn string             `json:"visited_on"`
	Met       string             `json:"met"`
	Raised    string             `json:"raised"`
	Demands   []demand.NewDemand `json:"demands"`
}

// recordVisit serves POST /visits: the visit and its demands in one
// transaction, all or nothing; a bad demand is named demands[i].field.
func (s *server) recordVisit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in visitInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.DemandIntake); err != nil {
		return err
	}
	if in.Team == 0 {
		return errs.Invalid("team", "team is required: the id of the visiting team")
	}
	if _, err := time.Parse(time.DateOnly, in.VisitedOn); err != nil {
		return errs.Invalid("visited_on", "visited_on must be a date like 2026-11-30")
	}
	v, err := s.Demand.RecordVisit(r.Context(), p, demand.VisitRecord{Team: in.Team, VisitedOn: in.VisitedOn, Met: in.Met, Raised: in.Raised}, in.Demands)
	if err != nil {
		return err
	}
	created(w, "", v)
	return nil
}
