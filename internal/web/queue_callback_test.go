package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestQueueCallbackClock (issue 8 item 4): a resolved demand waits in its
// owner's queue for the callback with the callback clock running, and the
// home page counts it, the late ones apart, on both engines.
func TestQueueCallbackClock(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newDemandSite(t, d)
		id, _ := s.fileAsResident(t, "noise", testkit.ResA1, "楼下装修噪音")
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActDispatch, Lead: testkit.ResA1})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActSign})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActContact, Note: "已联系"})
		s.act(t, auth.CommunityStaff, id, demand.ActionInput{Action: demand.ActResolve, Outcome: "solved", Resolution: "已协调装修时间"})
		row := fmt.Sprintf(`data-demand="%d"`, id)
		b := s.login(t, auth.CommunityStaff)
		st, body := b.get("/queue")
		wantStatus(t, "queue", st, http.StatusOK, body)
		testkit.Contains(t, body, row, "下一步：回访", "回访还剩 3 天") // resolved Monday morning: by Thursday morning
		_, home := b.get("/")
		testkit.Contains(t, home, `<span class="figure-label">待回访</span> <span class="figure-value">1</span>`)
		if strings.Contains(home, `id="todo-callback-late"`) {
			t.Error("the home page counts a callback in time as late")
		}
		s.Clock.Advance(73 * time.Hour)
		_, body = b.get("/queue")
		testkit.Contains(t, body, row, "回访已超时 1 小时", `class="is-late"`)
		_, body = b.get("/demands?status=resolved")
		testkit.Contains(t, body, row, "回访已超时 1 小时")
		_, home = b.get("/")
		testkit.Contains(t, home, `id="todo-callback-late"`, `<span class="figure-label">回访已超时</span> <span class="figure-value">1</span>`)
		// In English too.
		b.submit("/lang", url.Values{"lang": {"en"}})
		_, body = b.get("/queue")
		testkit.Contains(t, body, "Callback overdue by 1 h")
	})
}
