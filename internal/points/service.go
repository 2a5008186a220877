package points

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// JobSync is the periodic job that gives points for new verified service.
const JobSync = "points.sync"

// JobMember recomputes one member's points under every published year's
// rules: enqueued in the transaction that changes the member's kind (rules
// are per kind), keyed by member so repeated changes run once.
const JobMember = "points.member"

type memberArgs struct {
	Member int64 `json:"member_id"`
}

// MemberJob is the recompute of member id, due at once.
func MemberJob(id int64) jobs.Job {
	return jobs.Job{Kind: JobMember, Key: strconv.FormatInt(id, 10), Args: memberArgs{Member: id}}
}

// Service is the points capability on one database.
type Service struct {
	db    *db.DB
	clock clock.Clock
}

// NewService returns the points service.
func NewService(d *db.DB, c clock.Clock) *Service { return &Service{db: d, clock: c} }

// RegisterJobs registers the sync every 10 minutes: members with verified
// service not yet in the ledger are recomputed. Idempotent by source: a
// sign-up counts once whatever the number of runs.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobSync, func(ctx context.Context, _ *db.Tx, _ jobs.Job) error {
		_, err := s.Sync(ctx)
		return err
	}, jobs.NoTx())
	q.Periodic(JobSync, jobs.Every(10*time.Minute))
	q.Register(JobMember, jobs.Handle(func(ctx context.Context, tx *db.Tx, a memberArgs) error {
		_, err := s.RecomputeMember(ctx, tx, a.Member)
		return err
	}))
}

