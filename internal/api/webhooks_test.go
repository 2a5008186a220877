package api_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/platform"
	"gongzhi/internal/testkit"
)

type webhookBody struct {
	ID           int64    `json:"id"`
	URL          string   `json:"url"`
	Events       []string `json:"events"`
	Active       bool     `json:"active"`
	SecretPrefix string   `json:"secret_prefix"`
	Secret       string   `json:"secret"`
}

// TestWebhooks manages an endpoint: the secret is shown at creation and
// rotation only, lists hide it, deliveries are logged and can be sent again.
func TestWebhooks(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		da := auth.DistrictAdmin
		res := e.as(da, "POST", "/webhooks", map[string]any{"url": "https://ops.example.gov.cn/hooks/gongzhi", "events": []string{"demand.*"}})
		if res.status != 201 {
			t.Fatalf("create: %d %s", res.status, res.body)
		}
		conforms(t, "WebhookSecret", res)
		hook := decodeJSON[webhookBody](t, res)
		if !strings.HasPrefix(hook.Secret, "whsec_") || len(hook.Secret) < 40 || !strings.HasPrefix(hook.Secret, hook.SecretPrefix) ||
			!hook.Active || len(hook.Events) != 1 || hook.Events[0] != "demand.*" {
			t.Fatalf("created: %s", res.body)
		}
		path := "/webhooks/" + strconv.FormatInt(hook.ID, 10)
		if loc := res.header.Get("Location"); loc != "/api/v1"+path {
			t.Errorf("Location %q", loc)
		}
		list := e.as(da, "GET", "/webhooks", nil)
		conforms(t, "WebhookList", list)
		if strings.Contains(list.String(), hook.Secret) || strings.Contains(list.String(), `"secret"`) {
			t.Errorf("the list shows the secret: %s", list.body)
		}
		if l := decodeJSON[listBody[webhookBody]](t, list); l.Total != 1 || l.Items[0].SecretPrefix != hook.SecretPrefix {
			t.Errorf("list: %s", list.body)
		}

		res = e.as(da, "PATCH", path, map[string]any{"active": false, "events": []string{"demand.assignment", "demand.escalation"}})
		conforms(t, "Webhook", res)
		if got := decodeJSON[webhookBody](t, res); got.Active || len(got.Events) != 2 || got.URL != hook.URL || got.Secret != "" {
			t.Errorf("patched: %s", res.body)
		}
		res = e.as(da, "POST", path+"/rotate", nil)
		conforms(t, "WebhookSecret", res)
		rotated := decodeJSON[webhookBody](t, res)
		if rotated.Secret == hook.Secret || !strings.HasPrefix(rotated.Secret, rotated.SecretPrefix) || rotated.ID != hook.ID {
			t.Errorf("rotated: %s", res.body)
		}
		if strings.Contains(e.as(da, "GET", "/webhooks", nil).String(), rotated.Secret) {
			t.Error("the list shows the rotated secret")
		}

		// An assignment while active is queued for the endpoint and logged.
		e.as(da, "PATCH", path, map[string]any{"active": true})
		e.fileDirect(testkit.ResA1, "noise", "楼下KTV噪音")
		res = e.as(da, "GET", path+"/deliveries", nil)
		conforms(t, "WebhookDeliveryList", res)
		deliveries := decodeJSON[listBody[struct {
			ID      int64  `json:"id"`
			Event   string `json:"event"`
			Status  string `json:"status"`
			Payload string `json:"payload"`
		}]](t, res)
		if deliveries.Total != 1 || deliveries.Items[0].Event != "demand.assignment" || deliveries.Items[0].Status != "pending" {
			t.Fatalf("deliveries: %s", res.body)
		}
		if strings.Contains(deliveries.Items[0].Payload, reporterPhone) || strings.Contains(deliveries.Items[0].Payload, reporterName) {
			t.Errorf("a webhook payload carries the reporter: %s", deliveries.Items[0].Payload)
		}
		redeliver := "/webhook-deliveries/" + strconv.FormatInt(deliveries.Items[0].ID, 10) + "/redeliver"
		wantError(t, e.as(da, "POST", redeliver, nil), 409, "ECONFLICT", "")
		if _, err := d.Exec(t.Context(), "UPDATE webhook_deliveries SET status = 'failed' WHERE id = ?", deliveries.Items[0].ID); err != nil {
			t.Fatal(err)
		}
		res = e.as(da, "POST", redeliver, nil)
		if res.status != 202 {
			t.Fatalf("redeliver: %d %s", res.status, res.body)
		}
		conforms(t, "Redelivery", res)

		for _, c := range []struct {
			method, path string
			body         any
			field        string
		}{
			{"POST", "/webhooks", map[string]any{"url": "ftp://example.org/x"}, "url"},
			{"POST", "/webhooks", map[string]any{"url": "https://example.org/x", "events": []string{"Demand Created"}}, "events"},
			{"POST", "/webhooks", map[string]any{"url": "https://example.org/x", "secret": "mine"}, "secret"},
			{"PATCH", path, map[string]any{"url": "not a url"}, "url"},
			{"PATCH", path, map[string]any{"active": "yes"}, "active"},
			{"POST", path + "/rotate", map[string]any{"secret": "mine"}, "secret"},
			{"GET", path + "/deliveries?per_page=501", nil, "per_page"},
		} {
			wantError(t, e.as(da, c.method, c.path, c.body), 400, "EINVALID", c.field)
		}
		wantError(t, e.as(auth.StreetStaff, "GET", "/webhooks", nil), 403, "EFORBIDDEN", "")
		wantError(t, e.as(auth.Auditor, "POST", "/webhooks", map[string]any{"url": "https://example.org/x"}), 403, "EFORBIDDEN", "")

		if r := e.as(da, "DELETE", path, nil); r.status != 204 {
			t.Fatalf("delete: %d %s", r.status, r.body)
		}
		wantError(t, e.as(da, "GET", path+"/deliveries", nil), 404, "ENOTFOUND", "")
		wantError(t, e.as(da, "DELETE", path, nil), 404, "ENOTFOUND", "")
		if n := e.count("SELECT count(*) FROM webhook_deliveries"); n != 0 {
			t.Errorf("%d deliveries outlive their webhook", n)
		}
	})
}

