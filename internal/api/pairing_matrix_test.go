package api_test

import (
	"bytes"
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/pairing"
	"gongzhi/internal/party"
	"gongzhi/internal/testkit"
)

// pairingTargets are the records the pairing matrix aims at: a person in
// care in ResA1 (paired with the member account's own member record) and
// one in ResB1 (paired with a member of ResB1).
type pairingTargets struct {
	person, pair map[bool]int64 // by out
	memberUser   int64
}

var (
	pairingTargetsMu sync.Mutex
	pairingTargetsOf = map[*env]*pairingTargets{}
)

func (e *env) pairingSvc() *pairing.Service { return pairing.NewService(e.db, e.clock) }

// pairingOf makes (once per env) and returns the pairing targets.
func pairingOf(e *env) *pairingTargets {
	pointsOf(e) // links the member account to its member record
	pt0 := partyOf(e)
	pairingTargetsMu.Lock()
	defer pairingTargetsMu.Unlock()
	if pt := pairingTargetsOf[e]; pt != nil {
		return pt
	}
	ctx, sys := context.Background(), auth.SystemPrincipal()
	pt := &pairingTargets{person: map[bool]int64{}, pair: map[bool]int64{}, memberUser: e.f.Users[auth.Member].UserID}
	mine, err := party.MemberOfUser(ctx, e.db, pt.memberUser)
	if err != nil || mine == nil {
		e.t.Fatalf("the member account's member: %v", err)
	}
	for _, out := range []bool{false, true} {
		pt.person[out] = e.carePerson(out)
		m := pick(out, *mine, pt0.member[true])
		x, err := e.pairingSvc().MakePair(ctx, sys, pt.person[out], pairing.PairInput{MemberID: m})
		if err != nil {
			e.t.Fatal(err)
		}
		pt.pair[out] = x.ID
	}
	pairingTargetsOf[e] = pt
	e.t.Cleanup(func() {
		pairingTargetsMu.Lock()
		delete(pairingTargetsOf, e)
		pairingTargetsMu.Unlock()
	})
	return pt
}

// carePerson adds a person in care in ResA1 or ResB1, as the system.
func (e *env) carePerson(out bool) int64 {
	e.t.Helper()
	c, err := e.pairingSvc().AddPerson(context.Background(), auth.SystemPrincipal(), pairing.PersonInput{Kind: "独居老人", Name: "关爱对象",
		Area: pick(out, testkit.ResA1, testkit.ResB1), Address: "1号楼101", Phone: "13900001111"})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}

// freshMember adds a party member of ResA1's or ResB1's organisation.
func (e *env) freshMember(out bool) int64 {
	e.t.Helper()
	m, err := e.partySvc().Create(context.Background(), auth.SystemPrincipal(), party.Input{Name: "结对党员", Kind: "退休", PartyOrgID: partyOf(e).org[out]})
	if err != nil {
		e.t.Fatal(err)
	}
	return m.ID
}

