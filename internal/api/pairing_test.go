package api_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPairingAPI: bad input is a 4xx naming the field and changes nothing;
// the help link takes a request without a token and refuses an unknown
// one; a member logs only for their own pair; the approval of a log makes
// verified service once.
func TestPairingAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		pt := pairingOf(e)
		rows := func(table string) int {
			var n int
			if err := d.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		people := rows("care_people")
		wantError(t, e.as(auth.CommunityStaff, "POST", "/care-people", map[string]any{"kind": "独居老人", "name": "", "area": testkit.ResA1}), 400, "EINVALID", "name")
		wantError(t, e.as(auth.CommunityStaff, "POST", "/care-people", map[string]any{"kind": "独居老人", "name": "x", "area": testkit.StreetA}), 400, "EINVALID", "area")
		if n := rows("care_people"); n != people {
			t.Errorf("refused requests added %d people", n-people)
		}
		// The import takes the web page's XLSX: a bad row names its row and
		// column and adds nobody; a good file adds every row.
		header := []any{"类别", "姓名", "居民区"}
		bad := wantError(t, e.as(auth.CommunityStaff, "POST", "/care-people/import?filename=people.xlsx",
			careSheet(t, [][]any{header, {"独居老人", "钱伯", testkit.ResA1}, {"残疾人", "", testkit.ResA1}})), 400, "EINVALID", "")
		if !slices.ContainsFunc(bad.Error.Details, func(d detail) bool { return d.Row == 3 }) {
			t.Errorf("the error does not name row 3: %+v", bad.Error.Details)
		}
		if n := rows("care_people"); n != people {
			t.Errorf("a refused import added %d people", n-people)
		}
		ok := e.as(auth.CommunityStaff, "POST", "/care-people/import", multipartFile(t, "people.xlsx",
			careSheet(t, [][]any{header, {"独居老人", "钱伯", testkit.ResA1}, {"残疾人", "孙姨", testkit.ResA1}})))
		if ok.status != 200 || decodeJSON[struct{ Created int }](t, ok).Created != 2 || rows("care_people") != people+2 {
			t.Fatalf("import: %d %s, %d people added", ok.status, ok.body, rows("care_people")-people)
		}
		res := e.as(auth.CommunityStaff, "POST", "/care-people/"+strconv.FormatInt(pt.person[false], 10)+"/link", nil)
		if res.status != 201 {
			t.Fatalf("link: %d %s", res.status, res.body)
		}
		token := decodeJSON[struct{ Token string }](t, res).Token
		wantError(t, e.do("", "POST", "/care-links/"+token+"/requests", map[string]any{"body": ""}), 400, "EINVALID", "body")
		wantError(t, e.do("", "POST", "/care-links/"+token+"/requests", map[string]any{"body": "帮忙", "callback": "abc"}), 400, "EINVALID", "callback")
		if n := rows("care_requests"); n != 0 {
			t.Errorf("refused requests wrote %d rows", n)
		}
		if res := e.do("", "POST", "/care-links/nosuchtoken/requests", map[string]any{"body": "帮忙"}); res.status != 404 {
			t.Errorf("unknown link: %d", res.status)
		}
		if res := e.do("", "POST", "/care-links/"+token+"/requests", map[string]any{"body": "帮忙买药"}); res.status != 201 {
			t.Errorf("request by link: %d %s", res.status, res.body)
		}
		// The member logs for their own pair only; a bad log changes nothing.
		at := e.clock.Now().Add(-time.Hour)
		if res := e.as(auth.Member, "POST", "/care-pairs/"+strconv.FormatInt(pt.pair[true], 10)+"/logs", map[string]any{"kind": "visit", "at": at, "minutes": 30}); res.status != 404 {
			t.Errorf("someone else's pair: %d", res.status)
		}
		wantError(t, e.as(auth.Member, "POST", "/care-pairs/"+strconv.FormatInt(pt.pair[false], 10)+"/logs", map[string]any{"kind": "letter", "at": at, "minutes": 30}), 400, "EINVALID", "kind")
		if n := rows("care_logs"); n != 0 {
			t.Errorf("refused logs wrote %d rows", n)
		}
		res = e.as(auth.Member, "POST", "/care-pairs/"+strconv.FormatInt(pt.pair[false], 10)+"/logs", map[string]any{"kind": "visit", "at": at, "minutes": 30})
		if res.status != 201 {
			t.Fatalf("log: %d %s", res.status, res.body)
		}
		log := decodeJSON[struct{ ID int64 }](t, res).ID
		wantError(t, e.as(auth.CommunityStaff, "POST", "/care-logs/"+strconv.FormatInt(log, 10)+"/decision", map[string]any{"approve": false}), 400, "EINVALID", "reason")
		if res := e.as(auth.CommunityStaff, "POST", "/care-logs/"+strconv.FormatInt(log, 10)+"/decision", map[string]any{"approve": true}); res.status != 200 {
			t.Fatalf("approve: %d %s", res.status, res.body)
		}
		if res := e.as(auth.CommunityStaff, "POST", "/care-logs/"+strconv.FormatInt(log, 10)+"/decision", map[string]any{"approve": true}); res.status != 409 {
			t.Errorf("approved twice: %d", res.status)
		}
		if n := rows("member_service WHERE source = 'pairing'"); n != 1 {
			t.Errorf("%d verified service rows, want 1", n)
		}
	})
}
