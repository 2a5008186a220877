package app_test

import (
	"context"
	"io"
	"testing"
	"time"

	"gongzhi/internal/app"
	"gongzhi/internal/auth"
	"gongzhi/internal/demand"
	"gongzhi/internal/testkit"
)

// TestTimersSurviveRestart files a demand with a one-minute contact limit,
// stops the app before the limit, starts a new one on the same database
// after it, and checks the timer still fires: overdue, escalated, and the
// street's staff told. The clock is injected, so nothing waits.
func TestTimersSurviveRestart(t *testing.T) {
	for _, eng := range testkit.Engines() {
		t.Run(eng.String(), func(t *testing.T) {
			ctx := context.Background()
			dsn, dir := testkit.NewDSN(t, eng)
			cfg := app.DefaultConfig(func(string) string { return "" })
			cfg.DB, cfg.DataDir = dsn, dir
			clk := testkit.Clock()
			open := func() *app.Main {
				m := app.NewMain(cfg, io.Discard)
				m.Clock = clk
				if err := m.Open(ctx); err != nil {
					t.Fatal(err)
				}
				return m
			}
			m := open()
			f := testkit.NewFixture(t, m.DB)
			admin := f.Users[auth.DistrictAdmin]
			if _, err := m.Demand.SaveCategory(ctx, admin, demand.Category{Code: "noise", Name: "噪音扰民", ContactLimit: "1m", ResolveLimit: "5wd", Active: true}); err != nil {
				t.Fatal(err)
			}
			filed, err := m.Demand.Intake(ctx, nil, demand.NewDemand{Category: "noise", Description: "夜里装修电钻声", Area: testkit.ResA1})
			if err != nil {
				t.Fatal(err)
			}
			m.Close()

			clk.Advance(90 * time.Second)
			m = open()
			defer m.Close()
			if _, err := m.Demand.RunDue(ctx); err != nil {
				t.Fatal(err)
			}
			d, err := m.Demand.Get(ctx, admin, filed.Demand.ID)
			if err != nil || !d.Overdue || d.EscalationLevel < 1 {
				t.Fatalf("after restart: %+v %v", d, err)
			}
			_, _, unread, err := m.Notify.Inbox(ctx, f.Users[auth.StreetStaff], true, 1, 10)
			if err != nil || unread == 0 {
				t.Fatalf("street staff inbox: %d %v", unread, err)
			}
		})
	}
}
