package jobs

import (
	"context"
	"time"

	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// Schedule says when a periodic kind runs next.
type Schedule interface {
	// Next returns the first run strictly after t.
	Next(t time.Time) time.Time
}

// Every runs a kind at a fixed interval (at least a second).
func Every(d time.Duration) Schedule { return every(max(d, time.Second)) }

type every time.Duration

func (e every) Next(t time.Time) time.Time { return t.Add(time.Duration(e)) }

// Daily runs a kind every day at hour:minute in Asia/Shanghai.
func Daily(hour, minute int) Schedule { return weekly{day: -1, hour: hour, minute: minute} }

// Weekly runs a kind every week on day at hour:minute in Asia/Shanghai.
func Weekly(day time.Weekday, hour, minute int) Schedule {
	return weekly{day: day, hour: hour, minute: minute}
}

type weekly struct {
	day          time.Weekday // -1: every day
	hour, minute int
}

func (w weekly) Next(t time.Time) time.Time {
	l := t.In(clock.Shanghai)
	at := time.Date(l.Year(), l.Month(), l.Day(), w.hour, w.minute, 0, 0, clock.Shanghai)
	for !at.After(t) || w.day >= 0 && at.Weekday() != w.day {
		at = time.Date(at.Year(), at.Month(), at.Day()+1, w.hour, w.minute, 0, 0, clock.Shanghai)
	}
	return at.UTC()
}

// ensurePeriodic makes sure every periodic kind has a pending job, once per
// queue (and again after Periodic is called). An existing pending job keeps
// its time, so a run missed while the server was down happens at once.
func (q *Queue) ensurePeriodic(ctx context.Context) error {
	q.mu.Lock()
	if q.scheduled {
		q.mu.Unlock()
		return nil
	}
	due := map[string]Schedule{}
	for name, k := range q.kinds {
		if k.schedule != nil && k.handler != nil {
			due[name] = k.schedule
		}
	}
	q.mu.Unlock()
	if len(due) == 0 {
		return nil
	}
	err := q.db.InTx(ctx, func(tx *db.Tx) error {
		now := q.clock.Now().UTC()
		for kind, s := range due {
			_, err := tx.Exec(ctx, `INSERT INTO jobs (kind, key, args, state, run_at, created_at, updated_at) VALUES (?, ?, '{}', 'pending', ?, ?, ?)
				ON CONFLICT (kind, key) WHERE state = 'pending' AND key <> '' DO NOTHING`, kind, PeriodicKey, s.Next(now).UTC(), now, now)
			if err != nil {
				return errs.Wrap(err, "schedule "+kind)
			}
		}
		return nil
	})
	if err == nil {
		q.mu.Lock()
		q.scheduled = true
		q.mu.Unlock()
	}
	return err
}

// next schedules a periodic kind's following run after j finished (done or
// dead). Occurrences that passed while j waited are skipped.
func (q *Queue) next(ctx context.Context, tx *db.Tx, j Job, k *kindSpec) error {
	if k.schedule == nil || j.Key != PeriodicKey {
		return nil
	}
	from := j.RunAt
	if now := q.clock.Now(); now.After(from) {
		from = now
	}
	return q.Enqueue(ctx, tx, Job{Kind: j.Kind, Key: PeriodicKey, RunAt: k.schedule.Next(from)})
}
