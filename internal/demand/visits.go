package demand

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Campaign is a quarter's visiting action (满意在徐汇·服务在基层): teams visit
// every residential area face to face; full coverage is the rule.
type Campaign struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	Quarter   string `json:"quarter"` // 2026Q4
	StartsOn  string `json:"starts_on"`
	EndsOn    string `json:"ends_on"`
	Area      string `json:"area"`
	areaPath  string
	CreatedAt time.Time `json:"created_at"`
}

// TeamMember is a named person on a team.
type TeamMember struct {
	Name string `json:"name"`
	Role string `json:"role"` // cadre, deputy (人大代表), cppcc (政协委员), lawyer (律师)
}

// Team visits one residential area for a campaign.
type Team struct {
	ID       int64        `json:"id"`
	Campaign int64        `json:"campaign"`
	Name     string       `json:"name"`
	Org      string       `json:"org"` // the government body's party organisation
	Members  []TeamMember `json:"members"`
	Area     string       `json:"area"`
}

// VisitRecord is one face-to-face visit and what was raised there.
type VisitRecord struct {
	ID        int64   `json:"id"`
	Campaign  int64   `json:"campaign"`
	Team      int64   `json:"team"`
	Area      string  `json:"area"`
	VisitedOn string  `json:"visited_on"`
	Met       string  `json:"met"`
	Raised    string  `json:"raised"`
	Demands   []int64 `json:"demands"`
	// Tokens are the private tracking tokens of the demands filed, shown
	// once so the team can hand them to the residents who raised them.
	Tokens []string `json:"tracking_tokens,omitempty"`
}

var quarterRE = regexp.MustCompile(`^(\d{4})Q([1-4])$`)

// QuarterDates returns the first and last day of a quarter like 2026Q4.
func QuarterDates(q string) (string, string, bool) {
	m := quarterRE.FindStringSubmatch(q)
	if m == nil {
		return "", "", false
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[2])
	start := time.Date(y, time.Month(3*n-2), 1, 0, 0, 0, 0, time.UTC)
	return start.Format(time.DateOnly), start.AddDate(0, 3, -1).Format(time.DateOnly), true
}

// CreateCampaign starts a quarter's campaign over an area (usually the district).
func (s *Service) CreateCampaign(ctx context.Context, p *auth.Principal, c Campaign) (Campaign, error) {
	start, end, ok := QuarterDates(c.Quarter)
	if !ok {
		return c, errs.Invalid("quarter", "quarter must look like 2026Q4")
	}
	if strings.TrimSpace(c.Name) == "" {
		c.Name = c.Quarter + " 满意在徐汇·服务在基层"
	}
	path, err := areaPath(ctx, s.db, c.Area, "area")
	if err != nil {
		return c, err
	}
	if err := auth.Authorize(p, auth.DemandDispatch, path); err != nil {
		return c, err
	}
	c.StartsOn, c.EndsOn, c.areaPath, c.CreatedAt = start, end, path, s.clock.Now()
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO visit_campaigns (name, quarter, starts_on, ends_on, area_code, area_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
			c.Name, c.Quarter, start, end, c.Area, path, c.CreatedAt)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("quarter", "this area already has a campaign for %s", c.Quarter)
		} else if err != nil {
			return errs.Wrap(err, "campaign")
		}
		c.ID = id
		return auth.Record(ctx, tx, c.CreatedAt, p, auth.Change{Action: "create", Entity: "visit_campaign", EntityID: strconv.FormatInt(id, 10), AreaPath: path, After: c})
	})
	return c, err
}

// Campaigns lists campaigns over areas in p's scope (or above it), newest first.
func (s *Service) Campaigns(ctx context.Context, p *auth.Principal) ([]Campaign, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return nil, err
	}
	all, err := db.All(ctx, s.db, "SELECT id, name, quarter, starts_on, ends_on, area_code, area_path, created_at FROM visit_campaigns ORDER BY quarter DESC, id DESC", nil,
		func(r db.Scanner) (Campaign, error) {
			var c Campaign
			err := r.Scan(&c.ID, &c.Name, &c.Quarter, &c.StartsOn, &c.EndsOn, &c.Area, &c.areaPath, &c.CreatedAt)
			return c, err
		})
	if err != nil {
		return nil, errs.Wrap(err, "campaigns")
	}
	out := []Campaign{}
	for _, c := range all {
		if overlaps(p, c.areaPath) {
			out = append(out, c)
		}
	}
	return out, nil
}

