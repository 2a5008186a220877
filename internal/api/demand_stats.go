package api

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"gongzhi/internal/area"
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

// statsJSON serves a set of figures read with the stats filter: GET
// /stats/demands (received, the counts behind the three rates and the
// rates, null when nothing counts), /stats/demands/breakdown (by category,
// child area and day) and /stats/demands/map (a GeoJSON FeatureCollection of
// the grids under the area, or the streets of a district, each with its
// figures, for the grid heat map).
func statsJSON[T any](read func(*demand.Service, context.Context, *auth.Principal, demand.StatsFilter) (T, error)) func(*server, http.ResponseWriter, *http.Request, *auth.Principal) error {
	return func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		f, err := s.statsFilter(r)
		if err != nil {
			return err
		}
		v, err := read(s.Demand, r.Context(), p, f)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
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
	a, err := area.Get(r.Context(), s.DB, f.Area)
	if err != nil {
		return err
	}
	name := "demand-stats-" + f.Area + "-" + f.From + "-" + f.To + ".xlsx"
	body := &lazyBody{w: w, start: func() {
		h := w.Header()
		h.Set("Content-Type", xlsxType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusOK)
	}}
	err = demand.WriteBreakdownXLSX(body, a.Name, b)
	if err != nil && body.started {
		s.Logger.LogAttrs(r.Context(), slog.LevelError, "export failed midway",
			slog.String("id", w.Header().Get("X-Request-ID")), slog.String("err", err.Error()))
		panic(http.ErrAbortHandler)
	}
	return err
}
