package demand

import (
	"io"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/errs"
)

// figureHeader are the columns every sheet ends with: the counts and rates.
var figureHeader = []string{"受理量", "应响应数", "按时响应数", "已评价数", "已解决数", "满意数", "超期数", "在办数", "响应率", "解决率", "满意率"}

// figureCells are the counts and rates of st; a rate with nothing to rate
// is an empty cell, not 0.
func figureCells(st Stats) []any {
	rate := func(v *float64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	return []any{st.Received, st.ResponseBase, st.Responded, st.Rated, st.Solved, st.Satisfied, st.Overdue, st.Open,
		rate(st.ResponseRate), rate(st.ResolutionRate), rate(st.SatisfactionRate)}
}

// WriteBreakdownXLSX writes the breakdown as four sheets, each through a
// StreamWriter so a year of days or a district of streets stays flat in memory.
func WriteBreakdownXLSX(w io.Writer, areaName string, b Breakdown) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return errs.Wrap(err, "xlsx style")
	}
	pct, err := x.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return errs.Wrap(err, "xlsx style")
	}
	total := b.Total
	category := total.Category
	if category == "" {
		category = "全部"
	}
	sheets := []struct {
		name string
		head []string
		rows [][]any
	}{
		{"汇总", []string{"区域代码", "区域", "开始日期", "结束日期", "分类"},
			[][]any{{total.Area, areaName, total.From, total.To, category}}},
		{"分类", []string{"分类代码", "分类"}, figureRows(b.ByCategory)},
		{"区域", []string{"区域代码", "区域"}, figureRows(b.ByArea)},
		{"每日", []string{"日期"}, dayRows(b.ByDay)},
	}
	sheets[0].rows[0] = append(sheets[0].rows[0], figureCells(total)...)
	for i, sh := range sheets {
		if i == 0 {
			err = x.SetSheetName("Sheet1", sh.name)
		} else {
			_, err = x.NewSheet(sh.name)
		}
		if err != nil {
			return errs.Wrap(err, "xlsx sheet")
		}
		if err := streamSheet(x, sh.name, append(sh.head, figureHeader...), sh.rows, bold, pct); err != nil {
			return err
		}
	}
	return errs.Wrap(x.Write(w), "write xlsx")
}

func figureRows(fs []Figure) [][]any {
	out := make([][]any, len(fs))
	for i, f := range fs {
		out[i] = append([]any{f.Key, f.Name}, figureCells(f.Stats)...)
	}
	return out
}

func dayRows(fs []Figure) [][]any {
	out := make([][]any, len(fs))
	for i, f := range fs {
		out[i] = append([]any{f.Key}, figureCells(f.Stats)...)
	}
	return out
}

// streamSheet writes a bold header and rows; the last three columns, the
// rates, are shown as percentages.
func streamSheet(x *excelize.File, sheet string, head []string, rows [][]any, bold, pct int) error {
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return errs.Wrap(err, "xlsx stream")
	}
	if err := sw.SetColWidth(1, len(head), 12); err != nil {
		return errs.Wrap(err, "xlsx width")
	}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = h
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{StyleID: bold}); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	for i, row := range rows {
		out := make([]any, len(row))
		for j, v := range row {
			if j >= len(row)-3 && v != nil {
				v = excelize.Cell{StyleID: pct, Value: v}
			}
			out[j] = v
		}
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return errs.Wrap(err, "xlsx cell")
		}
		if err := sw.SetRow(cell, out); err != nil {
			return errs.Wrap(err, "xlsx row")
		}
	}
	return errs.Wrap(sw.Flush(), "xlsx flush")
}
