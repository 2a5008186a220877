package demand

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// SimilarStaleness bounds how long a change made on another server sharing
// the database (a demand filed, closed or merged there) may take to reach
// this server's duplicate checks. This server's own intakes and actions
// reach them at once. A duplicate hint that lags another server by half a
// second is harmless: it is advice to the operator, and merging is done by
// hand on the demand itself, which is read from the database.
const SimilarStaleness = 500 * time.Millisecond

// categoryStaleness is the same bound for the category tree (which
// categories are related). Category edits on this server apply at once;
// edits on another server are rare and only shift scores a little.
const categoryStaleness = time.Minute

// simIndex keeps the open demands of the duplicate window in memory, by
// residential area and by street × category, with what a duplicate check
// shows of them, so a check scores a few hundred candidates and usually
// reads nothing from the database. It stays current three ways:
//
//   - this server's own changes are applied as they commit (note, called
//     by intake and by every action);
//   - before a check, when the last catch-up is older than
//     SimilarStaleness, a catch-up asks the database which rows are new or
//     changed and reads those (changes by other servers; and it confirms
//     what was noted);
//   - entries that leave the window are dropped once an hour.
//
// A busy server thus catches up at most twice a second whatever its check
// rate; a quiet one pays the catch-up (one query of three columns, over
// the rows updated in the last seconds) on most checks.
type simIndex struct {
	mu      sync.RWMutex
	loaded  bool
	all     map[int64]*simEntry
	byRes   map[string]map[int64]*simEntry // residential path → entries
	byCat   map[string]map[int64]*simEntry // street path + category → entries
	settled map[int64]rowState             // recently updated rows not in the index (closed, merged, old)
	maxID   int64
	synced  time.Time         // highest updated_at seen
	checked time.Time         // clock time of the last catch-up
	pruned  time.Time         // clock time entries older than the window were last dropped
	strs    map[string]string // one copy of each path, area code, category and status
	keys    []uint64          // scratch space for the keys of one row

	lookups simLookups
}

// simEntry is an open demand as the duplicate check needs it. With its
// share of the maps it takes about 500 bytes for a 30-character complaint:
// 49 MiB for 100,000 (index-MiB in BenchmarkSimilar100k; the index of
// token strings it replaced took 62 MiB without the descriptions).
type simEntry struct {
	id          int64
	path        string // area path
	res         string // residential area path (residentialOf(path))
	area        string // area code
	category    string
	status      Status
	created     time.Time
	updated     int64 // updated_at in Unix nanoseconds as last read; 0 when noted here and not read back yet
	description string
	keys        []uint64 // token keys of the search text, sorted
	sketch      textSketch
}

// rowState is what tells whether a row changed: its updated_at, and its
// status (the one column the index shows that actions change), since two
// writes within one tick of the database's clock share an updated_at.
type rowState struct {
	updated int64 // Unix nanoseconds
	status  Status
}

// syncSlack re-reads rows updated shortly before the last catch-up, so a
// transaction that committed late (its updated_at older than rows already
// seen) is not missed.
const syncSlack = 2 * time.Second

// pruneEvery is how often entries that left the window are dropped.
const pruneEvery = time.Hour

// streetOf is the path of the street path lies in (the district's own for
// the district).
func streetOf(path string) string { return area.AtDepth(path, 2) }

// residentialOf is the path of the residential area path lies in (the
// street's or the district's own above it).
func residentialOf(path string) string { return area.AtDepth(path, 3) }

