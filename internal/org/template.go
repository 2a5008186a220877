package org

import (
	"context"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// WriteImportTemplate writes the unit import template: the columns with
// their Chinese headers (required ones marked *), one example row in the
// caller's own area that imports as it stands, and a sheet that explains
// each column. A worker fills it in Excel instead of guessing the headers.
func (s *Service) WriteImportTemplate(ctx context.Context, p *auth.Principal, w io.Writer) error {
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return err
	}
	area := "310104001001"
	for _, g := range p.Grants {
		if g.Holds(auth.UnitWrite) {
			area = g.AreaCode
			break
		}
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet, help = "单位", "说明"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return errs.Wrap(err, "xlsx style")
	}
	example := map[string]any{"name": "示例便利店（请改成实际单位，或删除本行）", "kind": "沿街商铺", "area": area, "has_party_org": "否",
		"platform_covered": "是", "address": "某某路 1 号", "employees": 5, "party_members": 0, "contact_phone": "021-6400 0000"}
	notes := map[string]string{
		"name":             "单位全称；同一区域内不可重名。",
		"kind":             "区域单位、非公企业、社会组织、沿街商铺 之一。",
		"area":             "区域代码（如 310104001001），或带上级的名称（如 徐汇区/湖南路街道/东湖居民区）；须在您的管理范围内。",
		"has_party_org":    "是 / 否。",
		"platform_covered": "是 / 否：是否纳入区域化党建平台。",
		"address":          "可不填。",
		"employees":        "整数，可不填。",
		"party_members":    "整数，可不填。",
		"contact_phone":    "可不填；列表、导出和公开页面中会打码。",
	}
	if _, err := x.NewSheet(help); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	x.SetCellValue(help, "A1", "列")
	x.SetCellValue(help, "B1", "填写说明")
	x.SetCellStyle(help, "A1", "B1", bold)
	x.SetColWidth(help, "A", "A", 20)
	x.SetColWidth(help, "B", "B", 90)
	for i, c := range ImportColumns {
		head := c.Label
		if c.Required {
			head += "*"
		}
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return errs.Wrap(err, "xlsx column")
		}
		if err := x.SetCellValue(sheet, col+"1", head); err != nil {
			return errs.Wrap(err, "xlsx header")
		}
		if err := x.SetCellValue(sheet, col+"2", example[c.Key]); err != nil {
			return errs.Wrap(err, "xlsx example")
		}
		x.SetColWidth(sheet, col, col, 18)
		row := i + 2
		x.SetCellValue(help, "A"+strconv.Itoa(row), head)
		x.SetCellValue(help, "B"+strconv.Itoa(row), notes[c.Key])
	}
	last, _ := excelize.ColumnNumberToName(len(ImportColumns))
	x.SetCellStyle(sheet, "A1", last+"1", bold)
	x.SetColWidth(sheet, "A", "A", 36)
	x.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	return errs.Wrap(x.Write(w), "write xlsx")
}
