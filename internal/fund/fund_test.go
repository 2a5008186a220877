package fund_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/fund"
	"gongzhi/internal/testkit"
)

// kit is a fixture district with a fund service and the people who use it.
type kit struct {
	t   *testing.T
	d   *db.DB
	f   *testkit.Fixture
	s   *fund.Service
	ctx context.Context
}

func newKit(t *testing.T, d *db.DB) *kit {
	f := testkit.NewFixture(t, d)
	return &kit{t: t, d: d, f: f, s: fund.NewService(d, testkit.Clock()), ctx: context.Background()}
}

func (k *kit) as(r auth.Role) *auth.Principal { return k.f.Users[r] }

// project adds a service project in an area with a status, as the lists
// capability would have written it.
func (k *kit) project(code, status string, beneficiaries int) int64 {
	k.t.Helper()
	path, err := area.Path(k.ctx, k.d, code)
	if err != nil {
		k.t.Fatal(err)
	}
	b := make([]byte, 8)
	rand.Read(b)
	now := testkit.Clock().Now()
	id, err := db.InsertID(k.ctx, k.d, `INSERT INTO projects (title, domain, level, area_code, area_path, status, beneficiaries, rate_token, created_at, updated_at)
		VALUES (?, 'livelihood', 'residential', ?, ?, ?, ?, ?, ?, ?)`, "项目 "+status+" "+hex.EncodeToString(b[:2]), code, path, status, beneficiaries, hex.EncodeToString(b), now, now)
	if err != nil {
		k.t.Fatal(err)
	}
	return id
}

// newFund opens a fund as the system and puts money in from the government.
func (k *kit) newFund(code string, fen int64) fund.Fund {
	k.t.Helper()
	sys := auth.SystemPrincipal()
	f, err := k.s.CreateFund(k.ctx, sys, fund.FundInput{Name: "社区公益基金 " + code, Area: code})
	if err != nil {
		k.t.Fatal(err)
	}
	if fen > 0 {
		if _, err := k.s.RecordIn(k.ctx, sys, f.ID, fund.EntryInput{Direction: "in", Source: "government", AmountFen: fen, DonorName: "区财政"}); err != nil {
			k.t.Fatal(err)
		}
	}
	return f
}

func (k *kit) balance(id int64) int64 {
	k.t.Helper()
	f, err := k.s.Fund(k.ctx, auth.SystemPrincipal(), id)
	if err != nil {
		k.t.Fatal(err)
	}
	return f.BalanceFen
}

// state sums up every fund record, to show a refused request changed nothing.
func (k *kit) state() string {
	k.t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT count(*) FROM funds", "SELECT count(*) FROM fund_entries", "SELECT COALESCE(sum(balance_fen), 0) FROM funds",
		"SELECT count(*) FROM fund_disbursements WHERE status = 'proposed'", "SELECT count(*) FROM fund_disbursements WHERE status <> 'proposed'",
		"SELECT count(*) FROM audit_log"} {
		var n int64
		if err := k.d.QueryRow(k.ctx, q).Scan(&n); err != nil {
			k.t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&b, "%d ", n)
	}
	return b.String()
}

// ledgerHolds checks the database's balance against the sum of the ledger.
func (k *kit) ledgerHolds(id int64) {
	k.t.Helper()
	var sum, balance int64
	if err := k.d.QueryRow(k.ctx, `SELECT COALESCE(sum(CASE WHEN direction = 'in' THEN amount_fen ELSE -amount_fen END), 0) FROM fund_entries WHERE fund_id = ?`, id).Scan(&sum); err != nil {
		k.t.Fatal(err)
	}
	if err := k.d.QueryRow(k.ctx, "SELECT balance_fen FROM funds WHERE id = ?", id).Scan(&balance); err != nil {
		k.t.Fatal(err)
	}
	if sum != balance || balance < 0 {
		k.t.Errorf("fund %d: balance %d, ledger sums to %d", id, balance, sum)
	}
}

