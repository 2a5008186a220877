package api_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestMembersAndActivitiesAPI walks the fixed endpoints of API.md: the
// member list (phones masked), an activity's sign-ups with the waitlist,
// the caller's cancellation, check-in with the rotating code, and checks
// each answer against its schema.
func TestMembersAndActivitiesAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pt := partyOf(e)
		res := e.as(auth.CommunityStaff, "POST", "/members", map[string]any{"name": "王建国", "phone": "13912345678", "kind": "在职",
			"party_org_id": pt.org[false], "home_area": testkit.ResA2})
		if res.status != 201 {
			t.Fatalf("create member: %d %s", res.status, res.body)
		}
		conforms(t, "Member", res)
		res = e.as(auth.CommunityStaff, "GET", "/members?area="+testkit.ResA1+"&kind=在职&q=王", nil)
		conforms(t, "MemberList", res)
		l := decodeJSON[listBody[map[string]any]](t, res)
		if l.Total != 1 || l.Items[0]["phone"] != "139****5678" {
			t.Errorf("member list: %+v, want 王建国 with a masked phone", l.Items)
		}
		if strings.Contains(string(res.body), "13912345678") {
			t.Error("the list shows a whole phone")
		}
		res = e.as(auth.CommunityStaff, "POST", "/members", map[string]any{"name": "", "kind": "在职", "party_org_id": pt.org[false]})
		if res.status != 400 || !strings.Contains(string(res.body), `"field":"name"`) {
			t.Errorf("a member without a name: %d %s", res.status, res.body)
		}
		res = e.as(auth.CommunityStaff, "GET", "/members/follow-up?area="+testkit.ResA1, nil)
		conforms(t, "FollowUp", res)

		// An activity with one place: the member is confirmed, the resident waits.
		start := e.clock.Now().Add(30 * time.Minute)
		res = e.as(auth.CommunityStaff, "POST", "/activities", map[string]any{"title": "楼道清洁", "start": start, "end": start.Add(2 * time.Hour),
			"place": "东湖居民区党群服务站", "audience": "all", "capacity": 1, "area": testkit.ResA1})
		if res.status != 201 {
			t.Fatalf("publish: %d %s", res.status, res.body)
		}
		conforms(t, "Activity", res)
		aid := strconv.FormatInt(int64(decodeJSON[map[string]any](t, res)["id"].(float64)), 10)
		res = e.as(auth.Member, "GET", "/activities?area="+testkit.ResA1, nil)
		conforms(t, "ActivityList", res)
		// A slice, not a map: the order of signing up decides who waits.
		for _, c := range []struct {
			role auth.Role
			want string
		}{{auth.Member, "confirmed"}, {auth.Resident, "waitlisted"}} {
			role, want := c.role, c.want
			res = e.as(role, "POST", "/activities/"+aid+"/signups", nil)
			if res.status != 201 || decodeJSON[map[string]any](t, res)["status"] != want {
				t.Errorf("%s signs up: %d %s, want 201 %s", role, res.status, res.body, want)
			}
			conforms(t, "Signup", res)
		}
		res = e.as(auth.Member, "DELETE", "/activities/"+aid+"/signups/me", nil)
		if res.status != 200 || decodeJSON[map[string]any](t, res)["status"] != "cancelled" {
			t.Errorf("cancel: %d %s", res.status, res.body)
		}
		code, _, err := e.activitySvc().CurrentCode(context.Background(), auth.SystemPrincipal(), mustInt(t, aid))
		if err != nil {
			t.Fatal(err)
		}
		// The resident moved up and checks in with the code.
		res = e.as(auth.Resident, "POST", "/activities/"+aid+"/checkin", map[string]any{"code": code})
		if res.status != 200 {
			t.Fatalf("check-in of the promoted resident: %d %s", res.status, res.body)
		}
		conforms(t, "Signup", res)
		res = e.as(auth.Resident, "POST", "/activities/"+aid+"/checkout", map[string]any{"code": "FORGED0000000000"})
		if res.status != 400 {
			t.Errorf("a forged code: %d %s, want 400", res.status, res.body)
		}
		res = e.as(auth.CommunityStaff, "GET", "/activities/"+aid+"/headcount", nil)
		conforms(t, "HeadCount", res)
		if c := decodeJSON[map[string]float64](t, res); c["present"] != 1 || c["confirmed"] != 1 {
			t.Errorf("head count: %v", c)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
