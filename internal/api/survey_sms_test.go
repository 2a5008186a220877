package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"gongzhi/internal/api"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/notify"
	"gongzhi/internal/platform"
	"gongzhi/internal/survey"
	"gongzhi/internal/testkit"
)

// TestSurveySMSOverAPI: with a gateway configured, the street texts
// survey links to a list of numbers; a bad number is 400 naming phones and
// sends nothing; the answer holds counts, never a link; a second request
// skips the numbers that had one.
func TestSurveySMSOverAPI(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		svc := survey.NewService(d, e.clock)
		svc.SetSMS(notify.NewService(d, e.clock, notify.Options{SMS: true, BaseURL: "https://gz.example.gov.cn"}))
		h := api.New(api.Deps{Services: platform.Services{DB: d, Auth: e.f.Auth, Clock: e.clock, Survey: svc, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
		mux := http.NewServeMux()
		mux.Handle("/api/v1/", h)
		srv := httptest.NewServer(mux)
		defer srv.Close()
		withSMS := *e
		withSMS.base = srv.URL + api.Prefix
		c := e.surveyIn(false)
		path := "/surveys/" + strconv.FormatInt(c.ID, 10) + "/sms"

		sent := func() int {
			var n int
			if err := d.QueryRow(t.Context(), "SELECT (SELECT count(*) FROM sms_outbox) + (SELECT count(*) FROM survey_links)").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		ae := wantError(t, withSMS.as(auth.StreetStaff, "POST", path, map[string]any{"phones": []string{"13800138000", "021-64670000"}}), 400, "EINVALID", "phones")
		if !strings.Contains(ae.Error.Message, "line 2") || sent() != 0 {
			t.Fatalf("a bad number: %+v, %d rows", ae, sent())
		}
		wantError(t, withSMS.as(auth.StreetStaff, "POST", path, map[string]any{"phones": []string{"13800138000"}, "extra": 1}), 400, "EINVALID", "")
		r := withSMS.as(auth.StreetStaff, "POST", path, map[string]any{"phones": []string{"138 0013 8000", "+86 139 0013 9000", "13800138000"}})
		if got := decodeJSON[map[string]any](t, r); r.status != 201 || len(got) != 2 || got["sent"] != 2.0 || got["skipped"] != 0.0 {
			t.Fatalf("send: %d %s", r.status, r)
		}
		r = withSMS.as(auth.StreetStaff, "POST", path, map[string]any{"phones": []string{"13900139000", "13700137000"}})
		if got := decodeJSON[survey.Sent](t, r); r.status != 201 || got != (survey.Sent{Sent: 1, Skipped: 1}) {
			t.Fatalf("again: %d %s", r.status, r)
		}
		if strings.Contains(string(r.body), "/survey/") {
			t.Error("the answer carries a link")
		}
		wantError(t, withSMS.as(auth.Auditor, "POST", path, map[string]any{"phones": []string{"13600136000"}}), 403, "EFORBIDDEN", "")
		wantError(t, withSMS.as(auth.StreetStaff, "POST", "/surveys/"+strconv.FormatInt(e.surveyIn(true).ID, 10)+"/sms", map[string]any{"phones": []string{"13600136000"}}), 404, "ENOTFOUND", "")
		// The env's own server has no gateway.
		wantError(t, e.as(auth.StreetStaff, "POST", path, map[string]any{"phones": []string{"13600136000"}}), 422, "EUNAVAILABLE", "")
		if n := sent(); n != 6 {
			t.Errorf("%d outbox and link rows, want 6", n)
		}
	})
}
