package demand

import (
	"context"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/jobs"
)

// The callback clock (回访时限): once the handling body resolves a demand,
// its owner — the body that took it in — calls the resident back within
// CallbackLimit, counted on the working calendar from the resolution. The
// deadline follows from resolved_at, so it needs no column of its own: the
// lists work it out per row (CallbackDue), counts and the sweep in SQL
// through the resolve time that splits lapsed from running clocks
// (CallbackCutoff). A lapsed callback goes the way of the other deadlines:
// the demand is marked overdue, an "overdue" event says which clock ran out,
// and 督办 climbs to the street and the district on the usual timers.

// CallbackLimit is the callback clock: three working days after the
// resolution, as 12345 hotlines commonly ask of the return visit.
var CallbackLimit = Limit{Workdays: 3}

// CallbackSweepEvery is how often the server looks for lapsed callbacks. A
// callback clock runs for days, so a lapse is recorded at most this late;
// lists and counts see it at once.
const CallbackSweepEvery = 10 * time.Minute

// callbackSweepKind is the periodic job that records lapsed callbacks.
const callbackSweepKind = JobKindPrefix + "callback_due"

// callbackBatch bounds the lapses one sweep records (the rest wait for the
// next run), so a sweep after a long outage holds the write lock briefly.
const callbackBatch = 200

// CallbackDue is the callback deadline of a demand resolved at resolved.
func CallbackDue(resolved time.Time, cal *Calendar) time.Time {
	return CallbackLimit.Due(resolved, cal)
}

// CallbackCutoff is the earliest resolve time whose callback is not yet due
// at now: a demand resolved before it has missed its callback deadline
// (CallbackDue(resolved) ≤ now), one resolved at or after it has not. A later
// resolution never has an earlier deadline, so the resolve times split in
// two and a binary search (to the nanosecond) finds the split.
func CallbackCutoff(now time.Time, cal *Calendar) time.Time {
	lo, hi := now.Add(-366*24*time.Hour), now // CallbackDue(lo) ≤ now < CallbackDue(hi)
	for hi.Sub(lo) > 1 {
		mid := lo.Add(hi.Sub(lo) / 2)
		if CallbackDue(mid, cal).After(now) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// CallbackLapsed reports whether a demand with this status, resolved at
// resolved, is past its callback deadline at now.
func CallbackLapsed(status Status, resolved *time.Time, now time.Time, cal *Calendar) bool {
	return status == Resolved && resolved != nil && !CallbackDue(*resolved, cal).After(now)
}

// CallbackDues returns the callback deadline of each resolved demand of ds
// by id, reading the working calendar once, for lists that show the clock.
func (s *Service) CallbackDues(ctx context.Context, ds []Demand) (map[int64]time.Time, error) {
	out := map[int64]time.Time{}
	var cal *Calendar
	for _, d := range ds {
		if d.Status != Resolved || d.ResolvedAt == nil {
			continue
		}
		if cal == nil {
			c, err := s.calendar(ctx)
			if err != nil {
				return nil, err
			}
			cal = c
		}
		out[d.ID] = CallbackDue(*d.ResolvedAt, cal)
	}
	return out, nil
}

// SweepCallbacks records every callback that has run out since the last
// sweep and returns how many. The server's queue runs it every
// CallbackSweepEvery; tests call it after moving the clock.
func (s *Service) SweepCallbacks(ctx context.Context) (int, error) {
	var n int
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		var err error
		n, err = s.sweepCallbacks(ctx, tx)
		return err
	})
	return n, err
}

// sweepCallbacks marks overdue, in tx, the resolved demands whose callback
// deadline has passed and that have no "callback missed" event since they
// were resolved (that event is the mark: a demand resolved again after a
// reopening gets a clock of its own).
func (s *Service) sweepCallbacks(ctx context.Context, tx *db.Tx) (int, error) {
	cal, err := s.calendar(ctx)
	if err != nil {
		return 0, err
	}
	now := s.clock.Now()
	ids, err := db.IDs(ctx, tx, `SELECT d.id FROM demands d WHERE d.status = 'resolved' AND d.resolved_at < ?
		AND NOT EXISTS (SELECT 1 FROM demand_events e WHERE e.demand_id = d.id AND e.action = 'overdue' AND e.note_code = ? AND e.at >= d.resolved_at)
		ORDER BY d.resolved_at, d.id LIMIT ?`, CallbackCutoff(now, cal).UTC(), OverdueNote("callback").Code, callbackBatch)
	if err != nil {
		return 0, errs.Wrap(err, "lapsed callbacks")
	}
	n := 0
	for _, id := range ids {
		d, err := load(ctx, tx, id, true)
		if err != nil {
			return n, err
		}
		if !CallbackLapsed(d.Status, d.ResolvedAt, now, cal) {
			continue
		}
		if err := s.overdue(ctx, tx, d, "callback", CallbackDue(*d.ResolvedAt, cal).Sub(*d.ResolvedAt), nil); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// registerCallbackSweep makes q sweep for lapsed callbacks periodically. The
// service's own queue (RunDue) leaves it out: its tests count the timers
// they fire, and SweepCallbacks is there for them.
func (s *Service) registerCallbackSweep(q *jobs.Queue) {
	if q == s.jobs {
		return
	}
	q.Register(callbackSweepKind, func(ctx context.Context, tx *db.Tx, _ jobs.Job) error {
		_, err := s.sweepCallbacks(ctx, tx)
		return err
	})
	q.Periodic(callbackSweepKind, jobs.Every(CallbackSweepEvery))
}

// callbackSpan is how long the callback clock of d ran: the span between
// escalation steps once it lapsed.
func (s *Service) callbackSpan(ctx context.Context, d *Demand) (time.Duration, bool, error) {
	if d.ResolvedAt == nil || d.Status != Resolved {
		return 0, false, nil
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return 0, false, err
	}
	due := CallbackDue(*d.ResolvedAt, cal)
	return due.Sub(*d.ResolvedAt), !due.After(s.clock.Now()), nil
}
