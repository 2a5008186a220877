package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"gongzhi/internal/app"
	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/notify"
	"gongzhi/internal/testkit"
)

// TestServeSendsSMS: a server started with --sms-gateway sends the tracking
// message staff ask for through its job queue to the gateway, signed with
// GONGZHI_SMS_SECRET, and gives every report a short code at start.
func TestServeSendsSMS(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := context.Background()
			const secret = "wiring-test-secret-0123"
			got := make(chan *http.Request, 4)
			bodies := make(chan string, 4)
			gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				bodies <- string(b)
				got <- r
			}))
			defer gw.Close()
			cfg := app.DefaultConfig(func(k string) string {
				return map[string]string{"GONGZHI_SMS_GATEWAY": gw.URL + "/sms", "GONGZHI_SMS_SECRET": secret,
					"GONGZHI_BASE_URL": "https://gz.example.gov.cn"}[k]
			})
			cfg.Addr, cfg.LogLevel, cfg.TimerInterval = "127.0.0.1:0", "error", 100*time.Millisecond
			cfg.DB, cfg.DataDir = testkit.NewDSN(t, eng)
			if err := cfg.Validate(); err != nil {
				t.Fatal(err)
			}
			m := app.NewMain(cfg, io.Discard)
			if err := m.Open(ctx); err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			f := testkit.NewFixture(t, m.DB)
			if _, err := m.Demand.SaveCategory(ctx, f.Users[auth.DistrictAdmin], demand.Category{Code: "noise", Name: "噪音扰民", ContactLimit: "2h", ResolveLimit: "5wd", Active: true}); err != nil {
				t.Fatal(err)
			}
			filed, err := m.Demand.Intake(ctx, f.Users[auth.CommunityStaff], demand.NewDemand{Category: "noise", Description: "夜里装修电钻声",
				Channel: "hotline", Area: testkit.ResA1, Reporter: demand.ReporterInput{Phone: "13912345678"}})
			if err != nil {
				t.Fatal(err)
			}
			// A report from before codes existed gets one when serve starts.
			other, err := m.Demand.Intake(ctx, nil, demand.NewDemand{Category: "noise", Description: "旧诉求", Area: testkit.ResA1})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := m.DB.Exec(ctx, "UPDATE demand_reporters SET short_code = NULL WHERE original_id = ?", other.Demand.ID); err != nil {
				t.Fatal(err)
			}
			if err := m.Run(ctx); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := m.DB.QueryRow(ctx, "SELECT count(*) FROM demand_reporters WHERE short_code IS NULL").Scan(&n); err != nil || n != 0 {
				t.Fatalf("%d reports without a code after start (%v)", n, err)
			}
			if _, err := m.Demand.SendTrackingSMS(ctx, f.Users[auth.CommunityStaff], filed.Demand.ID); err != nil {
				t.Fatal(err)
			}
			select {
			case r := <-got:
				body := <-bodies
				if !notify.VerifySignature(secret, r.Header.Get(notify.HeaderTimestamp), body, r.Header.Get(notify.HeaderSignature)) {
					t.Errorf("the request does not verify: %v", r.Header)
				}
				var msg struct{ To, Text string }
				if err := json.Unmarshal([]byte(body), &msg); err != nil || msg.To != "13912345678" ||
					!strings.Contains(msg.Text, "https://gz.example.gov.cn/c/"+filed.ShortCode) {
					t.Errorf("message %q (%v)", body, err)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("the gateway got nothing")
			}
		})
	}
}
