package demand_test

import (
	"strconv"
	"testing"
	"time"

	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/testkit"
)

// TestTimersMigrateToJobs writes timers and outbox rows the way release
// 00013 did, migrates up, and checks migration 00014 carried every pending
// one into the job layer (the newest per demand and kind, with its due time
// and the attempts used) and that the carried timers still fire.
func TestTimersMigrateToJobs(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		admin := e.f.Users[auth.DistrictAdmin]
		dm := e.file(t, admin, "noise", testkit.ResA1, "楼下夜里装修").Demand
		if err := d.MigrateDownTo(e.ctx, 13); err != nil {
			t.Fatal(err)
		}
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := d.QueryRow(e.ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		if n := count("SELECT count(*) FROM timers WHERE demand_id = ? AND done_at IS NULL", dm.ID); n != 4 {
			t.Fatalf("down: %d pending timers, want the 4 jobs back", n)
		}
		now := e.clock.Now().UTC()
		// An earlier contact deadline the later one replaced, and one already done.
		for _, r := range []struct {
			kind string
			due  time.Time
			done any
		}{{"contact_due", now.Add(-time.Hour), now}, {"escalate_contact", now.Add(time.Hour), nil}} {
			if _, err := d.Exec(e.ctx, "INSERT INTO timers (kind, demand_id, due_at, done_at, level) VALUES (?, ?, ?, ?, 2)", r.kind, dm.ID, r.due, r.done); err != nil {
				t.Fatal(err)
			}
		}
		hook, err := db.InsertID(e.ctx, d, "INSERT INTO webhooks (url, secret, events, active, created_at) VALUES ('https://hooks.example.org/x', 's', '*', TRUE, ?)", now)
		if err != nil {
			t.Fatal(err)
		}
		retryAt := now.Add(5 * time.Minute)
		delivery, err := db.InsertID(e.ctx, d, `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
			VALUES (?, 'demand.created', '{}', 'pending', 2, ?, ?)`, hook, retryAt, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.InsertID(e.ctx, d, `INSERT INTO webhook_deliveries (webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
			VALUES (?, 'demand.created', '{}', 'delivered', 1, ?, ?)`, hook, now, now); err != nil {
			t.Fatal(err)
		}

		if err := d.Migrate(e.ctx); err != nil {
			t.Fatal(err)
		}
		key := strconv.FormatInt(dm.ID, 10)
		for kind, due := range map[string]time.Time{"contact_remind": now.Add(45 * time.Second), "contact_due": dm.ContactDue,
			"resolve_due": dm.ResolveDue, "escalate_contact": now.Add(time.Hour)} {
			n := count("SELECT count(*) FROM jobs WHERE kind = ? AND key = ? AND state = 'pending'", "demand."+kind, key)
			var at time.Time
			d.QueryRow(e.ctx, "SELECT run_at FROM jobs WHERE kind = ? AND key = ? AND state = 'pending'", "demand."+kind, key).Scan(&at)
			if n != 1 || !at.Equal(due.UTC()) {
				t.Errorf("%s: %d pending jobs at %v, want 1 at %v", kind, n, at, due.UTC())
			}
		}
		if n := count("SELECT count(*) FROM jobs WHERE kind LIKE 'demand.%' AND state = 'pending'"); n != 5 {
			t.Errorf("%d demand jobs, want 5", n)
		}
		var attempts int
		var at time.Time
		if err := d.QueryRow(e.ctx, "SELECT attempts, run_at FROM jobs WHERE kind = 'notify.webhook' AND key = ?", strconv.FormatInt(delivery, 10)).
			Scan(&attempts, &at); err != nil || attempts != 2 || !at.Equal(retryAt) {
			t.Errorf("webhook job: %d attempts at %v (%v), want 2 at %v", attempts, at, err, retryAt)
		}
		if n := count("SELECT count(*) FROM jobs WHERE kind = 'notify.webhook'"); n != 1 {
			t.Errorf("%d webhook jobs, want only the pending delivery's", n)
		}

		// The carried timers fire: past the contact deadline the demand is overdue.
		e.clock.Advance(2 * time.Minute)
		if _, err := e.s.RunDue(e.ctx); err != nil {
			t.Fatal(err)
		}
		got, err := e.s.Get(e.ctx, admin, dm.ID)
		if err != nil || !got.Overdue || got.EscalationLevel < 1 {
			t.Fatalf("after the carried deadline: overdue %v, level %d, %v", got.Overdue, got.EscalationLevel, err)
		}
	})
}
