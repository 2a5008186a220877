package demand

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/search"
)

// ListFilter narrows a demand list. Zero values do not filter.
type ListFilter struct {
	Q        string // Chinese full-text search
	Status   string // a status, or "open"
	Area     string
	Category string // a category and its sub-categories
	Channel  string
	Overdue  *bool
	From, To string // received day range, YYYY-MM-DD in Asia/Shanghai
	Mine     bool   // open demands my areas own or handle, due soonest first
	// Queue is the to-do list: "todo", the open demands whose next step is
	// mine (MyStep), approvals above my own bodies' included; "others", my
	// demands (Mine) that wait on someone else. Both due soonest first.
	Queue   string
	Sort    string // newest (default), oldest, due
	Page    int
	PerPage int
}

// DemandList is one page of demands and how many match in all.
type DemandList struct {
	Items []Demand
	Total int
	// TotalCapped says counting stopped at CountCap: more match.
	TotalCapped bool
}

// CountCap is how far a list counts its matches. A common word matches a
// tenth of all demands and a district's list a million: counting them costs
// more than the page (seconds on PostgreSQL, which visits every row it
// counts), nobody pages that far, and the dashboard's rollups count.
const CountCap = 1000

// probeRows is how many of the newest demands a PostgreSQL search reads
// first to judge how common its words are.
const probeRows = 5000

// walkIDs turns the search condition into one the GIN index cannot serve,
// so PostgreSQL walks the primary key in order and stops at the LIMIT.
func walkIDs(where string) string {
	return strings.Replace(where, "d.search_tsv @@ to_tsquery('simple', ?)", "COALESCE(d.search_tsv @@ to_tsquery('simple', ?), FALSE)", 1)
}