// fresh catches the index up unless it did so less than SimilarStaleness
// ago (by the service clock, so tests move it).
func (x *simIndex) fresh(ctx context.Context, q db.Querier, now time.Time) error {
	x.mu.RLock()
	ok := x.recent(now)
	x.mu.RUnlock()
	if ok {
		return nil
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.recent(now) { // another check caught up while this one waited
		return nil
	}
	return x.catchUp(ctx, q, now)
}

func (x *simIndex) recent(now time.Time) bool {
	return x.loaded && !now.Before(x.checked) && now.Sub(x.checked) < SimilarStaleness
}

// simCols are the columns of a demand the index keeps.
const simCols = "SELECT id, area_path, area_code, category_code, created_at, updated_at, status, description, search_text FROM demands WHERE "

// catchUp brings the index up to date with the database; x.mu is held.
// After the first load it asks which rows are new or were updated since
// shortly before the last update seen (two indexed lookups, three
// columns), and reads in full only those it does not hold as they are.
func (x *simIndex) catchUp(ctx context.Context, q db.Querier, now time.Time) error {
	if !x.loaded {
		x.all, x.byRes, x.byCat = map[int64]*simEntry{}, map[string]map[int64]*simEntry{}, map[string]map[int64]*simEntry{}
		x.settled, x.strs, x.maxID, x.synced = map[int64]rowState{}, map[string]string{}, 0, time.Time{}
		err := x.read(ctx, q, now, simCols+"status NOT IN ('closed','merged') AND created_at >= ?", now.Add(-SimilarWindow).UTC())
		if err != nil {
			return err
		}
		x.loaded, x.checked, x.pruned = true, now, now
		return nil
	}
	since := x.synced.Add(-syncSlack).UTC()
	rows, err := q.Query(ctx, `SELECT id, updated_at, status FROM demands WHERE id > ?
		UNION ALL SELECT id, updated_at, status FROM demands WHERE updated_at >= ? AND id <= ?`, x.maxID, since, x.maxID)
	if err != nil {
		return errs.Wrap(err, "similar index")
	}
	var changed []any
	for rows.Next() {
		var id int64
		var updated time.Time
		var status Status
		if err := rows.Scan(&id, &updated, &status); err != nil {
			rows.Close()
			return errs.Wrap(err, "similar index")
		}
		cur := rowState{updated.UnixNano(), status}
		if e, ok := x.all[id]; ok && (rowState{e.updated, e.status}) == cur || x.settled[id] == cur {
			continue
		}
		changed = append(changed, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "similar index")
	}
	for len(changed) > 0 {
		n := min(len(changed), 500)
		if err := x.read(ctx, q, now, simCols+"id IN (?"+strings.Repeat(", ?", n-1)+")", changed[:n]...); err != nil {
			return err
		}
		changed = changed[n:]
	}
	for id, st := range x.settled { // out of the re-read window: never returned again unless updated again
		if st.updated < since.UnixNano() {
			delete(x.settled, id)
		}
	}
	x.checked = now
	if now.Sub(x.pruned) >= pruneEvery {
		x.prune(now.Add(-SimilarWindow))
		x.pruned = now
	}
	return nil
}

// read puts the rows of query into the index; x.mu is held.
func (x *simIndex) read(ctx context.Context, q db.Querier, now time.Time, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return errs.Wrap(err, "similar index")
	}
	defer rows.Close()
	since := now.Add(-SimilarWindow)
	for rows.Next() {
		var e simEntry
		var updated time.Time
		var text string
		if err := rows.Scan(&e.id, &e.path, &e.area, &e.category, &e.created, &updated, &e.status, &e.description, &text); err != nil {
			return errs.Wrap(err, "similar index")
		}
		x.maxID = max(x.maxID, e.id)
		if updated.After(x.synced) {
			x.synced = updated
		}
		e.updated = updated.UnixNano()
		if e.created.Before(since) { // open but received before the window: it can match nothing
			x.remove(e.id)
			x.settled[e.id] = rowState{e.updated, e.status}
			continue
		}
		if !x.put(&e, text) {
			x.settled[e.id] = rowState{e.updated, e.status}
		}
	}
	return errs.Wrap(rows.Err(), "similar index")
}

// note applies a change this server has committed: a demand filed, or one
// whose status moved (a closed or merged demand leaves the index). It is
// called after the commit, so a catch-up that starts later reads the same
// or a newer state. The entry is marked not yet read back (updated 0), so
// the next catch-up reads the row again: two actions on one demand
// committing at the same moment may be noted out of order, and that puts
// it right.
func (x *simIndex) note(d *Demand) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.loaded { // the first check loads everything
		return
	}
	x.put(&simEntry{id: d.ID, path: d.AreaPath, area: d.Area, category: d.Category, status: d.Status, created: d.CreatedAt,
		description: d.Description}, d.searchText)
}

// put replaces the entry of e.id by e, with the keys of the search text, or
// removes it when e's demand is not open (and reports false); x.mu is held.
func (x *simIndex) put(e *simEntry, searchText string) bool {
	x.remove(e.id)
	delete(x.settled, e.id)
	if !e.status.Open() {
		return false
	}
	x.keys = x.keys[:0]
	for t := range strings.FieldsSeq(searchText) {
		x.keys = append(x.keys, tokenKey(t))
	}
	if !slices.IsSorted(x.keys) {
		slices.Sort(x.keys)
	}
	x.keys = slices.Compact(x.keys)
	e.keys = append(make([]uint64, 0, len(x.keys)), x.keys...)
	e.sketch = sketchOf(e.keys)
	e.path, e.area, e.category, e.status = x.intern(e.path), x.intern(e.area), x.intern(e.category), Status(x.intern(string(e.status)))
	e.res = x.intern(residentialOf(e.path))
	x.all[e.id] = e
	bucket(x.byRes, e.res)[e.id] = e
	bucket(x.byCat, x.intern(streetOf(e.path)+e.category))[e.id] = e
	return true
}

