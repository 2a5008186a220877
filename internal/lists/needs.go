package lists

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
	"gongzhi/internal/week"
)

// Need is one line of the needs list (需求清单).
type Need struct {
	ID            int64     `json:"id"`
	Title         string    `json:"title"`
	Detail        string    `json:"detail"`
	Category      string    `json:"category"`
	Area          string    `json:"area"`
	AreaPath      string    `json:"-"`
	Windows       string    `json:"windows"`
	Beneficiaries int       `json:"beneficiaries"`
	Urgency       string    `json:"urgency"`
	Status        string    `json:"status"`
	Source        string    `json:"source"`
	Demands       []int64   `json:"demands"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// NeedInput creates a need; Demands rolls those demands up into it (their
// reporters count as beneficiaries when Beneficiaries is 0).
type NeedInput struct {
	Title         string  `json:"title"`
	Detail        string  `json:"detail,omitempty"`
	Category      string  `json:"category"`
	Area          string  `json:"area,omitempty"`
	Windows       string  `json:"windows,omitempty"`
	Beneficiaries int     `json:"beneficiaries,omitempty"`
	Urgency       string  `json:"urgency,omitempty"`
	Source        string  `json:"source,omitempty"` // staff or visit; demands when Demands is given
	Demands       []int64 `json:"demands,omitempty"`
}

const needCols = `n.id, n.title, n.detail, n.category, n.area_code, n.area_path, n.windows, n.beneficiaries, n.urgency, n.status, n.source, n.created_at, n.updated_at`

func scanNeed(r db.Scanner) (Need, error) {
	var n Need
	err := r.Scan(&n.ID, &n.Title, &n.Detail, &n.Category, &n.Area, &n.AreaPath, &n.Windows, &n.Beneficiaries, &n.Urgency, &n.Status, &n.Source, &n.CreatedAt, &n.UpdatedAt)
	return n, err
}

// CreateNeed adds a need, by hand or rolled up from demands the caller may
// read. Without an area, a roll-up lands on the demands' nearest common area.
func (s *Service) CreateNeed(ctx context.Context, p *auth.Principal, in NeedInput) (Need, error) {
	if err := auth.AuthorizeAny(p, auth.ListsWrite); err != nil {
		return Need{}, err
	}
	in.Title, in.Detail = strings.TrimSpace(in.Title), strings.TrimSpace(in.Detail)
	if in.Urgency == "" {
		in.Urgency = "normal"
	}
	if in.Source == "" {
		in.Source = "staff"
	}
	var details []errs.Detail
	if in.Title == "" || len([]rune(in.Title)) > 100 {
		details = append(details, errs.D("title", "title is required, at most 100 characters"))
	}
	oneOf(&details, "category", in.Category, Categories)
	oneOf(&details, "urgency", in.Urgency, Urgencies)
	if len(in.Demands) > 0 {
		in.Source = "demands"
	}
	oneOf(&details, "source", in.Source, []string{"staff", "visit", "demands"})
	if in.Beneficiaries < 0 {
		details = append(details, errs.D("beneficiaries", "beneficiaries cannot be negative"))
	}
	_, err := week.Parse("windows", in.Windows)
	if e, ok := err.(*errs.Error); ok {
		details = append(details, e.Details...)
	}
	if len(in.Demands) > 200 {
		details = append(details, errs.D("demands", "roll up at most 200 demands at once"))
	}
	if len(details) > 0 {
		return Need{}, errs.Fields(details)
	}
	now := s.clock.Now()
	n := Need{Title: in.Title, Detail: in.Detail, Category: in.Category, Windows: strings.TrimSpace(in.Windows), Beneficiaries: in.Beneficiaries,
		Urgency: in.Urgency, Status: "open", Source: in.Source, Demands: dedupe(in.Demands), CreatedAt: now, UpdatedAt: now}
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		paths, reporters, err := s.demandsFor(ctx, tx, p, n.Demands)
		if err != nil {
			return err
		}
		n.Area = in.Area
		if n.Area == "" && len(paths) > 0 {
			common, err := commonPath(paths)
			if err != nil {
				return err
			}
			lineage, err := area.Lineage(ctx, tx, common)
			if err != nil {
				return err
			}
			n.Area = lineage[len(lineage)-1].Code
		}
		if n.AreaPath, err = areaOf(ctx, tx, "area", n.Area); err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.ListsWrite, n.AreaPath); err != nil {
			return err
		}
		if n.Beneficiaries == 0 {
			n.Beneficiaries = reporters
		}
		n.ID, err = db.InsertID(ctx, tx, `INSERT INTO needs (title, detail, category, area_code, area_path, windows, beneficiaries, urgency, status, source, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.Title, n.Detail, n.Category, n.Area, n.AreaPath, n.Windows, n.Beneficiaries,
			n.Urgency, n.Status, n.Source, userID(p), now, now)
		if err != nil {
			return errs.Wrap(err, "insert need")
		}
		for _, d := range n.Demands {
			if _, err := tx.Exec(ctx, `INSERT INTO need_demands (need_id, demand_id) VALUES (?, ?)`, n.ID, d); errs.Code(err) == errs.ECONFLICT {
				return errs.Invalid("demands", "demand %d already feeds another need", d)
			} else if err != nil {
				return errs.Wrap(err, "link demand")
			}
		}
		if err := search.Put(ctx, tx, needDoc(n)); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "need", n.ID, n.AreaPath, "create", "", n)
	})
	return n, err
}