func wantCode(t *testing.T, what string, err error, code, field string) {
	t.Helper()
	if errs.Code(err) != code {
		t.Errorf("%s: got %v, want %s", what, err, code)
		return
	}
	if field == "" {
		return
	}
	for _, d := range errs.DetailsOf(err) {
		if d.Field == field {
			return
		}
	}
	t.Errorf("%s: %v names no field %s (details %+v)", what, err, field, errs.DetailsOf(err))
}

// TestFunds: a fund opens for a street or residential area in the
// caller's scope, once per name, and is listed and read only in scope.
func TestFunds(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		cs := k.as(auth.CommunityStaff)
		f, err := k.s.CreateFund(k.ctx, cs, fund.FundInput{Name: " 东湖居民区公益基金 ", Area: testkit.ResA1})
		if err != nil || f.Name != "东湖居民区公益基金" || f.AreaName != "东湖居民区" || len(f.BySource) != 3 {
			t.Fatalf("create: %+v, %v", f, err)
		}
		before := k.state()
		_, err = k.s.CreateFund(k.ctx, cs, fund.FundInput{Name: "东湖居民区公益基金", Area: testkit.ResA1})
		wantCode(t, "same name twice", err, errs.EINVALID, "name")
		_, err = k.s.CreateFund(k.ctx, cs, fund.FundInput{Area: testkit.District})
		wantCode(t, "no name, on the district", err, errs.EINVALID, "name")
		wantCode(t, "no name, on the district", err, errs.EINVALID, "area")
		_, err = k.s.CreateFund(k.ctx, cs, fund.FundInput{Name: "x", Area: testkit.GridA1})
		wantCode(t, "on a grid", err, errs.EINVALID, "area")
		_, err = k.s.CreateFund(k.ctx, cs, fund.FundInput{Name: "x", Area: "999"})
		wantCode(t, "unknown area", err, errs.EINVALID, "area")
		_, err = k.s.CreateFund(k.ctx, cs, fund.FundInput{Name: "x", Area: testkit.ResB1})
		wantCode(t, "out of scope", err, errs.EFORBIDDEN, "")
		_, err = k.s.CreateFund(k.ctx, k.as(auth.Auditor), fund.FundInput{Name: "x", Area: testkit.ResA1})
		wantCode(t, "auditor", err, errs.EFORBIDDEN, "")
		if after := k.state(); after != before {
			t.Fatalf("refused creations changed records: %s → %s", before, after)
		}
		other := k.newFund(testkit.ResB1, 0)

		l, err := k.s.Funds(k.ctx, cs, fund.FundFilter{})
		if err != nil || l.Total != 1 || l.Items[0].ID != f.ID {
			t.Errorf("community staff list: %+v, %v", l, err)
		}
		l, err = k.s.Funds(k.ctx, k.as(auth.Auditor), fund.FundFilter{Area: testkit.StreetB})
		if err != nil || l.Total != 1 || l.Items[0].ID != other.ID {
			t.Errorf("auditor on StreetB: %+v, %v", l, err)
		}
		_, err = k.s.Funds(k.ctx, k.as(auth.Resident), fund.FundFilter{})
		wantCode(t, "resident list", err, errs.EFORBIDDEN, "")
		_, err = k.s.Funds(k.ctx, cs, fund.FundFilter{Area: "999"})
		wantCode(t, "unknown area filter", err, errs.EINVALID, "area")
		_, err = k.s.Fund(k.ctx, cs, other.ID)
		wantCode(t, "other street's fund", err, errs.ENOTFOUND, "")
		_, err = k.s.Fund(k.ctx, k.as(auth.GridWorker), f.ID)
		wantCode(t, "grid worker", err, errs.ENOTFOUND, "")
	})
}

