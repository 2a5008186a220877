package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/errs"
	"gongzhi/internal/lists"
)

// listsQuery is what the list pages filter by, as typed in the URL.
type listsQuery struct {
	Area, Status, Category, Kind, Q string
	From, To                        string // created between these days (projects)
	Claimable                       bool
	Page                            int
}

func readListsQuery(r *http.Request) listsQuery {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	return listsQuery{Area: q.Get("area"), Status: q.Get("status"), Category: q.Get("category"), Kind: q.Get("kind"), Q: strings.TrimSpace(q.Get("q")),
		From: q.Get("from"), To: q.Get("to"), Claimable: q.Get("claimable") != "", Page: max(page, 1)}
}

func (q listsQuery) filter() lists.ListFilter {
	return lists.ListFilter{Area: q.Area, Status: q.Status, Category: q.Category, Kind: q.Kind, Q: q.Q, From: q.From, To: q.To, Page: q.Page, PerPage: 50}
}

// pageURL is the list's URL on another page.
func (q listsQuery) pageURL(path string, page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"area": q.Area, "status": q.Status, "category": q.Category, "kind": q.Kind, "q": q.Q, "from": q.From, "to": q.To} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.Claimable {
		v.Set("claimable", "1")
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

type needsPage struct {
	Query      listsQuery
	Areas      []areaOption
	Categories []string
	Statuses   []string
	Needs      []lists.Need
	Pager      pager
	CanWrite   bool
	Labels     map[string]string // area code → name
}

func (s *server) needList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := readListsQuery(r)
	l, err := s.Lists.Needs(r.Context(), rq.P, q.filter())
	if err != nil {
		return err
	}
	areas, err := s.areaOptions(r.Context(), rq.P, false)
	if err != nil {
		return err
	}
	d := needsPage{Query: q, Areas: areas, Categories: lists.Categories, Statuses: []string{"open", "matched", "served", "closed"},
		Needs: l.Items, Pager: newPager(r, q.Page, l.Total), CanWrite: auth.AuthorizeAny(rq.P, auth.ListsWrite) == nil, Labels: labelsOf(areas)}
	s.render(w, rq, http.StatusOK, "lists_needs.html", rq.view(r, "lists", "lists.needs.title", d))
	return nil
}

func labelsOf(areas []areaOption) map[string]string {
	m := make(map[string]string, len(areas))
	for _, a := range areas {
		m[a.Code] = a.Name
	}
	return m
}

// needForm is the new-need form; with demands it rolls them up.
type needForm struct {
	Title, Detail, Category, Area, Windows, Beneficiaries, Urgency, Source string
	Demands                                                                []int64
	Errors                                                                 map[string]string
	General                                                                []string
	// The roll-up search: open demands matching DQ in the area. Those that
	// feed a need already (Fed: demand → need) cannot be ticked; the others
	// are ticked at first, and as the worker left them after a failed save.
	DQ         string
	Found      []demand.Demand
	Fed        map[int64]int64
	Ticked     map[int64]bool
	Extra      []int64 // demands named by the link that opened the form, not among Found
	posted     bool
	Areas      []areaOption
	Categories []string
}

var needFields = []string{"title", "detail", "category", "area", "windows", "beneficiaries", "urgency", "demands"}

func (s *server) needNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.ListsWrite); err != nil {
		return err
	}
	q := r.URL.Query()
	f := needForm{Area: q.Get("area"), Category: q.Get("category"), DQ: strings.TrimSpace(q.Get("dq")), Urgency: "normal"}
	for _, v := range q["demand"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			f.Demands = append(f.Demands, id)
		}
	}
	return s.showNeedForm(w, r, rq, http.StatusOK, f)
}

func (s *server) showNeedForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f needForm) error {
	var err error
	if f.Areas, err = s.areaOptions(r.Context(), rq.P, true); err != nil {
		return err
	}
	f.Categories = lists.Categories
	if f.DQ != "" && auth.AuthorizeAny(rq.P, auth.DemandRead) == nil {
		found, err := s.Demand.List(r.Context(), rq.P, demand.ListFilter{Q: f.DQ, Area: f.Area, Status: "open", PerPage: 50})
		if err != nil {
			return err
		}
		f.Found = found.Items
	}
	ids := make([]int64, len(f.Found))
	for i, d := range f.Found {
		ids[i] = d.ID
	}
	if f.Fed, err = s.Lists.NeedsOfDemands(r.Context(), ids); err != nil {
		return err
	}
	f.Ticked = map[int64]bool{}
	for _, id := range ids {
		f.Ticked[id] = f.Fed[id] == 0 && (!f.posted || slices.Contains(f.Demands, id))
	}
	for _, id := range f.Demands {
		if !slices.Contains(ids, id) {
			f.Extra = append(f.Extra, id)
		}
	}
	s.render(w, rq, status, "lists_need_form.html", rq.view(r, "lists", "lists.need.new", f))
	return nil
}

