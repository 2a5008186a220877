package web

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// loginPage is the data of login.html.
type loginPage struct {
	Username string
	Next     string
	Error    string // translated message; empty on first show
}

// loginForm shows the sign-in form; signed-in users go straight on.
func (s *server) loginForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	next := localPath(r.URL.Query().Get("next"), "/")
	if rq.P != nil {
		return redirect(w, r, next)
	}
	s.render(w, rq, http.StatusOK, "login.html", rq.view(r, "login", "login.title", loginPage{Next: next}))
	return nil
}

// login checks the password and opens a session. The form needs no CSRF
// field: there is no session to ride yet, and CrossOriginProtection already
// refuses cross-site posts (login CSRF).
func (s *server) login(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return tooLargeOr(err)
	}
	username, next := r.PostFormValue("username"), localPath(r.PostFormValue("next"), "/")
	token, p, err := s.Auth.Login(r.Context(), username, r.PostFormValue("password"), clientIP(r, s.TrustedProxies))
	if err != nil {
		var status int
		var msg string
		switch errs.Code(err) {
		case errs.ETOOMANY:
			status, msg = http.StatusTooManyRequests, rq.T("login.throttled")
		case errs.EUNAUTHORIZED:
			status, msg = http.StatusUnauthorized, rq.T("login.wrong")
		default:
			return err
		}
		page := loginPage{Username: username, Next: next, Error: msg}
		s.render(w, rq, status, "login.html", rq.view(r, "login", "login.title", page))
		return nil
	}
	if rq.Token != "" { // signing in again, perhaps as someone else: end the old session
		if err := s.Auth.Logout(r.Context(), rq.Token); err != nil {
			s.Logger.Warn("end previous session at login", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(auth.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	// A language picked before signing in becomes the user's own.
	if c, err := r.Cookie(langCookie); err == nil && validLang(c.Value) && p.Lang == "" {
		if err := s.Auth.SetLang(r.Context(), p, c.Value); err != nil {
			s.Logger.Warn("save language at login", "err", err)
		}
	}
	return redirect(w, r, next)
}

// logout ends the session and forgets the cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := s.Auth.Logout(r.Context(), rq.Token); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	return redirect(w, r, "/login")
}