// TestLedger: money in by source and donor, bad input refused whole,
// reversals as the only correction, receipts and the XLSX export.
func TestLedger(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		cs := k.as(auth.CommunityStaff)
		f := k.newFund(testkit.ResA1, 0)
		unit := k.f.Units[testkit.UnitInA1]
		in := func(e fund.EntryInput) fund.Entry {
			t.Helper()
			got, err := k.s.RecordIn(k.ctx, cs, f.ID, e)
			if err != nil {
				t.Fatalf("record %+v: %v", e, err)
			}
			return got
		}
		gov := in(fund.EntryInput{Direction: "in", Source: "government", AmountFen: 5_000_000, DonorName: "湖南路街道办事处", ShowName: true})
		shop := in(fund.EntryInput{Direction: "in", Source: "unit", AmountFen: 300_000, UnitID: &unit, ShowName: true, Note: "年度捐赠"})
		anon := in(fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 5_000, ReceivedOn: "2026-11-01"})
		named := in(fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 20_050, DonorName: "王阿姨", ShowName: true})
		quiet := in(fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 10_000, DonorName: "李先生"})
		if shop.DonorName != testkit.UnitInA1 || anon.ReceivedOn != "2026-11-01" || gov.ReceivedOn != "2026-11-30" || gov.ReceiptNo == "" {
			t.Errorf("defaults: unit donor %q, dates %s %s, receipt %q", shop.DonorName, anon.ReceivedOn, gov.ReceivedOn, gov.ReceiptNo)
		}
		if b := k.balance(f.ID); b != 5_335_050 {
			t.Fatalf("balance %d", b)
		}

		before := k.state()
		for _, c := range []struct {
			what  string
			in    fund.EntryInput
			code  string
			field string
		}{
			{"zero", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 0}, errs.EINVALID, "amount_fen"},
			{"negative", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: -100}, errs.EINVALID, "amount_fen"},
			{"too much", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: fund.MaxAmountFen + 1}, errs.EINVALID, "amount_fen"},
			{"money out by hand", fund.EntryInput{Direction: "out", Source: "resident", AmountFen: 100}, errs.EINVALID, "direction"},
			{"no direction", fund.EntryInput{Source: "resident", AmountFen: 100}, errs.EINVALID, "direction"},
			{"bad source", fund.EntryInput{Direction: "in", Source: "bank", AmountFen: 100}, errs.EINVALID, "source"},
			{"unit without name", fund.EntryInput{Direction: "in", Source: "unit", AmountFen: 100}, errs.EINVALID, "donor_name"},
			{"unknown unit", fund.EntryInput{Direction: "in", Source: "unit", AmountFen: 100, UnitID: new(int64(999999))}, errs.EINVALID, "unit_id"},
			{"unit for a resident", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 100, UnitID: &unit}, errs.EINVALID, "unit_id"},
			{"shown without name", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 100, ShowName: true}, errs.EINVALID, "donor_name"},
			{"future", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 100, ReceivedOn: "2026-12-01"}, errs.EINVALID, "received_on"},
			{"bad date", fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 100, ReceivedOn: "30/11/2026"}, errs.EINVALID, "received_on"},
		} {
			_, err := k.s.RecordIn(k.ctx, cs, f.ID, c.in)
			wantCode(t, c.what, err, c.code, c.field)
		}
		_, err := k.s.RecordIn(k.ctx, k.as(auth.Auditor), f.ID, fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 100})
		wantCode(t, "auditor records", err, errs.EFORBIDDEN, "")
		_, err = k.s.RecordIn(k.ctx, k.as(auth.GridWorker), f.ID, fund.EntryInput{Direction: "in", Source: "resident", AmountFen: 100})
		wantCode(t, "grid worker records", err, errs.ENOTFOUND, "")
		if after := k.state(); after != before {
			t.Fatalf("refused entries changed records: %s → %s", before, after)
		}

		// Totals by source, net.
		got, err := k.s.Fund(k.ctx, cs, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]int64{"government": {5_000_000, 1}, "unit": {300_000, 1}, "resident": {35_050, 3}}
		for _, st := range got.BySource {
			if w := want[st.Source]; st.AmountFen != w[0] || int64(st.Count) != w[1] {
				t.Errorf("%s: %d fen in %d, want %v", st.Source, st.AmountFen, st.Count, w)
			}
		}

		// A correction is a reversal: once, never of a reversal, never twice.
		_, err = k.s.Reverse(k.ctx, cs, quiet.ID, " ")
		wantCode(t, "reversal without reason", err, errs.EINVALID, "reason")
		rev, err := k.s.Reverse(k.ctx, cs, quiet.ID, "金额记错")
		if err != nil || rev.Direction != "out" || rev.AmountFen != quiet.AmountFen || rev.ReversesID == nil || *rev.ReversesID != quiet.ID ||
			rev.Source == nil || *rev.Source != "resident" || rev.ReceiptNo != "" {
			t.Fatalf("reversal %+v, %v", rev, err)
		}
		_, err = k.s.Reverse(k.ctx, cs, quiet.ID, "again")
		wantCode(t, "reversed twice", err, errs.ECONFLICT, "")
		_, err = k.s.Reverse(k.ctx, cs, rev.ID, "undo the undo")
		wantCode(t, "reversal reversed", err, errs.ECONFLICT, "")
		_, err = k.s.Reverse(k.ctx, k.as(auth.Auditor), named.ID, "auditor")
		wantCode(t, "auditor reverses", err, errs.EFORBIDDEN, "")
		if b := k.balance(f.ID); b != 5_325_050 {
			t.Errorf("balance after the reversal %d", b)
		}
		got, _ = k.s.Fund(k.ctx, cs, f.ID)
		if got.BySource[2].AmountFen != 25_050 || got.BySource[2].Count != 2 || got.InFen != 5_325_050 {
			t.Errorf("resident total after the reversal: %+v, in %d", got.BySource[2], got.InFen)
		}

		// The ledger, newest first, filtered.
		l, err := k.s.Entries(k.ctx, cs, f.ID, fund.EntryFilter{})
		if err != nil || l.Total != 6 || l.Items[0].ID != rev.ID {
			t.Fatalf("ledger: %d entries, %v", l.Total, err)
		}
		if l.Items[1].ReversedBy == nil || *l.Items[1].ReversedBy != rev.ID {
			t.Errorf("the reversed entry does not say so: %+v", l.Items[1])
		}
		l, err = k.s.Entries(k.ctx, cs, f.ID, fund.EntryFilter{Source: "resident", Direction: "in"})
		if err != nil || l.Total != 3 {
			t.Errorf("resident money in: %d, %v", l.Total, err)
		}
		_, err = k.s.Entries(k.ctx, cs, f.ID, fund.EntryFilter{Source: "bank"})
		wantCode(t, "bad source filter", err, errs.EINVALID, "source")

		// Receipts: for money in only; a reversed donation's says so.
		r, err := k.s.Receipt(k.ctx, cs, shop.ID)
		if err != nil || r.Donor != testkit.UnitInA1 || r.AmountFen != 300_000 || r.Fund != f.Name || r.No != fund.ReceiptNo(f.ID, shop.ID) || r.Reversed {
			t.Errorf("receipt %+v, %v", r, err)
		}
		if r, _ := k.s.Receipt(k.ctx, cs, quiet.ID); !r.Reversed {
			t.Error("a reversed donation's receipt does not say so")
		}
		_, err = k.s.Receipt(k.ctx, cs, rev.ID)
		wantCode(t, "receipt of a reversal", err, errs.ENOTFOUND, "")
		_, err = k.s.Receipt(k.ctx, k.as(auth.GridWorker), shop.ID)
		wantCode(t, "receipt out of scope", err, errs.ENOTFOUND, "")

		// The export: every entry with the balance after it.
		var buf bytes.Buffer
		if err := k.s.ExportXLSX(k.ctx, k.as(auth.Auditor), f.ID, &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := x.GetRows("台账 Ledger", excelize.Options{RawCellValue: true})
		if err != nil || len(rows) != 7 {
			t.Fatalf("%d ledger rows, %v", len(rows), err)
		}
		if last := rows[6]; last[9] != "53250.5" || last[8] != "10000" || last[10] != fmt.Sprintf("#%d", quiet.ID) {
			t.Errorf("last row %q", last)
		}
		summary, _ := x.GetRows("汇总 Summary", excelize.Options{RawCellValue: true})
		if len(summary) < 3 || summary[2][1] != "53250.5" {
			t.Errorf("summary %q", summary)
		}
		if err := k.s.ExportXLSX(k.ctx, k.as(auth.Resident), f.ID, &buf); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("a resident exports: %v", err)
		}
		k.ledgerHolds(f.ID)
	})
}

