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
var userFields = []string{"username", "display_name", "phone", "password", "role", "area", "unit_id"}

// userListPage is the data of users.html.
type userListPage struct {
	Q, Role, Area string
	Roles         []auth.Role
	Areas         []areaOption
	Users         []auth.User
	Pager         pager
	CanCreate     bool
}

// userList lists the users holding a grant inside the viewer's scope, by
// name, role and area.
func (s *server) userList(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UserRead); err != nil {
		return err
	}
	v := r.URL.Query()
	page := userListPage{Q: strings.TrimSpace(v.Get("q")), Role: strings.TrimSpace(v.Get("role")), Area: strings.TrimSpace(v.Get("area")),
		Roles: auth.Roles, CanCreate: auth.AuthorizeAny(rq.P, auth.UserAdmin) == nil}
	f := auth.UserFilter{Q: &page.Q, Role: &page.Role, Area: &page.Area, Page: pageParam(r), PerPage: perPage}
	users, total, err := s.Auth.ListUsers(r.Context(), rq.P, f)
	if err != nil {
		return err
	}
	if page.Areas, err = s.areaOptions(r.Context(), rq.P, true); err != nil {
		return err
	}
	page.Users, page.Pager = users, newPager(r, f.Page, total)
	s.render(w, rq, http.StatusOK, "users.html", rq.view(r, "users", "users.title", page))
	return nil
}

// userForm is the data of user_new.html.
type userForm struct {
	Username, DisplayName, Phone, Role, Area string
	UnitID, UnitText                         string // a unit liaison's unit, as its picker held it
	Errors                                   map[string]string
	General                                  []string
	AreaText                                 string // the area picker's text, kept after an error
	Roles                                    []auth.Role
	AreaPick                                 picker
	Unit                                     picker
}

// grantUnitPicker is the unit a unit liaison's grant names, searched in the
// area chosen beside it (areaField, the area select's id).
func (s *server) grantUnitPicker(ctx context.Context, rq *request, id, areaField, value, text, err string) picker {
	return picker{ID: id, Name: "unit_id", Source: "/org/pick/units", AreaFrom: areaField, Label: "user.unit", Hint: "user.unit_hint",
		Value: value, Text: s.unitText(ctx, rq.P, value, text), Error: err}
}

func (s *server) showUserForm(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f userForm) error {
	f.Roles = auth.Roles
	f.AreaPick = s.areaPicker(ctx, rq, "n-area", f.Area, f.AreaText, f.Errors["area"])
	f.Unit = s.grantUnitPicker(ctx, rq, "n-unit", "n-area-value", f.UnitID, f.UnitText, f.Errors["unit_id"])
	v := rq.view(r, "users", "user.new.title", f)
	v.Scripts = []string{"picker.js"}
	s.render(w, rq, status, "user_new.html", v)
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
	f := userForm{Username: v("username"), DisplayName: v("display_name"), Phone: v("phone"), Role: v("role")}
	fr := newFormReader(r, rq)
	f.Area, f.AreaText = fr.pickCode("area")
	var unit *int64
	f.UnitID, f.UnitText, unit = fr.pick("unit_id")
	if len(fr.bad) > 0 {
		f.Errors = fr.bad
		return s.showUserForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	}
	u, err := s.Auth.CreateUser(r.Context(), rq.P, auth.NewUser{Username: f.Username, DisplayName: f.DisplayName,
		Phone: f.Phone, Password: r.PostFormValue("password"), Role: f.Role, Area: f.Area, Unit: unitOf(unit)})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, userFields...)
		return s.showUserForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10))
}

// userView is the data of user.html.
type userView struct {
	User          *auth.User
	Grants        []grantRow
	CanGrant      bool
	Roles         []auth.Role
	Role          string // the add-grant form's values, kept after an error
	Area          string
	AreaText      string
	AreaPick      picker // the add-grant form's area
	UnitID        string
	UnitText      string
	Unit          picker // the add-grant form's unit, for a unit liaison
	Error         string
	Self          bool         // the viewer's own account: change the password on /account/password
	CanAdmin      bool         // may disable, enable and reset: user admin on every one of the user's grants
	Tokens        []auth.Token // the user's API tokens, for their admin to revoke
	Done          string       // what the last action did: disabled, enabled, password, contact or token
	PasswordError string
	ContactError  string
}

