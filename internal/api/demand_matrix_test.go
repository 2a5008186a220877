package api_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
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
	// The unit liaison's demand rights reach only the demands dispatched to
	// its unit (testkit.LiaisonUnit), and neither target is: it finds
	// nothing and reads no figures (TestMatrixUnitLiaison has its unit's).
	const (
		everyone    = "200 200 200 200 200 200 200 200"
		adminOnly   = "200 403 403 403 403 403 403 403"
		demandIn    = "200 200 200 404 404 404 404 200" // a ResA1 demand: the grid worker's scope is only its grid
		demandOut   = "200 404 404 404 404 404 404 200"
		readAreaIn  = "200 200 200 403 403 403 403 200" // demand.read asked of ResA1
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
		"GET /demand-targets": {"the targets", fixed("/demand-targets", nil), everyone, everyone},
		"PUT /demand-targets": {"90% vs 80% response", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demand-targets", map[string]any{"response": pick(out, 0.9, 0.8), "resolution": 0.9, "satisfaction": 0.9}
		}, adminOnly, adminOnly},
		"GET /calendar": {"the calendar", fixed("/calendar", nil), everyone, everyone},
		"PUT /calendar": {"2027 vs 2028", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/calendar", map[string]any{"days": []map[string]string{{"date": pick(out, "2027-01-01", "2028-01-01"), "kind": "holiday", "name": "元旦"}}}
		}, adminOnly, adminOnly},
		"POST /calendar/import": {"a CSV of 2029 vs 2030", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/calendar/import", "日期,类型,名称\n" + pick(out, "2029", "2030") + "-01-01,节假日,元旦\n"
		}, adminOnly, adminOnly},

		"GET /demands": {"demands of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands?area=" + area(out), nil
		}, "200 200 200 403 empty 403 403 200", "200 403 403 403 empty 403 403 200"},
		"POST /demands": {"a demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands", map[string]any{"category": "noise", "description": m.unique("装修噪音", r, out), "channel": "hotline",
				"area": area(out), "reporter": map[string]string{"name": reporterName, "phone": reporterPhone}}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		"POST /demands/similar": {"a text about ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/demands/similar", map[string]any{"category": "noise", "area": area(out), "description": "楼下夜间施工噪音"}
		}, readAreaIn, readAreaOut},
		"GET /demands/{id}":         {"a demand in ResA1 vs ResB1", demandPath(""), demandIn, demandOut},
		"GET /demands/{id}/similar": {"a demand in ResA1 vs ResB1", demandPath("/similar"), demandIn, demandOut},
		// Dispatching belongs to the owner's staff: those who only read see
		// the demand (403), the rest do not (404).
		"POST /demands/{id}/actions": {"dispatching a new demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(area(out), "noise", m.unique("噪音", r, out))
			return "/demands/" + id(f.Demand.ID) + "/actions", map[string]any{"action": "dispatch", "lead": area(out)}
		}, "200 200 200 404 404 404 404 403", "200 404 404 404 404 404 404 403"},
		// Adding photos belongs to those who work on the demand or could have
		// taken it in; readers (auditors) only look.
		"POST /demands/{id}/attachments": {"a photo for a new demand in ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			f := e.fileDirect(area(out), "noise", m.unique("噪音", r, out))
			return "/demands/" + id(f.Demand.ID) + "/attachments", upload(photo("现场.jpg", testkit.JPEG(4<<10)))
		}, "201 201 201 404 404 404 404 403", "201 404 404 404 404 404 404 403"},
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
		"POST /webhooks": {"an https vs a plain http endpoint", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/webhooks", map[string]any{"url": pick(out, "https://hooks.example.org/a", "http://hooks.example.org:8080/hook"), "events": []string{"demand.*"}}
		}, "201 403 403 403 403 403 403 403", "201 403 403 403 403 403 403 403"},

		"GET /visit-campaigns": {"campaigns over ResA1 vs ResB1, by quarter", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/visit-campaigns?quarter=" + pick(out, "2027Q1", "2027Q2"), nil
		}, "200 200 200 200 empty 403 403 200", "200 empty empty empty empty 403 403 200"},
		"POST /visit-campaigns": {"a campaign over ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			m.serial++
			return "/visit-campaigns", map[string]any{"quarter": fmt.Sprintf("%dQ1", 2030+m.serial), "area": area(out)}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},
		// A grid worker sees the campaign over its residential area, and the
		// teams there, but the coverage list only of its own grid (no rows).
		"GET /visit-campaigns/{id}/teams":    {"the ResA1 vs ResB1 campaign", campaign("/teams", nil), "200 200 200 empty 404 404 404 200", demandOut},
		"GET /visit-campaigns/{id}/coverage": {"the ResA1 vs ResB1 campaign", campaign("/coverage", nil), "200 200 200 empty 404 404 404 200", demandOut},
		"POST /visit-campaigns/{id}/teams": {"a team for ResA1 vs ResB1", campaign("/teams", func(out bool) any {
			return map[string]any{"name": "走访组", "org": "区司法局党组", "area": area(out),
				"members": []map[string]string{{"name": "张律师", "role": "lawyer"}}}
		}), "201 201 201 403 404 404 404 403", "201 404 404 404 404 404 404 403"},
		"POST /visits": {"a visit by the ResA1 vs the ResB1 team", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/visits", map[string]any{"team": pick(out, m.dm.teamIn, m.dm.teamOut), "visited_on": "2026-11-29", "met": "居民代表三人",
				"raised": "加装电梯", "demands": []map[string]any{{"category": "noise", "description": m.unique("走访反映噪音", r, out)}}}
		}, "201 201 201 403 403 403 403 403", "201 403 403 403 403 403 403 403"},

		// Public: the link's token decides, not the caller's roles or scope.
		"POST /track/lookup": {"the ResA1 demand with its phone's digits vs a number nobody was given", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			m.serial++ // distinct numbers: five wrong tries on one number are refused (TestTrackLookupAPI)
			number := pick(out, m.dm.in.Demand.ID, int64(900_000+m.serial))
			return "/track/lookup", map[string]any{"number": number, "phone_last4": reporterPhone[len(reporterPhone)-4:]}
		}, everyone, "404 404 404 404 404 404 404 404"},
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