// overlaps reports whether p reads anything in or above path: a street
// worker sees the district's campaign, for the part of it in their street.
func overlaps(p *auth.Principal, path string) bool {
	for _, sc := range auth.Scope(p, auth.DemandRead) {
		if strings.HasPrefix(sc, path) || strings.HasPrefix(path, sc) {
			return true
		}
	}
	return false
}

func (s *Service) campaign(ctx context.Context, q db.Querier, p *auth.Principal, id int64) (Campaign, error) {
	var c Campaign
	err := q.QueryRow(ctx, "SELECT id, name, quarter, starts_on, ends_on, area_code, area_path, created_at FROM visit_campaigns WHERE id = ?", id).
		Scan(&c.ID, &c.Name, &c.Quarter, &c.StartsOn, &c.EndsOn, &c.Area, &c.areaPath, &c.CreatedAt)
	if err != nil || !overlaps(p, c.areaPath) {
		return c, errs.New(errs.ENOTFOUND, "campaign not found")
	}
	return c, nil
}

var memberRoles = []string{"cadre", "deputy", "cppcc", "lawyer"}

// AddTeam assigns a team to a residential area of a campaign.
func (s *Service) AddTeam(ctx context.Context, p *auth.Principal, t Team) (Team, error) {
	c, err := s.campaign(ctx, s.db, p, t.Campaign)
	if err != nil {
		return t, err
	}
	level, path, err := levelOf(ctx, s.db, t.Area)
	if err != nil || level != "residential" || !strings.HasPrefix(path, c.areaPath) {
		return t, errs.Invalid("area", "area must be a residential area inside the campaign's area")
	}
	if err := auth.Authorize(p, auth.DemandDispatch, path); err != nil {
		return t, err
	}
	if strings.TrimSpace(t.Name) == "" {
		return t, errs.Invalid("name", "name is required")
	}
	for _, m := range t.Members {
		if strings.TrimSpace(m.Name) == "" || !slices.Contains(memberRoles, m.Role) {
			return t, errs.Invalid("members", "each member needs a name and a role: cadre, deputy, cppcc or lawyer")
		}
	}
	if t.Members == nil {
		t.Members = []TeamMember{}
	}
	members, _ := json.Marshal(t.Members)
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO visit_teams (campaign_id, name, org_name, members, area_code, area_path) VALUES (?, ?, ?, ?, ?, ?)",
			t.Campaign, t.Name, t.Org, string(members), t.Area, path)
		if err != nil {
			return errs.Wrap(err, "team")
		}
		t.ID = id
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "create", Entity: "visit_team", EntityID: strconv.FormatInt(id, 10), AreaPath: path, After: t})
	})
	return t, err
}

// Teams lists a campaign's teams in p's scope.
func (s *Service) Teams(ctx context.Context, p *auth.Principal, campaign int64) ([]Team, error) {
	if _, err := s.campaign(ctx, s.db, p, campaign); err != nil {
		return nil, err
	}
	scope, args := auth.ScopeSQL(s.db.Dialect, p, auth.DemandRead, "area_path")
	out, err := db.All(ctx, s.db, "SELECT id, campaign_id, name, org_name, members, area_code FROM visit_teams WHERE campaign_id = ? AND "+scope+" ORDER BY area_path, id",
		append([]any{campaign}, args...), func(r db.Scanner) (Team, error) {
			var t Team
			var members string
			err := r.Scan(&t.ID, &t.Campaign, &t.Name, &t.Org, &members, &t.Area)
			json.Unmarshal([]byte(members), &t.Members)
			return t, err
		})
	return out, errs.Wrap(err, "teams")
}

