package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/phone"
	"gongzhi/internal/testkit"
)

// rollOf is the phone roll on the env's database (no SMS).
func (e *env) rollOf() *phone.Service { return phone.NewService(e.db, e.clock, nil) }

// onRoll puts number on area's roll as the system (once).
func (e *env) onRoll(area, number string) {
	e.t.Helper()
	_, err := e.rollOf().Add(context.Background(), auth.SystemPrincipal(), phone.EntryInput{Area: area, Phone: number})
	if err != nil && errs.Code(err) != errs.ECONFLICT {
		e.t.Fatal(err)
	}
}

// phoneOf is a number no other cell uses.
func (m *matrixTargets) phoneOf(r auth.Role, out bool) string {
	m.unique("p", r, out)
	return fmt.Sprintf("137%08d", m.serial)
}

// phoneMatrixRows are the rows of the phone routes. Targets: the roll of
// ResA1 vs of ResB1. The resident routes answer to X-Phone-Session alone:
// no role's bearer token opens them (401), and without an SMS gateway no
// code is sent (422).
func phoneMatrixRows() map[string]matrixRow {
	const (
		writeIn  = "%d %d %d 403 403 403 403 403"
		writeOut = "%d 403 403 403 403 403 403 403"
		none     = "%d %d %d %d %d %d %d %d"
	)
	w := func(f string, n int) string { return strings.ReplaceAll(f, "%d", strconv.Itoa(n)) }
	return map[string]matrixRow{
		"GET /resident-phones": {"the roll of ResA1 vs ResB1", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			e.onRoll(testkit.ResA1, "13800000001")
			e.onRoll(testkit.ResB1, "13800000002")
			return "/resident-phones?area=" + pick(out, testkit.ResA1, testkit.ResB1), nil
		},
			"200 200 200 empty 403 403 403 200",
			"200 empty empty empty 403 403 403 200"},
		"POST /resident-phones": {"a number on ResA1's vs ResB1's roll", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/resident-phones", map[string]any{"area": pick(out, testkit.ResA1, testkit.ResB1), "phone": m.phoneOf(r, out), "household": "1号101"}
		}, w(writeIn, 201), w(writeOut, 201)},
		"POST /resident-phones/remove": {"a number off ResA1's vs ResB1's roll", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			area, number := pick(out, testkit.ResA1, testkit.ResB1), m.phoneOf(r, out)
			e.onRoll(area, number)
			return "/resident-phones/remove", map[string]any{"area": area, "phone": number}
		}, w(writeIn, 204), w(writeOut, 204)},
		"POST /resident-phones/import": {"a file into ResA1's vs ResB1's roll", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/resident-phones/import?filename=phones.csv&area=" + pick(out, testkit.ResA1, testkit.ResB1), "手机,门牌\n" + m.phoneOf(r, out) + ",2号\n"
		}, w(writeIn, 200), w(writeOut, 200)},
		"POST /phone/code":   {"a number (no gateway)", fixed("/phone/code", map[string]any{"phone": "13800000001"}), w(none, 422), w(none, 422)},
		"POST /phone/verify": {"a code never sent", fixed("/phone/verify", map[string]any{"phone": "13800000009", "code": "123456"}), w(none, 400), w(none, 400)},
		"GET /phone/topics":  {"no phone session", fixed("/phone/topics", nil), w(none, 401), w(none, 401)},
		"POST /phone/topics": {"no phone session", fixed("/phone/topics", map[string]any{"area": testkit.ResA1, "title": "路灯"}), w(none, 401), w(none, 401)},
		"POST /phone/topics/{id}/support": {"no phone session", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/phone/topics/" + strconv.FormatInt(e.topicIn(out).ID, 10) + "/support", nil
		}, w(none, 401), w(none, 401)},
		"POST /phone/topics/{id}/comments": {"no phone session", func(e *env, m *matrixTargets, r auth.Role, out bool) (string, any) {
			return "/phone/topics/" + strconv.FormatInt(e.topicIn(out).ID, 10) + "/comments", map[string]any{"text": "同意"}
		}, w(none, 401), w(none, 401)},
	}
}