// TestMatrixUnitLiaison holds the unit liaison to the demands dispatched to
// its unit (testkit.LiaisonUnit leads them). Five demands carry the same
// words and reporter: in ResA1, one not yet dispatched, one dispatched to
// the residential area itself and one to another unit of ResA1; and two
// dispatched to the liaison's unit, one of them in ResB1 (the unit handles
// whatever is sent to it). The liaison reads those two with the reporter's
// phone, finds them in its list, search and queue, hears of them in its
// inbox and handles them; the other three it cannot open, act on, find or
// hear of, and it reads no area figures.
func TestMatrixUnitLiaison(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		ctx, admin := context.Background(), e.f.Users[auth.DistrictAdmin]
		unit, other := e.f.Units[testkit.LiaisonUnit], e.f.Units[testkit.TwoNewInA1]
		file := func(area, text, lead string, leadUnit *int64) int64 {
			f := e.fileDirect(area, "noise", text)
			if lead != "" {
				in := demand.ActionInput{Action: demand.ActDispatch, Lead: lead, LeadUnit: leadUnit}
				if _, err := e.demand.Act(ctx, admin, f.Demand.ID, in); err != nil {
					t.Fatalf("dispatch %q: %v", text, err)
				}
			}
			return f.Demand.ID
		}
		hidden := map[string]int64{
			"received in ResA1":                   file(testkit.ResA1, "东湖路夜间施工噪音扰民一", "", nil),
			"dispatched to ResA1":                 file(testkit.ResA1, "东湖路夜间施工噪音扰民二", testkit.ResA1, nil),
			"dispatched to another unit of ResA1": file(testkit.ResA1, "东湖路夜间施工噪音扰民三", testkit.ResA1, &other),
		}
		mine := map[string]int64{
			"dispatched to its unit":           file(testkit.ResA1, "东湖路夜间施工噪音扰民四", testkit.StreetA, &unit),
			"in ResB1, dispatched to its unit": file(testkit.ResB1, "天平路夜间施工噪音扰民五", testkit.ResB1, &unit),
		}
		mineIDs := slices.Sorted(maps.Values(mine))
		const liaison = auth.UnitLiaison
		path := func(id int64, suffix string) string { return "/demands/" + strconv.FormatInt(id, 10) + suffix }
		due := e.clock.Now().AddDate(0, 0, 20).Format(time.RFC3339)
		yes := true
		actions := map[demand.Action]map[string]any{
			demand.ActDispatch: {"lead": testkit.ResA1}, demand.ActSign: {}, demand.ActReturn: {"reason": "不归我们管"},
			demand.ActContact: {"note": "已电话联系"}, demand.ActExtend: {"reason": "需协调", "new_due": due},
			demand.ActApproveExtension: {"approve": yes}, demand.ActResolve: {"outcome": "solved", "resolution": "已处理"},
			demand.ActCallback: {"satisfaction": "satisfied", "solved": yes}, demand.ActReopen: {"reason": "未处理"},
			demand.ActClose: {"note": "关闭"}, demand.ActMarkUnreasonable: {"reason": "诉求不合理"},
			demand.ActApproveUnreasonable: {"approve": yes}, demand.ActNote: {"note": "备注"}, demand.ActMerge: {"target": mineIDs[0]},
			demand.ActUrge: {"note": "请尽快"}, demand.ActRecall: {"lead": testkit.ResA2, "reason": "派错"},
		}
		for name, id := range hidden {
			t.Run(name, func(t *testing.T) {
				file := e.attach(id)
				before := decodeJSON[demandBody](t, e.as(auth.DistrictAdmin, "GET", path(id, ""), nil)).Status
				for _, p := range []string{"", "/similar", "/attachments/" + strconv.FormatInt(file, 10)} {
					wantError(t, e.as(liaison, "GET", path(id, p), nil), 404, "ENOTFOUND", "")
				}
				wantError(t, e.as(liaison, "POST", path(id, "/attachments"), upload(photo("现场.jpg", testkit.JPEG(4<<10)))), 404, "ENOTFOUND", "")
				for _, a := range demand.Actions {
					body := maps.Clone(actions[a])
					body["action"] = string(a)
					if res := e.act(liaison, id, body); res.status != 404 {
						t.Errorf("%s: got %d, want 404: %s", a, res.status, res.body)
					}
				}
				if after := decodeJSON[demandBody](t, e.as(auth.DistrictAdmin, "GET", path(id, ""), nil)).Status; after != before {
					t.Errorf("refused actions moved the demand from %s to %s", before, after)
				}
			})
		}
		t.Run("lists, search and queue", func(t *testing.T) {
			if res := e.as(liaison, "GET", "/demands?queue=later", nil); res.status != 400 || !strings.Contains(res.String(), "queue must be todo or others") {
				t.Errorf("queue=later: %d %s", res.status, res.body)
			}
			for _, q := range []string{"", "?q=" + url.QueryEscape("施工噪音"), "?q=" + url.QueryEscape("施工噪音") + "&status=dispatched",
				"?mine=true", "?queue=todo", "?status=dispatched", "?sort=due", "?area=" + testkit.ResA1, "?area=" + testkit.ResB1} {
				res := e.as(liaison, "GET", "/demands"+q, nil)
				l := decodeJSON[listBody[demandBody]](t, res)
				var got []int64
				for _, it := range l.Items {
					got = append(got, it.ID)
				}
				slices.Sort(got)
				want := mineIDs
				switch q {
				case "?area=" + testkit.ResA1:
					want = []int64{mine["dispatched to its unit"]}
				case "?area=" + testkit.ResB1:
					want = []int64{mine["in ResB1, dispatched to its unit"]}
				}
				if !slices.Equal(got, want) || l.Total != len(want) {
					t.Errorf("GET /demands%s: ids %v (total %d), want %v", q, got, l.Total, want)
				}
				if strings.Contains(res.String(), reporterPhone) {
					t.Errorf("GET /demands%s shows a reporter's phone", q)
				}
			}
		})
		t.Run("inbox", func(t *testing.T) {
			in := decodeJSON[inboxBody](t, e.as(liaison, "GET", "/inbox?per_page=100", nil))
			told := map[int64]bool{}
			for _, it := range in.Items {
				id, _ := strconv.ParseInt(it.EntityID, 10, 64)
				if !slices.Contains(mineIDs, id) {
					t.Errorf("notice about demand %s, not dispatched to the unit: %s", it.EntityID, it.Title)
				}
				told[id] = true
			}
			for name, id := range mine {
				if !told[id] {
					t.Errorf("no notice of the demand %s", name)
				}
			}
		})
		t.Run("figures", func(t *testing.T) {
			wantError(t, e.as(liaison, "GET", "/stats/demands?area="+testkit.ResA1, nil), 403, "EFORBIDDEN", "")
			wantError(t, e.as(liaison, "POST", "/demands/similar", map[string]any{"category": "noise", "area": testkit.ResA1, "description": "夜间施工噪音"}),
				403, "EFORBIDDEN", "")
		})
		for name, id := range mine {
			t.Run(name, func(t *testing.T) {
				got := decodeJSON[demandBody](t, e.as(liaison, "GET", path(id, ""), nil))
				if len(got.Reporters) != 1 || got.Reporters[0].Name != reporterName || got.Reporters[0].Phone != reporterPhone {
					t.Errorf("reporters %+v, want %s %s in full", got.Reporters, reporterName, reporterPhone)
				}
				wantError(t, e.act(liaison, id, map[string]any{"action": "close", "note": "关闭"}), 403, "EFORBIDDEN", "")
				for _, body := range []map[string]any{{"action": "sign"}, {"action": "contact", "note": "已电话联系"},
					{"action": "resolve", "outcome": "solved", "resolution": "已协调施工方停工"}} {
					if res := e.act(liaison, id, body); res.status != 200 {
						t.Fatalf("%s: %d %s", body["action"], res.status, res.body)
					}
				}
				if st := decodeJSON[demandBody](t, e.as(liaison, "GET", path(id, ""), nil)).Status; st != "resolved" {
					t.Errorf("status %s, want resolved", st)
				}
			})
		}
		t.Run("a grant naming no unit reaches no demand", func(t *testing.T) {
			u := e.newUser("old_liaison", auth.Member, testkit.ResA1)
			if _, err := d.Exec(ctx, "UPDATE grants SET role = ? WHERE user_id = ?", string(auth.UnitLiaison), u.ID); err != nil {
				t.Fatal(err)
			}
			old := e.token(&auth.Principal{UserID: u.ID, Username: u.Username})
			wantError(t, e.do(old, "GET", "/demands", nil), 403, "EFORBIDDEN", "")
			wantError(t, e.do(old, "GET", path(mineIDs[0], ""), nil), 404, "ENOTFOUND", "")
		})
	})
}

