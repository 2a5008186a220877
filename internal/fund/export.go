package fund

import (
	"context"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

// ledgerHeader is the header of the ledger sheet, in both languages as the
// other exports write theirs; amounts are numbers (yuan) beside the exact
// integer in fen.
var ledgerHeader = []any{"编号 ID", "日期 Date", "收支 Direction", "来源 Source", "捐赠方 Donor", "公示姓名 Named", "项目 Project",
	"金额(元) Amount (yuan)", "金额(分) Amount (fen)", "余额(元) Balance (yuan)", "冲正 Reverses", "被冲正 Reversed by",
	"收据号 Receipt", "备注 Note", "经办 By", "记账时间 Recorded"}

var ledgerWidths = []float64{8, 12, 12, 16, 28, 10, 30, 16, 16, 16, 10, 12, 14, 36, 20, 18}

// exportWords are the cells that name a direction or source.
var exportWords = map[string]string{
	In: "收入 in", Out: "支出 out",
	Government: "政府 government", Unit: "单位 unit", Resident: "居民 resident",
}

// maxSheetRows is Excel's limit, header included.
const maxSheetRows = 1048576

// ExportXLSX writes a fund's whole ledger, oldest first with the balance
// after each entry, and a summary sheet (fund.read on the fund).
func (s *Service) ExportXLSX(ctx context.Context, p *auth.Principal, fundID int64, w io.Writer) error {
	f, err := s.Fund(ctx, p, fundID)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const ledger, summary = "台账 Ledger", "汇总 Summary"
	if err := x.SetSheetName("Sheet1", ledger); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	if err := s.writeSummary(x, summary, f); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(ledger)
	if err != nil {
		return errs.Wrap(err, "xlsx stream")
	}
	for i, wd := range ledgerWidths {
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
	money, err := x.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return errs.Wrap(err, "xlsx style")
	}
	if err := sw.SetRow("A1", ledgerHeader, excelize.RowOpts{StyleID: bold}); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	row, balance := 1, int64(0)
	err = s.EachEntry(ctx, p, fundID, func(e Entry) error {
		row++
		if row > maxSheetRows {
			return errs.New(errs.ETOOLARGE, "more than %d entries: the ledger does not fit one sheet", maxSheetRows-1)
		}
		balance += Signed(e.Direction, e.AmountFen)
		cell, err := excelize.CoordinatesToCellName(1, row)
		if err != nil {
			return errs.Wrap(err, "xlsx cell")
		}
		return errs.Wrap(sw.SetRow(cell, ledgerRow(e, balance, money)), "xlsx row")
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return errs.Wrap(err, "xlsx flush")
	}
	x.SetActiveSheet(0)
	return errs.Wrap(x.Write(w), "write xlsx")
}

// ledgerRow is one entry as cells; money stays numbers.
func ledgerRow(e Entry, balance int64, money int) []any {
	source, named, ref, by := "", "", "", ""
	if e.Source != nil {
		source = exportWords[*e.Source]
	}
	if e.Donation() {
		named = "否 no"
		if e.ShowName {
			named = "是 yes"
		}
	}
	if e.ReversesID != nil {
		ref = "#" + strconv.FormatInt(*e.ReversesID, 10)
	}
	if e.ReversedBy != nil {
		by = "#" + strconv.FormatInt(*e.ReversedBy, 10)
	}
	yuan := func(fen int64) excelize.Cell { return excelize.Cell{StyleID: money, Value: float64(fen) / 100} }
	return []any{e.ID, e.ReceivedOn, exportWords[e.Direction], source, e.DonorName, named, e.ProjectTitle,
		yuan(e.AmountFen), e.AmountFen, yuan(balance), ref, by, e.ReceiptNo, e.Note, e.CreatedBy,
		e.CreatedAt.In(clock.Shanghai).Format("2006-01-02 15:04")}
}

// writeSummary adds the fund's figures as a second sheet.
func (s *Service) writeSummary(x *excelize.File, sheet string, f Fund) error {
	if _, err := x.NewSheet(sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	rows := [][]any{
		{"基金 Fund", f.Name},
		{"区域 Area", f.AreaName + " (" + f.Area + ")"},
		{"余额(元) Balance (yuan)", float64(f.BalanceFen) / 100},
		{"收入合计(元) In (yuan)", float64(f.InFen) / 100},
	}
	for _, st := range f.BySource {
		rows = append(rows, []any{"  " + exportWords[st.Source], float64(st.AmountFen) / 100})
	}
	rows = append(rows, []any{"支出合计(元) Out to projects (yuan)", float64(f.OutFen) / 100},
		[]any{"待审批 Pending disbursements", f.Pending})
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return errs.Wrap(err, "xlsx cell")
		}
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			return errs.Wrap(err, "xlsx summary")
		}
	}
	return errs.Wrap(x.SetColWidth(sheet, "A", "A", 36), "xlsx width")
}
