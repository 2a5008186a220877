package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/errs"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

func TestWebhookAdmin(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: publicDNS})
		ctx := context.Background()

		// Only the district admin manages webhooks.
		for _, r := range []auth.Role{auth.StreetStaff, auth.CommunityStaff, auth.Auditor, auth.Resident} {
			_, _, err := e.svc.CreateWebhook(ctx, e.f.Users[r], notify.NewWebhook{URL: "https://example.org/h"})
			if errs.Code(err) != errs.EFORBIDDEN {
				t.Errorf("%s creates webhook: %v, want EFORBIDDEN", r, err)
			}
			if _, err := e.svc.Webhooks(ctx, e.f.Users[r]); errs.Code(err) != errs.EFORBIDDEN {
				t.Errorf("%s lists webhooks: %v, want EFORBIDDEN", r, err)
			}
		}
		if _, _, err := e.svc.CreateWebhook(ctx, nil, notify.NewWebhook{URL: "https://example.org/h"}); errs.Code(err) != errs.EUNAUTHORIZED {
			t.Errorf("anonymous: %v", err)
		}

		for _, c := range []struct {
			in    notify.NewWebhook
			field string
		}{
			{notify.NewWebhook{URL: "ftp://example.org/"}, "url"},
			{notify.NewWebhook{URL: "/relative"}, "url"},
			{notify.NewWebhook{URL: "https://example.org/" + strings.Repeat("a", 2100)}, "url"},
			{notify.NewWebhook{URL: "https://example.org/", Events: []string{"Demand Created"}}, "events"},
			{notify.NewWebhook{URL: "https://example.org/", Events: []string{"demand..x"}}, "events"},
		} {
			_, _, err := e.svc.CreateWebhook(ctx, e.admin, c.in)
			if ds := errs.DetailsOf(err); errs.Code(err) != errs.EINVALID || ds[0].Field != c.field {
				t.Errorf("CreateWebhook(%.60v) = %v, want EINVALID on %s", c.in, err, c.field)
			}
		}

		secret, w, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: " https://ops.example.gov.cn/gongzhi ",
			Events: []string{"demand.*", " demand.closed", "demand.*"}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, notify.SecretPrefix) || len(secret) < 40 || !strings.HasPrefix(secret, w.SecretPrefix) {
			t.Errorf("secret %q, prefix %q", secret, w.SecretPrefix)
		}
		if w.URL != "https://ops.example.gov.cn/gongzhi" || strings.Join(w.Events, ",") != "demand.*,demand.closed" || !w.Active {
			t.Errorf("webhook = %+v", w)
		}
		// The secret is never shown again: not in the list, not in the audit log.
		list, err := e.svc.Webhooks(ctx, e.admin)
		if err != nil || len(list) != 1 {
			t.Fatalf("list: %v, %v", list, err)
		}
		b, _ := json.Marshal(list)
		if strings.Contains(string(b), secret) {
			t.Errorf("listed webhook shows its secret: %s", b)
		}
		entries, _, err := auth.ListAudit(ctx, d, e.admin, auth.AuditFilter{Entity: ptr("webhook")})
		if err != nil || len(entries) != 1 || entries[0].Action != "create" {
			t.Fatalf("audit: %+v, %v", entries, err)
		}
		if strings.Contains(entries[0].After, secret) {
			t.Errorf("audit row holds the secret: %s", entries[0].After)
		}

		off := false
		w2, err := e.svc.UpdateWebhook(ctx, e.admin, w.ID, notify.WebhookUpdate{Active: &off, Events: &[]string{"*", "demand.x"}})
		if err != nil || w2.Active || strings.Join(w2.Events, ",") != "*" {
			t.Fatalf("update: %+v, %v", w2, err)
		}
		if _, err := e.svc.UpdateWebhook(ctx, e.f.Users[auth.StreetStaff], w.ID, notify.WebhookUpdate{Active: &off}); errs.Code(err) != errs.EFORBIDDEN {
			t.Errorf("street staff updates: %v", err)
		}
		if _, err := e.svc.UpdateWebhook(ctx, e.admin, 9999, notify.WebhookUpdate{Active: &off}); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("update missing: %v", err)
		}
		s2, err := e.svc.RotateWebhookSecret(ctx, e.admin, w.ID)
		if err != nil || s2 == secret || !strings.HasPrefix(s2, notify.SecretPrefix) {
			t.Fatalf("rotate: %q, %v", s2, err)
		}
		if err := e.svc.DeleteWebhook(ctx, e.admin, w.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := e.svc.Webhooks(ctx, e.admin); len(list) != 0 {
			t.Errorf("after delete: %v", list)
		}
		if _, _, err := e.svc.Deliveries(ctx, e.admin, w.ID, 1, 10); errs.Code(err) != errs.ENOTFOUND {
			t.Errorf("deliveries of deleted webhook: %v", err)
		}
		entries, _, _ = auth.ListAudit(ctx, d, e.admin, auth.AuditFilter{Entity: ptr("webhook")})
		var actions []string
		for _, en := range entries {
			actions = append(actions, en.Action)
		}
		if strings.Join(actions, ",") != "delete,rotate_secret,update,create" {
			t.Errorf("audit actions = %v", actions)
		}
	})
}

func TestEnqueueMatchesActiveSubscriptions(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, notify.Options{Targets: publicDNS})
		ctx := context.Background()
		mk := func(events ...string) int64 {
			_, w, err := e.svc.CreateWebhook(ctx, e.admin, notify.NewWebhook{URL: "https://example.org/h", Events: events})
			if err != nil {
				t.Fatal(err)
			}
			return w.ID
		}
		all, demands, closed, lists, paused := mk(), mk("demand.*"), mk("demand.closed"), mk("lists.*"), mk("*")
		off := false
		if _, err := e.svc.UpdateWebhook(ctx, e.admin, paused, notify.WebhookUpdate{Active: &off}); err != nil {
			t.Fatal(err)
		}
		e.enqueue(t, "demand.dispatched", map[string]any{"id": 7, "title": "楼道堆物"})
		e.enqueue(t, "demand.closed", map[string]any{"id": 7})
		want := map[int64]int{all: 2, demands: 2, closed: 1, lists: 0, paused: 0}
		for id, n := range want {
			if got := count(t, d, "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = ?", id); got != n {
				t.Errorf("webhook %d has %d deliveries, want %d", id, got, n)
			}
		}
		err := d.InTx(ctx, func(tx *db.Tx) error { return e.svc.Enqueue(ctx, tx, "Bad Event", nil) })
		if errs.Code(err) != errs.EINVALID {
			t.Errorf("bad event name: %v", err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error { return e.svc.Enqueue(ctx, tx, "x.y", func() {}) })
		if errs.Code(err) != errs.EINTERNAL {
			t.Errorf("unencodable payload: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }
