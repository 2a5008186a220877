package lists

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/match"
	"gongzhi/internal/week"
)

// Match is a pairing of a need with a resource that a person confirmed.
type Match struct {
	ID            int64          `json:"id"`
	NeedID        int64          `json:"need_id"`
	NeedTitle     string         `json:"need_title"`
	ResourceID    int64          `json:"resource_id"`
	ResourceTitle string         `json:"resource_title"`
	Provider      string         `json:"provider"`
	Score         int            `json:"score"`
	Reasons       []match.Reason `json:"reasons"`
	Status        string         `json:"status"` // confirmed (by staff), accepted (by the resource's side), declined, cancelled
	CreatedAt     time.Time      `json:"created_at"`
}

// Candidate is a resource ranked for a need.
type Candidate struct {
	Resource Resource       `json:"resource"`
	Score    int            `json:"score"`
	Reasons  []match.Reason `json:"reasons"`
}

// Proposal is one pair of an area's optimal plan.
type Proposal struct {
	Need     Need           `json:"need"`
	Resource Resource       `json:"resource"`
	Score    int            `json:"score"`
	Reasons  []match.Reason `json:"reasons"`
}

// PlanResult is the optimal plan for an area's open needs, with what a
// greedy pass would have reached on the same data.
type PlanResult struct {
	Area      string     `json:"area"`
	Needs     int        `json:"needs"`     // open needs considered
	Resources int        `json:"resources"` // active resources with capacity left
	Proposals []Proposal `json:"proposals"`
	Total     int        `json:"total"`
	Greedy    int        `json:"greedy"`
}

func toMatchNeed(n Need) match.Need {
	w, _ := week.Parse("windows", n.Windows)
	u := map[string]int{"low": 0, "normal": 1, "high": 2}[n.Urgency]
	return match.Need{ID: n.ID, Category: n.Category, Path: n.AreaPath, Windows: w, Urgency: u}
}

// toMatchResource: what the engine sees of a resource on a day; one
// outside its date range has no slots.
func toMatchResource(r Resource, today string) match.Resource {
	w, _ := week.Parse("windows", r.Windows)
	m := match.Resource{ID: r.ID, Kind: r.Kind, Categories: r.Categories, Path: r.AreaPath, ServesPath: r.ServesPath, Windows: w,
		Slots: r.Left(), Capacity: r.Capacity}
	if r.Lat != nil {
		m.Lat, m.Lng = *r.Lat, *r.Lng
	}
	if r.Status != "active" || (r.AvailableUntil != "" && r.AvailableUntil < today) {
		m.Slots = 0
	}
	return m
}

// activeResources reads the active resources serving a need under path (or
// serving anywhere under it, for a whole area): those whose served subtree
// contains it or lies inside it.
func (s *Service) activeResources(ctx context.Context, path string) ([]Resource, error) {
	cond, arg := area.Subtree(s.db.Dialect, "r.serves_path", path)
	var w db.Where
	w.And("r.status = 'active'")
	anc := area.Chain(path)
	in := make([]any, len(anc))
	for i, a := range anc {
		in[i] = a
	}
	ph := "?"
	for range len(anc) - 1 {
		ph += ", ?"
	}
	w.And("("+cond+" OR r.serves_path IN ("+ph+"))", append([]any{arg}, in...)...)
	return db.All(ctx, s.db, `SELECT `+resourceCols+` FROM resources r WHERE `+w.SQL(), w.Args(), scanResource)
}

// Candidates ranks the resources for one need, best first, with reasons.
func (s *Service) Candidates(ctx context.Context, p *auth.Principal, needID int64, k int) ([]Candidate, error) {
	n, _, err := s.Need(ctx, p, needID)
	if err != nil {
		return nil, err
	}
	rs, err := s.activeResources(ctx, n.AreaPath)
	if err != nil {
		return nil, errs.Wrap(err, "resources")
	}
	today := s.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	byID := make(map[int64]Resource, len(rs))
	ms := make([]match.Resource, len(rs))
	for i, r := range rs {
		byID[r.ID], ms[i] = r, toMatchResource(r, today)
	}
	out := []Candidate{}
	for _, sc := range match.Rank(toMatchNeed(n), ms, k) {
		out = append(out, Candidate{Resource: byID[sc.ResourceID], Score: sc.Score, Reasons: sc.Reasons})
	}
	return out, nil
}

