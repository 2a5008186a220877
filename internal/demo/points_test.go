package demo

import (
	"context"
	"testing"
	"time"

	"gongzhi/internal/db"
	"gongzhi/internal/points"
	"gongzhi/internal/testkit"
)

// TestPointsStep writes the district, its party step and the points step,
// and checks that every verified service of the year is in the ledger,
// a recompute changes nothing, and the approval queue has items. The
// step's time is logged (at most 1.5 s on SQLite).
func TestPointsStep(t *testing.T) {
	testkit.EachEngine(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		b := newBuilder(testkit.Clock().Now())
		b.generate()
		err := d.InTx(ctx, func(tx *db.Tx) error {
			if err := b.write(ctx, tx); err != nil {
				return err
			}
			if err := b.writeParty(ctx, tx); err != nil {
				return err
			}
			t0 := time.Now()
			if err := b.writePoints(ctx, tx); err != nil {
				return err
			}
			t.Logf("points step: %v", time.Since(t0))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		count := func(q string) (n int) {
			if err := d.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		service := count("SELECT count(*) FROM member_service")
		ledger := count("SELECT count(*) FROM points_ledger WHERE source IN ('activity', 'service_log')")
		if service == 0 || ledger != service {
			t.Errorf("%d verified services, %d ledger rows", service, ledger)
		}
		if n := count("SELECT count(*) FROM points_ledger WHERE points > 0"); n == 0 {
			t.Error("no points")
		}
		if n, err := points.NewService(d, testkit.Clock()).Sync(ctx); err != nil || n != 0 {
			t.Errorf("the sync after the demo changes %d rows (%v), want none", n, err)
		}
		if n := count("SELECT count(*) FROM points_manual WHERE status = 'proposed'"); n == 0 {
			t.Error("the approval queue is empty")
		}
	})
}
