package web

import (
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

// ---- party organisations ----

var partyOrgFields = []string{"name", "kind", "area", "parent_id", "unit_id", "members"}

// partyOrgForm is the data of org_party_org_form.html.
type partyOrgForm struct {
	Name, Kind, Area, ParentID, UnitID, Members string
	ParentText, UnitText                        string // what the pickers' text inputs held
	Errors                                      map[string]string
	General                                     []string
	Kinds                                       []org.PartyOrgKind
	Areas                                       []areaOption
	Parent, Unit                                picker
}

func (s *server) showPartyOrgForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f partyOrgForm) error {
	ctx := r.Context()
	var err error
	if f.Areas, err = s.areaOptions(ctx, rq.P, true); err != nil {
		return err
	}
	// A parent may sit above the area, so it is searched in the whole scope;
	// the unit follows the area chosen on the form (picker.js reads po-area).
	f.Parent = picker{ID: "po-parent", Name: "parent_id", Source: "/org/pick/party-orgs", Label: "org.party_org.parent",
		Value: f.ParentID, Text: s.partyOrgText(ctx, rq.P, f.ParentID, f.ParentText), Error: f.Errors["parent_id"]}
	f.Unit = picker{ID: "po-unit", Name: "unit_id", Source: "/org/pick/units", AreaFrom: "po-area", Label: "org.party_org.unit",
		Hint: "org.party_org.unit_hint", Value: f.UnitID, Text: s.unitText(ctx, rq.P, f.UnitID, f.UnitText), Error: f.Errors["unit_id"]}
	f.Kinds = org.PartyOrgKinds
	v := rq.view(r, "org", "org.party_orgs.new", f)
	v.Scripts = []string{"picker.js"}
	s.render(w, rq, status, "org_party_org_form.html", v)
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
	f := partyOrgForm{Name: fr.get("name"), Kind: fr.get("kind"), Area: fr.get("area"), Members: fr.get("members")}
	in := org.NewPartyOrg{Name: f.Name, Kind: f.Kind, Area: f.Area, Members: fr.count("members", f.Members)}
	f.ParentID, f.ParentText, in.ParentID = fr.pick("parent_id")
	f.UnitID, f.UnitText, in.UnitID = fr.pick("unit_id")
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
	UnitText                         string // what the unit picker's text input held
	Errors                           map[string]string
	General                          []string
	Unit                             picker
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
		page.Unit = picker{ID: "am-unit", Name: "unit_id", Source: pickSource("/org/pick/units", reach, ""), Label: "org.assoc.unit",
			Hint: "org.assoc.unit_hint", Value: page.UnitID, Text: s.unitText(ctx, rq.P, page.UnitID, page.UnitText), Required: true,
			Error: page.Errors["unit_id"]}
		page.Roles = assocMemberRoles
	}
	v := rq.view(r, "org", "org.association.title", page)
	v.Title = page.Body.Name
	if page.CanEdit {
		v.Scripts = []string{"picker.js"}
	}
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
	page := assocBodyPage{Role: fr.get("role"), TermStart: fr.get("term_start"), TermEnd: fr.get("term_end")}
	in := org.NewAssocMember{Role: page.Role, TermStart: page.TermStart, TermEnd: page.TermEnd}
	var unit *int64
	if page.UnitID, page.UnitText, unit = fr.pick("unit_id"); unit != nil {
		in.UnitID = *unit
	} else if page.UnitID == "" && page.UnitText == "" {
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
	PartyOrgText, UnitText                    string // what the pickers' text inputs held
	Errors                                    map[string]string
	General                                   []string
	PartyOrg, Unit                            picker
}

func (s *server) showPartTimeForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f partTimeForm) error {
	ctx := r.Context()
	f.PartyOrg = picker{ID: "pt-org", Name: "party_org_id", Source: pickSource("/org/pick/party-orgs", f.Area, "committee"),
		Label: "org.part_time.party_org", Hint: "org.part_time.party_org_hint", Value: f.PartyOrgID,
		Text: s.partyOrgText(ctx, rq.P, f.PartyOrgID, f.PartyOrgText), Required: true, Error: f.Errors["party_org_id"]}
	f.Unit = picker{ID: "pt-unit", Name: "unit_id", Source: pickSource("/org/pick/units", f.Area, string(org.RegionalUnit)),
		Label: "org.part_time.unit", Value: f.UnitID, Text: s.unitText(ctx, rq.P, f.UnitID, f.UnitText), Error: f.Errors["unit_id"]}
	v := rq.view(r, "org", "org.part_time.new", f)
	v.Scripts = []string{"picker.js"}
	s.render(w, rq, status, "org_part_time_form.html", v)
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
	f := partTimeForm{Area: fr.get("area"), Name: fr.get("name"), Position: fr.get("position"), Phone: fr.get("phone")}
	in := org.NewPartTimeMember{Name: f.Name, Position: f.Position, Phone: f.Phone}
	f.UnitID, f.UnitText, in.UnitID = fr.pick("unit_id")
	var po *int64
	if f.PartyOrgID, f.PartyOrgText, po = fr.pick("party_org_id"); po != nil {
		in.PartyOrgID = *po
	} else if f.PartyOrgID == "" && f.PartyOrgText == "" {
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
