package api_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/fund"
	"gongzhi/internal/testkit"
)

// fundState sums up every fund record, to show a refused request changed nothing.
func fundState(e *env) string {
	e.t.Helper()
	var b strings.Builder
	for _, q := range []string{"SELECT count(*) FROM funds", "SELECT count(*) FROM fund_entries", "SELECT COALESCE(sum(balance_fen), 0) FROM funds",
		"SELECT count(*) FROM fund_disbursements", "SELECT count(*) FROM fund_disbursements WHERE status <> 'proposed'"} {
		fmt.Fprintf(&b, "%d ", e.count(q))
	}
	return b.String()
}

// TestFundAPI walks the community fund through the API: a residential
// area's worker opens a fund and records money from the three sources; bad
// input is a 400 naming the field and changes nothing; a worker proposes a
// disbursement for an approved project, which the proposer may not approve
// and street staff do; what would overdraw is 409; a correction is a
// reversal; the public figures need no token and name only consenting donors.
func TestFundAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		cs, street := auth.CommunityStaff, auth.StreetStaff
		res := e.as(cs, "POST", "/funds", map[string]any{"name": "东湖居民区公益基金", "area": testkit.ResA1})
		if res.status != 201 || !strings.HasPrefix(res.header.Get("Location"), "/api/v1/funds/") {
			t.Fatalf("create fund: %d %s", res.status, res.body)
		}
		conforms(t, "Fund", res)
		f := decodeJSON[fund.Fund](t, res)
		base := "/funds/" + strconv.FormatInt(f.ID, 10)
		wantError(t, e.as(cs, "POST", "/funds", map[string]any{"name": "x", "area": testkit.District}), 400, "EINVALID", "area")

		for _, body := range []map[string]any{
			{"direction": "in", "source": "government", "amount_fen": 2_000_000, "donor_name": "湖南路街道办事处", "show_name": true},
			{"direction": "in", "source": "unit", "amount_fen": 300_000, "unit_id": e.f.Units[testkit.UnitInA1], "show_name": true},
			{"direction": "in", "source": "resident", "amount_fen": 20_000, "donor_name": "王阿姨", "show_name": true},
			{"direction": "in", "source": "resident", "amount_fen": 5_000},
			{"direction": "in", "source": "resident", "amount_fen": 10_000, "donor_name": "李先生", "note": "13912345678 送来现金"},
		} {
			res := e.as(cs, "POST", base+"/entries", body)
			if res.status != 201 {
				t.Fatalf("record %v: %d %s", body, res.status, res.body)
			}
			conforms(t, "FundEntry", res)
		}
		before := fundState(e)
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"direction": "in", "source": "resident", "amount_fen": 0}, "amount_fen"},
			{map[string]any{"direction": "in", "source": "resident", "amount_fen": -500}, "amount_fen"},
			{map[string]any{"direction": "in", "source": "resident", "amount_fen": 12.5}, "amount_fen"},
			{map[string]any{"direction": "out", "source": "resident", "amount_fen": 500}, "direction"},
			{map[string]any{"direction": "in", "source": "bank", "amount_fen": 500}, "source"},
			{map[string]any{"direction": "in", "source": "resident", "amount_fen": 500, "phone": "13912345678"}, "phone"},
		} {
			wantError(t, e.as(cs, "POST", base+"/entries", c.body), 400, "EINVALID", c.field)
		}
		wantError(t, e.as(auth.Auditor, "POST", base+"/entries", map[string]any{"direction": "in", "source": "resident", "amount_fen": 500}), 403, "EFORBIDDEN", "")
		if after := fundState(e); after != before {
			t.Fatalf("refused entries changed records: %s → %s", before, after)
		}
		res = e.as(cs, "GET", base, nil)
		conforms(t, "Fund", res)
		if got := decodeJSON[fund.Fund](t, res); got.BalanceFen != 2_335_000 || got.BySource[2].AmountFen != 35_000 || got.BySource[2].Count != 3 {
			t.Errorf("fund %+v", got)
		}
		res = e.as(cs, "GET", base+"/entries?source=resident&per_page=1", nil)
		conforms(t, "FundEntryList", res)
		entries := decodeJSON[listBody[fund.Entry]](t, res)
		if entries.Total != 3 || len(entries.Items) != 1 || entries.Items[0].DonorName != "李先生" {
			t.Fatalf("resident entries %+v", entries)
		}
		li := entries.Items[0]
		res = e.as(cs, "GET", "/fund-entries/"+strconv.FormatInt(li.ID, 10)+"/receipt", nil)
		conforms(t, "FundReceipt", res)
		testkit.Contains(t, res.String(), `"donor":"李先生"`, `"amount_fen":10000`, fmt.Sprintf(`"receipt_no":"%s"`, fund.ReceiptNo(f.ID, li.ID)))

		// A correction is a reversal, once.
		res = e.as(cs, "POST", "/fund-entries/"+strconv.FormatInt(li.ID, 10)+"/reverse", map[string]any{"reason": "重复登记"})
		if res.status != 201 {
			t.Fatalf("reverse: %d %s", res.status, res.body)
		}
		conforms(t, "FundEntry", res)
		wantError(t, e.as(cs, "POST", "/fund-entries/"+strconv.FormatInt(li.ID, 10)+"/reverse", map[string]any{"reason": "again"}), 409, "ECONFLICT", "")
		wantError(t, e.as(cs, "POST", "/fund-entries/"+strconv.FormatInt(li.ID, 10)+"/reverse", map[string]any{}), 400, "EINVALID", "reason")

		// Money out: proposed by one, approved by a second.
		approved := addProject(t, e, testkit.ResA1, "approved", 60)
		proposed := addProject(t, e, testkit.ResA1, "proposed", 10)
		other := addProject(t, e, testkit.ResB1, "approved", 10)
		before = fundState(e)
		wantError(t, e.as(street, "POST", base+"/disbursements", map[string]any{"project_id": approved, "amount_fen": 0}), 400, "EINVALID", "amount_fen")
		wantError(t, e.as(street, "POST", base+"/disbursements", map[string]any{"project_id": approved, "amount_fen": -1}), 400, "EINVALID", "amount_fen")
		wantError(t, e.as(street, "POST", base+"/disbursements", map[string]any{"project_id": other, "amount_fen": 100}), 400, "EINVALID", "project_id")
		wantError(t, e.as(street, "POST", base+"/disbursements", map[string]any{"project_id": proposed, "amount_fen": 100}), 409, "ECONFLICT", "")
		wantError(t, e.as(street, "POST", base+"/disbursements", map[string]any{"project_id": approved, "amount_fen": 2_325_001}), 409, "ECONFLICT", "")
		if after := fundState(e); after != before {
			t.Fatalf("refused proposals changed records: %s → %s", before, after)
		}
		res = e.as(street, "POST", base+"/disbursements", map[string]any{"project_id": approved, "amount_fen": 1_500_000, "note": "助餐点设备"})
		if res.status != 201 {
			t.Fatalf("propose: %d %s", res.status, res.body)
		}
		conforms(t, "Disbursement", res)
		dis := decodeJSON[fund.Disbursement](t, res)
		if dis.Status != "proposed" {
			t.Fatalf("proposed disbursement %+v", dis)
		}
		approve := "/disbursements/" + strconv.FormatInt(dis.ID, 10) + "/approve"
		wantError(t, e.as(street, "POST", approve, nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(cs, "POST", approve, nil), 403, "EFORBIDDEN", "")
		res = e.as(auth.DistrictAdmin, "POST", approve, nil)
		if res.status != 200 {
			t.Fatalf("approve: %d %s", res.status, res.body)
		}
		conforms(t, "Disbursement", res)
		if got := decodeJSON[fund.Disbursement](t, res); got.Status != "approved" || got.EntryID == nil {
			t.Errorf("approved %+v", got)
		}
		wantError(t, e.as(auth.DistrictAdmin, "POST", approve, nil), 409, "ECONFLICT", "")
		// Two proposals that each fit; the second approval would overdraw.
		var ids []int64
		for range 2 {
			res := e.as(cs, "POST", base+"/disbursements", map[string]any{"project_id": approved, "amount_fen": 500_000})
			if res.status != 201 {
				t.Fatalf("propose: %d %s", res.status, res.body)
			}
			ids = append(ids, decodeJSON[fund.Disbursement](t, res).ID)
		}
		if res := e.as(street, "POST", fmt.Sprintf("/disbursements/%d/approve", ids[0]), map[string]any{}); res.status != 200 {
			t.Fatalf("approve: %d %s", res.status, res.body)
		}
		before = fundState(e)
		ae := wantError(t, e.as(street, "POST", fmt.Sprintf("/disbursements/%d/approve", ids[1]), nil), 409, "ECONFLICT", "")
		testkit.Contains(t, ae.Error.Message, "3250.00", "5000.00")
		if after := fundState(e); after != before {
			t.Fatalf("a refused overdraw changed records: %s → %s", before, after)
		}
		res = e.as(street, "POST", fmt.Sprintf("/disbursements/%d/reject", ids[1]), map[string]any{"reason": "余额不足"})
		if res.status != 200 || decodeJSON[fund.Disbursement](t, res).Status != "rejected" {
			t.Fatalf("reject: %d %s", res.status, res.body)
		}
		res = e.as(auth.Auditor, "GET", base+"/disbursements?status=approved", nil)
		conforms(t, "DisbursementList", res)
		if l := decodeJSON[listBody[fund.Disbursement]](t, res); l.Total != 2 {
			t.Errorf("%d approved disbursements", l.Total)
		}
		wantError(t, e.as(cs, "GET", base+"/disbursements?status=paid", nil), 400, "EINVALID", "status")

		// The export and the public figures.
		res = e.as(auth.Auditor, "GET", base+"/export", nil)
		if res.status != 200 || !strings.HasPrefix(string(res.body), "PK") || !strings.Contains(res.header.Get("Content-Disposition"), ".xlsx") {
			t.Errorf("export: %d %v", res.status, res.header)
		}
		res = e.do("", "GET", base+"/public", nil)
		if res.status != 200 {
			t.Fatalf("public: %d %s", res.status, res.body)
		}
		conforms(t, "FundPublic", res)
		pub := decodeJSON[fund.Public](t, res)
		if pub.BalanceFen != 325_000 || pub.OutFen != 2_000_000 || len(pub.Projects) != 1 || pub.Projects[0].Beneficiaries != 60 {
			t.Errorf("public figures %+v", pub)
		}
		testkit.Contains(t, res.String(), "王阿姨", testkit.UnitInA1, "湖南路街道办事处", `"donor":null`)
		for _, s := range []string{"李先生", "13912345678", "助餐点设备", "community_staff", "street_staff", "created_by"} {
			if strings.Contains(res.String(), s) {
				t.Errorf("the public figures show %q", s)
			}
		}
		wantError(t, e.do("", "GET", "/funds/0/public", nil), 404, "ENOTFOUND", "")
		wantError(t, e.do("", "GET", base, nil), 401, "EUNAUTHORIZED", "")
	})
}