// TestLiaisonGrantNamesUnit: a unit liaison's grant names a unit inside the
// grant's area, or none (then it reaches no demand); no other role's grant
// names one.
func TestLiaisonGrantNamesUnit(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in, out := e.f.Units[testkit.UnitInA1], e.f.Units[testkit.UnitInB1]
		user := func(name, role string, unit int64) map[string]any {
			b := map[string]any{"username": name, "password": testkit.Password, "role": role, "area": testkit.ResA1}
			if unit != 0 {
				b["unit_id"] = unit
			}
			return b
		}
		bare := e.as(auth.DistrictAdmin, "POST", "/users", user("l1", "unit_liaison", 0))
		if b := decodeJSON[struct {
			Grants []struct {
				UnitID *int64 `json:"unit_id"`
			} `json:"grants"`
		}](t, bare); bare.status != 201 || len(b.Grants) != 1 || b.Grants[0].UnitID != nil {
			t.Fatalf("create liaison without unit: %d %s", bare.status, bare.body)
		}
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/users", user("l2", "unit_liaison", out)), 400, "EINVALID", "unit_id")
		wantError(t, e.as(auth.DistrictAdmin, "POST", "/users", user("l3", "member", in)), 400, "EINVALID", "unit_id")
		res := e.as(auth.DistrictAdmin, "POST", "/users", user("l4", "unit_liaison", in))
		u := decodeJSON[struct {
			ID     int64
			Grants []struct {
				Role   string `json:"role"`
				UnitID *int64 `json:"unit_id"`
			} `json:"grants"`
		}](t, res)
		if res.status != 201 || len(u.Grants) != 1 || u.Grants[0].UnitID == nil || *u.Grants[0].UnitID != in {
			t.Fatalf("create liaison: %d %s", res.status, res.body)
		}
		grants := "/users/" + strconv.FormatInt(u.ID, 10) + "/grants"
		wantError(t, e.as(auth.DistrictAdmin, "POST", grants, map[string]any{"role": "unit_liaison", "area": testkit.ResB1, "unit_id": 999999}), 400, "EINVALID", "unit_id")
		if res := e.as(auth.DistrictAdmin, "POST", grants, map[string]any{"role": "unit_liaison", "area": testkit.ResB1, "unit_id": out}); res.status != 201 {
			t.Fatalf("add liaison grant: %d %s", res.status, res.body)
		}
	})
}
