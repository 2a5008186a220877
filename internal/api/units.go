package api

import (
	"context"
	"net/http"
	"slices"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/errs"
	"gongzhi/internal/org"
)

// unitFilter reads the filters shared by the unit list and export:
// area (a subtree), kind, group, q and covered. An area outside the
// caller's unit scope is refused with 403 rather than quietly emptied.
func (s *server) unitFilter(ctx context.Context, r *http.Request, p *auth.Principal) (org.UnitFilter, error) {
	var f org.UnitFilter
	q := r.URL.Query()
	if code := q.Get("area"); code != "" {
		path, err := s.areaPath(ctx, "area", code)
		if err != nil {
			return f, err
		}
		if err := auth.Authorize(p, auth.UnitRead, path); err != nil {
			return f, err
		}
		f.Area = code
	}
	if v := q.Get("kind"); v != "" {
		k, ok := org.ParseKind(v)
		if !ok {
			return f, errs.Invalid("kind", "unknown kind %q; use regional_unit, non_public_enterprise, social_organization or shop", v)
		}
		f.Kind = &k
	}
	if v := q.Get("group"); v != "" {
		if !slices.Contains(org.Groups, v) {
			return f, errs.Invalid("group", "unknown group %q; use shop, two_new or regional_unit", v)
		}
		f.Group = v
	}
	f.Q = q.Get("q")
	covered, err := optBool(r, "covered")
	if err != nil {
		return f, err
	}
	f.Covered = covered
	return f, nil
}

// listUnits serves GET /units: one page of the units in the caller's scope
// matching the filters, contact phones masked.
func (s *server) listUnits(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg, err := pagingOf(r)
	if err != nil {
		return err
	}
	f, err := s.unitFilter(r.Context(), r, p)
	if err != nil {
		return err
	}
	f.Page, f.PerPage = pg.Page, pg.PerPage
	units, total, err := s.Org.Units(r.Context(), p, f)
	if err != nil {
		return err
	}
	writeList(w, units, total, pg)
	return nil
}

// getUnit serves GET /units/{id}. The contact phone is shown in full only
// to those who may edit the unit; readers see it masked, as in lists.
func (s *server) getUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	u, err := s.Org.Unit(r.Context(), p, id)
	if err != nil {
		return err
	}
	if auth.Authorize(p, auth.UnitWrite, u.AreaPath) != nil {
		u.ContactPhone = auth.MaskPhone(u.ContactPhone)
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// checkAreaWrite refuses with 403 a unit placed in an existing area where
// the caller may not write units. Unknown areas are left to the service,
// which reports them with the unit's other field errors.
func (s *server) checkAreaWrite(ctx context.Context, p *auth.Principal, area *string) error {
	if area == nil {
		return nil
	}
	path, err := s.areaPath(ctx, "area", *area)
	if errs.Code(err) == errs.EINVALID {
		return nil
	} else if err != nil {
		return err
	}
	return auth.Authorize(p, auth.UnitWrite, path)
}

// createUnit serves POST /units.
func (s *server) createUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in org.UnitInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := auth.AuthorizeAny(p, auth.UnitWrite); err != nil {
		return err
	}
	if err := s.checkAreaWrite(r.Context(), p, in.Area); err != nil {
		return err
	}
	u, err := s.Org.CreateUnit(r.Context(), p, in)
	if err != nil {
		return err
	}
	created(w, Prefix+"/units/"+strconv.FormatInt(u.ID, 10), u)
	return nil
}

// updateUnit serves PATCH /units/{id}: absent fields keep their value. A
// unit the caller cannot see is not found; one they may only read is 403.
func (s *server) updateUnit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "unit")
	if err != nil {
		return err
	}
	var in org.UnitInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Area != nil {
		// Whether the unit exists for the caller is answered before where it may move.
		before, err := s.Org.Unit(r.Context(), p, id)
		if err != nil {
			return err
		}
		if err := auth.Authorize(p, auth.UnitWrite, before.AreaPath); err != nil {
			return err
		}
		if err := s.checkAreaWrite(r.Context(), p, in.Area); err != nil {
			return err
		}
	}
	u, err := s.Org.UpdateUnit(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}
