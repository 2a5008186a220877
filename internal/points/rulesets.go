package points

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Ruleset statuses: a new version is a draft until applied; applying it
// publishes it and supersedes the version before.
const (
	Draft      = "draft"
	Published  = "published"
	Superseded = "superseded"
)

// Ruleset is one stored version of a year's rules.
type Ruleset struct {
	ID          int64      `json:"id"`
	Year        int        `json:"year"`
	Version     int        `json:"version"`
	Rules       []Rule     `json:"rules"`
	Note        string     `json:"note"`
	Status      string     `json:"status"`
	CreatedBy   string     `json:"created_by"`
	CreatedAt   time.Time  `json:"created_at"`
	PublishedAt *time.Time `json:"published_at"`
}

func (r Ruleset) rules() Rules { return Rules{Year: r.Year, Version: r.Version, Rules: r.Rules} }

// RulesetInput is a new version of a year's rules.
type RulesetInput struct {
	Year  int    `json:"year"`
	Rules []Rule `json:"rules"`
	Note  string `json:"note,omitempty"`
}

const rsCols = "r.id, r.year, r.version, r.rules, r.note, r.status, r.created_by_name, r.created_at, r.published_at"

func scanRuleset(sc db.Scanner) (Ruleset, error) {
	var r Ruleset
	var rules string
	var pub sql.NullTime
	if err := sc.Scan(&r.ID, &r.Year, &r.Version, &rules, &r.Note, &r.Status, &r.CreatedBy, &r.CreatedAt, &pub); err != nil {
		return r, err
	}
	r.PublishedAt = nullTime(pub)
	return r, json.Unmarshal([]byte(rules), &r.Rules)
}

// published is the year's published rule set (nil if none), locked if asked.
func published(ctx context.Context, q db.Querier, year int, lock bool) (*Ruleset, error) {
	query := "SELECT " + rsCols + " FROM points_rulesets r WHERE r.year = ? AND r.status = 'published'"
	if lock {
		query += q.D().ForUpdate("r")
	}
	r, err := scanRuleset(q.QueryRow(ctx, query, year))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, errs.Wrap(err, "rule set")
	}
	return &r, nil
}

// authorizeRules: reading rule sets needs points.read anywhere; changing
// them points.rules on the district.
func (s *Service) authorizeRules(ctx context.Context, q db.Querier, p *auth.Principal, perm auth.Perm) (string, error) {
	root, err := rootPath(ctx, q)
	if err != nil {
		return "", err
	}
	if perm == auth.PointsRead {
		return root, auth.AuthorizeAny(p, perm)
	}
	return root, auth.Authorize(p, perm, root)
}

// CreateRuleset stores a new draft version of a year's rules (points.rules
// on the district). It changes no points: preview, then apply it.
func (s *Service) CreateRuleset(ctx context.Context, p *auth.Principal, in RulesetInput) (Ruleset, error) {
	if _, err := s.authorizeRules(ctx, s.db, p, auth.PointsRules); err != nil {
		return Ruleset{}, err
	}
	in.Note = strings.TrimSpace(in.Note)
	bad := Rules{Year: in.Year, Rules: in.Rules}.Check()
	if len(in.Rules) == 0 {
		bad = append(bad, errs.D("rules", "give at least one rule"))
	}
	if len([]rune(in.Note)) > 500 {
		bad = append(bad, errs.D("note", "the note is at most 500 characters"))
	}
	if len(bad) > 0 {
		return Ruleset{}, errs.Fields(bad)
	}
	rules, _ := json.Marshal(in.Rules)
	var out Ruleset
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		root, err := rootPath(ctx, tx)
		if err != nil {
			return err
		}
		var version int
		if err := tx.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) + 1 FROM points_rulesets WHERE year = ?", in.Year).Scan(&version); err != nil {
			return errs.Wrap(err, "version")
		}
		now := s.clock.Now()
		by, name := p.Actor()
		id, err := db.InsertID(ctx, tx, `INSERT INTO points_rulesets (year, version, rules, note, status, created_by, created_by_name, created_at)
			VALUES (?, ?, ?, ?, 'draft', ?, ?, ?)`, in.Year, version, string(rules), in.Note, by, name, now)
		if err != nil {
			return errs.Wrap(err, "insert rule set")
		}
		if out, err = ruleset(ctx, tx, id, false); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "create", "points_ruleset", id, root, nil, out)
	})
	return out, err
}

func ruleset(ctx context.Context, q db.Querier, id int64, lock bool) (Ruleset, error) {
	query := "SELECT " + rsCols + " FROM points_rulesets r WHERE r.id = ?"
	if lock {
		query += q.D().ForUpdate("r")
	}
	r, err := scanRuleset(q.QueryRow(ctx, query, id))
	if err != nil {
		return Ruleset{}, db.NotFound(err, "rule set")
	}
	return r, nil
}

// Ruleset returns one rule set version (points.read anywhere).
func (s *Service) Ruleset(ctx context.Context, p *auth.Principal, id int64) (Ruleset, error) {
	if _, err := s.authorizeRules(ctx, s.db, p, auth.PointsRead); err != nil {
		return Ruleset{}, hide(err, "rule set")
	}
	return ruleset(ctx, s.db, id, false)
}

