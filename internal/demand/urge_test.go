package demand_test

import (
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestUrgeAndRecall: a street supervisor urges an overdue demand (the body
// whose step it is hears of it; nothing else changes) and then takes it back
// from the grid and sends it to the residential area (撤回改派); the bodies
// below may do neither, and a refused step changes nothing.
func TestUrgeAndRecall(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, street, grid := e.f.Users[auth.CommunityStaff], e.f.Users[auth.StreetStaff], e.f.Users[auth.GridWorker]
		f := e.file(t, nil, "noise", testkit.ResA1, "东湖小区夜间施工噪音")
		id := f.Demand.ID
		e.act(t, community, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		e.clock.Advance(3 * time.Hour) // past the one-minute contact limit and more
		unread := func(p *auth.Principal) []string {
			items, _, _, err := e.n.Inbox(e.ctx, p, true, 1, 50)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				out = append(out, it.TitleCode)
			}
			return out
		}
		countCode := func(codes []string, code string) (n int) {
			for _, c := range codes {
				if c == code {
					n++
				}
			}
			return n
		}
		before := countCode(unread(grid), "notice.urged")

		// The bodies below cannot urge or recall.
		for _, p := range []*auth.Principal{community, grid} {
			if _, err := e.s.Act(e.ctx, p, id, demand.ActionInput{Action: demand.ActUrge, Note: "请尽快"}); errs.Code(err) != errs.EFORBIDDEN {
				t.Fatalf("urge by %v: %v", p.Grants[0].Role, err)
			}
		}
		if _, err := e.s.Act(e.ctx, street, id, demand.ActionInput{Action: demand.ActUrge}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("urge without a note: %v", err)
		}
		got := e.act(t, street, id, demand.ActionInput{Action: demand.ActUrge, Note: "已超时，请今天联系居民"})
		if got.Status != demand.Dispatched || got.Lead != testkit.GridA1 {
			t.Fatalf("urging changed the demand: %+v", got)
		}
		if n := countCode(unread(grid), "notice.urged"); n != before+1 {
			t.Fatalf("the grid (whose step it is) got %d urge notices, want %d", n, before+1)
		}

		// Recall: to the same body is refused; to another one, it is dispatched there.
		if _, err := e.s.Act(e.ctx, street, id, demand.ActionInput{Action: demand.ActRecall, Lead: testkit.GridA1, Reason: "派错"}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("recall to the same body: %v", err)
		}
		if _, err := e.s.Act(e.ctx, street, id, demand.ActionInput{Action: demand.ActRecall, Lead: testkit.ResA1}); errs.Code(err) != errs.EINVALID {
			t.Fatalf("recall without a reason: %v", err)
		}
		got = e.act(t, street, id, demand.ActionInput{Action: demand.ActRecall, Lead: testkit.ResA1, Reason: "网格无执法权，改由居委会协调"})
		if got.Status != demand.Dispatched || got.Lead != testkit.ResA1 {
			t.Fatalf("after recall: status %s lead %s", got.Status, got.Lead)
		}
		if countCode(unread(grid), "notice.recalled") != 1 || countCode(unread(community), "notice.dispatched") == 0 {
			t.Fatalf("notices: grid %v, community %v", unread(grid), unread(community))
		}
		if _, err := e.s.Act(e.ctx, grid, id, demand.ActionInput{Action: demand.ActSign}); errs.Code(err) != errs.ENOTFOUND { // no longer its to see
			t.Fatalf("the old lead signs after the recall: %v", err)
		}
		e.act(t, community, id, demand.ActionInput{Action: demand.ActSign})
		full, err := e.s.Get(e.ctx, street, id)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, ev := range full.Events {
			actions = append(actions, ev.Action)
		}
		if want := []string{"receive", "dispatch", "urge", "recall", "sign"}; !equalTail(actions, want) {
			t.Fatalf("timeline %v, want it to end %v", actions, want)
		}
		// Nothing to urge on a closed demand.
		closed := e.file(t, nil, "noise", testkit.ResA1, "咨询")
		e.act(t, community, closed.Demand.ID, demand.ActionInput{Action: demand.ActClose, Note: "当场解答"})
		if _, err := e.s.Act(e.ctx, street, closed.Demand.ID, demand.ActionInput{Action: demand.ActUrge, Note: "?"}); errs.Code(err) != errs.ECONFLICT {
			t.Fatalf("urge a closed demand: %v", err)
		}
	})
}

func equalTail(got, want []string) bool {
	if len(got) < len(want) {
		return false
	}
	got = got[len(got)-len(want):]
	for i := range want {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

// TestTimelineNamesPeople: staff are named on the timeline as colleagues
// know them (their display name), not by their login.
func TestTimelineNamesPeople(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		named := *e.f.Users[auth.CommunityStaff]
		named.DisplayName = "李书记"
		f := e.file(t, nil, "noise", testkit.ResA1, "楼道噪音")
		e.act(t, &named, f.Demand.ID, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		full, err := e.s.Get(e.ctx, e.f.Users[auth.StreetStaff], f.Demand.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := full.Events[len(full.Events)-1]
		if last.Action != "dispatch" || last.Actor != "李书记" {
			t.Fatalf("the dispatch is signed %q (%s), want 李书记", last.Actor, last.Action)
		}
	})
}
