package xlsxsafe_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/xlsxsafe"
	"gongzhi/internal/xlsxsafe/xlsxtest"
)

// allocated returns the bytes fn allocates.
func allocated(fn func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.ReadMemStats(&m0)
	fn()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

// repeated is a part of n copies of item between head and tail.
func repeated(name, head, item, tail string, n int) xlsxtest.Part {
	return xlsxtest.Part{Name: name, Write: func(w io.Writer) error {
		io.WriteString(w, head)
		for range n {
			io.WriteString(w, item)
		}
		_, err := io.WriteString(w, tail)
		return err
	}}
}

const (
	sstHead = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`
	oneRow  = `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`
)

func TestOpenWithinLimits(t *testing.T) {
	x := excelize.NewFile()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	// A large real list: 20,000 rows of 12 columns, shared and inline text.
	for i := range 20_000 {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		row := []any{i, fmt.Sprintf("单位%05d", i), "沿街商铺", "310104001001", "徐汇区/湖南路街道/东湖居民区", "否", "是",
			fmt.Sprintf("漕溪北路 %d 号", i), i % 300, i % 20, "13812345678", "备注"}
		if err := sw.SetRow(cell, row); err != nil {
			t.Fatal(err)
		}
	}
	sw.Flush()
	var b bytes.Buffer
	x.Write(&b)
	f, err := xlsxsafe.Open(b.Bytes(), xlsxsafe.Limits{})
	if err != nil {
		t.Fatalf("a real 20,000-row workbook (%d bytes) was refused: %v", b.Len(), err)
	}
	defer f.Close()
	rows, err := f.Rows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		n++
	}
	if n != 20_000 {
		t.Fatalf("%d rows", n)
	}
	// And what excelize writes with a shared string table.
	y := excelize.NewFile()
	y.SetCellValue("Sheet1", "A1", "名称")
	y.SetCellRichText("Sheet1", "B1", []excelize.RichTextRun{{Text: "粗", Font: &excelize.Font{Bold: true}}, {Text: "体"}})
	b.Reset()
	y.Write(&b)
	if _, err := xlsxsafe.Open(b.Bytes(), xlsxsafe.Limits{}); err != nil {
		t.Fatalf("a small workbook: %v", err)
	}
}

// TestBombRefused: a 300 MB sheet in a 2.5 MB zip is refused from the zip
// directory alone, having allocated next to nothing.
func TestBombRefused(t *testing.T) {
	bomb := xlsxtest.Bytes(t, xlsxtest.Rows(xlsxtest.UnitHeader, xlsxtest.UnitRow, 680_000))
	var err error
	if n := allocated(func() { _, err = xlsxsafe.Open(bomb, xlsxsafe.Limits{}) }); n > 8<<20 {
		t.Errorf("refusing the bomb allocated %d MiB", n>>20)
	}
	if !errors.Is(err, xlsxsafe.ErrTooLarge) {
		t.Fatalf("bomb of %d bytes: %v", len(bomb), err)
	}
}

// TestLyingDirectory: parts whose directory entries declare a few bytes
// but unpack to 100 MiB are refused after at most the declared bytes.
func TestLyingDirectory(t *testing.T) {
	var packed bytes.Buffer
	fw, _ := flate.NewWriter(&packed, flate.BestCompression)
	chunk := bytes.Repeat([]byte(`<row><c t="inlineStr"><is><t>x</t></is></c></row>`), 1000)
	for range (100 << 20) / len(chunk) {
		fw.Write(chunk)
	}
	fw.Close()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for i := range 5 {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1), Method: zip.Deflate,
			CompressedSize64: uint64(packed.Len()), UncompressedSize64: 1000, CRC32: 0})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(packed.Bytes())
	}
	zw.Close()
	var err error
	if n := allocated(func() { err = xlsxsafe.Check(b.Bytes(), xlsxsafe.Limits{}) }); n > 8<<20 {
		t.Errorf("refusing a lying zip allocated %d MiB", n>>20)
	}
	if !errors.Is(err, xlsxsafe.ErrUnreadable) && !errors.Is(err, xlsxsafe.ErrTooLarge) {
		t.Fatalf("lying directory: %v", err)
	}
	t.Log(err)
}

func TestCheckRefuses(t *testing.T) {
	sheet := xlsxtest.RawSheet(oneRow)
	cases := []struct {
		name  string
		sheet func(io.Writer) error
		parts []xlsxtest.Part
		want  error
	}{
		{"many empty shared strings", sheet, []xlsxtest.Part{repeated("xl/sharedStrings.xml", sstHead, `<si/>`, `</sst>`, 600_000)}, xlsxsafe.ErrTooComplex},
		{"prefixed shared strings in another case", sheet, []xlsxtest.Part{repeated("XL/SharedStrings.xml", `<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`, `<x:si><x:t>a</x:t></x:si>`, `</x:sst>`, 300_000)}, xlsxsafe.ErrTooComplex},
		{"one long shared string", sheet, []xlsxtest.Part{repeated("xl/sharedStrings.xml", sstHead+`<si>`, `<r><t>x</t></r>`, `</si></sst>`, 20_000)}, xlsxsafe.ErrTooComplex},
		{"many styles", sheet, []xlsxtest.Part{repeated("xl/styles.xml", `<styleSheet><cellXfs>`, `<xf/>`, `</cellXfs></styleSheet>`, 600_000)}, xlsxsafe.ErrTooComplex},
		{"many calc chain cells", sheet, []xlsxtest.Part{repeated("xl/calcChain.xml", `<calcChain>`, `<c r="A1"/>`, `</calcChain>`, 600_000)}, xlsxsafe.ErrTooComplex},
		{"elements hidden as a worksheet", sheet, []xlsxtest.Part{repeated("xl/worksheets/workbook.xml", `<workbook><sheets>`, `<sheet/>`, `</sheets></workbook>`, 600_000)}, xlsxsafe.ErrTooComplex},
		{"a row of more cells than Excel has columns", xlsxtest.RawSheet(`<row>` + strings.Repeat(`<c><v>1</v></c>`, 20_000) + `</row>`), nil, xlsxsafe.ErrTooComplex},
		{"a cell of a million runs", xlsxtest.RawSheet(`<row><c t="inlineStr"><is>` + strings.Repeat(`<r><t>x</t></r>`, 1_000_000) + `</is></c></row>`), nil, xlsxsafe.ErrTooComplex},
		{"an element of a million attributes", xlsxtest.RawSheet(`<row><c ` + strings.Repeat(`a="1" `, 1_000_000) + `/></row>`), nil, xlsxsafe.ErrTooComplex},
		{"UTF-16 declared midway", sheet, []xlsxtest.Part{xlsxtest.Text("xl/styles.xml", "<styleSheet><!-- x --><?xml version=\"1.0\"\tencoding='utf-16le'?></styleSheet>")}, xlsxsafe.ErrUnreadable},
		{"many parts", sheet, func() (ps []xlsxtest.Part) {
			for i := range 1001 {
				ps = append(ps, xlsxtest.Text(fmt.Sprintf("xl/media/p%d.txt", i), ""))
			}
			return ps
		}(), xlsxsafe.ErrTooComplex},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			data := xlsxtest.Bytes(t, c.sheet, c.parts...)
			var err error
			if n := allocated(func() { _, err = xlsxsafe.Open(data, xlsxsafe.Limits{}) }); n > 16<<20 {
				t.Errorf("refusing it allocated %d MiB", n>>20)
			}
			t.Log(err)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
	if err := xlsxsafe.Check([]byte("PK\x03\x04 not really"), xlsxsafe.Limits{}); !errors.Is(err, xlsxsafe.ErrUnreadable) {
		t.Errorf("not a zip: %v", err)
	}
}
