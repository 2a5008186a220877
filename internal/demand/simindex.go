package demand

import (
	"context"
	"strings"
	"sync"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// simIndex keeps the open demands of the duplicate window in memory, by
// street, so a duplicate check scores a few hundred candidates without
// reading their rows from disk. Before each check it catches up with the
// database (new ids, and rows updated since the last catch-up), so changes
// made by other servers on the same PostgreSQL show up too.
type simIndex struct {
	mu     sync.Mutex
	loaded bool
	all    map[int64]*simEntry
	byRes  map[string]map[int64]*simEntry // residential path → entries
	byCat  map[string]map[int64]*simEntry // street path + category → entries
	maxID  int64
	synced time.Time // highest updated_at seen
}

type simEntry struct {
	id       int64
	path     string // area path
	category string
	created  time.Time
	bigrams  []string // sorted, from search_text
}

// syncSlack re-reads rows updated shortly before the last catch-up, so a
// transaction that committed late (its updated_at older than rows already
// seen) is not missed.
const syncSlack = 2 * time.Second

func streetOf(path string) string {
	segs := strings.SplitN(strings.Trim(path, "/"), "/", 3)
	return "/" + strings.Join(segs[:min(2, len(segs))], "/") + "/"
}

// catchUp brings the index up to date with the database.
func (x *simIndex) catchUp(ctx context.Context, q db.Querier, now time.Time) error {
	query := "SELECT id, area_path, category_code, created_at, updated_at, status, search_text FROM demands WHERE "
	var args []any
	if !x.loaded {
		x.all, x.byRes, x.byCat = map[int64]*simEntry{}, map[string]map[int64]*simEntry{}, map[string]map[int64]*simEntry{}
		query += "status NOT IN ('closed','merged') AND created_at >= ?"
		args = []any{now.Add(-SimilarWindow).UTC()}
	} else {
		// Two indexed lookups; an OR of the two would scan the table.
		cols := query
		query = cols + "id > ? UNION " + cols + "updated_at >= ?"
		args = []any{x.maxID, x.synced.Add(-syncSlack).UTC()}
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return errs.Wrap(err, "similar index")
	}
	defer rows.Close()
	for rows.Next() {
		var e simEntry
		var updated time.Time
		var status Status
		var text string
		if err := rows.Scan(&e.id, &e.path, &e.category, &e.created, &updated, &status, &text); err != nil {
			return errs.Wrap(err, "similar index")
		}
		x.maxID = max(x.maxID, e.id)
		if updated.After(x.synced) {
			x.synced = updated
		}
		x.remove(e.id)
		if !status.Open() {
			continue
		}
		e.bigrams = strings.Fields(text)
		x.add(&e)
	}
	x.loaded = true
	return errs.Wrap(rows.Err(), "similar index")
}

func residentialOf(path string) string {
	segs := strings.SplitN(strings.Trim(path, "/"), "/", 4)
	return "/" + strings.Join(segs[:min(3, len(segs))], "/") + "/"
}

func bucket(m map[string]map[int64]*simEntry, key string) map[int64]*simEntry {
	if m[key] == nil {
		m[key] = map[int64]*simEntry{}
	}
	return m[key]
}

func (x *simIndex) add(e *simEntry) {
	x.all[e.id] = e
	bucket(x.byRes, residentialOf(e.path))[e.id] = e
	bucket(x.byCat, streetOf(e.path)+e.category)[e.id] = e
}

func (x *simIndex) remove(id int64) {
	e, ok := x.all[id]
	if !ok {
		return
	}
	delete(x.all, id)
	delete(x.byRes[residentialOf(e.path)], id)
	delete(x.byCat[streetOf(e.path)+e.category], id)
}

// candidates scores the open demands of the residential area and those of
// related categories in the street, received within the window.
func (x *simIndex) candidates(street, residential string, related map[string]bool, since time.Time, exclude int64,
	visible func(path string) bool, score func(*simEntry) float64) []scored {
	var out []scored
	try := func(e *simEntry) {
		if e.id == exclude || e.created.Before(since) || !visible(e.path) {
			return
		}
		if s := score(e); s >= similarMin {
			out = append(out, scored{e.id, s})
		}
	}
	for _, e := range x.byRes[residential] {
		try(e)
	}
	for cat := range related {
		for _, e := range x.byCat[street+cat] {
			if residentialOf(e.path) != residential { // already tried
				try(e)
			}
		}
	}
	return out
}

type scored struct {
	id    int64
	score float64
}

// similarMin is the score below which a candidate is not shown.
const similarMin = 0.3
