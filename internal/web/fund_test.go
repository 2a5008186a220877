package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// fundRows counts every row the fund's forms could write, audit included.
const fundRows = "SELECT (SELECT count(*) FROM funds) + (SELECT count(*) FROM fund_entries) + (SELECT count(*) FROM fund_disbursements) + " +
	"(SELECT count(*) FROM fund_disbursements WHERE status <> 'proposed') + (SELECT count(*) FROM audit_log)"

// approvedProject adds an approved service project, as lists writes one.
func approvedProject(t *testing.T, s *site, code, title string, beneficiaries int) int64 {
	t.Helper()
	ctx := context.Background()
	path, err := area.Path(ctx, s.DB, code)
	if err != nil {
		t.Fatal(err)
	}
	now := s.Clock.Now()
	id, err := db.InsertID(ctx, s.DB, `INSERT INTO projects (title, domain, level, area_code, area_path, status, beneficiaries, rate_token, created_at, updated_at)
		VALUES (?, 'livelihood', 'residential', ?, ?, 'approved', ?, ?, ?, ?)`, title, code, path, beneficiaries, "web-fund-"+title, now, now)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestFundPages walks the community fund as its users would: a
// residential-area worker opens a fund, records money from the government
// and an anonymous resident (a wrong amount is named and nothing saved),
// prints a receipt, proposes a payment to an approved project (more than
// the balance is refused), street staff approve it, a mistaken entry is
// reversed, the ledger exports, and a resident opens the public page with
// no account and sees only consenting donors' names.
func TestFundPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		worker := s.login(t, auth.CommunityStaff)
		st, body := worker.get("/funds")
		wantStatus(t, "fund list", st, http.StatusOK, body)
		testkit.Contains(t, body, `href="/funds" aria-current="page"`, `<label for="nf-name">`, `action="/funds"`)
		if strings.Contains(body, "htmx.min.js") {
			t.Error("the fund pages load htmx")
		}

		before := s.count(t, fundRows)
		resp := worker.submit("/funds", url.Values{"name": {""}, "area": {testkit.ResA1}})
		wantStatus(t, "fund without a name", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="nf-name-error"`, "请填写基金名称")
		if s.count(t, fundRows) != before {
			t.Fatal("a refused fund was written")
		}
		fundPath := created(t, worker, "open a fund", "/funds", url.Values{"name": {"东湖居民区公益基金"}, "area": {testkit.ResA1}})
		if !regexp.MustCompile(`^/funds/\d+$`).MatchString(fundPath) {
			t.Fatalf("open a fund leads to %q", fundPath)
		}
		st, body = worker.get(fundPath)
		wantStatus(t, "fund page", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区公益基金", `<label for="in-amount">`, `<label for="in-show">`, "本区域内暂无可资助的项目")

		before = s.count(t, fundRows)
		resp = worker.submit(fundPath+"/entries", url.Values{"source": {"government"}, "amount": {"12,00.5.0"}, "donor_name": {"湖南路街道办事处"}})
		wantStatus(t, "a wrong amount", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="in-amount-error"`, `aria-invalid="true"`, `value="湖南路街道办事处"`)
		resp = worker.submit(fundPath+"/entries", url.Values{"source": {"unit"}, "amount": {"100"}})
		wantStatus(t, "a unit without a name", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, `id="in-donor-error"`, "请填写捐赠方")
		if s.count(t, fundRows) != before {
			t.Fatal("a refused entry was written")
		}
		resp = worker.submit(fundPath+"/entries", url.Values{"source": {"government"}, "amount": {"1200.50"}, "donor_name": {"湖南路街道办事处"}, "show_name": {"1"}})
		wantStatus(t, "government money", resp.StatusCode, http.StatusSeeOther, resp.Body)
		if loc := resp.Header.Get("Location"); loc != fundPath+"?done=in" {
			t.Errorf("after recording: %s", loc)
		}
		resp = worker.submit(fundPath+"/entries", url.Values{"source": {"resident"}, "amount": {"50"}, "donor_name": {"李先生"}, "note": {"电话13912345678"}})
		wantStatus(t, "resident money", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = worker.get(fundPath + "?done=in")
		wantStatus(t, "fund page", st, http.StatusOK, body)
		testkit.Contains(t, body, "收入已登记", "1,250.50 元", "政府投入", "李先生", "/receipt", "/reverse")
		receipt := regexp.MustCompile(`href="(/funds/\d+/entries/\d+/receipt)"`).FindAllStringSubmatch(body, -1)
		if len(receipt) != 2 {
			t.Fatalf("%d receipt links", len(receipt))
		}
		st, body = worker.get(receipt[1][1]) // the older entry: the government's
		wantStatus(t, "receipt", st, http.StatusOK, body)
		testkit.Contains(t, body, "社区公益基金捐赠收据", "壹仟贰佰元伍角", "1,200.50", "湖南路街道办事处", "GY", "@media print")

		// Money out: the worker proposes, street staff approve.
		project := approvedProject(t, s, testkit.ResA1, "楼道微更新", 80)
		_, body = worker.get(fundPath)
		testkit.Contains(t, body, `<label for="out-project">`, fmt.Sprintf(`<option value="%d">楼道微更新`, project))
		before = s.count(t, fundRows)
		resp = worker.submit(fundPath+"/disbursements", url.Values{"project_id": {fmt.Sprint(project)}, "amount": {"5000"}})
		wantStatus(t, "more than the balance", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "基金余额 1250.50 元，不足支付申请的 5000.00 元")
		if s.count(t, fundRows) != before {
			t.Fatal("a refused proposal was written")
		}
		resp = worker.submit(fundPath+"/disbursements", url.Values{"project_id": {fmt.Sprint(project)}, "amount": {"1000"}, "note": {"购置消防器材"}})
		wantStatus(t, "propose", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = worker.get(fundPath)
		testkit.Contains(t, body, "由您提出，须另一人审批", "撤回")
		if strings.Contains(body, "/approve") {
			t.Error("the proposer is offered to approve")
		}
		street := s.login(t, auth.StreetStaff)
		st, body = street.get(fundPath)
		wantStatus(t, "street staff's fund page", st, http.StatusOK, body)
		approve := regexp.MustCompile(`action="(/funds/\d+/disbursements/\d+/approve)"`).FindStringSubmatch(body)
		if approve == nil {
			t.Fatalf("no approve button for street staff:\n%.3000s", body)
		}
		resp = worker.submit(approve[1], nil)
		wantStatus(t, "community staff approve", resp.StatusCode, http.StatusForbidden, resp.Body)
		resp = street.submit(approve[1], nil)
		wantStatus(t, "approve", resp.StatusCode, http.StatusSeeOther, resp.Body)
		resp = street.submit(approve[1], nil)
		wantStatus(t, "approve twice", resp.StatusCode, http.StatusConflict, resp.Body)
		testkit.Contains(t, resp.Body, "已经是 approved 状态")
		_, body = street.get(fundPath)
		testkit.Contains(t, body, "250.50 元", "支付项目", "楼道微更新", "已支付")

		// The resident's 50 yuan was recorded twice by mistake: reverse it.
		rev := regexp.MustCompile(`href="(/funds/\d+/entries/\d+/reverse)"`).FindAllStringSubmatch(body, -1)
		if len(rev) < 2 {
			t.Fatalf("%d reverse links", len(rev))
		}
		resident := rev[len(rev)-2][1] // oldest first from the end: government, then the resident
		st, body = worker.get(resident)
		wantStatus(t, "reverse form", st, http.StatusOK, body)
		testkit.Contains(t, body, "李先生", `<label for="rv-reason">`)
		resp = worker.submit(resident, url.Values{"reason": {" "}})
		wantStatus(t, "reverse without a reason", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		resp = worker.submit(resident, url.Values{"reason": {"重复登记"}})
		wantStatus(t, "reverse", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = worker.get(fundPath)
		testkit.Contains(t, body, "200.50 元", "冲正 #", "已被 #")

		resp = worker.do(http.MethodGet, fundPath+"/export.xlsx", nil, "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Body, "PK") {
			t.Errorf("export: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}

		// The public page: no account, names only with consent, no phone.
		id := strings.TrimPrefix(fundPath, "/funds/")
		st, body = s.browser(t).get("/fund/" + id)
		wantStatus(t, "public page", st, http.StatusOK, body)
		testkit.Contains(t, body, "东湖居民区公益基金", "湖南路街道办事处", "楼道微更新", "80 人", "1,000.00 元", "200.50 元")
		for _, hidden := range []string{"李先生", "13912345678", "购置消防器材", "community_staff", "street_staff", "htmx.min.js"} {
			if strings.Contains(body, hidden) {
				t.Errorf("the public page shows %q", hidden)
			}
		}
		if st, _ := s.browser(t).get("/fund/999999"); st != http.StatusNotFound {
			t.Errorf("a made-up public page: %d", st)
		}
		st, body = s.browser(t).get("/fund/" + id + "?x=1")
		if st != http.StatusOK || !strings.Contains(body, `lang="zh-CN"`) {
			t.Errorf("public page: %d", st)
		}

		// Outside the fund's scope, or without the right, nothing shows.
		res := s.login(t, auth.Resident)
		if st, _ := res.get("/funds"); st != http.StatusForbidden {
			t.Errorf("a resident's fund list: %d", st)
		}
		if st, _ := res.get(fundPath); st != http.StatusNotFound {
			t.Errorf("a resident opens the fund: %d", st)
		}
		_, home := res.get("/")
		if strings.Contains(home, `href="/funds"`) {
			t.Error("a resident is offered the fund in the menu")
		}
		if st, _ := s.login(t, auth.GridWorker).get(receipt[0][1]); st != http.StatusNotFound {
			t.Errorf("a grid worker opens a receipt: %d", st)
		}
		auditor := s.login(t, auth.Auditor)
		st, body = auditor.get(fundPath)
		wantStatus(t, "auditor's fund page", st, http.StatusOK, body)
		for _, form := range []string{`action="` + fundPath + `/entries"`, "/approve", "/reverse", `action="` + fundPath + `/disbursements"`} {
			if strings.Contains(body, form) {
				t.Errorf("the auditor is offered %s", form)
			}
		}
	})
}
