package api_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/org"
	"gongzhi/internal/testkit"
)

// matrixTargets are the extra records the matrix needs beyond the fixture:
// a user in the other street (with tokens to aim at) and users whose grants
// may be taken away.
type matrixTargets struct {
	bStaff    *auth.User // community_staff on ResB1, outside every scoped role
	bStaffP   *auth.Principal
	grantee   *auth.User // resident on ResA1 who receives grants
	csUserID  int64      // the fixture's community_staff user
	unitIn    int64      // a unit in ResA1
	unitOut   int64      // a unit in ResB1
	poIn      int64      // a residential party organisation (a committee) in ResA1
	poOut     int64      // one in ResB1
	branchIn  int64      // the promotion association's branch on StreetA
	branchOut int64      // and on StreetB
	bodyIn    int64      // a sub-branch on ResA1
	bodyOut   int64      // a sub-branch on ResB1
	dm        demandTargets
	serial    int
}

// orgTargets creates the organisation records the matrix aims at.
func (m *matrixTargets) orgTargets(e *env) {
	e.t.Helper()
	ctx, sys := context.Background(), auth.SystemPrincipal()
	po := func(area string) int64 {
		o, err := e.org.CreatePartyOrg(ctx, sys, org.NewPartyOrg{Name: "居民区党总支 " + area, Kind: "residential_party_org", Area: area})
		if err != nil {
			e.t.Fatal(err)
		}
		return o.ID
	}
	body := func(kind, area string, parent *int64) int64 {
		b, err := e.org.CreateAssocBody(ctx, sys, org.NewAssocBody{Kind: kind, Name: kind + " " + area, Area: area, ParentID: parent})
		if err != nil {
			e.t.Fatal(err)
		}
		return b.ID
	}
	m.poIn, m.poOut = po(testkit.ResA1), po(testkit.ResB1)
	m.branchIn, m.branchOut = body("branch", testkit.StreetA, nil), body("branch", testkit.StreetB, nil)
	m.bodyIn, m.bodyOut = body("sub_branch", testkit.ResA1, &m.branchIn), body("sub_branch", testkit.ResB1, &m.branchOut)
}