// Plan proposes the optimal pairing of an area's open needs with the
// resources serving them. Nothing is written: a person confirms each pair.
func (s *Service) Plan(ctx context.Context, p *auth.Principal, code string) (PlanResult, error) {
	res := PlanResult{Area: code, Proposals: []Proposal{}}
	path, err := areaOf(ctx, s.db, "area", code)
	if err != nil {
		return res, err
	}
	if err := auth.Authorize(p, auth.ListsWrite, path); err != nil {
		return res, err
	}
	cond, arg := area.Subtree(s.db.Dialect, "n.area_path", path)
	needs, err := db.All(ctx, s.db, `SELECT `+needCols+` FROM needs n WHERE n.status = 'open' AND `+cond+` ORDER BY n.id`, []any{arg}, scanNeed)
	if err != nil {
		return res, errs.Wrap(err, "open needs")
	}
	rs, err := s.activeResources(ctx, path)
	if err != nil {
		return res, errs.Wrap(err, "resources")
	}
	today := s.clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	needByID, resByID := map[int64]Need{}, map[int64]Resource{}
	mn := make([]match.Need, len(needs))
	for i, n := range needs {
		needByID[n.ID], mn[i] = n, toMatchNeed(n)
	}
	var mr []match.Resource
	for _, r := range rs {
		m := toMatchResource(r, today)
		if m.Slots > 0 {
			resByID[r.ID] = r
			mr = append(mr, m)
		}
	}
	plan := match.Assign(mn, mr)
	res.Needs, res.Resources, res.Total, res.Greedy = len(mn), len(mr), plan.Total, plan.Greedy
	for _, pr := range plan.Pairs {
		res.Proposals = append(res.Proposals, Proposal{Need: needByID[pr.NeedID], Resource: resByID[pr.ResourceID], Score: pr.Score, Reasons: pr.Reasons})
	}
	return res, nil
}

// ConfirmMatch records a person's decision to pair a need with a resource:
// the score and reasons are computed again (never taken from the client),
// the resource must still have capacity, and the need becomes matched.
func (s *Service) ConfirmMatch(ctx context.Context, p *auth.Principal, needID, resourceID int64) (Match, error) {
	var m Match
	if err := auth.AuthorizeAny(p, auth.ListsWrite); err != nil {
		return m, err
	}
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		n, err := scanNeed(tx.QueryRow(ctx, `SELECT `+needCols+` FROM needs n WHERE n.id = ?`, needID))
		if err != nil || auth.Authorize(p, auth.ListsRead, n.AreaPath) != nil {
			return errs.Invalid("need_id", "no need %d you may see", needID)
		}
		if err := auth.Authorize(p, auth.ListsWrite, n.AreaPath); err != nil {
			return err
		}
		if n.Status != "open" && n.Status != "matched" {
			return errs.New(errs.ECONFLICT, "a need that is %s takes no new match", n.Status)
		}
		r, err := scanResource(tx.QueryRow(ctx, `SELECT `+resourceCols+` FROM resources r WHERE r.id = ?`, resourceID))
		if err != nil {
			return errs.Invalid("resource_id", "no resource %d", resourceID)
		}
		sc, ok := match.Score(toMatchNeed(n), toMatchResource(r, s.clock.Now().In(clock.Shanghai).Format(time.DateOnly)))
		if !ok {
			return errs.New(errs.ECONFLICT, "this resource cannot serve this need (category, area, time or capacity)")
		}
		reasons, _ := json.Marshal(sc.Reasons)
		now := s.clock.Now()
		m = Match{NeedID: needID, NeedTitle: n.Title, ResourceID: resourceID, ResourceTitle: r.Title, Provider: r.ProviderName,
			Score: sc.Score, Reasons: sc.Reasons, Status: "confirmed", CreatedAt: now}
		if m.ID, err = db.InsertID(ctx, tx, `INSERT INTO matches (need_id, resource_id, amount, score, reasons, status, created_by, created_at)
			VALUES (?, ?, 1, ?, ?, 'confirmed', ?, ?)`, needID, resourceID, sc.Score, string(reasons), userID(p), now); err != nil {
			return errs.Wrap(err, "insert match")
		}
		if n.Status == "open" {
			if _, err := tx.Exec(ctx, `UPDATE needs SET status = 'matched', updated_at = ? WHERE id = ?`, now, needID); err != nil {
				return errs.Wrap(err, "need matched")
			}
		}
		if err := record(ctx, tx, now, p, "need", needID, n.AreaPath, "match", r.Title, m); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "resource", resourceID, r.AreaPath, "match", n.Title, m)
	})
	return m, err
}

