package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
)

// listUsers serves GET /users?q=&role=&area=: users holding a grant in the
// caller's scope (of that role, on that area's subtree), phones masked.
func (s *server) listUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	users, total, err := s.Auth.ListUsers(r.Context(), p, auth.UserFilter{Q: optString(r, "q"), Role: optString(r, "role"),
		Area: optString(r, "area"), Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	for i := range users {
		if users[i].Grants == nil {
			users[i].Grants = []auth.Grant{}
		}
	}
	writeList(w, users, total, pg)
	return nil
}

// getUser serves GET /users/{id}; users outside scope are not found.
func (s *server) getUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	u, err := s.Auth.GetUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	if u.Grants == nil {
		u.Grants = []auth.Grant{}
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// userInput is the body of POST /users: an account with its first grant.
type userInput struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Phone       string `json:"phone"`
	Email       string `json:"email"`
	Password    string `json:"password"`
	Role        string `json:"role"`
	Area        string `json:"area"`
	UnitID      int64  `json:"unit_id"` // a unit liaison's unit
}

// createUser serves POST /users. The answer masks the phone like every
// other answer about another person.
func (s *server) createUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in userInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(r.Context(), p, auth.NewUser{Username: in.Username, DisplayName: in.DisplayName,
		Phone: in.Phone, Email: in.Email, Password: in.Password, Role: in.Role, Area: in.Area, Unit: in.UnitID})
	if err != nil {
		return err
	}
	u.Phone, u.Email = auth.MaskPhone(u.Phone), auth.MaskEmail(u.Email)
	created(w, Prefix+"/users/"+strconv.FormatInt(u.ID, 10), u)
	return nil
}

// grantInput is the body of POST /users/{id}/grants.
type grantInput struct {
	Role   string `json:"role"`
	Area   string `json:"area"`
	UnitID int64  `json:"unit_id"` // a unit liaison's unit
}

// addGrant serves POST /users/{id}/grants: a role on an area's subtree.
func (s *server) addGrant(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var in grantInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	g, err := s.Auth.AddGrant(r.Context(), p, id, in.Role, in.Area, in.UnitID)
	if err != nil {
		return err
	}
	created(w, Prefix+"/users/"+strconv.FormatInt(id, 10), g)
	return nil
}

// removeGrant serves DELETE /grants/{id}.
func (s *server) removeGrant(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	if err := s.Auth.RemoveGrant(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// disableUser serves POST /users/{id}/disable: the user's web sessions end
// and their API tokens are revoked (enabling brings none back).
func (s *server) disableUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.setDisabled(w, r, p, true)
}

// enableUser serves POST /users/{id}/enable.
func (s *server) enableUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.setDisabled(w, r, p, false)
}

// setDisabled changes a user's status. The body may be left out; the
// answer is the user as they now stand.
func (s *server) setDisabled(w http.ResponseWriter, r *http.Request, p *auth.Principal, disabled bool) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	if err := decodeOptional(w, r, &struct{}{}); err != nil {
		return err
	}
	if err := s.Auth.SetDisabled(r.Context(), p, id, disabled); err != nil {
		return err
	}
	u, err := s.Auth.GetUser(r.Context(), p, id)
	if err != nil {
		return err
	}
	if u.Grants == nil {
		u.Grants = []auth.Grant{}
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// passwordInput is the body of POST /users/{id}/password.
type passwordInput struct {
	Password string `json:"password"`
}

// resetPassword serves POST /users/{id}/password: a user admin sets a new
// password for a user in scope; the user's web sessions end and their API
// tokens are revoked.
func (s *server) resetPassword(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var in passwordInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.Auth.ResetPassword(r.Context(), p, id, in.Password); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// setContact serves PATCH /users/{id}/contact: the user's phone and/or
// e-mail address (notices are e-mailed there when e-mail is configured),
// set by the user themselves or by their user admin; a field left out
// stays as it is.
func (s *server) setContact(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "user")
	if err != nil {
		return err
	}
	var in auth.ContactChange
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.Auth.SetContact(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
