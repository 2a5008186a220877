package api_test

import (
	"context"
	"fmt"
	"strconv"
	"sync"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/fund"
	"gongzhi/internal/testkit"
)

// fundTargets are the fund records the matrix aims at: a fund in ResA1
// and one in ResB1, each with money, a donation, a proposed disbursement
// and an approved project of its own area to pay.
type fundTargets struct {
	fund, entry, disbursement, project map[bool]int64 // by out
}

var (
	fundTargetsMu sync.Mutex
	fundTargetsOf = map[*env]*fundTargets{}
)

// fundsOf makes (once per env) and returns the fund targets.
func fundsOf(e *env) *fundTargets {
	fundTargetsMu.Lock()
	defer fundTargetsMu.Unlock()
	if ft := fundTargetsOf[e]; ft != nil {
		return ft
	}
	ft := &fundTargets{fund: map[bool]int64{}, entry: map[bool]int64{}, disbursement: map[bool]int64{}, project: map[bool]int64{}}
	for _, out := range []bool{false, true} {
		code := pick(out, testkit.ResA1, testkit.ResB1)
		f := e.fundWithMoney(code, 1_000_000_000)
		ft.fund[out] = f.ID
		ft.entry[out] = e.donate(f.ID, 5_000)
		ft.project[out] = e.approvedProject(code)
		ft.disbursement[out] = e.proposeAsSystem(f.ID, ft.project[out], 100)
	}
	fundTargetsOf[e] = ft
	e.t.Cleanup(func() {
		fundTargetsMu.Lock()
		delete(fundTargetsOf, e)
		fundTargetsMu.Unlock()
	})
	return ft
}

// fundWithMoney opens a fund in an area with government money, as the system.
func (e *env) fundWithMoney(code string, fen int64) fund.Fund {
	e.t.Helper()
	f, err := e.fund.CreateFund(context.Background(), auth.SystemPrincipal(), fund.FundInput{Name: fmt.Sprintf("公益基金 %s %d", code, len(fundTargetsOf)), Area: code})
	if err != nil {
		e.t.Fatal(err)
	}
	if fen > 0 {
		e.donate(f.ID, fen)
	}
	return f
}

// donate records government money into a fund, as the system.
func (e *env) donate(fundID, fen int64) int64 {
	e.t.Helper()
	en, err := e.fund.RecordIn(context.Background(), auth.SystemPrincipal(), fundID, fund.EntryInput{Direction: "in", Source: "government", AmountFen: fen, DonorName: "区财政"})
	if err != nil {
		e.t.Fatal(err)
	}
	return en.ID
}

// proposeAsSystem proposes a disbursement nobody in the fixture proposed.
func (e *env) proposeAsSystem(fundID, project, fen int64) int64 {
	e.t.Helper()
	d, err := e.fund.Propose(context.Background(), auth.SystemPrincipal(), fundID, fund.DisbursementInput{ProjectID: project, AmountFen: fen})
	if err != nil {
		e.t.Fatal(err)
	}
	return d.ID
}