func (s *server) needCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := needForm{Title: v("title"), Detail: v("detail"), Category: v("category"), Area: v("area"), Windows: v("windows"),
		Beneficiaries: v("beneficiaries"), Urgency: v("urgency"), Source: v("source"), DQ: v("dq"), posted: true}
	bad := map[string]string{}
	for _, s := range r.PostForm["demand"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			bad["demands"] = rq.T("form.whole_number")
			continue
		}
		f.Demands = append(f.Demands, id)
	}
	n := 0
	if f.Beneficiaries != "" {
		var err error
		if n, err = strconv.Atoi(f.Beneficiaries); err != nil || n < 0 {
			bad["beneficiaries"] = rq.T("form.whole_number")
		}
	}
	if len(bad) > 0 {
		f.Errors = bad
		return s.showNeedForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	need, err := s.Lists.CreateNeed(r.Context(), rq.P, lists.NeedInput{Title: f.Title, Detail: f.Detail, Category: f.Category, Area: f.Area,
		Windows: f.Windows, Beneficiaries: n, Urgency: f.Urgency, Source: f.Source, Demands: f.Demands})
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, needFields...)
		return s.showNeedForm(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/needs/"+strconv.FormatInt(need.ID, 10))
}

type needPage struct {
	Need       lists.Need
	AreaName   string
	Timeline   []lists.Event
	Candidates []candidateView
	CanWrite   bool
	Moves      []string
	Matches    []lists.Match
}

func (s *server) needPage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	n, ev, err := s.Lists.Need(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := needPage{Need: n, Timeline: ev, CanWrite: auth.Authorize(rq.P, auth.ListsWrite, n.AreaPath) == nil}
	d.AreaName = s.areaName(r.Context(), rq.Lang, n.Area)
	for _, to := range []string{"matched", "served", "closed", "open"} {
		if lists.NextNeedStatus(n.Status, to) {
			d.Moves = append(d.Moves, to)
		}
	}
	if d.Matches, err = s.Lists.MatchesOfNeed(r.Context(), rq.P, id); err != nil {
		return err
	}
	if d.CanWrite && (n.Status == "open" || n.Status == "matched") {
		ranked, err := s.Lists.Candidates(r.Context(), rq.P, id, 10)
		if err != nil {
			return err
		}
		d.Candidates = s.candidateViews(rq, ranked)
	}
	s.render(w, rq, http.StatusOK, "lists_need.html", rq.view(r, "lists", "lists.need.title", d))
	return nil
}

func (s *server) needStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Lists.SetNeedStatus(r.Context(), rq.P, id, r.PostFormValue("status"), r.PostFormValue("note")); err != nil {
		return err
	}
	return redirect(w, r, "/needs/"+strconv.FormatInt(id, 10))
}

// --- resources

type resourcesPage struct {
	Query      listsQuery
	Areas      []areaOption
	Categories []string
	Kinds      []string
	Resources  []lists.Resource
	Pager      pager
	CanOffer   bool
	Labels     map[string]string
}

func (s *server) resourceList(w http.ResponseWriter, r *http.Request, rq *request) error {
	q := readListsQuery(r)
	l, err := s.Lists.Resources(r.Context(), rq.P, q.filter())
	if err != nil {
		return err
	}
	areas, err := s.areaOptions(r.Context(), rq.P, false)
	if err != nil {
		return err
	}
	d := resourcesPage{Query: q, Areas: areas, Categories: lists.Categories, Kinds: lists.Kinds, Resources: l.Items,
		Pager: newPager(r, q.Page, l.Total), CanOffer: auth.AuthorizeAny(rq.P, auth.ResourceOffer) == nil, Labels: labelsOf(areas)}
	s.render(w, rq, http.StatusOK, "lists_resources.html", rq.view(r, "resources", "lists.resources.title", d))
	return nil
}

// resourceForm is the offer form, phone-first: a liaison fills it between other work.
type resourceForm struct {
	Title, Detail, Kind, ProviderKind, UnitID, ProviderName, Area, Serves, Capacity, CapacityUnit, Windows string
	AvailableFrom, AvailableUntil, Conditions, Address                                                     string
	Categories                                                                                             []string
	Errors                                                                                                 map[string]string
	General                                                                                                []string
	Liaison                                                                                                bool // offering for the caller's own unit
	Units                                                                                                  []unitOption
	Areas                                                                                                  []areaOption
	AllCategories, Kinds, CapacityUnits, ProviderKinds                                                     []string
}

