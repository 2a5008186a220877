package demand

import (
	"context"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Get returns a demand with its timeline and reporters. Reporters' phones
// and names are shown in full only to those who handle or own the demand.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Demand, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	d, err := load(ctx, s.db, id, false)
	if err != nil {
		return nil, err
	}
	if err := s.canSee(ctx, s.db, p, d); err != nil {
		return nil, err
	}
	if d.Events, err = events(ctx, s.db, id, false); err != nil {
		return nil, err
	}
	full := s.mayAct(ctx, s.db, p, d, ActionInput{Action: ActDispatch}) == nil || s.mayAct(ctx, s.db, p, d, ActionInput{Action: ActSign}) == nil
	d.Reporters, err = reporters(ctx, s.db, id, !full)
	return d, err
}

func reporters(ctx context.Context, q db.Querier, id int64, mask bool) ([]Reporter, error) {
	rows, err := q.Query(ctx, "SELECT id, name, phone, satisfaction, rated_at, original_id FROM demand_reporters WHERE demand_id = ? ORDER BY id", id)
	if err != nil {
		return nil, errs.Wrap(err, "reporters")
	}
	defer rows.Close()
	out := []Reporter{}
	for rows.Next() {
		var r Reporter
		if err := rows.Scan(&r.ID, &r.Name, &r.Phone, &r.Satisfaction, &r.RatedAt, &r.OriginalID); err != nil {
			return nil, errs.Wrap(err, "scan reporter")
		}
		if mask {
			r.Name, r.Phone = auth.MaskName(r.Name), auth.MaskPhone(r.Phone)
		}
		out = append(out, r)
	}
	return out, errs.Wrap(rows.Err(), "reporters")
}

// ListFilter narrows a demand list. Zero values do not filter.
type ListFilter struct {
	Q        string // Chinese full-text search
	Status   string // a status, or "open"
	Area     string
	Category string
	Channel  string
	Overdue  *bool
	From, To string // received day range, YYYY-MM-DD in Asia/Shanghai
	Mine     bool   // open demands my areas own or handle, due soonest first
	Sort     string // newest (default), oldest, due
	Page     int
	PerPage  int
}

