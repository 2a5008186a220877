package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// Create forms of the organisation section. Each shows its field errors
// next to the fields, keeps what was typed, and creates nothing unless the
// whole record is valid (the service writes it in one transaction).

// formReader reads trimmed form values and collects the errors found
// before the service is asked (numbers and ids that do not parse).
type formReader struct {
	r   *http.Request
	rq  *request
	bad map[string]string
}

func newFormReader(r *http.Request, rq *request) *formReader {
	return &formReader{r: r, rq: rq, bad: map[string]string{}}
}

func (fr *formReader) get(name string) string { return strings.TrimSpace(fr.r.PostFormValue(name)) }

// id reads an optional record id chosen from a select.
func (fr *formReader) id(name, v string) *int64 {
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		fr.bad[name] = fr.rq.T("form.choose_listed")
		return nil
	}
	return &n
}

// count reads an optional whole number, 0 when empty.
func (fr *formReader) count(name, v string) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		fr.bad[name] = fr.rq.T("form.whole_number")
	}
	return n
}

// createFailed sorts a create call's error: field errors go back to the
// form; a place the user may read but not write is reported on the field
// that named it; anything else becomes an error page.
func createFailed(err error, rq *request, where string, fields ...string) (map[string]string, []string, error) {
	switch errs.Code(err) {
	case errs.EINVALID:
		byField, general := rq.fieldErrors(err, fields...)
		return byField, general, nil
	case errs.EFORBIDDEN:
		return map[string]string{where: rq.T("org.form.not_here")}, nil, nil
	}
	return nil, nil, err
}

// unitChoices lists up to 500 units for a select, in area's subtree (or
// all the user may read). A user who may not read units, or an area that
// is not theirs, gets no choices rather than an error page.
func (s *server) unitChoices(ctx context.Context, p *auth.Principal, area string, kind *org.UnitKind) ([]org.Unit, error) {
	units, _, err := s.Org.Units(ctx, p, org.UnitFilter{Area: area, Kind: kind, PerPage: 500})
	switch errs.Code(err) {
	case "":
		return units, nil
	case errs.EFORBIDDEN, errs.ENOTFOUND, errs.EINVALID:
		return nil, nil
	}
	return nil, err
}

// ---- party organisations ----

var partyOrgFields = []string{"name", "kind", "area", "parent_id", "unit_id", "members"}

// partyOrgForm is the data of org_party_org_form.html.
type partyOrgForm struct {
	Name, Kind, Area, ParentID, UnitID, Members string
	Errors                                      map[string]string
	General                                     []string
	Kinds                                       []org.PartyOrgKind
	Areas                                       []areaOption
	Parents                                     []org.PartyOrg
	Units                                       []org.Unit
}

func (s *server) showPartyOrgForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f partyOrgForm) error {
	ctx := r.Context()
	var err error
	if f.Areas, err = s.areaOptions(ctx, rq.P, true); err != nil {
		return err
	}
	if f.Parents, _, err = s.Org.PartyOrgs(ctx, rq.P, org.PartyOrgFilter{PerPage: 500}); err != nil {
		return err
	}
	if f.Units, err = s.unitChoices(ctx, rq.P, f.Area, nil); err != nil {
		return err
	}
	f.Kinds = org.PartyOrgKinds
	s.render(w, rq, status, "org_party_org_form.html", rq.view(r, "org", "org.party_orgs.new", f))
	return nil
}

func (s *server) partyOrgNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	f := partyOrgForm{Area: r.URL.Query().Get("area")}
	if f.Area == "" {
		f.Area = homeArea(rq.P, auth.OrgWrite)
	}
	return s.showPartyOrgForm(w, r, rq, http.StatusOK, f)
}

