package web_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestPairingPages walks pairing as its people would: staff add a person in
// care (a bad phone is 422 and adds nobody), pair a member, print the help
// link; someone without an account asks for help by the link (an unknown
// link is 404); the member sees it on their phone (/my and /my/pairing),
// acknowledges it and logs a visit; staff approve the visit; the gap lists
// and their export answer.
func TestPairingPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, _ := area.Path(ctx, d, testkit.ResA1)
		if _, err := d.Exec(ctx, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path); err != nil {
			t.Fatal(err)
		}
		staff := s.login(t, auth.CommunityStaff)
		resp := staff.submit("/members", url.Values{"name": {"李红"}, "kind": {"退休"}, "party_org_id": {"1"}, "home_area": {testkit.ResA1}})
		wantStatus(t, "add member", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.submit(resp.Header.Get("Location")+"/link", url.Values{"username": {"member"}})
		wantStatus(t, "link member", resp.StatusCode, http.StatusSeeOther, resp.Body)

		st, body := staff.get("/care")
		wantStatus(t, "people in care", st, http.StatusOK, body)
		testkit.Contains(t, body, "新增关爱对象", "结对关爱")
		resp = staff.submit("/care", url.Values{"kind": {"独居老人"}, "name": {"王阿婆"}, "area": {testkit.ResA1}, "phone": {"12ab"}})
		wantStatus(t, "a bad phone", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM care_people"); n != 0 {
			t.Fatalf("a refused form added %d people", n)
		}
		resp = staff.submit("/care", url.Values{"kind": {"独居老人"}, "name": {"王阿婆"}, "area": {testkit.ResA1}, "address": {"12号楼301"}, "phone": {"13912345678"}})
		wantStatus(t, "add person", resp.StatusCode, http.StatusSeeOther, resp.Body)
		person := resp.Header.Get("Location")
		// An import with a bad row adds nobody and names the row and column.
		resp = staff.uploadTo("/care/import", "people.xlsx", careSheet(t, [][]any{{"类别", "姓名", "居民区"}, {"独居老人", "赵伯", testkit.ResA1}, {"残疾人", "", testkit.ResA1}}))
		wantStatus(t, "a bad import", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "第 3 行“姓名”列", "请填写姓名")
		if n := s.count(t, "SELECT count(*) FROM care_people"); n != 1 {
			t.Fatalf("a refused import left %d people, want 1", n)
		}
		resp = staff.uploadTo("/care/import", "people.xlsx", careSheet(t, [][]any{{"类别", "姓名", "居民区"}, {"独居老人", "赵伯", testkit.ResA1}}))
		wantStatus(t, "import", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = staff.get(person)
		wantStatus(t, "person page", st, http.StatusOK, body)
		testkit.Contains(t, body, "13912345678", "李红", "生成求助码")
		resp = staff.submit(person+"/pairs", url.Values{"member_id": {"1"}})
		wantStatus(t, "pair", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = staff.submit(person+"/pairs", url.Values{"member_id": {"1"}})
		wantStatus(t, "the same pair twice", resp.StatusCode, http.StatusConflict, resp.Body)
		resp = staff.submit(person+"/link", nil)
		wantStatus(t, "help link", resp.StatusCode, http.StatusOK, resp.Body)
		m := regexp.MustCompile(`href="[^"]*(/help/[a-z0-9]+)"`).FindStringSubmatch(resp.Body)
		if m == nil || !strings.Contains(resp.Body, `src="data:image/png;base64,`) {
			t.Fatalf("no link with a QR code:\n%.2000s", resp.Body)
		}
		help := m[1]

		// Without an account: an unknown link is 404; the real one takes a request.
		anon := s.browser(t)
		st, body = anon.get("/help/nosuchtoken")
		wantStatus(t, "unknown link", st, http.StatusNotFound, body)
		resp = anon.post("/help/nosuchtoken", url.Values{"body": {"帮忙"}}, nil)
		wantStatus(t, "request by an unknown link", resp.StatusCode, http.StatusNotFound, resp.Body)
		st, body = anon.get(help)
		wantStatus(t, "help page", st, http.StatusOK, body)
		testkit.Contains(t, body, "一键求助", "120")
		resp = anon.post(help, url.Values{"body": {" "}}, nil)
		wantStatus(t, "an empty request", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM care_requests"); n != 0 {
			t.Fatalf("refused requests wrote %d rows", n)
		}
		resp = anon.post(help, url.Values{"body": {"灯泡坏了"}, "callback": {"13700001111"}}, nil)
		wantStatus(t, "send request", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "求助已发出")

		member := s.login(t, auth.Member)
		st, body = member.get("/my")
		wantStatus(t, "my page", st, http.StatusOK, body)
		testkit.Contains(t, body, "我的结对", "王阿婆", "1 条求助待处理", `href="/my/pairing"`)
		st, body = member.get("/my/pairing")
		wantStatus(t, "my pairing", st, http.StatusOK, body)
		testkit.Contains(t, body, "灯泡坏了", "137****1111", "登记走访或电话")
		reqID := regexp.MustCompile(`action="/care/requests/(\d+)/ack"`).FindStringSubmatch(body)
		if reqID == nil {
			t.Fatalf("no acknowledge button:\n%.2000s", body)
		}
		s.Clock.Advance(7 * time.Minute)
		resp = member.submit("/care/requests/"+reqID[1]+"/ack", url.Values{"back": {"my"}})
		wantStatus(t, "acknowledge", resp.StatusCode, http.StatusSeeOther, resp.Body)
		pair := regexp.MustCompile(`action="(/my/pairing/\d+/log)"`).FindStringSubmatch(body)
		at := s.Clock.Now().Add(-time.Hour).In(clock.Shanghai).Format("2006-01-02T15:04")
		resp = member.submit(pair[1], url.Values{"kind": {"visit"}, "at": {at}, "minutes": {"0"}})
		wantStatus(t, "a visit of no minutes", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		resp = member.submit(pair[1], url.Values{"kind": {"visit"}, "at": {at}, "minutes": {"45"}, "note": {"换灯泡，聊天"}})
		wantStatus(t, "log a visit", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM care_logs"); n != 1 {
			t.Fatalf("%d logs, want 1", n)
		}

		st, body = staff.get("/care/requests")
		wantStatus(t, "requests", st, http.StatusOK, body)
		testkit.Contains(t, body, "灯泡坏了", "7 分钟")
		st, body = staff.get("/care/logs")
		wantStatus(t, "logs to approve", st, http.StatusOK, body)
		testkit.Contains(t, body, "换灯泡，聊天")
		logID := regexp.MustCompile(`action="/care/logs/(\d+)/decide"`).FindStringSubmatch(body)
		resp = staff.submit("/care/logs/"+logID[1]+"/decide", url.Values{"approve": {"1"}})
		wantStatus(t, "approve", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if n := s.count(t, "SELECT count(*) FROM member_service WHERE source = 'pairing' AND minutes = 45"); n != 1 {
			t.Errorf("%d verified service rows, want 1", n)
		}
		st, body = staff.get("/care/gaps?area=" + testkit.ResA1)
		wantStatus(t, "gaps", st, http.StatusOK, body)
		testkit.Contains(t, body, "未结对的关爱对象（1）", "赵伯", "30天未走访的结对（0）")
		st, _ = staff.get("/care/gaps/export?area=" + testkit.ResA1)
		wantStatus(t, "gaps export", st, http.StatusOK, "")
		// A member opens no staff page.
		st, _ = member.get("/care")
		if st != http.StatusForbidden {
			t.Errorf("a member opens /care: %d", st)
		}
	})
}

// careSheet is an XLSX of rows.
func careSheet(t *testing.T, rows [][]any) string {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}
