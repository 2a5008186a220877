package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"gongzhi/internal/activity"
	"gongzhi/internal/auth"
	"gongzhi/internal/clock"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
	"gongzhi/internal/org"
	"gongzhi/internal/party"
)

const partyXLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendPartyXLSX writes a finished workbook as a download.
func (s *server) sendPartyXLSX(w http.ResponseWriter, name string, buf *bytes.Buffer) {
	h := w.Header()
	h.Set("Content-Type", partyXLSXType)
	h.Set("Content-Disposition", `attachment; filename="`+name+"-"+s.Clock.Now().In(clock.Shanghai).Format("20060102")+`.xlsx"`)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	buf.WriteTo(w)
}

// partyMembersPage is the member list with its filters, import and add form.
type partyMembersPage struct {
	Area, Kind, Q string
	Areas         []areaOption
	Kinds         []string
	AgeBands      []string
	Members       []party.Member
	Pager         pager
	CanWrite      bool
	Orgs          []org.PartyOrg
	New           partyMemberForm
	Imported      int
	ImportError   string
	ImportRows    []errs.Detail
}

// partyMemberForm adds a member, as typed.
type partyMemberForm struct {
	Name, Phone, Kind, AgeBand, PartyOrg, HomeArea string
	Errors                                         map[string]string
	General                                        []string
}

func (s *server) membersList(w http.ResponseWriter, r *http.Request, rq *request) error {
	d := partyMembersPage{}
	if n, err := strconv.Atoi(r.URL.Query().Get("imported")); err == nil {
		d.Imported = n
	}
	return s.showMembers(w, r, rq, http.StatusOK, d)
}

func (s *server) showMembers(w http.ResponseWriter, r *http.Request, rq *request, status int, d partyMembersPage) error {
	q := r.URL.Query()
	d.Area, d.Kind, d.Q = q.Get("area"), q.Get("kind"), q.Get("q")
	d.Kinds, d.AgeBands = party.Kinds, party.AgeBands
	d.CanWrite = auth.AuthorizeAny(rq.P, auth.MemberWrite) == nil
	page := pageParam(r)
	l, err := s.Party.List(r.Context(), rq.P, party.Filter{Area: d.Area, Kind: d.Kind, Q: d.Q, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Members, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	if d.CanWrite {
		if d.Orgs, _, err = s.Org.PartyOrgs(r.Context(), rq.P, org.PartyOrgFilter{PerPage: 500}); err != nil {
			return err
		}
	}
	s.render(w, rq, status, "party_members.html", rq.view(r, "members", "party.members.title", d))
	return nil
}

func (s *server) memberCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := partyMemberForm{Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Kind: r.PostFormValue("kind"),
		AgeBand: r.PostFormValue("age_band"), PartyOrg: r.PostFormValue("party_org_id"), HomeArea: r.PostFormValue("home_area")}
	orgID, _ := strconv.ParseInt(f.PartyOrg, 10, 64)
	m, err := s.Party.Create(r.Context(), rq.P, party.Input{Name: f.Name, Phone: f.Phone, Kind: f.Kind, AgeBand: f.AgeBand, PartyOrgID: orgID, HomeArea: f.HomeArea})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "name", "phone", "kind", "age_band", "party_org_id", "home_area")
		return s.showMembers(w, r, rq, http.StatusUnprocessableEntity, partyMembersPage{New: f})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/members/"+strconv.FormatInt(m.ID, 10))
}

// memberImport takes an XLSX of members: every row or none.
func (s *server) memberImport(w http.ResponseWriter, r *http.Request, rq *request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 20<<20+64<<10)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return tooLargeOr(err)
	}
	defer r.MultipartForm.RemoveAll()
	if !rq.csrfOK(r) {
		return errCSRF()
	}
	d := partyMembersPage{}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		d.ImportError = rq.T("party.import.no_file")
		return s.showMembers(w, r, rq, http.StatusBadRequest, d)
	}
	defer file.Close()
	res, err := s.Party.Import(r.Context(), rq.P, hdr.Filename, io.Reader(file))
	switch errs.Code(err) {
	case "":
		return redirect(w, r, "/members?imported="+strconv.Itoa(res.Created))
	case errs.EINVALID, errs.ETOOLARGE:
		d.ImportError, d.ImportRows = rq.T("party.import.rejected", hdr.Filename), rq.localDetails(err)
		if len(d.ImportRows) == 0 {
			d.ImportRows = []errs.Detail{{Message: rq.ErrMsg(err)}}
		}
		return s.showMembers(w, r, rq, http.StatusUnprocessableEntity, d)
	}
	return err
}