// Rulesets lists the versions of a year (every year when 0), newest first.
func (s *Service) Rulesets(ctx context.Context, p *auth.Principal, year int) ([]Ruleset, error) {
	if _, err := s.authorizeRules(ctx, s.db, p, auth.PointsRead); err != nil {
		return nil, err
	}
	var w db.Where
	if year != 0 {
		w.And("r.year = ?", year)
	}
	l, err := db.List(ctx, s.db, db.Page{Cols: rsCols, From: "points_rulesets r", Where: w, Order: "r.year DESC, r.version DESC", Limit: 200}, scanRuleset)
	if l.Items == nil {
		l.Items = []Ruleset{}
	}
	return l.Items, errs.Wrap(err, "rule sets")
}

// MemberDiff is one member's difference between the ledger and a recompute.
type MemberDiff struct {
	MemberID int64  `json:"member_id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	PartyOrg string `json:"party_org"`
	Before   int    `json:"before"` // the year's points now
	After    int    `json:"after"`  // under the rule set
	Rows     int    `json:"rows"`   // ledger entries that would change
}

// Preview is what applying a rule set would change, before anyone does.
type Preview struct {
	Ruleset Ruleset      `json:"ruleset"`
	Members int          `json:"members"` // members whose points change
	Rows    int          `json:"rows"`    // entries that change
	Diffs   []MemberDiff `json:"diffs"`   // largest changes first (at most 500)
}

// previewOf aggregates changes per member; totals before come from the ledger.
func previewOf(ctx context.Context, q db.Querier, rs Ruleset, changes []Change) (Preview, error) {
	pv := Preview{Ruleset: rs, Rows: len(changes), Diffs: []MemberDiff{}}
	by := map[int64]*MemberDiff{}
	var order []int64
	for _, c := range changes {
		d := by[c.MemberID]
		if d == nil {
			d = &MemberDiff{MemberID: c.MemberID}
			by[c.MemberID] = d
			order = append(order, c.MemberID)
		}
		d.Rows++
		d.After += c.Delta()
	}
	pv.Members = len(order)
	slices.SortFunc(order, func(a, b int64) int {
		da, dd := by[a].After, by[b].After
		if abs(da) != abs(dd) {
			return abs(dd) - abs(da)
		}
		return int(a - b)
	})
	order = order[:min(len(order), 500)]
	for _, id := range order {
		d := by[id]
		delta := d.After
		if err := q.QueryRow(ctx, `SELECT m.name, m.kind, po.name, COALESCE((SELECT SUM(l.points) FROM points_ledger l WHERE l.member_id = m.id AND l.year = ?), 0)
			FROM members m JOIN party_orgs po ON po.id = m.party_org_id WHERE m.id = ?`, rs.Year, id).Scan(&d.Name, &d.Kind, &d.PartyOrg, &d.Before); err != nil {
			return pv, errs.Wrap(err, "member")
		}
		d.After = d.Before + delta
		pv.Diffs = append(pv.Diffs, *d)
	}
	return pv, nil
}

// Preview recomputes the rule set's year under it and shows, per member,
// what applying it would change. It writes nothing.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, id int64) (Preview, error) {
	if _, err := s.authorizeRules(ctx, s.db, p, auth.PointsRules); err != nil {
		return Preview{}, err
	}
	rs, err := ruleset(ctx, s.db, id, false)
	if err != nil {
		return Preview{}, err
	}
	changes, _, err := recompute(ctx, s.db, rs.rules(), 0)
	if err != nil {
		return Preview{}, err
	}
	return previewOf(ctx, s.db, rs, changes)
}

// Apply publishes a draft rule set and brings its year's ledger to it in
// one transaction: for the entries that differ only, a reversal and a new
// row; the version before is superseded. Audited with the totals.
func (s *Service) Apply(ctx context.Context, p *auth.Principal, id int64) (Preview, error) {
	if _, err := s.authorizeRules(ctx, s.db, p, auth.PointsRules); err != nil {
		return Preview{}, err
	}
	var pv Preview
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		root, err := rootPath(ctx, tx)
		if err != nil {
			return err
		}
		rs, err := ruleset(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if rs.Status != Draft {
			return errs.New(errs.ECONFLICT, "rule set %d (version %d of %d) is %s: make a new version to change the rules", rs.ID, rs.Version, rs.Year, rs.Status)
		}
		old, err := published(ctx, tx, rs.Year, true)
		if err != nil {
			return err
		}
		changes, paths, err := recompute(ctx, tx, rs.rules(), 0)
		if err != nil {
			return err
		}
		if pv, err = previewOf(ctx, tx, rs, changes); err != nil {
			return err
		}
		now := s.clock.Now()
		if old != nil {
			if _, err := tx.Exec(ctx, "UPDATE points_rulesets SET status = 'superseded' WHERE id = ?", old.ID); err != nil {
				return errs.Wrap(err, "supersede")
			}
		}
		if _, err := tx.Exec(ctx, "UPDATE points_rulesets SET status = 'published', published_at = ? WHERE id = ?", now, rs.ID); err != nil {
			return errs.Wrap(err, "publish")
		}
		if err := write(ctx, tx, now, rs.ID, rs.Year, changes, paths); err != nil {
			return err
		}
		pv.Ruleset.Status, pv.Ruleset.PublishedAt = Published, &now
		return record(ctx, tx, now, p, "apply", "points_ruleset", rs.ID, root, map[string]any{"status": rs.Status},
			map[string]any{"status": Published, "members": pv.Members, "rows": pv.Rows})
	})
	return pv, err
}
