package web

import (
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// tokensPage is the data of tokens.html.
type tokensPage struct {
	Tokens   []auth.Token
	Secret   string // a new token's secret: shown on this one response only
	NewLabel string
	Label    string // the form value, kept after an error
	Error    string
}

// tokenList shows the signed-in user's API tokens with their last use.
func (s *server) tokenList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showTokens(w, r, rq, http.StatusOK, tokensPage{})
}

func (s *server) showTokens(w http.ResponseWriter, r *http.Request, rq *request, status int, page tokensPage) error {
	toks, err := s.Auth.Tokens(r.Context(), rq.P, rq.P.UserID)
	if err != nil {
		return err
	}
	page.Tokens = toks
	s.render(w, rq, status, "tokens.html", rq.view(r, "tokens", "tokens.title", page))
	return nil
}

// tokenCreate makes a token and shows its secret once; it is stored hashed,
// so no later page can show it again.
func (s *server) tokenCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	label := strings.TrimSpace(r.PostFormValue("label"))
	secret, t, err := s.Auth.CreateToken(r.Context(), rq.P, rq.P.UserID, label)
	if errs.Code(err) == errs.EINVALID {
		return s.showTokens(w, r, rq, http.StatusUnprocessableEntity, tokensPage{Label: label, Error: errs.Message(err)})
	} else if err != nil {
		return err
	}
	return s.showTokens(w, r, rq, http.StatusOK, tokensPage{Secret: secret, NewLabel: t.Label})
}

// tokenRevoke stops a token working: one's own, from /tokens, or another
// user's, as their user admin from their page (the form names the user, so
// the admin goes back there; the service decides who may revoke).
func (s *server) tokenRevoke(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), rq.P, id); err != nil && errs.Code(err) != errs.ECONFLICT {
		return err
	}
	if user, err := strconv.ParseInt(r.PostFormValue("user"), 10, 64); err == nil && user != rq.P.UserID {
		return redirect(w, r, "/admin/users/"+strconv.FormatInt(user, 10)+"?done=token#tokens")
	}
	return redirect(w, r, "/tokens")
}