// approvedProject adds an approved service project in an area, written
// as the lists capability writes one.
func (e *env) approvedProject(code string) int64 {
	e.t.Helper()
	ctx := context.Background()
	path, err := area.Path(ctx, e.db, code)
	if err != nil {
		e.t.Fatal(err)
	}
	var n int
	e.db.QueryRow(ctx, "SELECT count(*) FROM projects").Scan(&n)
	now := e.clock.Now()
	id, err := db.InsertID(ctx, e.db, `INSERT INTO projects (title, domain, level, area_code, area_path, status, beneficiaries, rate_token, created_at, updated_at)
		VALUES (?, 'livelihood', 'residential', ?, ?, 'approved', 30, ?, ?, ?)`, "楼道微更新 "+code, code, path, fmt.Sprintf("fund-matrix-%d-%s", n, code), now, now)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// fundMatrixRows are the matrix rows of the fund capability's routes.
// Targets: the fund, donation and disbursement in ResA1 vs in ResB1;
// cells that change one (a reversal, a decision) get a fresh one.
func fundMatrixRows() map[string]matrixRow {
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	fundPath := func(suffix string, body func(e *env, m *matrixTargets, r auth.Role, out bool) any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			var b any
			if body != nil {
				b = body(e, m, r, out)
			}
			return "/funds/" + id(fundsOf(e).fund[out]) + suffix, b
		}
	}
	entry := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/fund-entries/" + id(fundsOf(e).entry[out]) + suffix, nil
		}
	}
	decide := func(verb string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			ft := fundsOf(e)
			return "/disbursements/" + id(e.proposeAsSystem(ft.fund[out], ft.project[out], 100)) + "/" + verb, map[string]any{}
		}
	}
	const (
		listIn    = "200 200 200 403 403 403 403 200"
		listOut   = "200 empty empty 403 403 403 403 200"
		readIn    = "200 200 200 404 404 404 404 200"
		readOut   = "200 404 404 404 404 404 404 200"
		writeIn   = "201 201 201 404 404 404 404 403"
		writeOut  = "201 404 404 404 404 404 404 403"
		decideIn  = "200 200 403 404 404 404 404 403"
		decideOut = "200 404 404 404 404 404 404 403"
	)
	return map[string]matrixRow{
		"GET /funds": {"funds of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			fundsOf(e)
			return "/funds?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}, listIn, listOut},
		"POST /funds": {"a fund of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/funds", map[string]any{"name": m.unique("基金", r, out), "area": pick(out, testkit.ResA1, testkit.ResB1)}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /funds/{id}":               {"the fund of ResA1 vs ResB1", fundPath("", nil), readIn, readOut},
		"GET /funds/{id}/entries":       {"the ledger of ResA1's fund vs ResB1's", fundPath("/entries", nil), readIn, readOut},
		"GET /funds/{id}/disbursements": {"the disbursements of ResA1's fund vs ResB1's", fundPath("/disbursements", nil), readIn, readOut},
		"GET /funds/{id}/export":        {"the ledger of ResA1's fund vs ResB1's", fundPath("/export", nil), readIn, readOut},
		"POST /funds/{id}/entries": {"money into ResA1's fund vs ResB1's", fundPath("/entries", func(*env, *matrixTargets, auth.Role, bool) any {
			return map[string]any{"direction": "in", "source": "resident", "amount_fen": 100}
		}), writeIn, writeOut},
		"POST /funds/{id}/disbursements": {"money for a project of ResA1 vs ResB1", fundPath("/disbursements", func(e *env, m *matrixTargets, r auth.Role, out bool) any {
			return map[string]any{"project_id": fundsOf(e).project[out], "amount_fen": 100}
		}), writeIn, writeOut},
		// Public: the id is the key; a made-up one names nothing.
		"GET /funds/{id}/public": {"ResA1's fund vs a made-up one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/funds/99999999/public", nil
			}
			return "/funds/" + id(fundsOf(e).fund[false]) + "/public", nil
		}, "200 200 200 200 200 200 200 200", "404 404 404 404 404 404 404 404"},
		"GET /fund-entries/{id}":         {"a donation to ResA1's fund vs ResB1's", entry(""), readIn, readOut},
		"GET /fund-entries/{id}/receipt": {"a donation to ResA1's fund vs ResB1's", entry("/receipt"), readIn, readOut},
		"POST /fund-entries/{id}/reverse": {"a fresh donation to ResA1's fund vs ResB1's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/fund-entries/" + id(e.donate(fundsOf(e).fund[out], 100)) + "/reverse", map[string]any{"reason": "记错"}
		}, writeIn, writeOut},
		"GET /disbursements/{id}": {"a disbursement of ResA1's fund vs ResB1's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/disbursements/" + id(fundsOf(e).disbursement[out]), nil
		}, readIn, readOut},
		// Deciding takes fund.approve: street level and up.
		"POST /disbursements/{id}/approve": {"a fresh proposal of ResA1's fund vs ResB1's", decide("approve"), decideIn, decideOut},
		"POST /disbursements/{id}/reject":  {"a fresh proposal of ResA1's fund vs ResB1's", decide("reject"), decideIn, decideOut},
	}
}