func (s *server) membersExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	if err := s.Party.ExportXLSX(r.Context(), rq.P, party.Filter{Area: q.Get("area"), Kind: q.Get("kind")}, &buf); err != nil {
		return err
	}
	s.sendPartyXLSX(w, "members", &buf)
	return nil
}

func (s *server) membersTemplate(w http.ResponseWriter, r *http.Request, rq *request) error {
	var buf bytes.Buffer
	if err := party.TemplateXLSX(&buf); err != nil {
		return err
	}
	s.sendPartyXLSX(w, "members-template", &buf)
	return nil
}

// partyMemberPage is one member: facts, dual reporting, service this half-year.
type partyMemberPage struct {
	M        party.Member
	Service  party.HalfService
	CanEdit  bool
	CanPhone bool
	Self     bool
	Hours    string
	Report   dualForm
	Link     memberLinkForm
	Edit     memberEditForm
	Done     string
}

type dualForm struct {
	Area    string
	Posts   []string
	Other   string
	Errors  map[string]string
	General []string
	// What the form part needs to draw itself.
	Action, Back, CSRF string
	Areas              []areaOption
	Offered            []string
}

type memberLinkForm struct {
	Username string
	Errors   map[string]string
	General  []string
}

func (s *server) partyMemberPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return s.showMember(w, r, rq, http.StatusOK, id, &partyMemberPage{Done: r.URL.Query().Get("done")})
}