// demandsFor checks that p may read each demand and returns their area
// paths and how many distinct people reported them (by phone; a reporter
// without a phone counts once).
func (s *Service) demandsFor(ctx context.Context, tx *db.Tx, p *auth.Principal, ids []int64) ([]string, int, error) {
	var paths []string
	for _, id := range ids {
		var path string
		var unit sql.NullInt64
		err := tx.QueryRow(ctx, `SELECT area_path, lead_unit_id FROM demands WHERE id = ?`, id).Scan(&path, &unit)
		if err == nil {
			var u *int64
			if unit.Valid {
				u = &unit.Int64
			}
			err = auth.AuthorizeUnit(p, auth.DemandRead, path, u)
		}
		if err != nil {
			return nil, 0, errs.Invalid("demands", "no demand %d you may see", id)
		}
		paths = append(paths, path)
	}
	if len(ids) == 0 {
		return nil, 0, nil
	}
	in, args := inList(ids)
	var n int
	err := tx.QueryRow(ctx, `SELECT count(DISTINCT CASE WHEN phone = '' THEN 'r' || id ELSE phone END) FROM demand_reporters WHERE demand_id IN (`+in+`)`, args...).Scan(&n)
	return paths, n, errs.Wrap(err, "count reporters")
}

// commonPath is the path of the deepest area every path lies in.
func commonPath(paths []string) (string, error) {
	common := area.Chain(paths[0])
	for _, p := range paths[1:] {
		c := area.Chain(p)
		i := 0
		for i < len(common) && i < len(c) && common[i] == c[i] {
			i++
		}
		common = common[:i]
	}
	if len(common) == 0 {
		return "", errs.Invalid("area", "the demands lie in different districts: choose an area")
	}
	return common[len(common)-1], nil
}

// Need returns one need with its demands; outside the caller's scope it is not found.
func (s *Service) Need(ctx context.Context, p *auth.Principal, id int64) (Need, []Event, error) {
	n, err := scanNeed(s.db.QueryRow(ctx, `SELECT `+needCols+` FROM needs n WHERE n.id = ?`, id))
	if err != nil {
		return n, nil, db.NotFound(err, "need")
	}
	if auth.Authorize(p, auth.ListsRead, n.AreaPath) != nil {
		return Need{}, nil, errs.New(errs.ENOTFOUND, "no such need")
	}
	if n.Demands, err = db.All(ctx, s.db, `SELECT demand_id FROM need_demands WHERE need_id = ? ORDER BY demand_id`, []any{id}, scanID); err != nil {
		return n, nil, errs.Wrap(err, "need demands")
	}
	ev, err := s.events(ctx, "need", id)
	return n, ev, errs.Wrap(err, "need timeline")
}