// newUnit adds a unit, as the system, for a cell that needs one of its own.
func (m *matrixTargets) newUnit(e *env, r auth.Role, out bool) int64 {
	e.t.Helper()
	name, kind, area := m.unique("成员单位", r, out), "regional_unit", pick(out, testkit.ResA1, testkit.ResB1)
	u, err := e.org.CreateUnit(context.Background(), auth.SystemPrincipal(), org.UnitInput{Name: &name, Kind: &kind, Area: &area})
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// request builds the request of one matrix cell.
type request func(e *env, m *matrixTargets, r auth.Role, out bool) (path string, body any)

// fixed is a request that is the same for both targets.
func fixed(path string, body any) request {
	return func(*env, *matrixTargets, auth.Role, bool) (string, any) { return path, body }
}

// pick returns in or out.
func pick[T any](out bool, in, outside T) T {
	if out {
		return outside
	}
	return in
}

// unique names records a matrix cell creates, so no two cells collide.
func (m *matrixTargets) unique(prefix string, r auth.Role, out bool) string {
	m.serial++
	return fmt.Sprintf("%s_%s_%s_%d", prefix, r, pick(out, "in", "out"), m.serial)
}

// matrixRow is one route's expectations. in and out list what each role
// gets, in the order of auth.Roles:
//
//	district_admin street_staff community_staff grid_worker unit_liaison member resident auditor
//
// Each entry is a status, or "empty" for a 200 list with no items.
type matrixRow struct {
	target  string // what in and out mean, for failure messages
	req     request
	in, out string
}

// matrixRows is the whole matrix, one row per route of the route table.
// Targets: areas ResA1 vs StreetB, units in ResA1 vs ResB1, coverage of
// ResA1 vs District, users and tokens of the caller vs of a user in ResB1,
// organisation records in ResA1 vs ResB1.
func matrixRows() map[string]matrixRow {
	units := func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
		return "/units?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
	}
	unitByID := func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
		return "/units/" + strconv.FormatInt(pick(out, m.unitIn, m.unitOut), 10), nil
	}
	orgList := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return path + "?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		}
	}
	// userAction aims at a user made for the cell, so one cell's change
	// cannot change what another cell finds.
	userAction := func(action string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			u := e.newUser(m.unique("t", r, out), auth.Member, pick(out, testkit.ResA1, testkit.ResB1))
			return "/users/" + strconv.FormatInt(u.ID, 10) + "/" + action, body
		}
	}
	const (
		orgReadIn  = "200 200 200 403 200 200 403 200"
		orgReadOut = "200 403 403 403 403 403 403 200"
		orgMakeIn  = "201 201 403 403 403 403 403 403"
		orgMakeOut = "201 403 403 403 403 403 403 403"
	)
	return map[string]matrixRow{
		"GET /openapi.json": {"the document", fixed("/openapi.json", nil),
			"200 200 200 200 200 200 200 200",
			"200 200 200 200 200 200 200 200"},
		"GET /me": {"the caller", fixed("/me", nil),
			"200 200 200 200 200 200 200 200",
			"200 200 200 200 200 200 200 200"},
		"POST /me/password": {"the caller's password: changed, then changed back", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/me/password", map[string]any{"old_password": pick(out, testkit.Password, testkit.Password+"2"), "new_password": pick(out, testkit.Password+"2", testkit.Password)}
		},
			"204 204 204 204 204 204 204 204",
			"204 204 204 204 204 204 204 204"},
		"GET /areas": {"children of ResA1 vs StreetB", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/areas?parent=" + pick(out, testkit.ResA1, testkit.StreetB), nil
		},
			"200 200 200 200 200 200 200 200",
			"200 empty empty empty empty empty empty 200"},
		"POST /areas": {"a grid under ResA1 vs a residential area under StreetB", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			m.serial++
			if out {
				return "/areas", map[string]any{"code": testkit.StreetB + fmt.Sprintf("%03d", 100+m.serial), "name": m.unique("居民区", r, out), "level": "residential", "parent": testkit.StreetB}
			}
			return "/areas", map[string]any{"code": testkit.ResA1 + fmt.Sprintf("%02d", 10+m.serial), "name": m.unique("网格", r, out), "level": "grid", "parent": testkit.ResA1}
		},
			"201 201 403 404 403 403 403 403",
			"201 404 404 404 404 404 404 403"},
		"GET /areas/{code}": {"ResA1 vs StreetB", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/areas/" + pick(out, testkit.ResA1, testkit.StreetB), nil
		},
			"200 200 200 404 200 200 200 200",
			"200 404 404 404 404 404 404 200"},
		"GET /units": {"units of ResA1 vs ResB1", units,
			"200 200 200 403 200 403 403 200",
			"200 403 403 403 403 403 403 200"},
		"POST /units": {"a unit in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/units", map[string]any{"name": m.unique("单位", r, out), "kind": "shop", "area": pick(out, testkit.ResA1, testkit.ResB1)}
		},
			"201 201 201 403 403 403 403 403",
			"201 403 403 403 403 403 403 403"},
		"GET /units/export": {"units of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			p, _ := units(e, m, r, out)
			return strings.Replace(p, "/units?", "/units/export?format=csv&", 1), nil
		},
			"200 200 200 403 200 403 403 200",
			"200 403 403 403 403 403 403 200"},
		"GET /units/import-template": {"the template (in and out alike)", fixed("/units/import-template", nil),
			"200 200 200 403 403 403 403 403",
			"200 200 200 403 403 403 403 403"},
		"POST /units/import": {"a file with a unit in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			csv := "name,kind,area,has_party_org,platform_covered\n" + m.unique("导入", r, out) + ",shop," + pick(out, testkit.ResA1, testkit.ResB1) + ",否,否\n"
			return "/units/import?filename=units.csv", csv
		},
			"200 200 200 403 403 403 403 403",
			"200 400 400 403 403 403 403 403"},
		"POST /units/import/preview": {"a file with a unit in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			csv := "name,kind,area,has_party_org,platform_covered\n" + m.unique("预览", r, out) + ",shop," + pick(out, testkit.ResA1, testkit.ResB1) + ",否,否\n"
			return "/units/import/preview?filename=units.csv", csv
		},
			"200 200 200 403 403 403 403 403",
			"200 400 400 403 403 403 403 403"},
		"GET /units/{id}": {"a unit in ResA1 vs ResB1", unitByID,
			"200 200 200 404 200 404 404 200",
			"200 404 404 404 404 404 404 200"},
		"PATCH /units/{id}": {"a unit in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			p, _ := unitByID(e, m, r, out)
			return p, map[string]any{"address": m.unique("地址", r, out)}
		},
			"200 200 200 404 403 404 404 403",
			"200 404 404 404 404 404 404 403"},
		"GET /party-orgs": {"party organisations of ResA1 vs ResB1", orgList("/party-orgs"), orgReadIn, orgReadOut},
		"POST /party-orgs": {"a hub party organisation in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/party-orgs", map[string]any{"name": m.unique("党组织", r, out), "kind": "hub_party_org", "area": pick(out, testkit.ResA1, testkit.ResB1)}
		}, orgMakeIn, orgMakeOut},
		"GET /association": {"association bodies of ResA1 vs ResB1", orgList("/association"), orgReadIn, orgReadOut},
		"POST /association": {"a sub-branch on ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/association", map[string]any{"kind": "sub_branch", "name": m.unique("支会", r, out),
				"area": pick(out, testkit.ResA1, testkit.ResB1), "parent_id": pick(out, m.branchIn, m.branchOut)}
		}, orgMakeIn, orgMakeOut},
		"GET /association/{id}/members": {"the sub-branch on ResA1 vs on ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/association/" + strconv.FormatInt(pick(out, m.bodyIn, m.bodyOut), 10) + "/members", nil
		},
			"200 200 200 404 200 200 404 200",
			"200 404 404 404 404 404 404 200"},
		"POST /association/{id}/members": {"a new unit into the sub-branch on ResA1 vs on ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/association/" + strconv.FormatInt(pick(out, m.bodyIn, m.bodyOut), 10) + "/members", map[string]any{"unit_id": m.newUnit(e, r, out)}
		},
			"201 201 403 404 403 403 404 403",
			"201 404 404 404 404 404 404 403"},
		"GET /part-time-members": {"part-time members of ResA1 vs ResB1", orgList("/part-time-members"), orgReadIn, orgReadOut},
		// A committee the caller cannot see is an unknown reference in the body: 400, not 403.
		"POST /part-time-members": {"a member of the ResA1 vs the ResB1 party organisation", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/part-time-members", map[string]any{"name": m.unique("委员", r, out), "party_org_id": pick(out, m.poIn, m.poOut), "phone": "13812345678"}
		}, orgMakeIn, "201 400 403 403 403 403 403 403"},
		"GET /service-points": {"service points of ResA1 vs ResB1", orgList("/service-points"), orgReadIn, orgReadOut},
		"POST /service-points": {"a service point in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/service-points", map[string]any{"name": m.unique("服务点", r, out), "kind": "point", "area": pick(out, testkit.ResA1, testkit.ResB1),
				"opening_hours": "周一至周五 09:00-17:00", "services": []string{"政策咨询"}}
		}, orgMakeIn, orgMakeOut},

		"GET /stats/coverage": {"coverage of ResA1 vs the district", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/stats/coverage?area=" + pick(out, testkit.ResA1, testkit.District), nil
		},
			"200 200 200 403 403 403 403 200",
			"200 403 403 403 403 403 403 200"},
		"GET /tokens": {"the caller's tokens", fixed("/tokens", nil),
			"200 200 200 200 200 200 200 200",
			"200 200 200 200 200 200 200 200"},
		// Nobody mints a token for someone else: user_id is no field of the body.
		"POST /tokens": {"a token for the caller vs for a user in ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/tokens", map[string]any{"label": "for b", "user_id": m.bStaff.ID}
			}
			return "/tokens", map[string]any{"label": "mine"}
		},
			"201 201 201 201 201 201 201 201",
			"400 400 400 400 400 400 400 400"},
		"DELETE /tokens/{id}": {"the caller's token vs a ResB1 user's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			p := pick(out, e.f.Users[r], m.bStaffP)
			_, tok, err := e.f.Auth.CreateToken(context.Background(), p, p.UserID, "to revoke")
			if err != nil {
				e.t.Fatal(err)
			}
			return "/tokens/" + strconv.FormatInt(tok.ID, 10), nil
		},
			"204 204 204 204 204 204 204 204",
			"204 404 404 404 404 404 404 404"},
		"GET /users/{id}/tokens": {"the caller's tokens vs a ResB1 user's", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/users/" + strconv.FormatInt(pick(out, e.f.Users[r].UserID, m.bStaff.ID), 10) + "/tokens", nil
		},
			"200 200 200 200 200 200 200 200",
			"200 403 403 403 403 403 403 403"},
		"GET /users": {"all users vs the ResB1 user by name", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return pick(out, "/users", "/users?q="+url.QueryEscape(m.bStaff.Username)), nil
		},
			"200 200 403 403 403 403 403 200",
			"200 empty 403 403 403 403 403 200"},
		"POST /users": {"a user in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/users", map[string]any{"username": m.unique("u", r, out), "display_name": "新用户", "password": testkit.Password,
				"role": "resident", "area": pick(out, testkit.ResA1, testkit.ResB1)}
		},
			"201 403 403 403 403 403 403 403",
			"201 403 403 403 403 403 403 403"},
		"GET /users/{id}": {"the ResA1 community staff vs the ResB1 one", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/users/" + strconv.FormatInt(pick(out, m.csUserID, m.bStaff.ID), 10), nil
		},
			"200 200 200 404 404 404 404 200",
			"200 404 404 404 404 404 404 200"},
		"POST /users/{id}/grants": {"a grant on GridA1 vs on ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/users/" + strconv.FormatInt(m.bStaff.ID, 10) + "/grants", map[string]any{"role": "member", "area": testkit.ResB1}
			}
			return "/users/" + strconv.FormatInt(m.grantee.ID, 10) + "/grants", map[string]any{"role": "grid_worker", "area": testkit.GridA1}
		},
			"201 403 403 403 403 403 403 403",
			"201 403 403 403 403 403 403 403"},
		"POST /users/{id}/disable": {"a member in ResA1 vs ResB1", userAction("disable", nil),
			"200 403 403 403 403 403 403 403",
			"200 403 403 403 403 403 403 403"},
		"POST /users/{id}/enable": {"a member in ResA1 vs ResB1", userAction("enable", map[string]any{}),
			"200 403 403 403 403 403 403 403",
			"200 403 403 403 403 403 403 403"},
		"POST /users/{id}/password": {"a member in ResA1 vs ResB1", userAction("password", map[string]any{"password": "另一个口令-password"}),
			"204 403 403 403 403 403 403 403",
			"204 403 403 403 403 403 403 403"},
		"PATCH /users/{id}/contact": {"a member in ResA1 vs ResB1", userAction("contact", map[string]any{"phone": "13900003333", "email": "wang@example.com"}),
			"200 403 403 403 403 403 403 403",
			"200 403 403 403 403 403 403 403"},
		"DELETE /grants/{id}": {"a grant on ResA1 vs on ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			u := e.newUser(m.unique("g", r, out), auth.Member, pick(out, testkit.ResA1, testkit.ResB1))
			return "/grants/" + strconv.FormatInt(u.Grants[0].ID, 10), nil
		},
			"204 403 403 403 403 403 403 403",
			"204 403 403 403 403 403 403 403"},
		"GET /audit": {"the whole log vs unit changes", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return pick(out, "/audit", "/audit?entity=unit"), nil
		},
			"200 403 403 403 403 403 403 200",
			"200 403 403 403 403 403 403 200"},
	}
}