func (s *server) partyOrgCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	fr := newFormReader(r, rq)
	f := partyOrgForm{Name: fr.get("name"), Kind: fr.get("kind"), Area: fr.get("area"), ParentID: fr.get("parent_id"),
		UnitID: fr.get("unit_id"), Members: fr.get("members")}
	in := org.NewPartyOrg{Name: f.Name, Kind: f.Kind, Area: f.Area, ParentID: fr.id("parent_id", f.ParentID),
		UnitID: fr.id("unit_id", f.UnitID), Members: fr.count("members", f.Members)}
	if len(fr.bad) > 0 {
		f.Errors = fr.bad
		return s.showPartyOrgForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	o, err := s.Org.CreatePartyOrg(r.Context(), rq.P, in)
	if err != nil {
		if f.Errors, f.General, err = createFailed(err, rq, "area", partyOrgFields...); err != nil {
			return err
		}
		return s.showPartyOrgForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	return redirect(w, r, "/org/party-orgs?area="+url.QueryEscape(o.Area))
}

// ---- association bodies ----

var assocFields = []string{"kind", "name", "field", "president_mode", "area", "parent_id"}

// presidentModes lists how a body may be led.
var presidentModes = []org.PresidentMode{org.SinglePresident, org.RotatingPresident, org.DoublePresident}

// assocForm is the data of org_assoc_form.html.
type assocForm struct {
	Kind, Name, Field, PresidentMode, Area, ParentID string
	Errors                                           map[string]string
	General                                          []string
	Kinds                                            []org.AssocKind
	Modes                                            []org.PresidentMode
	Areas                                            []areaOption
	Branches                                         []org.AssocBody
}

func (s *server) showAssocForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f assocForm) error {
	ctx := r.Context()
	var err error
	if f.Areas, err = s.areaOptions(ctx, rq.P, false); err != nil {
		return err
	}
	if f.Branches, _, err = s.Org.AssocBodies(ctx, rq.P, org.AssocFilter{Kind: string(org.AssocBranch), PerPage: 500}); err != nil {
		return err
	}
	f.Kinds, f.Modes = assocKinds, presidentModes
	s.render(w, rq, status, "org_assoc_form.html", rq.view(r, "org", "org.assoc.new", f))
	return nil
}

func (s *server) assocNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	q := r.URL.Query()
	f := assocForm{Area: q.Get("area"), Kind: q.Get("kind"), ParentID: q.Get("parent_id"), PresidentMode: string(org.SinglePresident)}
	if f.Area == "" {
		f.Area = homeArea(rq.P, auth.OrgWrite)
	}
	return s.showAssocForm(w, r, rq, http.StatusOK, f)
}