// probeNewest counts the matches among the newest probeRows demands. The
// count only steers the plan (walk ids or ask the index), never what is
// found, so one kept for probeTTL serves the same search again: staff
// repeat searches (paging, a filter changed), and the probe reads 5,000 rows.
func (s *Service) probeNewest(ctx context.Context, where string, args []any) (int, error) {
	key := fmt.Sprint(where, args)
	now := s.clock.Now()
	if m, ok := s.probes.get(key, now); ok {
		return m, nil
	}
	var m int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM demands d WHERE d.id > (SELECT COALESCE(max(id), 0) FROM demands) - ? AND `+walkIDs(where),
		append([]any{probeRows}, args...)...).Scan(&m)
	if err != nil {
		return 0, errs.Wrap(err, "probe search")
	}
	s.probes.put(key, m, now)
	return m, nil
}

// probeTTL is how long a probe's count is used again.
const probeTTL = time.Minute

// probeCache holds probe counts by search, at most a few thousand.
type probeCache struct {
	mu sync.Mutex
	m  map[string]probeEntry
}

type probeEntry struct {
	n  int
	at time.Time
}

func (c *probeCache) get(key string, now time.Time) (int, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[key]
	if !ok || now.Sub(e.at) >= probeTTL || now.Before(e.at) {
		return 0, false
	}
	return e.n, true
}

func (c *probeCache) put(key string, n int, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 4096 {
		c.m = map[string]probeEntry{}
	}
	c.m[key] = probeEntry{n: n, at: now}
}

// listQuery collects a list's conditions twice: as SQL on demands d, and,
// where a filter has one, as search-index tokens (migration 00008), each
// group of tokens an OR, the groups ANDed. A search whose every filter has
// tokens pages and counts off the index without touching the demands table.
type listQuery struct {
	where   []string
	args    []any
	tags    [][]string
	inexact bool // some condition has no tokens
}

// tagged reports whether some filter narrows the index.
func (q *listQuery) tagged() bool {
	for _, g := range q.tags {
		if len(g) > 0 {
			return true
		}
	}
	return false
}

func (q *listQuery) add(tags []string, cond string, args ...any) {
	q.where, q.args = append(q.where, cond), append(q.args, args...)
	if tags == nil {
		q.inexact = true
	} else {
		q.tags = append(q.tags, tags)
	}
}

// openSQL is "still open" (Status.Open) as the statuses it keeps rather
// than NOT IN the two it drops: then the demands_status index counts the
// open demands, and PostgreSQL does not walk the table until enough open
// ones turn up (300 ms at a million demands, when the walk started far
// from the newest rows).
var openSQL = func() string {
	var in []string
	for _, st := range Statuses {
		if st.Open() {
			in = append(in, "'"+string(st)+"'")
		}
	}
	return "d.status IN (" + strings.Join(in, ", ") + ")"
}()

// statusTag is the token of a status (the only filter token not in hex:
// the migrations' SQL builds it from the status name).
func statusTag(st string) string { return "s" + strings.ReplaceAll(st, "_", "") }

// List returns a page of the demands p sees (visibility) that match f. A
// search (Q) first asks whether Q is a demand's number or, for staff who
// talk to callers, a caller's phone or name (callerDemands): the list is
// then those demands; when none of them is visible to p or matches the
// other filters, Q is words, and the search walks the full-text index
// newest first and counts with it.
func (s *Service) List(ctx context.Context, p *auth.Principal, f ListFilter) (*DemandList, error) {
	if err := auth.AuthorizeAny(p, auth.DemandRead); err != nil {
		return nil, err
	}
	ids, err := s.callerDemands(ctx, p, f.Q)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return s.list(ctx, p, f, nil)
	}
	byCaller := f
	byCaller.Q = ""
	res, err := s.list(ctx, p, byCaller, ids)
	if err != nil || res.Total > 0 {
		return res, err
	}
	return s.list(ctx, p, f, nil)
}

// list is List for a filter, narrowed to ids when they are not nil.
func (s *Service) list(ctx context.Context, p *auth.Principal, f ListFilter, ids []int64) (*DemandList, error) {
	q, err := s.listQuery(ctx, p, f)
	if err != nil {
		return nil, err
	}
	if ids != nil {
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		q.add(nil, "d.id IN (?"+strings.Repeat(", ?", len(ids)-1)+")", args...)
	}
	order := "d.id DESC" // ids follow receipt: newest first
	switch {
	case f.Mine || f.Queue != "" || f.Sort == "due":
		order = "d.overdue DESC, CASE WHEN d.contacted_at IS NULL THEN d.contact_due ELSE d.resolve_due END, d.id"
	case f.Sort == "oldest":
		order = "d.id"
	case f.Sort != "" && f.Sort != "newest":
		return nil, errs.Invalid("sort", "sort must be newest, oldest or due")
	}
	limit, offset := auth.Paging(f.Page, f.PerPage)
	from, countFrom := demandFrom, " FROM demands d"
	text := strings.TrimSpace(f.Q)
	terms := SearchTerms(text)
	if text != "" && (len(terms) == 0 || len(terms) == 1 && len([]rune(terms[0])) < 2 && !isASCII(terms[0])) {
		// One Chinese character has no bigram: scan the descriptions.
		q.add(nil, "d.description LIKE ? ESCAPE '\\'", "%"+db.Like(text)+"%")
		terms = nil
	}
	pg := s.db.Dialect == db.Postgres
	out := &DemandList{Items: []Demand{}}
	// The index answers a search and, on SQLite, a plain list whose filters
	// all have tokens (the table's own indexes serve dates and "mine", and
	// PostgreSQL's btree indexes plain lists, better).
	var match string
	if len(terms) > 0 || !pg && !q.inexact && q.tagged() {
		match = search.Expr(s.db.Dialect, "search_text", "search_tags", terms, q.tags)
		q.args = append([]any{match}, q.args...)
		if pg {
			q.where = append([]string{"d.search_tsv @@ to_tsquery('simple', ?)"}, q.where...)
		} else {
			// FTS5 hands out rowids in order, so newest first needs no sort.
			from = " FROM demands_fts f JOIN demands d ON d.id = f.rowid JOIN demand_categories c ON c.code = d.category_code" + area.Join("a", "d.area_code")
			countFrom = " FROM demands_fts f JOIN demands d ON d.id = f.rowid"
			q.where = append([]string{"f.demands_fts MATCH ?"}, q.where...)
			order = strings.ReplaceAll(order, "d.id", "f.rowid")
		}
	}
	w := strings.Join(q.where, " AND ")
	switch {
	case len(terms) > 0 && pg:
		// GIN hands out matches unordered and every match costs a visit to
		// its row, so a common word (a tenth of all demands) is slow to
		// count and to sort through the index. A look at the newest rows
		// says how common the words are: common ones count and page best
		// walking ids with the index kept out of it, rare ones through it.
		m, err := s.probeNewest(ctx, w, q.args)
		if err != nil {
			return nil, err
		}
		// Counting to CountCap walks back from the newest only for words in
		// one row in ten or more: below that the walk reads over 10,000 rows
		// (each row's search vector read whole), while the index finds the
		// matches and reads CountCap rows (at 100,000 demands a word in one
		// row of twenty counted in 12 ms walking, 4 ms through the index).
		count := w
		if m*10 >= probeRows {
			count = walkIDs(w) + " ORDER BY d.id DESC"
		}
		if err := s.db.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1"+countFrom+" WHERE "+count+" LIMIT ?) x", append(q.args, CountCap+1)...).
			Scan(&out.Total); err != nil {
			return nil, errs.Wrap(err, "count demands")
		}
		// The page walks back from the newest when it expects to read at
		// most 5,000 rows for it (each with its search vector); rarer
		// matches come faster through the index and a sort of what it finds.
		if !f.Mine && f.Queue == "" && f.Sort != "due" && m > 0 && (offset+limit)*probeRows/m <= 5_000 {
			w = walkIDs(w)
		}
	case match != "" && !q.inexact && !pg:
		count := "SELECT count(*) FROM (SELECT 1 FROM demands_fts WHERE demands_fts MATCH ? LIMIT ?) x"
		if err := s.db.QueryRow(ctx, count, match, CountCap+1).Scan(&out.Total); err != nil {
			return nil, errs.Wrap(err, "count demands")
		}
	default:
		if err := s.db.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1"+countFrom+" WHERE "+w+" LIMIT ?) x", append(q.args, CountCap+1)...).
			Scan(&out.Total); err != nil {
			return nil, errs.Wrap(err, "count demands")
		}
	}
	if out.Total > CountCap {
		out.Total, out.TotalCapped = CountCap, true
	}
	err = db.Each(ctx, s.db, "SELECT "+demandCols+from+" WHERE "+w+" ORDER BY "+order+" LIMIT ? OFFSET ?", append(q.args, limit, offset),
		func(r db.Scanner) (*Demand, error) { return scanDemand(r) }, func(d *Demand) error {
			d.CoBodies = []string{}
			out.Items = append(out.Items, *d)
			return nil
		})
	if err != nil {
		return nil, errs.Wrap(err, "list demands")
	}
	return out, coBodiesOf(ctx, s.db, out.Items)
}

// listQuery turns a filter into conditions, checking every value. The
// first is the caller's visibility, the rule Get and Act ask too.
func (s *Service) listQuery(ctx context.Context, p *auth.Principal, f ListFilter) (*listQuery, error) {
	q := &listQuery{}
	v, err := visibilityOf(ctx, s.db, p)
	if err != nil {
		return nil, err
	}
	cond, args, tags := v.sql(s.db.Dialect)
	if tags != nil && f.Area != "" {
		// An area filter the caller reads all of is narrower than its
		// visibility (filters checks it), so its token alone serves.
		if _, path, err := levelOf(ctx, s.db, f.Area); err == nil && auth.Authorize(p, auth.DemandRead, path) == nil {
			tags = []string{}
		}
	}
	q.add(tags, cond, args...)
	return s.filters(ctx, p, f, q)
}

// filters adds the filter's conditions to q, which holds the scope.
func (s *Service) filters(ctx context.Context, p *auth.Principal, f ListFilter, q *listQuery) (*listQuery, error) {
	switch {
	case f.Status == "open":
		q.add([]string{"sopen"}, openSQL)
	case f.Status != "":
		ok := false
		for _, st := range Statuses {
			ok = ok || string(st) == f.Status
		}
		if !ok {
			return nil, errs.Invalid("status", "unknown status %q", f.Status)
		}
		q.add([]string{statusTag(f.Status)}, "d.status = ?", f.Status)
	}
	if f.Area != "" {
		_, path, err := levelOf(ctx, s.db, f.Area)
		if err != nil {
			return nil, errs.Invalid("area", "unknown area code %q", f.Area)
		}
		if err := inScope(p, path); err != nil {
			return nil, err
		}
		cond, arg := area.Subtree(s.db.Dialect, "d.area_path", path)
		q.add([]string{search.PathTag(path)}, cond, arg)
	}
	if f.Category != "" {
		codes, err := s.categoryAndChildren(ctx, f.Category)
		if err != nil {
			return nil, err
		}
		tags, args := make([]string, len(codes)), make([]any, len(codes))
		for i, c := range codes {
			tags[i], args[i] = search.Tag("c", c), c
		}
		q.add(tags, "d.category_code IN (?"+strings.Repeat(", ?", len(codes)-1)+")", args...)
	}
	if f.Channel != "" {
		if !ValidChannel(f.Channel) {
			return nil, errs.Invalid("channel", "channel must be visit, hotline, online, grid, meeting or mailbox")
		}
		q.add([]string{"h" + f.Channel}, "d.channel = ?", f.Channel)
	}
	if f.Overdue != nil {
		tag := "ofalse"
		if *f.Overdue {
			tag = "otrue"
		}
		q.add([]string{tag}, "d.overdue = ?", *f.Overdue)
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
			return nil, errs.Invalid(r.field, "%s must be a date like 2026-01-01", r.field)
		}
		q.add(nil, "d.created_at "+r.op+" ?", t.AddDate(0, 0, r.days).UTC())
	}
	if f.Mine {
		var codes []string
		for _, g := range p.Grants {
			if g.Holds(auth.DemandHandle) || g.Holds(auth.DemandDispatch) {
				codes = append(codes, g.AreaCode)
			}
		}
		var conds []string
		var cargs []any
		if len(codes) > 0 {
			in := "?" + strings.Repeat(", ?", len(codes)-1)
			for range 3 {
				for _, c := range codes {
					cargs = append(cargs, c)
				}
			}
			conds = append(conds, "d.owner_area IN ("+in+") OR d.lead_area IN ("+in+
				") OR d.id IN (SELECT demand_id FROM demand_co_bodies WHERE area_code IN ("+in+"))")
		}
		if units := auth.ScopeUnits(p, auth.DemandHandle); len(units) > 0 { // a liaison's: what its unit leads
			conds = append(conds, "d.lead_unit_id IN (?"+strings.Repeat(", ?", len(units)-1)+")")
			for _, u := range units {
				cargs = append(cargs, u)
			}
		}
		if len(conds) == 0 {
			q.add(nil, "1=0")
			return q, nil
		}
		q.add([]string{"sopen"}, openSQL)
		q.add(nil, "("+strings.Join(conds, " OR ")+")", cargs...)
	}
	switch f.Queue {
	case "":
	case "todo", "others":
		if f.Queue == "others" && !f.Mine {
			return nil, errs.Invalid("queue", "queue=others lists my demands that wait on others: ask for mine too")
		}
		cond, args := todoSQL(s.db.Dialect, p)
		if f.Queue == "others" {
			cond = "NOT " + cond
		} else {
			q.add([]string{"sopen"}, openSQL)
		}
		q.add(nil, cond, args...)
	default:
		return nil, errs.Invalid("queue", "queue must be todo or others")
	}
	return q, nil
}

// inScope checks an area filter: p reads every demand there, or holds
// unit-bound grants, whose units' demands the scope condition keeps
// wherever they lie.
func inScope(p *auth.Principal, path string) error {
	if len(auth.ScopeUnits(p, auth.DemandRead)) > 0 {
		return nil
	}
	return auth.Authorize(p, auth.DemandRead, path)
}

// categoryAndChildren is a category filter: the category and its
// sub-categories (an unknown code matches nothing).
func (s *Service) categoryAndChildren(ctx context.Context, code string) ([]string, error) {
	out, err := db.Strings(ctx, s.db, "SELECT code FROM demand_categories WHERE code = ? OR parent_code = ? ORDER BY code", code, code)
	if err != nil {
		return nil, errs.Wrap(err, "categories")
	}
	if len(out) == 0 {
		out = append(out, code)
	}
	return out, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// ScopeTokens are the index tokens of an area path (search.ScopeTokens).
func ScopeTokens(path string) string { return search.ScopeTokens(path) }

// RefillSearchIndex rebuilds SQLite's contentless search index from the
// demands table, for a bulk load that dropped its triggers. The tokens are
// those of migration 00018's triggers.
func RefillSearchIndex(ctx context.Context, q db.Querier) error {
	if q.D() != db.SQLite {
		return nil // PostgreSQL's search vector is a generated column
	}
	if _, err := q.Exec(ctx, "DELETE FROM demands_fts"); err != nil {
		return errs.Wrap(err, "empty search index")
	}
	_, err := q.Exec(ctx, `INSERT INTO demands_fts(rowid, search_text, search_tags)
		SELECT d.id, d.search_text, a.scope_tokens || ' s' || replace(d.status, '_', '') ||
			CASE WHEN d.status IN ('closed', 'merged') THEN ' sdone' ELSE ' sopen' END ||
			CASE WHEN d.overdue THEN ' otrue' ELSE ' ofalse' END ||
			' c' || lower(hex(d.category_code)) || ' h' || d.channel || ' ' || d.reach_tokens
		FROM demands d`+area.Join("a", "d.area_code"))
	return errs.Wrap(err, "fill search index")
}
