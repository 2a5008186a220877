package org_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
	"gongzhi/internal/xlsxsafe/xlsxtest"
)

const limitsHead = "名称,类型,所属区域,建有党组织,纳入区域化党建平台\n"

// unitLines are n good CSV lines for resA1.
func unitLines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "限额单位%d,沿街商铺,%s,否,否\n", i, resA1)
	}
	return b.String()
}

// sharedStrings is a shared string table of the given strings.
func sharedStrings(ss ...string) xlsxtest.Part {
	return xlsxtest.Part{Name: "xl/sharedStrings.xml", Write: func(w io.Writer) error {
		io.WriteString(w, `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
		for _, s := range ss {
			fmt.Fprintf(w, `<si><t>%s</t></si>`, s)
		}
		_, err := io.WriteString(w, `</sst>`)
		return err
	}}
}

// TestImportLimits refuses files over each limit of the import with
// ETOOLARGE, a message naming the limit and where the file broke it, and
// nothing imported; within the limits, blank rows and empty trailing
// columns are not counted.
func TestImportLimits(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTree(t, d)
		s.SetImportLimits(org.ImportLimits{MaxBytes: 1 << 20, MaxRows: 3, MaxColumns: 10, MaxLineBytes: 1 << 10})
		sys := auth.SystemPrincipal()
		wide := append(append([]string{}, xlsxtest.UnitHeader[:5]...), "", "", "", "", "", "备注")
		big := strings.Repeat("长", 60_000) // 180 KB, under the 256 KiB of one shared string
		bigRow := `<row r="1">` + strings.Repeat(`<c t="s"><v>0</v></c>`, 10) + `</row>`
		cases := []struct {
			name, file string
			data       []byte
			msg        string
			row        int
			column     string
		}{
			{"csv rows", "rows.csv", []byte(limitsHead + unitLines(4)), "rows.csv: more than 3 data rows; split the file", 5, ""},
			{"csv columns", "cols.csv", []byte(limitsHead + unitLines(1) + "宽,沿街商铺," + resA1 + ",否,否,,,,,,备注\n"), "cols.csv: row 3 has 11 columns; at most 10 are read: delete the columns from K on", 3, "K"},
			{"csv line", "line.csv", []byte(limitsHead + unitLines(1) + "长," + strings.Repeat("x", 2000) + "\n"), "line.csv: row 3 is longer than 1 KiB", 3, ""},
			{"csv quoted lines", "quoted.csv", []byte(limitsHead + "\"" + strings.Repeat("一行\n", 300) + "\",沿街商铺\n"), "quoted.csv: row 2 is longer than 1 KiB", 2, ""},
			{"csv file", "big.csv", []byte(limitsHead + strings.Repeat("\n", 2<<20)), "big.csv: the file is larger than 1 MiB; split it into smaller files", 0, ""},
			{"xlsx rows", "rows.xlsx", xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 4)), "rows.xlsx: more than 3 data rows", 5, ""},
			{"xlsx columns", "cols.xlsx", xlsxtest.Bytes(t, xlsxtest.Rows(wide, wide, 1)), "cols.xlsx: row 1 has 11 columns; at most 10 are read", 1, "K"},
			{"xlsx bomb", "bomb.xlsx", xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 10_000)), "bomb.xlsx: the workbook unpacks to more than 1 MiB; split it into smaller files", 0, ""},
			{"xlsx copies of a shared string", "copies.xlsx", xlsxtest.Bytes(t, xlsxtest.RawSheet(bigRow), sharedStrings(big)), "copies.xlsx: the workbook unpacks to more than 1 MiB", 0, ""},
		}
		for _, c := range cases {
			t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
				_, err := s.ImportUnits(ctx, sys, c.file, bytes.NewReader(c.data), nil)
				if errs.Code(err) != errs.ETOOLARGE || !strings.HasPrefix(errs.Message(err), c.msg) {
					t.Fatalf("got %v, want ETOOLARGE %q", err, c.msg)
				}
				if ds := errs.DetailsOf(err); c.row > 0 && (len(ds) != 1 || ds[0].Row != c.row || ds[0].Column != c.column) {
					t.Errorf("details %+v, want row %d column %q", ds, c.row, c.column)
				}
			})
		}
		if n := countUnits(t, d); n != 0 {
			t.Fatalf("%d units imported from refused files", n)
		}

		// Within the limits: blank lines and rows of empty cells are not
		// rows, empty trailing columns are not columns.
		ok := limitsHead + "\n,,,,\n" + unitLines(3) + ",,,,,,,,,,,,,,,,,,,,,,,,\n"
		if res, err := s.ImportUnits(ctx, sys, "ok.csv", strings.NewReader(ok), nil); err != nil || res.Created != 3 {
			t.Fatalf("a file within the limits: %+v %v", res, err)
		}

		// A workbook of more XML elements than excelize should decode.
		s.SetImportLimits(org.ImportLimits{})
		many := make([]string, 600_000)
		_, err := s.ImportUnits(ctx, sys, "styles.xlsx", bytes.NewReader(xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 1), sharedStrings(many...))), nil)
		if errs.Code(err) != errs.ETOOLARGE || !strings.Contains(errs.Message(err), "copy the unit rows into a new workbook") {
			t.Fatalf("too many shared strings: %v", err)
		}
	})
}

// TestImportConcurrency holds both import slots and sees a third import
// refused with ETOOMANY, after waiting its Wait, and one that waits for a
// slot go in when a slot comes free.
func TestImportConcurrency(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newTree(t, d)
		s.SetImportLimits(org.ImportLimits{Concurrent: 2, Wait: 20 * time.Millisecond})
		sys := auth.SystemPrincipal()
		release1, err1 := s.AcquireImport(ctx)
		release2, err2 := s.AcquireImport(ctx)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		_, err := s.ImportUnits(ctx, sys, "third.csv", strings.NewReader(goodCSV), nil)
		if errs.Code(err) != errs.ETOOMANY || errs.Message(err) != "other imports are running; try again in a minute" {
			t.Fatalf("third import: %v", err)
		}
		if n := countUnits(t, d); n != 0 {
			t.Fatalf("a refused import created %d units", n)
		}

		release1()
		release2()
		s.SetImportLimits(org.ImportLimits{Concurrent: 2, Wait: time.Minute})
		release1, _ = s.AcquireImport(ctx)
		release2, _ = s.AcquireImport(ctx)
		done := make(chan error)
		go func() {
			_, err := s.ImportUnits(ctx, sys, "queued.csv", strings.NewReader(goodCSV), nil)
			done <- err
		}()
		release1()
		if err := <-done; err != nil {
			t.Fatalf("a queued import: %v", err)
		}
		release2()
		if n := countUnits(t, d); n != 5 {
			t.Fatalf("%d units after the queued import", n)
		}
	})
}
