package demand

import (
	"slices"
	"strings"
	"time"

	"gongzhi/internal/errs"
)

// Status is where a demand (诉求) stands in its work order.
type Status string

// Work-order states, in the order a demand usually passes through them.
const (
	Received   Status = "received"    // 已受理: the first receiver owns it
	Dispatched Status = "dispatched"  // 已派单: waiting for the lead body to sign for it
	Returned   Status = "returned"    // 已退回: the body sent it back; the dispatcher must re-dispatch
	Signed     Status = "signed"      // 已签收
	InProgress Status = "in_progress" // 处理中: the resident has been contacted
	Resolved   Status = "resolved"    // 已办结: waiting for the callback (回访)
	Closed     Status = "closed"      // 已关闭
	Merged     Status = "merged"      // 已合并 into another demand
)

// Statuses lists every status.
var Statuses = []Status{Received, Dispatched, Returned, Signed, InProgress, Resolved, Closed, Merged}

// Open reports whether the demand still needs work.
func (s Status) Open() bool { return s != Closed && s != Merged }

// Action is a step someone takes on a demand.
type Action string

// Actions of POST /api/v1/demands/{id}/actions.
const (
	ActDispatch            Action = "dispatch"             // 派单 (lead body, optional co-handling bodies)
	ActSign                Action = "sign"                 // 签收
	ActReturn              Action = "return"               // 退回 with a reason
	ActContact             Action = "contact"              // 首次联系 the resident
	ActExtend              Action = "extend"               // 申请延期 with reason and new date
	ActApproveExtension    Action = "approve_extension"    // 审批延期 (approve or refuse)
	ActResolve             Action = "resolve"              // 办结
	ActCallback            Action = "callback"             // 回访 and rating
	ActReopen              Action = "reopen"               // 重办 (once)
	ActMerge               Action = "merge"                // 合并 into another demand
	ActClose               Action = "close"                // 关闭 (answered on the spot, or no callback possible)
	ActMarkUnreasonable    Action = "mark_unreasonable"    // 标记不合理诉求
	ActApproveUnreasonable Action = "approve_unreasonable" // 审核不合理诉求 (a second person, street level and up)
	ActNote                Action = "note"                 // 备注: an event on the timeline, no change
	ActUrge                Action = "urge"                 // 催办: a supervising level presses whoever's step it is (logged, notified)
	ActRecall              Action = "recall"               // 撤回改派: a supervising level takes it back from its lead and sends it to another body
)

// Actions lists every action.
var Actions = []Action{ActDispatch, ActSign, ActReturn, ActContact, ActExtend, ActApproveExtension, ActResolve,
	ActCallback, ActReopen, ActMerge, ActClose, ActMarkUnreasonable, ActApproveUnreasonable, ActNote, ActUrge, ActRecall}

// Outcomes of a resolution, as the handling body reports it.
const (
	OutcomeSolved    = "solved"     // 已解决
	OutcomePartly    = "partly"     // 部分解决
	OutcomeNotSolved = "not_solved" // 未解决
)

// Satisfaction levels of a callback.
const (
	Satisfied      = "satisfied"    // 满意
	BasicSatisfied = "basic"        // 基本满意
	Dissatisfied   = "dissatisfied" // 不满意
)

// MaxRounds is how many times a demand is handled: once, and once more when
// the resident is dissatisfied or the problem is unsolved.
const MaxRounds = 2

// ActionInput is the body of an action. Which fields count depends on Action.
type ActionInput struct {
	Action       Action     `json:"action"`
	Lead         string     `json:"lead,omitempty"`         // dispatch, recall: area code of the lead body
	LeadUnit     *int64     `json:"lead_unit,omitempty"`    // dispatch, recall: a unit as the lead body
	CoBodies     []string   `json:"co_bodies,omitempty"`    // dispatch, recall: co-handling areas
	Reason       string     `json:"reason,omitempty"`       // return, extend, mark_unreasonable, recall
	Note         string     `json:"note,omitempty"`         // any action
	NewDue       *time.Time `json:"new_due,omitempty"`      // extend
	Approve      *bool      `json:"approve,omitempty"`      // approve_extension, approve_unreasonable
	Outcome      string     `json:"outcome,omitempty"`      // resolve
	Resolution   string     `json:"resolution,omitempty"`   // resolve
	Satisfaction string     `json:"satisfaction,omitempty"` // callback
	Solved       *bool      `json:"solved,omitempty"`       // callback
	Target       *int64     `json:"target,omitempty"`       // merge: the demand to merge into
}