func (s *server) assocCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	fr := newFormReader(r, rq)
	f := assocForm{Kind: fr.get("kind"), Name: fr.get("name"), Field: fr.get("field"), PresidentMode: fr.get("president_mode"),
		Area: fr.get("area"), ParentID: fr.get("parent_id")}
	in := org.NewAssocBody{Kind: f.Kind, Name: f.Name, Field: f.Field, PresidentMode: f.PresidentMode, Area: f.Area, ParentID: fr.id("parent_id", f.ParentID)}
	if len(fr.bad) > 0 {
		f.Errors = fr.bad
		return s.showAssocForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	b, err := s.Org.CreateAssocBody(r.Context(), rq.P, in)
	if err != nil {
		if f.Errors, f.General, err = createFailed(err, rq, "area", assocFields...); err != nil {
			return err
		}
		return s.showAssocForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	return redirect(w, r, "/org/association/"+strconv.FormatInt(b.ID, 10))
}

// ---- one association body and its members ----

var memberFields = []string{"unit_id", "role", "term_start", "term_end"}

// assocMemberRoles lists a member unit's possible roles.
var assocMemberRoles = []org.AssocRole{org.RoleMember, org.RolePresident, org.RoleRotatingPresident, org.RoleVicePresident}

// assocBodyPage is the data of org_assoc_body.html: the body, its members
// and, for those who may write, the add-member form with its values.
type assocBodyPage struct {
	Body                             org.AssocBody
	Parent                           *org.AssocBody
	Members                          []org.AssocMember
	CanEdit                          bool
	UnitID, Role, TermStart, TermEnd string
	Errors                           map[string]string
	General                          []string
	Units                            []org.Unit
	Roles                            []org.AssocRole
}

func (s *server) assocBodyView(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showAssocBody(w, r, rq, http.StatusOK, assocBodyPage{Role: string(org.RoleMember)})
}

// showAssocBody renders a body. A sub-branch may bring in units from its
// whole street, so its unit choices come from the parent branch's area.
func (s *server) showAssocBody(w http.ResponseWriter, r *http.Request, rq *request, status int, page assocBodyPage) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if page.Body, err = s.Org.AssocBody(ctx, rq.P, id); err != nil {
		return err
	}
	if page.Members, err = s.Org.AssocMembers(ctx, rq.P, id); err != nil {
		return err
	}
	reach := page.Body.Area
	if page.Body.ParentID != nil {
		parent, err := s.Org.AssocBody(ctx, rq.P, *page.Body.ParentID)
		if err == nil {
			page.Parent, reach = &parent, parent.Area
		} else if c := errs.Code(err); c != errs.ENOTFOUND && c != errs.EFORBIDDEN {
			return err
		}
	}
	if page.CanEdit = auth.Authorize(rq.P, auth.OrgWrite, page.Body.AreaPath) == nil; page.CanEdit {
		if page.Units, err = s.unitChoices(ctx, rq.P, reach, nil); err != nil {
			return err
		}
		page.Roles = assocMemberRoles
	}
	v := rq.view(r, "org", "org.association.title", page)
	v.Title = page.Body.Name
	s.render(w, rq, status, "org_assoc_body.html", v)
	return nil
}

func (s *server) assocMemberAdd(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fr := newFormReader(r, rq)
	page := assocBodyPage{UnitID: fr.get("unit_id"), Role: fr.get("role"), TermStart: fr.get("term_start"), TermEnd: fr.get("term_end")}
	in := org.NewAssocMember{Role: page.Role, TermStart: page.TermStart, TermEnd: page.TermEnd}
	if unit := fr.id("unit_id", page.UnitID); unit != nil {
		in.UnitID = *unit
	} else if page.UnitID == "" {
		fr.bad["unit_id"] = rq.T("form.choose_listed")
	}
	if len(fr.bad) > 0 {
		page.Errors = fr.bad
		return s.showAssocBody(w, r, rq, http.StatusUnprocessableEntity, page)
	}
	if _, err := s.Org.AddAssocMember(r.Context(), rq.P, id, in); err != nil {
		if errs.Code(err) != errs.EINVALID {
			return err // not found or not allowed: an error page, as for any record
		}
		page.Errors, page.General = rq.fieldErrors(err, memberFields...)
		return s.showAssocBody(w, r, rq, http.StatusUnprocessableEntity, page)
	}
	return redirect(w, r, "/org/association/"+strconv.FormatInt(id, 10))
}

// ---- part-time committee members ----

var partTimeFields = []string{"name", "position", "party_org_id", "unit_id", "phone"}

// partTimeForm is the data of org_part_time_form.html.
type partTimeForm struct {
	Area                                      string // narrows the choices; not a field of the record
	Name, Position, PartyOrgID, UnitID, Phone string
	Errors                                    map[string]string
	General                                   []string
	Committees                                []org.PartyOrg
	Units                                     []org.Unit
}

