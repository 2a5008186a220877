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

// tokenInput is the body of POST /tokens. A token is always the caller's:
// nobody mints one for another person (the operator's CLI can, for an
// integration account).
type tokenInput struct {
	Label string `json:"label"`
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
	secret, t, err := s.Auth.CreateToken(r.Context(), p, p.UserID, in.Label)
	if err != nil {
		return err
	}
	created(w, "", newTokenJSON{Token: t, Secret: secret})
	return nil
}

// listUserTokens serves GET /users/{id}/tokens: a user's tokens, for the
// user themselves or their user admin (on every one of the user's grants),
// who revokes them with DELETE /tokens/{id}.
func (s *server) listUserTokens(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	tokens, err := s.Auth.Tokens(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeList(w, pageOf(tokens, pg), len(tokens), pg)
	return nil
}

// revokeToken serves DELETE /tokens/{id}: the token stops working at once.
// The owner revokes it, or the owner's user admin.
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
