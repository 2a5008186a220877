package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// stmtCache keeps SQLite's reads prepared. The driver parses and plans every
// statement it is handed; under the mixed load that was an eighth of the
// CPU, for the same few hundred statements over and over. A prepared
// *sql.Stmt is prepared once on each connection of the read pool and kept
// there. PostgreSQL needs none: pgx caches statements on each connection.
type stmtCache struct {
	pool *sql.DB
	mu   sync.Mutex
	m    map[string]*sql.Stmt
}

// stmtCacheMax bounds the cache: statements are built from filters (an IN
// list of n ids is its own text), so past this many the rest run unprepared.
const stmtCacheMax = 1000

func newStmtCache(pool *sql.DB) *stmtCache {
	return &stmtCache{pool: pool, m: map[string]*sql.Stmt{}}
}

// get returns q prepared, or nil when it is not worth keeping (nil cache, a
// script of several statements, a failed prepare: the caller then runs q
// as it is and reports its error).
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil || !isSelect(q) || strings.Contains(q, ";") {
		return nil
	}
	c.mu.Lock()
	st := c.m[q]
	c.mu.Unlock()
	if st != nil {
		return st
	}
	st, err := c.pool.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[q]; old != nil { // prepared meanwhile by another caller
		st.Close()
		return old
	}
	if len(c.m) >= stmtCacheMax {
		// Full: q runs unprepared. Nothing is evicted, since a statement
		// handed out a moment ago may be about to run, and a closed one
		// would fail it; the everyday statements are the first to come.
		st.Close()
		return nil
	}
	c.m[q] = st
	return st
}

func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, st := range c.m {
		st.Close()
		delete(c.m, k)
	}
}
