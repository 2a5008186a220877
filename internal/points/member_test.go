package points_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"gongzhi/internal/area"
	"gongzhi/internal/auth"
	"gongzhi/internal/db"
	"gongzhi/internal/jobs"
	"gongzhi/internal/party"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
)

// TestKindChangeRecomputes: rules are per member kind, so changing a
// member's kind enqueues the recompute of the member's points in the same
// transaction; the queue (on the injected clock) brings the ledger to the
// new kind's rules, and a change that keeps the kind enqueues nothing.
func TestKindChangeRecomputes(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		c := testkit.Clock()
		q := jobs.New(d, c, slog.New(slog.DiscardHandler))
		w.s.RegisterJobs(q)
		admin := w.f.Users[auth.DistrictAdmin]
		w.service(w.inSvc, testkit.ResB1, "2026-03-03 11:00", 180) // volunteer service, 3 h
		rs, err := w.s.CreateRuleset(ctx, admin, points.RulesetInput{Year: 2026, Rules: []points.Rule{
			{Module: points.ModVolunteer, Per: points.PerHour, Points: 1},
			{Kind: "退休", Module: points.ModVolunteer, Per: points.PerHour, Points: 3},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Apply(ctx, admin, rs.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.total(w.inSvc); got != 3 {
			t.Fatalf("before: %d, want 3", got)
		}
		ps := party.NewService(d, c)
		m, err := ps.Get(ctx, admin, w.inSvc)
		if err != nil {
			t.Fatal(err)
		}
		in := party.Input{Name: m.Name, Kind: m.Kind, PartyOrgID: m.PartyOrgID, HomeArea: *m.HomeArea}
		in.Name = "王建国（更正）"
		if _, err := ps.Update(ctx, admin, m.ID, in); err != nil {
			t.Fatal(err)
		}
		pending := func() int {
			return w.count("SELECT count(*) FROM jobs WHERE kind = ? AND state = 'pending'", points.JobMember)
		}
		if n := pending(); n != 0 {
			t.Fatalf("a change keeping the kind enqueued %d recomputes", n)
		}
		in.Kind = "退休"
		if _, err := ps.Update(ctx, w.f.Users[auth.Resident], m.ID, in); err == nil {
			t.Fatal("a resident changed a member")
		}
		if _, err := ps.Update(ctx, admin, m.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := pending(); n != 1 {
			t.Fatalf("%d recomputes pending, want 1", n)
		}
		if got := w.total(w.inSvc); got != 3 {
			t.Fatalf("points moved before the job ran: %d", got)
		}
		if _, err := q.RunDue(ctx); err != nil {
			t.Fatal(err)
		}
		if got := w.total(w.inSvc); got != 9 {
			t.Errorf("after the recompute %d, want 9 (3 h at the retired rate of 3)", got)
		}
		if n := pending(); n != 0 {
			t.Errorf("%d recomputes still pending", n)
		}
		// The history stays: the old row is reversed, not rewritten.
		if n := w.count("SELECT count(*) FROM points_ledger WHERE member_id = ? AND reverses_id IS NOT NULL", w.inSvc); n != 1 {
			t.Errorf("%d reversals, want 1", n)
		}
		// Running again changes nothing.
		if err := d.InTx(ctx, func(tx *db.Tx) error {
			n, err := w.s.RecomputeMember(ctx, tx, w.inSvc)
			if n != 0 {
				t.Errorf("a second recompute made %d changes", n)
			}
			return err
		}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestServiceLogCountsAsDualReporting: an approved service log counts in
// the dual-reporting module.
func TestServiceLogCountsAsDualReporting(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		w := newWorld(t, d)
		admin := w.f.Users[auth.DistrictAdmin]
		// Logged where he reported at the time (ResA2, say, before he
		// moved his report to ResA1): still dual-reporting service.
		path, err := area.Path(ctx, d, testkit.ResA2)
		if err != nil {
			t.Fatal(err)
		}
		end := testkit.Clock().Now().AddDate(0, -1, 0)
		if _, err := d.Exec(ctx, `INSERT INTO member_service (member_id, source, source_id, area_path, started_at, ended_at, minutes)
			VALUES (?, 'service_log', 1, ?, ?, ?, 120)`, w.inSvc, path, end.Add(-2*time.Hour), end); err != nil {
			t.Fatal(err)
		}
		rs, err := w.s.CreateRuleset(ctx, admin, points.RulesetInput{Year: 2026, Rules: []points.Rule{
			{Module: points.ModVolunteer, Per: points.PerHour, Points: 1},
			{Module: points.ModDualReport, Per: points.PerHour, Points: 5},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.s.Apply(ctx, admin, rs.ID); err != nil {
			t.Fatal(err)
		}
		if got := w.total(w.inSvc); got != 10 {
			t.Errorf("%d points, want 10 (2 h of dual-reporting service)", got)
		}
	})
}
