package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

var qrImage = regexp.MustCompile(`id="checkin-qr" src="data:image/png;base64,([^"]+)"`)

// decodeQR reads the check-in QR code of a screen page with zbarimg (apt
// zbar-tools): the URL a phone's camera would open.
func decodeQR(t *testing.T, page string) string {
	t.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		t.Skip("zbarimg is not installed (apt-get install zbar-tools): cannot decode the check-in QR code")
	}
	m := qrImage.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no QR image on the screen:\n%.2000s", page)
	}
	png, err := base64.StdEncoding.DecodeString(html.UnescapeString(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(file, png, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--quiet", "--raw", file).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// TestPartyPages walks the slice as its people would: staff add a member
// and link the member's account; the member reports where they live from
// their phone page; staff publish an activity; the member signs up; the
// organiser's screen shows a QR code whose URL (decoded from the image)
// checks the member in from their own session; a photographed code is
// refused after it rotated; the member checks out and sees the hours; the
// follow-up list and the exports answer.
func TestPartyPages(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, _ := area.Path(ctx, d, testkit.ResA1)
		if _, err := d.Exec(ctx, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path); err != nil {
			t.Fatal(err)
		}
		staff := s.login(t, auth.CommunityStaff)
		st, body := staff.get("/members")
		wantStatus(t, "members", st, http.StatusOK, body)
		testkit.Contains(t, body, "添加党员", "导入党员", "东湖居民区党总支")
		resp := staff.submit("/members", url.Values{"name": {""}, "kind": {"在职"}, "party_org_id": {"1"}})
		wantStatus(t, "a member without a name", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "请填写党员姓名")
		resp = staff.submit("/members", url.Values{"name": {"王建国"}, "phone": {"13812345678"}, "kind": {"在职"}, "party_org_id": {"1"}, "home_area": {testkit.ResA1}})
		wantStatus(t, "add member", resp.StatusCode, http.StatusSeeOther, resp.Body)
		memberPage := resp.Header.Get("Location")
		resp = staff.submit(memberPage+"/link", url.Values{"username": {"member"}})
		wantStatus(t, "link", resp.StatusCode, http.StatusSeeOther, resp.Body)
		st, body = staff.get("/members?q=王")
		wantStatus(t, "members found by name", st, http.StatusOK, body)
		testkit.Contains(t, body, "138****5678")

		member := s.login(t, auth.Member)
		st, body = member.get("/my")
		wantStatus(t, "my page", st, http.StatusOK, body)
		testkit.Contains(t, body, "我的服务时长", "双报到", "楼组长助理")
		resp = member.submit(memberPage+"/report", url.Values{"area": {testkit.ResA1}, "posts": {"楼组长助理"}, "back": {"my"}})
		wantStatus(t, "report", resp.StatusCode, http.StatusSeeOther, resp.Body)

		// Publish an activity starting in half an hour.
		start := s.Clock.Now().Add(30 * time.Minute).In(time.FixedZone("CST", 8*3600))
		resp = staff.submit("/activities", url.Values{"title": {"楼道清洁"}, "date": {start.Format("2006-01-02")}, "start": {start.Format("15:04")},
			"end": {start.Add(2 * time.Hour).Format("15:04")}, "place": {"东湖居民区党群服务站"}, "capacity": {"10"}, "audience": {"all"}, "area": {testkit.ResA1}})
		wantStatus(t, "publish", resp.StatusCode, http.StatusSeeOther, resp.Body)
		act := resp.Header.Get("Location")
		resp = member.submit(act+"/signup", nil)
		wantStatus(t, "sign up", resp.StatusCode, http.StatusSeeOther, resp.Body)

		st, body = staff.get(act + "/screen")
		wantStatus(t, "screen", st, http.StatusOK, body)
		link := decodeQR(t, body)
		u, err := url.Parse(link)
		if err != nil || !strings.HasPrefix(u.Path, "/checkin/") || u.Query().Get("c") == "" {
			t.Fatalf("the QR code holds %q", link)
		}
		st, body = member.get(u.RequestURI())
		wantStatus(t, "check-in page", st, http.StatusOK, body)
		testkit.Contains(t, body, `id="checkin-button"`, "签到")
		// Someone else opening the same URL checks nobody in.
		_, other := s.login(t, auth.Resident).get(u.RequestURI())
		testkit.Contains(t, other, "您还没有报名本活动")
		resp = member.submit(u.Path, url.Values{"code": {u.Query().Get("c")}, "step": {"in"}})
		wantStatus(t, "check in", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = staff.get(act + "/live")
		testkit.Contains(t, body, `id="head-present">1<`)

		// 90 minutes later the old code is refused; the new one checks out.
		s.Clock.Advance(90 * time.Minute)
		resp = member.submit(u.Path, url.Values{"code": {u.Query().Get("c")}, "step": {"out"}})
		wantStatus(t, "replayed code", resp.StatusCode, http.StatusBadRequest, resp.Body)
		testkit.Contains(t, resp.Body, "签到码不对或已过期")
		_, body = staff.get(act + "/screen")
		u2, _ := url.Parse(decodeQR(t, body))
		if u2.Query().Get("c") == u.Query().Get("c") {
			t.Error("the code did not rotate")
		}
		resp = member.submit(u2.Path, url.Values{"code": {u2.Query().Get("c")}, "step": {"out"}})
		wantStatus(t, "check out", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body = member.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "本次服务 1.5 小时")
		_, body = member.get("/my")
		testkit.Contains(t, body, "1.5 小时", "服务 90 分钟")

		st, body = staff.get("/members/follow-up")
		wantStatus(t, "follow-up", st, http.StatusOK, body)
		testkit.Contains(t, body, "按居民区", "按工作单位", "名单（0 人）")
		for _, x := range []string{"/members/export.xlsx", "/members/follow-up.xlsx", "/members/template.xlsx"} {
			resp := staff.do(http.MethodGet, x, nil, "")
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Body, "PK") {
				t.Errorf("%s: %d", x, resp.StatusCode)
			}
		}
		// A resident sees no member list.
		if st, _ := s.login(t, auth.Resident).get("/members"); st != http.StatusForbidden {
			t.Errorf("a resident opens the member list: %d", st)
		}
	})
}

// postXLSX sends a file in the field "file" with the session's CSRF token.
func (b *browser) postXLSX(path, name string, data []byte) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", b.csrf)
	w, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	w.Write(data)
	mw.Close()
	return b.do(http.MethodPost, path, &buf, mw.FormDataContentType())
}

