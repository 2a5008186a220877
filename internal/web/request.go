package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"path"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/platform"
)

// sessionCookie carries the web session token.
const sessionCookie = "gz_session"

// request is what a handler knows about who is asking and in which language.
type request struct {
	P     *auth.Principal // nil when not signed in
	CSRF  string          // the session's CSRF token; empty when not signed in
	Token string          // the session token, for logout
	Lang  string
	cat   catalog
	// unread counts the user's unread notices for the top-bar badge; it
	// runs only when a page is drawn for signed-in staff.
	unread func() int
	// nav answers the sections' top-bar and flag tests for a user.
	nav func(*auth.Principal) nav
}

// T translates key in the request's language.
func (rq *request) T(key string, args ...any) string { return rq.cat.T(key, args...) }

// csrfOK reports whether the posted csrf field matches the session's token.
func (rq *request) csrfOK(r *http.Request) bool {
	got := r.PostFormValue("csrf")
	return rq.CSRF != "" && subtle.ConstantTimeCompare([]byte(got), []byte(rq.CSRF)) == 1
}

// handler is a page or action: it writes a response or returns an error the
// wrapper turns into a localized error page.
type handler func(w http.ResponseWriter, r *http.Request, rq *request) error

// errCSRF marks a signed-in post without the session's CSRF token.
func errCSRF() error { return errs.New(errs.EFORBIDDEN, "missing or wrong CSRF token") }

// resolve reads the session cookie (if any) and the language.
func (s *server) resolve(r *http.Request) *request {
	rq := &request{nav: s.navFor}
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		p, csrf, err := s.Auth.Session(r.Context(), c.Value)
		if err == nil {
			rq.P, rq.CSRF, rq.Token = p, csrf, c.Value
		} else if errs.Code(err) == errs.EINTERNAL {
			s.Logger.Error("session lookup", "err", err)
		}
	}
	rq.Lang = requestLang(r, rq.P)
	rq.cat = s.cats[rq.Lang]
	if rq.P != nil {
		// For this request the principal carries the language it is served
		// in (a cookie's choice too), so services and helpers that take
		// only the principal word names and notices for the reader.
		rq.P.Lang = rq.Lang
	}
	if rq.P != nil {
		ctx, p := r.Context(), rq.P
		rq.unread = func() int {
			_, _, n, err := s.Notify.Inbox(ctx, p, true, 1, 1)
			if err != nil {
				s.Logger.Error("inbox badge", "err", err)
			}
			return n
		}
	}
	return rq
}

// public serves a handler to anyone, signed in or not.
func (s *server) public(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq := s.resolve(r)
		if err := h(w, r, rq); err != nil {
			s.fail(w, r, rq, err)
		}
	}
}

// page serves a handler to signed-in users; others go to the login form and
// come back afterwards.
func (s *server) page(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq := s.resolve(r)
		if rq.P == nil {
			s.toLogin(w, r)
			return
		}
		if err := h(w, r, rq); err != nil {
			s.fail(w, r, rq, err)
		}
	}
}

// post serves a form post from a signed-in user: the body is capped at limit
// and the form must carry the session's CSRF token.
func (s *server) post(limit int64, h handler) http.HandlerFunc {
	return s.page(func(w http.ResponseWriter, r *http.Request, rq *request) error {
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		if err := r.ParseForm(); err != nil {
			return tooLargeOr(err)
		}
		if !rq.csrfOK(r) {
			return errCSRF()
		}
		return h(w, r, rq)
	})
}

// toLogin redirects to the login form, remembering where the user was going.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) {
	next := "/"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	target := "/login"
	if next != "/" {
		target += "?next=" + url.QueryEscape(next)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// tooLargeOr maps an over-limit body to ETOOLARGE and anything else to EINVALID.
func tooLargeOr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &errs.Error{Code: errs.ETOOLARGE, Message: "the request is too large", Err: err}
	}
	return &errs.Error{Code: errs.EINVALID, Message: "the form could not be read", Err: err}
}

// localPath returns next when it is a path on this site, else def. It keeps
// the login and language redirects from sending users to another site.
//
// The value returned is already cleaned the way http.Redirect cleans a path,
// and it is that cleaned value which is checked: "/./\evil.com" would
// otherwise pass as a path and leave http.Redirect as "/\evil.com", which
// browsers read as "//evil.com".
func localPath(next, def string) string {
	if !isLocalPath(next) {
		return def
	}
	cleaned := cleanRedirectPath(next)
	if !isLocalPath(cleaned) {
		return def
	}
	return cleaned
}

// isLocalPath reports whether p is safe to send as a Location on this site:
// it starts with a single "/" (or is exactly "/"), holds no backslash or
// control character, raw or percent-decoded, and parses with no scheme,
// host or user.
func isLocalPath(p string) bool {
	if !safeRedirectText(p) || !rootedOnce(p) {
		return false
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return false
	}
	// A proxy or browser may decode %2F and %5C; judge the decoded path too.
	return safeRedirectText(u.Path) && rootedOnce(u.Path)
}

// rootedOnce reports whether p is "/" or starts with "/" and a character
// that is neither "/" nor "\" (which would make it a host).
func rootedOnce(p string) bool {
	if p == "/" {
		return true
	}
	return len(p) > 1 && p[0] == '/' && p[1] != '/' && p[1] != '\\'
}

// safeRedirectText reports whether s has no backslash and no control
// character; browsers drop tab and newline from URLs and turn "\" into "/".
func safeRedirectText(s string) bool {
	for _, r := range s {
		if r == '\\' || r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return false
		}
	}
	return true
}

// cleanRedirectPath cleans p exactly as http.Redirect does for a path on
// this site: path.Clean on the part before "?", keeping a trailing slash.
func cleanRedirectPath(p string) string {
	var query string
	if i := strings.Index(p, "?"); i != -1 {
		p, query = p[:i], p[i:]
	}
	trailing := strings.HasSuffix(p, "/")
	p = path.Clean(p)
	if trailing && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p + query
}

// secure reports whether cookies set for r need the Secure flag.
func (s *server) secure(r *http.Request) bool {
	return s.SecureCookies || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientIP is the peer address (platform.ClientIP), used to throttle logins.
func clientIP(r *http.Request, trusted []netip.Prefix) string { return platform.ClientIP(r, trusted) }
