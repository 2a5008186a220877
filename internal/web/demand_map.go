package web

import (
	"encoding/json"
	"net/http"
	"net/url"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
)

// demandMapJSON serves GET /demands/map.json?area=&from=&to=: the grid map
// of an area as GeoJSON, the same document as the API's
// /stats/demands/map, read with the session. static/grid_map.js draws it
// on the dashboard (heat map) and on the intake page (area picker).
func (s *server) demandMapJSON(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.DemandRead); err != nil {
		return err
	}
	m, err := s.Demand.GridMap(r.Context(), rq.P, s.dashFilter(r, rq.P))
	if err != nil {
		return err
	}
	m.InLang(rq.Lang)
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b)
	return nil
}

// mapURL is the grid map of an area over a period, for grid_map.js.
func mapURL(f demand.StatsFilter) string {
	q := url.Values{}
	q.Set("area", f.Area)
	if f.From != "" {
		q.Set("from", f.From)
		q.Set("to", f.To)
	}
	return "/demands/map.json?" + q.Encode()
}
