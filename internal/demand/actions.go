package demand

import (
	"context"
	"strconv"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/texts"
)

// Act applies one action to a demand in one transaction: it checks the
// caller's right for the action, runs the state machine, writes the event,
// moves the clocks, updates the rollups, the audit log and notices. An
// action that is not allowed changes nothing.
func (s *Service) Act(ctx context.Context, p *auth.Principal, id int64, in ActionInput) (*Demand, error) {
	if p == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "sign in first")
	}
	var out *Demand
	err := s.db.InTx(ctx, func(tx *db.Tx) error {
		d, err := load(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := s.canSee(ctx, tx, p, d); err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, p, d, in); err != nil {
			return err
		}
		out, err = s.apply(ctx, tx, p, d, in)
		return err
	})
	if err == nil {
		s.sim.note(out) // committed: a closed or merged demand leaves duplicate checks at once
	}
	return out, err
}

// mayAct decides who may take which action: dispatching-level actions belong
// to the owner's staff, handling actions to the lead body's staff (and to
// the liaison of the lead unit, when a unit leads).
func (s *Service) mayAct(ctx context.Context, q db.Querier, p *auth.Principal, d *Demand, in ActionInput) error {
	at := func(area string, perm auth.Perm) error {
		if area == "" {
			return errs.New(errs.EFORBIDDEN, "nobody handles this demand yet")
		}
		_, path, err := levelOf(ctx, q, area)
		if err != nil {
			return err
		}
		if area == d.Lead {
			return auth.AuthorizeUnit(p, perm, path, d.LeadUnit)
		}
		return auth.Authorize(p, perm, path)
	}
	switch in.Action {
	case ActDispatch, ActApproveExtension, ActMerge, ActClose, ActReopen, ActCallback:
		return at(d.Owner, auth.DemandDispatch)
	case ActSign, ActReturn, ActContact, ActExtend, ActResolve:
		return at(d.Lead, auth.DemandHandle)
	case ActMarkUnreasonable:
		if at(d.Owner, auth.DemandDispatch) == nil {
			return nil
		}
		return at(d.Lead, auth.DemandHandle)
	case ActApproveUnreasonable:
		if d.unreasonableBy != nil && *d.unreasonableBy == p.UserID {
			return errs.New(errs.EFORBIDDEN, "a second person must approve what you marked")
		}
		return auth.Authorize(p, auth.DemandApprove, d.AreaPath)
	case ActUrge, ActRecall: // the supervising levels: street and up, as for approvals
		return auth.Authorize(p, auth.DemandApprove, d.AreaPath)
	case ActNote: // anyone who works on it; auditors only read
		for _, area := range append([]string{d.Lead}, d.CoBodies...) {
			if area != "" && at(area, auth.DemandHandle) == nil {
				return nil
			}
		}
		return at(d.Owner, auth.DemandDispatch)
	}
	return errs.Invalid("action", "unknown action %q", in.Action)
}

// CanAct reports whether p may take action a on d, for pages deciding which
// forms to offer; Act decides again.
func (s *Service) CanAct(ctx context.Context, p *auth.Principal, d *Demand, a Action) bool {
	return p != nil && s.mayAct(ctx, s.db, p, d, ActionInput{Action: a}) == nil
}

