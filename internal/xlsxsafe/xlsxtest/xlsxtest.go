// Package xlsxtest builds XLSX files for tests of import limits, such as a
// decompression bomb: a small zip whose sheet unpacks to hundreds of MiB.
// Parts are streamed through the zip writer, so a huge sheet costs the test
// only its compressed size.
package xlsxtest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"fmt"
	"html"
	"io"
	"strings"
	"testing"
)

// Part is one file inside the workbook; Write streams its content.
type Part struct {
	Name  string
	Write func(w io.Writer) error
}

// Text is a part with fixed content.
func Text(name, content string) Part {
	return Part{Name: name, Write: func(w io.Writer) error { _, err := io.WriteString(w, content); return err }}
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`
	rootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	workbook = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	workbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`
)

// Write writes a minimal workbook whose only sheet is sheet, plus extra
// parts (a shared string table, say), compressed as hard as deflate can.
func Write(w io.Writer, sheet func(io.Writer) error, extra ...Part) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	parts := append([]Part{Text("[Content_Types].xml", contentTypes), Text("_rels/.rels", rootRels),
		Text("xl/workbook.xml", workbook), Text("xl/_rels/workbook.xml.rels", workbookRels),
		{Name: "xl/worksheets/sheet1.xml", Write: sheet}}, extra...)
	for _, p := range parts {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: p.Name, Method: zip.Deflate})
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(fw, 64<<10)
		if err := p.Write(bw); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
	return zw.Close()
}

// Rows is a sheet of inline strings: the header, then n copies of row.
func Rows(header, row []string, n int) func(io.Writer) error {
	return func(w io.Writer) error {
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
		writeRow(w, 1, cells(header))
		body := cells(row)
		for i := range n {
			writeRow(w, i+2, body)
		}
		_, err := io.WriteString(w, `</sheetData></worksheet>`)
		return err
	}
}

// RawSheet is a sheet whose sheetData is body, as given.
func RawSheet(body string) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
			`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`+body+`</sheetData></worksheet>`)
		return err
	}
}

// cells is the XML of a row's cells. They carry no reference (the
// attribute is optional), so that identical rows compress as a bomb's do.
func cells(values []string) string {
	var b strings.Builder
	for _, v := range values {
		fmt.Fprintf(&b, `<c t="inlineStr"><is><t>%s</t></is></c>`, html.EscapeString(v))
	}
	return b.String()
}

// writeRow writes a row numbered as Excel does.
func writeRow(w io.Writer, n int, cells string) {
	fmt.Fprintf(w, `<row r="%d">%s</row>`, n, cells)
}

// Bytes returns the workbook Write makes, failing t on error.
func Bytes(t testing.TB, sheet func(io.Writer) error, extra ...Part) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, sheet, extra...); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// UnitHeader and UnitRow are a valid-looking unit list line for bombs: the
// rows are plausible, so only the limits can stop them.
var (
	UnitHeader = []string{"名称", "类型", "所属区域", "建有党组织", "纳入区域化党建平台", "地址", "职工人数", "党员人数", "联系电话"}
	UnitRow    = []string{"炸弹测试单位", "沿街商铺", "310104001001", "否", "否", "漕溪北路 1 号" + strings.Repeat(" ", 8), "5", "1", "13800000000"}
)