// TestMatrix asks every route as every role, on an in-scope and an
// out-of-scope target, and without a token, and compares the status with
// the table above. A route without a row fails the test.
func TestMatrix(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		m := &matrixTargets{
			bStaff:   e.newUser("b_staff", auth.CommunityStaff, testkit.ResB1),
			grantee:  e.newUser("grantee", auth.Resident, testkit.ResA1),
			csUserID: e.f.Users[auth.CommunityStaff].UserID,
			unitIn:   e.f.Units[testkit.UnitInA1],
			unitOut:  e.f.Units[testkit.UnitInB1],
		}
		m.bStaffP = &auth.Principal{UserID: m.bStaff.ID, Username: m.bStaff.Username, Grants: m.bStaff.Grants}
		m.orgTargets(e)
		m.demandTargets(e)
		rows := matrixRows()
		maps.Copy(rows, demandMatrixRows())
		maps.Copy(rows, jobsMatrixRows())
		maps.Copy(rows, listsMatrixRows())
		maps.Copy(rows, bookingMatrixRows())
		maps.Copy(rows, fundMatrixRows())
		maps.Copy(rows, suggestMatrixRows())
		maps.Copy(rows, trackingMatrixRows())
		maps.Copy(rows, hotspotMatrixRows())
		maps.Copy(rows, partyMatrixRows())
		maps.Copy(rows, cadreMatrixRows())
		maps.Copy(rows, delibMatrixRows())
		maps.Copy(rows, surveyMatrixRows())
		maps.Copy(rows, allianceMatrixRows())
		maps.Copy(rows, pointsMatrixRows())
		maps.Copy(rows, pairingMatrixRows())
		maps.Copy(rows, phoneMatrixRows())
		// Routes whose success revokes the caller's own API tokens (a
		// password change): the role gets a new one for the next cell.
		endsTokens := map[string]bool{"POST /me/password": true}
		seen := map[string]bool{}
		for _, rt := range api.Routes() {
			key := rt.Method + " " + rt.Path
			seen[key] = true
			row, ok := rows[key]
			if !ok {
				t.Errorf("route %s has no row in the matrix", key)
				continue
			}
			for _, out := range []bool{false, true} {
				want := strings.Fields(pick(out, row.in, row.out))
				if len(want) != len(auth.Roles) {
					t.Fatalf("%s: %d expectations for %d roles", key, len(want), len(auth.Roles))
				}
				for i, role := range auth.Roles {
					path, body := row.req(e, m, role, out)
					res := e.as(role, rt.Method, path, body)
					if endsTokens[key] && res.status < 300 {
						e.tokens[role] = e.token(e.f.Users[role])
					}
					where := pick(out, "in scope", "out of scope")
					if msg := matrixMismatch(t, res, want[i]); msg != "" {
						t.Errorf("%s as %s on %s target (%s: %s %s): %s\n%.400s", key, role, where, row.target, rt.Method, path, msg, res.body)
					}
				}
			}
			if !rt.Public {
				path, body := row.req(e, m, auth.DistrictAdmin, false)
				res := e.do("", rt.Method, path, body)
				if res.status != 401 || !strings.HasPrefix(res.header.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("%s without a token: status %d, WWW-Authenticate %q; want 401 with a Bearer challenge",
						key, res.status, res.header.Get("WWW-Authenticate"))
				}
			}
		}
		for key := range rows {
			if !seen[key] {
				t.Errorf("matrix row %s names no route of the route table", key)
			}
		}
	})
}