// TestDisbursements: money out only to an approved project of the fund's
// area, never above the balance, approved by a second person.
func TestDisbursements(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		cs, street, admin := k.as(auth.CommunityStaff), k.as(auth.StreetStaff), k.as(auth.DistrictAdmin)
		f := k.newFund(testkit.ResA1, 100_000)
		running := k.project(testkit.ResA1, "running", 40)
		proposed := k.project(testkit.ResA1, "proposed", 10)
		elsewhere := k.project(testkit.ResB1, "approved", 10)
		nearby := k.project(testkit.ResA2, "approved", 10)

		before := k.state()
		for _, c := range []struct {
			what  string
			in    fund.DisbursementInput
			code  string
			field string
		}{
			{"zero", fund.DisbursementInput{ProjectID: running, AmountFen: 0}, errs.EINVALID, "amount_fen"},
			{"negative", fund.DisbursementInput{ProjectID: running, AmountFen: -1}, errs.EINVALID, "amount_fen"},
			{"no project", fund.DisbursementInput{AmountFen: 100}, errs.EINVALID, "project_id"},
			{"unknown project", fund.DisbursementInput{ProjectID: 999999, AmountFen: 100}, errs.EINVALID, "project_id"},
			{"another street's project", fund.DisbursementInput{ProjectID: elsewhere, AmountFen: 100}, errs.EINVALID, "project_id"},
			{"a neighbour's project", fund.DisbursementInput{ProjectID: nearby, AmountFen: 100}, errs.EINVALID, "project_id"},
			{"unapproved project", fund.DisbursementInput{ProjectID: proposed, AmountFen: 100}, errs.ECONFLICT, ""},
			{"above the balance", fund.DisbursementInput{ProjectID: running, AmountFen: 100_001}, errs.ECONFLICT, ""},
		} {
			_, err := k.s.Propose(k.ctx, cs, f.ID, c.in)
			wantCode(t, c.what, err, c.code, c.field)
		}
		_, err := k.s.Propose(k.ctx, k.as(auth.Auditor), f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 100})
		wantCode(t, "auditor proposes", err, errs.EFORBIDDEN, "")
		if after := k.state(); after != before {
			t.Fatalf("refused proposals changed records: %s → %s", before, after)
		}

		// Proposed by street staff: they cannot approve it themselves; the
		// community worker may not approve at all; the district admin does.
		dis, err := k.s.Propose(k.ctx, street, f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 60_000, Note: "第一期"})
		if err != nil || dis.Status != "proposed" || dis.ProjectTitle == "" || dis.Beneficiaries != 40 {
			t.Fatalf("propose: %+v, %v", dis, err)
		}
		if k.balance(f.ID) != 100_000 {
			t.Fatal("a proposal moved money")
		}
		before = k.state()
		_, err = k.s.Approve(k.ctx, street, dis.ID)
		wantCode(t, "self-approval", err, errs.EFORBIDDEN, "")
		_, err = k.s.Approve(k.ctx, cs, dis.ID)
		wantCode(t, "community staff approve", err, errs.EFORBIDDEN, "")
		_, err = k.s.Approve(k.ctx, k.as(auth.GridWorker), dis.ID)
		wantCode(t, "grid worker approves", err, errs.ENOTFOUND, "")
		if after := k.state(); after != before {
			t.Fatalf("refused approvals changed records: %s → %s", before, after)
		}
		ok, err := k.s.Approve(k.ctx, admin, dis.ID)
		if err != nil || ok.Status != "approved" || ok.EntryID == nil || ok.DecidedBy == "" || ok.DecidedAt == nil {
			t.Fatalf("approve: %+v, %v", ok, err)
		}
		if b := k.balance(f.ID); b != 40_000 {
			t.Fatalf("balance after paying 60000: %d", b)
		}
		_, err = k.s.Approve(k.ctx, admin, dis.ID)
		wantCode(t, "approved twice", err, errs.ECONFLICT, "")

		// A second proposal fits the balance when made, not when decided.
		second, err := k.s.Propose(k.ctx, cs, f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 30_000})
		if err != nil {
			t.Fatal(err)
		}
		third, err := k.s.Propose(k.ctx, cs, f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 30_000})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.s.Approve(k.ctx, street, second.ID); err != nil {
			t.Fatal(err)
		}
		before = k.state()
		_, err = k.s.Approve(k.ctx, street, third.ID)
		wantCode(t, "overdraw", err, errs.ECONFLICT, "")
		if after := k.state(); after != before {
			t.Fatalf("a refused overdraw changed records: %s → %s", before, after)
		}
		// The proposer withdraws it; then it cannot be approved.
		rej, err := k.s.Reject(k.ctx, cs, third.ID, "余额不足，下月再议")
		if err != nil || rej.Status != "rejected" || rej.Reason == "" {
			t.Fatalf("reject: %+v, %v", rej, err)
		}
		_, err = k.s.Approve(k.ctx, admin, third.ID)
		wantCode(t, "approve a rejected one", err, errs.ECONFLICT, "")
		fourth, _ := k.s.Propose(k.ctx, street, f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 100})
		_, err = k.s.Reject(k.ctx, cs, fourth.ID, "")
		wantCode(t, "community staff reject another's", err, errs.EFORBIDDEN, "")

		// A project cancelled after the proposal is not paid.
		if _, err := k.s.Propose(k.ctx, cs, f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 1_000}); err != nil {
			t.Fatal(err)
		}
		late, _ := k.s.Propose(k.ctx, cs, f.ID, fund.DisbursementInput{ProjectID: running, AmountFen: 1_000})
		if _, err := d.Exec(k.ctx, "UPDATE projects SET status = 'cancelled' WHERE id = ?", running); err != nil {
			t.Fatal(err)
		}
		_, err = k.s.Approve(k.ctx, admin, late.ID)
		wantCode(t, "cancelled project", err, errs.ECONFLICT, "")

		// Reversing a payout needs fund.approve and puts the money back.
		_, err = k.s.Reverse(k.ctx, cs, *ok.EntryID, "付错项目")
		wantCode(t, "community staff reverse a payout", err, errs.EFORBIDDEN, "")
		back, err := k.s.Reverse(k.ctx, street, *ok.EntryID, "付错项目")
		if err != nil || back.Direction != "in" || back.ProjectID == nil || *back.ProjectID != running {
			t.Fatalf("payout reversal %+v, %v", back, err)
		}
		if again, _ := k.s.Disbursement(k.ctx, cs, dis.ID); again.Status != "reversed" {
			t.Errorf("disbursement after its payout was reversed: %s", again.Status)
		}
		if b := k.balance(f.ID); b != 70_000 {
			t.Errorf("balance after the payout came back: %d", b)
		}
		// Spent money cannot be un-donated: reversing the government's
		// 100000 would leave −30000.
		l, _ := k.s.Entries(k.ctx, cs, f.ID, fund.EntryFilter{Source: "government"})
		_, err = k.s.Reverse(k.ctx, cs, l.Items[0].ID, "退回")
		wantCode(t, "reverse spent money", err, errs.ECONFLICT, "")

		ds, err := k.s.Disbursements(k.ctx, cs, f.ID, fund.DisbursementFilter{Status: "proposed"})
		if err != nil || ds.Total != 3 {
			t.Errorf("proposed disbursements: %d, %v", ds.Total, err)
		}
		_, err = k.s.Disbursement(k.ctx, k.as(auth.Resident), dis.ID)
		wantCode(t, "resident reads a disbursement", err, errs.ENOTFOUND, "")
		got, _ := k.s.Fund(k.ctx, cs, f.ID)
		if got.OutFen != 30_000 || got.Pending != 3 {
			t.Errorf("out %d, pending %d", got.OutFen, got.Pending)
		}
		k.ledgerHolds(f.ID)
	})
}

