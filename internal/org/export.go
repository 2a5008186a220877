package org

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// exportHeader is the header of unit exports: the import columns under
// their Chinese names, so an export (after renaming its units) imports
// again, plus id, the area's name path and 覆盖, which import ignores.
var exportHeader = []string{"id", "名称", "类型", "所属区域", "区域名称", "建有党组织", "纳入区域化党建平台", "覆盖",
	"地址", "职工人数", "党员人数", "联系电话"}

// exportWidths are XLSX column widths in characters, matching exportHeader.
var exportWidths = []float64{8, 36, 10, 16, 40, 10, 18, 6, 40, 10, 10, 16}

// maxXLSXRows is the sheet limit of Excel, header included.
const maxXLSXRows = 1048576

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// exportRow is one unit as export cells; numbers stay numbers for XLSX.
func exportRow(u Unit, ix *AreaIndex) []any {
	return []any{u.ID, u.Name, KindLabels[u.Kind], u.Area, ix.FullName(u.Area), yesNo(u.HasPartyOrg), yesNo(u.PlatformCovered),
		yesNo(u.Covered), u.Address, u.Employees, u.PartyMembers, u.ContactPhone}
}

// FullName returns an area's name path (徐汇区/湖南路街道/…), or "" for an unknown code.
func (ix *AreaIndex) FullName(code string) string {
	a, ok := ix.byCode[code]
	if !ok {
		return ""
	}
	return ix.fullName(a)
}

// ExportUnitsXLSX writes the units p may see that match f as one streamed
// sheet. Phones are masked and scope applies, because it reads through EachUnit.
func (s *Service) ExportUnitsXLSX(ctx context.Context, p *auth.Principal, f UnitFilter, w io.Writer) error {
	if err := auth.AuthorizeAny(p, auth.UnitRead); err != nil {
		return err
	}
	ix, err := s.LoadAreaIndex(ctx)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "单位"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return errs.Wrap(err, "xlsx stream")
	}
	for i, wd := range exportWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return errs.Wrap(err, "xlsx width")
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return errs.Wrap(err, "xlsx panes")
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return errs.Wrap(err, "xlsx style")
	}
	head := make([]any, len(exportHeader))
	for i, h := range exportHeader {
		head[i] = h
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{StyleID: bold}); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	row := 1
	err = s.EachUnit(ctx, p, f, func(u Unit) error {
		row++
		if row > maxXLSXRows {
			return errs.New(errs.ETOOLARGE, "more than %d units; narrow the export or use CSV", maxXLSXRows-1)
		}
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return errs.Wrap(err, "xlsx cell")
		}
		return errs.Wrap(sw.SetRow(cell, exportRow(u, ix)), "xlsx row")
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return errs.Wrap(err, "xlsx flush")
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}

// ExportUnitsCSV writes the same columns as ExportUnitsXLSX as UTF-8 CSV
// with a byte-order mark, without which Excel reads Chinese as mojibake.
func (s *Service) ExportUnitsCSV(ctx context.Context, p *auth.Principal, f UnitFilter, w io.Writer) error {
	if err := auth.AuthorizeAny(p, auth.UnitRead); err != nil {
		return err
	}
	ix, err := s.LoadAreaIndex(ctx)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return errs.Wrap(err, "write csv")
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportHeader); err != nil {
		return errs.Wrap(err, "write csv")
	}
	rec := make([]string, len(exportHeader))
	err = s.EachUnit(ctx, p, f, func(u Unit) error {
		for i, v := range exportRow(u, ix) {
			switch v := v.(type) {
			case string:
				rec[i] = csvSafe(v)
			case int:
				rec[i] = strconv.Itoa(v)
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			}
		}
		return errs.Wrap(cw.Write(rec), "write csv")
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return errs.Wrap(cw.Error(), "write csv")
}

// csvSafe keeps a spreadsheet from running a cell as a formula (CSV
// injection): text starting with = + - @ gets a leading apostrophe, which
// import removes again.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// unCSVSafe undoes csvSafe on an imported cell.
func unCSVSafe(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
