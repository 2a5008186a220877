package web

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
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
	rq := &request{}
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
func localPath(next, def string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return def
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return def
	}
	return next
}

// secure reports whether cookies set for r need the Secure flag.
func (s *server) secure(r *http.Request) bool {
	return s.SecureCookies || r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// clientIP is the peer address, used to throttle logins. X-Forwarded-For is
// not trusted: anyone could send it to dodge the per-IP limit.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	// Behind our own proxy every login comes from the proxy's address; take
	// the right-most X-Forwarded-For hop that is not one of our proxies.
	// Hops a client wrote itself sit further left and are never reached.
	isTrusted := func(s string) bool {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		for _, p := range trusted {
			if p.Contains(a.Unmap()) {
				return true
			}
		}
		return false
	}
	if !isTrusted(host) {
		return host
	}
	hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h != "" && !isTrusted(h) {
			return h
		}
	}
	return host
}
