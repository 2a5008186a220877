package web

import (
	"net/http"
	"net/url"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/org"
)

// unitQuery is the unit list's filter as the form and links carry it.
type unitQuery struct {
	Area, Kind, Group, Covered, Q string
}

// readUnitQuery reads the filter from the URL. Bad kind or group values are
// passed on so the service rejects them with its own message.
func readUnitQuery(r *http.Request) (unitQuery, org.UnitFilter) {
	v := r.URL.Query()
	q := unitQuery{Area: strings.TrimSpace(v.Get("area")), Kind: v.Get("kind"), Group: v.Get("group"),
		Covered: v.Get("covered"), Q: strings.TrimSpace(v.Get("q"))}
	f := org.UnitFilter{Area: q.Area, Group: q.Group, Q: q.Q}
	if q.Kind != "" {
		k := org.UnitKind(q.Kind)
		f.Kind = &k
	}
	switch q.Covered {
	case "true", "false":
		b := q.Covered == "true"
		f.Covered = &b
	default:
		q.Covered = ""
	}
	return q, f
}

// values is the filter as URL parameters, for the export link.
func (q unitQuery) values() url.Values {
	v := url.Values{}
	for k, val := range map[string]string{"area": q.Area, "kind": q.Kind, "group": q.Group, "covered": q.Covered, "q": q.Q} {
		if val != "" {
			v.Set(k, val)
		}
	}
	return v
}

// unitListPage is the data of units.html.
type unitListPage struct {
	Query     unitQuery
	Units     []org.Unit
	Pager     pager
	Areas     []areaOption
	Kinds     []org.UnitKind
	Groups    []string
	ExportURL string
	CanWrite  bool
}

// unitList is the filtered, paged list of units (phones masked by the service).
func (s *server) unitList(w http.ResponseWriter, r *http.Request, rq *request) error {
	ctx, p := r.Context(), rq.P
	if err := auth.AuthorizeAny(p, auth.UnitRead); err != nil {
		return err
	}
	q, f := readUnitQuery(r)
	f.Page, f.PerPage = pageParam(r), perPage
	units, total, err := s.Org.Units(ctx, p, f)
	if err != nil {
		return err
	}
	areas, err := s.areaOptions(ctx, p, false)
	if err != nil {
		return err
	}
	page := unitListPage{Query: q, Units: units, Pager: newPager(r, f.Page, total), Areas: areas,
		Kinds: org.UnitKinds, Groups: org.Groups, ExportURL: withQuery("/units/export.xlsx", q.values()),
		CanWrite: auth.AuthorizeAny(p, auth.UnitWrite) == nil}
	s.render(w, rq, http.StatusOK, "units.html", rq.view(r, "units", "units.title", page))
	return nil
}

// unitExport streams the filtered list as XLSX, the format the users' work
// already lives in.
func (s *server) unitExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UnitRead); err != nil {
		return err
	}
	_, f := readUnitQuery(r)
	name := "units-" + s.Clock.Now().In(clock.Shanghai).Format("20060102") + ".xlsx"
	lw := &lazyWriter{w: w, start: func(h http.Header) {
		h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
	}}
	err := s.Org.ExportUnitsXLSX(r.Context(), rq.P, f, lw)
	if err != nil && !lw.started {
		return err // nothing sent yet: show a proper error page
	}
	if err != nil {
		s.Logger.Error("export units: failed mid-stream", "err", err)
	}
	return nil
}

// lazyWriter sets download headers on the first write, so an error found
// before any byte is written can still become an error page.
type lazyWriter struct {
	w       http.ResponseWriter
	start   func(http.Header)
	started bool
}

func (l *lazyWriter) Write(b []byte) (int, error) {
	if !l.started {
		l.started = true
		l.start(l.w.Header())
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(b)
}
