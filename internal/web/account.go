package web

import (
	"net/http"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// passwordFields are the change-password form fields that carry errors.
var passwordFields = []string{"old_password", "new_password", "new_password2"}

// passwordPage is the data of account_password.html. Passwords are never
// sent back into the form.
type passwordPage struct {
	Done    bool
	Errors  map[string]string
	General []string
}

// passwordForm shows the "change my password" form, linked from the top bar.
func (s *server) passwordForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	page := passwordPage{Done: r.URL.Query().Get("done") == "1"}
	s.render(w, rq, http.StatusOK, "account_password.html", rq.view(r, "account", "account.password.title", page))
	return nil
}

// passwordChange changes the signed-in user's password. The service ends
// every session of the user, this one included, so the user is signed in
// afresh with the new password and stays where they are.
func (s *server) passwordChange(w http.ResponseWriter, r *http.Request, rq *request) error {
	oldPw, newPw := r.PostFormValue("old_password"), r.PostFormValue("new_password")
	if newPw != r.PostFormValue("new_password2") {
		page := passwordPage{Errors: map[string]string{"new_password2": rq.T("account.password.mismatch")}}
		s.render(w, rq, http.StatusUnprocessableEntity, "account_password.html", rq.view(r, "account", "account.password.title", page))
		return nil
	}
	err := s.Auth.ChangePassword(r.Context(), rq.P, oldPw, newPw)
	if errs.Code(err) == errs.EINVALID {
		page := passwordPage{}
		page.Errors, page.General = rq.fieldErrors(err, passwordFields...)
		s.render(w, rq, http.StatusUnprocessableEntity, "account_password.html", rq.view(r, "account", "account.password.title", page))
		return nil
	} else if err != nil {
		return err
	}
	token, _, err := s.Auth.Login(r.Context(), rq.P.Username, newPw, clientIP(r, s.TrustedProxies))
	if err != nil {
		s.Logger.Warn("sign in again after a password change", "err", err)
		return redirect(w, r, "/login")
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", MaxAge: int(auth.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
	return redirect(w, r, "/account/password?done=1")
}

// contactPage is the data of account_contact.html.
type contactPage struct {
	Phone, Email string
	Done         bool
	Errors       map[string]string
	General      []string
}

// contactForm shows the signed-in user's phone and e-mail address.
func (s *server) contactForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	u, err := s.Auth.GetUser(r.Context(), rq.P, rq.P.UserID)
	if err != nil {
		return err
	}
	page := contactPage{Phone: u.Phone, Email: u.Email, Done: r.URL.Query().Get("done") == "1"}
	s.render(w, rq, http.StatusOK, "account_contact.html", rq.view(r, "account", "account.contact.title", page))
	return nil
}

// contactChange saves the signed-in user's own phone and e-mail address
// (notices are e-mailed there when e-mail is configured); empty clears.
func (s *server) contactChange(w http.ResponseWriter, r *http.Request, rq *request) error {
	phone, email := r.PostFormValue("phone"), r.PostFormValue("email")
	_, err := s.Auth.SetContact(r.Context(), rq.P, rq.P.UserID, auth.ContactChange{Phone: &phone, Email: &email})
	if errs.Code(err) == errs.EINVALID {
		page := contactPage{Phone: phone, Email: email}
		page.Errors, page.General = rq.fieldErrors(err, "phone", "email")
		s.render(w, rq, http.StatusUnprocessableEntity, "account_contact.html", rq.view(r, "account", "account.contact.title", page))
		return nil
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/account/contact?done=1")
}
