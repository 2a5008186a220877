package api_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
	"gongzhi/internal/xlsxsafe/xlsxtest"
)

// What refusing a file over the import limits may allocate in all, server
// and client together. A bomb is refused from the zip directory: next to
// nothing. A workbook of one row too many costs what a legal 20,000-row
// import costs to read (about 230 MiB allocated in all, little of it live
// at once). Before the limits, the bomb below took 2.7 GB and 13 s; the
// finding's 300 MB one 8 GB and 900 MB resident.
const (
	maxBombAlloc = 100 << 20
	maxRowsAlloc = 400 << 20
)

var (
	bombOnce sync.Once
	bomb     []byte
)

// importBomb is an XLSX of 0.7 MB whose sheet unpacks to 100 MB of valid
// unit rows, built once for the package's tests.
func importBomb(t *testing.T) []byte {
	bombOnce.Do(func() { bomb = xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 230_000)) })
	return bomb
}

// allocated returns what fn allocates in this process.
func allocated(fn func()) uint64 {
	runtime.GC()
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// TestImportBomb posts a decompression bomb and a workbook of one row too
// many, raw and multipart, and gets 413 ETOOLARGE naming the limit, after
// bounded work, with nothing imported.
func TestImportBomb(t *testing.T) {
	bomb := importBomb(t)
	rows := xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 20_001))
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		units, audits := e.count("SELECT count(*) FROM units"), e.count("SELECT count(*) FROM audit_log")
		cs := auth.CommunityStaff
		for _, c := range []struct {
			name string
			send func() resp
			msg  string
			row  int
			max  uint64
		}{
			{"raw bomb", func() resp { return e.as(cs, "POST", "/units/import?filename=bomb.xlsx", bomb) },
				"bomb.xlsx: the workbook unpacks to more than 64 MiB; split it into smaller files", 0, maxBombAlloc},
			{"multipart bomb", func() resp { return e.as(cs, "POST", "/units/import", multipartFile(t, "bomb.xlsx", bomb)) },
				"bomb.xlsx: the workbook unpacks to more than 64 MiB; split it into smaller files", 0, maxBombAlloc},
			{"bomb without a name", func() resp { return e.as(cs, "POST", "/units/import?filename=upload", bomb) },
				"upload: the workbook unpacks to more than 64 MiB", 0, maxBombAlloc},
			{"one row too many", func() resp { return e.as(cs, "POST", "/units/import?filename=rows.xlsx", rows) },
				"rows.xlsx: more than 20000 data rows; split the file into files of at most 20000 rows", 20_002, maxRowsAlloc},
		} {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				var res resp
				n := allocated(func() { res = c.send() })
				ae := wantError(t, res, http.StatusRequestEntityTooLarge, "ETOOLARGE", "")
				if !strings.HasPrefix(ae.Error.Message, c.msg) {
					t.Errorf("message %q, want %q", ae.Error.Message, c.msg)
				}
				if c.row > 0 && (len(ae.Error.Details) != 1 || ae.Error.Details[0].Row != c.row) {
					t.Errorf("details %+v, want row %d", ae.Error.Details, c.row)
				}
				t.Logf("allocated %d MiB", n>>20)
				if n > c.max {
					t.Errorf("refusing it allocated %d MiB", n>>20)
				}
			})
		}
		if e.count("SELECT count(*) FROM units") != units || e.count("SELECT count(*) FROM audit_log") != audits {
			t.Error("a refused import changed the database")
		}
	})
}

// TestImportBusy holds both import slots and sees a third import refused
// with 429 ETOOMANY and a Retry-After, then accepted once a slot is free.
func TestImportBusy(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.org.SetImportLimits(org.ImportLimits{Concurrent: 2, Wait: -1})
		release1, err1 := e.org.AcquireImport(context.Background())
		release2, err2 := e.org.AcquireImport(context.Background())
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		defer release2()
		csv := "name,kind,area,has_party_org,platform_covered\n并发单位,shop," + testkit.ResA1 + ",否,否\n"
		res := e.as(auth.CommunityStaff, "POST", "/units/import?filename=units.csv", csv)
		ae := wantError(t, res, http.StatusTooManyRequests, "ETOOMANY", "")
		if ae.Error.Message != "other imports are running; try again in a minute" || res.header.Get("Retry-After") == "" {
			t.Errorf("busy answer: %v %s", res.header, res.body)
		}
		if e.count("SELECT count(*) FROM units WHERE name = '并发单位'") != 0 {
			t.Fatal("a refused import created units")
		}
		release1()
		if res := e.as(auth.CommunityStaff, "POST", "/units/import?filename=units.csv", csv); res.status != http.StatusOK {
			t.Fatalf("with a free slot: %d %s", res.status, res.body)
		}
	})
}

// multipartFile is data as the multipart field "file".
func multipartFile(t *testing.T, name string, data []byte) multipartBody {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return multipartBody{contentType: mw.FormDataContentType(), data: b.Bytes()}
}