// List returns demands in p's scope matching f, with the total.
func (s *Service) List(ctx context.Context, p *auth.Principal, f ListFilter) ([]Demand, int, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return nil, 0, err
	}
	scope, args := auth.ScopeSQL(s.db.Dialect, p, auth.DemandRead, "d.area_path")
	where := []string{scope}
	add := func(cond string, a ...any) { where, args = append(where, cond), append(args, a...) }
	switch {
	case f.Status == "open":
		add("d.status NOT IN ('closed','merged')")
	case f.Status != "":
		ok := false
		for _, st := range Statuses {
			ok = ok || string(st) == f.Status
		}
		if !ok {
			return nil, 0, errs.Invalid("status", "unknown status %q", f.Status)
		}
		add("d.status = ?", f.Status)
	}
	if f.Area != "" {
		_, path, err := levelOf(ctx, s.db, f.Area)
		if err != nil {
			return nil, 0, errs.Invalid("area", "unknown area code %q", f.Area)
		}
		if err := auth.Authorize(p, auth.DemandRead, path); err != nil {
			return nil, 0, err
		}
		cond, arg := s.db.Dialect.Subtree("d.area_path", path)
		add(cond, arg)
	}
	if f.Category != "" {
		add("(d.category_code = ? OR c.parent_code = ?)", f.Category, f.Category)
	}
	if f.Channel != "" {
		if !ValidChannel(f.Channel) {
			return nil, 0, errs.Invalid("channel", "channel must be visit, hotline, online, grid, meeting or mailbox")
		}
		add("d.channel = ?", f.Channel)
	}
	if f.Overdue != nil {
		add("d.overdue = ?", *f.Overdue)
	}
	for _, r := range []struct {
		field, val, op string
		days           int
	}{{"from", f.From, ">=", 0}, {"to", f.To, "<", 1}} {
		if r.val == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, r.val, clock.Shanghai)
		if err != nil {
			return nil, 0, errs.Invalid(r.field, "%s must be a date like 2026-01-01", r.field)
		}
		add("d.created_at "+r.op+" ?", t.AddDate(0, 0, r.days).UTC())
	}
	if f.Mine {
		var codes []string
		for _, g := range p.Grants {
			if g.Role.Can(auth.DemandHandle) || g.Role.Can(auth.DemandDispatch) {
				codes = append(codes, g.AreaCode)
			}
		}
		if len(codes) == 0 {
			return []Demand{}, 0, nil
		}
		in := "?" + strings.Repeat(", ?", len(codes)-1)
		cargs := make([]any, 0, 3*len(codes))
		for range 3 {
			for _, c := range codes {
				cargs = append(cargs, c)
			}
		}
		add("d.status NOT IN ('closed','merged') AND (d.owner_area IN ("+in+") OR d.lead_area IN ("+in+
			") OR d.id IN (SELECT demand_id FROM demand_co_bodies WHERE area_code IN ("+in+")))", cargs...)
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		cond, arg := s.searchCond(q)
		add(cond, arg)
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, "SELECT count(*)"+demandFrom+" WHERE "+w, args...).Scan(&total); err != nil {
		return nil, 0, errs.Wrap(err, "count demands")
	}
	order := "d.created_at DESC, d.id DESC"
	switch {
	case f.Mine || f.Sort == "due":
		order = "d.overdue DESC, CASE WHEN d.contacted_at IS NULL THEN d.contact_due ELSE d.resolve_due END, d.id"
	case f.Sort == "oldest":
		order = "d.created_at, d.id"
	case f.Sort != "" && f.Sort != "newest":
		return nil, 0, errs.Invalid("sort", "sort must be newest, oldest or due")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	rows, err := s.db.Query(ctx, "SELECT "+demandCols+demandFrom+" WHERE "+w+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(args, limit, offset)...)
	if err != nil {
		return nil, 0, errs.Wrap(err, "list demands")
	}
	defer rows.Close()
	out := []Demand{}
	for rows.Next() {
		d, err := scanDemand(rows)
		if err != nil {
			return nil, 0, errs.Wrap(err, "scan demand")
		}
		d.CoBodies = []string{}
		out = append(out, *d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, errs.Wrap(err, "demands")
	}
	return out, total, coBodiesOf(ctx, s.db, out)
}

// searchCond matches the bigram column: FTS5 on SQLite, a GIN-indexed
// tsvector on PostgreSQL. A one-character query falls back to LIKE.
func (s *Service) searchCond(q string) (string, any) {
	terms := SearchTerms(q)
	if len(terms) == 0 || len(terms) == 1 && len([]rune(terms[0])) < 2 && !isASCII(terms[0]) {
		return "d.description LIKE ? ESCAPE '\\'", "%" + db.Like(q) + "%"
	}
	quoted := make([]string, len(terms))
	if s.db.Dialect == db.Postgres {
		for i, t := range terms {
			quoted[i] = "'" + strings.ReplaceAll(t, "'", "''") + "'"
		}
		return "to_tsvector('simple', d.search_text) @@ to_tsquery('simple', ?)", strings.Join(quoted, " & ")
	}
	for i, t := range terms {
		quoted[i] = `"` + strings.ReplaceAll(t, `"`, `""`) + `"`
	}
	return "d.id IN (SELECT f.rowid FROM demands_fts f WHERE f.search_text MATCH ?)", strings.Join(quoted, " ")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// Tracked is what a resident sees through the private tracking link:
// progress, the public timeline, and no one's personal data.
type Tracked struct {
	ID           int64      `json:"id"`
	Category     string     `json:"category"`
	CategoryName string     `json:"category_name"`
	Status       Status     `json:"status"`
	AreaName     string     `json:"area_name"`
	Description  string     `json:"description"`
	CreatedAt    time.Time  `json:"created_at"`
	ResolveDue   time.Time  `json:"resolve_due"`
	Resolution   string     `json:"resolution"`
	Outcome      string     `json:"outcome"`
	CanRate      bool       `json:"can_rate"`
	MyRating     string     `json:"my_rating"`
	RatedAt      *time.Time `json:"rated_at"`
	Events       []Event    `json:"events"`
}

// Track returns the demand behind a resident's tracking token. After a
// merge the token shows the surviving demand.
func (s *Service) Track(ctx context.Context, token string) (*Tracked, error) {
	var demandID int64
	var mine string
	var rated *time.Time
	err := s.db.QueryRow(ctx, "SELECT demand_id, satisfaction, rated_at FROM demand_reporters WHERE tracking_hash = ?", hashToken(token)).
		Scan(&demandID, &mine, &rated)
	if err != nil {
		return nil, errs.New(errs.ENOTFOUND, "no demand has this tracking link")
	}
	d, err := load(ctx, s.db, demandID, false)
	if err != nil {
		return nil, err
	}
	ev, err := events(ctx, s.db, demandID, true)
	if err != nil {
		return nil, err
	}
	for i := range ev {
		if ev[i].Actor != "系统" && ev[i].Actor != "居民" {
			// Staff names and notes are not for public pages: a contact note
			// often names the resident, and after a merge others read this link.
			ev[i].Actor, ev[i].Note = "工作人员", ""
		}
	}
	return &Tracked{ID: d.ID, Category: d.Category, CategoryName: d.CategoryName, Status: d.Status, AreaName: d.AreaName,
		Description: d.Description, CreatedAt: d.CreatedAt, ResolveDue: d.ResolveDue, Resolution: d.Resolution, Outcome: d.Outcome,
		CanRate: d.Status == Resolved || d.Status == Closed && mine == "", MyRating: mine, RatedAt: rated, Events: ev}, nil
}

// Rate records a resident's rating through the tracking link, with no account.
// The first rating of a resolved demand is its callback (and may reopen it);
// every other reporter of a merged group rates too, counted on their own row.
func (s *Service) Rate(ctx context.Context, token, satisfaction string, solved bool) (*Tracked, error) {
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var rid, demandID int64
		var mine string
		if err := tx.QueryRow(ctx, "SELECT id, demand_id, satisfaction FROM demand_reporters WHERE tracking_hash = ?", hashToken(token)).
			Scan(&rid, &demandID, &mine); err != nil {
			return errs.New(errs.ENOTFOUND, "no demand has this tracking link")
		}
		if mine != "" {
			return errs.New(errs.ECONFLICT, "you have already rated this demand")
		}
		d, err := load(ctx, tx, demandID, true)
		if err != nil {
			return err
		}
		in := ActionInput{Action: ActCallback, Satisfaction: satisfaction, Solved: &solved}
		if d.Status == Resolved {
			resident := &auth.Principal{Username: "居民"}
			if _, err := s.apply(ctx, tx, resident, d, in); err != nil {
				return err
			}
		} else if d.Status != Closed {
			return errs.New(errs.ECONFLICT, "the demand is not resolved yet; rate it once it is")
		} else if _, err := Next(Facts{Status: Resolved, Round: MaxRounds}, in); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, "UPDATE demand_reporters SET satisfaction = ?, solved = ?, rated_at = ? WHERE id = ?", satisfaction, solved, s.clock.Now().UTC(), rid)
		return errs.Wrap(err, "rate")
	})
	if err != nil {
		return nil, err
	}
	return s.Track(ctx, token)
}

// coBodiesOf fills the co-handling bodies of a page of demands in one query.
func coBodiesOf(ctx context.Context, q db.Querier, ds []Demand) error {
	if len(ds) == 0 {
		return nil
	}
	ids := make([]any, len(ds))
	at := map[int64]int{}
	for i, d := range ds {
		ids[i], at[d.ID] = d.ID, i
	}
	rows, err := q.Query(ctx, "SELECT demand_id, area_code FROM demand_co_bodies WHERE demand_id IN (?"+strings.Repeat(", ?", len(ids)-1)+") ORDER BY area_code", ids...)
	if err != nil {
		return errs.Wrap(err, "co-bodies")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c string
		if err := rows.Scan(&id, &c); err != nil {
			return errs.Wrap(err, "co-body")
		}
		ds[at[id]].CoBodies = append(ds[at[id]].CoBodies, c)
	}
	return errs.Wrap(rows.Err(), "co-bodies")
}