func (s *server) showMember(w http.ResponseWriter, r *http.Request, rq *request, status int, id int64, d *partyMemberPage) error {
	m, err := s.Party.Get(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d.M, d.CanEdit, d.CanPhone = m, party.CanEdit(rq.P, m), party.CanSeePhone(rq.P, m)
	d.Self = m.UserID != nil && *m.UserID == rq.P.UserID
	if d.Service, err = s.Party.ServiceOf(r.Context(), rq.P, id); err != nil {
		return err
	}
	if d.Report.Area == "" && m.ReportArea != nil {
		d.Report.Area = *m.ReportArea
	} else if d.Report.Area == "" && m.HomeArea != nil {
		d.Report.Area = *m.HomeArea
	}
	if d.Report.Posts == nil {
		d.Report.Posts = m.Posts
	}
	d.Hours = party.Hours(d.Service.Minutes)
	d.Report.Action, d.Report.CSRF = "/members/"+strconv.FormatInt(id, 10)+"/report", rq.CSRF
	d.Report.Offered = offeredPosts(m.Posts)
	if d.Report.Areas, err = s.dualAreas(r, rq); err != nil {
		return err
	}
	if d.Self && !d.CanEdit && r.Method == http.MethodGet {
		return redirect(w, r, "/my") // a member opening their own record gets their own page
	}
	v := rq.view(r, "members", "party.member.title", d)
	if d.CanEdit {
		s.memberEditView(r, rq, m, d.CanPhone, &d.Edit, d.Report.Areas)
		v.Scripts = []string{"picker.js"}
	}
	s.render(w, rq, status, "party_member.html", v)
	return nil
}

// offeredPosts are the posts a form offers: the usual ones and the member's own.
func offeredPosts(own []string) []string {
	out := append([]string{}, party.Posts...)
	for _, p := range own {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// dualAreas are the residential areas a member may report to: the whole
// district's, since a member lives anywhere.
func (s *server) dualAreas(r *http.Request, rq *request) ([]areaOption, error) {
	as, err := s.Org.Areas(r.Context(), auth.SystemPrincipal(), org.AreaFilter{Level: string(org.Residential)})
	if err != nil {
		return nil, err
	}
	out := make([]areaOption, 0, len(as))
	for _, a := range as {
		out = append(out, areaOption{Code: a.Code, Name: a.NameIn(rq.Lang), Level: string(a.Level)})
	}
	return out, nil
}

// dualPosted reads the dual-reporting form.
func dualPosted(r *http.Request) dualForm {
	return dualForm{Area: r.PostFormValue("area"), Posts: r.PostForm["posts"], Other: strings.TrimSpace(r.PostFormValue("other"))}
}

func (s *server) memberReport(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := dualPosted(r)
	_, err = s.Party.Report(r.Context(), rq.P, id, party.ReportInput{Area: f.Area, Posts: append(f.Posts, f.Other)})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "area", "posts")
		if r.PostFormValue("back") == "my" {
			return s.showMy(w, r, rq, http.StatusUnprocessableEntity, f)
		}
		return s.showMember(w, r, rq, http.StatusUnprocessableEntity, id, &partyMemberPage{Report: f})
	} else if err != nil {
		return err
	}
	if r.PostFormValue("back") == "my" {
		return redirect(w, r, "/my?done=reported")
	}
	return redirect(w, r, "/members/"+strconv.FormatInt(id, 10)+"?done=reported")
}

func (s *server) memberLink(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f := memberLinkForm{Username: strings.TrimSpace(r.PostFormValue("username"))}
	_, err = s.Party.LinkUser(r.Context(), rq.P, id, f.Username)
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT {
		f.Errors, f.General = rq.fieldErrors(err, "username")
		return s.showMember(w, r, rq, http.StatusUnprocessableEntity, id, &partyMemberPage{Link: f})
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/members/"+strconv.FormatInt(id, 10)+"?done=linked")
}

// memberEditFields are the fields of the member edit form, as party.Input
// names them in its errors.
var memberEditFields = []string{"name", "phone", "kind", "age_band", "party_org_id", "home_area", "unit_id"}

// memberEditForm changes a member's fields (修改党员信息), as typed: the
// folded form on the member's page for staff of the member's organisation's
// area (party.CanEdit).
type memberEditForm struct {
	Name, Phone, Kind, AgeBand, HomeArea string
	Errors                               map[string]string
	General                              []string
	Open                                 bool // a refused edit shows the form unfolded
	// What the form needs to draw itself.
	PartyOrg, Unit  picker
	Kinds, AgeBands []string
	Areas           []areaOption // residential areas a member may live in
	// As posted: the pickers' chosen ids and their text inputs.
	posted                           bool
	orgID, orgText, unitID, unitText string
}

// memberEditView fills the edit form: from the member when nothing was
// posted, the pickers named from what was chosen. The phone is pre-filled
// whole only where the reader may see it whole (party.CanSeePhone; every
// editor may, since both ask member.write on the organisation's area).
func (s *server) memberEditView(r *http.Request, rq *request, m party.Member, wholePhone bool, f *memberEditForm, areas []areaOption) {
	ctx := r.Context()
	if !f.posted {
		f.Name, f.Kind, f.AgeBand = m.Name, m.Kind, m.AgeBand
		if wholePhone {
			f.Phone = m.Phone
		}
		if m.HomeArea != nil {
			f.HomeArea = *m.HomeArea
		}
		f.orgID, f.orgText = strconv.FormatInt(m.PartyOrgID, 10), m.PartyOrg
		if m.UnitID != nil {
			f.unitID, f.unitText = strconv.FormatInt(*m.UnitID, 10), m.Unit
		}
	}
	f.Kinds, f.Areas = party.Kinds, areas
	f.AgeBands = party.AgeBands
	if f.AgeBand != "" && !slices.Contains(f.AgeBands, f.AgeBand) {
		f.AgeBands = append(slices.Clone(f.AgeBands), f.AgeBand) // an imported band keeps its value
	}
	f.PartyOrg = picker{ID: "me-org", Name: "party_org_id", Source: "/org/pick/party-orgs", Label: "party.org", Required: true,
		Value: f.orgID, Text: s.partyOrgText(ctx, rq.P, f.orgID, f.orgText), Error: f.Errors["party_org_id"]}
	f.Unit = picker{ID: "me-unit", Name: "unit_id", Source: "/org/pick/units", Label: "party.unit", Hint: "memberedit.unit_hint",
		Value: f.unitID, Text: s.unitText(ctx, rq.P, f.unitID, f.unitText), Error: f.Errors["unit_id"]}
}

// memberEdit changes a member's fields through party.Service.Update: on
// success back to the member's page with a notice (saying the points will be
// recomputed when the kind changed); on bad input the page again with the
// field errors (422) and nothing changed.
func (s *server) memberEdit(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.Party.Get(r.Context(), rq.P, id) // 404 for a member out of sight
	if err != nil {
		return err
	}
	if err := auth.Authorize(rq.P, auth.MemberWrite, m.AreaPath); err != nil {
		return err // the member themself, an auditor: 403 before any field is read
	}
	fr := newFormReader(r, rq)
	f := memberEditForm{Name: fr.get("name"), Phone: fr.get("phone"), Kind: fr.get("kind"), AgeBand: fr.get("age_band"),
		HomeArea: fr.get("home_area"), posted: true, Open: true}
	in := party.Input{Name: f.Name, Phone: f.Phone, Kind: f.Kind, AgeBand: f.AgeBand, HomeArea: f.HomeArea}
	var orgID *int64
	f.orgID, f.orgText, orgID = fr.pick("party_org_id")
	f.unitID, f.unitText, in.UnitID = fr.pick("unit_id")
	if orgID != nil {
		in.PartyOrgID = *orgID
	}
	if len(fr.bad) > 0 {
		f.Errors = fr.bad
		return s.showMember(w, r, rq, http.StatusUnprocessableEntity, id, &partyMemberPage{Edit: f})
	}
	after, err := s.Party.Update(r.Context(), rq.P, id, in)
	switch errs.Code(err) {
	case "":
		done := "edited"
		if after.Kind != m.Kind {
			done = "edited_kind"
		}
		return redirect(w, r, "/members/"+strconv.FormatInt(id, 10)+"?done="+done)
	case errs.EINVALID:
		f.Errors, f.General = rq.fieldErrors(err, memberEditFields...)
		return s.showMember(w, r, rq, http.StatusUnprocessableEntity, id, &partyMemberPage{Edit: f})
	case errs.EFORBIDDEN:
		// The member was checked above: what is refused is the organisation
		// chosen, one the user reads but does not manage.
		f.Errors = map[string]string{"party_org_id": rq.T("memberedit.org_not_yours")}
		return s.showMember(w, r, rq, http.StatusForbidden, id, &partyMemberPage{Edit: f})
	}
	return err
}

// partyFollowPage is the follow-up list (报到未服务) of a half-year.
type partyFollowPage struct {
	Area, Half string
	Halves     []string
	Areas      []areaOption
	F          party.FollowUp
	Pager      pager
	Export     string
}

func (s *server) followUp(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	d := partyFollowPage{Area: q.Get("area"), Half: q.Get("half")}
	page := pageParam(r)
	var err error
	d.F, err = s.Party.FollowUpList(r.Context(), rq.P, party.FollowUpFilter{Area: d.Area, Half: d.Half, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Pager = newPager(r, page, d.F.Total)
	now := s.Clock.Now()
	_, _, this := party.HalfYear(now)
	from, _, _ := party.HalfYear(now)
	_, _, prev := party.HalfYear(from.Add(-time.Hour))
	d.Halves = []string{this, prev}
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	v := url.Values{}
	for k, val := range map[string]string{"area": d.Area, "half": d.Half} {
		if val != "" {
			v.Set(k, val)
		}
	}
	d.Export = withQuery("/members/follow-up.xlsx", v)
	s.render(w, rq, http.StatusOK, "party_followup.html", rq.view(r, "members", "party.followup.title", d))
	return nil
}

func (s *server) followUpExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	var buf bytes.Buffer
	if err := s.Party.FollowUpXLSX(r.Context(), rq.P, party.FollowUpFilter{Area: q.Get("area"), Half: q.Get("half")}, &buf); err != nil {
		return err
	}
	s.sendPartyXLSX(w, "follow-up", &buf)
	return nil
}

// partyMyPage is a member's or resident's own phone page: their record and
// dual reporting, service hours this half-year, their sign-ups and the
// activities they may join.
type partyMyPage struct {
	Member   *party.Member
	Service  party.HalfService
	Hours    string
	Signups  []activity.MyLine
	Open     []activity.Activity
	Report   dualForm
	Done     string
	JoinOpen bool
	Care     *careSummary       // my pairing (结对), for members
	Log      serviceLogForm     // log service at one of my posts (dual-reported members)
	Logs     []party.ServiceLog // my service logs, newest first
}

func (s *server) myHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showMy(w, r, rq, http.StatusOK, dualForm{})
}

func (s *server) showMy(w http.ResponseWriter, r *http.Request, rq *request, status int, f dualForm) error {
	return s.showMyWith(w, r, rq, status, f, nil)
}

// showMyWith is the member's home with the service-log form as typed (nil: empty).
func (s *server) showMyWith(w http.ResponseWriter, r *http.Request, rq *request, status int, f dualForm, lf *serviceLogForm) error {
	ctx := r.Context()
	d := partyMyPage{Done: r.URL.Query().Get("done"), Report: f}
	if lf != nil {
		d.Log = *lf
	} else {
		d.Log.Date = s.Clock.Now().In(clock.Shanghai).Format(time.DateOnly)
	}
	m, err := s.Party.ByUser(ctx, rq.P, rq.P.UserID)
	switch errs.Code(err) {
	case "":
		d.Member = &m
		if d.Service, err = s.Party.ServiceOf(ctx, rq.P, m.ID); err != nil {
			return err
		}
		if d.Report.Area == "" && m.ReportArea != nil {
			d.Report.Area = *m.ReportArea
		} else if d.Report.Area == "" && m.HomeArea != nil {
			d.Report.Area = *m.HomeArea
		}
		if d.Report.Posts == nil {
			d.Report.Posts = m.Posts
		}
		d.Report.Action, d.Report.Back, d.Report.CSRF = "/members/"+strconv.FormatInt(m.ID, 10)+"/report", "my", rq.CSRF
		d.Report.Offered = offeredPosts(m.Posts)
		if d.Report.Areas, err = s.dualAreas(r, rq); err != nil {
			return err
		}
		if m.Reported {
			d.Log.Posts, d.Log.CSRF = m.Posts, rq.CSRF
		}
		if d.Logs, err = s.Party.MyServiceLogs(ctx, rq.P); err != nil {
			return err
		}
	case errs.ENOTFOUND:
	default:
		return err
	}
	d.Hours = party.Hours(d.Service.Minutes)
	if d.Care, err = s.careSummaryOf(r, rq); err != nil {
		return err
	}
	if d.Signups, err = s.Activity.MySignups(ctx, rq.P); err != nil {
		return err
	}
	if auth.AuthorizeAny(rq.P, auth.ActivityRead) == nil {
		l, err := s.Activity.List(ctx, rq.P, activity.Filter{Upcoming: true, PerPage: 20})
		if err != nil {
			return err
		}
		d.Open = l.Items
	}
	s.render(w, rq, status, "party_my.html", rq.view(r, "my", "party.my.title", d))
	return nil
}

// actListPage lists upcoming activities, with the form publishing one.
type actListPage struct {
	Area       string
	Areas      []areaOption
	Activities []activity.Activity
	Pager      pager
	CanWrite   bool
	Orgs       []org.PartyOrg
	Projects   []lists.Project // running service projects that may publish one
	New        actForm
	Audiences  []string
}

// actForm publishes an activity, as typed.
type actForm struct {
	Title, Description, Date, Start, End, Place, Capacity, Audience, Area, PartyOrg, Project string
	Errors                                                                                   map[string]string
	General                                                                                  []string
}

func (s *server) activitiesList(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showActivities(w, r, rq, http.StatusOK, actForm{Audience: activity.ForAll, Capacity: "30"})
}

func (s *server) showActivities(w http.ResponseWriter, r *http.Request, rq *request, status int, f actForm) error {
	d := actListPage{Area: r.URL.Query().Get("area"), New: f, Audiences: activity.Audiences,
		CanWrite: auth.AuthorizeAny(rq.P, auth.ActivityWrite) == nil}
	page := pageParam(r)
	l, err := s.Activity.List(r.Context(), rq.P, activity.Filter{Area: d.Area, Upcoming: true, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d.Activities, d.Pager = l.Items, newPager(r, page, l.Total)
	if d.Areas, err = s.areaOptions(r.Context(), rq.P, false); err != nil {
		return err
	}
	if d.CanWrite {
		if d.Orgs, _, err = s.Org.PartyOrgs(r.Context(), rq.P, org.PartyOrgFilter{PerPage: 500}); err != nil {
			return err
		}
		if auth.AuthorizeAny(rq.P, auth.ListsRead) == nil {
			l, err := s.Lists.Projects(r.Context(), rq.P, lists.ProjectFilter{ListFilter: lists.ListFilter{Status: "running", PerPage: 200}})
			if err != nil {
				return err
			}
			d.Projects = l.Items
		}
	}
	s.render(w, rq, status, "activity_list.html", rq.view(r, "members", "activity.list.title", d))
	return nil
}

func (s *server) activityCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := actForm{Title: r.PostFormValue("title"), Description: r.PostFormValue("description"), Date: r.PostFormValue("date"),
		Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Place: r.PostFormValue("place"), Capacity: r.PostFormValue("capacity"),
		Audience: r.PostFormValue("audience"), Area: r.PostFormValue("area"), PartyOrg: r.PostFormValue("party_org_id"),
		Project: r.PostFormValue("project_id")}
	in := activity.Input{Title: f.Title, Description: f.Description, Place: f.Place, Audience: f.Audience, Area: f.Area}
	var bad []errs.Detail
	in.Capacity, _ = strconv.Atoi(strings.TrimSpace(f.Capacity))
	if c := strings.TrimSpace(f.Capacity); c != "" && strconv.Itoa(in.Capacity) != c {
		bad = append(bad, errs.D("capacity", "capacity is 0 (no limit) to 100000 people"))
	}
	at := func(hhmm string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", f.Date+" "+hhmm, clock.Shanghai)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	in.Start, in.End = at(f.Start), at(f.End)
	if id, err := strconv.ParseInt(f.PartyOrg, 10, 64); err == nil {
		in.PartyOrgID = &id
	}
	if id, err := strconv.ParseInt(f.Project, 10, 64); err == nil {
		in.ProjectID = &id
	}
	var a activity.Activity
	err := error(errs.Fields(bad))
	if len(bad) == 0 {
		a, err = s.Activity.Create(r.Context(), rq.P, in)
	}
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, "title", "description", "start", "end", "place", "capacity", "audience", "area", "party_org_id", "project_id")
		return s.showActivities(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/activities/"+strconv.FormatInt(a.ID, 10))
}

// actView is one activity: facts, the caller's sign-up and buttons,
// and for its organisers the roster.
type actView struct {
	A         activity.Activity
	Mine      *activity.Signup
	CanJoin   bool
	CanManage bool
	Roster    []activity.RosterLine
	Count     activity.Count
	Alert     string
	Done      string
}

func (s *server) activityPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showActivity(w, r, rq, http.StatusOK, "")
}

func (s *server) showActivity(w http.ResponseWriter, r *http.Request, rq *request, status int, alert string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	d := actView{Alert: alert, Done: r.URL.Query().Get("done")}
	if d.A, err = s.Activity.Get(ctx, rq.P, id); err != nil {
		return err
	}
	if g, err := s.Activity.Mine(ctx, rq.P, id); err == nil {
		d.Mine = &g
	} else if errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	d.CanJoin = auth.AuthorizeAny(rq.P, auth.ActivityJoin) == nil && d.A.End.After(s.Clock.Now())
	d.CanManage = activity.CanManage(rq.P, d.A)
	if d.CanManage {
		if d.Roster, err = s.Activity.Roster(ctx, rq.P, id); err != nil {
			return err
		}
		if d.Count, err = s.Activity.HeadCount(ctx, rq.P, id); err != nil {
			return err
		}
	}
	s.render(w, rq, status, "activity_page.html", rq.view(r, "members", "activity.title", d))
	return nil
}

func (s *server) activitySignup(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.activityAct(w, r, rq, func(id int64) (string, error) {
		g, err := s.Activity.SignUp(r.Context(), rq.P, id)
		return g.Status, err
	})
}

func (s *server) activityCancel(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.activityAct(w, r, rq, func(id int64) (string, error) {
		_, err := s.Activity.Cancel(r.Context(), rq.P, id)
		return "cancelled", err
	})
}

// activityAct runs a sign-up or cancellation and shows the activity again;
// a refusal (409, 403) is shown on the page in the reader's language.
func (s *server) activityAct(w http.ResponseWriter, r *http.Request, rq *request, do func(int64) (string, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	done, err := do(id)
	if c := errs.Code(err); c == errs.ECONFLICT || c == errs.EFORBIDDEN {
		return s.showActivity(w, r, rq, statusOf[c], rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/activities/"+strconv.FormatInt(id, 10)+"?done="+done)
}

// actScreenView is the organiser's screen: the rotating QR code and the live
// head count, refreshed by htmx every few seconds.
type actScreenView struct {
	A     activity.Activity
	QR    template.URL
	URL   string
	Until time.Time
	Count activity.Count
	Lang  string
}

func (s *server) screenData(r *http.Request, rq *request) (actScreenView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return actScreenView{}, err
	}
	d := actScreenView{Lang: rq.Lang}
	if d.A, err = s.Activity.Get(r.Context(), rq.P, id); err != nil {
		return d, err
	}
	code, until, err := s.Activity.CurrentCode(r.Context(), rq.P, id)
	if err != nil {
		return d, err
	}
	d.Until = until
	d.URL = s.siteURL(r) + "/checkin/" + strconv.FormatInt(id, 10) + "?c=" + code
	png, err := qrcode.Encode(d.URL, qrcode.Medium, 320)
	if err != nil {
		return d, errs.Wrap(err, "qr code")
	}
	d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	d.Count, err = s.Activity.HeadCount(r.Context(), rq.P, id)
	return d, err
}

func (s *server) activityScreen(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.screenData(r, rq)
	if err != nil {
		return err
	}
	s.render(w, rq, http.StatusOK, "activity_screen.html", rq.view(r, "members", "activity.screen.title", d))
	return nil
}

func (s *server) activityLive(w http.ResponseWriter, r *http.Request, rq *request) error {
	d, err := s.screenData(r, rq)
	if err != nil {
		return err
	}
	s.fragment(w, rq, "activity_screen.html", "activity-live", d)
	return nil
}

// actCheckinView is what a phone shows after scanning the code: the activity
// and the one button (check in, or check out) for the person signed in.
type actCheckinView struct {
	A     activity.Activity
	Mine  *activity.Signup
	Code  string
	Step  string // in, out, or "" when there is nothing to do
	Hours string
	Alert string
	Done  string
}

func (s *server) checkinPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showCheckin(w, r, rq, http.StatusOK, r.URL.Query().Get("c"), "")
}

func (s *server) showCheckin(w http.ResponseWriter, r *http.Request, rq *request, status int, code, alert string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d := actCheckinView{Code: code, Alert: alert, Done: r.URL.Query().Get("done")}
	if d.A, err = s.Activity.Get(r.Context(), rq.P, id); err != nil {
		return err
	}
	if g, err := s.Activity.Mine(r.Context(), rq.P, id); err == nil {
		d.Mine = &g
		switch {
		case g.Status != activity.Confirmed:
		case g.CheckedInAt == nil:
			d.Step = "in"
		case g.CheckedOutAt == nil:
			d.Step = "out"
		default:
			d.Hours = party.Hours(g.Minutes)
		}
	} else if errs.Code(err) != errs.ENOTFOUND {
		return err
	}
	s.render(w, rq, status, "activity_checkin.html", rq.view(r, "my", "activity.checkin.title", d))
	return nil
}

func (s *server) checkinPost(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	code := r.PostFormValue("code")
	do, done := s.Activity.CheckIn, "in"
	if r.PostFormValue("step") == "out" {
		do, done = s.Activity.CheckOut, "out"
	}
	_, err = do(r.Context(), rq.P, id, code)
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT || c == errs.EFORBIDDEN {
		return s.showCheckin(w, r, rq, statusOf[c], code, rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/checkin/"+strconv.FormatInt(id, 10)+"?done="+done)
}

// partyOrgReportsPage lists units' party organisations registered with
// residential areas (组织双报到), their half-year figures, the follow-up list
// of those whose members did not serve there, and the registration form.
type partyOrgReportsPage struct {
	Area, Status, Half string
	Halves             []string
	Areas              []areaOption
	Reports            []party.OrgReport
	Total              int
	FollowUp           []party.OrgReport
	FollowTotal        int
	Pager              pager
	CanWrite           bool
	Orgs               []org.PartyOrg
	New                orgReportForm
	Export, FollowXLSX string
	Done, Alert        string
	UserID             int64
}

// orgReportForm registers an organisation, as typed.
type orgReportForm struct {
	PartyOrg, Area, ContactName, ContactPhone, Offers string
	Errors                                            map[string]string
	General                                           []string
}

func (s *server) orgReports(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showOrgReports(w, r, rq, http.StatusOK, orgReportForm{}, "")
}

func (s *server) showOrgReports(w http.ResponseWriter, r *http.Request, rq *request, status int, f orgReportForm, alert string) error {
	ctx, q := r.Context(), r.URL.Query()
	d := partyOrgReportsPage{Area: q.Get("area"), Status: q.Get("status"), Half: q.Get("half"), New: f, Done: q.Get("done"), Alert: alert,
		CanWrite: auth.AuthorizeAny(rq.P, auth.MemberWrite) == nil, UserID: rq.P.UserID}
	page := pageParam(r)
	filter := party.OrgReportFilter{Area: d.Area, Status: d.Status, Half: d.Half, Page: page, PerPage: perPage}
	l, half, err := s.Party.OrgReports(ctx, rq.P, filter)
	if err != nil {
		return err
	}
	d.Reports, d.Total, d.Pager, d.Half = l.Items, l.Total, newPager(r, page, l.Total), half
	filter.Unserved, filter.Page, filter.PerPage = true, 1, 100
	fl, _, err := s.Party.OrgReports(ctx, rq.P, filter)
	if err != nil {
		return err
	}
	d.FollowUp, d.FollowTotal = fl.Items, fl.Total
	now := s.Clock.Now()
	from, _, this := party.HalfYear(now)
	_, _, prev := party.HalfYear(from.Add(-time.Hour))
	d.Halves = []string{this, prev}
	if d.Areas, err = s.areaOptions(ctx, rq.P, false); err != nil {
		return err
	}
	if d.CanWrite && auth.AuthorizeAny(rq.P, auth.OrgRead) == nil {
		for _, k := range party.OrgKinds {
			orgs, _, err := s.Org.PartyOrgs(ctx, rq.P, org.PartyOrgFilter{Kind: k, PerPage: 500})
			if err != nil {
				return err
			}
			d.Orgs = append(d.Orgs, orgs...)
		}
	}
	v := url.Values{}
	for k, val := range map[string]string{"area": d.Area, "status": d.Status, "half": q.Get("half")} {
		if val != "" {
			v.Set(k, val)
		}
	}
	d.Export = withQuery("/members/org-reports.xlsx", v)
	v.Set("unserved", "true")
	d.FollowXLSX = withQuery("/members/org-reports.xlsx", v)
	s.render(w, rq, status, "party_orgreports.html", rq.view(r, "members", "party.orgreports.title", d))
	return nil
}

func (s *server) orgReportsExport(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := r.URL.Query()
	f := party.OrgReportFilter{Area: q.Get("area"), Status: q.Get("status"), Half: q.Get("half"), Unserved: q.Get("unserved") == "true"}
	var buf bytes.Buffer
	if err := s.Party.OrgReportsXLSX(r.Context(), rq.P, f, &buf); err != nil {
		return err
	}
	s.sendPartyXLSX(w, "org-reports", &buf)
	return nil
}

func (s *server) orgReportCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := orgReportForm{PartyOrg: r.PostFormValue("party_org_id"), Area: r.PostFormValue("area"), ContactName: r.PostFormValue("contact_name"),
		ContactPhone: r.PostFormValue("contact_phone"), Offers: r.PostFormValue("offers")}
	orgID, _ := strconv.ParseInt(f.PartyOrg, 10, 64)
	_, err := s.Party.RegisterOrg(r.Context(), rq.P, party.OrgReportInput{PartyOrgID: orgID, Area: f.Area, ContactName: f.ContactName,
		ContactPhone: f.ContactPhone, Offers: []string{f.Offers}})
	switch c := errs.Code(err); c {
	case "":
		return redirect(w, r, "/members/org-reports?done=registered")
	case errs.EINVALID:
		f.Errors, f.General = rq.fieldErrors(err, "party_org_id", "area", "contact_name", "contact_phone", "offers")
		return s.showOrgReports(w, r, rq, http.StatusUnprocessableEntity, f, "")
	case errs.ECONFLICT, errs.EFORBIDDEN:
		return s.showOrgReports(w, r, rq, statusOf[c], f, rq.ErrMsg(err))
	}
	return err
}

func (s *server) orgReportConfirm(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Party.ConfirmOrg(r.Context(), rq.P, id)
	if c := errs.Code(err); c == errs.ECONFLICT || c == errs.EFORBIDDEN {
		return s.showOrgReports(w, r, rq, statusOf[c], orgReportForm{}, rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/members/org-reports?done=confirmed")
}

// partyServiceLogsPage lists members' service logs waiting for the
// residential area's approval (or of another status).
type partyServiceLogsPage struct {
	Status string
	Logs   []party.ServiceLog
	Pager  pager
	Alert  string
}

func (s *server) serviceLogs(w http.ResponseWriter, r *http.Request, rq *request) error {
	return s.showServiceLogs(w, r, rq, http.StatusOK, "")
}

func (s *server) showServiceLogs(w http.ResponseWriter, r *http.Request, rq *request, status int, alert string) error {
	if err := auth.AuthorizeAny(rq.P, auth.MemberRead); err != nil {
		return err
	}
	st := r.URL.Query().Get("status")
	if st == "" {
		st = party.LogPending
	}
	page := pageParam(r)
	l, err := s.Party.ServiceLogs(r.Context(), rq.P, party.ServiceLogFilter{Status: st, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	d := partyServiceLogsPage{Status: st, Logs: l.Items, Pager: newPager(r, page, l.Total), Alert: alert}
	s.render(w, rq, status, "party_servicelogs.html", rq.view(r, "members", "party.servicelogs.title", d))
	return nil
}

func (s *server) serviceLogDecide(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	_, err = s.Party.DecideServiceLog(r.Context(), rq.P, id, party.LogDecision{Approve: r.PostFormValue("approve") == "1", Reason: r.PostFormValue("reason")})
	if c := errs.Code(err); c == errs.EINVALID || c == errs.ECONFLICT || c == errs.EFORBIDDEN {
		return s.showServiceLogs(w, r, rq, careStatus(c), rq.ErrMsg(err))
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/members/service-logs")
}

// serviceLogForm logs service from the member's phone, as typed.
type serviceLogForm struct {
	Post, Date, Start, End, Note string
	Posts                        []string
	Errors                       map[string]string
	General                      []string
	CSRF                         string
}

func (s *server) myServiceLog(w http.ResponseWriter, r *http.Request, rq *request) error {
	f := serviceLogForm{Post: r.PostFormValue("post"), Date: r.PostFormValue("date"), Start: r.PostFormValue("start"),
		End: r.PostFormValue("end"), Note: r.PostFormValue("note")}
	at := func(hhmm string) time.Time {
		t, err := time.ParseInLocation("2006-01-02 15:04", f.Date+" "+hhmm, clock.Shanghai)
		if err != nil {
			return time.Time{}
		}
		return t
	}
	_, err := s.Party.LogService(r.Context(), rq.P, party.ServiceLogInput{Post: f.Post, Start: at(f.Start), End: at(f.End), Note: f.Note})
	switch c := errs.Code(err); c {
	case "":
		return redirect(w, r, "/my?done=service_logged")
	case errs.EINVALID:
		f.Errors, f.General = rq.fieldErrors(err, "post", "start", "end", "note")
		return s.showMyWith(w, r, rq, http.StatusUnprocessableEntity, dualForm{}, &f)
	case errs.ECONFLICT:
		f.General = []string{rq.ErrMsg(err)}
		return s.showMyWith(w, r, rq, http.StatusConflict, dualForm{}, &f)
	}
	return err
}
