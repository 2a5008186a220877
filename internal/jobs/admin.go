package jobs

import (
	"context"
	"strconv"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// The operator's view of the queue (后台任务): what is waiting, running and
// failed, by kind, with retry and cancel. Jobs serve the whole district, so
// only a holder of JobsAdmin on every root area (a district admin, not a
// street's) may see or change them; every change is audited.

// Overview is the operator page's summary and one page of jobs.
type Overview struct {
	Tallies []Tally `json:"tallies"`
	Jobs    []Job   `json:"jobs"`
	Total   int     `json:"total"`
}

// authorizeRoots checks p holds JobsAdmin on every root of the area tree
// and returns the first root's path for the audit row.
func authorizeRoots(ctx context.Context, q db.Querier, p *auth.Principal) (string, error) {
	paths, err := area.RootPaths(ctx, q)
	if err != nil {
		return "", err
	}
	if len(paths) == 0 {
		paths = []string{"/"}
	}
	for _, path := range paths {
		if err := auth.Authorize(p, auth.JobsAdmin, path); err != nil {
			return "", err
		}
	}
	return paths[0], nil
}

// Overview returns the tallies by kind and state and the jobs matching f.
func (q *Queue) Overview(ctx context.Context, p *auth.Principal, f Filter) (Overview, error) {
	if _, err := authorizeRoots(ctx, q.db, p); err != nil {
		return Overview{}, err
	}
	if f.State != "" && !validState(f.State) {
		return Overview{}, errs.Invalid("state", "state must be one of pending, running, done, dead, cancelled")
	}
	var o Overview
	var err error
	if o.Tallies, err = q.Tallies(ctx); err != nil {
		return o, err
	}
	o.Jobs, o.Total, err = q.List(ctx, f)
	if o.Jobs == nil {
		o.Jobs = []Job{}
	}
	return o, err
}

func validState(s string) bool {
	switch s {
	case Pending, Running, Done, Dead, Cancelled:
		return true
	}
	return false
}

// RetryAs is Retry by an operator: authorized and audited.
func (q *Queue) RetryAs(ctx context.Context, p *auth.Principal, id int64) error {
	return q.operate(ctx, p, id, "retry", q.Retry)
}

// CancelAs is CancelID by an operator: authorized and audited.
func (q *Queue) CancelAs(ctx context.Context, p *auth.Principal, id int64) error {
	return q.operate(ctx, p, id, "cancel", q.CancelID)
}

func (q *Queue) operate(ctx context.Context, p *auth.Principal, id int64, action string, do func(context.Context, *db.Tx, int64) error) error {
	return q.db.InTx(ctx, func(tx *db.Tx) error {
		root, err := authorizeRoots(ctx, tx, p)
		if err != nil {
			return err
		}
		var kind, key, state string
		if err := tx.QueryRow(ctx, "SELECT kind, key, state FROM jobs WHERE id = ?", id).Scan(&kind, &key, &state); err != nil {
			return db.NotFound(err, "job")
		}
		if err := do(ctx, tx, id); err != nil {
			return err
		}
		return auth.Record(ctx, tx, q.clock.Now(), p, auth.Change{Action: action, Entity: "job", EntityID: strconv.FormatInt(id, 10),
			AreaPath: root, Before: map[string]string{"kind": kind, "key": key, "state": state}})
	})
}
