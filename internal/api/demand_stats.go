package api

import (
	"io"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/xuri/excelize/v2"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
)

// statsWindow is the period the figures cover when from and to are left out.
const statsWindow = 30

// statsFilter reads area, from, to and category. A missing bound makes the
// period the 30 days ending on to (or today, in Shanghai).
func (s *server) statsFilter(r *http.Request) (demand.StatsFilter, error) {
	q := r.URL.Query()
	f := demand.StatsFilter{Area: q.Get("area"), From: q.Get("from"), To: q.Get("to"), Category: q.Get("category")}
	if f.Area == "" {
		return f, errs.Invalid("area", "area is required: the code of the area to report on")
	}
	to := s.Clock.Now().In(clock.Shanghai)
	if f.To == "" {
		f.To = to.Format(time.DateOnly)
	} else {
		t, err := time.ParseInLocation(time.DateOnly, f.To, clock.Shanghai)
		if err != nil {
			return f, errs.Invalid("to", "to must be a date like 2026-11-30")
		}
		to = t
	}
	if f.From == "" {
		f.From = to.AddDate(0, 0, 1-statsWindow).Format(time.DateOnly)
	}
	return f, s.knownCategory(r, "category", f.Category)
}

// demandStats serves GET /stats/demands: received, the counts behind the
// three rates (响应率, 解决率, 满意率) and the rates, null when nothing counts.
func (s *server) demandStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := s.statsFilter(r)
	if err != nil {
		return err
	}
	st, err := s.Demand.Stats(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// demandBreakdown serves GET /stats/demands/breakdown: the dashboard's
// figures by category, by child area and by day.
func (s *server) demandBreakdown(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := s.statsFilter(r)
	if err != nil {
		return err
	}
	b, err := s.Demand.Breakdown(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

// exportDemandStats serves GET /stats/demands/export.xlsx: the breakdown as
// a workbook with the sheets 汇总, 分类, 区域 and 每日, streamed row by row.
func (s *server) exportDemandStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := s.statsFilter(r)
	if err != nil {
		return err
	}
	b, err := s.Demand.Breakdown(r.Context(), p, f)
	if err != nil {
		return err
	}
	var areaName string
	if err := s.DB.QueryRow(r.Context(), "SELECT name FROM areas WHERE code = ?", f.Area).Scan(&areaName); err != nil {
		return errs.Wrap(err, "area name")
	}
	name := "demand-stats-" + f.Area + "-" + f.From + "-" + f.To + ".xlsx"
	body := &lazyBody{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", xlsxType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	err = writeStatsXLSX(body, areaName, b)
	if err != nil && body.started {
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "export failed midway",
			slog.String("id", w.Header().Get("X-Request-ID")), slog.String("err", err.Error()))
		panic(http.ErrAbortHandler)
	}
	return err
}

// figureHeader are the columns every sheet ends with: the counts and rates.
var figureHeader = []string{"受理量", "应响应数", "按时响应数", "已评价数", "已解决数", "满意数", "超期数", "在办数", "响应率", "解决率", "满意率"}

// figureCells are the counts and rates of st; a rate with nothing to rate
// is an empty cell, not 0.
func figureCells(st demand.Stats) []any {
	rate := func(v *float64) any {
		if v == nil {
			return nil
		}
		return *v
	}
	return []any{st.Received, st.ResponseBase, st.Responded, st.Rated, st.Solved, st.Satisfied, st.Overdue, st.Open,
		rate(st.ResponseRate), rate(st.ResolutionRate), rate(st.SatisfactionRate)}
}

// writeStatsXLSX writes the breakdown as four sheets, each through a
// StreamWriter so a year of days or a district of streets stays flat in memory.
func writeStatsXLSX(w io.Writer, areaName string, b demand.Breakdown) error {
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

func figureRows(fs []demand.Figure) [][]any {
	out := make([][]any, len(fs))
	for i, f := range fs {
		out[i] = append([]any{f.Key, f.Name}, figureCells(f.Stats)...)
	}
	return out
}

func dayRows(fs []demand.Figure) [][]any {
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