// TestConcurrentApprovals: 50 approvals of one fund's disbursements at
// once never overdraw it; exactly the ones the money covers are approved.
func TestConcurrentApprovals(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		const n, each, balance = 50, 300, 10_000 // 33 fit
		f := k.newFund(testkit.ResA1, balance)
		pr := k.project(testkit.ResA1, "approved", 5)
		ids := make([]int64, n)
		for i := range ids {
			dis, err := k.s.Propose(k.ctx, k.as(auth.CommunityStaff), f.ID, fund.DisbursementInput{ProjectID: pr, AmountFen: each})
			if err != nil {
				t.Fatal(err)
			}
			ids[i] = dis.ID
		}
		approvers := []*auth.Principal{k.as(auth.StreetStaff), k.as(auth.DistrictAdmin)}
		var wg sync.WaitGroup
		results := make([]error, n)
		start := make(chan struct{})
		for i, id := range ids {
			wg.Go(func() {
				<-start
				_, results[i] = k.s.Approve(k.ctx, approvers[i%2], id)
			})
		}
		close(start)
		wg.Wait()
		approved, refused := 0, 0
		for _, err := range results {
			switch errs.Code(err) {
			case "":
				approved++
			case errs.ECONFLICT:
				refused++
			default:
				t.Errorf("approval failed otherwise: %v", err)
			}
		}
		if approved != balance/each || refused != n-balance/each {
			t.Errorf("%d approved, %d refused; want %d and %d", approved, refused, balance/each, n-balance/each)
		}
		if b := k.balance(f.ID); b != balance-int64(approved*each) || b < 0 {
			t.Errorf("balance %d after %d approvals", b, approved)
		}
		var rows int
		d.QueryRow(k.ctx, "SELECT count(*) FROM fund_disbursements WHERE status = 'approved'").Scan(&rows)
		var payouts int
		d.QueryRow(k.ctx, "SELECT count(*) FROM fund_entries WHERE direction = 'out'").Scan(&payouts)
		if rows != approved || payouts != approved {
			t.Errorf("%d approved rows and %d payouts for %d approvals", rows, payouts, approved)
		}
		k.ledgerHolds(f.ID)
	})
}

