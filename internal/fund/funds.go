package fund

import (
	"context"
	"strings"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// FundInput opens a fund for an area.
type FundInput struct {
	Name string `json:"name"`
	Area string `json:"area"`
}

// FundFilter narrows Funds.
type FundFilter struct {
	Area    string // subtree root; empty: the caller's whole scope
	Q       string // name contains
	Page    int
	PerPage int
}

const fundCols = `f.id, f.name, f.area_code, a.name, f.area_path, f.balance_fen, f.created_at`

func scanFund(r db.Scanner) (Fund, error) {
	var f Fund
	err := r.Scan(&f.ID, &f.Name, &f.Area, &f.AreaName, &f.AreaPath, &f.BalanceFen, &f.CreatedAt)
	f.BySource = emptySources()
	return f, err
}

func emptySources() []SourceTotal {
	out := make([]SourceTotal, len(Sources))
	for i, s := range Sources {
		out[i].Source = s
	}
	return out
}

// CreateFund opens a fund for a street or residential area (fund.write there).
func (s *Service) CreateFund(ctx context.Context, p *auth.Principal, in FundInput) (Fund, error) {
	if err := auth.AuthorizeAny(p, auth.FundWrite); err != nil {
		return Fund{}, err
	}
	var details []errs.Detail
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		details = append(details, errs.D("name", "name the fund, at most 100 characters"))
	}
	var a area.Area
	if in.Area == "" {
		details = append(details, errs.D("area", "choose the street or residential area the fund belongs to"))
	} else if got, err := area.Get(ctx, s.db, in.Area); errs.Code(err) == errs.ENOTFOUND {
		details = append(details, errs.D("area", "unknown area code %q", in.Area))
	} else if err != nil {
		return Fund{}, err
	} else if got.Level != area.Street && got.Level != area.Residential {
		details = append(details, errs.D("area", "a fund belongs to a street or a residential area"))
	} else {
		a = got
	}
	if len(details) > 0 {
		return Fund{}, errs.Fields(details)
	}
	if err := auth.Authorize(p, auth.FundWrite, a.Path); err != nil {
		return Fund{}, err
	}
	now := s.clock.Now()
	f := Fund{Name: in.Name, Area: a.Code, AreaName: a.Name, AreaPath: a.Path, BySource: emptySources(), CreatedAt: now}
	by, _ := p.Actor()
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		id, err := db.InsertID(ctx, tx, `INSERT INTO funds (name, area_code, area_path, balance_fen, created_by, created_at) VALUES (?, ?, ?, 0, ?, ?)`,
			f.Name, f.Area, f.AreaPath, by, now)
		if errs.Code(err) == errs.ECONFLICT {
			return errs.Invalid("name", "this area already has a fund named %q", f.Name)
		} else if err != nil {
			return errs.Wrap(err, "insert fund")
		}
		f.ID = id
		return record(ctx, tx, now, p, "create", "fund", id, f.AreaPath, nil, f)
	})
	return f, err
}