// Needs lists needs in p's scope.
func (s *Service) Needs(ctx context.Context, p *auth.Principal, f ListFilter) (db.Listed[Need], error) {
	if err := auth.AuthorizeAny(p, auth.ListsRead); err != nil {
		return db.Listed[Need]{}, err
	}
	var w db.Where
	s.scopeWhere(&w, p, auth.ListsRead, "n.area_path")
	if err := s.common(ctx, &w, f, "need", "n"); err != nil {
		return db.Listed[Need]{}, err
	}
	if f.Status != "" {
		w.And("n.status = ?", f.Status)
	}
	if f.Category != "" {
		w.And("n.category = ?", f.Category)
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: needCols, From: "needs n", Where: w, Order: "n.id DESC", Limit: limit, Offset: offset}, scanNeed)
	return l, errs.Wrap(err, "list needs")
}

// NeedOfDemand is the need a demand fed, if any (0 when none).
func (s *Service) NeedOfDemand(ctx context.Context, demandID int64) (int64, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT need_id FROM need_demands WHERE demand_id = ?`, demandID).Scan(&id)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return id, errs.Wrap(err, "need of demand")
}

// NeedsOfDemands maps those of ids that feed a need to it.
func (s *Service) NeedsOfDemands(ctx context.Context, ids []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(ids)
	type pair struct{ demand, need int64 }
	rows, err := db.All(ctx, s.db, `SELECT demand_id, need_id FROM need_demands WHERE demand_id IN (`+in+`)`, args, func(r db.Scanner) (pair, error) {
		var p pair
		err := r.Scan(&p.demand, &p.need)
		return p, err
	})
	for _, p := range rows {
		out[p.demand] = p.need
	}
	return out, errs.Wrap(err, "needs of demands")
}

// needMoves are the status changes of a need a person may make.
var needMoves = map[string][]string{
	"open":    {"matched", "closed"},
	"matched": {"served", "open", "closed"},
	"served":  {"closed"},
	"closed":  {"open"},
}

// NextNeedStatus says whether a need may move from one status to another.
func NextNeedStatus(from, to string) bool {
	for _, s := range needMoves[from] {
		if s == to {
			return true
		}
	}
	return false
}

// SetNeedStatus moves a need (open → matched → served → closed, or reopens it), with a note.
func (s *Service) SetNeedStatus(ctx context.Context, p *auth.Principal, id int64, to, note string) (Need, error) {
	var n Need
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, err = scanNeed(tx.QueryRow(ctx, `SELECT `+needCols+` FROM needs n WHERE n.id = ?`, id))
		if err != nil {
			return db.NotFound(err, "need")
		}
		if auth.Authorize(p, auth.ListsRead, n.AreaPath) != nil {
			return errs.New(errs.ENOTFOUND, "no such need")
		}
		if err := auth.Authorize(p, auth.ListsWrite, n.AreaPath); err != nil {
			return err
		}
		if !NextNeedStatus(n.Status, to) {
			return errs.New(errs.ECONFLICT, "a need that is %s cannot become %s", n.Status, to)
		}
		now := s.clock.Now()
		n.Status, n.UpdatedAt = to, now
		if _, err := tx.Exec(ctx, `UPDATE needs SET status = ?, updated_at = ? WHERE id = ?`, to, now, id); err != nil {
			return errs.Wrap(err, "update need")
		}
		return record(ctx, tx, now, p, "need", id, n.AreaPath, "status:"+to, strings.TrimSpace(note), n)
	})
	return n, err
}

func scanID(r db.Scanner) (int64, error) {
	var id int64
	err := r.Scan(&id)
	return id, err
}

func userID(p *auth.Principal) any {
	if p == nil || p.UserID == 0 {
		return nil
	}
	return p.UserID
}

func dedupe(ids []int64) []int64 {
	seen := map[int64]bool{}
	out := []int64{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// inList is "?, ?, ?" for ids and the ids as arguments.
func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}