// TestLedgerInTheDatabase: the database itself refuses to change or
// delete an entry, to go below zero, to pay out without a disbursement,
// and a reversal that does not mirror its entry.
func TestLedgerInTheDatabase(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		f := k.newFund(testkit.ResA1, 1_000)
		pr := k.project(testkit.ResA1, "approved", 5)
		var entry int64
		if err := d.QueryRow(k.ctx, "SELECT id FROM fund_entries WHERE fund_id = ?", f.ID).Scan(&entry); err != nil {
			t.Fatal(err)
		}
		now := testkit.Clock().Now()
		dis, err := db.InsertID(k.ctx, d, `INSERT INTO fund_disbursements (fund_id, project_id, amount_fen, proposed_by_name, proposed_at) VALUES (?, ?, 5000, 'x', ?)`, f.ID, pr, now)
		if err != nil {
			t.Fatal(err)
		}
		insert := func(cols string, vals ...any) error {
			_, err := d.Exec(k.ctx, "INSERT INTO fund_entries (fund_id, received_on, created_by_name, created_at, "+cols+") VALUES (?, '2026-11-30', 'x', ?"+
				strings.Repeat(", ?", len(vals))+")", append([]any{f.ID, now}, vals...)...)
			return err
		}
		for _, c := range []struct {
			what string
			run  func() error
		}{
			{"update an entry", func() error {
				_, err := d.Exec(k.ctx, "UPDATE fund_entries SET amount_fen = 1 WHERE id = ?", entry)
				return err
			}},
			{"delete an entry", func() error { _, err := d.Exec(k.ctx, "DELETE FROM fund_entries WHERE id = ?", entry); return err }},
			{"a negative balance", func() error {
				_, err := d.Exec(k.ctx, "UPDATE funds SET balance_fen = -1 WHERE id = ?", f.ID)
				return err
			}},
			{"pay out more than there is", func() error {
				return insert("direction, source, amount_fen, project_id, disbursement_id", "out", "", 5000, pr, dis)
			}},
			{"pay out without a disbursement", func() error { return insert("direction, source, amount_fen, project_id", "out", "", 10, pr) }},
			{"money in without a source", func() error { return insert("direction, source, amount_fen", "in", "", 10) }},
			{"a zero entry", func() error { return insert("direction, source, amount_fen", "in", "resident", 0) }},
			{"a reversal of another amount", func() error {
				return insert("direction, source, amount_fen, reverses_id", "out", "government", 999, entry)
			}},
			{"a reversal the same way", func() error {
				return insert("direction, source, amount_fen, reverses_id", "in", "government", 1000, entry)
			}},
		} {
			if err := c.run(); err == nil {
				t.Errorf("%s: the database allowed it", c.what)
			}
		}
		if _, err := d.Exec(k.ctx, "UPDATE fund_disbursements SET status = 'approved', decided_by = proposed_by WHERE id = ?", dis); err != nil {
			t.Errorf("a disbursement with no proposer id may be decided: %v", err)
		}
		cs := k.f.Users[auth.CommunityStaff].UserID
		if _, err := d.Exec(k.ctx, "UPDATE fund_disbursements SET proposed_by = ?, decided_by = ? WHERE id = ?", cs, cs, dis); err == nil {
			t.Error("the database let the proposer approve their own disbursement")
		}
		if b := k.balance(f.ID); b != 1_000 {
			t.Errorf("balance %d after refused writes", b)
		}
		k.ledgerHolds(f.ID)
	})
}

