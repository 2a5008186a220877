package api

import (
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
)

// listUsers serves GET /users?q=: users holding a grant in the caller's
// scope, phones masked.
func (s *server) listUsers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	users, total, err := s.Auth.ListUsers(r.Context(), p, auth.UserFilter{Q: optString(r, "q"), Page: pg.Page, PerPage: pg.PerPage})
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
	Password    string `json:"password"`
	Role        string `json:"role"`
	Area        string `json:"area"`
}

// createUser serves POST /users. The answer masks the phone like every
// other answer about another person.
func (s *server) createUser(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in userInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(r.Context(), p, auth.NewUser{Username: in.Username, DisplayName: in.DisplayName,
		Phone: in.Phone, Password: in.Password, Role: in.Role, Area: in.Area})
	if err != nil {
		return err
	}
	u.Phone = auth.MaskPhone(u.Phone)
	created(w, Prefix+"/users/"+strconv.FormatInt(u.ID, 10), u)
	return nil
}

// grantInput is the body of POST /users/{id}/grants.
type grantInput struct {
	Role string `json:"role"`
	Area string `json:"area"`
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
	g, err := s.Auth.AddGrant(r.Context(), p, id, in.Role, in.Area)
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
