package api

import (
	"context"
	"net/http"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// orgArea reads the area filter of an organisation list: an unknown code is
// a 400 naming area, an area outside the caller's org.read scope a 403, as
// for the unit list.
func (s *server) orgArea(ctx context.Context, r *http.Request, p *auth.Principal) (string, error) {
	code := r.URL.Query().Get("area")
	if code == "" {
		return "", nil
	}
	path, err := s.areaPath(ctx, "area", code)
	if err != nil {
		return "", err
	}
	return code, auth.Authorize(p, auth.OrgRead, path)
}

// checkOrgAreaWrite refuses with 403 a record placed in an existing area
// where the caller may not write organisations. Unknown areas are left to
// the service, which names the field.
func (s *server) checkOrgAreaWrite(ctx context.Context, p *auth.Principal, code string) error {
	if err := auth.AuthorizeAny(p, auth.OrgWrite); err != nil {
		return err
	}
	if code == "" {
		return nil
	}
	path, err := s.areaPath(ctx, "area", code)
	if errs.Code(err) == errs.EINVALID {
		return nil
	} else if err != nil {
		return err
	}
	return auth.Authorize(p, auth.OrgWrite, path)
}

// optID reads a numeric id from the query, nil when absent.
func optID(r *http.Request, name string) (*int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return nil, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id < 1 {
		return nil, errs.Invalid(name, "%s must be a record id (a whole number from 1)", name)
	}
	return &id, nil
}

// listPartyOrgs serves GET /party-orgs?area=&kind=&q=: party organisations
// (党组织) in the caller's scope, in tree order.
func (s *server) listPartyOrgs(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	area, err := s.orgArea(r.Context(), r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := s.Org.PartyOrgs(r.Context(), p, org.PartyOrgFilter{Area: area, Kind: q.Get("kind"), Q: q.Get("q"),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, items, total, pg)
	return nil
}

// listAssocBodies serves GET /association?area=&kind=&parent_id=: bodies of
// the regional party-building promotion association (区域党建促进会) in tree
// order, so each street's branch comes just before its sub-branches.
func (s *server) listAssocBodies(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	area, err := s.orgArea(r.Context(), r, p)
	if err != nil {
		return err
	}
	parent, err := optID(r, "parent_id")
	if err != nil {
		return err
	}
	items, total, err := s.Org.AssocBodies(r.Context(), p, org.AssocFilter{Area: area, Kind: r.URL.Query().Get("kind"),
		ParentID: parent, Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, items, total, pg)
	return nil
}

// listAssocMembers serves GET /association/{id}/members: the member units,
// presidents first. A body the caller may not read is not found.
func (s *server) listAssocMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "association body")
	if err != nil {
		return err
	}
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	members, err := s.Org.AssocMembers(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeList(w, pageOf(members, pg), len(members), pg)
	return nil
}

// addAssocMember serves POST /association/{id}/members. How the body is led
// (president_mode) decides which presidents it may have.
func (s *server) addAssocMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "association body")
	if err != nil {
		return err
	}
	var in org.NewAssocMember
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Org.AddAssocMember(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/association/"+strconv.FormatInt(id, 10)+"/members", m)
	return nil
}

// listPartTimeMembers serves GET /part-time-members?area=&party_org_id=&q=:
// part-time committee members (兼职委员), phones masked.
func (s *server) listPartTimeMembers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	area, err := s.orgArea(r.Context(), r, p)
	if err != nil {
		return err
	}
	po, err := optID(r, "party_org_id")
	if err != nil {
		return err
	}
	items, total, err := s.Org.PartTimeMembers(r.Context(), p, org.PartTimeFilter{Area: area, PartyOrgID: po, Q: r.URL.Query().Get("q"),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, items, total, pg)
	return nil
}

// createPartTimeMember serves POST /part-time-members. A committee the
// caller cannot see is "unknown" (400 naming party_org_id): party
// organisation ids, unlike area codes, are not public.
func (s *server) createPartTimeMember(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in org.NewPartTimeMember
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := s.Org.CreatePartTimeMember(r.Context(), p, in)
	if err != nil {
		return err
	}
	m.Phone = auth.MaskPhone(m.Phone)
	created(w, "", m)
	return nil
}

// listServicePoints serves GET /service-points?area=&kind=&q=: party-mass
// service points (党群服务点/站) with their opening hours and services.
func (s *server) listServicePoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	area, err := s.orgArea(r.Context(), r, p)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	items, total, err := s.Org.ServicePoints(r.Context(), p, org.ServicePointFilter{Area: area, Kind: q.Get("kind"), Q: q.Get("q"),
		Page: pg.Page, PerPage: pg.PerPage})
	if err != nil {
		return err
	}
	writeList(w, items, total, pg)
	return nil
}

// createInArea serves a POST that creates an organisation record in an
// area (POST /party-orgs, /association — a committee on the district, a
// branch on a street or a sub-branch under its branch — and
// /service-points): decode, check the caller may write in the record's
// area, create, answer 201.
func createInArea[In, Out any](area func(*In) string, create func(*org.Service, context.Context, *auth.Principal, In) (Out, error)) func(*server, http.ResponseWriter, *http.Request, *auth.Principal) error {
	return func(s *server, w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
		var in In
		if err := decode(w, r, &in); err != nil {
			return err
		}
		if err := s.checkOrgAreaWrite(r.Context(), p, area(&in)); err != nil {
			return err
		}
		out, err := create(s.Org, r.Context(), p, in)
		if err != nil {
			return err
		}
		created(w, "", out)
		return nil
	}
}