// withTargets serves the same database through a second API whose
// webhooks follow targets, as a server started with other settings would.
func (e *env) withTargets(targets notify.Targets) *env {
	e.t.Helper()
	notes := notify.NewService(e.db, e.clock, notify.Options{Targets: targets})
	h := api.New(api.Deps{Services: platform.Services{DB: e.db, Auth: e.f.Auth, Org: e.org, Demand: demand.NewService(e.db, e.clock, notes), Notify: notes,
		Clock: e.clock, Logger: slog.New(slog.DiscardHandler)}})
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", h)
	srv := httptest.NewServer(mux)
	e.t.Cleanup(srv.Close)
	c := *e
	c.notify, c.base = notes, srv.URL+api.Prefix
	return &c
}

// TestWebhookTargets: a webhook may not point at this server (its own API
// at 127.0.0.1), the cloud metadata service or the internal network unless
// the operator allows it with --webhook-allow-private.
func TestWebhookTargets(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		da := auth.DistrictAdmin
		internal := []string{
			e.base + "/me", // http://127.0.0.1:port/api/v1/me
			"http://[::1]/",
			"http://169.254.169.254/latest/meta-data/",
			"http://10.0.0.1/",
			"http://localhost/",
			"http://[::ffff:127.0.0.1]:8080/",
			"http://100.64.0.1/",
			"https://[fd00::1]:8443/hook",
		}
		for _, u := range internal {
			res := e.as(da, "POST", "/webhooks", map[string]any{"url": u})
			if res.status != 400 {
				t.Errorf("POST /webhooks %s: %d %s, want 400", u, res.status, res.body)
				continue
			}
			ae := wantError(t, res, 400, "EINVALID", "url")
			if !strings.Contains(ae.Error.Message, "--webhook-allow-private") {
				t.Errorf("the message does not name the setting: %s", res.body)
			}
		}
		if n := e.count("SELECT count(*) FROM webhooks"); n != 0 {
			t.Fatalf("%d refused webhooks were saved", n)
		}

		on := e.withTargets(notify.Targets{AllowPrivate: true})
		var hook webhookBody
		for _, u := range internal {
			res := on.as(da, "POST", "/webhooks", map[string]any{"url": u})
			if res.status != 201 {
				t.Fatalf("allowed: POST /webhooks %s: %d %s", u, res.status, res.body)
			}
			hook = decodeJSON[webhookBody](t, res)
		}
		// Where internal targets are not allowed, a PATCH cannot move a
		// webhook onto one either.
		path := "/webhooks/" + strconv.FormatInt(hook.ID, 10)
		wantError(t, e.as(da, "PATCH", path, map[string]any{"url": "http://169.254.169.254/"}), 400, "EINVALID", "url")
		wantError(t, e.as(da, "PATCH", path, map[string]any{"url": "gopher://example.org/"}), 400, "EINVALID", "url")
		if res := on.as(da, "PATCH", path, map[string]any{"url": "http://10.0.0.2/"}); res.status != 200 {
			t.Errorf("allowed: PATCH: %d %s", res.status, res.body)
		}
	})
}

