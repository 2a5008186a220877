package api

import (
	"net/http"

	"gongzhi/internal/auth"
)

// meJSON is who the token belongs to and where they may act, so a client
// can show the right screens without trying every call.
type meJSON struct {
	ID          int64        `json:"id"`
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Lang        string       `json:"lang"`
	Grants      []auth.Grant `json:"grants"`
}

// me serves GET /me.
func (s *server) me(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	grants := p.Grants
	if grants == nil {
		grants = []auth.Grant{}
	}
	writeJSON(w, http.StatusOK, meJSON{ID: p.UserID, Username: p.Username, DisplayName: p.DisplayName, Lang: p.Lang, Grants: grants})
	return nil
}

// changePasswordInput is the body of POST /me/password.
type changePasswordInput struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

// changePassword serves POST /me/password: the caller changes their own
// password, giving the current one. Their web sessions end and their API
// tokens are revoked, the one asking included.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in changePasswordInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Auth.ChangePassword(r.Context(), p, in.OldPassword, in.NewPassword); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