// TestMemberImportPage: a file with a bad row is refused whole and the page
// names each cell to fix; the corrected file imports every row.
func TestMemberImportPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		ctx := context.Background()
		path, _ := area.Path(ctx, d, testkit.ResA1)
		if _, err := d.Exec(ctx, "INSERT INTO party_orgs (name, kind, area_code, area_path) VALUES ('东湖居民区党总支', 'residential_party_org', ?, ?)", testkit.ResA1, path); err != nil {
			t.Fatal(err)
		}
		book := func(rows ...[]any) []byte {
			x := excelize.NewFile()
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				x.SetSheetRow("Sheet1", cell, &r)
			}
			var b bytes.Buffer
			x.Write(&b)
			return b.Bytes()
		}
		header := []any{"姓名", "手机", "类型", "党组织"}
		staff := s.login(t, auth.CommunityStaff)
		resp := staff.postXLSX("/members/import", "党员.xlsx", book(header, []any{"张三", "13800001111", "在职", "东湖居民区党总支"}, []any{"李四", "123", "退休", "不存在的支部"}))
		wantStatus(t, "bad file", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		testkit.Contains(t, resp.Body, "党员.xlsx 没有导入", "第 3 行「手机」列", "第 3 行「党组织」列", "电话号码为 7 至 20 位数字")
		var n int
		d.QueryRow(ctx, "SELECT count(*) FROM members").Scan(&n)
		if n != 0 {
			t.Fatalf("%d members after a refused file", n)
		}
		resp = staff.postXLSX("/members/import", "党员.xlsx", book(header, []any{"张三", "13800001111", "在职", "东湖居民区党总支"}, []any{"李四", "", "退休", "东湖居民区党总支"}))
		wantStatus(t, "good file", resp.StatusCode, http.StatusSeeOther, resp.Body)
		_, body := staff.get(resp.Header.Get("Location"))
		testkit.Contains(t, body, "已导入 2 名党员", "张三", "李四")
	})
}

// TestMemberHomeLinksMyPage: a member's front door leads to their own
// phone page; a resident's does not.
func TestMemberHomeLinksMyPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		_, body := s.login(t, auth.Member).get("/")
		testkit.Contains(t, body, `href="/my" id="home-my"`, `href="/my"`)
		if _, body := s.login(t, auth.Resident).get("/"); strings.Contains(body, `id="home-my"`) {
			t.Error("a resident's home links to a member's page")
		}
	})
}