type unitOption struct {
	ID   int64
	Name string
}

var resourceFields = []string{"title", "detail", "kind", "categories", "provider_kind", "unit_id", "provider_name", "area", "serves",
	"capacity", "capacity_unit", "windows", "available_from", "available_until", "conditions", "address"}

func (s *server) resourceNewForm(w http.ResponseWriter, r *http.Request, rq *request) error {
	if err := auth.AuthorizeAny(rq.P, auth.ResourceOffer); err != nil {
		return err
	}
	return s.showResourceForm(w, r, rq, http.StatusOK, resourceForm{Kind: r.URL.Query().Get("kind"), ProviderKind: "unit"})
}

func (s *server) showResourceForm(w http.ResponseWriter, r *http.Request, rq *request, status int, f resourceForm) error {
	f.AllCategories, f.Kinds, f.CapacityUnits, f.ProviderKinds = lists.Categories, lists.Kinds, lists.CapacityUnits, lists.ProviderKinds
	f.Liaison = len(auth.Scope(rq.P, auth.ResourceOffer)) == 0
	if !f.Liaison {
		var err error
		if f.Areas, err = s.areaOptions(r.Context(), rq.P, true); err != nil {
			return err
		}
	}
	s.render(w, rq, status, "lists_resource_form.html", rq.view(r, "resources", "lists.resource.new", f))
	return nil
}

func (s *server) resourceCreate(w http.ResponseWriter, r *http.Request, rq *request) error {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := resourceForm{Title: v("title"), Detail: v("detail"), Kind: v("kind"), ProviderKind: v("provider_kind"), UnitID: v("unit_id"),
		ProviderName: v("provider_name"), Area: v("area"), Serves: v("serves"), Capacity: v("capacity"), CapacityUnit: v("capacity_unit"),
		Windows: v("windows"), AvailableFrom: v("available_from"), AvailableUntil: v("available_until"), Conditions: v("conditions"),
		Address: v("address"), Categories: r.PostForm["categories"]}
	in := lists.ResourceInput{Title: f.Title, Detail: f.Detail, Kind: f.Kind, Categories: f.Categories, ProviderKind: f.ProviderKind,
		ProviderName: f.ProviderName, Area: f.Area, Serves: f.Serves, CapacityUnit: f.CapacityUnit, Windows: f.Windows,
		AvailableFrom: f.AvailableFrom, AvailableUntil: f.AvailableUntil, Conditions: f.Conditions, Address: f.Address}
	bad := map[string]string{}
	if f.Capacity != "" {
		n, err := strconv.Atoi(f.Capacity)
		if err != nil {
			bad["capacity"] = rq.T("form.whole_number")
		}
		in.Capacity = n
	}
	if f.UnitID != "" {
		id, err := strconv.ParseInt(f.UnitID, 10, 64)
		if err != nil {
			bad["unit_id"] = rq.T("form.whole_number")
		}
		in.UnitID = &id
	}
	if len(bad) > 0 {
		f.Errors = bad
		return s.showResourceForm(w, r, rq, http.StatusUnprocessableEntity, f)
	}
	res, err := s.Lists.CreateResource(r.Context(), rq.P, in)
	if errs.Code(err) == errs.EINVALID {
		f.Errors, f.General = rq.fieldErrors(err, resourceFields...)
		return s.showResourceForm(w, r, rq, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/resources/"+strconv.FormatInt(res.ID, 10))
}

type resourcePage struct {
	Resource  lists.Resource
	AreaName  string
	Serves    string
	Timeline  []lists.Event
	CanChange bool
	Matches   []lists.Match
}

func (s *server) resourcePage(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, ev, err := s.Lists.Resource(r.Context(), rq.P, id)
	if err != nil {
		return err
	}
	d := resourcePage{Resource: res, Timeline: ev, AreaName: s.areaName(r.Context(), rq.Lang, res.Area), Serves: s.areaName(r.Context(), rq.Lang, res.Serves),
		CanChange: auth.AuthorizeUnit(rq.P, auth.ResourceOffer, res.AreaPath, res.UnitID) == nil}
	if d.Matches, err = s.Lists.MatchesOfResource(r.Context(), rq.P, id); err != nil {
		return err
	}
	s.render(w, rq, http.StatusOK, "lists_resource.html", rq.view(r, "resources", "lists.resource.title", d))
	return nil
}

func (s *server) resourceStatus(w http.ResponseWriter, r *http.Request, rq *request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.Lists.SetResourceStatus(r.Context(), rq.P, id, r.PostFormValue("status"), r.PostFormValue("note")); err != nil {
		return err
	}
	return redirect(w, r, "/resources/"+strconv.FormatInt(id, 10))
}
