package api

import (
	"log/slog"
	"mime"
	"net/http"
	"time"

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

// demandMap serves GET /stats/demands/map: a GeoJSON FeatureCollection of
// the grids under the area (the streets, for a district), each with its
// figures, for the grid heat map.
func (s *server) demandMap(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	f, err := s.statsFilter(r)
	if err != nil {
		return err
	}
	m, err := s.Demand.GridMap(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
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
	err = demand.WriteBreakdownXLSX(body, areaName, b)
	if err != nil && body.started {
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "export failed midway",
			slog.String("id", w.Header().Get("X-Request-ID")), slog.String("err", err.Error()))
		panic(http.ErrAbortHandler)
	}
	return err
}