// addProject adds a service project as the lists capability writes one.
func addProject(t *testing.T, e *env, code, status string, beneficiaries int) int64 {
	t.Helper()
	id := e.approvedProject(code)
	if _, err := e.db.Exec(t.Context(), "UPDATE projects SET status = ?, beneficiaries = ? WHERE id = ?", status, beneficiaries, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestFundConcurrentApprovals: 50 approvals of one fund's disbursements
// sent at once over HTTP never overdraw it; exactly those the money covers
// are 200, the rest 409.
func TestFundConcurrentApprovals(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		const n, each, balance = 50, 700, 20_000 // 28 fit
		f := e.fundWithMoney(testkit.ResA1, balance)
		pr := e.approvedProject(testkit.ResA1)
		ids := make([]int64, n)
		for i := range ids {
			ids[i] = e.proposeAsSystem(f.ID, pr, each)
		}
		statuses := make([]int, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, id := range ids {
			token := e.tokens[pick(i%2 == 1, auth.StreetStaff, auth.DistrictAdmin)]
			wg.Go(func() {
				<-start
				req, err := http.NewRequest("POST", e.base+"/disbursements/"+strconv.FormatInt(id, 10)+"/approve", nil)
				if err != nil {
					return
				}
				req.Header.Set("Authorization", "Bearer "+token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					return
				}
				res.Body.Close()
				statuses[i] = res.StatusCode
			})
		}
		close(start)
		wg.Wait()
		ok, conflict := 0, 0
		for i, st := range statuses {
			switch st {
			case 200:
				ok++
			case 409:
				conflict++
			default:
				t.Errorf("approval %d: status %d", i, st)
			}
		}
		if ok != balance/each || conflict != n-balance/each {
			t.Errorf("%d approved, %d refused; want %d and %d", ok, conflict, balance/each, n-balance/each)
		}
		var left int64
		if err := d.QueryRow(t.Context(), "SELECT balance_fen FROM funds WHERE id = ?", f.ID).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left != balance-int64(ok*each) || left < 0 {
			t.Errorf("balance %d after %d approvals", left, ok)
		}
		if sum := e.count("SELECT COALESCE(sum(CASE WHEN direction = 'in' THEN amount_fen ELSE -amount_fen END), 0) FROM fund_entries WHERE fund_id = ?", f.ID); int64(sum) != left {
			t.Errorf("the ledger sums to %d, the balance is %d", sum, left)
		}
	})
}