// matrixMismatch says how res differs from one expectation, or "".
func matrixMismatch(t *testing.T, res resp, want string) string {
	if want == "empty" {
		if res.status != 200 {
			return fmt.Sprintf("got %d, want 200 with no items", res.status)
		}
		if l := decodeJSON[listBody[any]](t, res); l.Total != 0 || len(l.Items) != 0 {
			return fmt.Sprintf("got %d items (total %d), want none", len(l.Items), l.Total)
		}
		return ""
	}
	if strconv.Itoa(res.status) != want {
		return fmt.Sprintf("got %d, want %s", res.status, want)
	}
	return ""
}

// TestMatrixScopedUserAdmin asks every route that acts on another user's
// account as a district admin granted on StreetA only. Aimed at a user of
// StreetA alone it succeeds; aimed at the district's own admin or at a
// user also granted in StreetB — each holding a grant inside StreetA — it
// is refused (403 or 404) and changes nothing: no grant, token, password,
// status, contact or audit row. This is the takeover an outside test found
// (a grant, then a token, for the district's admin).
func TestMatrixScopedUserAdmin(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx, sys := context.Background(), auth.SystemPrincipal()
		sa := e.newUser("street_admin", auth.DistrictAdmin, testkit.StreetA)
		saToken := e.token(&auth.Principal{UserID: sa.ID, Username: sa.Username})
		grant := func(id int64, area string) int64 {
			g, err := e.f.Auth.AddGrant(ctx, sys, id, "member", area, 0)
			if err != nil {
				t.Fatal(err)
			}
			return g.ID
		}
		token := func(id int64) int64 {
			_, tk, err := e.f.Auth.CreateToken(ctx, sys, id, "t")
			if err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		type target struct {
			name         string
			id           int64
			grant, token int64 // a grant of the target inside StreetA, a live token
		}
		big := e.f.Users[auth.DistrictAdmin].UserID
		both := e.newUser("both_streets", auth.Member, testkit.ResB1).ID
		inside := e.newUser("inside", auth.Member, testkit.ResA1).ID
		refused := []target{
			{"the district admin", big, grant(big, testkit.ResA1), token(big)},
			{"a user of both streets", both, grant(both, testkit.ResA1), token(both)},
		}
		control := target{"a user of StreetA", inside, grant(inside, testkit.ResA2), token(inside)}
		type call struct {
			method string
			path   func(target) string
			body   any
			want   string // the status for the control target
		}
		user := func(suffix string) func(target) string {
			return func(tg target) string { return "/users/" + strconv.FormatInt(tg.id, 10) + suffix }
		}
		calls := []call{
			{"POST", user("/grants"), map[string]any{"role": "district_admin", "area": testkit.StreetA}, "201"},
			{"GET", user("/tokens"), nil, "200"},
			{"DELETE", func(tg target) string { return "/tokens/" + strconv.FormatInt(tg.token, 10) }, nil, "204"},
			{"PATCH", user("/contact"), map[string]any{"phone": "13900003333"}, "200"},
			{"DELETE", func(tg target) string { return "/grants/" + strconv.FormatInt(tg.grant, 10) }, nil, "204"},
			{"POST", user("/password"), map[string]any{"password": "另一个口令-password"}, "204"},
			{"POST", user("/disable"), nil, "200"},
			{"POST", user("/enable"), nil, "200"},
		}
		before := accountState(t, d)
		for _, tg := range refused {
			for _, c := range calls {
				res := e.do(saToken, c.method, c.path(tg), c.body)
				if res.status != 403 && res.status != 404 {
					t.Errorf("%s %s on %s: %d, want 403 or 404\n%.300s", c.method, c.path(tg), tg.name, res.status, res.body)
				}
			}
			if res := e.do(saToken, "POST", "/tokens", map[string]any{"label": "x", "user_id": tg.id}); res.status != 400 {
				t.Errorf("a token for %s: %d, want 400", tg.name, res.status)
			}
		}
		if after := accountState(t, d); after != before {
			t.Fatalf("refused requests changed accounts:\nbefore %s\nafter  %s", before, after)
		}
		for _, c := range calls {
			if res := e.do(saToken, c.method, c.path(control), c.body); strconv.Itoa(res.status) != c.want {
				t.Errorf("%s %s on %s: %d, want %s\n%.300s", c.method, c.path(control), control.name, res.status, c.want, res.body)
			}
		}
	})
}

// accountState sums up every account: grants, tokens, passwords, status,
// contact, sessions and the audit log.
func accountState(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT count(*) FROM grants", "SELECT count(*) FROM api_tokens", "SELECT count(*) FROM api_tokens WHERE revoked_at IS NULL",
		"SELECT count(*) FROM audit_log", "SELECT count(*) FROM sessions", "SELECT count(*) FROM users WHERE disabled",
	} {
		var n int
		if err := d.QueryRow(context.Background(), q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%d ", n)
	}
	rows, err := d.Query(context.Background(), "SELECT password_hash, phone, email FROM users ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var hash, phone, email string
		if err := rows.Scan(&hash, &phone, &email); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%.12s/%s/%s ", hash[len(hash)-12:], phone, email)
	}
	return b.String()
}