func (s *server) showPartTimeForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f partTimeForm) error {
	ctx := r.Context()
	for _, k := range org.CommitteeKinds() {
		list, _, err := s.Org.PartyOrgs(ctx, rq.P, org.PartyOrgFilter{Area: f.Area, Kind: string(k), PerPage: 500})
		if errs.Code(err) == errs.ENOTFOUND {
			break // an area not the user's: no choices
		} else if err != nil {
			return err
		}
		f.Committees = append(f.Committees, list...)
	}
	regional := org.RegionalUnit
	var err error
	if f.Units, err = s.unitChoices(ctx, rq.P, f.Area, &regional); err != nil {
		return err
	}
	s.render(w, rq, status, "org_part_time_form.html", rq.view(r, "org", "org.part_time.new", f))
	return nil
}

func (s *server) partTimeNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	return s.showPartTimeForm(w, r, rq, http.StatusOK, partTimeForm{Area: r.URL.Query().Get("area")})
}

func (s *server) partTimeCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	fr := newFormReader(r, rq)
	f := partTimeForm{Area: fr.get("area"), Name: fr.get("name"), Position: fr.get("position"), PartyOrgID: fr.get("party_org_id"),
		UnitID: fr.get("unit_id"), Phone: fr.get("phone")}
	in := org.NewPartTimeMember{Name: f.Name, Position: f.Position, UnitID: fr.id("unit_id", f.UnitID), Phone: f.Phone}
	if po := fr.id("party_org_id", f.PartyOrgID); po != nil {
		in.PartyOrgID = *po
	} else if f.PartyOrgID == "" {
		fr.bad["party_org_id"] = rq.T("form.choose_listed")
	}
	if len(fr.bad) > 0 {
		f.Errors = fr.bad
		return s.showPartTimeForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	m, err := s.Org.CreatePartTimeMember(r.Context(), rq.P, in)
	if err != nil {
		if f.Errors, f.General, err = createFailed(err, rq, "party_org_id", partTimeFields...); err != nil {
			return err
		}
		return s.showPartTimeForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	return redirect(w, r, "/org/part-time-members?area="+url.QueryEscape(m.Area))
}

// ---- service points ----

var servicePointFields = []string{"name", "kind", "area", "address", "opening_hours", "services"}

// servicePointForm is the data of org_service_point_form.html.
type servicePointForm struct {
	Name, Kind, Area, Address, OpeningHours, Services string
	Errors                                            map[string]string
	General                                           []string
	Kinds                                             []org.ServicePointKind
	Areas                                             []areaOption
}

func (s *server) showServicePointForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f servicePointForm) error {
	areas, err := s.areaOptions(r.Context(), rq.P, true)
	if err != nil {
		return err
	}
	f.Areas, f.Kinds = areas, org.ServicePointKinds
	s.render(w, rq, status, "org_service_point_form.html", rq.view(r, "org", "org.service_points.new", f))
	return nil
}

func (s *server) servicePointNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	f := servicePointForm{Area: r.URL.Query().Get("area")}
	if f.Area == "" {
		f.Area = homeArea(rq.P, auth.OrgWrite)
	}
	return s.showServicePointForm(w, r, rq, http.StatusOK, f)
}

// splitServices reads the services box: one a line, or separated by the
// commas and enumeration marks people type (、，,；;).
func splitServices(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("\r\n、，,；;", r) })
}

func (s *server) servicePointCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.OrgWrite); err != nil {
		return err
	}
	fr := newFormReader(r, rq)
	f := servicePointForm{Name: fr.get("name"), Kind: fr.get("kind"), Area: fr.get("area"), Address: fr.get("address"),
		OpeningHours: fr.get("opening_hours"), Services: fr.get("services")}
	sp, err := s.Org.CreateServicePoint(r.Context(), rq.P, org.NewServicePoint{Name: f.Name, Kind: f.Kind, Area: f.Area,
		Address: f.Address, OpeningHours: f.OpeningHours, Services: splitServices(f.Services)})
	if err != nil {
		if f.Errors, f.General, err = createFailed(err, rq, "area", servicePointFields...); err != nil {
			return err
		}
		return s.showServicePointForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	return redirect(w, r, "/org/service-points?area="+url.QueryEscape(sp.Area))
}