// TestPhoneAPI: a number on ResA1's roll gets a code (read from the
// outbox), verifies it, and with X-Phone-Session lists, raises and
// supports topics; outside its areas 403, twice 409, a bad session 401.
func TestPhoneAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if res := e.as(auth.CommunityStaff, "POST", "/resident-phones", map[string]any{"area": testkit.ResA1, "phone": "138-0013-8000"}); res.status != 201 {
			t.Fatalf("add: %d %s", res.status, res)
		}
		l := decodeJSON[listBody[map[string]any]](t, e.as(auth.CommunityStaff, "GET", "/resident-phones?area="+testkit.ResA1, nil))
		if l.Total != 1 || l.Items[0]["phone"] != "138****8000" {
			t.Fatalf("roll: %+v", l)
		}
		res := e.as(auth.CommunityStaff, "POST", "/resident-phones/import?filename=phones.csv&area="+testkit.ResA1, "13900139000\nabc\n")
		wantError(t, res, 400, "EINVALID", "phone")
		if !strings.Contains(res.String(), "phones.csv: row 2, column A") {
			t.Fatalf("import error: %s", res)
		}

		// The code is sent by a service with a gateway; the API verifies it.
		sms := phone.NewService(d, e.clock, notify.NewService(d, e.clock, notify.Options{SMS: true}))
		if _, err := sms.SendCode(ctx, "13800138000", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		var body string
		if err := d.QueryRow(ctx, "SELECT body FROM sms_outbox").Scan(&body); err != nil {
			t.Fatal(err)
		}
		code := regexp.MustCompile(`\d{6}`).FindString(body)
		res = e.do("", "POST", "/phone/verify", map[string]any{"phone": "13800138000", "code": code})
		sess := decodeJSON[map[string]any](t, res)
		token, _ := sess["token"].(string)
		if res.status != 200 || len(token) != 32 {
			t.Fatalf("verify: %d %s", res.status, res)
		}
		call := func(tok, method, path string, body any) resp {
			var rd *bytes.Reader
			if body != nil {
				j, _ := json.Marshal(body)
				rd = bytes.NewReader(j)
			} else {
				rd = bytes.NewReader(nil)
			}
			req, _ := http.NewRequest(method, e.base+path, rd)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Phone-Session", tok)
			return e.send(req)
		}
		wantError(t, call("nope", "GET", "/phone/topics", nil), 401, "EUNAUTHORIZED", "")
		res = call(token, "POST", "/phone/topics", map[string]any{"area": testkit.ResA1, "title": "东门加装路灯"})
		top := decodeJSON[map[string]any](t, res)
		if res.status != 201 || top["raised_by"] != "138****8000" {
			t.Fatalf("raise: %d %s", res.status, res)
		}
		id := strconv.FormatInt(int64(top["id"].(float64)), 10)
		wantError(t, call(token, "POST", "/phone/topics", map[string]any{"area": testkit.ResB1, "title": "别处"}), 403, "EFORBIDDEN", "")
		wantError(t, call(token, "POST", "/phone/topics/"+strconv.FormatInt(e.topicIn(true).ID, 10)+"/support", nil), 403, "EFORBIDDEN", "")
		res = call(token, "POST", "/phone/topics/"+id+"/support", nil)
		if res.status != 200 || decodeJSON[map[string]any](t, res)["supports"] != float64(1) {
			t.Fatalf("support: %d %s", res.status, res)
		}
		wantError(t, call(token, "POST", "/phone/topics/"+id+"/support", nil), 409, "ECONFLICT", "")
		wantError(t, call(token, "POST", "/phone/topics/"+id+"/comments", map[string]any{"text": " "}), 400, "EINVALID", "text")
		wantError(t, call(token, "POST", "/phone/topics/"+strconv.FormatInt(e.topicIn(true).ID, 10)+"/comments", map[string]any{"text": "同意"}), 404, "ENOTFOUND", "")
		if res := call(token, "POST", "/phone/topics/"+id+"/comments", map[string]any{"text": "同意，晚上确实看不清"}); res.status != 201 ||
			decodeJSON[map[string]any](t, res)["author"] != "138****8000" {
			t.Fatalf("comment: %d %s", res.status, res)
		}
		l = decodeJSON[listBody[map[string]any]](t, call(token, "GET", "/phone/topics?mine=true", nil))
		if l.Total != 1 || fmt.Sprint(l.Items[0]["id"]) != id {
			t.Fatalf("mine: %+v", l)
		}
		if res := e.as(auth.CommunityStaff, "POST", "/resident-phones/remove", map[string]any{"area": testkit.ResA1, "phone": "13800138000"}); res.status != 204 {
			t.Fatalf("remove: %d %s", res.status, res)
		}
		wantError(t, call(token, "GET", "/phone/topics", nil), 403, "EFORBIDDEN", "")
	})
}
