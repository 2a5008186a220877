package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// view is what every template gets: the layout's needs plus the page's Data.
type view struct {
	Lang    string
	Title   string // translated page title
	Section string // which top-bar entry is current
	P       *auth.Principal
	CSRF    string
	Path    string // where the language switch returns to
	Nav     nav
	Charts  bool     // load ECharts (only pages with charts: it is 1 MB)
	Scripts []string // extra page scripts, by asset name
	Tab     string   // which tab of a section's sub-navigation is current
	NoIndex bool     // keep search engines off (private tracking pages)
	Lean    bool     // no htmx: the page's section does without it
	Staff   bool     // signed-in staff: the inbox badge shows
	Unread  int      // unread inbox notices, for the badge
	Data    any
}

// view starts the data of a page in section, titled by a catalog key.
func (rq *request) view(r *http.Request, section, titleKey string, data any) *view {
	v := &view{Lang: rq.Lang, Title: rq.T(titleKey), Section: section, P: rq.P, CSRF: rq.CSRF, Path: "/", Data: data}
	if r.Method == http.MethodGet {
		v.Path = r.URL.RequestURI() // after a post, the page to return to is unknown
	}
	if rq.P != nil {
		v.Nav = rq.nav(rq.P)
		v.Staff = auth.AuthorizeAny(rq.P, auth.DemandRead) == nil
		if v.Staff && rq.unread != nil {
			v.Unread = rq.unread()
		}
	}
	return v
}

// render executes page into a buffer (so a template error never sends half a
// page) and writes it with status.
func (s *server) render(w http.ResponseWriter, rq *request, status int, page string, v *view) {
	v.Lean = s.tpl.lean[page]
	t, err := s.tpl.clone(page, rq.cat)
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, "base", v)
	}
	if err != nil {
		s.Logger.Error("render", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store") // pages hold personal and scoped data
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// statusOf is the one table from error codes to HTTP statuses for pages.
var statusOf = map[string]int{
	errs.EINVALID:      http.StatusBadRequest,
	errs.EUNAUTHORIZED: http.StatusUnauthorized,
	errs.EFORBIDDEN:    http.StatusForbidden,
	errs.ENOTFOUND:     http.StatusNotFound,
	errs.ECONFLICT:     http.StatusConflict,
	errs.EUNAVAILABLE:  http.StatusUnprocessableEntity,
	errs.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	errs.ETOOMANY:      http.StatusTooManyRequests,
	errs.EINTERNAL:     http.StatusInternalServerError,
}

// errorPage is the data of error.html.
type errorPage struct {
	Status  int
	Code    string
	Heading string
	Message string
	Detail  string // the service's own words, for errors the user can fix
}

// statusClientClosed answers a request whose client left before the end
// (nginx's 499), so it is not counted as a server error.
const statusClientClosed = 499

// fail shows err as a localized error page. Internal errors are logged and
// never detailed; a lapsed session goes back to the login form.
func (s *server) fail(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The browser left before the page was ready: nobody reads it.
		w.WriteHeader(statusClientClosed)
		return
	}
	code := errs.Code(err)
	if code == errs.EUNAUTHORIZED {
		s.toLogin(w, r)
		return
	}
	status, ok := statusOf[code]
	if !ok {
		code, status = errs.EINTERNAL, http.StatusInternalServerError
	}
	if code == errs.EINTERNAL {
		s.Logger.Error("page", "method", r.Method, "path", auth.RedactPath(r.URL.Path), "err", err)
	}
	key := "error." + strings.ToLower(code)
	e := errorPage{Status: status, Code: code, Heading: rq.T(key + ".title"), Message: rq.T(key + ".message")}
	if code == errs.EINVALID || code == errs.ECONFLICT || code == errs.EUNAVAILABLE || code == errs.ETOOLARGE {
		e.Detail = rq.ErrMsg(err)
	}
	v := rq.view(r, "", key+".title", e)
	s.render(w, rq, status, "error.html", v)
}

// notFound answers paths no route knows.
func (s *server) notFound(w http.ResponseWriter, r *http.Request, rq *request) error {
	return errs.New(errs.ENOTFOUND, "no such page")
}

// crossOriginDenied answers posts CrossOriginProtection refused.
func (s *server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	rq := s.resolve(r)
	s.fail(w, r, rq, errs.New(errs.EFORBIDDEN, "cross-origin request refused"))
}

// redirect sends the browser to path after a successful post (303 so a
// reload does not post again).
func redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, path, http.StatusSeeOther)
	return nil
}

// rootJobs reports whether p holds JobsAdmin on a root of the area tree (a
// path of one segment), which the jobs page asks: jobs serve the whole
// district, so a district admin of one street is not offered the page.
func rootJobs(p *auth.Principal) bool {
	if p == nil {
		return false
	}
	for _, g := range p.Grants {
		if g.Holds(auth.JobsAdmin) && strings.Count(g.AreaPath, "/") == 2 {
			return true
		}
	}
	return p.System
}