// RecomputeMember brings one member's ledger to every published year's
// rules in tx (after a change of the member's kind) and returns the
// number of ledger changes: reversals of rows the member's new kind no
// longer earns and the rows it does.
func (s *Service) RecomputeMember(ctx context.Context, tx *db.Tx, member int64) (int, error) {
	years, err := db.Strings(ctx, tx, "SELECT DISTINCT CAST(year AS TEXT) FROM points_rulesets WHERE status = 'published'")
	if err != nil {
		return 0, errs.Wrap(err, "published years")
	}
	n := 0
	for _, ys := range years {
		year, _ := strconv.Atoi(ys)
		k, err := s.recomputeMember(ctx, tx, year, member)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// yearSpan is a year in Shanghai as [from, to).
func yearSpan(year int) (time.Time, time.Time) {
	from := time.Date(year, 1, 1, 0, 0, 0, 0, clock.Shanghai)
	return from, from.AddDate(1, 0, 0)
}

// Year is the Shanghai year of t.
func Year(t time.Time) int { return t.In(clock.Shanghai).Year() }

// memberScope limits a query on members m by the caller's points.read scope.
func memberScope(w *db.Where, d db.Dialect, p *auth.Principal, perm auth.Perm) {
	cond, args := auth.ScopeSQL(d, p, perm, "m.area_path")
	w.And(cond, args...)
}

// loadEvents reads the verified events of a year: check-outs (member_service;
// service where the member reported counts as dual-reporting service) and
// approved manual items; with member set, only that member's. It also
// returns each member's area path.
func loadEvents(ctx context.Context, q db.Querier, year int, member int64) ([]Event, map[int64]string, error) {
	from, to := yearSpan(year)
	paths := map[int64]string{}
	var events []Event
	filter, args := "", []any{from, to}
	if member != 0 {
		filter, args = " AND ms.member_id = ?", append(args, member)
	}
	scanEvent := func(sc db.Scanner) (Event, error) {
		var e Event
		var mpath, where, reported string
		err := sc.Scan(&e.Source, &e.SourceID, &e.MemberID, &e.Kind, &mpath, &e.At, &e.Minutes, &where, &reported)
		switch {
		case e.Source == "pairing":
			e.Module = ModPairing
		case e.Source == "service_log":
			// Approved service at the member's post where they reported (双报到).
			e.Module = ModDualReport
		case reported != "" && strings.HasPrefix(where, reported):
			e.Module = ModDualReport
		default:
			e.Module = ModVolunteer
		}
		paths[e.MemberID] = mpath
		return e, err
	}
	events, err := db.All(ctx, q, `SELECT ms.source, ms.source_id, ms.member_id, m.kind, m.area_path, ms.ended_at, ms.minutes, ms.area_path, COALESCE(r.area_path, '')
		FROM member_service ms JOIN members m ON m.id = ms.member_id LEFT JOIN member_reports r ON r.member_id = ms.member_id
		WHERE ms.ended_at >= ? AND ms.ended_at < ?`+filter, args, scanEvent)
	if err != nil {
		return nil, nil, errs.Wrap(err, "verified service")
	}
	filter = strings.ReplaceAll(filter, "ms.", "pm.")
	err = db.Each(ctx, q, `SELECT pm.id, pm.member_id, m.kind, m.area_path, pm.occurred_at, pm.module
		FROM points_manual pm JOIN members m ON m.id = pm.member_id
		WHERE pm.status = 'approved' AND pm.occurred_at >= ? AND pm.occurred_at < ?`+filter, args,
		func(sc db.Scanner) (Event, error) {
			e := Event{Source: "manual"}
			var mpath string
			err := sc.Scan(&e.SourceID, &e.MemberID, &e.Kind, &mpath, &e.At, &e.Module)
			paths[e.MemberID] = mpath
			return e, err
		},
		func(e Event) error {
			events = append(events, e)
			return nil
		})
	return events, paths, errs.Wrap(err, "manual points")
}

// liveRows reads the year's live ledger rows (not reversals, not reversed).
func liveRows(ctx context.Context, q db.Querier, year int, member int64, paths map[int64]string) ([]Row, error) {
	filter, args := "", []any{year}
	if member != 0 {
		filter, args = " AND l.member_id = ?", append(args, member)
	}
	out, err := db.All(ctx, q, `SELECT l.id, l.member_id, l.source, l.source_id, l.points, l.area_path FROM points_ledger l
		WHERE l.year = ? AND l.reverses_id IS NULL AND NOT EXISTS (SELECT 1 FROM points_ledger x WHERE x.reverses_id = l.id)`+filter+` ORDER BY l.id`, args,
		func(sc db.Scanner) (Row, error) {
			var r Row
			var path string
			err := sc.Scan(&r.ID, &r.MemberID, &r.Key.Source, &r.Key.SourceID, &r.Points, &path)
			if _, ok := paths[r.MemberID]; !ok {
				paths[r.MemberID] = path
			}
			return r, err
		})
	return out, errs.Wrap(err, "ledger")
}

// recompute returns the changes that bring a year's ledger (or one
// member's) to the rules, with the members' area paths.
func recompute(ctx context.Context, q db.Querier, rules Rules, member int64) ([]Change, map[int64]string, error) {
	events, paths, err := loadEvents(ctx, q, rules.Year, member)
	if err != nil {
		return nil, nil, err
	}
	live, err := liveRows(ctx, q, rules.Year, member, paths)
	if err != nil {
		return nil, nil, err
	}
	return Diff(live, Compute(rules, events)), paths, nil
}

var ledgerCols = []string{"member_id", "year", "module", "points", "reason", "args", "source", "source_id", "occurred_at", "ruleset_id", "reverses_id", "area_path", "created_at"}

// write adds the changes to the ledger: each reversal a negative row naming
// the row it reverses, then the new row. Nothing is updated or deleted.
func write(ctx context.Context, tx *db.Tx, now time.Time, rulesetID int64, year int, changes []Change, paths map[int64]string) error {
	if len(changes) == 0 {
		return nil
	}
	// The reversed rows' own columns, to copy into the reversals.
	old := map[int64][]any{}
	var ids []string
	for _, c := range changes {
		if c.Reverse != 0 {
			ids = append(ids, strconv.FormatInt(c.Reverse, 10))
		}
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		err := db.Each(ctx, tx, "SELECT id, module, source, source_id, occurred_at FROM points_ledger WHERE id IN ("+strings.Join(chunk, ",")+")", nil,
			func(sc db.Scanner) ([]any, error) {
				var id, sid int64
				var module, source string
				var at time.Time
				err := sc.Scan(&id, &module, &source, &sid, &at)
				return []any{id, module, source, sid, at}, err
			},
			func(r []any) error {
				old[r[0].(int64)] = r[1:]
				return nil
			})
		if err != nil {
			return errs.Wrap(err, "reversed rows")
		}
	}
	b := db.NewBulkInsert(tx, "points_ledger", ledgerCols)
	for _, c := range changes {
		path := paths[c.MemberID]
		if c.Reverse != 0 {
			o := old[c.Reverse]
			args, _ := json.Marshal(map[string]any{"row": c.Reverse})
			if err := b.Add(ctx, c.MemberID, year, o[0], -c.Old, ReasonReversal, string(args), o[1], o[2], o[3], rulesetID, c.Reverse, path, now); err != nil {
				return errs.Wrap(err, "reversal")
			}
		}
		if e := c.Entry; e != nil {
			code, a := e.Reason()
			args, _ := json.Marshal(a)
			if err := b.Add(ctx, c.MemberID, year, e.Module, e.Points, code, string(args), e.Key.Source, e.Key.SourceID, e.At, rulesetID, nil, path, now); err != nil {
				return errs.Wrap(err, "ledger row")
			}
		}
	}
	return errs.Wrap(b.Close(ctx), "ledger")
}

// Sync gives points for verified service not yet in the ledger, under each
// year's published rules: it recomputes only the members concerned. It
// returns the number of ledger changes.
func (s *Service) Sync(ctx context.Context) (int, error) {
	years, err := db.Strings(ctx, s.db, "SELECT DISTINCT CAST(year AS TEXT) FROM points_rulesets WHERE status = 'published'")
	if err != nil {
		return 0, errs.Wrap(err, "published years")
	}
	n := 0
	for _, ys := range years {
		year, _ := strconv.Atoi(ys)
		from, to := yearSpan(year)
		members, err := db.Strings(ctx, s.db, `SELECT DISTINCT CAST(ms.member_id AS TEXT) FROM member_service ms
			WHERE ms.ended_at >= ? AND ms.ended_at < ? AND NOT EXISTS (SELECT 1 FROM points_ledger l WHERE l.source = ms.source AND l.source_id = ms.source_id)`, from, to)
		if err != nil {
			return n, errs.Wrap(err, "new service")
		}
		for _, ms := range members {
			id, _ := strconv.ParseInt(ms, 10, 64)
			err := s.db.InTx(ctx, func(tx *db.Tx) error {
				k, err := s.recomputeMember(ctx, tx, year, id)
				n += k
				return err
			})
			if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// recomputeMember brings one member's year to its published rules, in tx,
// under the rule set's row lock (every ledger write of a year takes it).
func (s *Service) recomputeMember(ctx context.Context, tx *db.Tx, year int, member int64) (int, error) {
	rs, err := published(ctx, tx, year, true)
	if err != nil || rs == nil {
		return 0, err
	}
	changes, paths, err := recompute(ctx, tx, rs.rules(), member)
	if err != nil {
		return 0, err
	}
	return len(changes), write(ctx, tx, s.clock.Now(), rs.ID, year, changes, paths)
}

func record(ctx context.Context, tx *db.Tx, now time.Time, p *auth.Principal, action, entity string, id int64, path string, before, after any) error {
	return auth.Record(ctx, tx, now, p, auth.Change{Action: action, Entity: entity, EntityID: strconv.FormatInt(id, 10),
		AreaPath: path, Before: before, After: after})
}

// hide turns a failed read authorization into "not found".
func hide(err error, what string) error {
	if err == nil || errs.Code(err) == errs.EUNAUTHORIZED {
		return err
	}
	return errs.New(errs.ENOTFOUND, "%s not found", what)
}

// rootPath is the district's path: rule sets are the district's.
func rootPath(ctx context.Context, q db.Querier) (string, error) {
	a, err := area.Root(ctx, q)
	return a.Path, err
}

func nullTime(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}