// Facts are what the state machine needs to know about a demand.
type Facts struct {
	Status       Status
	Round        int
	ExtPending   bool
	ResolveDue   time.Time
	Unreasonable string // "", "pending", "approved", "refused"
}

// Next is the work-order state machine (工单状态机): it checks in against
// the demand's facts and returns the status after the action, or an error
// (ECONFLICT when the action is not allowed now, EINVALID when a field is
// missing). It has no side effects; the service applies the result.
func Next(f Facts, in ActionInput) (Status, error) {
	notNow := func() (Status, error) {
		return f.Status, errs.New(errs.ECONFLICT, "%s is not allowed while the demand is %s", in.Action, f.Status)
	}
	need := func(field, value string) error {
		if strings.TrimSpace(value) == "" {
			return errs.Invalid(field, "%s is required for %s", field, in.Action)
		}
		return nil
	}
	switch in.Action {
	case ActDispatch:
		if f.Status != Received && f.Status != Returned {
			return notNow()
		}
		return Dispatched, nil // without a lead, the routing rule names it (checked when applied)
	case ActSign:
		if f.Status != Dispatched {
			return notNow()
		}
		return Signed, nil
	case ActReturn:
		if f.Status != Dispatched && f.Status != Signed {
			return notNow()
		}
		return Returned, need("reason", in.Reason)
	case ActContact:
		if f.Status != Signed {
			return notNow()
		}
		return InProgress, need("note", in.Note)
	case ActExtend:
		if f.Status != Signed && f.Status != InProgress || f.ExtPending {
			return notNow()
		}
		if err := need("reason", in.Reason); err != nil {
			return f.Status, err
		}
		if in.NewDue == nil || !in.NewDue.After(f.ResolveDue) {
			return f.Status, errs.Invalid("new_due", "new_due must be a time after the current resolve deadline")
		}
		return f.Status, nil
	case ActApproveExtension:
		if !f.ExtPending || !f.Status.Open() {
			return notNow()
		}
		if in.Approve == nil {
			return f.Status, errs.Invalid("approve", "approve must be true or false")
		}
		return f.Status, nil
	case ActResolve:
		if f.Status != InProgress {
			return notNow()
		}
		if !slices.Contains([]string{OutcomeSolved, OutcomePartly, OutcomeNotSolved}, in.Outcome) {
			return f.Status, errs.Invalid("outcome", "outcome must be solved, partly or not_solved")
		}
		return Resolved, need("resolution", in.Resolution)
	case ActCallback:
		if f.Status != Resolved {
			return notNow()
		}
		if !slices.Contains([]string{Satisfied, BasicSatisfied, Dissatisfied}, in.Satisfaction) {
			return f.Status, errs.Invalid("satisfaction", "satisfaction must be satisfied, basic or dissatisfied")
		}
		if in.Solved == nil {
			return f.Status, errs.Invalid("solved", "solved must be true or false")
		}
		if (in.Satisfaction == Dissatisfied || !*in.Solved) && f.Round < MaxRounds {
			return Dispatched, nil // reopened once for a second handling
		}
		return Closed, nil
	case ActReopen:
		if f.Status != Closed || f.Round >= MaxRounds {
			return notNow()
		}
		return Dispatched, need("reason", in.Reason)
	case ActMerge:
		if !f.Status.Open() {
			return notNow()
		}
		if in.Target == nil {
			return f.Status, errs.Invalid("target", "target is required: the id of the demand to merge into")
		}
		return Merged, nil
	case ActClose:
		if f.Status != Received && f.Status != Resolved {
			return notNow()
		}
		return Closed, need("note", in.Note)
	case ActMarkUnreasonable:
		if f.Unreasonable == "pending" || f.Unreasonable == "approved" {
			return notNow()
		}
		return f.Status, need("reason", in.Reason)
	case ActApproveUnreasonable:
		if f.Unreasonable != "pending" {
			return notNow()
		}
		if in.Approve == nil {
			return f.Status, errs.Invalid("approve", "approve must be true or false")
		}
		return f.Status, nil
	case ActNote:
		return f.Status, need("note", in.Note)
	case ActUrge:
		if NextStep(f).Action == "" {
			return notNow()
		}
		return f.Status, need("note", in.Note)
	case ActRecall:
		if f.Status != Dispatched && f.Status != Signed && f.Status != InProgress {
			return notNow()
		}
		return Dispatched, need("reason", in.Reason) // the new lead is checked when applied
	}
	return f.Status, errs.Invalid("action", "unknown action %q", in.Action)
}
