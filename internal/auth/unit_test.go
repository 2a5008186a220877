package auth_test

import (
	"slices"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
)

// TestAuthorizeUnitTable: a unit liaison's demand rights reach the records
// dispatched to its unit and nothing else of its area; its other rights
// stay area-wide; a liaison grant naming no unit reaches no demand.
func TestAuthorizeUnitTable(t *testing.T) {
	unit, other := int64(7), int64(8)
	res := "/310104/001/001/"
	liaison := &auth.Principal{UserID: 1, Grants: []auth.Grant{{Role: auth.UnitLiaison, AreaPath: res, UnitID: &unit}}}
	stale := &auth.Principal{UserID: 2, Grants: []auth.Grant{{Role: auth.UnitLiaison, AreaPath: res}}}
	staff := &auth.Principal{UserID: 3, Grants: []auth.Grant{{Role: auth.CommunityStaff, AreaPath: res}}}
	cases := []struct {
		name string
		p    *auth.Principal
		perm auth.Perm
		path string
		unit *int64
		want string
	}{
		{"liaison reads its unit's demand", liaison, auth.DemandRead, res, &unit, ""},
		{"liaison handles its unit's demand", liaison, auth.DemandHandle, "/310104/001/", &unit, ""},
		{"its unit's demand elsewhere", liaison, auth.DemandRead, "/310104/002/001/", &unit, ""},
		{"not another unit's demand", liaison, auth.DemandRead, res, &other, errs.EFORBIDDEN},
		{"not a demand of its area", liaison, auth.DemandRead, res, nil, errs.EFORBIDDEN},
		{"not a demand of its area, to handle", liaison, auth.DemandHandle, res, nil, errs.EFORBIDDEN},
		{"never dispatch", liaison, auth.DemandDispatch, res, &unit, errs.EFORBIDDEN},
		{"units of its area", liaison, auth.UnitRead, res + "02/", nil, ""},
		{"a grant with no unit reaches no demand", stale, auth.DemandRead, res, &unit, errs.EFORBIDDEN},
		{"staff read by area whatever the unit", staff, auth.DemandRead, res, &other, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errs.Code(auth.AuthorizeUnit(c.p, c.perm, c.path, c.unit)); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
	if got := errs.Code(auth.Authorize(liaison, auth.DemandRead, res)); got != errs.EFORBIDDEN {
		t.Errorf("Authorize (no unit) lets the liaison read its area's demands: %q", got)
	}
	if s := auth.Scope(liaison, auth.DemandRead); len(s) != 0 {
		t.Errorf("liaison's demand scope %v, want no area", s)
	}
	if u := auth.ScopeUnits(liaison, auth.DemandRead); !slices.Equal(u, []int64{unit}) {
		t.Errorf("liaison's units %v", u)
	}
	if auth.AuthorizeAny(liaison, auth.DemandRead) != nil || auth.AuthorizeAny(stale, auth.DemandRead) == nil {
		t.Error("AuthorizeAny: the liaison reads some demands, the stale grant none")
	}
	cond, args := auth.ScopeUnitSQL(db.SQLite, liaison, auth.DemandRead, "d.area_path", "d.lead_unit_id")
	if cond != "d.lead_unit_id IN (?)" || len(args) != 1 || args[0] != unit {
		t.Errorf("ScopeUnitSQL: %s %v", cond, args)
	}
	if !auth.UnitLiaison.UnitBound() || auth.CommunityStaff.UnitBound() {
		t.Error("UnitBound")
	}
}
