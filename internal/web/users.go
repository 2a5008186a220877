package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
)

// userFields are the create-user form fields that can carry an error.
var userFields = []string{"username", "display_name", "phone", "password", "role", "area"}

// userListPage is the data of users.html.
type userListPage struct {
	Q         string
	Users     []auth.User
	Pager     pager
	CanCreate bool
}

// userList lists the users holding a grant inside the viewer's scope.
func (s *server) userList(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UserRead); err != nil {
		return err
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	f := auth.UserFilter{Q: &q, Page: pageParam(r), PerPage: perPage}
	users, total, err := s.Auth.ListUsers(r.Context(), rq.P, f)
	if err != nil {
		return err
	}
	page := userListPage{Q: q, Users: users, Pager: newPager(r, f.Page, total),
		CanCreate: auth.AuthorizeAny(rq.P, auth.UserAdmin) == nil}
	s.render(w, rq, http.StatusOK, "users.html", rq.view(r, "users", "users.title", page))
	return nil
}

// userForm is the data of user_new.html.
type userForm struct {
	Username, DisplayName, Phone, Role, Area string
	Errors                                   map[string]string
	General                                  []string
	Roles                                    []auth.Role
	Areas                                    []areaOption
}

func (s *server) showUserForm(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f userForm) error {
	areas, err := s.areaOptions(ctx, rq.P, true)
	if err != nil {
		return err
	}
	f.Areas, f.Roles = areas, auth.Roles
	s.render(w, rq, status, "user_new.html", rq.view(r, "users", "user.new.title", f))
	return nil
}

func (s *server) userNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UserAdmin); err != nil {
		return err
	}
	return s.showUserForm(r.Context(), w, r, rq, http.StatusOK, userForm{Area: homeArea(rq.P, auth.UserAdmin)})
}

// userCreate creates a user with one grant. The password is never echoed back.
func (s *server) userCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UserAdmin); err != nil {
		return err
	}
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := userForm{Username: v("username"), DisplayName: v("display_name"), Phone: v("phone"), Role: v("role"), Area: v("area")}
	u, err := s.Auth.CreateUser(r.Context(), rq.P, auth.NewUser{Username: f.Username, DisplayName: f.DisplayName,
		Phone: f.Phone, Password: r.PostFormValue("password"), Role: f.Role, Area: f.Area})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = fieldErrors(err, userFields...)
		return s.showUserForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10))
}

// userView is the data of user.html.
type userView struct {
	User     *auth.User
	Grants   []grantRow
	CanGrant bool
	Roles    []auth.Role
	Areas    []areaOption
	Role     string // the add-grant form's values, kept after an error
	Area     string
	Error    string
}

// grantRow is a grant with whether the viewer may take it away.
type grantRow struct {
	auth.Grant
	CanRemove bool
}

func (s *server) userPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showUser(w, r, rq, http.StatusOK, userView{})
}

// showUser renders a user's page with grants and, for user admins, the
// add-grant form.
func (s *server) showUser(w http.ResponseWriter, r *http.Request, rq *request, status int, page userView) error {
	ctx := r.Context()
	if err := auth.AuthorizeAny(rq.P, auth.UserRead); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Auth.GetUser(ctx, rq.P, id)
	if err != nil {
		return err
	}
	page.User = u
	for _, g := range u.Grants {
		page.Grants = append(page.Grants, grantRow{Grant: g, CanRemove: auth.Authorize(rq.P, auth.UserAdmin, g.AreaPath) == nil})
	}
	if page.CanGrant = auth.AuthorizeAny(rq.P, auth.UserAdmin) == nil; page.CanGrant {
		if page.Areas, err = s.areaOptions(ctx, rq.P, true); err != nil {
			return err
		}
		page.Roles = auth.Roles
	}
	v := rq.view(r, "users", "user.title", page)
	v.Title = u.Username
	s.render(w, rq, status, "user.html", v)
	return nil
}

// grantAdd gives the user a role on an area.
func (s *server) grantAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	role, area := r.PostFormValue("role"), r.PostFormValue("area")
	_, err = s.Auth.AddGrant(r.Context(), rq.P, id, role, area)
	if errs.Code(err) == errs.EINVALID {
		return s.showUser(w, r, rq, http.StatusUnprocessableEntity, userView{Role: role, Area: area, Error: errs.Message(err)})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
}

// grantRemove takes a grant away.
func (s *server) grantRemove(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	gid, err := pathID(r, "grant")
	if err != nil {
		return err
	}
	if err := s.Auth.RemoveGrant(r.Context(), rq.P, gid); err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
}