// TestPublic: the public figures name a donor only with consent and show
// no note, staff name or phone.
func TestPublic(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		k := newKit(t, d)
		cs, street := k.as(auth.CommunityStaff), k.as(auth.StreetStaff)
		f := k.newFund(testkit.ResA1, 100_000)
		for _, e := range []fund.EntryInput{
			{Direction: "in", Source: "resident", AmountFen: 2_000, DonorName: "王阿姨", ShowName: true},
			{Direction: "in", Source: "resident", AmountFen: 3_000, DonorName: "不愿具名的李先生", Note: "电话13912345678"},
			{Direction: "in", Source: "unit", AmountFen: 50_000, DonorName: "湖南路小店", ShowName: true},
		} {
			if _, err := k.s.RecordIn(k.ctx, cs, f.ID, e); err != nil {
				t.Fatal(err)
			}
		}
		pr := k.project(testkit.ResA1, "done", 120)
		dis, _ := k.s.Propose(k.ctx, cs, f.ID, fund.DisbursementInput{ProjectID: pr, AmountFen: 80_000, Note: "内部备注"})
		if _, err := k.s.Approve(k.ctx, street, dis.ID); err != nil {
			t.Fatal(err)
		}
		pub, err := k.s.Public(k.ctx, f.ID)
		if err != nil {
			t.Fatal(err)
		}
		if pub.BalanceFen != 75_000 || pub.InFen != 155_000 || pub.OutFen != 80_000 || pub.DonationCount != 4 || pub.UpdatedAt == nil {
			t.Errorf("figures %+v", pub)
		}
		if len(pub.Projects) != 1 || pub.Projects[0].Beneficiaries != 120 || pub.Projects[0].AmountFen != 80_000 {
			t.Errorf("projects %+v", pub.Projects)
		}
		names := map[string]bool{}
		anonymous := 0
		for _, dn := range pub.Donations {
			if dn.Donor == nil {
				anonymous++
			} else {
				names[*dn.Donor] = true
			}
		}
		if !names["王阿姨"] || !names["湖南路小店"] || anonymous != 2 || len(pub.Donations) != 4 {
			t.Errorf("donations %d, named %v, anonymous %d", len(pub.Donations), names, anonymous)
		}
		raw, _ := json.Marshal(pub)
		text := string(raw)
		for _, s := range []string{"李先生", "13912345678", "内部备注", "community_staff", "street_staff", "区财政"} {
			if strings.Contains(text, s) {
				t.Errorf("public figures show %q", s)
			}
		}
		if _, err := k.s.Public(k.ctx, 999999); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("a made-up fund: %v", err)
		}
	})
}