// apply runs the state machine and records its effects.
func (s *Service) apply(ctx context.Context, tx *db.Tx, p *auth.Principal, d *Demand, in ActionInput) (*Demand, error) {
	before := *d
	facts := Facts{Status: d.Status, Round: d.Round, ExtPending: d.ExtensionDue != nil, ResolveDue: d.ResolveDue, Unreasonable: d.Unreasonable}
	to, err := Next(facts, in)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	note := in.Note         // what the person wrote
	var said texts.Text     // what the system adds to it
	var tell []func() error // notices to send once the row is saved
	notice := func(kind notify.Kind, area string, code string) {
		tell = append(tell, func() error { return s.tell(ctx, tx, d, kind, area, false, noticeTitle(code, d), short(d.Description)) })
	}
	oldLead := d.Lead
	switch in.Action {
	case ActRecall:
		if in.Lead == "" {
			return nil, errs.Invalid("lead", "lead is required: the area code of the body that will handle it instead")
		}
		if in.Lead == d.Lead && sameUnit(in.LeadUnit, d.LeadUnit) {
			return nil, errs.Invalid("lead", "the demand is already with %s: name another body", in.Lead)
		}
		note = in.Reason
		notice(notify.KindInfo, oldLead, "notice.recalled")
	case ActUrge:
		// Whoever's step it is: the lead while it is handled, else the owner.
		to := d.Owner
		if step := d.Next(); step.By == StepLead {
			to = d.Lead
		}
		notice(notify.KindEscalation, to, "notice.urged")
	}
	switch in.Action {
	case ActDispatch, ActRecall:
		if in.Lead == "" && in.LeadUnit == nil {
			chain, err := ancestorsOf(ctx, tx, d.AreaPath)
			if err != nil {
				return nil, err
			}
			r, ok, err := route(ctx, tx, d.Category, chain)
			if err != nil || !ok {
				return nil, errs.Invalid("lead", "lead is required: no routing rule names a body for this category here")
			}
			in.Lead, in.LeadUnit = r.BodyArea, r.BodyUnit
		}
		if in.Lead == "" {
			return nil, errs.Invalid("lead", "lead is required: the area code of the body that will handle it")
		}
		if _, _, err := levelOf(ctx, tx, in.Lead); err != nil {
			return nil, errs.Invalid("lead", "unknown area code %q", in.Lead)
		}
		if in.LeadUnit != nil { // its liaisons will see the demand and the reporters' phones
			var n int
			if err := tx.QueryRow(ctx, "SELECT count(*) FROM units WHERE id = ?", *in.LeadUnit).Scan(&n); err != nil {
				return nil, errs.Wrap(err, "lead unit")
			}
			if n == 0 {
				return nil, errs.Invalid("lead_unit", "unit %d not found", *in.LeadUnit)
			}
		}
		d.Lead, d.LeadUnit = in.Lead, in.LeadUnit
		if _, err := tx.Exec(ctx, "DELETE FROM demand_co_bodies WHERE demand_id = ?", d.ID); err != nil {
			return nil, errs.Wrap(err, "co-bodies")
		}
		d.CoBodies = []string{}
		for _, c := range in.CoBodies {
			if c == d.Lead {
				continue
			}
			if _, _, err := levelOf(ctx, tx, c); err != nil {
				return nil, errs.Invalid("co_bodies", "unknown area code %q", c)
			}
			if _, err := tx.Exec(ctx, "INSERT INTO demand_co_bodies (demand_id, area_code) VALUES (?, ?)", d.ID, c); err != nil {
				return nil, errs.Invalid("co_bodies", "area %s is listed twice", c)
			}
			d.CoBodies = append(d.CoBodies, c)
			notice(notify.KindAssignment, c, "notice.co_handle")
		}
		notice(notify.KindAssignment, d.Lead, "notice.dispatched")
	case ActReturn:
		d.Returns++
		note = in.Reason
		notice(notify.KindReturn, d.Owner, "notice.returned")
	case ActContact:
		contacted(d, now)
	case ActExtend:
		d.ExtensionDue, d.ExtensionReason = in.NewDue, in.Reason
		note, said = in.Reason, ExtensionRequestNote(*in.NewDue)
		notice(notify.KindExtension, d.Owner, "notice.extension_requested")
	case ActApproveExtension:
		if *in.Approve {
			d.ResolveDue = *d.ExtensionDue
			if err := scheduleDeadlines(ctx, tx, d, now, false); err != nil {
				return nil, err
			}
		}
		said = ExtensionAnswerNote(*in.Approve, d.ResolveDue)
		d.ExtensionDue, d.ExtensionReason = nil, ""
		notice(notify.KindExtension, d.Lead, "notice.extension_answered")
	case ActResolve:
		resolved(d, now, in.Outcome, in.Resolution)
		note = in.Resolution
		notice(notify.KindCallback, d.Owner, "notice.resolved")
	case ActCallback:
		d.Satisfaction, d.Solved = in.Satisfaction, in.Solved
		if to == Dispatched { // second handling with its own limit
			if err := s.reopen(ctx, tx, d, now); err != nil {
				return nil, err
			}
			notice(notify.KindAssignment, d.Lead, "notice.callback_dissatisfied")
		}
	case ActReopen:
		note = in.Reason
		if err := s.reopen(ctx, tx, d, now); err != nil {
			return nil, err
		}
		notice(notify.KindAssignment, d.Lead, "notice.reopened")
	case ActMerge:
		if *in.Target == d.ID {
			return nil, errs.Invalid("target", "a demand cannot be merged into itself")
		}
		t, err := load(ctx, tx, *in.Target, true)
		if err != nil || s.canSee(ctx, tx, p, t) != nil {
			return nil, errs.Invalid("target", "demand %d not found", *in.Target)
		}
		if !t.Status.Open() {
			return nil, errs.Invalid("target", "demand %d is %s; merge into an open demand", t.ID, t.Status)
		}
		d.DuplicateOf = &t.ID
		// Every reporter moves to the surviving demand: all hear of its progress and all may rate.
		if _, err := tx.Exec(ctx, "UPDATE demand_reporters SET demand_id = ? WHERE demand_id = ?", t.ID, d.ID); err != nil {
			return nil, errs.Wrap(err, "move reporters")
		}
		if err := event(ctx, tx, t.ID, now, actorOf(p), "merge_in", t.Status, t.Status, MergedFromNote(d.ID), "", true); err != nil {
			return nil, err
		}
		said = MergedIntoNote(t.ID)
	case ActClose:
		if before.Status == Received { // answered on the spot (当场解答): the answer reaches the resident and settles it
			contacted(d, now)
			resolved(d, now, OutcomeSolved, in.Note)
		}
	case ActMarkUnreasonable:
		d.Unreasonable, d.unreasonableBy = "pending", &p.UserID
		note = in.Reason
	case ActApproveUnreasonable:
		if *in.Approve {
			d.Unreasonable = "approved"
		} else {
			d.Unreasonable = "refused"
		}
	}
	if to == Closed {
		d.ClosedAt = &now
	}
	d.Status, d.UpdatedAt = to, now
	if err := save(ctx, tx, d); err != nil {
		return nil, err
	}
	if err := event(ctx, tx, d.ID, now, actorOf(p), string(in.Action), before.Status, to, said, note, in.Action != ActNote); err != nil {
		return nil, err
	}
	if err := auth.Record(ctx, tx, now, p, auth.Change{Action: string(in.Action), Entity: "demand", EntityID: strconv.FormatInt(d.ID, 10),
		AreaPath: d.AreaPath, Before: map[string]any{"status": before.Status}, After: map[string]any{"status": d.Status, "note": texts.Join(said.In(texts.ZH), note)}}); err != nil {
		return nil, err
	}
	if s.notify != nil {
		if codes, ok := doneNotices(in.Action, to); ok {
			if err := s.notify.Done(ctx, tx, "demand", strconv.FormatInt(d.ID, 10), codes); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range tell {
		if err := f(); err != nil {
			return nil, err
		}
	}
	// The rollups last, as in intake: their rows are shared by every demand
	// of the day, so their locks should wait for the commit only.
	if err := rollup(ctx, tx, &before, d); err != nil {
		return nil, err
	}
	return d, nil
}

// contacted records the first contact with the resident (首次联系), which
// the response rate counts (rates.go).
func contacted(d *Demand, now time.Time) {
	if d.ContactedAt == nil {
		d.ContactedAt = &now
	}
}

// resolved records the resolution (办结) and what was done.
func resolved(d *Demand, now time.Time, outcome, resolution string) {
	d.ResolvedAt, d.Outcome, d.Resolution = &now, outcome, resolution
}

// doneNotices are the notices an action answers, by title: the step they
// asked for is taken, so they leave everyone's unread list. A demand that
// closes or merges answers all of its notices (nil).
func doneNotices(a Action, to Status) ([]string, bool) {
	if !to.Open() {
		return nil, true
	}
	codes := map[Action][]string{
		ActDispatch:         {"notice.new", "notice.returned"},
		ActRecall:           {"notice.dispatched"},
		ActSign:             {"notice.dispatched", "notice.reopened", "notice.callback_dissatisfied"},
		ActContact:          {"notice.contact_due_soon"},
		ActResolve:          {"notice.resolve_due_soon"},
		ActApproveExtension: {"notice.extension_requested"},
		ActCallback:         {"notice.resolved"},
	}[a]
	return codes, codes != nil
}

// reopen starts the second handling: back to the lead body with a fresh
// resolve limit counted from now.
func (s *Service) reopen(ctx context.Context, tx *db.Tx, d *Demand, now time.Time) error {
	cat, err := s.Category(ctx, d.Category)
	if err != nil {
		return err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return err
	}
	l, _ := ParseLimit(cat.ResolveLimit)
	d.Round++
	d.ResolveDue = l.Due(now, cal)
	d.ResolvedAt, d.ClosedAt, d.Outcome, d.Resolution = nil, nil, "", ""
	return scheduleDeadlines(ctx, tx, d, now, false)
}

// sameUnit reports whether two optional unit ids name the same unit (or none).
func sameUnit(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}
