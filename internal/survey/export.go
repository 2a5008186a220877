package survey

import (
	"context"
	"io"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// scoreHeader is the header of the scores sheet, in both languages as the
// other exports write theirs.
var scoreHeader = []any{"居民区 Area", "周期 Period", "状态 Status", "链接 Links", "答卷 Answers", "回收率% Response",
	"知晓度% Awareness", "下限 Low", "上限 High", "参与度% Participation", "下限 Low", "上限 High", "满意度 Satisfaction (0-100)", "下限 Low", "上限 High"}

// Export writes the scores of the campaigns the filter selects in p's
// scope as XLSX (survey.read): one row a campaign with its 95% intervals,
// and a second sheet with what residents wrote, personal data masked.
func (s *Service) Export(ctx context.Context, p *auth.Principal, f Filter, w io.Writer) error {
	rs, err := s.Compare(ctx, p, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	const sheet, notes = "测评 Scores", "意见 Comments"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	if _, err := x.NewSheet(notes); err != nil {
		return errs.Wrap(err, "xlsx sheet")
	}
	iv := func(i Interval) []any {
		if !i.OK {
			return []any{"", "", ""}
		}
		return []any{round1(i.Value), round1(i.Lo), round1(i.Hi)}
	}
	rows := [][]any{scoreHeader}
	comments := [][]any{{"居民区 Area", "周期 Period", "意见 Comment"}}
	for _, r := range rs {
		sc := r.Scores
		row := []any{r.Campaign.AreaName, r.Campaign.Period, r.Campaign.Status, sc.Links, sc.Answers, round1(sc.ResponseRate)}
		row = append(row, iv(sc.Awareness)...)
		row = append(row, iv(sc.Participation)...)
		row = append(row, iv(sc.Satisfaction)...)
		rows = append(rows, row)
		as, err := s.answers(ctx, r.Campaign.ID)
		if err != nil {
			return err
		}
		for _, a := range as {
			if a.Comment != "" {
				comments = append(comments, []any{r.Campaign.AreaName, r.Campaign.Period, safeCell(auth.MaskText(a.Comment))})
			}
		}
	}
	for name, rows := range map[string][][]any{sheet: rows, notes: comments} {
		for i, row := range rows {
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			if err != nil {
				return errs.Wrap(err, "xlsx cell")
			}
			if err := x.SetSheetRow(name, cell, &row); err != nil {
				return errs.Wrap(err, "xlsx row")
			}
		}
	}
	if err := x.SetColWidth(sheet, "A", "A", 16); err != nil {
		return errs.Wrap(err, "xlsx width")
	}
	if err := x.SetColWidth(notes, "C", "C", 60); err != nil {
		return errs.Wrap(err, "xlsx width")
	}
	return errs.Wrap(x.Write(w), "xlsx write")
}

func round1(f float64) float64 { return float64(int64(f*10+0.5)) / 10 }

// safeCell keeps a spreadsheet from reading a resident's text as a formula.
func safeCell(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@') {
		return "'" + s
	}
	return s
}
