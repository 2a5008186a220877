package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
	"gongzhi/internal/web"
)

// upload posts file as the import form does, with the csrf field first.
func (b *browser) upload(name, content string, withCSRF bool) response {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if withCSRF {
		mw.WriteField("csrf", b.csrf)
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	fw.Write([]byte(content))
	mw.Close()
	return b.do(http.MethodPost, "/import", &buf, mw.FormDataContentType())
}

func TestImportPage(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		units := func() int { return s.count(t, "SELECT count(*) FROM units") }
		before := units()

		st, body := b.get("/import")
		wantStatus(t, "import form", st, http.StatusOK, body)
		testkit.Contains(t, body, `enctype="multipart/form-data"`, `<label for="import-file">`, `name="csrf"`, "/static/upload.")

		bad := "名称,类型,所属区域,建有党组织,纳入区域化党建平台\n" +
			"东湖花店,沿街商铺," + testkit.ResA1 + ",否,是\n" +
			"东湖书店,城堡," + testkit.ResA1 + ",否,否\n" +
			"东湖茶馆,沿街商铺," + testkit.ResA1 + ",也许,否\n"
		resp := b.upload("units.csv", bad, true)
		wantStatus(t, "bad file", resp.StatusCode, http.StatusUnprocessableEntity, resp.Body)
		// Every bad cell is listed with its spreadsheet row and column.
		testkit.Contains(t, resp.Body, "units.csv 未导入", "本次没有导入任何单位", "问题清单（2 处）",
			`<td data-label="行" class="num">3</td>`, `<td data-label="列">类型</td>`, "城堡",
			`<td data-label="行" class="num">4</td>`, `<td data-label="列">建有党组织</td>`,
			// Reasons are in the reader's language, not the service's English.
			"未知类型 &#34;城堡&#34;", "&#34;也许&#34; 不是有效的是/否值")
		if n := units(); n != before {
			t.Fatalf("a refused file imported %d units", n-before)
		}

		resp = b.upload("units.csv", bad, false)
		wantStatus(t, "upload without csrf", resp.StatusCode, http.StatusForbidden, resp.Body)

		good := "name,kind,area,has_party_org,platform_covered\n" +
			"东湖花店,shop," + testkit.ResA1 + ",no,yes\n" +
			"东湖茶馆,沿街商铺,徐汇区/湖南路街道/东湖居民区,否,否\n"
		// A good file is previewed first: what it adds, nothing written.
		resp = b.upload("good.csv", good, true)
		wantStatus(t, "good file", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "预览：good.csv", "确认后将新增 2 个单位", `<td class="num" data-label="单位数">2</td>`,
			"东湖花店", "东湖茶馆", `id="import-confirm"`)
		if n := units(); n != before {
			t.Fatalf("a preview imported %d units", n-before)
		}
		confirm := regexp.MustCompile(`action="(/import/\d+)/confirm"`).FindStringSubmatch(resp.Body)
		if confirm == nil {
			t.Fatal("no confirm form")
		}
		// Someone else cannot confirm it; its uploader can, once.
		other := s.login(t, auth.DistrictAdmin)
		if r := other.submit(confirm[1]+"/confirm", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("another user confirms the draft: %d", r.StatusCode)
		}
		resp = b.submit(confirm[1]+"/confirm", nil)
		wantStatus(t, "confirm", resp.StatusCode, http.StatusOK, resp.Body)
		testkit.Contains(t, resp.Body, "导入成功：新增 2 家单位（文件 good.csv）")
		if n := units(); n != before+2 {
			t.Fatalf("%d units imported, want 2", n-before)
		}
		if r := b.submit(confirm[1]+"/confirm", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a draft confirmed twice: %d", r.StatusCode)
		}
		// A cancelled preview imports nothing.
		resp = b.upload("more.csv", "name,kind,area,has_party_org,platform_covered\n东湖药房,shop,"+testkit.ResA1+",no,no\n", true)
		cancel := regexp.MustCompile(`action="(/import/\d+)/cancel"`).FindStringSubmatch(resp.Body)
		if cancel == nil {
			t.Fatal("no cancel form")
		}
		wantStatus(t, "cancel", b.submit(cancel[1]+"/cancel", nil).StatusCode, http.StatusSeeOther, "")
		if r := b.submit(strings.Replace(cancel[1], "/cancel", "", 1)+"/confirm", nil); r.StatusCode != http.StatusNotFound {
			t.Fatalf("a cancelled draft confirmed: %d", r.StatusCode)
		}

		resp = b.do(http.MethodPost, "/import", strings.NewReader("x"), "text/plain")
		wantStatus(t, "not multipart", resp.StatusCode, http.StatusBadRequest, resp.Body)
	})
}

func TestImportTooLarge(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d, func(dp *web.Deps) { dp.MaxUploadBytes = 2 << 10 })
		b := s.login(t, auth.DistrictAdmin)
		big := "name,kind,area,has_party_org,platform_covered\n" + strings.Repeat("某店,shop,"+testkit.ResA1+",否,否\n", 4000)
		resp := b.upload("big.csv", big, true)
		wantStatus(t, "too large", resp.StatusCode, http.StatusRequestEntityTooLarge, resp.Body)
		testkit.Contains(t, resp.Body, "文件太大")
		if n := s.count(t, "SELECT count(*) FROM units WHERE name = '某店'"); n != 0 {
			t.Fatalf("%d units imported from a refused file", n)
		}
	})
}

// TestImportTemplateDownload: the import page offers the template, which
// downloads as XLSX for staff who may import and not for others.
func TestImportTemplateDownload(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		staff := s.login(t, auth.CommunityStaff)
		_, page := staff.get("/import")
		testkit.Contains(t, page, `id="import-template" href="/import/template.xlsx"`)
		resp := staff.do(http.MethodGet, "/import/template.xlsx", nil, "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") || !strings.HasPrefix(resp.Body, "PK") {
			t.Fatalf("template: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if st, _ := s.login(t, auth.Resident).get("/import/template.xlsx"); st != http.StatusForbidden {
			t.Errorf("a resident downloads the template: %d", st)
		}
	})
}