// Funds lists the funds in p's scope matching f, with their figures.
func (s *Service) Funds(ctx context.Context, p *auth.Principal, f FundFilter) (db.Listed[Fund], error) {
	if err := auth.AuthorizeAny(p, auth.FundRead); err != nil {
		return db.Listed[Fund]{}, err
	}
	var w db.Where
	cond, args := auth.ScopeSQL(s.db.Dialect, p, auth.FundRead, "f.area_path")
	w.And(cond, args...)
	if f.Area != "" {
		path, err := area.Path(ctx, s.db, f.Area)
		if errs.Code(err) == errs.ENOTFOUND {
			return db.Listed[Fund]{}, errs.Invalid("area", "unknown area code %q", f.Area)
		} else if err != nil {
			return db.Listed[Fund]{}, err
		}
		cond, arg := area.Subtree(s.db.Dialect, "f.area_path", path)
		w.And(cond, arg)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		w.And("f.name LIKE ? ESCAPE '\\'", "%"+db.Like(q)+"%")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	l, err := db.List(ctx, s.db, db.Page{Cols: fundCols, From: "funds f" + area.Join("a", "f.area_code"), Where: w,
		Order: "f.area_path, f.name, f.id", Limit: limit, Offset: offset}, scanFund)
	if err != nil {
		return l, errs.Wrap(err, "list funds")
	}
	return l, errs.Wrap(s.figures(ctx, s.db, l.Items), "fund figures")
}

// Fund returns one fund with its figures; outside p's scope it is not found.
func (s *Service) Fund(ctx context.Context, p *auth.Principal, id int64) (Fund, error) {
	f, err := s.fund(ctx, s.db, p, auth.FundRead, id, false)
	if err != nil {
		return Fund{}, err
	}
	fs := []Fund{f}
	if err := s.figures(ctx, s.db, fs); err != nil {
		return Fund{}, errs.Wrap(err, "fund figures")
	}
	return fs[0], nil
}

// fund reads one fund and decides perm on it; lock holds its row until the
// transaction ends, so whoever checks its balance next waits for this one.
func (s *Service) fund(ctx context.Context, q db.Querier, p *auth.Principal, perm auth.Perm, id int64, lock bool) (Fund, error) {
	if err := auth.AuthorizeAny(p, auth.FundRead); err != nil {
		return Fund{}, hide(err, "fund")
	}
	query := "SELECT " + fundCols + " FROM funds f" + area.Join("a", "f.area_code") + " WHERE f.id = ?"
	if lock {
		query += q.D().ForUpdate("f")
	}
	f, err := scanFund(q.QueryRow(ctx, query, id))
	if err != nil {
		return Fund{}, db.NotFound(err, "fund")
	}
	return f, authorize(p, perm, f.AreaPath, "fund")
}

// figures fills each fund's totals by source, money out and pending disbursements.
func (s *Service) figures(ctx context.Context, q db.Querier, funds []Fund) error {
	if len(funds) == 0 {
		return nil
	}
	at := map[int64]*Fund{}
	ids := make([]any, len(funds))
	for i := range funds {
		at[funds[i].ID], ids[i] = &funds[i], funds[i].ID
	}
	in := "(?" + strings.Repeat(", ?", len(ids)-1) + ")"
	type row struct {
		fund   int64
		key    string
		amount int64
		n      int
	}
	scan := func(r db.Scanner) (row, error) {
		var x row
		err := r.Scan(&x.fund, &x.key, &x.amount, &x.n)
		return x, err
	}
	rows, err := db.All(ctx, q, `SELECT fund_id, source, COALESCE(sum(CASE WHEN direction = 'in' THEN amount_fen ELSE -amount_fen END), 0),
		COALESCE(sum(CASE WHEN direction = 'in' THEN 1 ELSE -1 END), 0)
		FROM fund_entries WHERE fund_id IN `+in+` AND source <> '' GROUP BY fund_id, source`, ids, scan)
	if err != nil {
		return err
	}
	for _, x := range rows {
		f := at[x.fund]
		for i := range f.BySource {
			if f.BySource[i].Source == x.key {
				f.BySource[i].AmountFen, f.BySource[i].Count = x.amount, x.n
			}
		}
		f.InFen += x.amount
	}
	rows, err = db.All(ctx, q, `SELECT fund_id, 'out', COALESCE(sum(CASE WHEN direction = 'out' THEN amount_fen ELSE -amount_fen END), 0), 0
		FROM fund_entries WHERE fund_id IN `+in+` AND project_id IS NOT NULL GROUP BY fund_id`, ids, scan)
	if err != nil {
		return err
	}
	for _, x := range rows {
		at[x.fund].OutFen = x.amount
	}
	rows, err = db.All(ctx, q, `SELECT fund_id, 'pending', 0, count(*) FROM fund_disbursements WHERE fund_id IN `+in+` AND status = 'proposed' GROUP BY fund_id`, ids, scan)
	if err != nil {
		return err
	}
	for _, x := range rows {
		at[x.fund].Pending = x.n
	}
	return nil
}
