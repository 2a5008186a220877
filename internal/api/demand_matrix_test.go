package api_test

import (
	"context"
	"fmt"
	"strconv"

	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// demandTargets are the records the demand rows of the matrix aim at.
type demandTargets struct {
	in, out         demand.Filed // received demands in ResA1 and ResB1
	fileIn, fileOut int64        // a photo of each
	campIn, campOut int64        // 2026Q4 campaigns over ResA1 and ResB1
	teamIn, teamOut int64        // their teams
}

// demandTargets seeds categories, routing rules, demands and campaigns.
func (m *matrixTargets) demandTargets(e *env) {
	e.t.Helper()
	e.seedCategories()
	e.saveCategory(demand.Category{Code: "route_in", Name: "路由甲", ContactLimit: "2h", ResolveLimit: "5wd", Active: true})
	e.saveCategory(demand.Category{Code: "route_out", Name: "路由乙", ContactLimit: "2h", ResolveLimit: "5wd", Active: true})
	ctx, sys := context.Background(), auth.SystemPrincipal()
	for _, r := range []demand.Route{{Category: "route_in", Area: testkit.ResA1, BodyArea: testkit.ResA1},
		{Category: "route_out", Area: testkit.ResB1, BodyArea: testkit.ResB1}} {
		if _, err := e.demand.SaveRoute(ctx, sys, r); err != nil {
			e.t.Fatal(err)
		}
	}
	m.dm.in = e.fileDirect(testkit.ResA1, "noise", "东湖路小区楼下夜间施工噪音")
	m.dm.out = e.fileDirect(testkit.ResB1, "noise", "天平路广场舞音响太响")
	m.dm.fileIn, m.dm.fileOut = e.attach(m.dm.in.Demand.ID), e.attach(m.dm.out.Demand.ID)
	m.dm.campIn, m.dm.campOut = e.newCampaign("2026Q4", testkit.ResA1), e.newCampaign("2026Q4", testkit.ResB1)
	m.dm.teamIn, m.dm.teamOut = e.newTeam(m.dm.campIn, testkit.ResA1), e.newTeam(m.dm.campOut, testkit.ResB1)
	e.newCampaign("2027Q1", testkit.ResA1) // what GET /visit-campaigns?quarter= finds in and out of scope
	e.newCampaign("2027Q2", testkit.ResB1)
}

// demandMatrixRows are the matrix rows of the demand loop, inbox, webhooks
// and visits. Targets: a demand in ResA1 vs one in ResB1; stats of ResA1 vs
// the district; settings and webhooks are district-wide, so "out" there is
// a replaced record or one that does not exist.
func demandMatrixRows() map[string]matrixRow {
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	area := func(out bool) string { return pick(out, testkit.ResA1, testkit.ResB1) }
	demandPath := func(suffix string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands/" + id(pick(out, m.dm.in, m.dm.out).Demand.ID) + suffix, nil
		}
	}
	stats := func(path string) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return path + "?area=" + pick(out, testkit.ResA1, testkit.District), nil
		}
	}
	// hook aims at a webhook made for the cell, or at one that does not exist.
	hook := func(suffix string, body any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/webhooks/999999" + suffix, body
			}
			return "/webhooks/" + id(e.newWebhook("https://hooks.example.org/"+m.unique("h", r, out))) + suffix, body
		}
	}
	campaign := func(suffix string, body func(out bool) any) request {
		return func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			var b any
			if body != nil {
				b = body(out)
			}
			return "/visit-campaigns/" + id(pick(out, m.dm.campIn, m.dm.campOut)) + suffix, b
		}
	}
	const (
		everyone    = "200 200 200 200 200 200 200 200"
		adminOnly   = "200 403 403 403 403 403 403 403"
		demandIn    = "200 200 200 404 200 404 404 200" // a ResA1 demand: the grid worker's scope is only its grid
		demandOut   = "200 404 404 404 404 404 404 200"
		readAreaIn  = "200 200 200 403 200 403 403 200" // demand.read asked of ResA1
		readAreaOut = "200 403 403 403 403 403 403 200"
		hookIn      = "200 403 403 403 403 403 403 403"
		hookOut     = "404 403 403 403 403 403 403 403"
	)
	return map[string]matrixRow{
		"GET /demand-categories": {"all categories", fixed("/demand-categories", nil), everyone, everyone},
		"POST /demand-categories": {"a new category vs replacing noise", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			code := pick(out, m.unique("c", r, out), "noise")
			return "/demand-categories", map[string]any{"code": code, "name": "噪音扰民", "contact_limit": "2h", "resolve_limit": "5wd"}
		}, "201 403 403 403 403 403 403 403", adminOnly},
		"GET /demand-routes": {"rules of a category routed in ResA1 vs in ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demand-routes?category=" + pick(out, "route_in", "route_out"), nil
		}, "200 200 200 empty 200 403 403 200", "200 empty empty empty empty 403 403 200"},
		"POST /demand-routes": {"a rule for a new category in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			code := m.unique("r", r, out)
			e.saveCategory(demand.Category{Code: code, Name: code, ContactLimit: "2h", ResolveLimit: "5wd", Active: true})
			return "/demand-routes", map[string]any{"category": code, "area": area(out), "body_area": area(out)}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"GET /calendar": {"the calendar", fixed("/calendar", nil), everyone, everyone},
		"PUT /calendar": {"2027 vs 2028", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/calendar", map[string]any{"days": []map[string]string{{"date": pick(out, "2027-01-01", "2028-01-01"), "kind": "holiday", "name": "元旦"}}}
		}, adminOnly, adminOnly},
		"POST /calendar/import": {"a CSV of 2029 vs 2030", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/calendar/import", "日期,类型,名称\n" + pick(out, "2029", "2030") + "-01-01,节假日,元旦\n"
		}, adminOnly, adminOnly},

		"GET /demands": {"demands of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands?area=" + area(out), nil
		}, readAreaIn, readAreaOut},
		"POST /demands": {"a demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands", map[string]any{"category": "noise", "description": m.unique("装修噪音", r, out), "channel": "hotline",
				"area": area(out), "reporter": map[string]string{"name": reporterName, "phone": reporterPhone}}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"POST /demands/similar": {"a text about ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands/similar", map[string]any{"category": "noise", "area": area(out), "description": "楼下夜间施工噪音"}
		}, readAreaIn, readAreaOut},
		"GET /demands/{id}":         {"a demand in ResA1 vs ResB1", demandPath(""), demandIn, demandOut},
		"GET /demands/{id}/similar": {"a demand in ResA1 vs ResB1", demandPath("/similar"), demandIn, demandOut},
		// Dispatching belongs to the owner's staff: those who only read or
		// handle see the demand (403), the rest do not (404).
		"POST /demands/{id}/actions": {"dispatching a new demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(area(out), "noise", m.unique("噪音", r, out))
			return "/demands/" + id(f.Demand.ID) + "/actions", map[string]any{"action": "dispatch", "lead": area(out)}
		}, "200 200 200 404 403 404 404 403", "200 404 404 404 404 404 404 403"},
		// Adding photos belongs to those who work on the demand or could have
		// taken it in; readers (the liaison before dispatch, auditors) only look.
		"POST /demands/{id}/attachments": {"a photo for a new demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(area(out), "noise", m.unique("噪音", r, out))
			return "/demands/" + id(f.Demand.ID) + "/attachments", upload(photo("现场.jpg", testkit.JPEG(4<<10)))
		}, "201 201 201 404 403 404 404 403", "201 404 404 404 404 404 404 403"},
		"GET /demands/{id}/attachments/{aid}": {"a photo of the ResA1 vs the ResB1 demand", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			d := pick(out, m.dm.in, m.dm.out).Demand.ID
			return "/demands/" + id(d) + "/attachments/" + id(pick(out, m.dm.fileIn, m.dm.fileOut)), nil
		}, demandIn, demandOut},

		"GET /stats/demands":             {"figures of ResA1 vs the district", stats("/stats/demands"), readAreaIn, readAreaOut},
		"GET /stats/demands/breakdown":   {"figures of ResA1 vs the district", stats("/stats/demands/breakdown"), readAreaIn, readAreaOut},
		"GET /stats/demands/export.xlsx": {"figures of ResA1 vs the district", stats("/stats/demands/export.xlsx"), readAreaIn, readAreaOut},
		"GET /stats/demands/map":         {"the grid map of ResA1 vs the district", stats("/stats/demands/map"), readAreaIn, readAreaOut},
		"GET /inbox":                     {"the caller's inbox", fixed("/inbox", nil), everyone, everyone},
		"POST /inbox/read":               {"the caller's inbox", fixed("/inbox/read", map[string]any{"all": true}), everyone, everyone},
		"GET /webhooks":                  {"all webhooks", fixed("/webhooks", nil), adminOnly, adminOnly},
		"PATCH /webhooks/{id}":           {"a webhook vs none", hook("", map[string]any{"active": false}), hookIn, hookOut},
		"DELETE /webhooks/{id}":          {"a webhook vs none", hook("", nil), "204 403 403 403 403 403 403 403", hookOut},
		"POST /webhooks/{id}/rotate":     {"a webhook vs none", hook("/rotate", nil), hookIn, hookOut},
		"GET /webhooks/{id}/deliveries":  {"a webhook vs none", hook("/deliveries", nil), hookIn, hookOut},
		"POST /webhook-deliveries/{id}/redeliver": {"a failed delivery vs none", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			if out {
				return "/webhook-deliveries/999999/redeliver", nil
			}
			return "/webhook-deliveries/" + id(e.failedDelivery(e.newWebhook("https://hooks.example.org/"+m.unique("d", r, out)))) + "/redeliver", nil
		}, "202 403 403 403 403 403 403 403", hookOut},
		"POST /webhooks": {"an https vs an internal http endpoint", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/webhooks", map[string]any{"url": pick(out, "https://hooks.example.org/a", "http://10.1.2.3:8080/hook"), "events": []string{"demand.*"}}
		}, "201 403 403 403 403 403 403 403", "201 403 403 403 403 403 403 403"},

		"GET /visit-campaigns": {"campaigns over ResA1 vs ResB1, by quarter", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/visit-campaigns?quarter=" + pick(out, "2027Q1", "2027Q2"), nil
		}, "200 200 200 200 200 403 403 200", "200 empty empty empty empty 403 403 200"},
		"POST /visit-campaigns": {"a campaign over ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			m.serial++
			return "/visit-campaigns", map[string]any{"quarter": fmt.Sprintf("%dQ1", 2030+m.serial), "area": area(out)}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		// A grid worker sees the campaign over its residential area, and the
		// teams there, but the coverage list only of its own grid (no rows).
		"GET /visit-campaigns/{id}/teams":    {"the ResA1 vs ResB1 campaign", campaign("/teams", nil), "200 200 200 empty 200 404 404 200", demandOut},
		"GET /visit-campaigns/{id}/coverage": {"the ResA1 vs ResB1 campaign", campaign("/coverage", nil), "200 200 200 empty 200 404 404 200", demandOut},
		"POST /visit-campaigns/{id}/teams": {"a team for ResA1 vs ResB1", campaign("/teams", func(out bool) any {
			return map[string]any{"name": "走访组", "org": "区司法局党组", "area": area(out),
				"members": []map[string]string{{"name": "张律师", "role": "lawyer"}}}
		}), "201 201 201 403 403 404 404 403", "201 404 404 404 404 404 404 403"},
		"POST /visits": {"a visit by the ResA1 vs the ResB1 team", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/visits", map[string]any{"team": pick(out, m.dm.teamIn, m.dm.teamOut), "visited_on": "2026-11-29", "met": "居民代表三人",
				"raised": "加装电梯", "demands": []map[string]any{{"category": "noise", "description": m.unique("走访反映噪音", r, out)}}}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},

		// Public: the link's token decides, not the caller's roles or scope.
		"GET /track/{token}": {"the link of a ResA1 vs a ResB1 demand", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/track/" + pick(out, m.dm.in, m.dm.out).Token, nil
		}, everyone, everyone},
		"GET /track/{token}/attachments/{aid}": {"a photo filed with the ResA1 vs the ResB1 demand, through its link", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileWithPhoto(area(out), m.unique("乱堆物", r, out))
			return "/track/" + f.Token + "/attachments/" + id(f.Demand.Attachments[0].ID), nil
		}, everyone, everyone},
		"POST /track/{token}/rate": {"rating a resolved ResA1 vs ResB1 demand", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.resolvedDemand(area(out), m.unique("垃圾未清运", r, out))
			return "/track/" + f.Token + "/rate", map[string]any{"satisfaction": "satisfied", "solved": true}
		}, everyone, everyone},
	}
}
