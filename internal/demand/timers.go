package demand

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/jobs"
	"gongzhi/internal/notify"
)

// A demand's SLA clocks are jobs of the shared job layer (internal/jobs),
// enqueued in the transaction of the change that sets them. Each kind has
// at most one pending job per demand (keyed by its id), so a moved deadline
// replaces its job instead of leaving a stale one behind.
// The callback clock has no timer of its own to set at resolve time: a
// periodic sweep records lapsed callbacks (callback.go), and its 督办 climbs
// on escalate_callback timers like the others.
var timerKinds = []string{"contact_remind", "resolve_remind", "contact_due", "resolve_due", "escalate_contact", "escalate_resolve", "escalate_callback"}

// JobKindPrefix starts the kind of every demand job ("demand.contact_due").
const JobKindPrefix = "demand."

// timerArgs are a timer job's arguments. Due is when the timer was set to
// fire (a retried job runs later); jobs carried over from the old timers
// table have none and use the job's run_at.
type timerArgs struct {
	Demand int64      `json:"demand_id"`
	Level  int        `json:"level,omitempty"`
	Due    *time.Time `json:"due,omitempty"`
}

// RegisterJobs makes q run the demand timers. The server's one queue gets
// them in app; the service's own queue (RunDue) has them too.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	for _, kind := range timerKinds {
		q.Register(JobKindPrefix+kind, func(ctx context.Context, tx *db.Tx, j jobs.Job) error {
			var a timerArgs
			if err := j.Decode(&a); err != nil {
				return err
			}
			due := j.RunAt
			if a.Due != nil {
				due = *a.Due
			}
			return s.fire(ctx, tx, kind, a.Demand, due, a.Level)
		})
	}
	s.registerCallbackSweep(q)
}

// RunDue fires every demand timer due by now, one at a time in the order
// they fall due, and returns how many fired. Tests call it after moving a
// fake clock instead of waiting; the server runs the shared queue instead.
func (s *Service) RunDue(ctx context.Context) (int, error) {
	return s.jobs.RunDue(ctx)
}

// timerJob is the job that fires timer kind of demand id at due.
func timerJob(kind string, id int64, due time.Time, level int) jobs.Job {
	due = due.UTC()
	return jobs.Job{Kind: JobKindPrefix + kind, Key: strconv.FormatInt(id, 10), RunAt: due,
		Args: timerArgs{Demand: id, Level: level, Due: &due}}
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
	case "escalate_callback": // still waiting for the callback, and its clock has run out
		span, lapsed, err := s.callbackSpan(ctx, d)
		if err != nil || !lapsed {
			return err
		}
		if err := s.escalateTo(ctx, tx, d, level, kind, span); err != nil {
			return err
		}
		d.UpdatedAt = now
		return save(ctx, tx, d)
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
		return jobs.Enqueue(ctx, tx, now, timerJob(kind, d.ID, now.Add(max(span, time.Minute)), level+1))
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
