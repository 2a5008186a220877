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
