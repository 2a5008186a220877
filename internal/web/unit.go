package web

import (
	"context"
	"gongzhi/internal/lists"
	"net/http"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// unitFields are the form fields that can carry an error of their own.
var unitFields = []string{"name", "kind", "area", "has_party_org", "platform_covered", "address", "employees", "party_members", "contact_phone"}

// unitView is the data of unit.html.
type unitView struct {
	Unit    org.Unit
	CanEdit bool
	// What it offers and what it has served (三张清单), for readers of the lists.
	Offers   []lists.Resource
	Projects []lists.Project
	Served   int // residents served by its finished projects
}

// unitPage shows one unit. The phone is masked here too: the page is read by
// every role that reads units; only the edit form, for writers, shows it whole.
func (s *server) unitPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Org.Unit(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	page := unitView{Unit: u, CanEdit: auth.Authorize(rq.P, auth.UnitWrite, u.AreaPath) == nil}
	if auth.AuthorizeAny(rq.P, auth.ListsRead) == nil {
		offers, err := s.Lists.Resources(r.Context(), rq.P, lists.ListFilter{UnitID: id, PerPage: 50})
		if err != nil {
			return err
		}
		projects, err := s.Lists.Projects(r.Context(), rq.P, lists.ProjectFilter{ListFilter: lists.ListFilter{UnitID: id, PerPage: 50}})
		if err != nil {
			return err
		}
		page.Offers, page.Projects = offers.Items, projects.Items
		for _, p := range projects.Items {
			if p.Status == "done" || p.Status == "evaluated" {
				page.Served += p.Beneficiaries
			}
		}
	}
	v := rq.view(r, "units", "unit.title", page)
	v.Title = u.Name
	s.render(w, rq, http.StatusOK, "unit.html", v)
	return nil
}

// unitForm is the data of unit_form.html, for both new and edit.
type unitForm struct {
	ID                                   int64 // 0 for a new unit
	Name, Kind, Area, Address, Employees string
	PartyMembers, ContactPhone           string
	HasPartyOrg, PlatformCovered         bool
	Errors                               map[string]string
	General                              []string
	Areas                                []areaOption
	Kinds                                []org.UnitKind
}

// showUnitForm renders the form with its area and kind choices.
func (s *server) showUnitForm(ctx context.Context, w http.ResponseWriter, r *http.Request, rq *request, status int, f unitForm) error {
	areas, err := s.areaOptions(ctx, rq.P, true)
	if err != nil {
		return err
	}
	f.Areas, f.Kinds = areas, org.UnitKinds
	title := "unit.new.title"
	if f.ID != 0 {
		title = "unit.edit.title"
	}
	s.render(w, rq, status, "unit_form.html", rq.view(r, "units", title, f))
	return nil
}

func (s *server) unitNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UnitWrite); err != nil {
		return err
	}
	f := unitForm{Area: r.URL.Query().Get("area"), Kind: r.URL.Query().Get("kind")}
	if f.Area == "" {
		f.Area = homeArea(rq.P, auth.UnitWrite)
	}
	return s.showUnitForm(r.Context(), w, r, rq, http.StatusOK, f)
}

func (s *server) unitEditForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	u, err := s.Org.Unit(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	if err := auth.Authorize(rq.P, auth.UnitWrite, u.AreaPath); err != nil {
		return err
	}
	f := unitForm{ID: u.ID, Name: u.Name, Kind: string(u.Kind), Area: u.Area, Address: u.Address,
		Employees: strconv.Itoa(u.Employees), PartyMembers: strconv.Itoa(u.PartyMembers), ContactPhone: u.ContactPhone,
		HasPartyOrg: u.HasPartyOrg, PlatformCovered: u.PlatformCovered}
	return s.showUnitForm(r.Context(), w, r, rq, http.StatusOK, f)
}

// readUnitForm reads the posted form; numbers that do not parse are field
// errors found here, before the service is asked.
func readUnitForm(r *http.Request, rq *request) (unitForm, org.UnitInput, map[string]string) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := unitForm{Name: v("name"), Kind: v("kind"), Area: v("area"), Address: v("address"), Employees: v("employees"),
		PartyMembers: v("party_members"), ContactPhone: v("contact_phone"),
		HasPartyOrg: r.PostFormValue("has_party_org") != "", PlatformCovered: r.PostFormValue("platform_covered") != ""}
	in := org.UnitInput{Name: &f.Name, Kind: &f.Kind, Area: &f.Area, Address: &f.Address, ContactPhone: &f.ContactPhone,
		HasPartyOrg: &f.HasPartyOrg, PlatformCovered: &f.PlatformCovered}
	bad := map[string]string{}
	number := func(field, s string) *int {
		if s == "" {
			n := 0
			return &n
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			bad[field] = rq.T("form.whole_number")
			return nil
		}
		return &n
	}
	in.Employees = number("employees", f.Employees)
	in.PartyMembers = number("party_members", f.PartyMembers)
	return f, in, bad
}

func (s *server) unitCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.UnitWrite); err != nil {
		return err
	}
	f, in, bad := readUnitForm(r, rq)
	if len(bad) > 0 {
		f.Errors = bad
		return s.showUnitForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	}
	u, err := s.Org.CreateUnit(r.Context(), rq.P, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, unitFields...)
		return s.showUnitForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/units/"+strconv.FormatInt(u.ID, 10))
}

func (s *server) unitUpdate(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, in, bad := readUnitForm(r, rq)
	f.ID = id
	if len(bad) > 0 {
		f.Errors = bad
		return s.showUnitForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	}
	_, err = s.Org.UpdateUnit(r.Context(), rq.P, id, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, unitFields...)
		return s.showUnitForm(r.Context(), w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/units/"+strconv.FormatInt(id, 10))
}