// TestInbox marks notices read by id and all at once.
func TestInbox(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.seedCategories()
		cs := auth.CommunityStaff
		for _, text := range []string{"楼下KTV噪音", "楼道堆物", "电梯故障"} {
			e.fileDirect(testkit.ResA1, "noise", text) // each tells ResA1's staff: 新诉求待派单
		}
		res := e.as(cs, "GET", "/inbox?unread=true", nil)
		conforms(t, "InboxList", res)
		in := decodeJSON[inboxBody](t, res)
		if in.Total != 3 || in.Unread != 3 || in.Items[0].Kind != "assignment" || !strings.Contains(in.Items[0].Title, "新诉求待派单") {
			t.Fatalf("inbox: %s", res.body)
		}
		res = e.as(cs, "POST", "/inbox/read", map[string]any{"ids": []int64{in.Items[0].ID, 999999}})
		conforms(t, "InboxUnread", res)
		if got := decodeJSON[struct{ Unread int }](t, res); got.Unread != 2 {
			t.Errorf("after reading one: %s", res.body)
		}
		// Someone else's notice is not theirs to mark.
		e.as(auth.UnitLiaison, "POST", "/inbox/read", map[string]any{"ids": []int64{in.Items[1].ID}})
		if got := decodeJSON[inboxBody](t, e.as(cs, "GET", "/inbox?unread=true", nil)); got.Total != 2 || got.Unread != 2 {
			t.Errorf("another user's read touched this inbox: %+v", got)
		}
		if got := decodeJSON[inboxBody](t, e.as(cs, "GET", "/inbox?per_page=1", nil)); got.Total != 3 || len(got.Items) != 1 || got.Unread != 2 {
			t.Errorf("all, one per page: %+v", got)
		}
		res = e.as(cs, "POST", "/inbox/read", map[string]any{"all": true})
		if got := decodeJSON[struct{ Unread int }](t, res); got.Unread != 0 {
			t.Errorf("after reading all: %s", res.body)
		}
		wantError(t, e.as(cs, "POST", "/inbox/read", map[string]any{}), 400, "EINVALID", "ids")
		wantError(t, e.as(cs, "POST", "/inbox/read", map[string]any{"ids": []int64{1}, "all": true}), 400, "EINVALID", "ids")
		wantError(t, e.as(cs, "GET", "/inbox?unread=maybe", nil), 400, "EINVALID", "unread")
		if got := decodeJSON[inboxBody](t, e.as(auth.Resident, "GET", "/inbox", nil)); got.Total != 0 {
			t.Errorf("a resident has notices: %+v", got)
		}
	})
}
