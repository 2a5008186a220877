package demand_test

import (
	"testing"
	"time"

	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

func TestNext(t *testing.T) {
	due := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	later, earlier := due.Add(48*time.Hour), due.Add(-time.Hour)
	yes, no := true, false
	target := int64(7)
	f := func(s demand.Status) demand.Facts { return demand.Facts{Status: s, Round: 1, ResolveDue: due} }
	withExt := demand.Facts{Status: demand.InProgress, Round: 1, ResolveDue: due, ExtPending: true}
	round2 := demand.Facts{Status: demand.Resolved, Round: 2, ResolveDue: due}
	closed2 := demand.Facts{Status: demand.Closed, Round: 2}
	pending := demand.Facts{Status: demand.InProgress, Round: 1, Unreasonable: "pending"}
	in := func(a demand.Action) demand.ActionInput { return demand.ActionInput{Action: a} }
	cases := []struct {
		name string
		f    demand.Facts
		in   demand.ActionInput
		want demand.Status
		code string
	}{
		{"dispatch received", f(demand.Received), demand.ActionInput{Action: demand.ActDispatch, Lead: "310104001"}, demand.Dispatched, ""},
		{"dispatch by routing rule", f(demand.Received), in(demand.ActDispatch), demand.Dispatched, ""},
		{"re-dispatch returned", f(demand.Returned), demand.ActionInput{Action: demand.ActDispatch, Lead: "x"}, demand.Dispatched, ""},
		{"dispatch twice", f(demand.Dispatched), demand.ActionInput{Action: demand.ActDispatch, Lead: "x"}, demand.Dispatched, errs.ECONFLICT},
		{"sign", f(demand.Dispatched), in(demand.ActSign), demand.Signed, ""},
		{"urge", f(demand.Signed), demand.ActionInput{Action: demand.ActUrge, Note: "请今天联系"}, demand.Signed, ""},
		{"urge needs a note", f(demand.Received), in(demand.ActUrge), demand.Received, errs.EINVALID},
		{"urge a closed demand", f(demand.Closed), demand.ActionInput{Action: demand.ActUrge, Note: "n"}, demand.Closed, errs.ECONFLICT},
		{"recall in progress", f(demand.InProgress), demand.ActionInput{Action: demand.ActRecall, Lead: "x", Reason: "派错"}, demand.Dispatched, ""},
		{"recall needs a reason", f(demand.Signed), demand.ActionInput{Action: demand.ActRecall, Lead: "x"}, demand.Dispatched, errs.EINVALID},
		{"recall before dispatch", f(demand.Received), demand.ActionInput{Action: demand.ActRecall, Lead: "x", Reason: "r"}, demand.Received, errs.ECONFLICT},
		{"recall resolved", f(demand.Resolved), demand.ActionInput{Action: demand.ActRecall, Lead: "x", Reason: "r"}, demand.Resolved, errs.ECONFLICT},
		{"sign before dispatch", f(demand.Received), in(demand.ActSign), demand.Received, errs.ECONFLICT},
		{"return needs reason", f(demand.Dispatched), in(demand.ActReturn), demand.Returned, errs.EINVALID},
		{"return", f(demand.Dispatched), demand.ActionInput{Action: demand.ActReturn, Reason: "不属于本单位职责"}, demand.Returned, ""},
		{"return after signing", f(demand.Signed), demand.ActionInput{Action: demand.ActReturn, Reason: "r"}, demand.Returned, ""},
		{"return in progress", f(demand.InProgress), demand.ActionInput{Action: demand.ActReturn, Reason: "r"}, demand.InProgress, errs.ECONFLICT},
		{"contact", f(demand.Signed), demand.ActionInput{Action: demand.ActContact, Note: "电话联系"}, demand.InProgress, ""},
		{"contact before signing", f(demand.Dispatched), demand.ActionInput{Action: demand.ActContact, Note: "n"}, demand.Dispatched, errs.ECONFLICT},
		{"extend", f(demand.InProgress), demand.ActionInput{Action: demand.ActExtend, Reason: "需协调", NewDue: &later}, demand.InProgress, ""},
		{"extend earlier", f(demand.InProgress), demand.ActionInput{Action: demand.ActExtend, Reason: "r", NewDue: &earlier}, demand.InProgress, errs.EINVALID},
		{"extend twice", withExt, demand.ActionInput{Action: demand.ActExtend, Reason: "r", NewDue: &later}, demand.InProgress, errs.ECONFLICT},
		{"approve extension", withExt, demand.ActionInput{Action: demand.ActApproveExtension, Approve: &yes}, demand.InProgress, ""},
		{"approve nothing", f(demand.InProgress), demand.ActionInput{Action: demand.ActApproveExtension, Approve: &yes}, demand.InProgress, errs.ECONFLICT},
		{"resolve", f(demand.InProgress), demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已清理"}, demand.Resolved, ""},
		{"resolve bad outcome", f(demand.InProgress), demand.ActionInput{Action: demand.ActResolve, Outcome: "done", Resolution: "x"}, demand.InProgress, errs.EINVALID},
		{"resolve before contact", f(demand.Signed), demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "x"}, demand.Signed, errs.ECONFLICT},
		{"callback satisfied closes", f(demand.Resolved), demand.ActionInput{Action: demand.ActCallback, Satisfaction: "satisfied", Solved: &yes}, demand.Closed, ""},
		{"callback dissatisfied reopens", f(demand.Resolved), demand.ActionInput{Action: demand.ActCallback, Satisfaction: "dissatisfied", Solved: &yes}, demand.Dispatched, ""},
		{"callback unsolved reopens", f(demand.Resolved), demand.ActionInput{Action: demand.ActCallback, Satisfaction: "basic", Solved: &no}, demand.Dispatched, ""},
		{"second round closes anyway", round2, demand.ActionInput{Action: demand.ActCallback, Satisfaction: "dissatisfied", Solved: &no}, demand.Closed, ""},
		{"callback needs solved", f(demand.Resolved), demand.ActionInput{Action: demand.ActCallback, Satisfaction: "satisfied"}, demand.Resolved, errs.EINVALID},
		{"reopen closed once", f(demand.Closed), demand.ActionInput{Action: demand.ActReopen, Reason: "居民反映仍未解决"}, demand.Dispatched, ""},
		{"reopen twice", closed2, demand.ActionInput{Action: demand.ActReopen, Reason: "r"}, demand.Closed, errs.ECONFLICT},
		{"merge", f(demand.Received), demand.ActionInput{Action: demand.ActMerge, Target: &target}, demand.Merged, ""},
		{"merge closed", f(demand.Closed), demand.ActionInput{Action: demand.ActMerge, Target: &target}, demand.Closed, errs.ECONFLICT},
		{"close on the spot", f(demand.Received), demand.ActionInput{Action: demand.ActClose, Note: "当场答复"}, demand.Closed, ""},
		{"close in progress", f(demand.InProgress), demand.ActionInput{Action: demand.ActClose, Note: "x"}, demand.InProgress, errs.ECONFLICT},
		{"mark unreasonable", f(demand.InProgress), demand.ActionInput{Action: demand.ActMarkUnreasonable, Reason: "重复无理诉求"}, demand.InProgress, ""},
		{"mark twice", pending, demand.ActionInput{Action: demand.ActMarkUnreasonable, Reason: "r"}, demand.InProgress, errs.ECONFLICT},
		{"approve unreasonable", pending, demand.ActionInput{Action: demand.ActApproveUnreasonable, Approve: &no}, demand.InProgress, ""},
		{"unknown action", f(demand.Received), in("fly"), demand.Received, errs.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := demand.Next(c.f, c.in)
			if errs.Code(err) != c.code {
				t.Fatalf("error %v, want code %q", err, c.code)
			}
			if c.code != errs.ECONFLICT && err == nil && got != c.want {
				t.Fatalf("Next = %s, want %s", got, c.want)
			}
		})
	}
}
