package api_test

import (
	"context"
	"strconv"
	"sync"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

var orgReportSerial sync.Mutex

// unitOrgFor adds a fresh unit's party organisation in ResA1 (of the
// liaison's unit) or ResB1 (of a unit there).
func (e *env) unitOrgFor(out bool) int64 {
	e.t.Helper()
	orgReportSerial.Lock()
	defer orgReportSerial.Unlock()
	ctx := context.Background()
	code := pick(out, testkit.ResA1, testkit.ResB1)
	path, err := area.Path(ctx, e.db, code)
	if err != nil {
		e.t.Fatal(err)
	}
	unit := pick(out, e.f.Units[testkit.LiaisonUnit], e.f.Units[testkit.UnitInB1])
	id, err := db.InsertID(ctx, e.db, "INSERT INTO party_orgs (name, kind, area_code, area_path, unit_id) VALUES (?, 'unit_party_org', ?, ?, ?)",
		"单位党支部 "+code, code, path, unit)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// orgReportFor registers a fresh unit organisation of ResA1 or ResB1, as the system.
func (e *env) orgReportFor(out bool) int64 {
	e.t.Helper()
	o, err := e.partySvc().RegisterOrg(context.Background(), auth.SystemPrincipal(), party.OrgReportInput{PartyOrgID: e.unitOrgFor(out),
		Area: pick(out, testkit.ResA1, testkit.ResB1), ContactName: "联络人", ContactPhone: "13800003333", Offers: []string{"会议室"}})
	if err != nil {
		e.t.Fatal(err)
	}
	return o.ID
}

// serviceLogFor writes a log of the dual-reported member of ResA1 or
// ResB1 at their post, pending or rejected.
func (e *env) serviceLogFor(out bool, status string) int64 {
	e.t.Helper()
	ctx := context.Background()
	code := pick(out, testkit.ResA1, testkit.ResB1)
	path, err := area.Path(ctx, e.db, code)
	if err != nil {
		e.t.Fatal(err)
	}
	at := e.clock.Now().Add(-3 * time.Hour)
	id, err := db.InsertID(ctx, e.db, `INSERT INTO member_service_logs (member_id, post, area_code, area_path, started_at, ended_at, note, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, partyOf(e).member[out], "志愿调解", code, path, at, at.Add(time.Hour), "调解邻里纠纷", status, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// reportedMemberAccount makes the member account's own member record (see
// pointsOf) dual-reported to ResA1 with the post 志愿调解.
func (e *env) reportedMemberAccount() {
	e.t.Helper()
	pointsOf(e)
	ctx := context.Background()
	mine, err := party.MemberOfUser(ctx, e.db, e.f.Users[auth.Member].UserID)
	if err != nil || mine == nil {
		e.t.Fatalf("the member account's member: %v", err)
	}
	if _, err := e.partySvc().Report(ctx, auth.SystemPrincipal(), *mine, party.ReportInput{Area: testkit.ResA1, Posts: []string{"志愿调解"}}); err != nil {
		e.t.Fatal(err)
	}
}

// orgReportMatrixRows are the matrix rows of organisations' dual reporting
// and of service logs.
func orgReportMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	list := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			e.orgReportFor(false)
			e.orgReportFor(true)
			return path + "area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}
	}
	return map[string]matrixRow{
		"GET /org-reports":        {"registrations with ResA1 vs ResB1", list("/org-reports?"), "200 200 200 403 403 403 403 200", "200 empty empty 403 403 403 403 200"},
		"GET /org-reports/export": {"registrations with ResA1 vs ResB1", list("/org-reports/export?"), "200 200 200 403 403 403 403 200", "200 200 200 403 403 403 403 200"},
		// The unit liaison registers its own unit's organisation; staff who
		// do not see the organisation get 400 (no such organisation).
		"POST /org-reports": {"a unit's organisation of ResA1 (the liaison's unit) vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/org-reports", map[string]any{"party_org_id": e.unitOrgFor(out), "area": pick(out, testkit.ResA1, testkit.ResB1), "contact_name": "联络人",
				"offers": []string{"会议室每周一次"}}
		}, "201 201 201 400 201 400 400 403", "201 400 400 400 400 400 400 403"},
		"GET /org-reports/{id}": {"a registration with ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/org-reports/" + id(e.orgReportFor(out)), nil
		}, "200 200 200 404 200 404 404 200", "200 404 404 404 404 404 404 200"},
		"POST /org-reports/{id}/confirm": {"a pending registration with ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/org-reports/" + id(e.orgReportFor(out)) + "/confirm", map[string]any{}
		}, "200 200 200 404 403 404 404 403", "200 404 404 404 404 404 404 403"},
		"GET /service-logs": {"rejected logs of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			e.serviceLogFor(false, party.LogRejected)
			e.serviceLogFor(true, party.LogRejected)
			return "/service-logs?status=rejected&area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, "200 200 200 empty empty empty empty 200", "200 empty empty empty empty empty empty 200"},
		// Only the member account, dual-reported, logs; out: a post it did not choose.
		"POST /service-logs": {"the member account's post vs a post it did not choose", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			e.reportedMemberAccount()
			at := e.clock.Now().Add(-2 * time.Hour)
			return "/service-logs", map[string]any{"post": pick(out, "志愿调解", "楼组长助理"), "start": at, "end": at.Add(time.Hour), "note": "调解"}
		}, "403 403 403 403 403 201 403 403", "403 403 403 403 403 400 403 403"},
		"POST /service-logs/{id}/decision": {"a pending log of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/service-logs/" + id(e.serviceLogFor(out, party.LogPending)) + "/decision", map[string]any{"approve": true}
		}, "200 200 200 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
	}
}