// RecordVisit stores a visit and files what was raised as linked demands
// (channel visit), all in one transaction.
func (s *Service) RecordVisit(ctx context.Context, p *auth.Principal, v VisitRecord, raised []NewDemand) (VisitRecord, error) {
	var t Team
	var path string
	err := s.db.QueryRow(ctx, "SELECT id, campaign_id, area_code, area_path FROM visit_teams WHERE id = ?", v.Team).Scan(&t.ID, &t.Campaign, &t.Area, &path)
	if err != nil {
		return v, errs.Invalid("team", "unknown team %d", v.Team)
	}
	if err := auth.Authorize(p, auth.DemandIntake, path); err != nil {
		return v, err
	}
	c, err := s.campaign(ctx, s.db, p, t.Campaign)
	if err != nil {
		return v, err
	}
	if v.VisitedOn < c.StartsOn || v.VisitedOn > c.EndsOn {
		return v, errs.Invalid("visited_on", "visited_on must be a day of %s (%s to %s)", c.Quarter, c.StartsOn, c.EndsOn)
	}
	if strings.TrimSpace(v.Met) == "" {
		return v, errs.Invalid("met", "met is required: who the team met")
	}
	var pds []*prepared
	for i, in := range raised {
		in.Channel = string(Visit)
		if in.Area == "" && in.Lat == nil {
			in.Area = t.Area
		}
		pd, err := s.prepare(ctx, p, in)
		if err != nil {
			if ds := errs.DetailsOf(err); len(ds) > 0 {
				ds[0].Field = "demands[" + strconv.Itoa(i) + "]." + ds[0].Field
				return v, errs.Fields(ds)
			}
			return v, err
		}
		pds = append(pds, pd)
	}
	v.Campaign, v.Area, v.Demands = t.Campaign, t.Area, []int64{}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, "INSERT INTO visits (campaign_id, team_id, area_code, area_path, visited_on, met, raised, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			v.Campaign, v.Team, v.Area, path, v.VisitedOn, v.Met, v.Raised, p.UserID, s.clock.Now())
		if err != nil {
			return errs.Wrap(err, "visit")
		}
		v.ID = id
		for _, pd := range pds {
			if err := s.insert(ctx, tx, p, pd); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, "INSERT INTO visit_demands (visit_id, demand_id) VALUES (?, ?)", id, pd.d.ID); err != nil {
				return errs.Wrap(err, "visit demand")
			}
			v.Demands = append(v.Demands, pd.d.ID)
			v.Tokens = append(v.Tokens, pd.token)
		}
		return auth.Record(ctx, tx, s.clock.Now(), p, auth.Change{Action: "create", Entity: "visit", EntityID: strconv.FormatInt(id, 10), AreaPath: path, After: v})
	})
	return v, err
}

// AreaVisits is one residential area's coverage in a campaign.
type AreaVisits struct {
	Area      string `json:"area"`
	Name      string `json:"name"`
	Street    string `json:"street"`
	Teams     int    `json:"teams"`
	Visits    int    `json:"visits"`
	LastVisit string `json:"last_visit"`
	Demands   int    `json:"demands"`
}

// VisitCoverage lists every residential area in p's scope under the campaign with
// its visits, the unvisited ones first: the work list for full coverage.
func (s *Service) VisitCoverage(ctx context.Context, p *auth.Principal, campaign int64) ([]AreaVisits, error) {
	c, err := s.campaign(ctx, s.db, p, campaign)
	if err != nil {
		return nil, err
	}
	cond, arg := area.Subtree(s.db.Dialect, "a.path", c.areaPath)
	scope, sargs := auth.ScopeSQL(s.db.Dialect, p, auth.DemandRead, "a.path")
	args := append([]any{campaign, campaign, campaign, campaign, arg}, sargs...)
	out, err := db.All(ctx, s.db, `SELECT a.code, a.name, COALESCE(st.name, ''),
		(SELECT count(*) FROM visit_teams t WHERE t.campaign_id = ? AND t.area_code = a.code),
		(SELECT count(*) FROM visits v WHERE v.campaign_id = ? AND v.area_code = a.code),
		COALESCE((SELECT max(v.visited_on) FROM visits v WHERE v.campaign_id = ? AND v.area_code = a.code), ''),
		(SELECT count(*) FROM visit_demands vd JOIN visits v ON v.id = vd.visit_id WHERE v.campaign_id = ? AND v.area_code = a.code)
		FROM `+area.Table("a")+area.LeftJoin("st", "a.parent_code")+`
		WHERE a.level = 'residential' AND `+cond+` AND `+scope+` ORDER BY a.path`, args, func(r db.Scanner) (AreaVisits, error) {
		var a AreaVisits
		err := r.Scan(&a.Area, &a.Name, &a.Street, &a.Teams, &a.Visits, &a.LastVisit, &a.Demands)
		return a, err
	})
	if err != nil {
		return nil, errs.Wrap(err, "visit coverage")
	}
	slices.SortStableFunc(out, func(x, y AreaVisits) int { return min(x.Visits, 1) - min(y.Visits, 1) })
	return out, nil
}
