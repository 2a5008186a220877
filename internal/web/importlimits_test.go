package web_test

import (
	"context"
	"net/http"
	"regexp"
	"runtime"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
	"gongzhi/internal/xlsxsafe/xlsxtest"
)

// allocated returns what fn allocates in this process.
func allocated(fn func()) uint64 {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestImportPageBomb uploads a decompression bomb (0.7 MB unpacking to
// 100 MB) and a workbook of one row too many through the import form: each
// gets a 413 page saying, in Chinese, which limit and what to do, after
// bounded work (the bomb took 2.7 GB before the limits), with nothing
// imported.
func TestImportPageBomb(t *testing.T) {
	bomb := string(xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 230_000)))
	rows := string(xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 20_001)))
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		b := s.login(t, auth.CommunityStaff)
		before := s.count(t, "SELECT count(*) FROM units")

		var resp response
		if n := allocated(func() { resp = b.upload("bomb.xlsx", bomb, true) }); n > 100<<20 {
			t.Errorf("refusing the bomb allocated %d MiB", n>>20)
		}
		wantStatus(t, "bomb", resp.StatusCode, http.StatusRequestEntityTooLarge, resp.Body)
		testkit.Contains(t, resp.Body, "bomb.xlsx 未导入", "bomb.xlsx：工作簿解压后超过 64 MiB；请拆分成较小的文件")

		// Reading 20,001 rows costs what a legal 20,000-row import does.
		if n := allocated(func() { resp = b.upload("rows.xlsx", rows, true) }); n > 400<<20 {
			t.Errorf("refusing 20,001 rows allocated %d MiB", n>>20)
		}
		wantStatus(t, "rows", resp.StatusCode, http.StatusRequestEntityTooLarge, resp.Body)
		testkit.Contains(t, resp.Body, "rows.xlsx 未导入", `<td data-label="行" class="num">20002</td>`, "数据超过 20000 行")

		if n := s.count(t, "SELECT count(*) FROM units"); n != before {
			t.Fatalf("refused files imported %d units", n-before)
		}
	})
}

// TestImportPageBusy holds both import slots: an upload gets a 429 page
// asking to try again, and goes in once a slot is free.
func TestImportPageBusy(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		s := newSite(t, d)
		s.Org.SetImportLimits(org.ImportLimits{Concurrent: 2, Wait: -1})
		release1, err1 := s.Org.AcquireImport(context.Background())
		release2, err2 := s.Org.AcquireImport(context.Background())
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		defer release2()
		b := s.login(t, auth.CommunityStaff)
		good := "name,kind,area,has_party_org,platform_covered\n并发花店,shop," + testkit.ResA1 + ",否,否\n"
		resp := b.upload("good.csv", good, true)
		wantStatus(t, "busy", resp.StatusCode, http.StatusTooManyRequests, resp.Body)
		testkit.Contains(t, resp.Body, "其他导入正在进行，请一分钟后再试。")
		if resp.Header.Get("Retry-After") == "" {
			t.Error("no Retry-After")
		}
		release1()
		resp = b.upload("good.csv", good, true)
		wantStatus(t, "free slot", resp.StatusCode, http.StatusOK, resp.Body)
		confirm := regexp.MustCompile(`action="(/import/\d+/confirm)"`).FindStringSubmatch(resp.Body)
		if confirm == nil {
			t.Fatal("no preview to confirm")
		}
		wantStatus(t, "confirm", b.submit(confirm[1], nil).StatusCode, http.StatusOK, "")
		if n := s.count(t, "SELECT count(*) FROM units WHERE name = '并发花店'"); n != 1 {
			t.Fatalf("%d units imported", n)
		}
	})
}