func (x *simIndex) remove(id int64) {
	e, ok := x.all[id]
	if !ok {
		return
	}
	delete(x.all, id)
	delete(x.byRes[e.res], id)
	delete(x.byCat[streetOf(e.path)+e.category], id)
}

// prune drops the entries received before since; x.mu is held.
func (x *simIndex) prune(since time.Time) {
	for id, e := range x.all {
		if e.created.Before(since) {
			x.remove(id)
		}
	}
}

// intern returns the index's copy of s: a hundred thousand demands name a
// few hundred areas, a few dozen categories and a handful of statuses.
func (x *simIndex) intern(s string) string {
	if c, ok := x.strs[s]; ok {
		return c
	}
	x.strs[s] = s
	return s
}

func bucket(m map[string]map[int64]*simEntry, key string) map[int64]*simEntry {
	if m[key] == nil {
		m[key] = map[int64]*simEntry{}
	}
	return m[key]
}

// simQuery is what a duplicate check looks for.
type simQuery struct {
	keys        []uint64 // token keys of the new text, sorted
	sketch      *querySketch
	exclude     int64  // the demand itself
	street, res string // street and residential area paths of the new demand
	category    string
	related     map[string]bool                  // categories whose demands elsewhere in the street are candidates
	parent      string                           // the category's parent
	at          time.Time                        // when the new demand came in
	visible     func(id int64, path string) bool // the caller's visibility
}

// candidates returns the open demands of the residential area and those of
// related categories in the street, received within the window, that
// score at least similarMin: the best similarMax of them, best first.
// Context is cheaper than text and bounds the score, and so does the
// texts' sketch (simsketch.go): a candidate that cannot reach the last kept
// (or similarMin) is passed over without comparing the texts.
func (x *simIndex) candidates(sq *simQuery) []Similar {
	x.mu.RLock()
	defer x.mu.RUnlock()
	since := sq.at.Add(-SimilarWindow)
	var top topScores
	try := func(e *simEntry) {
		if e.id == sq.exclude || e.created.Before(since) || !sq.visible(e.id, e.path) {
			return
		}
		f := contextFactor(Candidate{SameArea: strings.HasPrefix(e.path, sq.res), NearArea: true, SameCategory: e.category == sq.category,
			RelatedCategory: e.category != sq.category && sq.related[e.category] || sq.parent == e.category, AgeDays: sq.at.Sub(e.created).Hours() / 24})
		floor := top.floor()
		if f+1e-9 < floor { // the score is at most f (rounding aside)
			return
		}
		if textMatch(sq.sketch.textBound(&e.sketch))*f < floor { // nor can the text make it
			return
		}
		text := keySimilarity(sq.keys, e.keys)
		if text <= textFloor { // the score is at most 0.05 × text: far below similarMin
			return
		}
		top.add(e, textMatch(text)*f)
	}
	for _, e := range x.byRes[sq.res] {
		try(e)
	}
	// Outside the residential area the place counts as near, unless the new
	// demand sits above residential level: a whole street × category bucket
	// is passed over when its best context cannot beat the last kept.
	sameArea := strings.Count(sq.res, "/") < 4
	for cat := range sq.related {
		bound := contextFactor(Candidate{SameArea: sameArea, NearArea: true, SameCategory: cat == sq.category,
			RelatedCategory: cat != sq.category || sq.parent == cat})
		if bound+1e-9 < top.floor() {
			continue
		}
		for _, e := range x.byCat[sq.street+cat] {
			if e.res != sq.res { // already tried
				try(e)
			}
		}
	}
	out := make([]Similar, top.n)
	for i, e := range top.e[:top.n] {
		out[i] = Similar{ID: e.id, Score: top.s[i], Status: e.status, Category: e.category, Area: e.area, Description: e.description, CreatedAt: e.created}
	}
	return out
}

// similarMin is the score below which a candidate is not shown, similarMax
// how many are shown.
const (
	similarMin = 0.3
	similarMax = 10
)

// topScores keeps the best similarMax entries seen, best first: higher
// score, then lower id.
type topScores struct {
	n int
	e [similarMax]*simEntry
	s [similarMax]float64
}

// floor is the score an entry must reach to be kept.
func (t *topScores) floor() float64 {
	if t.n < similarMax {
		return similarMin
	}
	return t.s[t.n-1]
}

func (t *topScores) add(e *simEntry, s float64) {
	before := func(i int) bool { return s > t.s[i] || s == t.s[i] && e.id < t.e[i].id }
	if s < similarMin || t.n == similarMax && !before(t.n-1) {
		return
	}
	i := t.n
	if t.n < similarMax {
		t.n++
	} else {
		i--
	}
	for ; i > 0 && before(i-1); i-- {
		t.e[i], t.s[i] = t.e[i-1], t.s[i-1]
	}
	t.e[i], t.s[i] = e, s
}
