package api

import (
	"net/http"

	"gongzhi/internal/auth"
)

// newTokenJSON is a token just made: the listing fields plus the secret,
// which is shown this once and never again.
type newTokenJSON struct {
	auth.Token
	Secret string `json:"token"`
}

// tokenInput is the body of POST /tokens. user_id lets a user admin make a
// token for a user in scope (an integration account); it defaults to the caller.
type tokenInput struct {
	Label  string `json:"label"`
	UserID *int64 `json:"user_id"`
}

// listTokens serves GET /tokens: the caller's own tokens, newest first,
// with prefix and last use but never the secret.
func (s *server) listTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	tokens, err := s.Auth.Tokens(r.Context(), p, p.UserID)
	if err != nil {
		return err
	}
	writeList(w, pageOf(tokens, pg), len(tokens), pg)
	return nil
}

// createToken serves POST /tokens.
func (s *server) createToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in tokenInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	user := p.UserID
	if in.UserID != nil {
		user = *in.UserID
	}
	secret, t, err := s.Auth.CreateToken(r.Context(), p, user, in.Label)
	if err != nil {
		return err
	}
	created(w, "", newTokenJSON{Token: t, Secret: secret})
	return nil
}

// revokeToken serves DELETE /tokens/{id}: the token stops working at once.
func (s *server) revokeToken(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "token")
	if err != nil {
		return err
	}
	if err := s.Auth.RevokeToken(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