// adminsEvery reports whether p is user admin on every one of grants (and
// there is one): the rule the service applies before any change to an
// account, roles included, so the page offers only what will be allowed.
func adminsEvery(p *auth.Principal, grants []auth.Grant) bool {
	for _, g := range grants {
		if auth.Authorize(p, auth.UserAdmin, g.AreaPath) != nil {
			return false
		}
	}
	return len(grants) > 0
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
	all := adminsEvery(rq.P, u.Grants)
	for _, g := range u.Grants {
		page.Grants = append(page.Grants, grantRow{Grant: g, CanRemove: all})
	}
	page.Self = rq.P.UserID == u.ID
	page.CanAdmin = !page.Self && all
	if page.CanAdmin {
		if page.Tokens, err = s.Auth.Tokens(ctx, rq.P, u.ID); err != nil {
			return err
		}
	}
	if d := r.URL.Query().Get("done"); d == "disabled" || d == "enabled" || d == "password" || d == "contact" || d == "token" {
		page.Done = d
	}
	if page.CanGrant = all; page.CanGrant {
		page.Roles = auth.Roles
		page.AreaPick = s.areaPicker(ctx, rq, "g-area", page.Area, page.AreaText, "")
		page.Unit = s.grantUnitPicker(ctx, rq, "g-unit", "g-area-value", page.UnitID, page.UnitText, "")
	}
	v := rq.view(r, "users", "user.title", page)
	v.Title = u.Username
	if page.CanGrant {
		v.Scripts = []string{"picker.js"}
	}
	s.render(w, rq, status, "user.html", v)
	return nil
}

// grantAdd gives the user a role on an area.
func (s *server) grantAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	role := r.PostFormValue("role")
	fr := newFormReader(r, rq)
	area, areaText := fr.pickCode("area")
	unitID, unitText, unit := fr.pick("unit_id")
	for _, f := range []string{"area", "unit_id"} {
		if msg, bad := fr.bad[f]; bad {
			return s.showUser(w, r, rq, http.StatusUnprocessableEntity, userView{Role: role, Area: area, AreaText: areaText, UnitID: unitID, UnitText: unitText, Error: msg})
		}
	}
	_, err = s.Auth.AddGrant(r.Context(), rq.P, id, role, area, unitOf(unit))
	if errs.Code(err) == errs.EINVALID {
		return s.showUser(w, r, rq, http.StatusUnprocessableEntity, userView{Role: role, Area: area, AreaText: areaText, UnitID: unitID, UnitText: unitText, Error: rq.ErrMsg(err)})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
}

// unitOf is a picked unit id, 0 for none.
func unitOf(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
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

// userDisable stops a user's access and ends their sessions.
func (s *server) userDisable(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.userSetDisabled(w, r, rq, true)
}

// userEnable restores a disabled user's access.
func (s *server) userEnable(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.userSetDisabled(w, r, rq, false)
}

func (s *server) userSetDisabled(w http.ResponseWriter, r *http.Request, rq *request, disabled bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.Auth.SetDisabled(r.Context(), rq.P, id, disabled); err != nil {
		return err
	}
	done := "enabled"
	if disabled {
		done = "disabled"
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?done="+done)
}

// userResetPassword sets a new password for another user. A refused
// password is shown next to the field; it is never echoed back.
func (s *server) userResetPassword(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = s.Auth.ResetPassword(r.Context(), rq.P, id, r.PostFormValue("password"))
	if errs.Code(err) == errs.EINVALID {
		byField, general := rq.fieldErrors(err, "password")
		msg := byField["password"]
		if msg == "" && len(general) > 0 {
			msg = general[0]
		}
		return s.showUser(w, r, rq, http.StatusUnprocessableEntity, userView{PasswordError: msg})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?done=password")
}

// userSetContact changes another user's phone and/or e-mail address. The
// admin sees them masked, so a field left empty keeps its value.
func (s *server) userSetContact(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var ch auth.ContactChange
	if v := strings.TrimSpace(r.PostFormValue("phone")); v != "" {
		ch.Phone = &v
	}
	if v := strings.TrimSpace(r.PostFormValue("email")); v != "" {
		ch.Email = &v
	}
	_, err = s.Auth.SetContact(r.Context(), rq.P, id, ch)
	if errs.Code(err) == errs.EINVALID {
		return s.showUser(w, r, rq, http.StatusUnprocessableEntity, userView{ContactError: rq.ErrMsg(err)})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?done=contact")
}