// AnswerMatch is the resource's side accepting or declining a confirmed match.
func (s *Service) AnswerMatch(ctx context.Context, p *auth.Principal, id int64, accept bool) (Match, error) {
	var m Match
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var path string
		var unit sql.NullInt64
		var needID int64
		var status string
		if err := tx.QueryRow(ctx, `SELECT r.area_path, r.unit_id, m.need_id, m.status FROM matches m JOIN resources r ON r.id = m.resource_id WHERE m.id = ?`, id).
			Scan(&path, &unit, &needID, &status); err != nil {
			return db.NotFound(err, "match")
		}
		u := db.NullID(unit)
		if auth.AuthorizeUnit(p, auth.ResourceOffer, path, u) != nil && auth.Authorize(p, auth.ListsRead, path) != nil {
			return errs.New(errs.ENOTFOUND, "no such match")
		}
		if err := auth.AuthorizeUnit(p, auth.ResourceOffer, path, u); err != nil {
			return err
		}
		if status != "confirmed" {
			return errs.New(errs.ECONFLICT, "this match was already answered (%s)", status)
		}
		to := "accepted"
		if !accept {
			to = "declined"
		}
		now := s.clock.Now()
		if _, err := tx.Exec(ctx, `UPDATE matches SET status = ?, accepted_by = ?, accepted_at = ? WHERE id = ?`, to, userID(p), now, id); err != nil {
			return errs.Wrap(err, "answer match")
		}
		if !accept {
			// A need left without an active match is open again.
			if _, err := tx.Exec(ctx, `UPDATE needs SET status = 'open', updated_at = ? WHERE id = ? AND status = 'matched'
				AND NOT EXISTS (SELECT 1 FROM matches WHERE need_id = ? AND status IN ('confirmed','accepted'))`, now, needID, needID); err != nil {
				return errs.Wrap(err, "reopen need")
			}
		}
		return record(ctx, tx, now, p, "resource", id, path, "match:"+to, "", map[string]any{"match": id})
	})
	if err != nil {
		return m, err
	}
	ms, err := s.matches(ctx, "m.id = ?", id)
	if err != nil || len(ms) == 0 {
		return m, errs.Wrap(err, "match")
	}
	return ms[0], nil
}

func (s *Service) matches(ctx context.Context, cond string, args ...any) ([]Match, error) {
	return db.All(ctx, s.db, `SELECT m.id, m.need_id, n.title, m.resource_id, r.title, r.provider_name, m.score, m.reasons, m.status, m.created_at
		FROM matches m JOIN needs n ON n.id = m.need_id JOIN resources r ON r.id = m.resource_id WHERE `+cond+` ORDER BY m.id DESC`, args,
		func(row db.Scanner) (Match, error) {
			var m Match
			var reasons string
			err := row.Scan(&m.ID, &m.NeedID, &m.NeedTitle, &m.ResourceID, &m.ResourceTitle, &m.Provider, &m.Score, &reasons, &m.Status, &m.CreatedAt)
			if err == nil && reasons != "" {
				err = json.Unmarshal([]byte(reasons), &m.Reasons)
			}
			return m, err
		})
}

// MatchesOfNeed lists a need's matches (the need must be readable).
func (s *Service) MatchesOfNeed(ctx context.Context, p *auth.Principal, needID int64) ([]Match, error) {
	if _, _, err := s.Need(ctx, p, needID); err != nil {
		return nil, err
	}
	ms, err := s.matches(ctx, "m.need_id = ?", needID)
	return ms, errs.Wrap(err, "need matches")
}

// MatchesOfResource lists what a resource was matched with: what it has served.
func (s *Service) MatchesOfResource(ctx context.Context, p *auth.Principal, resourceID int64) ([]Match, error) {
	if _, _, err := s.Resource(ctx, p, resourceID); err != nil {
		return nil, err
	}
	ms, err := s.matches(ctx, "m.resource_id = ?", resourceID)
	return ms, errs.Wrap(err, "resource matches")
}
