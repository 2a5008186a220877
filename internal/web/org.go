package web

import (
	"net/http"
	"strings"

	"gongzhi/internal/auth"
	"gongzhi/internal/org"
)

// The organisation section (组织体系): party organisations, the promotion
// association, part-time committee members and service points, each a
// filtered, paged list with a create form for those who may write.

// orgQuery is an organisation list's filter as its form and links carry it.
// Bad kind values are passed on so the service refuses them in its own words.
type orgQuery struct {
	Area, Kind, Q string
}

func readOrgQuery(r *http.Request) orgQuery {
	v := r.URL.Query()
	return orgQuery{Area: strings.TrimSpace(v.Get("area")), Kind: strings.TrimSpace(v.Get("kind")), Q: strings.TrimSpace(v.Get("q"))}
}

// orgList is what every list of the section shares: the tab, the filter
// with its choices, the pager and whether to offer the create form.
type orgList struct {
	Tab      string // party-orgs, association, part-time-members or service-points
	Query    orgQuery
	Areas    []areaOption
	Pager    pager
	CanWrite bool
}

// orgListBase checks p may read organisations and fills the shared part.
func (s *server) orgListBase(r *http.Request, rq *request, tab string) (orgList, error) {
	if err := auth.AuthorizeAny(rq.P, auth.OrgRead); err != nil {
		return orgList{}, err
	}
	areas, err := s.areaOptions(r.Context(), rq.P, false)
	if err != nil {
		return orgList{}, err
	}
	return orgList{Tab: tab, Query: readOrgQuery(r), Areas: areas, CanWrite: auth.AuthorizeAny(rq.P, auth.OrgWrite) == nil}, nil
}

// orgHome is the section's entry: the party organisations.
func (s *server) orgHome(w http.ResponseWriter, r *http.Request, rq *request) error {
	return redirect(w, r, withQuery("/org/party-orgs", r.URL.Query()))
}

// partyOrgsPage is the data of org_party_orgs.html.
type partyOrgsPage struct {
	orgList
	Kinds []org.PartyOrgKind
	Items []org.PartyOrg
}

// partyOrgList lists party organisations (党组织) in tree order.
func (s *server) partyOrgList(w http.ResponseWriter, r *http.Request, rq *request) error {
	base, err := s.orgListBase(r, rq, "party-orgs")
	if err != nil {
		return err
	}
	q, page := base.Query, pageParam(r)
	items, total, err := s.Org.PartyOrgs(r.Context(), rq.P, org.PartyOrgFilter{Area: q.Area, Kind: q.Kind, Q: q.Q, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	base.Pager = newPager(r, page, total)
	data := partyOrgsPage{orgList: base, Kinds: org.PartyOrgKinds, Items: items}
	s.render(w, rq, http.StatusOK, "org_party_orgs.html", rq.view(r, "org", "org.party_orgs.title", data))
	return nil
}

// assocPage is the data of org_association.html.
type assocPage struct {
	orgList
	Kinds  []org.AssocKind
	Bodies []assocCard
}

// assocCard is one body with its member units.
type assocCard struct {
	org.AssocBody
	Members []org.AssocMember
	CanEdit bool
}

// assocKinds lists the association bodies top down.
var assocKinds = []org.AssocKind{org.AssocCommittee, org.AssocBranch, org.AssocSubBranch}

// assocList shows the promotion association (区域党建促进会) as a tree:
// the service lists bodies by area path, so the district's committees come
// first and each street's branch just before its residential sub-branches.
func (s *server) assocList(w http.ResponseWriter, r *http.Request, rq *request) error {
	base, err := s.orgListBase(r, rq, "association")
	if err != nil {
		return err
	}
	ctx, q, page := r.Context(), base.Query, pageParam(r)
	bodies, total, err := s.Org.AssocBodies(ctx, rq.P, org.AssocFilter{Area: q.Area, Kind: q.Kind, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	data := assocPage{orgList: base, Kinds: assocKinds}
	for _, b := range bodies {
		members, err := s.Org.AssocMembers(ctx, rq.P, b.ID)
		if err != nil {
			return err
		}
		data.Bodies = append(data.Bodies, assocCard{AssocBody: b, Members: members, CanEdit: auth.Authorize(rq.P, auth.OrgWrite, b.AreaPath) == nil})
	}
	data.Pager = newPager(r, page, total)
	s.render(w, rq, http.StatusOK, "org_association.html", rq.view(r, "org", "org.association.title", data))
	return nil
}

// partTimePage is the data of org_part_time.html.
type partTimePage struct {
	orgList
	Items []org.PartTimeMember
}

// partTimeList lists part-time committee members (兼职委员); the service masks phones.
func (s *server) partTimeList(w http.ResponseWriter, r *http.Request, rq *request) error {
	base, err := s.orgListBase(r, rq, "part-time-members")
	if err != nil {
		return err
	}
	q, page := base.Query, pageParam(r)
	items, total, err := s.Org.PartTimeMembers(r.Context(), rq.P, org.PartTimeFilter{Area: q.Area, Q: q.Q, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	base.Pager = newPager(r, page, total)
	data := partTimePage{orgList: base, Items: items}
	s.render(w, rq, http.StatusOK, "org_part_time.html", rq.view(r, "org", "org.part_time.title", data))
	return nil
}

// servicePointsPage is the data of org_service_points.html.
type servicePointsPage struct {
	orgList
	Kinds []org.ServicePointKind
	Items []org.ServicePoint
}

// servicePointList shows party-mass service points (党群服务点/站) as cards
// that read well on a phone: where, when open, and what is offered.
func (s *server) servicePointList(w http.ResponseWriter, r *http.Request, rq *request) error {
	base, err := s.orgListBase(r, rq, "service-points")
	if err != nil {
		return err
	}
	q, page := base.Query, pageParam(r)
	items, total, err := s.Org.ServicePoints(r.Context(), rq.P, org.ServicePointFilter{Area: q.Area, Kind: q.Kind, Q: q.Q, Page: page, PerPage: perPage})
	if err != nil {
		return err
	}
	base.Pager = newPager(r, page, total)
	data := servicePointsPage{orgList: base, Kinds: org.ServicePointKinds, Items: items}
	s.render(w, rq, http.StatusOK, "org_service_points.html", rq.view(r, "org", "org.service_points.title", data))
	return nil
}
