package demand_test

import (
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestNoticesDoneWithTheirStep: a notice asking for a step leaves everyone's
// unread list once the step is taken; a closed demand answers all of its own.
func TestNoticesDoneWithTheirStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		community, grid := e.f.Users[auth.CommunityStaff], e.f.Users[auth.GridWorker]
		unread := func(p *auth.Principal, code string) int {
			t.Helper()
			items, _, _, err := e.n.Inbox(e.ctx, p, true, 1, 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, it := range items {
				if it.TitleCode == code {
					n++
				}
			}
			return n
		}
		a := e.file(t, nil, "noise", testkit.ResA1, "楼上夜间噪音").Demand.ID
		b := e.file(t, nil, "noise", testkit.ResA1, "广场舞噪音").Demand.ID
		if unread(community, "notice.new") != 2 {
			t.Fatalf("community has %d new-demand notices, want 2", unread(community, "notice.new"))
		}
		e.act(t, community, a, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.GridA1})
		if got := unread(community, "notice.new"); got != 1 { // b's is still to do
			t.Fatalf("after dispatching one: %d new-demand notices unread, want 1", got)
		}
		if unread(grid, "notice.dispatched") != 1 {
			t.Fatal("the grid was not told to sign")
		}
		e.act(t, grid, a, demand.ActionInput{Action: demand.ActSign})
		if got := unread(grid, "notice.dispatched"); got != 0 {
			t.Fatalf("after signing: %d sign notices unread", got)
		}
		e.act(t, community, b, demand.ActionInput{Action: demand.ActClose, Note: "当场解答"})
		if got := unread(community, "notice.new"); got != 0 {
			t.Fatalf("after closing: %d new-demand notices unread", got)
		}
	})
}
