package delib

import (
	"context"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
)

// topicHeader is the header of the topics sheet, in both languages as the
// other exports write theirs.
var topicHeader = []any{"编号 ID", "区域 Area", "议题 Topic", "状态 Status", "附议 Supports", "门槛 Threshold", "列入议程 On agenda",
	"答复期限 Due", "逾期 Overdue", "答复或关闭原因 Answer or reason", "答复时间 Answered", "提出人 Raised by", "提出时间 Raised"}

var topicWidths = []float64{8, 16, 36, 12, 10, 10, 18, 18, 8, 48, 18, 12, 18}

// statusWords are the cells that name a topic's status.
var statusWords = map[string]string{TopicOpen: "征集附议 open", TopicAgenda: "已列入议程 agenda", TopicAnswered: "已答复 answered", TopicClosed: "已关闭 closed"}

// maxExport is the most topics one export carries (the list's filters narrow it).
const maxExport = 50_000

// ExportTopics writes the topics the filter selects in p's scope as XLSX
// (delib.read), for the committee's monthly report.
func (s *Service) ExportTopics(ctx context.Context, p *auth.Principal, f TopicFilter, w io.Writer) error {
	if err := auth.AuthorizeAny(p, auth.DelibRead); err != nil {
		return err
	}
	l, err := s.listTopics(ctx, p, f, maxExport, 0)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "议题 Topics"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return errs.Wrap(err, "xlsx stream")
	}
	for i, wd := range topicWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return errs.Wrap(err, "xlsx width")
		}
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return errs.Wrap(err, "xlsx style")
	}
	if err := sw.SetRow("A1", topicHeader, excelize.RowOpts{StyleID: bold}); err != nil {
		return errs.Wrap(err, "xlsx header")
	}
	when := func(t *time.Time) any {
		if t == nil {
			return ""
		}
		return t.In(clock.Shanghai).Format("2006-01-02 15:04")
	}
	for i, t := range l.Items {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return errs.Wrap(err, "xlsx cell")
		}
		overdue := ""
		if t.Overdue {
			overdue = "是 yes"
		}
		created := t.CreatedAt
		if err := sw.SetRow(cell, []any{t.ID, t.AreaName, safeCell(t.Title), statusWords[t.Status], t.Supports, t.Threshold, when(t.AgendaAt),
			when(t.DueAt), overdue, safeCell(t.Answer), when(t.AnsweredAt), t.RaisedBy, when(&created)}); err != nil {
			return errs.Wrap(err, "xlsx row")
		}
	}
	if err := sw.Flush(); err != nil {
		return errs.Wrap(err, "xlsx flush")
	}
	return errs.Wrap(x.Write(w), "xlsx write")
}

// safeCell keeps a spreadsheet from reading a resident's text as a formula.
func safeCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
