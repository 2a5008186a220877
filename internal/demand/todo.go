package demand

import (
	"context"
	"slices"
	"strings"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// The queue is a to-do list: the demands whose next step is the caller's
// apart from those that wait on someone else. A step is the caller's when
// it falls to a body the caller is granted at — the owner's dispatchers for
// dispatch, callback and extension approvals, the lead body (or its unit's
// liaison) for signing, contacting and resolving — or, for a demand marked
// unreasonable, to an approver above it other than the person who marked
// it. Areas below a grant have their own staff: a street worker may step in
// on a residential area's demand, but it is not on the street's list.

// Step is what a demand waits for: the next action and which body takes it.
type Step struct {
	Action Action // "" when nothing waits (closed, merged)
	By     string // StepOwner, StepLead or StepApprover
}

// Who takes a step.
const (
	StepOwner    = "owner"    // the receiving body's dispatchers
	StepLead     = "lead"     // the handling body
	StepApprover = "approver" // a second person at the demand's area or above
)

// NextStep is the step a demand with these facts waits for. An approval
// asked for comes first: until it is given the work it concerns waits.
func NextStep(f Facts) Step {
	if !f.Status.Open() {
		return Step{}
	}
	switch {
	case f.Unreasonable == "pending":
		return Step{ActApproveUnreasonable, StepApprover}
	case f.ExtPending:
		return Step{ActApproveExtension, StepOwner}
	}
	switch f.Status {
	case Received, Returned:
		return Step{ActDispatch, StepOwner}
	case Dispatched:
		return Step{ActSign, StepLead}
	case Signed:
		return Step{ActContact, StepLead}
	case InProgress:
		return Step{ActResolve, StepLead}
	case Resolved:
		return Step{ActCallback, StepOwner}
	}
	return Step{}
}

// facts are the state machine's facts of d.
func (d *Demand) facts() Facts {
	return Facts{Status: d.Status, Round: d.Round, ExtPending: d.ExtensionDue != nil, ResolveDue: d.ResolveDue, Unreasonable: d.Unreasonable}
}

// Next is the step d waits for.
func (d *Demand) Next() Step { return NextStep(d.facts()) }

// todoBodies are the bodies a caller takes steps for.
type todoBodies struct {
	dispatch, handle []string // area codes of grants holding DemandDispatch, DemandHandle
	units            []int64  // a liaison's units
	user             int64
	p                *auth.Principal
}

func bodiesOf(p *auth.Principal) todoBodies {
	b := todoBodies{p: p, units: auth.ScopeUnits(p, auth.DemandHandle)}
	if p == nil {
		return b
	}
	b.user = p.UserID
	for _, g := range p.Grants {
		if g.Holds(auth.DemandDispatch) {
			b.dispatch = append(b.dispatch, g.AreaCode)
		}
		if g.Holds(auth.DemandHandle) {
			b.handle = append(b.handle, g.AreaCode)
		}
	}
	return b
}

// MyStep reports whether d's next step is p's (the rule above, in Go; the
// queue's SQL, todoSQL, must agree with it, which a test checks).
func MyStep(p *auth.Principal, d *Demand) bool {
	b := bodiesOf(p)
	step := d.Next()
	switch step.By {
	case StepOwner:
		return slices.Contains(b.dispatch, d.Owner)
	case StepLead:
		return d.Lead != "" && slices.Contains(b.handle, d.Lead) || d.LeadUnit != nil && slices.Contains(b.units, *d.LeadUnit)
	case StepApprover:
		return (d.unreasonableBy == nil || *d.unreasonableBy != b.user) && auth.Authorize(p, auth.DemandApprove, d.AreaPath) == nil
	}
	return false
}

// todoSQL is MyStep as a condition on demands d, with its arguments.
func todoSQL(dl db.Dialect, p *auth.Principal) (string, []any) {
	b := bodiesOf(p)
	var conds []string
	var args []any
	in := func(col string, vals []string) string {
		for _, v := range vals {
			args = append(args, v)
		}
		return col + " IN (?" + strings.Repeat(", ?", len(vals)-1) + ")"
	}
	const notPending = "d.unreasonable <> 'pending'"
	if len(b.dispatch) > 0 {
		conds = append(conds, "("+notPending+" AND "+in("d.owner_area", b.dispatch)+
			" AND (d.status IN ('received', 'returned', 'resolved') OR d.ext_due IS NOT NULL AND d.status NOT IN ('closed', 'merged')))")
	}
	var lead []string
	if len(b.handle) > 0 {
		lead = append(lead, in("d.lead_area", b.handle))
	}
	if len(b.units) > 0 {
		lead = append(lead, "d.lead_unit_id IN (?"+strings.Repeat(", ?", len(b.units)-1)+")")
		for _, u := range b.units {
			args = append(args, u)
		}
	}
	if len(lead) > 0 {
		conds = append(conds, "("+notPending+" AND d.ext_due IS NULL AND d.status IN ('dispatched', 'signed', 'in_progress') AND ("+
			strings.Join(lead, " OR ")+"))")
	}
	if scope, sargs := auth.ScopeSQL(dl, p, auth.DemandApprove, "d.area_path"); scope != "1=0" {
		conds = append(conds, "(d.unreasonable = 'pending' AND d.status NOT IN ('closed', 'merged') AND (d.unreasonable_by IS NULL OR d.unreasonable_by <> ?) AND "+scope+")")
		args = append(append(args, b.user), sargs...)
	}
	if len(conds) == 0 {
		return "1=0", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// TodoCounts are the figures a staff home page leads with: the demands whose
// next step is the caller's, by what they wait for and by their clocks.
type TodoCounts struct {
	Total      int `json:"total"`
	ToDispatch int `json:"to_dispatch"` // received or returned: dispatch them
	ToSign     int `json:"to_sign"`     // dispatched to the caller's body
	ToHandle   int `json:"to_handle"`   // signed or in progress: contact, resolve
	ToCallback int `json:"to_callback"` // resolved: call the resident back
	// CallbackLate are the callbacks past their clock (CallbackLimit), of ToCallback.
	CallbackLate int `json:"callback_late"`
	ToApprove    int `json:"to_approve"` // extensions and unreasonable marks to decide
	Overdue      int `json:"overdue"`    // past their deadline
	DueToday     int `json:"due_today"`  // not overdue, due before the day ends (Asia/Shanghai)
}

// Todo counts the caller's to-do list (ListFilter{Queue: "todo"}) in one query.
func (s *Service) Todo(ctx context.Context, p *auth.Principal) (TodoCounts, error) {
	var c TodoCounts
	q, err := s.listQuery(ctx, p, ListFilter{Queue: "todo"})
	if err != nil {
		return c, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return c, err
	}
	now := s.clock.Now()
	y, m, dd := now.In(clock.Shanghai).Date()
	endOfDay := time.Date(y, m, dd+1, 0, 0, 0, 0, clock.Shanghai)
	// Callbacks: lapsed when resolved before cutNow; due today when resolved before cutDay.
	cutNow, cutDay := CallbackCutoff(now, cal).UTC(), CallbackCutoff(endOfDay.Add(-time.Nanosecond), cal).UTC()
	count := func(cond string) string { return "COALESCE(sum(CASE WHEN " + cond + " THEN 1 ELSE 0 END), 0)" }
	const callback = "d.status = 'resolved' AND d.unreasonable <> 'pending'"
	err = s.db.QueryRow(ctx, "SELECT count(*), "+
		count("d.status IN ('received', 'returned') AND d.ext_due IS NULL AND d.unreasonable <> 'pending'")+", "+
		count("d.status = 'dispatched' AND d.ext_due IS NULL AND d.unreasonable <> 'pending'")+", "+
		count("d.status IN ('signed', 'in_progress') AND d.ext_due IS NULL AND d.unreasonable <> 'pending'")+", "+
		count(callback)+", "+
		count(callback+" AND d.resolved_at < ?")+", "+
		count("(d.ext_due IS NOT NULL OR d.unreasonable = 'pending')")+", "+
		count("d.overdue")+", "+
		count("NOT d.overdue AND (d.status <> 'resolved' AND (CASE WHEN d.contacted_at IS NULL THEN d.contact_due ELSE d.resolve_due END) < ?"+
			" OR "+callback+" AND d.resolved_at >= ? AND d.resolved_at < ?)")+
		" FROM demands d WHERE "+strings.Join(q.where, " AND "), append([]any{cutNow, endOfDay.UTC(), cutNow, cutDay}, q.args...)...).
		Scan(&c.Total, &c.ToDispatch, &c.ToSign, &c.ToHandle, &c.ToCallback, &c.CallbackLate, &c.ToApprove, &c.Overdue, &c.DueToday)
	return c, errs.Wrap(err, "to-do counts")
}
