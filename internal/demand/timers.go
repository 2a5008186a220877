package demand

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
)

// RunTimers fires due timers every interval until ctx ends. Timers live in
// the database, so a restart loses none; the clock is injected, so tests call
// RunDue after moving a fake clock instead of waiting.
func (s *Service) RunTimers(ctx context.Context, every time.Duration, logf func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.RunDue(ctx); err != nil && ctx.Err() == nil && logf != nil {
			logf(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunDue fires every timer due by now, each in its own transaction, and
// returns how many fired. On PostgreSQL a timer is claimed with SKIP LOCKED
// so two servers never fire the same one.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	n := 0
	for n < 10_000 {
		fired := false
		err := s.db.InTx(ctx, func(tx *db.Tx) error {
			q := "SELECT id, kind, demand_id, due_at, level FROM timers WHERE done_at IS NULL AND due_at <= ? ORDER BY due_at, id LIMIT 1"
			if tx.Dialect == db.Postgres {
				q += " FOR UPDATE SKIP LOCKED"
			}
			var id, demandID int64
			var kind string
			var due time.Time
			var level int
			err := tx.QueryRow(ctx, q, s.clock.Now().UTC()).Scan(&id, &kind, &demandID, &due, &level)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			} else if err != nil {
				return errs.Wrap(err, "claim timer")
			}
			fired = true
			if err := s.fire(ctx, tx, kind, demandID, due, level); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, "UPDATE timers SET done_at = ? WHERE id = ?", s.clock.Now().UTC(), id)
			return errs.Wrap(err, "timer done")
		})
		if err != nil {
			return n, err
		}
		if !fired {
			return n, nil
		}
		n++
	}
	return n, nil
}

// fire handles one timer. A timer whose step was done in time, or whose
// deadline has since moved, does nothing.
func (s *Service) fire(ctx context.Context, tx *db.Tx, kind string, id int64, due time.Time, level int) error {
	d, err := load(ctx, tx, id, true)
	if err != nil {
		return err
	}
	if !d.Status.Open() {
		return nil
	}
	now := s.clock.Now()
	contactOpen := d.ContactedAt == nil
	resolveOpen := d.ResolvedAt == nil && !d.ResolveDue.After(now)
	handler := d.Lead
	if handler == "" {
		handler = d.Owner
	}
	switch kind {
	case "contact_remind":
		if contactOpen {
			return s.tell(ctx, tx, d, notify.KindReminder, handler, false, noticeTitle("notice.contact_due_soon", d), short(d.Description))
		}
	case "resolve_remind":
		if d.ResolvedAt == nil && d.ResolveDue.After(now) {
			return s.tell(ctx, tx, d, notify.KindReminder, handler, false, noticeTitle("notice.resolve_due_soon", d), short(d.Description))
		}
	case "contact_due":
		if contactOpen && !d.contactLapsed {
			return s.overdue(ctx, tx, d, "contact", d.ContactDue.Sub(d.CreatedAt), func(x *Demand) { x.contactLapsed = true })
		}
	case "resolve_due":
		if resolveOpen && due.Equal(d.ResolveDue) {
			return s.overdue(ctx, tx, d, "resolve", d.ResolveDue.Sub(d.CreatedAt), nil)
		}
	case "escalate_contact", "escalate_resolve":
		if kind == "escalate_contact" && contactOpen || kind == "escalate_resolve" && resolveOpen {
			return s.escalate(ctx, tx, d, kind, level)
		}
	}
	return nil
}

// overdue marks a missed deadline: the demand becomes overdue, escalates to
// level 1 and the parent area's staff are told (督办).
func (s *Service) overdue(ctx context.Context, tx *db.Tx, d *Demand, step string, span time.Duration, mark func(*Demand)) error {
	before := *d
	if mark != nil {
		mark(d)
	}
	d.Overdue = true
	now := s.clock.Now()
	if err := event(ctx, tx, d.ID, now, systemActor, "overdue", d.Status, d.Status, OverdueNote(step), "", true); err != nil {
		return err
	}
	if err := s.escalateTo(ctx, tx, d, 1, "escalate_"+step, span); err != nil {
		return err
	}
	d.UpdatedAt = now
	if err := save(ctx, tx, d); err != nil {
		return err
	}
	return rollup(ctx, tx, &before, d)
}

// escalate raises the level once more when a demand stays overdue.
func (s *Service) escalate(ctx context.Context, tx *db.Tx, d *Demand, kind string, level int) error {
	span := d.ContactDue.Sub(d.CreatedAt)
	if kind == "escalate_resolve" {
		span = d.ResolveDue.Sub(d.CreatedAt)
	}
	if err := s.escalateTo(ctx, tx, d, level, kind, span); err != nil {
		return err
	}
	d.UpdatedAt = s.clock.Now()
	return save(ctx, tx, d)
}

// escalateTo sets the escalation level, tells the staff that many levels
// above the demand's residential area (1: the street, 2: the district),
// and schedules the next step up unless the top is reached.
func (s *Service) escalateTo(ctx context.Context, tx *db.Tx, d *Demand, level int, kind string, span time.Duration) error {
	chain, err := supervisors(ctx, tx, d.AreaPath)
	if err != nil {
		return err
	}
	top := max(len(chain)-1, 1)
	level = min(level, top)
	d.EscalationLevel = max(d.EscalationLevel, level)
	target := chain[min(level, len(chain)-1)]
	now := s.clock.Now()
	if err := event(ctx, tx, d.ID, now, systemActor, "escalate", d.Status, d.Status, EscalationNote(level), "", false); err != nil {
		return err
	}
	if err := s.tell(ctx, tx, d, notify.KindEscalation, target, false, noticeTitle("notice.escalated", d), short(d.Description)); err != nil {
		return err
	}
	if level < top {
		return addTimer(ctx, tx, kind, d.ID, now.Add(max(span, time.Minute)), level+1)
	}
	return nil
}

// supervisors is the chain that 督办 climbs: the demand's residential area
// (or the area itself when above it; grids and lanes have no dispatching
// staff) and every area above, nearest first.
func supervisors(ctx context.Context, q db.Querier, path string) ([]string, error) {
	chain, err := ancestorsOf(ctx, q, path)
	if err != nil {
		return nil, err
	}
	for i, c := range chain {
		if c.dispatching() {
			return codes(chain[i:]), nil
		}
	}
	return codes(chain), nil
}