// careRow inserts a row of a pair's area for a cell that changes it.
func (e *env) careRow(out bool, q string, args ...any) int64 {
	e.t.Helper()
	path, err := area.Path(context.Background(), e.db, pick(out, testkit.ResA1, testkit.ResB1))
	if err != nil {
		e.t.Fatal(err)
	}
	id, err := db.InsertID(context.Background(), e.db, q, append(args, path)...)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// pairingMatrixRows are the matrix rows of the pairing routes.
func pairingMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	byArea := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pairingOf(e)
			return path + "?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}
	}
	person := func(suffix string, body func(e *env, out bool) any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			var b any
			if body != nil {
				b = body(e, out)
			}
			return "/care-people/" + id(pairingOf(e).person[out]) + suffix, b
		}
	}
	pendingLog := func(e *env, out bool) int64 {
		pt := pairingOf(e)
		var by any
		if !out {
			by = pt.memberUser
		}
		return e.careRow(out, `INSERT INTO care_logs (pair_id, kind, at, minutes, note, status, logged_by, created_at, area_path)
			VALUES (?, 'visit', ?, 30, '', 'pending', ?, ?, ?)`, pt.pair[out], e.clock.Now().Add(-time.Hour), by, e.clock.Now())
	}
	openRequest := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			rid := e.careRow(out, `INSERT INTO care_requests (person_id, body, callback, status, created_at, area_path) VALUES (?, '求助', '13700002222', 'open', ?, ?)`,
				pairingOf(e).person[out], e.clock.Now())
			return "/care-requests/" + id(rid) + suffix, nil
		}
	}
	const (
		listIn   = "200 200 200 403 403 403 403 200"
		listOut  = "200 empty empty 403 403 403 403 200"
		mineIn   = "200 200 200 403 403 200 403 200"
		mineOut  = "200 empty empty 403 403 empty 403 200"
		readAll  = "200 200 200 403 403 403 403 200"
		writeIn  = "201 201 201 404 404 404 404 403"
		writeOut = "201 404 404 404 404 404 404 403"
		ansIn    = "200 200 200 404 404 200 404 403"
		ansOut   = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /care-people": {"people in care of ResA1 vs ResB1", byArea("/care-people"), listIn, listOut},
		"POST /care-people": {"a person in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/care-people", map[string]any{"kind": "独居老人", "name": m.unique("老人", r, out), "area": pick(out, testkit.ResA1, testkit.ResB1)}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"POST /care-people/import": {"a file with a person in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/care-people/import?filename=people.xlsx", string(careSheet(e.t, [][]any{{"类别", "姓名", "居民区"}, {"独居老人", m.unique("导入", r, out), pick(out, testkit.ResA1, testkit.ResB1)}}))
		}, "200 200 200 403 403 403 403 403", "200 400 400 403 403 403 403 403"},
		// The member reads the person they are paired with.
		"GET /care-people/{id}":        {"a person of ResA1 (paired with the member) vs ResB1", person("", nil), "200 200 200 404 404 200 404 200", "200 404 404 404 404 404 404 200"},
		"POST /care-people/{id}/pairs": {"a fresh member paired with a person of ResA1 vs ResB1", person("/pairs", func(e *env, out bool) any { return map[string]any{"member_id": e.freshMember(out)} }), writeIn, writeOut},
		"POST /care-people/{id}/link":  {"a person of ResA1 vs ResB1", person("/link", nil), writeIn, writeOut},
		"POST /care-pairs/{id}/end": {"a fresh pair of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			x, err := e.pairingSvc().MakePair(context.Background(), auth.SystemPrincipal(), pairingOf(e).person[out], pairing.PairInput{MemberID: e.freshMember(out)})
			if err != nil {
				e.t.Fatal(err)
			}
			return "/care-pairs/" + id(x.ID) + "/end", nil
		}, "200 200 200 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		"GET /care-pairs/mine": {"the caller's own pairs (the member has one)", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			pairingOf(e)
			return "/care-pairs/mine", nil
		}, "empty empty empty empty empty 200 empty empty", "empty empty empty empty empty 200 empty empty"},
		"GET /care-pairs/overdue": {"overdue pairs of ResA1 vs ResB1", byArea("/care-pairs/overdue"), listIn, listOut},
		"GET /care-gaps/export":   {"the gap lists of ResA1 vs ResB1", byArea("/care-gaps/export"), readAll, readAll},
		// Only the paired member logs: another member's pair is not found.
		"POST /care-pairs/{id}/logs": {"the member's pair in ResA1 vs a pair in ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/care-pairs/" + id(pairingOf(e).pair[out]) + "/logs", map[string]any{"kind": "visit", "at": e.clock.Now().Add(-time.Hour), "minutes": 30, "note": "聊天"}
		}, "403 403 403 403 403 201 403 403", "403 403 403 403 403 404 403 403"},
		"GET /care-logs": {"logs of ResA1 vs ResB1", byArea("/care-logs"), mineIn, mineOut},
		// The member logged the ResA1 log: a second person decides (the member lacks pairing.write anyway).
		"POST /care-logs/{id}/decision": {"a pending log of ResA1 (by the member) vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/care-logs/" + id(pendingLog(e, out)) + "/decision", map[string]any{"approve": true}
		}, "200 200 200 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		"GET /care-requests":                {"requests of ResA1 vs ResB1", byArea("/care-requests"), mineIn, mineOut},
		"GET /care-requests/response-times": {"response times of ResA1 vs ResB1", byArea("/care-requests/response-times"), readAll, readAll},
		"POST /care-requests/{id}/ack":      {"an open request of ResA1 (the member's pair) vs ResB1", openRequest("/ack"), ansIn, ansOut},
		"POST /care-requests/{id}/close":    {"an open request of ResA1 (the member's pair) vs ResB1", openRequest("/close"), ansIn, ansOut},
		// Public: a valid link vs a made-up one.
		"GET /care-links/{token}": {"a valid link vs a made-up one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/care-links/nosuchtoken", nil
			}
			l, err := e.pairingSvc().MakeLink(context.Background(), auth.SystemPrincipal(), e.carePerson(false))
			if err != nil {
				e.t.Fatal(err)
			}
			return "/care-links/" + l.Token, nil
		}, "200 200 200 200 200 200 200 200", "404 404 404 404 404 404 404 404"},
		"POST /care-links/{token}/requests": {"a fresh person's link vs a made-up one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			body := map[string]any{"body": "家里停电了", "callback": "13700003333"}
			if out {
				return "/care-links/nosuchtoken/requests", body
			}
			l, err := e.pairingSvc().MakeLink(context.Background(), auth.SystemPrincipal(), e.carePerson(false))
			if err != nil {
				e.t.Fatal(err)
			}
			return "/care-links/" + l.Token + "/requests", body
		}, "201 201 201 201 201 201 201 201", "404 404 404 404 404 404 404 404"},
	}
}

// careSheet is an XLSX file of rows, as staff keep their lists.
func careSheet(t testing.TB, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
