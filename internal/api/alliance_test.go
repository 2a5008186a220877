package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"gongzhi/internal/alliance"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/testkit"
)

// TestAllianceLeaveEditClose goes round the API: a member leaves and shows
// as former, a commitment is edited, closed as not kept, and then refuses
// an edit and a second close (409) with nothing changed.
func TestAllianceLeaveEditClose(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		a, m, c := e.allianceIn(false)
		staff := auth.CommunityStaff
		id := func(n int64) string { return strconv.FormatInt(n, 10) }
		const state = `SELECT (SELECT count(*) FROM audit_log) + (SELECT count(*) FROM alliance_members WHERE left_on IS NOT NULL) * 1000 +
			(SELECT count(*) FROM alliance_commitments WHERE done_on IS NOT NULL OR not_kept_on IS NOT NULL) * 100000`

		before := e.count(state)
		wantError(t, e.as(staff, "POST", "/alliance-members/"+id(m.ID)+"/leave", map[string]any{}), http.StatusBadRequest, errs.EINVALID, "reason")
		wantError(t, e.as(staff, "POST", "/alliance-members/"+id(m.ID)+"/leave", map[string]any{"reason": "x", "left_on": "2030-01-01"}), http.StatusBadRequest, errs.EINVALID, "left_on")
		if e.count(state) != before {
			t.Fatal("refused leaves changed something")
		}
		r := e.as(staff, "POST", "/alliance-members/"+id(m.ID)+"/leave", map[string]any{"reason": "迁出本街道"})
		if r.status != http.StatusOK {
			t.Fatalf("leave: %s", r)
		}
		if got := decodeJSON[alliance.Member](t, r); got.LeftOn != "2026-11-30" || got.LeftReason != "迁出本街道" {
			t.Errorf("left: %+v", got)
		}
		before = e.count(state)
		wantError(t, e.as(staff, "POST", "/alliance-members/"+id(m.ID)+"/leave", map[string]any{"reason": "again"}), http.StatusConflict, errs.ECONFLICT, "")
		if e.count(state) != before {
			t.Fatal("leaving twice changed something")
		}
		got := decodeJSON[alliance.Alliance](t, e.as(auth.Auditor, "GET", "/alliances/"+id(a.ID), nil))
		if got.Members != 0 || len(got.MemberList) != 0 || len(got.Former) != 1 || got.Former[0].LeftReason != "迁出本街道" || len(got.Commitments) != 1 || !got.Commitments[0].MemberLeft {
			t.Errorf("after leaving: %+v", got)
		}

		wantError(t, e.as(staff, "PATCH", "/alliance-commitments/"+id(c.ID), map[string]any{"due_on": "年底"}), http.StatusBadRequest, errs.EINVALID, "due_on")
		r = e.as(staff, "PATCH", "/alliance-commitments/"+id(c.ID), map[string]any{"text": "每月义诊两次", "target": "全年24次"})
		if r.status != http.StatusOK {
			t.Fatalf("edit: %s", r)
		}
		if ed := decodeJSON[alliance.Commitment](t, r); ed.Text != "每月义诊两次" || ed.Target != "全年24次" || ed.DueOn != "2026-12-31" {
			t.Errorf("edited: %+v", ed)
		}
		wantError(t, e.as(staff, "POST", "/alliance-commitments/"+id(c.ID)+"/close", map[string]any{"outcome": "maybe", "note": "x"}), http.StatusBadRequest, errs.EINVALID, "outcome")
		r = e.as(staff, "POST", "/alliance-commitments/"+id(c.ID)+"/close", map[string]any{"outcome": "not_kept", "note": "成员已退出"})
		if r.status != http.StatusOK {
			t.Fatalf("close: %s", r)
		}
		if cl := decodeJSON[alliance.Commitment](t, r); cl.Status != alliance.StatusNotKept || cl.NotKeptOn != "2026-11-30" || cl.CloseNote != "成员已退出" {
			t.Errorf("closed: %+v", cl)
		}
		before = e.count(state)
		wantError(t, e.as(staff, "PATCH", "/alliance-commitments/"+id(c.ID), map[string]any{"text": "改"}), http.StatusConflict, errs.ECONFLICT, "")
		wantError(t, e.as(staff, "POST", "/alliance-commitments/"+id(c.ID)+"/close", map[string]any{"outcome": "kept", "note": "x"}), http.StatusConflict, errs.ECONFLICT, "")
		if e.count(state) != before {
			t.Fatal("changes to a closed commitment changed something")
		}
		got = decodeJSON[alliance.Alliance](t, e.as(auth.Auditor, "GET", "/alliances/"+id(a.ID), nil))
		if got.Fulfilment.NotKept != 1 || got.Commitments[0].Text != "每月义诊两次" {
			t.Errorf("after closing: %+v", got)
		}
	})
}
